/**
 * torch.linalg against PyTorch (fixtures: scripts/gen_linalg_fixtures.py):
 * values and input gradients for a random upstream gradient, float64 and
 * float32, batched, on both backends; gradcheck in float64; PyTorch's errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, decode, readOpsCases, values } from "./fixture-values.js";
import { type CaseFunctions, type LinalgCase, leaves, testCases } from "./linalg-cases.js";

const L = torch.linalg;


const CASES = readOpsCases<LinalgCase>("linalg.json");

/** Each fixture function, called as the case says, returning its outputs in PyTorch's order. */
const FNS: CaseFunctions = {
  solve: ([a, b]) => [L.solve(a!, b!)],
  inv: ([a]) => [L.inv(a!)],
  det: ([a]) => [L.det(a!)],
  slogdet: ([a]) => {
    const r = L.slogdet(a!);
    return [r.sign, r.logabsdet];
  },
  cholesky: ([a], o) => [L.cholesky(a!, { upper: o.upper === true })],
  qr: ([a], o) => {
    const r = L.qr(a!, o.mode === undefined ? {} : { mode: o.mode as "reduced" | "complete" | "r" });
    return [r.Q, r.R];
  },
  eigh: ([a], o) => {
    const r = L.eigh(a!, o.UPLO === undefined ? {} : { UPLO: o.UPLO as "L" | "U" });
    // eigenvectors are unique up to sign: the fixture makes each column sum positive
    return [r.eigenvalues, r.eigenvectors.mul(torch.sign(r.eigenvectors.sum(-2, { keepdim: true })))];
  },
  eigvalsh: ([a], o) => [L.eigvalsh(a!, o.UPLO === undefined ? {} : { UPLO: o.UPLO as "L" | "U" })],
  matrixNorm: ([a], o) => [L.matrixNorm(a!, ord(o.ord ?? "fro") as torch.linalg.MatrixNormOrd, normOptions(o))],
  vectorNorm: ([a], o) => [L.vectorNorm(a!, ord(o.ord ?? 2) as number, normOptions(o))],
  cross: ([a, b], o) => [L.cross(a!, b!, o.dim === undefined ? {} : { dim: o.dim as number })],
};

/** A fixture's ord: "inf" / "-inf" as numbers. */
function ord(v: unknown): unknown {
  return v === "inf" || v === "-inf" ? decode(v) : v;
}

function normOptions(o: Record<string, unknown>): torch.linalg.NormOptions {
  return { ...(o.dim === undefined || o.dim === null ? {} : { dim: o.dim as number[] }), keepdim: o.keepdim === true };
}




testCases("torch.linalg matches PyTorch", CASES, FNS, { float32Tol: 2e-4 });


/** The functions that read one triangle of a symmetric input are checked on (a + aᵀ) / 2, as PyTorch's own gradchecks do. */
const SYMMETRIC = new Set(["cholesky", "eigh", "eigvalsh"]);
const symmetrize = (a: Tensor) => a.add(a.transpose(-2, -1)).mul(0.5);

describe("gradcheck (float64)", () => {
  for (const fn of Object.keys(FNS)) {
    test(fn, () => {
      for (const c of CASES.filter((k) => k.fn === fn && k.inputGrads !== null && k.name !== "det singular")) {
        const xs = leaves(c, "float64");
        const f = (...ts: Tensor[]) => FNS[fn]!(SYMMETRIC.has(fn) ? ts.map(symmetrize) : ts, c.options).filter((_, i) => c.gradOutputs[i] !== null);
        assert.equal(torch.autograd.gradcheck(f, xs), true, c.name);
      }
    });
  }
});

