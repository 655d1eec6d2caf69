/**
 * A minimal protobuf writer: just enough wire format (varints and
 * length-delimited fields) to build ONNX models in memory for the bench.
 * Messages are built bottom-up: encode a child, then embed its bytes.
 */

/** Wire types used here: 0 = varint, 2 = length-delimited. */
const VARINT = 0, LEN = 2;

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  private varint(value: number | bigint): void {
    // Negative int64s are 10-byte two's complement on the wire.
    let v = BigInt.asUintN(64, BigInt(value));
    const out = this.scratch;
    out.length = 0;
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.chunks.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An int32/int64/enum field (varint). */
  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A bytes field, or an embedded message given as its encoded bytes. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(value.length);
    this.chunks.push(value);
    return this;
  }

  finish(): Uint8Array {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Little-endian float32 bytes, the layout TensorProto.raw_data expects. */
export function floatBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}
