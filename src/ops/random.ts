import { kernels } from "../backend/select.js";
import type { DType } from "../tensor/dtype.js";

/**
 * Pseudo-random numbers from PyTorch's CPU generator: a 32-bit Mersenne
 * Twister (MT19937) seeded as `torch.manual_seed` seeds it, and PyTorch's
 * ways of turning its words into samples (see the methods), so that the same
 * seed gives PyTorch's numbers: `rand`, `uniform_`, `randint`, `randperm`,
 * `bernoulli_` and dropout exactly, `randn` / `normal_` up to float rounding.
 */
export class Generator {
  private readonly mt = new Uint32Array(624);
  private mti = 624;
  private readonly scratch = new Uint32Array(4096);
  private seed = 0;
  /** The second value of a Box–Muller pair, kept for the next `normal()` (PyTorch's next_double_normal_sample). */
  private spare: number | null = null;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed`; returns the generator (PyTorch's `manual_seed`). */
  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) throw new Error(`manualSeed: seed must be an integer, got ${seed}`);
    this.seed = seed;
    // PyTorch seeds the twister with the seed's low 32 bits (of its uint64 value, for negative seeds too)
    const mt = this.mt;
    mt[0] = ((seed % 4294967296) + 4294967296) % 4294967296;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]!;
      mt[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
    this.mti = 624;
    this.spare = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  /** The next 32-bit word (PyTorch's `random()`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= 624) {
      twist(mt);
      this.mti = 0;
    }
    return temper(mt[this.mti++]!) >>> 0;
  }

  /** The next `count` (at most 4096) words, as that many calls of nextUint32 give them, in a buffer reused by the next call. */
  private nextWords(count: number): Uint32Array {
    const out = this.scratch, mt = this.mt;
    // the backend's loop when it has one (native: several times faster), else the same words here
    const next = count >= 64 ? kernels().mtWords?.(mt, this.mti, out, count) : null;
    if (next != null) {
      this.mti = next;
      return out;
    }
    let at = this.mti;
    for (let j = 0; j < count; j++) {
      if (at >= 624) {
        twist(mt);
        at = 0;
      }
      out[j] = temper(mt[at++]!);
    }
    this.mti = at;
    return out;
  }

  /** Fills `out` with uniform doubles, as that many calls of random() give them (the fills' fast path). */
  randomDoublesInto(out: Float64Array): void {
    for (let done = 0; done < out.length; done += 2048) {
      const m = Math.min(2048, out.length - done), w = this.nextWords(2 * m);
      for (let i = 0; i < m; i++) out[done + i] = low53(w[2 * i]!, w[2 * i + 1]!) / 9007199254740992;
    }
  }

  /** Fills `out` with uniform floats, as that many calls of randomFloat() give them. */
  randomFloatsInto(out: Float64Array): void {
    for (let done = 0; done < out.length; done += 4096) {
      const m = Math.min(4096, out.length - done), w = this.nextWords(m);
      for (let i = 0; i < m; i++) out[done + i] = (w[i]! & 0xffffff) / 16777216;
    }
  }

  /** Uniform in [0, 1) with 53 random bits: PyTorch's uniform double, the low 53 bits of `random64()` (two words, the first the high half). */
  random(): number {
    const hi = this.nextUint32(), lo = this.nextUint32();
    return low53(hi, lo) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 random bits: PyTorch's uniform float, the low 24 bits of one word. */
  randomFloat(): number {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /** Uniform in (0, 1), never exactly 0 or 1, so logs and tangents of it stay finite. */
  randomOpen(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /**
   * Standard normal, as PyTorch's normal_distribution<double>: Box–Muller on
   * two uniform doubles (the first the angle), the sine kept for the next call.
   */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = this.random(), u2 = this.random();
    const r = Math.sqrt(-2 * Math.log1p(-u2)), theta = 2 * Math.PI * u1;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * A seed for another generator, drawn as PyTorch draws one with
   * `torch.empty((), dtype=torch.int64).random_()` (two words): its value
   * modulo 2^53, which keeps the low 32 bits, all that seed a generator.
   */
  drawSeed(): number {
    const hi = this.nextUint32(), lo = this.nextUint32();
    return low53(hi, lo);
  }

  /** Fills `out` with uniform integers in [low, high), as that many calls of integer() give them. */
  integersInto(out: { length: number; [i: number]: number }, low: number, high: number): void {
    const range = high - low;
    if (range > 4294967296) {
      for (let i = 0; i < out.length; i++) out[i] = this.integer(low, high);
      return;
    }
    for (let done = 0; done < out.length; done += 4096) {
      const m = Math.min(4096, out.length - done), w = this.nextWords(m);
      for (let i = 0; i < m; i++) out[done + i] = low + remainder(w[i]!, range);
    }
  }

  /** Uniform integer in [low, high): PyTorch's `random() % range` (`random64() % range` past 2^32). */
  integer(low: number, high: number): number {
    const range = high - low;
    if (range <= 4294967296) return low + (this.nextUint32() % range);
    const hi = this.nextUint32(), lo = this.nextUint32();
    return low + Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(range));
  }

  /**
   * Fills `values` (row-major) as PyTorch's `uniform_(from, to)` fills a
   * tensor of `dtype`: float32 draws 24 bits a value and works on bounds
   * rounded to float, with one rounding of `u * width + from` (PyTorch's
   * kernel is compiled with fused multiply-adds: checked against its values,
   * which separate roundings miss in about half the draws); float64 draws 53 bits.
   */
  uniformFill(values: Float64Array, dtype: DType, from: number, to: number): void {
    const n = values.length;
    if (dtype === "float64") {
      this.randomDoublesInto(values);
      const width = to - from;
      if (width === 1 && from === 0) return; // u·1 + 0 is u
      for (let i = 0; i < n; i++) values[i] = fusedMultiplyAdd(values[i]!, width, from);
      return;
    }
    this.randomFloatsInto(values);
    const lo = Math.fround(from), width = Math.fround(Math.fround(to) - lo);
    if (width === 1 && lo === 0) return;
    // u·width is exact in a double (24-bit operands), so this is the fused result
    for (let i = 0; i < n; i++) values[i] = Math.fround(values[i]! * width + lo);
  }

  /**
   * Fills `values` as PyTorch's `normal_(mean, std)` fills a tensor of
   * `dtype`: 16 values or more are filled with uniforms first and then turned
   * into normals 16 at a time by Box–Muller (the first 8 of a block give the
   * radii, the last 8 the angles; a ragged end redraws and redoes the last
   * 16); fewer are drawn one by one from normal().
   */
  normalFill(values: Float64Array, dtype: DType, mean: number, std: number): void {
    const n = values.length;
    if (n < 16) {
      for (let i = 0; i < n; i++) values[i] = this.normal() * std + mean;
      return;
    }
    const uniforms = (into: Float64Array) => (dtype === "float32" ? this.randomFloatsInto(into) : this.randomDoublesInto(into));
    uniforms(values);
    const whole = n - (n % 16);
    // the backend's loop for float32 only: rounded to float32 its values are the JS loop's, while a
    // float64 one could differ in its last bit, and a seed must give the same tensor on either backend
    if (dtype !== "float32" || kernels().boxMuller16?.(values.subarray(0, whole), mean, std) !== true) {
      for (let i = 0; i < whole; i += 16) boxMuller16(values, i, mean, std);
    }
    if (n % 16 !== 0) {
      uniforms(values.subarray(n - 16));
      boxMuller16(values, n - 16, mean, std);
    }
  }

  /** The internal state, to save and restore a stream: the seed, the position, the kept normal (NaN for none) and the 624 words. */
  getState(): number[] {
    return [this.seed, this.mti, this.spare ?? NaN, ...this.mt];
  }

  setState(state: readonly number[]): void {
    this.seed = state[0] ?? 0;
    this.mti = state[1] ?? 624;
    const spare = state[2] ?? NaN;
    this.spare = Number.isNaN(spare) ? null : spare;
    this.mt.set(state.slice(3, 3 + 624));
  }
}

/** The low 53 bits of the 64-bit word hi·2^32 + lo (PyTorch's `random64()` from two draws, the first the high half). */
function low53(hi: number, lo: number): number {
  return (hi & 0x1fffff) * 4294967296 + lo;
}

/**
 * w % r for a word w and 1 <= r <= 2^32, without `%`: words past 2^31 are
 * not int32s, and V8's `%` on doubles is a slow fmod. The quotient's
 * rounding can only overshoot by one (w / r just below an integer, for a
 * large r), which the last step corrects.
 */
export function remainder(w: number, r: number): number {
  const m = w - Math.floor(w / r) * r;
  return m < 0 ? m + r : m;
}

/** MT19937's tempering of a state word into an output word (as an int32; `>>> 0` makes it unsigned). */
function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return y ^ (y >>> 18);
}

/** Regenerates the 624 words at once: the standard MT19937 twist, in three runs so that no index wraps. */
function twist(mt: Uint32Array): void {
  const mix = (k: number, next: number, far: number) => {
    const y = (mt[k]! & 0x80000000) | (mt[next]! & 0x7fffffff);
    mt[k] = mt[far]! ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
  };
  let k = 0;
  for (; k < 227; k++) mix(k, k + 1, k + 397);
  for (; k < 623; k++) mix(k, k + 1, k - 227);
  mix(623, 0, 396);
}

/**
 * a·b + c with one rounding, as a fused multiply-add gives it: the product's
 * rounding error comes from Veltkamp's split, the sum's from Knuth's TwoSum,
 * and both go into the last addition: correctly rounded outside rare
 * corner cases (it matched every float64 draw of the PyTorch fixtures).
 */
function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const p = a * b, split = (x: number) => {
    const t = 134217729 * x; // 2^27 + 1
    const hi = t - (t - x);
    return [hi, x - hi] as const;
  };
  const [ah, al] = split(a), [bh, bl] = split(b);
  const productError = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = p + c, z = s - p;
  const sumError = (p - (s - z)) + (c - z);
  return s + (sumError + productError);
}

/** Box–Muller over values[at .. at+16): uniforms in, normals out (PyTorch's normal_fill_16). */
function boxMuller16(values: Float64Array, at: number, mean: number, std: number): void {
  for (let j = at; j < at + 8; j++) {
    const radius = Math.sqrt(-2 * Math.log(1 - values[j]!)), theta = 2 * Math.PI * values[j + 8]!;
    values[j] = radius * Math.cos(theta) * std + mean;
    values[j + 8] = radius * Math.sin(theta) * std + mean;
  }
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator so runs repeat.
 *
 * @example
 * torch.manualSeed(0);
 * const a = torch.rand([2]);
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