test("solve / inv / det / slogdet: PyTorch's errors and edge cases", () => {
  const S = torch.tensor([[1, 2, 3], [2, 4, 6], [1, 0, 1]]);
  const batch = torch.stack([torch.eye(3), S]);
  assert.throws(() => L.solve(S, torch.ones([3])), /^Error: torch\.linalg\.solve: The solver failed because the input matrix is singular\.$/);
  assert.throws(() => L.solve(batch, torch.ones([3])), /^Error: torch\.linalg\.solve: \(Batch element 1\): The solver failed because the input matrix is singular\./);
  // 2.x reports LU's first zero pivot (S: the third; 1.13's getri-based inv said 2)
  assert.throws(() => L.inv(S), /^Error: linalg\.inv: The diagonal element 3 is zero, the inversion could not be completed because the input matrix is singular\.$/);
  assert.throws(() => L.inv(torch.tensor([[1, 2], [2, 4]])), /^Error: linalg\.inv: The diagonal element 2 is zero/);
  assert.throws(() => L.inv(torch.zeros([2, 2])), /^Error: linalg\.inv: The diagonal element 1 is zero/);
  assert.throws(() => L.inv(batch), /^Error: linalg\.inv: \(Batch element 1\): The diagonal element 3 is zero/);
  assert.throws(() => L.inv(torch.ones([2, 3])), /linalg\.inv: A must be batches of square matrices, but they are 2 by 3 matrices/);
  assert.throws(() => L.inv(torch.ones([3])), /linalg\.inv: The input tensor A must have at least 2 dimensions\./);
  assert.throws(() => L.inv(torch.ones([3, 3], { dtype: "int32" })), /linalg\.inv: Expected a floating point or complex tensor as input\. Got Int/);
  assert.throws(() => L.det(torch.ones([3, 3], { dtype: "int32" })), /linalg\.det: Expected a floating point or complex tensor as input\. Got Int/);
  assert.throws(() => L.slogdet(torch.ones([2, 3])), /linalg\.slogdet: A must be batches of square matrices, but they are 2 by 3 matrices/);
  assert.throws(() => L.solve(torch.eye(3), torch.ones([4, 2])), /linalg\.solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2\)/);
  assert.throws(() => L.solve(torch.eye(3), torch.ones([4])), /linalg\.solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x1\)/);
  assert.throws(() => L.solve(torch.eye(3), torch.ones([3], { dtype: "float64" })), /linalg\.solve: Expected A and B to have the same dtype, but found A of type Float and B of type Double instead/);
  assert.throws(() => L.solve(torch.eye(3).expand([2, 3, 3]), torch.ones([3, 3, 1])), /The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0/);
  // det of a singular matrix is 0 with a zero gradient (PyTorch's det backward); slogdet gives sign 0, -inf
  const A = S.clone().requiresGrad_(true);
  const d = L.det(A);
  assert.ok(d.item() === 0, "det of a singular matrix is 0 (PyTorch gives -0 here)");
  d.backward();
  assert.deepEqual(values(A.grad!).map(Math.abs), new Array(9).fill(0));
  const { sign, logabsdet } = L.slogdet(S);
  assert.equal(Math.abs(sign.item()), 0);
  assert.equal(logabsdet.item(), -Infinity);
  // an empty batch of 0x0 matrices, and solve with a [..., n] rhs that is A's shape minus one dim (2.x's vector rule)
  assert.deepEqual(L.solve(torch.eye(3).mul(2).expand([4, 3, 3]), torch.ones([4, 3])).shape, [4, 3]);
  assert.deepEqual(L.inv(torch.ones([2, 0, 0])).shape, [2, 0, 0]);
});

test("cholesky: PyTorch's errors; reads only the lower triangle", () => {
  const bad = torch.tensor([[1, 2], [2, 1]]);
  assert.throws(() => L.cholesky(bad), /^Error: linalg\.cholesky: The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.$/);
  assert.throws(() => L.cholesky(torch.stack([torch.eye(2), bad])), /^Error: linalg\.cholesky: \(Batch element 1\): The factorization could not be completed .*order 2 is not/);
  assert.throws(() => L.cholesky(torch.tensor([[-1, 0], [0, 1]])), /the leading minor of order 1 is not positive-definite/);
  assert.ok(Number.isNaN(values(L.cholesky(torch.tensor([[NaN, 0], [0, 1]])))[0]!), "NaN propagates, no error (as PyTorch)");
  assert.throws(() => L.cholesky(torch.ones([2, 3])), /linalg\.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices/);
  assert.throws(() => L.cholesky(torch.eye(2, 2, { dtype: "int32" })), /linalg\.cholesky: Expected a floating point or complex tensor as input\. Got Int/);
  assert.deepEqual(L.cholesky(torch.tensor([[4, 99], [2, 5]])).tolist(), [[2, 0], [1, 2]]);
  assert.deepEqual(L.cholesky(torch.tensor([[4, 2], [2, 5]]), { upper: true }).tolist(), [[2, 1], [0, 2]]);
});

