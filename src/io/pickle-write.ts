/**
 * Emits pickle protocol 2 the way Python's pickler does for the values a
 * checkpoint holds, so that `pickletools.dis` of torchlet's data.pkl reads
 * like PyTorch's: containers and globals are memoized (BINPUT) and a repeated
 * one is fetched back (BINGET), ints take the smallest opcode that fits,
 * dicts and lists are filled in batches of 1000 (SETITEMS/APPENDS).
 */

const BATCH = 1000;

/** A growing byte buffer with the pickle opcodes as methods. */
export class PickleWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;
  private nextMemo = 0;
  private readonly globals = new Map<string, number>();
  private readonly encoder = new TextEncoder();

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  private u32(v: number): void {
    this.reserve(4);
    new DataView(this.buffer.buffer).setUint32(this.length, v, true);
    this.length += 4;
  }

  /** PROTO 2, as torch.save's pickler starts. */
  proto(): void {
    this.byte(0x80);
    this.byte(2);
  }

  /** BINPUT (LONG_BINPUT past 255): remembers the value on top of the stack; returns its memo index. */
  memoize(): number {
    const index = this.nextMemo++;
    if (index < 256) {
      this.byte(0x71);
      this.byte(index);
    } else {
      this.byte(0x72);
      this.u32(index);
    }
    return index;
  }

  /** BINGET / LONG_BINGET. */
  get(index: number): void {
    if (index < 256) {
      this.byte(0x68);
      this.byte(index);
    } else {
      this.byte(0x6a);
      this.u32(index);
    }
  }

  /** GLOBAL "module\nname\n", memoized: a second use is a BINGET. */
  global(module: string, name: string): void {
    const key = `${module}\n${name}\n`;
    const known = this.globals.get(key);
    if (known !== undefined) return this.get(known);
    this.byte(0x63);
    this.bytes(this.encoder.encode(key));
    this.globals.set(key, this.memoize());
  }

  int(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v <= 0xff) {
      this.byte(0x4b);
      this.byte(v);
    } else if (typeof v === "number" && v >= 0 && v <= 0xffff) {
      this.byte(0x4d);
      this.byte(v & 0xff);
      this.byte(v >> 8);
    } else if (typeof v === "number" && v >= -0x80000000 && v <= 0x7fffffff) {
      this.byte(0x4a);
      this.reserve(4);
      new DataView(this.buffer.buffer).setInt32(this.length, v, true);
      this.length += 4;
    } else {
      this.long(BigInt(v));
    }
  }

  /** LONG1: little-endian two's complement in as few bytes as keep the sign (Python's encode_long). */
  private long(v: bigint): void {
    const out: number[] = [];
    let x = v;
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n; // arithmetic shift: negative numbers stay negative
      const sign = out[out.length - 1]! & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    if (out.length > 255) throw new RangeError(`save: the integer ${v} is too large for a checkpoint`);
    this.byte(0x8a);
    this.byte(out.length);
    for (const b of out) this.byte(b);
  }

  float(v: number): void {
    this.byte(0x47);
    this.reserve(8);
    new DataView(this.buffer.buffer).setFloat64(this.length, v, false); // big-endian, as pickle stores it
    this.length += 8;
  }

  string(s: string): void {
    const b = this.encoder.encode(s);
    this.byte(0x58);
    this.u32(b.length);
    this.bytes(b);
  }

  none(): void { this.byte(0x4e); }
  bool(v: boolean): void { this.byte(v ? 0x88 : 0x89); }
  mark(): void { this.byte(0x28); }
  emptyDict(): void { this.byte(0x7d); }
  emptyList(): void { this.byte(0x5d); }
  reduce(): void { this.byte(0x52); }
  persistentId(): void { this.byte(0x51); }
  stop(): void { this.byte(0x2e); }

  /** A tuple of `n` values that `items` pushes: EMPTY_TUPLE, TUPLE1-3 or MARK ... TUPLE, as Python picks. */
  tuple(n: number, items: () => void): void {
    if (n === 0) {
      this.byte(0x29);
      return;
    }
    if (n > 3) this.mark();
    items();
    this.byte(n > 3 ? 0x74 : 0x84 + n);
  }

  /** Fills the dict on top of the stack: `put(i)` pushes pair i's key and value. */
  setItems(n: number, put: (i: number) => void): void {
    for (let start = 0; start < n; start += BATCH) {
      const end = Math.min(n, start + BATCH);
      if (end - start > 1) this.mark();
      for (let i = start; i < end; i++) put(i);
      this.byte(end - start > 1 ? 0x75 : 0x73);
    }
  }

  /** Fills the list on top of the stack: `put(i)` pushes item i. */
  appends(n: number, put: (i: number) => void): void {
    for (let start = 0; start < n; start += BATCH) {
      const end = Math.min(n, start + BATCH);
      if (end - start > 1) this.mark();
      for (let i = start; i < end; i++) put(i);
      this.byte(end - start > 1 ? 0x65 : 0x61);
    }
  }

  /** The pickle written so far. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
