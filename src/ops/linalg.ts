import type { Strided } from "../backend/backend.js";
import { promoteTypes, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, empty, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { expand, reshape, transpose, unsafeView, unsqueeze } from "./views.js";
import { add, mul, where } from "./elementwise.js";
import { isfinite } from "./math.js";

function as3d(t: Strided, batch: number, rows: number, cols: number, strides: [number, number, number]): Strided {
  return { data: t.data, shape: [batch, rows, cols], strides, offset: t.offset };
}

function checkFloat(a: Tensor, b: Tensor, op: string): void {
  if (a.dtype !== b.dtype) {
    throw new Error(`expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype} (${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  if (a.dtype === "bool") throw new Error(`${op}: not implemented for 'Bool'`);
}

/** What a product saves: `b` when `a` needs a gradient, `a` when `b` does. */
function savedPair(a: Tensor, b: Tensor): Tensor[] {
  return [...(b._requiresGrad ? [a] : []), ...(a._requiresGrad ? [b] : [])];
}

/** `[a, b]` back from savedPair's list (null where not saved). */
function unpackPair(ga: boolean, gb: boolean, s: Tensor[]): [Tensor | null, Tensor | null] {
  let k = 0;
  const as = gb ? s[k++]! : null;
  const bs = ga ? s[k++]! : null;
  return [as, bs];
}

/** 2-d matrix product. */
export function mm(a: Tensor, b: Tensor): Tensor {
  return mmNamed(a, b, "mm");
}

/** mm, with `op` naming the user-facing op in errors. */
function mmNamed(a: Tensor, b: Tensor, op: string): Tensor {
  if (a.shape.length !== 2) throw new Error(`self must be a matrix (${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  if (b.shape.length !== 2) throw new Error(`mat2 must be a matrix (${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  checkFloat(a, b, "mm");
  const [m, k] = a.shape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n}) (${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  const out = emptyUninitialized([m, n], a.dtype);
  kernels().matmul(
    as3d(out, 1, m, n, [0, out.strides[0]!, out.strides[1]!]),
    as3d(a, 1, m, k, [0, a.strides[0]!, a.strides[1]!]),
    as3d(b, 1, k, n, [0, b.strides[0]!, b.strides[1]!]),
  );
  if (needsGrad(a, b)) {
    // save each operand only for the other's gradient; closures hold flags, not tensors
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record("MmBackward0", [a, b], out, ([g], s) => {
      const [as, bs] = unpackPair(ga, gb, s);
      return [ga ? mm(g!, transpose(bs!, 0, 1)) : null, gb ? mm(transpose(as!, 0, 1), g!) : null];
    }, savedPair(a, b));
  }
  return out;
}

/** Inner product of two 1-d tensors of one length (a 0-d result). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 1 || b.shape.length !== 1) {
    throw new Error(`1D tensors expected, but got ${a.shape.length}D and ${b.shape.length}D tensors (dot: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  if (a.dtype !== b.dtype) throw new Error(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`);
  checkFloat(a, b, "dot");
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively (dot: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  const k = a.shape[0]!;
  const out = empty([], a.dtype);
  kernels().matmul(as3d(out, 1, 1, 1, [0, 0, 0]), as3d(a, 1, 1, k, [0, 0, a.strides[0]!]), as3d(b, 1, k, 1, [0, b.strides[0]!, 0]));
  if (needsGrad(a, b)) {
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record("DotBackward0", [a, b], out, ([g], s) => {
      const [as, bs] = unpackPair(ga, gb, s);
      return [ga ? mul(g!, bs!) : null, gb ? mul(g!, as!) : null];
    }, savedPair(a, b));
  }
  return out;
}

/** Matrix-vector product: [M, K] x [K] -> [M]. */
export function mv(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 2 || b.shape.length !== 1) {
    throw new Error(`vector + matrix @ vector expected, got 1, ${a.shape.length}, ${b.shape.length} (mv: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  checkFloat(a, b, "mv");
  const [m, k] = a.shape as [number, number];
  if (b.shape[0] !== k) throw new Error(`size mismatch, got input (${m}), mat (${m}x${k}), vec (${b.shape[0]}) (mv: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  const out = empty([m], a.dtype);
  kernels().matmul(
    as3d(out, 1, m, 1, [0, out.strides[0]!, 0]),
    as3d(a, 1, m, k, [0, a.strides[0]!, a.strides[1]!]),
    as3d(b, 1, k, 1, [0, b.strides[0]!, 0]),
  );
  if (needsGrad(a, b)) {
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record("MvBackward0", [a, b], out, ([g], s) => {
      const [as, bs] = unpackPair(ga, gb, s);
      return [ga ? mm(unsqueeze(g!, 1), unsqueeze(bs!, 0)) : null, gb ? mv(transpose(as!, 0, 1), g!) : null];
    }, savedPair(a, b));
  }
  return out;
}

/** Batched product of [B, M, K] and [B, K, N]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 3 || b.shape.length !== 3) throw new Error(`batch1 must be a 3D tensor (bmm: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  checkFloat(a, b, "bmm");
  const [B, m, k] = a.shape as [number, number, number];
  const [B2, k2, n] = b.shape as [number, number, number];
  if (B !== B2 || k !== k2) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${B}, ${k}] but got: [${B2}, ${k2}]. (bmm: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  const out = emptyUninitialized([B, m, n], a.dtype);
  kernels().matmul(out, a, b);
  if (needsGrad(a, b)) {
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record("BmmBackward0", [a, b], out, ([g], s) => {
      const [as, bs] = unpackPair(ga, gb, s);
      return [ga ? bmm(g!, transpose(bs!, 1, 2)) : null, gb ? bmm(transpose(as!, 1, 2), g!) : null];
    }, savedPair(a, b));
  }
  return out;
}

/** PyTorch's matmul: dot, matrix-vector, matrix and broadcast batched products. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  let x = a, y = b;
  if (x.dtype !== y.dtype) {
    const dt = promoteTypes(x.dtype, y.dtype);
    // PyTorch refuses mixed dtypes in matmul; say so with both shapes.
    throw new Error(`expected m1 and m2 to have the same dtype, but got: ${x.dtype} != ${y.dtype} (matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}; cast one to ${dt})`);
  }
  const da = x.shape.length, db = y.shape.length;
  if (da === 0 || db === 0) throw new Error(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D (matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  if (da === 1 && db === 1) {
    if (x.shape[0] !== y.shape[0]) {
      throw new Error(`inconsistent tensor size, expected tensor [${x.shape[0]}] and src [${y.shape[0]}] to have the same number of elements, but got ${x.shape[0]} and ${y.shape[0]} elements respectively (matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
    }
    return dot(x, y);
  }
  if (da === 2 && db === 2) return mmNamed(x, y, "matmul");
  // the results below are not views (PyTorch squeezes in place, or _unsafe_view's the bmm)
  if (da === 1 && db === 2) return unsafeView(mmNamed(unsqueeze(x, 0), y, "matmul"), [y.shape[1]!], "SqueezeBackward1");
  if (da === 2 && db === 1) return mv(x, y);
  // batched: promote vectors, broadcast batch dims, fold into one batch dim
  const vecA = da === 1, vecB = db === 1;
  if (vecA) x = unsqueeze(x, 0);
  if (vecB) y = unsqueeze(y, 1);
  const [m, k] = x.shape.slice(-2) as [number, number];
  const [k2, n] = y.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${x.shape.slice(0, -2).reduce((p, q) => p * q, 1)}, ${k}] but got: [${y.shape.slice(0, -2).reduce((p, q) => p * q, 1)}, ${k2}]. (matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  const batch = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2), "matmul");
  const B = batch.reduce((p, q) => p * q, 1);
  const xb = reshape(expand(x, [...batch, m, k]), [B, m, k]);
  const yb = reshape(expand(y, [...batch, k, n]), [B, k, n]);
  return unsafeView(bmm(xb, yb), [...batch, ...(vecA ? [] : [m]), ...(vecB ? [] : [n])]);
}

/** The outer product of two vectors: `[n] x [m] -> [n, m]`. */
export function outer(a: Tensor, b: Tensor): Tensor {
  for (const [t, name] of [[a, "self"], [b, "vec2"]] as const) {
    if (t.dim() !== 1) throw new Error(`outer: Expected 1-D argument ${name}, but got ${t.dim()}-D`);
  }
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/**
 * `beta * input + alpha * (m1 @ m2)` for matrices m1, m2 (input broadcasts
 * to the product's shape; with beta 0 it is ignored, NaNs included).
 */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  const beta = options.beta ?? 1, alpha = options.alpha ?? 1;
  const product = mm(m1, m2);
  const scaled = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) {
    // the input's values are ignored (NaN too), but it still gets a (zero) gradient, as PyTorch's grad * beta
    return needsGrad(input) ? add(scaled, mul(where(isfinite(input), input, 0), 0)) : scaled;
  }
  return add(beta === 1 ? input : mul(input, beta), scaled);
}
