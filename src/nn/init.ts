/**
 * `nn.init`: in-place initialisers. Each runs under `noGrad` (so it works on
 * parameters, rule 8) and returns its tensor, as PyTorch's do.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { fromTypedArray, randn } from "../ops/factories.js";
import type { Generator } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { erf, erfinv } from "../backend/reference/scalar-ops.js";
import { householderQr } from "../ops/linalg/qr.js";

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

export type FanMode = "fan_in" | "fan_out";

interface GenOpt { generator?: Generator }

/** PyTorch's recommended gain for a nonlinearity (`calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, param: number | null = null): number {
  switch (nonlinearity) {
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu": return 3 / 4;
    default: return 1;
  }
}

/** `[fanIn, fanOut]` of a weight: dims 1 and 0 times the receptive field size. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) throw new Error("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  let receptive = 1;
  for (let i = 2; i < t.dim(); i++) receptive *= t.shape[i]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

const g = (o: GenOpt) => (o.generator !== undefined ? { generator: o.generator } : {});

/**
 * Fills with U(a, b).
 *
 * @example
 * nn.init.uniform_(layer.weight, -0.1, 0.1);
 */
export function uniform_(t: Tensor, a = 0, b = 1, options: GenOpt = {}): Tensor {
  if (t.numel() === 0) return t; // nothing to fill (such as an LSTM's weights for input size 0)
  return noGrad(() => t.uniform_(a, b, g(options)));
}

/** Fills with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, options: GenOpt = {}): Tensor {
  return noGrad(() => t.normal_(mean, std, g(options)));
}

export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Glorot uniform: U(-a, a) with a = gain·sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, options);
}

/** Glorot normal: N(0, std²) with std = gain·sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

export interface KaimingOptions extends GenOpt {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (options.mode ?? "fan_in") === "fan_in" ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? "leaky_relu", options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform: U(-b, b) with b = gain·sqrt(3 / fan). Layers use `{ a: Math.sqrt(5) }`.
 *
 * @example
 * nn.init.kaimingUniform_(w, { a: Math.sqrt(5) });
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options);
}

/** He normal: N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, options), options);
}

/** Writes `values` (row-major, float64) over `t`'s elements, converting to its dtype. */
function fill(t: Tensor, values: Float64Array): Tensor {
  return noGrad(() => t.copy_(fromTypedArray(values, t.shape)));
}

/**
 * Fills with a 2-D identity (ones on the diagonal of a possibly rectangular
 * matrix), as `torch.nn.init.eye_`.
 *
 * @example
 * nn.init.eye_(torch.empty([3, 5]));
 */
export function eye_(t: Tensor): Tensor {
  if (t.dim() !== 2) throw new Error("Only tensors with 2 dimensions are supported");
  const [n, m] = t.shape as [number, number];
  const values = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fill(t, values);
}

/**
 * Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, so the
 * convolution passes its input channels through (in each of `groups`
 * groups, the first min(out, in) channels), as `torch.nn.init.dirac_`.
 *
 * @example
 * nn.init.dirac_(conv.weight); // conv is now the identity on its first channels
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  if (t.dim() < 3 || t.dim() > 5) throw new Error("Only tensors with 3, 4, or 5 dimensions are supported");
  const [out, inChannels, ...spatial] = t.shape as [number, number, ...number[]];
  if (out % groups !== 0) throw new Error("dim 0 must be divisible by groups");
  const perGroup = out / groups;
  const kernel = spatial.reduce((a, b) => a * b, 1);
  // the centre tap of the kernel, row-major over the spatial dims
  const centre = spatial.reduce((off, size) => off * size + Math.floor(size / 2), 0);
  const values = new Float64Array(t.numel());
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < Math.min(perGroup, inChannels); d++) values[((g * perGroup + d) * inChannels + d) * kernel + centre] = 1;
  }
  return fill(t, values);
}

export interface OrthogonalOptions extends GenOpt {
  /** Scales the orthogonal matrix (default 1). */
  gain?: number;
}

/**
 * Fills with a (semi-)orthogonal matrix, as `torch.nn.init.orthogonal_`:
 * the Q of the QR decomposition of a standard normal `[rows, cols]` matrix
 * (rows = dim 0, the other dims flattened; transposed when wide), with each
 * column's sign flipped to make R's diagonal positive, so Q is uniformly
 * (Haar) distributed; then scaled by `gain`. Rows (or columns, whichever are
 * fewer) come out orthonormal.
 *
 * @example
 * nn.init.orthogonal_(rnn.weight_hh_l0, { gain: nn.init.calculateGain("tanh") });
 */
export function orthogonal_(t: Tensor, options: OrthogonalOptions = {}): Tensor {
  if (t.dim() < 2) throw new Error("Only tensors with 2 or more dimensions are supported");
  if (t.numel() === 0) return t;
  const rows = t.shape[0]!, cols = t.numel() / rows;
  const a = noGrad(() => randn([rows, cols], { dtype: t.dtype === "float64" ? "float64" : "float32", ...g(options) })).toArray();
  // QR of the tall matrix: A itself, or Aᵀ when A is wide
  const wide = rows < cols;
  const m = wide ? cols : rows, n = wide ? rows : cols;
  const tall = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) tall[wide ? j * n + i : i * n + j] = a[i * cols + j]!;
  const q = signedQ(tall, m, n);
  const gain = options.gain ?? 1;
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) values[i * cols + j] = gain * (wide ? q[j * n + i]! : q[i * n + j]!);
  return fill(t, values);
}

/**
 * The thin Q (m×n, row-major) of a tall m×n matrix (m >= n), each column
 * multiplied by the sign of R's diagonal entry, as PyTorch's orthogonal_
 * does after `torch.linalg.qr` (`q *= sign(diag(r))`): that makes the result
 * unique whatever reflections produced it.
 */
function signedQ(a: Float64Array, m: number, n: number): Float64Array {
  const q = new Float64Array(m * n), r = new Float64Array(n * n);
  householderQr(a, 0, m, n, q, 0, n, r, 0, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = q[i * n + j]! * Math.sign(r[j * n + j]!);
  return q;
}

export interface TruncNormalOptions extends GenOpt {
  mean?: number;
  std?: number;
  /** Lower cut-off (default -2). */
  a?: number;
  /** Upper cut-off (default 2). */
  b?: number;
}

/**
 * Fills with N(mean, std²) truncated to [a, b] (defaults 0, 1, -2, 2), by
 * PyTorch's inverse-CDF method: uniform values between the CDF at `a` and at
 * `b`, mapped through the normal's inverse CDF, then clamped into [a, b].
 * (Like PyTorch, it gets worse when `mean` is far outside [a, b].)
 *
 * @example
 * nn.init.truncNormal_(vit.posEmbed, { std: 0.02 });
 */
export function truncNormal_(t: Tensor, options: TruncNormalOptions = {}): Tensor {
  const mean = options.mean ?? 0, std = options.std ?? 1, a = options.a ?? -2, b = options.b ?? 2;
  const cdf = (x: number) => (1 + erf((x - mean) / std / Math.SQRT2)) / 2;
  // uniform in [2·cdf(a) - 1, 2·cdf(b) - 1], so that erfinv lands in [a, b]
  uniform_(t, 2 * cdf(a) - 1, 2 * cdf(b) - 1, options);
  const u = t.toArray();
  const values = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) values[i] = Math.min(Math.max(mean + std * Math.SQRT2 * erfinv(u[i]!), a), b);
  return fill(t, values);
}
