/**
 * The SVD family of torch.linalg against PyTorch (fixtures:
 * scripts/gen_svd_fixtures.py): svd, svdvals, matrixNorm "nuc" / 2 / -2,
 * pinv, matrixRank and lstsq; values and input gradients for a random
 * upstream gradient, float64 and float32, batched, on both backends;
 * gradcheck in float64 of sign-invariant functions; PyTorch's errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode, readOpsCases, values } from "./fixture-values.js";
import { assertNear, type CaseFunctions, type LinalgCase, leaves, testCases } from "./linalg-cases.js";

const L = torch.linalg;


const CASES = readOpsCases<LinalgCase>("svd.json");

/** The first k = min(m, n) singular vectors, each column of U (and row of Vh) times the sign of the column's sum, as the fixture. */
function svdFixed(a: Tensor, fullMatrices: boolean): Tensor[] {
  const { U, S, Vh } = L.svd(a, { fullMatrices });
  const k = S.shape[S.dim() - 1]!;
  const Uk = U.narrow(-1, 0, k), Vk = Vh.narrow(-2, 0, k);
  const s = torch.sign(Uk.sum(-2, { keepdim: true }));
  return [Uk.mul(s), S, Vk.mul(s.transpose(-2, -1))];
}

function rankOptions(o: Record<string, unknown>): torch.linalg.RankOptions {
  return { ...(o.rtol === undefined ? {} : { rtol: o.rtol as number }), ...(o.atol === undefined ? {} : { atol: o.atol as number }), hermitian: o.hermitian === true };
}

/** Each fixture function, called as the case says, returning its outputs in PyTorch's order. */
const FNS: CaseFunctions = {
  svd: ([a], o) => svdFixed(a!, o.full_matrices !== false),
  svdvals: ([a]) => [L.svdvals(a!)],
  matrixNorm: ([a], o) => [L.matrixNorm(a!, (o.ord ?? "nuc") as torch.linalg.MatrixNormOrd, { ...(o.dim === undefined ? {} : { dim: o.dim as number[] }), keepdim: o.keepdim === true })],
  pinv: ([a], o) => [L.pinv(a!, rankOptions(o))],
  matrixRank: ([a], o) => [L.matrixRank(a!, rankOptions(o))],
  lstsq: ([a, b]) => [L.lstsq(a!, b!).solution],
};




// matrix_rank: PyTorch's int64 is torchlet's int32
testCases("torch.linalg SVD family matches PyTorch", CASES, FNS, { float32Tol: 5e-4, outputDtype: (c) => (c.fn === "matrixRank" ? "int32" : c.dtype) });


describe("gradcheck (float64)", () => {
  for (const fn of Object.keys(FNS).filter((f) => f !== "matrixRank")) {
    test(fn, () => {
      const cases = CASES.filter((k) => k.fn === fn && k.inputGrads !== null);
      assert.ok(cases.length > 0);
      for (const c of cases) {
        const xs = leaves(c, "float64");
        // pinv's hermitian path reads one triangle: checked on (a + aᵀ) / 2
        const f = (...ts: Tensor[]) => FNS[fn]!(c.options.hermitian === true ? ts.map((a) => a.add(a.transpose(-2, -1)).mul(0.5)) : ts, c.options);
        assert.equal(torch.autograd.gradcheck(f, xs), true, c.name);
      }
    });
  }
});

const f64 = { dtype: "float64" } as const;
const eyeLike = (k: number, batch: number[] = []) => torch.eye(k, k, f64).expand([...batch, k, k]);

