/**
 * The CTC loss kernel (PyTorch's `_ctc_loss`): per batch item, the negative
 * log-likelihood of the target under every alignment of the input, by the
 * forward (alpha) recursion of Graves et al. in log space. The backward runs
 * the beta recursion and PyTorch's `ctc_loss_backward` formula (eq. 16),
 * `grad[t, c] = (exp(lp[t, c]) - exp(log Σ_{s: l'_s = c} α_t(s)β_t(s) + nll - lp[t, c])) · g`,
 * as one autograd node. That formula is not differentiable again: as in
 * PyTorch, a double backward through it throws. The loops here are the
 * specification of a backend's kernels (native/ctc.c, the same steps in
 * double, agreeing to rounding) and the fallback where it has none.
 */
import { isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, empty, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { fromTypedArray } from "./factories.js";

/** Where the kernel's checks say they come from, as PyTorch's `CheckedFrom`. */
const FROM = "(while checking arguments for ctc_loss_cpu)";

/** The targets, lengths and blank of one CTC problem, checked (see `ctcLossCore`). */
interface Alignment {
  /** Per batch item, the target's labels. */
  labels: Int32Array[];
  inputLengths: number[];
  blank: number;
  /** The same as int32 tensors for a backend kernel: the labels one item after another, the target lengths and the input lengths. */
  packed: { labels: Tensor; targetLengths: Tensor; inputLengths: Tensor };
}

/** PyTorch's argument checks of `ctc_loss_cpu`, in its order, then the labels of each batch item. */
function checkArguments(logProbs: Tensor, targets: Tensor, inputLengths: readonly number[], targetLengths: readonly number[], blank: number): Alignment {
  if (logProbs.dim() !== 3) throw new Error(`Expected 3-dimensional tensor, but got ${logProbs.dim()}-dimensional tensor for argument #1 'log_probs' ${FROM}`);
  if (targets.dim() < 1 || targets.dim() > 2) throw new Error(`Expected 1 to 2 dimensions, but got ${targets.dim()}-dimensional tensor for argument #2 'targets' ${FROM}`);
  const [T, N, C] = logProbs.shape as [number, number, number];
  if (!(blank >= 0 && blank < C && Number.isInteger(blank))) throw new Error(`blank must be in label range (ctc_loss: blank ${blank}, ${C} labels)`);
  if (inputLengths.length !== N) throw new Error(`input_lengths must be of size batch_size (ctc_loss: ${inputLengths.length} input lengths, batch size ${N})`);
  if (targetLengths.length !== N) throw new Error(`target_lengths must be of size batch_size (ctc_loss: ${targetLengths.length} target lengths, batch size ${N})`);
  const negative = (what: string, v: number) => new Error(`Expected ${what} to have value at least 0, but got value ${v} ${FROM}`);
  const offsets: number[] = [];
  if (targets.dim() === 1) {
    let pos = 0;
    for (const l of targetLengths) {
      if (l < 0) throw negative("target_lengths", l);
      offsets.push(pos);
      pos += l;
    }
    if (targets.shape[0] !== pos) throw new Error(`Expected tensor to have size ${pos} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${FROM}`);
  } else {
    let longest = 0;
    for (const l of targetLengths) {
      if (l < 0) throw negative("target_lengths", l);
      longest = Math.max(longest, l);
    }
    if (targets.shape[0] !== N) throw new Error(`Expected tensor to have size ${N} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${FROM}`);
    if (targets.shape[1]! < longest) {
      throw new Error(`Expected tensor to have size at least ${longest} at dimension 1, but got size ${targets.shape[1]} for argument #2 'targets' ${FROM}`);
    }
  }
  for (const l of inputLengths) {
    if (l < 0) throw negative("input_lengths", l);
    if (l > T) throw new Error(`Expected input_lengths to have value at most ${T}, but got value ${l} ${FROM}`);
  }
  // the labels, as int64 (PyTorch converts floating targets with .to(kLong): truncation)
  const flat = contiguousData(targets);
  const width = targets.dim() === 1 ? 0 : targets.shape[1]!;
  const labels = targetLengths.map((l, b) => {
    const start = targets.dim() === 1 ? offsets[b]! : b * width;
    const out = new Int32Array(l);
    for (let s = 0; s < l; s++) {
      const v = Math.trunc(Number(flat.data[flat.offset + start + s]));
      // PyTorch reads out of bounds here; a clear error instead
      if (!(v >= 0 && v < C)) throw new Error(`ctc_loss: target label ${v} of batch item ${b} is out of range for ${C} labels (targets ${shapeStr(targets.shape)})`);
      out[s] = v;
    }
    return out;
  });
  const all = new Int32Array(labels.reduce((n, l) => n + l.length, 0));
  labels.reduce((at, l) => (all.set(l, at), at + l.length), 0);
  const packed = { labels: fromTypedArray(all), targetLengths: fromTypedArray(Int32Array.from(labels, (l) => l.length)), inputLengths: fromTypedArray(Int32Array.from(inputLengths)) };
  return { labels, inputLengths: [...inputLengths], blank, packed };
}

/**
 * log(exp(a) + exp(b) + exp(c)) as PyTorch's kernel writes it: shifted by
 * the largest, 0 when all are -inf. The largest term's exp(0) is 1 and a
 * -inf term's is 0, so most cells take one or two exps instead of three.
 */
function logSumExp3(a: number, b: number, c: number): number {
  const m = a >= b ? (a >= c ? a : c) : b >= c ? b : c;
  if (!(m > -Infinity && m < Infinity) || a !== a || b !== b || c !== c) {
    // all -inf, an infinite or a NaN term: the formula as written
    const shift = Math.max(a, b, c) === -Infinity ? 0 : Math.max(a, b, c);
    return Math.log(Math.exp(a - shift) + Math.exp(b - shift) + Math.exp(c - shift)) + shift;
  }
  const ea = a === m ? 1 : a === -Infinity ? 0 : Math.exp(a - m);
  const eb = b === m ? 1 : b === -Infinity ? 0 : Math.exp(b - m);
  const ec = c === m ? 1 : c === -Infinity ? 0 : Math.exp(c - m);
  return Math.log(ea + eb + ec) + m;
}

/** The extended label sequence l' of batch item `b`: blanks around and between its labels. */
function primed(labels: Int32Array, blank: number): Int32Array {
  const L = 2 * labels.length + 1, out = new Int32Array(L).fill(blank);
  for (let s = 1; s < L; s += 2) out[s] = labels[(s - 1) / 2]!;
  return out;
}

/**
 * Whether the transition from s - 2 to s is allowed (l'[s] is a label, not
 * the one two back), per position of the extended sequence.
 */
function skips(prime: Int32Array): Uint8Array {
  const out = new Uint8Array(prime.length);
  for (let s = 2; s < prime.length; s++) out[s] = prime[s - 2] !== prime[s] ? 1 : 0;
  return out;
}

/**
 * The forward recursion: the negative log-likelihoods [N] (in `lp`'s dtype)
 * and log α as a float64 [N, T, 2·Smax + 1] tensor (-inf where unreached).
 */
function forward(lp: Tensor, a: Alignment): { nll: Tensor; logAlpha: Tensor } {
  const [T, N] = lp.shape as [number, number, number];
  const x = lp.data as Float32Array | Float64Array, xo = lp.offset, [st, sn, sc] = lp.strides as [number, number, number];
  const width = 2 * a.labels.reduce((m, l) => Math.max(m, l.length), 0) + 1;
  const logAlpha = fromTypedArray(new Float64Array(N * T * width), [N, T, width]), alpha = logAlpha.data as Float64Array;
  const nll = empty([N], lp.dtype);
  const { labels: all, targetLengths, inputLengths } = a.packed;
  if (kernels().ctcLossForward?.(nll, logAlpha, lp, all, targetLengths, inputLengths, a.blank) === true) return { nll, logAlpha };
  alpha.fill(-Infinity);
  for (let b = 0; b < N; b++) {
    const labels = a.labels[b]!, S = labels.length, il = a.inputLengths[b]!;
    if (il === 0) {
      // no input: only the empty target has an alignment (PyTorch 2.x)
      nll.data[b] = S === 0 ? -0 : Infinity;
      continue;
    }
    const prime = primed(labels, a.blank);
    const base = b * T * width, lpb = xo + b * sn;
    alpha[base] = x[lpb + a.blank * sc]!;
    if (S > 0) alpha[base + 1] = x[lpb + prime[1]! * sc]!;
    alphaRows(alpha, base, width, x, lpb, st, sc, il, prime, skips(prime));
    const last = base + (il - 1) * width;
    if (S === 0) nll.data[b] = -alpha[last]!;
    else {
      const l1 = alpha[last + 2 * S]!, l2 = alpha[last + 2 * S - 1]!;
      let m = Math.max(l1, l2);
      if (m === -Infinity) m = 0;
      nll.data[b] = -(Math.log(Math.exp(l1 - m) + Math.exp(l2 - m)) + m);
    }
  }
  return { nll, logAlpha };
}

/** Rows 1 .. il - 1 of one batch item's log α (row 0 set), at `base` of `alpha`; its log-probabilities at `lpb` with strides `st`, `sc`. */
function alphaRows(alpha: Float64Array, base: number, width: number, x: Float32Array | Float64Array, lpb: number, st: number, sc: number,
  il: number, prime: Int32Array, skip: Uint8Array): void {
  const L = prime.length;
  for (let t = 1; t < il; t++) {
    const prev = base + (t - 1) * width, row = base + t * width, lpt = lpb + t * st;
    for (let s = 0; s < L; s++) {
      const a2 = s > 0 ? alpha[prev + s - 1]! : -Infinity;
      const a3 = skip[s] === 1 ? alpha[prev + s - 2]! : -Infinity;
      alpha[row + s] = logSumExp3(alpha[prev + s]!, a2, a3) + x[lpt + prime[s]! * sc]!;
    }
  }
}

/**
 * PyTorch's ctc_loss_backward: the beta recursion, the log of Σ α·β per
 * label, then eq. 16 times the incoming gradient; zero past each input's
 * length and, with `zeroInfinity`, for infinite losses.
 */
function backward(g: Tensor, lp: Tensor, logAlpha: Tensor, nll: Tensor, a: Alignment, zeroInfinity: boolean): Tensor {
  const [T, N, C] = lp.shape as [number, number, number];
  const x = lp.data as Float32Array | Float64Array, xo = lp.offset, [st, sn, sc] = lp.strides as [number, number, number];
  const width = logAlpha.shape[2]!, alpha = logAlpha.data as Float64Array;
  const gr = contiguousData(g), losses = contiguousData(nll);
  const { labels: all, targetLengths, inputLengths } = a.packed;
  if (kernels().ctcLossBackward !== undefined) {
    const grad = emptyUninitialized([T, N, C], lp.dtype);
    if (kernels().ctcLossBackward!(grad, g, lp, logAlpha, nll, all, targetLengths, inputLengths, a.blank, zeroInfinity)) return grad;
  }
  const out = empty([T, N, C], lp.dtype);
  const o = out.data as Float32Array | Float64Array;
  const collected = new Float64Array(T * C), beta = new Float64Array(T * width);
  for (let b = 0; b < N; b++) {
    const loss = Number(losses.data[losses.offset + b]);
    const labels = a.labels[b]!, S = labels.length, il = a.inputLengths[b]!;
    if ((zeroInfinity && loss === Infinity) || il === 0) continue;
    const prime = primed(labels, a.blank);
    const lpb = xo + b * sn, base = b * T * width;
    collected.fill(-Infinity);
    beta.fill(-Infinity);
    const end = (il - 1) * width, lpEnd = lpb + (il - 1) * st;
    beta[end + 2 * S] = x[lpEnd + a.blank * sc]!;
    collected[(il - 1) * C + a.blank] = alpha[base + end + 2 * S]! + beta[end + 2 * S]!;
    if (S > 0) {
      const p = prime[2 * S - 1]!;
      beta[end + 2 * S - 1] = x[lpEnd + p * sc]!;
      // (assigned, not log-added: PyTorch's kernel, which assumes a label is never the blank)
      collected[(il - 1) * C + p] = alpha[base + end + 2 * S - 1]! + beta[end + 2 * S - 1]!;
    }
    betaRows(beta, width, alpha, base, collected, C, x, lpb, st, sc, il, prime);
    const scale = Number(gr.data[gr.offset + b]);
    for (let t = 0; t < il; t++) {
      const lpt = lpb + t * st, ob = (t * N + b) * C;
      for (let c = 0; c < C; c++) {
        const l = x[lpt + c * sc]!;
        o[ob + c] = (Math.exp(l) - Math.exp(collected[t * C + c]! + loss - l)) * scale;
      }
    }
  }
  return out;
}

/** Rows il - 2 .. 0 of one batch item's log β (row il - 1 set), collecting log Σ α·β per (time, label) into `collected`. */
function betaRows(beta: Float64Array, width: number, alpha: Float64Array, base: number, collected: Float64Array, C: number,
  x: Float32Array | Float64Array, lpb: number, st: number, sc: number, il: number, prime: Int32Array): void {
  const L = prime.length;
  for (let t = il - 2; t >= 0; t--) {
    const next = (t + 1) * width, row = t * width, lpt = lpb + t * st;
    for (let s = L - 1; s >= 0; s--) {
      const p = prime[s]!;
      const b2 = s < L - 1 ? beta[next + s + 1]! : -Infinity;
      const b3 = s < L - 2 && prime[s + 2] !== p ? beta[next + s + 2]! : -Infinity;
      const bt = logSumExp3(beta[next + s]!, b2, b3) + x[lpt + p * sc]!;
      beta[row + s] = bt;
      const ab = alpha[base + row + s]! + bt;
      const k = t * C + p, lcab = collected[k]!;
      if (lcab === -Infinity) collected[k] = ab;
      else {
        const m = Math.max(lcab, ab);
        collected[k] = Math.log(Math.exp(lcab - m) + Math.exp(ab - m)) + m;
      }
    }
  }
}

/** What PyTorch's autograd says when a gradient it computes without a formula of its own is differentiated again. */
function notDifferentiableAgain(grad: Tensor, inputs: readonly Tensor[]): Tensor {
  if (inputs.some((t) => needsGrad(t))) {
    record("NotImplemented", inputs, grad, () => {
      throw new Error("derivative for aten::_ctc_loss_backward is not implemented");
    });
  }
  return grad;
}

/**
 * `_ctc_loss`: the negative log-likelihood of each batch item's target
 * (shape [N], the dtype of `logProbs`), for `logProbs` [T, N, C] and
 * targets padded [N, S] or concatenated [Σ targetLengths]. The arguments
 * are checked as PyTorch checks them; `F.ctcLoss` adds the unbatched form
 * and the reduction.
 *
 * @example
 * const nll = ctcLossCore(logProbs, targets, [50, 48], [20, 18], 0, false); // [2]
 */
export function ctcLossCore(logProbs: Tensor, targets: Tensor, inputLengths: readonly number[], targetLengths: readonly number[], blank: number, zeroInfinity: boolean): Tensor {
  if (!isFloating(logProbs.dtype)) throw new Error(`"ctc_loss_cpu" not implemented for '${logProbs.dtype === "int32" ? "Int" : "Bool"}'`);
  const alignment = checkArguments(logProbs, targets, inputLengths, targetLengths, blank);
  const { nll, logAlpha } = forward(logProbs, alignment);
  if (needsGrad(logProbs)) {
    record("CtcLossBackward0", [logProbs], nll, ([g], [lp, alpha, loss]) => {
      return [notDifferentiableAgain(backward(g!, lp!, alpha!, loss!, alignment, zeroInfinity), [g!, lp!])];
    }, [logProbs, logAlpha, nll]);
  }
  return nll;
}
