/**
 * Pseudo-random numbers: xoshiro128** seeded through splitmix32. Fast with
 * 32-bit integer math, and repeatable from a seed (PyTorch's exact streams
 * are not reproduced).
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed = 0;
  /** A second normal from Box–Muller, kept for the next call. */
  private spare: number | null = null;

  constructor(seed = 67280421310721 % 2 ** 32) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed`; returns the generator (PyTorch's `manual_seed`). */
  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) throw new Error(`manualSeed: seed must be an integer, got ${seed}`);
    this.seed = seed;
    let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1), never exactly 0 or 1, so logs and tangents of it stay finite. */
  randomOpen(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal by Box–Muller. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** The internal state, to save and restore a stream. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.seed, this.spare ?? NaN];
  }

  setState(state: readonly number[]): void {
    [this.s0, this.s1, this.s2, this.s3, this.seed] = state.map((x) => x | 0) as [number, number, number, number, number];
    this.seed = state[4] ?? 0;
    const spare = state[5] ?? NaN;
    this.spare = Number.isNaN(spare) ? null : spare;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
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
