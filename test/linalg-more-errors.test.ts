/**
 * The linalg-more functions' errors and edge cases, in PyTorch's words
 * (texts from PyTorch 1.13, which 2.x keeps, except where noted), the `info`
 * outputs of the `_ex` functions, and second derivatives.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const L = torch.linalg;
const f64 = (v: number[][] | number[]) => torch.tensor(v, { dtype: "float64" });
const S = f64([[1, 2, 3], [2, 4, 6], [1, 0, 1]]);

test("solveTriangular / triangularSolve / choleskySolve / choleskyInverse: PyTorch's errors", async () => {
  assert.throws(() => L.solveTriangular(torch.eye(3), torch.ones([3]), { upper: true }), /^Error: linalg\.solve_triangular: The input tensor B must have at least 2 dimensions\.$/);
  assert.throws(() => L.solveTriangular(torch.eye(3), torch.ones([4, 2]), { upper: true }), /^Error: linalg\.solve_triangular: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2\)$/);
  assert.throws(() => L.solveTriangular(torch.eye(3), torch.ones([2, 4]), { upper: true, left: false }), /^Error: linalg\.solve_triangular: Incompatible shapes of A and B for the equation XA = B \(3x3 and 2x4\)$/);
  assert.throws(() => L.solveTriangular(torch.ones([2, 3]), torch.ones([3, 2]), { upper: true }), /^Error: linalg\.solve_triangular: A must be batches of square matrices, but they are 2 by 3 matrices$/);
  assert.throws(() => L.solveTriangular(torch.eye(3), f64([[1], [2], [3]]), { upper: true }), /^Error: linalg\.solve_triangular: Expected A and B to have the same dtype, but found A of type Float and B of type Double instead$/);
  // a zero on the diagonal is not an error: Inf, as PyTorch's trsm
  assert.ok(!torch.isfinite(L.solveTriangular(f64([[0, 1], [0, 1]]), f64([[1], [1]]), { upper: true })).all().item());
  const warned = await warningMessagesDuring(() => {
    assert.throws(() => torch.triangularSolve(torch.ones([3]), torch.eye(3)), /^Error: torch\.triangular_solve: Expected b to have at least 2 dimensions, but it has 1 dimensions instead$/);
  });
  assert.ok(warned.some((m) => m.startsWith("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular")));
  assert.throws(() => torch.choleskySolve(torch.ones([3]), torch.eye(3)), /^Error: b should have at least 2 dimensions, but has 1 dimensions instead$/);
  assert.throws(() => torch.choleskySolve(torch.ones([3, 1]), torch.eye(2)), /^Error: Incompatible matrix sizes for cholesky_solve: each A matrix is 2 by 2 but each b matrix is 3 by 1$/);
  assert.throws(() => torch.choleskyInverse(torch.ones([3])), /^Error: cholesky_inverse: The input tensor A must have at least 2 dimensions\.$/);
  assert.throws(() => torch.choleskyInverse(torch.ones([2, 3])), /^Error: cholesky_inverse: A must be batches of square matrices, but they are 2 by 3 matrices$/);
});

test("lu / luFactor / luFactorEx / luSolve: PyTorch's errors, info and pivots", () => {
  assert.throws(() => L.luFactor(S), /^Error: torch\.linalg\.lu_factor: U\[3,3\] is zero and using it on lu_solve would result in a division by zero\. If you still want to perform the factorization, consider calling linalg\.lu\(A, pivot\) or linalg\.lu_factor_ex\(A, pivot\)$/);
  assert.throws(() => L.luFactorEx(torch.stack([torch.eye(3, 3, { dtype: "float64" }), S]), { checkErrors: true }), /^Error: torch\.linalg\.lu_factor_ex: \(Batch element 1\): U\[3,3\] is zero/);
  assert.throws(() => L.luFactor(S, { pivot: false }), /^Error: linalg\.lu_factor: LU without pivoting is not implemented on the CPU$/);
  assert.throws(() => L.lu(S, { pivot: false }), /^Error: linalg\.lu_factor: LU without pivoting is not implemented on the CPU$/);
  assert.throws(() => L.luFactor(torch.ones([3])), /^Error: torch\.lu_factor: Expected tensor with 2 or more dimensions\. Got size: \[3\] instead$/);
  const { LU, pivots } = L.luFactor(torch.eye(3));
  assert.equal(pivots.dtype, "int32");
  assert.throws(() => L.luSolve(LU, pivots, torch.ones([3])), /^Error: linalg\.lu_solve: The input tensor B must have at least 2 dimensions\.$/);
  assert.throws(() => L.luSolve(LU, pivots, torch.ones([4, 1])), /^Error: linalg\.lu_solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x1\)$/);
  // the (singular) factorization itself is reported, not thrown
  const ex = L.luFactorEx(S);
  assert.equal(ex.info.item(), 3);
  assert.deepEqual(Array.from(ex.pivots.data), [2, 3, 3]);
  // P L U reassembles A, for wide and tall matrices too
  for (const shape of [[3, 5], [5, 3], [2, 4, 4]]) {
    const A = torch.randn(shape, { dtype: "float64" });
    const { P, L: lower, U } = L.lu(A);
    assert.ok(torch.allclose(P.matmul(lower).matmul(U), A, { atol: 1e-12 }), shape.join("x"));
  }
});

test("invEx / solveEx / choleskyEx: info instead of errors, and PyTorch's errors with checkErrors", () => {
  // PyTorch 2.x computes inv_ex by LU: info is the first zero pivot, 3 here (1.13's getri said 2)
  const r = L.invEx(S);
  assert.equal(r.info.dtype, "int32");
  assert.equal(r.info.item(), 3);
  assert.ok(!torch.isfinite(r.inverse).all().item());
  assert.equal(L.invEx(torch.eye(2)).info.item(), 0);
  assert.throws(() => L.invEx(S, { checkErrors: true }), /^Error: linalg\.inv_ex: The diagonal element 3 is zero, the inversion could not be completed because the input matrix is singular\.$/);
  const s = L.solveEx(S, f64([1, 1, 1]));
  assert.equal(s.info.item(), 3);
  assert.deepEqual(s.result.shape, [3]);
  assert.throws(() => L.solveEx(S, f64([1, 1, 1]), { checkErrors: true }), /^Error: torch\.linalg\.solve_ex: The solver failed because the input matrix is singular\.$/);
  assert.throws(() => L.solve(S, f64([1, 1, 1]), { left: false }), /^Error: linalg\.solve: Vector broadcasting of the left hand side is not supported for left=False/);
  const c = L.choleskyEx(f64([[4, 2, 1], [2, -5, 0], [1, 0, 3]]));
  assert.equal(c.info.item(), 2);
  assert.throws(() => L.choleskyEx(torch.eye(3).neg(), { checkErrors: true }), /^Error: linalg\.cholesky_ex: The factorization could not be completed because the input is not positive-definite \(the leading minor of order 1 is not positive-definite\)\.$/);
});

test("norm / vecdot / multiDot / matrixExp / cond / tensorinv / tensorsolve / vander / householderProduct: PyTorch's errors", () => {
  assert.throws(() => L.norm(torch.ones([2, 2, 2]), 1), /^Error: linalg\.norm: If dim is not specified but ord is, the input must be 1D or 2D\. Got 3D\.$/);
  assert.throws(() => L.norm(torch.ones([2, 2, 2]), "fro"), /^Error: linalg\.norm: If dim is not specified but ord is, the input must be 1D or 2D\. Got 3D\.$/);
  assert.throws(() => L.norm(torch.ones([2, 2]), null, { dim: [0, 1, 1] }), /^Error: linalg\.norm: If dim is specified, it must be of length 1 or 2\. Got \[0, 1, 1\]$/);
  assert.throws(() => L.vecdot(torch.ones([3]), torch.ones([3], { dtype: "float64" })), /^Error: linalg\.vecdot: Expected x and y to have the same dtype, but found x of type Float and y of type Double instead$/);
  assert.throws(() => L.multiDot([torch.ones([2, 2])]), /^Error: multi_dot\(\): expected at least 2 tensors but got 1$/);
  assert.throws(() => L.multiDot([torch.ones([2, 2, 2]), torch.ones([2, 2])]), /^Error: multi_dot\(\): the first tensor must be 1D or 2D but got 3D$/);
  assert.throws(() => L.multiDot([torch.ones([2, 2]), torch.ones([2, 2, 2]), torch.ones([2, 2])]), /^Error: multi_dot\(\): tensor 1 must be 2D but got 3D$/);
  assert.throws(() => L.multiDot([torch.ones([2, 2]), torch.ones([2, 2, 2])]), /^Error: multi_dot\(\): the last tensor must be 1D or 2D but got 3D$/);
  assert.throws(() => L.multiDot([torch.ones([2, 3]), torch.ones([4, 2])]), /^Error: multi_dot\(\): tensors 0 and 1 with shapes \[2, 3\] and \[4, 2\] cannot be multiplied$/);
  assert.throws(() => L.multiDot([torch.ones([2, 3]), torch.ones([3, 2], { dtype: "float64" })]), /^Error: multi_dot\(\): all tensors must have be the same dtype but tensor 0 is float and tensor 1 double$/);
  assert.throws(() => L.matrixExp(torch.ones([3])), /^Error: linalg\.matrix_exp: The input tensor A must have at least 2 dimensions\.$/);
  assert.throws(() => L.matrixExp(torch.ones([2, 3])), /^Error: linalg\.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices$/);
  assert.throws(() => L.cond(torch.ones([2, 3]), 1), /^Error: linalg\.cond\(ord=1\): A must be batches of square matrices, but they are 2 by 3 matrices$/);
  assert.throws(() => L.cond(torch.ones([3, 3]), 3), /^Error: linalg\.cond got an invalid norm type: 3$/);
  assert.throws(() => L.cond(torch.ones([3]), 1), /^Error: linalg\.cond: The input tensor must have at least 2 dimensions\.$/);
  assert.throws(() => L.tensorinv(torch.ones([2, 3]), 0), /^Error: Expected a strictly positive integer for 'ind', but got 0$/);
  assert.throws(() => L.tensorinv(torch.ones([2, 3]), 1), /^Error: Expected self to satisfy the requirement prod\(self\.shape\[ind:\]\) == prod\(self\.shape\[:ind\]\), but got 3 != 2$/);
  assert.throws(() => L.tensorsolve(torch.ones([2, 3, 6]), torch.ones([2, 3, 1])), /^Error: Expected self to satisfy the requirement prod\(self\.shape\[other\.ndim:\]\) == prod\(self\.shape\[:other\.ndim\]\), but got 1 != 6$/);
  assert.throws(() => L.vander(torch.ones([3]), { N: 1 }), /^Error: N must be greater than 1\.$/);
  const H = "torch\\.linalg\\.householder_product";
  assert.throws(() => L.householderProduct(torch.ones([3]), torch.ones([1])), new RegExp(`^Error: ${H}: input must have at least 2 dimensions\\.$`));
  assert.throws(() => L.householderProduct(torch.ones([2, 3]), torch.ones([1])), new RegExp(`^Error: ${H}: input\\.shape\\[-2\\] must be greater than or equal to input\\.shape\\[-1\\]$`));
  assert.throws(() => L.householderProduct(torch.ones([3, 2]), torch.ones([3])), new RegExp(`^Error: ${H}: input\\.shape\\[-1\\] must be greater than or equal to tau\\.shape\\[-1\\]$`));
  assert.throws(() => L.householderProduct(torch.ones([2, 3, 2]), torch.ones([2])), new RegExp(`^Error: ${H}: Expected tau to have one dimension less than input, but got tau\\.ndim equal to 1 and input\\.ndim is equal to 3$`));
  assert.throws(() => L.householderProduct(torch.ones([2, 3, 2]), torch.ones([3, 2])), new RegExp(`^Error: ${H}: Expected batch dimensions of tau to be equal to input\\.shape\\[:-2\\], but got \\[3\\]$`));
  assert.throws(() => L.householderProduct(torch.ones([3, 2]), torch.ones([2], { dtype: "float64" })), new RegExp(`^Error: ${H}: tau dtype Double does not match input dtype Float$`));
});

test("eig / eigvals: complex results are not supported, and the error points at eigh", () => {
  for (const f of [L.eig, L.eigvals]) {
    assert.throws(() => f(torch.eye(2)), /complex results are not supported.*torch\.linalg\.eigh/);
  }
});

test("householderProduct of geqrf-style reflectors is orthogonal; matrixExp(log) and matrixPower agree", () => {
  const Q = L.householderProduct(torch.randn([5, 3], { dtype: "float64" }), f64([2 / (1 + 0), 0, 0]).mul(0).add(0));
  // tau = 0: every reflector is the identity
  assert.ok(torch.allclose(Q, torch.eye(5, 3, { dtype: "float64" })));
  const A = torch.randn([3, 3], { dtype: "float64" }).mul(0.3);
  // exp(A)·exp(A) = exp(2A)
  assert.ok(torch.allclose(L.matrixExp(A).matmul(L.matrixExp(A)), L.matrixExp(A.mul(2)), { atol: 1e-12 }));
  assert.ok(torch.allclose(L.multiDot([A, A, A]), L.matrixPower(A, 3), { atol: 1e-12 }));
});

/** The gradient of `f` at `x` with a graph, summed against a fixed direction: gradcheck of it checks second derivatives. */
function secondOrder(f: (x: Tensor) => Tensor, direction: Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const [g] = torch.autograd.grad(f(x).mul(direction).sum(), x, { createGraph: true });
    return g!;
  };
}

