/**
 * `F.pad`: PyTorch's constant, reflect, replicate and circular padding of the
 * last dims. `padding` lists (left, right) pairs from the last dim backwards;
 * negative amounts crop.
 *
 * Constant padding writes the input into a filled tensor; its backward is the
 * opposite padding of the gradient (PyTorch's constant_pad_nd backward), so
 * every order of gradient works. The other modes are an index_select per
 * padded dim over computed source positions, so their gradients (which add
 * up where positions repeat) come from index_select's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { kernels, makeView, needsGrad, record, shapeStr } from "./core.js";
import { fromTypedArray, full } from "./factories.js";
import { indexSelect } from "./indexing.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/**
 * `F.pad(input, padding, mode = "constant", value = 0)`.
 *
 * @example
 * F.pad(torch.ones([1, 2, 3]), [1, 2]);            // [1, 2, 6]: one 0 left, two right of each row
 * F.pad(torch.ones([1, 1, 3, 3]), [1, 1, 1, 1], "reflect"); // [1, 1, 5, 5]
 */
export function pad(input: Tensor, padding: readonly number[], mode: PadMode = "constant", value: number | null = null): Tensor {
  if (padding.some((p) => !Number.isInteger(p))) throw new Error(`pad(): padding must be integers, got [${padding.join(", ")}]`);
  if (padding.length % 2 !== 0) throw new Error("Padding length must be divisible by 2");
  const dims = input.shape.length;
  if (padding.length > 2 * dims) {
    throw new Error(`Padding length should be less than or equal to two times the input dimension but got padding length ${padding.length} and input of dimension ${dims}`);
  }
  if (mode === "constant") return constantPad(input, padding, value ?? 0);
  if (mode !== "reflect" && mode !== "replicate" && mode !== "circular") {
    throw new Error(`Unrecognised padding mode ${String(mode)}`);
  }
  if (value !== null && value !== 0) throw new Error(`Padding mode "${mode}" doesn't take in value argument`);
  const pairs = padding.length / 2;
  if (pairs < 1 || pairs > 3 || dims < pairs + 1 || dims > pairs + 2) {
    throw new Error("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  }
  let out = input;
  for (let k = 0; k < pairs; k++) {
    const d = dims - 1 - k, left = padding[2 * k]!, right = padding[2 * k + 1]!;
    if (left === 0 && right === 0) continue;
    out = indexSelect(out, d, sourcePositions(input, d, left, right, mode, 4 + 2 * k));
  }
  return out;
}

/** The input position each output position along dim d reads, for the non-constant modes. */
function sourcePositions(input: Tensor, d: number, left: number, right: number, mode: Exclude<PadMode, "constant">, argument: number): Tensor {
  const n = input.shape[d]!;
  if (mode === "reflect" && (left >= n || right >= n)) {
    throw new Error(`Argument #${argument}: Padding size should be less than the corresponding input dimension, but got: padding (${left}, ${right}) at dimension ${d} of input ${shapeStr(input.shape)}`);
  }
  if (mode === "circular" && (left > n || right > n)) throw new Error("Padding value causes wrapping around more than once.");
  if (n === 0 || n + left + right <= 0) {
    throw new Error(`pad (${mode}): input of shape ${shapeStr(input.shape)} padded by (${left}, ${right}) at dimension ${d} gives no output elements`);
  }
  const positions = new Int32Array(n + left + right);
  // circular wraps within what is left after cropping (as PyTorch does): positions [lo, lo + m)
  const lo = Math.max(-left, 0), m = n - lo - Math.max(-right, 0);
  if (mode === "circular" && m <= 0) throw new Error(`pad (circular): cropping (${left}, ${right}) leaves nothing of dimension ${d} (size ${n}) to wrap around`);
  for (let j = 0; j < positions.length; j++) {
    const i = j - left; // position in the uncropped input, may be outside [0, n)
    positions[j] = mode === "reflect" ? (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i)
      : mode === "replicate" ? Math.min(Math.max(i, 0), n - 1)
      : lo + ((((i - lo) % m) + m) % m);
  }
  return fromTypedArray(positions);
}

/** Constant padding: `value` around (or the input cropped by negative amounts). */
function constantPad(input: Tensor, padding: readonly number[], value: number): Tensor {
  const dims = input.shape.length;
  const shape = [...input.shape];
  // the part of the input that survives cropping: its start in the input and in the output, per dim
  const from = new Array<number>(dims).fill(0), to = new Array<number>(dims).fill(0), kept = [...input.shape];
  for (let k = 0; k < padding.length / 2; k++) {
    const d = dims - 1 - k, left = padding[2 * k]!, right = padding[2 * k + 1]!;
    shape[d] = input.shape[d]! + left + right;
    if (shape[d] < 0) {
      throw new Error(`The input size ${input.shape[d]}, plus negative padding ${left} and ${right} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`);
    }
    from[d] = Math.max(-left, 0);
    to[d] = Math.max(left, 0);
    kept[d] = Math.max(input.shape[d]! - from[d] - Math.max(-right, 0), 0);
  }
  const out = full(shape, input.dtype === "bool" ? value !== 0 : value, { dtype: input.dtype });
  if (kept.every((s) => s > 0)) {
    const offset = (t: Tensor, at: number[]) => at.reduce((acc, a, d) => acc + a * t.strides[d]!, t.offset);
    const src = makeView(input, kept, input.strides, offset(input, from));
    kernels().copy(makeView(out, kept, out.strides, offset(out, to)), src);
  }
  if (needsGrad(input)) {
    const back = padding.map((p) => -p);
    record("ConstantPadNdBackward0", [input], out, ([g]) => [constantPad(g!, back, 0)]);
  }
  return out;
}