test("svd: A = U diag(S) Vh, orthonormal (full) factors, descending S, |U| as PyTorch's", () => {
  const gen = new torch.Generator().manualSeed(7);
  for (const shape of [[5, 3], [3, 5], [2, 4, 4], [2, 1, 6, 2], [1, 4], [4, 1]]) {
    const A = torch.randn(shape, { ...f64, generator: gen });
    const m = shape.at(-2)!, n = shape.at(-1)!, k = Math.min(m, n), batch = shape.slice(0, -2);
    for (const fullMatrices of [true, false]) {
      const { U, S, Vh } = L.svd(A, { fullMatrices });
      const [um, vn] = fullMatrices ? [m, n] : [k, k];
      assert.deepEqual([U.shape, S.shape, Vh.shape], [[...batch, m, um], [...batch, k], [...batch, vn, n]]);
      const rebuilt = U.narrow(-1, 0, k).mul(S.unsqueeze(-2)).matmul(Vh.narrow(-2, 0, k));
      assert.ok(torch.allclose(rebuilt, A, { atol: 1e-12 }), `${shape.join("x")} ${fullMatrices}: U S Vh = A`);
      assert.ok(torch.allclose(U.transpose(-2, -1).matmul(U), eyeLike(um, batch), { atol: 1e-12 }), `${shape.join("x")}: UᵀU = I`);
      assert.ok(torch.allclose(Vh.matmul(Vh.transpose(-2, -1)), eyeLike(vn, batch), { atol: 1e-12 }), `${shape.join("x")}: Vh Vhᵀ = I`);
      const s = values(S);
      for (let i = 1; i < s.length; i++) if (i % k !== 0) assert.ok(s[i - 1]! >= s[i]!, "descending");
    }
  }
  // the fixture's |U| and |Vh| (sign-free) for a full tall case, first k columns
  const c = CASES.find((x) => x.name === "svd tall full batched")!;
  const { U } = L.svd(torch.tensor(c.inputs[0]!.data.map(decode), f64).reshape(c.inputs[0]!.shape));
  assertNear(values(U.narrow(-1, 0, 3).abs()), c.outputs[0]!.data.map((v) => Math.abs(decode(v))), 1e-7, "|U|");
  // rank-deficient and zero inputs still give orthonormal U
  for (const A of [torch.zeros([3, 2], f64), torch.ones([3, 3], f64), torch.tensor([[1, 2], [2, 4], [3, 6]], f64)]) {
    const { U, S, Vh } = L.svd(A);
    const k = S.shape[0]!;
    assert.ok(torch.allclose(U.transpose(0, 1).matmul(U), torch.eye(3, 3, f64), { atol: 1e-12 }), "UᵀU = I");
    assert.ok(torch.allclose(U.narrow(1, 0, k).mul(S.unsqueeze(0)).matmul(Vh.narrow(0, 0, k)), A, { atol: 1e-12 }), "U S Vh = A");
  }
  assert.deepEqual(L.svdvals(torch.tensor([[3, 0], [0, -4]])).tolist(), [4, 3]);
  assert.deepEqual(L.svd(torch.zeros([0, 3])).Vh.shape, [3, 3]);
  assert.deepEqual(L.svdvals(torch.zeros([2, 3, 0])).shape, [2, 0]);
});

test("svd / svdvals: second derivatives of sign-invariant losses (gradcheck of the createGraph gradient)", () => {
  const gen = new torch.Generator().manualSeed(11);
  const A = torch.randn([4, 3], { ...f64, generator: gen });
  const W = torch.randn([4, 3], { ...f64, generator: gen });
  const firstGrad = (f: (a: Tensor) => Tensor) => (a: Tensor) => torch.autograd.grad(f(a), a, { createGraph: true })[0]!;
  const fns: [string, (a: Tensor) => Tensor][] = [
    ["svdvals", (a) => L.svdvals(a).mul(torch.tensor([1, 2, 3], f64)).sum()],
    ["nuc", (a) => L.matrixNorm(a, "nuc")],
    ["svd U ⊙ U", (a) => { const { U } = L.svd(a, { fullMatrices: false }); return U.mul(U).mul(W).sum(); }],
    ["pinv", (a) => L.pinv(a).mul(W.t()).sum()],
  ];
  for (const [name, f] of fns) assert.equal(torch.autograd.gradcheck(firstGrad(f), [A.clone().requiresGrad_(true)]), true, name);
  // first order: lstsq with a vector right-hand side (1.13's own backward fails there, so the fixture has values only)
  const b = torch.randn([2, 4], { ...f64, generator: gen }).requiresGrad_(true);
  const Ab = torch.randn([2, 4, 3], { ...f64, generator: gen }).requiresGrad_(true);
  assert.equal(torch.autograd.gradcheck((a: Tensor, v: Tensor) => L.lstsq(a, v).solution, [Ab, b]), true, "lstsq vector rhs");
});