test("second derivatives (float64 gradcheck of the gradient)", () => {
  const A = torch.randn([3, 3], { dtype: "float64" }).add(torch.eye(3, 3, { dtype: "float64" }).mul(3));
  const B = torch.randn([3, 2], { dtype: "float64" });
  const cases: [string, (x: Tensor) => Tensor, Tensor][] = [
    ["solveTriangular", (x) => L.solveTriangular(x.triu(), B, { upper: true }), torch.randn([3, 2], { dtype: "float64" })],
    ["matrixExp", (x) => L.matrixExp(x.mul(0.3)), torch.randn([3, 3], { dtype: "float64" })],
    ["lu (U)", (x) => L.lu(x).U, torch.randn([3, 3], { dtype: "float64" })],
    ["luFactor", (x) => L.luFactor(x).LU, torch.randn([3, 3], { dtype: "float64" })],
    ["choleskySolve", (x) => torch.choleskySolve(B, x.tril()), torch.randn([3, 2], { dtype: "float64" })],
    ["cond", (x) => L.cond(x, "fro"), torch.ones([], { dtype: "float64" })],
  ];
  for (const [name, f, dir] of cases) {
    let ok: boolean | string;
    try {
      ok = torch.autograd.gradcheck(secondOrder(f, dir), [A.clone().requiresGrad_(true)]);
    } catch (e) {
      ok = (e as Error).message;
    }
    assert.equal(ok, true, name);
  }
});

test("ldlFactor / ldlSolve: no derivative (PyTorch's error), errors, and L D Lᵀ solves A X = B", () => {
  const A = f64([[0, 1, 2], [1, 0, 3], [2, 3, 0]]).requiresGrad_(true);
  const { LD, pivots } = L.ldlFactor(A);
  assert.throws(() => LD.sum().backward(), /^Error: derivative for aten::linalg_ldl_factor_ex is not implemented$/);
  const B = f64([[1], [2], [3]]).requiresGrad_(true);
  const X = L.ldlSolve(LD.detach(), pivots, B);
  assert.ok(torch.allclose(A.detach().matmul(X.detach()), B.detach(), { atol: 1e-12 }));
  assert.throws(() => X.sum().backward(), /^Error: derivative for aten::linalg_ldl_solve is not implemented$/);
  assert.throws(() => L.ldlFactor(torch.ones([2, 3])), /^Error: torch\.linalg\.ldl_factor_ex: A must be batches of square matrices, but they are 2 by 3 matrices$/);
  assert.equal(L.ldlFactorEx(torch.zeros([2, 2])).info.item(), 1);
});
