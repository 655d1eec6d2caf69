/**
 * The torch.linalg functions beyond solve / inv / det / qr / eigh / svd, and
 * torch.triangularSolve / choleskySolve / choleskyInverse, against PyTorch
 * (fixtures: scripts/gen_linalg_more_fixtures.py, PyTorch 1.13): values,
 * output dtypes and input gradients in float64 and float32, batched, on both
 * backends; float64 gradcheck; PyTorch's errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode } from "./fixture-values.js";
import { caseInputs, type MoreFunctions, readMoreCases, testMoreCases } from "./linalg-more-cases.js";

const L = torch.linalg;
const CASES = readMoreCases("linalg-more.json");

/** A fixture's ord: "inf" / "-inf" as numbers. */
const ord = (v: unknown): torch.linalg.MatrixNormOrd | null => (v === undefined || v === null ? null : v === "inf" || v === "-inf" ? decode(v) : (v as torch.linalg.MatrixNormOrd));

const FNS: MoreFunctions = {
  norm: ([a], o) => [L.norm(a!, ord(o.ord), { dim: (o.dim as number[] | undefined) ?? null, keepdim: o.keepdim === true })],
  vecdot: ([x, y], o) => [L.vecdot(x!, y!, o.dim === undefined ? {} : { dim: o.dim as number })],
  multiDot: (xs) => [L.multiDot(xs)],
  matrixPower: ([a], o) => [L.matrixPower(a!, o.n as number)],
  matrixExp: ([a]) => [L.matrixExp(a!)],
  cond: ([a], o) => [L.cond(a!, ord(o.p))],
  diagonal: ([a], o) => [L.diagonal(a!, o)],
  tensorinv: ([a], o) => [L.tensorinv(a!, o.ind as number)],
  tensorsolve: ([a, b], o) => [L.tensorsolve(a!, b!, (o.dims as number[] | undefined) ?? null)],
  choleskyEx: ([a], o) => {
    const r = L.choleskyEx(a!, { upper: o.upper === true });
    return [r.L, r.info];
  },
  invEx: ([a]) => {
    const r = L.invEx(a!);
    return [r.inverse, r.info];
  },
  solveEx: ([a, b], o) => {
    const r = L.solveEx(a!, b!, { left: o.left !== false });
    return [r.result, r.info];
  },
  solve: ([a, b], o) => [L.solve(a!, b!, { left: o.left !== false })],
  lu: ([a]) => {
    const r = L.lu(a!);
    return [r.P, r.L, r.U];
  },
  luFactor: ([a]) => {
    const r = L.luFactor(a!);
    return [r.LU, r.pivots];
  },
  luFactorEx: ([a]) => {
    const r = L.luFactorEx(a!);
    return [r.LU, r.pivots, r.info];
  },
  luSolve: ([lu, piv, b], o) => [L.luSolve(lu!, piv!, b!, { left: o.left !== false, adjoint: o.adjoint === true })],
  solveTriangular: ([a, b], o) => [L.solveTriangular(a!, b!, { upper: o.upper === true, left: o.left !== false, unitriangular: o.unitriangular === true })],
  householderProduct: ([a, tau]) => [L.householderProduct(a!, tau!)],
  vander: ([x], o) => [L.vander(x!, o.N === undefined || o.N === null ? {} : { N: o.N as number })],
  triangularSolve: ([b, a], o) => {
    const r = torch.triangularSolve(b!, a!, { upper: o.upper !== false, transpose: o.transpose === true, unitriangular: o.unitriangular === true });
    return [r.solution, r.clonedCoefficient];
  },
  choleskySolve: ([b, l], o) => [torch.choleskySolve(b!, l!, o.upper === true)],
  choleskyInverse: ([l], o) => [torch.choleskyInverse(l!, o.upper === true)],
  ldlFactor: ([a]) => {
    const r = L.ldlFactor(a!);
    return [r.LD, r.pivots];
  },
  ldlFactorEx: ([a]) => {
    const r = L.ldlFactorEx(a!);
    return [r.LD, r.pivots, r.info];
  },
  ldlSolve: ([ld, piv, b]) => [L.ldlSolve(ld!, piv!, b!)],
};

testMoreCases("torch.linalg (more) matches PyTorch", CASES, FNS, { float32: 2e-4, float64: 1e-7 }, { ...torch.linalg, triangularSolve: torch.triangularSolve, choleskySolve: torch.choleskySolve, choleskyInverse: torch.choleskyInverse });

/** The functions that read one triangle (or the strict lower part) are checked on inputs whose other entries are zero. */
const TRIANGLE: Record<string, (xs: Tensor[], o: Record<string, unknown>) => Tensor[]> = {
  solveTriangular: ([a, b], o) => [o.upper === true ? a!.triu() : a!.tril(), b!],
  choleskySolve: ([b, l], o) => [b!, o.upper === true ? l!.triu() : l!.tril()],
  choleskyInverse: ([l], o) => [o.upper === true ? l!.triu() : l!.tril()],
  triangularSolve: ([b, a], o) => [b!, o.upper === false ? a!.tril() : a!.triu()],
  // cholesky reads one triangle of a symmetric matrix: checked on (a + aᵀ) / 2, as PyTorch's own gradchecks do
  choleskyEx: ([a]) => [a!.add(a!.transpose(-2, -1)).mul(0.5)],
};

describe("gradcheck (float64)", () => {
  for (const fn of Object.keys(FNS)) {
    test(fn, () => {
      for (const c of CASES.filter((k) => k.fn === fn && k.inputGrads !== null)) {
        const xs = caseInputs(c, "float64");
        const f = (...ts: Tensor[]) => {
          const inputs = TRIANGLE[fn]?.(ts, c.options) ?? ts;
          return FNS[fn]!(inputs, c.options).filter((o) => o.dtype === "float64" && !(fn === "lu" && o === undefined));
        };
        // P of lu is a constant: only L and U are checked
        const g = fn === "lu" ? (...ts: Tensor[]) => f(...ts).slice(1) : f;
        assert.equal(torch.autograd.gradcheck(g, xs), true, c.name);
      }
    });
  }
});