test("pinv / matrixRank / lstsq / matrixNorm: small values and PyTorch's tolerance rules", () => {
  assert.deepEqual(L.pinv(torch.tensor([[1, 0], [0, 0]])).tolist(), [[1, 0], [0, 0]]);
  assert.equal(L.matrixRank(torch.tensor([[1, 2], [2, 4]])).item(), 1);
  assert.equal(L.matrixRank(torch.tensor([[1, 2], [2, 4]])).dtype, "int32");
  assert.equal(L.matrixRank(torch.zeros([3, 3])).item(), 0);
  // a positive atol alone switches the default rtol off (2.x): σ = 1e-9 counts with atol = 1e-12
  const D = torch.tensor([[1, 0], [0, 1e-9]], f64);
  assert.equal(L.matrixRank(D, { atol: 1e-12 }).item(), 2);
  assert.equal(L.matrixRank(D, { rtol: 1e-8 }).item(), 1);
  assert.equal(L.matrixRank(torch.tensor([[1, 0], [0, 1e-7]])).item(), 1, "float32: default rtol is 2 · eps(float32)");
  assert.equal(L.matrixRank(torch.tensor([[1, 0], [0, 1e-6]])).item(), 2);
  const x = values(L.lstsq(torch.tensor([[1, 0], [1, 1], [1, 2]], f64), torch.tensor([[1], [3], [5]], f64)).solution);
  assert.ok(Math.abs(x[0]! - 1) < 1e-12 && Math.abs(x[1]! - 2) < 1e-12, x.join(", "));
  const A = torch.tensor([[1, -2], [3, 4]], f64);
  const sv = values(L.svdvals(A));
  assert.ok(Math.abs(L.matrixNorm(A, "nuc").item() - (sv[0]! + sv[1]!)) < 1e-12);
  assert.ok(Math.abs(L.matrixNorm(A, 2).item() - sv[0]!) < 1e-12);
  assert.ok(Math.abs(L.matrixNorm(A, -2).item() - sv[1]!) < 1e-12);
  assert.ok(Math.abs(L.matrixNorm(A, "nuc").item() - 2 * Math.sqrt(15 + 10)) > 1, "sanity: not the Frobenius norm doubled");
});

test("PyTorch's errors for bad input", () => {
  const i32 = torch.ones([3, 3], { dtype: "int32" });
  assert.throws(() => L.svd(torch.ones([3])), /^Error: linalg\.svd: The input tensor A must have at least 2 dimensions\.$/);
  assert.throws(() => L.svd(i32), /^Error: linalg\.svd: Expected a floating point or complex tensor as input\. Got Int$/);
  assert.throws(() => L.svdvals(torch.ones([3])), /^Error: linalg\.svd: The input tensor A must have at least 2 dimensions\.$/);
  assert.throws(() => L.svdvals(i32), /^Error: linalg\.svd: Expected a floating point or complex tensor as input\. Got Int$/);
  const nan = torch.tensor([[1, NaN], [0, 1]]);
  assert.throws(() => L.svd(nan), /^Error: linalg\.svd: The algorithm failed to converge because the input matrix contained non-finite values\.$/);
  assert.throws(() => L.svdvals(torch.stack([torch.eye(2), nan])), /^Error: linalg\.svd: \(Batch element 1\): The algorithm failed to converge because the input matrix contained non-finite values\.$/);
  assert.throws(() => L.pinv(nan), /^Error: linalg\.svd: The algorithm failed to converge/);
  assert.throws(() => L.matrixRank(torch.tensor([[Infinity, 0], [0, 1]])), /^Error: linalg\.svd: The algorithm failed to converge/);
  assert.throws(() => L.pinv(torch.ones([3])), /^Error: linalg\.pinv\(Float\{\[3\]\}\): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types$/);
  assert.throws(() => L.pinv(i32), /^Error: linalg\.pinv\(Int\{\[3, 3\]\}\): expected a tensor with 2 or more dimensions/);
  assert.throws(() => L.pinv(torch.ones([2, 3]), { hermitian: true }), /^Error: linalg\.eigh: A must be batches of square matrices, but they are 2 by 3 matrices$/);
  assert.throws(() => L.matrixRank(torch.ones([3])), /^Error: torch\.linalg\.matrix_rank: The input tensor input must have at least 2 dimensions\.$/);
  assert.throws(() => L.matrixRank(i32), /^Error: This function doesn't handle types other than float and double$/);
  assert.throws(() => L.matrixNorm(i32, "nuc"), /^Error: linalg\.matrix_norm: Expected a floating point or complex tensor as input\. Got Int$/);
  assert.throws(() => L.lstsq(torch.ones([3]), torch.ones([3])), /^Error: torch\.linalg\.lstsq: input must have at least 2 dimensions\.$/);
  assert.throws(() => L.lstsq(torch.ones([3, 2]), torch.ones([])), /^Error: torch\.linalg\.lstsq: other must have at least 1 dimension\.$/);
  assert.throws(() => L.lstsq(torch.ones([3, 2], { dtype: "int32" }), torch.ones([3], { dtype: "int32" })), /^Error: This function doesn't handle types other than float and double$/);
  assert.throws(() => L.lstsq(torch.ones([3, 2]), torch.ones([3], f64)), /^Error: torch\.linalg\.lstsq: Expected input and other to have the same dtype, but got input's dtype Float and other's dtype Double$/);
  assert.throws(() => L.lstsq(torch.ones([3, 2]), torch.ones([4, 1])), /^Error: torch\.linalg\.lstsq: input\.size\(-2\) should match other\.size\(-2\)$/);
  assert.throws(() => L.lstsq(torch.ones([3, 2]), torch.ones([4])), /^Error: torch\.linalg\.lstsq: input\.size\(-2\) should match other\.size\(-1\)$/);
});