test("qr: modes, PyTorch's errors, the gradients it refuses", () => {
  const A = torch.randn([5, 3], { dtype: "float64" });
  for (const mode of ["reduced", "complete"] as const) {
    const { Q, R } = L.qr(A, { mode });
    assert.ok(torch.allclose(Q.matmul(R), A, { atol: 1e-12 }), `${mode}: QR = A`);
    const k = Q.shape[1]!;
    assert.ok(torch.allclose(Q.transpose(0, 1).matmul(Q), torch.eye(k, k, { dtype: "float64" }), { atol: 1e-12 }), `${mode}: QᵀQ = I`);
    assert.ok(torch.allclose(R, torch.triu(R)), `${mode}: R upper`);
  }
  assert.deepEqual(L.qr(A, { mode: "r" }).Q.shape, [0]);
  assert.deepEqual(L.qr(torch.zeros([3, 2])).Q.tolist(), [[1, 0], [0, 1], [0, 0]]);
  assert.throws(() => L.qr(torch.ones([3])), /^Error: linalg\.qr: The input tensor A must have at least 2 dimensions\.$/);
  assert.throws(() => L.qr(torch.ones([3, 3], { dtype: "int32" })), /linalg\.qr: Expected a floating point or complex tensor as input\. Got Int/);
  assert.throws(() => L.qr(A, { mode: "x" as "r" }), /qr received unrecognized mode 'x' but expected one of 'reduced' \(default\), 'r', or 'complete'/);
  const x = A.clone().requiresGrad_(true);
  assert.throws(() => L.qr(x, { mode: "r" }).R.sum().backward(), /The derivative of linalg\.qr depends on Q, which is not computed when mode='r'/);
  assert.throws(() => L.qr(x, { mode: "complete" }).R.sum().backward(), /The QR decomposition is not differentiable when mode='complete' and nrows > ncols\./);
});

test("eigh / eigvalsh: A V = V diag(w), the chosen triangle, PyTorch's errors", () => {
  const A = torch.randn([2, 6, 6], { dtype: "float64" });
  const S = A.add(A.transpose(-2, -1));
  const { eigenvalues: w, eigenvectors: V } = L.eigh(S);
  assert.ok(torch.allclose(S.matmul(V), V.mul(w.unsqueeze(-2)), { atol: 1e-10 }), "A V = V diag(w)");
  assert.ok(torch.allclose(V.transpose(-2, -1).matmul(V), torch.eye(6, 6, { dtype: "float64" }).expand([2, 6, 6]), { atol: 1e-12 }), "VᵀV = I");
  const wv = values(w);
  for (let i = 1; i < 12; i++) if (i !== 6) assert.ok(wv[i - 1]! <= wv[i]!, "ascending per batch item");
  // only the chosen triangle is read
  const T = torch.tensor([[2, 100], [1, 2]]);
  assert.deepEqual(L.eigvalsh(T).tolist(), [1, 3]);
  assert.deepEqual(L.eigvalsh(T.transpose(0, 1), { UPLO: "U" }).tolist(), [1, 3]);
  assert.throws(() => L.eigh(torch.eye(2), { UPLO: "X" as "L" }), /^Error: Expected UPLO argument to be 'L' or 'U', but got X$/);
  assert.throws(() => L.eigvalsh(torch.ones([2, 3])), /linalg\.eigh: A must be batches of square matrices, but they are 2 by 3 matrices/);
  assert.throws(() => L.eigh(torch.ones([3])), /linalg\.eigh: The input tensor A must have at least 2 dimensions\./);
  assert.throws(() => L.eigh(torch.eye(2, 2, { dtype: "int32" })), /"linalg_eigh_cpu" not implemented for 'Int'/);
});

test("matrixNorm / vectorNorm / cross: PyTorch's errors and small values", () => {
  const A = torch.tensor([[1, -2], [3, 4]]);
  assert.equal(L.matrixNorm(A, 1).item(), 6);
  assert.equal(L.matrixNorm(A, -1).item(), 4);
  assert.equal(L.matrixNorm(A, Infinity).item(), 7);
  assert.equal(L.matrixNorm(A, -Infinity).item(), 3);
  assert.equal(L.vectorNorm(torch.tensor([3, 4])).item(), 5);
  assert.throws(() => L.matrixNorm(torch.ones([3])), /^Error: linalg\.matrix_norm: The input tensor A must have at least 2 dimensions\.$/);
  assert.throws(() => L.matrixNorm(A, 3), /^Error: linalg\.matrix_norm: Order 3 not supported\.$/);
  // "nuc", 2 and -2 (through the SVD) are checked in linalg-svd.test.ts
  assert.throws(() => L.matrixNorm(A, "fro", { dim: [1, 1] }), /^Error: linalg\.matrix_norm: dims must be different\. Got \(1, 1\)$/);
  assert.throws(() => L.matrixNorm(A, "fro", { dim: [1] }), /^Error: linalg\.matrix_norm: dim must be a 2-tuple\. Got 1$/);
  assert.throws(() => L.matrixNorm(torch.ones([3, 3], { dtype: "int32" })), /linalg\.matrix_norm: Expected a floating point or complex tensor as input\. Got Int/);
  assert.throws(() => L.vectorNorm(torch.ones([3], { dtype: "int32" })), /linalg\.vector_norm: Expected a floating point or complex tensor as input\. Got Int/);
  assert.deepEqual(L.cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0])).tolist(), [0, 0, 1]);
  assert.throws(() => L.cross(torch.ones([3, 2]), torch.ones([3, 2])), /^Error: linalg\.cross: inputs dimension -1 must have length 3\. Got 2 and 2$/);
  assert.throws(() => L.cross(torch.ones([3]), torch.ones([2, 3])), /^Error: linalg\.cross: inputs must have the same number of dimensions\.$/);
});

