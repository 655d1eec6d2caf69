/**
 * Sampling from tensors of parameters: multinomial (class indices from
 * weights), bernoulli (0/1 draws from probabilities) and normal (draws with
 * per-element means and standard deviations). All take an optional
 * `generator`; like PyTorch's, they pass no gradient to their parameters.
 */
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, castData, needsGrad, record, shapeStr } from "./core.js";
import { add, mul } from "./elementwise.js";
import { fromTypedArray, full, randn, zeros } from "./factories.js";
import { defaultGenerator, type Generator } from "./random.js";

/**
 * `numSamples` indices per row of `weights` (1-d `[n]` or 2-d `[rows, n]`),
 * drawn with probability proportional to the weights; without `replacement`
 * an index is drawn at most once per row. int32 (PyTorch's are int64).
 *
 * @example
 * const next = torch.multinomial(torch.softmax(logits, -1), 1); // sample a token
 */
export function multinomial(weights: Tensor, numSamples: number, options: { replacement?: boolean; generator?: Generator } = {}): Tensor {
  if (weights.dim() !== 1 && weights.dim() !== 2) throw new Error(`prob_dist must be 1 or 2 dim (multinomial: got shape ${shapeStr(weights.shape)})`);
  if (weights.dtype !== "float32" && weights.dtype !== "float64") throw new Error(`multinomial only supports floating-point dtypes for input, got: ${weights.dtype}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`cannot sample n_sample <= 0 samples (multinomial: numSamples = ${numSamples})`);
  const replacement = options.replacement ?? false;
  const rows = weights.dim() === 1 ? 1 : weights.shape[0]!, n = weights.shape[weights.dim() - 1]!;
  if (!replacement && numSamples > n) throw new Error(`cannot sample n_sample > prob_dist.size(-1) samples without replacement (multinomial: ${numSamples} > ${n})`);
  const w = castData(weights, "float64").data as Float64Array;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i]! >= 0) || w[i] === Infinity) throw new Error("probability tensor contains either `inf`, `nan` or element < 0");
  }
  const g = options.generator ?? defaultGenerator;
  // PyTorch's arithmetic in the weights' dtype, so float32 rows round as its kernels do
  const round = weights.dtype === "float32" ? Math.fround : (v: number) => v;
  const out = new Int32Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const row = w.subarray(r * n, (r + 1) * n);
    if (!(row.reduce((s, x) => s + x, 0) > 0)) throw new Error("invalid multinomial distribution (sum of probabilities <= 0)");
    const picks = replacement && numSamples > 1 ? withReplacement(row, numSamples, g, round) : gumbelTopK(row, numSamples, g, round);
    out.set(picks, r * numSamples);
  }
  return fromTypedArray(out, weights.dim() === 1 ? [numSamples] : [rows, numSamples]);
}

/**
 * PyTorch's draw without replacement (and of a single sample): the `k`
 * largest of w / q with q ~ Exp(1) per category (the Gumbel top-k trick),
 * in decreasing order. A zero weight gives 0, so zero-weight categories come
 * last but can be drawn when k exceeds the positive ones, as in PyTorch.
 */
function gumbelTopK(row: Float64Array, k: number, g: Generator, round: (v: number) => number): Int32Array {
  const keys = Array.from(row, (w) => round(w / round(-Math.log1p(-g.random()))));
  if (k === 1) {
    // one sample: PyTorch's argmax, the first of equal largest keys (no sort over a vocabulary)
    let best = 0;
    for (let i = 1; i < keys.length; i++) if (keys[i]! > keys[best]!) best = i;
    return Int32Array.of(best);
  }
  const order = keys.map((_, i) => i).sort((a, b) => keys[b]! - keys[a]! || a - b);
  return Int32Array.from(order.slice(0, k));
}

/**
 * PyTorch's draw with replacement: the running sums of the weights divided
 * by their total, then per sample a uniform double and a binary search for
 * the first running sum not below it.
 */
function withReplacement(row: Float64Array, k: number, g: Generator, round: (v: number) => number): Int32Array {
  const n = row.length, cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total = round(total + row[i]!);
  for (let i = 0; i < n; i++) cumulative[i] = round(cumulative[i]! / total);
  const picks = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    const u = g.random();
    let lo = 0, hi = n;
    while (hi > lo) {
      const mid = lo + ((hi - lo) >> 1);
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    picks[j] = lo;
  }
  return picks;
}

/**
 * 1 with probability `p` (each element of a tensor of probabilities in
 * [0, 1]), else 0, in the input's dtype.
 *
 * @example
 * const mask = torch.bernoulli(torch.full([4, 4], 0.9)); // keep ~90%
 */
export function bernoulli(p: Tensor, options: { generator?: Generator } = {}): Tensor {
  if (p.dtype !== "float32" && p.dtype !== "float64") throw new Error(`bernoulli: expected a floating-point tensor of probabilities, got ${p.dtype}`);
  const probs = castData(p, p.dtype), d = probs.data;
  const g = options.generator ?? defaultGenerator;
  // PyTorch's kernel draws a float uniform against float32 probabilities, a double against float64 ones
  const uniform = p.dtype === "float32" ? () => g.randomFloat() : () => g.random();
  for (let i = 0; i < d.length; i++) {
    const q = d[i]!;
    if (!(q >= 0 && q <= 1)) throw new Error(`Expected p_in >= 0 && p_in <= 1 to be true, but got false. (bernoulli: probability ${q})`);
    d[i] = +(uniform() < q);
  }
  return probs;
}

/**
 * Normal draws with the given means and standard deviations (tensors that
 * broadcast, or numbers; at least one a tensor).
 *
 * @example
 * const noisy = torch.normal(signal, 0.1); // signal plus N(0, 0.01) noise
 */
export function normal(mean: Tensor | number, std: Tensor | number, options: { generator?: Generator } = {}): Tensor {
  if (typeof mean === "number" && typeof std === "number") throw new Error("normal: pass a tensor mean or std (for plain numbers use torch.randn(shape).mul(std).add(mean))");
  const shape = broadcastShapes(typeof mean === "number" ? [] : mean.shape, typeof std === "number" ? [] : std.shape, "normal");
  const stdValues = typeof std === "number" ? [std] : Array.from(castData(std, "float64").data);
  if (stdValues.some((s) => !(s >= 0))) throw new Error(`normal expects all elements of std >= 0.0 (normal: std of shape ${typeof std === "number" ? "[]" : shapeStr(std.shape)})`);
  const dtype = typeof mean !== "number" ? mean.dtype : (std as Tensor).dtype;
  const draws = randn(shape, { dtype, ...(options.generator === undefined ? {} : { generator: options.generator }) });
  const m = typeof mean === "number" ? full([], mean, { dtype }) : mean.detach();
  const s = typeof std === "number" ? full([], std, { dtype }) : std.detach();
  const out = add(mul(draws, s), m);
  const tm = typeof mean === "number" ? null : mean, ts = typeof std === "number" ? null : std;
  if ((tm !== null && needsGrad(tm, ts)) || (ts !== null && needsGrad(ts))) {
    // PyTorch's normal passes zeros to its parameters (no reparameterisation)
    const mShape = tm?.shape ?? [], sShape = ts?.shape ?? [];
    record("NormalBackward3", [tm, ts], out, ([g]) => [tm === null ? null : zeros(mShape, { dtype: g!.dtype }), ts === null ? null : zeros(sShape, { dtype: g!.dtype })]);
  }
  return out;
}