test("empty matrices and strided views, as PyTorch", () => {
  assert.equal(L.det(torch.zeros([0, 0])).item(), 1);
  const s = L.slogdet(torch.zeros([0, 0]));
  assert.deepEqual([s.sign.item(), s.logabsdet.item()], [1, 0]);
  assert.deepEqual(L.cholesky(torch.zeros([0, 0])).shape, [0, 0]);
  assert.deepEqual(L.eigh(torch.zeros([0, 0])).eigenvalues.shape, [0]);
  assert.deepEqual([L.qr(torch.zeros([0, 3])).Q.shape, L.qr(torch.zeros([0, 3])).R.shape], [[0, 0], [0, 3]]);
  assert.deepEqual([L.qr(torch.zeros([3, 0])).Q.shape, L.qr(torch.zeros([3, 0])).R.shape], [[3, 0], [0, 0]]);
  assert.deepEqual(L.qr(torch.zeros([3, 0]), { mode: "complete" }).Q.tolist(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  // a transposed (non-contiguous) A is read through its strides: Aᵀ = [[2, 1], [0, 1]]
  const At = torch.tensor([[2, 0], [1, 1]]).t();
  assert.deepEqual(L.solve(At, torch.tensor([5, 2])).tolist(), [1.5, 2]);
  assert.deepEqual(L.inv(At).tolist(), [[0.5, -0.5], [0, 1]]);
});

test("second derivatives: gradcheck of the first gradient (createGraph) in float64", () => {
  const gen = new torch.Generator().manualSeed(3);
  const A = torch.randn([3, 3], { dtype: "float64", generator: gen }).add(torch.eye(3, 3, { dtype: "float64" }).mul(3));
  const W = torch.randn([3, 3], { dtype: "float64", generator: gen });
  const spd = A.matmul(A.t());
  const sym = (a: Tensor) => a.add(a.t()).mul(0.5);
  const firstGrad = (f: (a: Tensor) => Tensor) => (a: Tensor) => torch.autograd.grad(f(a), a, { createGraph: true })[0]!;
  const fns: [string, (a: Tensor) => Tensor, Tensor][] = [
    ["inv", (a) => L.inv(a).mul(W).sum(), A],
    ["solve", (a) => L.solve(a, W).mul(W).sum(), A],
    ["det", (a) => L.det(a), A],
    ["slogdet", (a) => L.slogdet(a).logabsdet, A],
    ["cholesky", (a) => L.cholesky(sym(a)).mul(W).sum(), spd],
    ["qr", (a) => L.qr(a).R.mul(W).sum(), A],
    ["eigvalsh", (a) => L.eigvalsh(sym(a)).mul(torch.tensor([1, 2, 3], { dtype: "float64" })).sum(), spd],
  ];
  for (const [name, f, x] of fns) {
    assert.equal(torch.autograd.gradcheck(firstGrad(f), [x.clone().requiresGrad_(true)]), true, name);
  }
});

test("det's gradient at a singular matrix is its cofactor matrix (PyTorch 2.x, via an SVD), and differentiable again", () => {
  const A = torch.tensor([[1, 2], [2, 4]], { dtype: "float64", requiresGrad: true });
  const [g] = torch.autograd.grad(torch.linalg.det(A), [A], { createGraph: true });
  assertClose(values(g!), [4, -2, -2, 1], "cofactors of [[1, 2], [2, 4]]");
  // for 2 x 2 the cofactors are linear in A: the gradient of their sum is [[1, -1], [-1, 1]] (PyTorch 1.13 agrees)
  const [h] = torch.autograd.grad(g!.sum(), [A]);
  assertClose(values(h!), [1, -1, -1, 1], "second derivative");
  const B = torch.tensor([[1, 2], [2, 4]], { dtype: "float64", requiresGrad: true });
  torch.linalg.det(B).backward(); // without createGraph too (1.13 gave zeros here)
  assertClose(values(B.grad!), [4, -2, -2, 1], "first order");
});
