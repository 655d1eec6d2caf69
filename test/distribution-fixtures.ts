/**
 * Shared by the distribution tests that read float64 fixtures written by the
 * scripts/gen_dist*_fixtures*.py scripts: the encoded tensors, PyTorch-tolerance
 * comparison, and the check of one kl_divergence case (value and gradients).
 */
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode, type Encoded, values } from "./fixture-values.js";

export interface Enc {
  shape: number[];
  data: Encoded[];
}

/** One side of a KL case: the distribution's name and its parameters. */
export interface KlSide {
  dist: string;
  params: Record<string, Enc>;
}

export interface KlCase {
  name: string;
  p: KlSide;
  q: KlSide;
  out: Enc;
  /** "p.<param>" / "q.<param>" -> PyTorch's gradient of sum(KL); null where PyTorch's KL is a constant. */
  grads: Record<string, Encoded[]> | null;
}

export const tensorOf = (e: Enc): Tensor => torch.tensor(e.data.map(decode), { dtype: "float64" }).reshape(e.shape);

/** A parameter as a leaf that requires grad; counts (Binomial's totalCount) take no gradient, as in the fixtures. */
export const paramLeaf = (name: string, e: Enc): Tensor => (name === "totalCount" ? tensorOf(e) : tensorOf(e).requiresGrad_(true));

/** `got` equals PyTorch's `want` within `tol` relative (float64), NaN where it has NaN, infinities exactly. */
export function assertNear(got: number[], want: Encoded[], what: string, tol = 1e-7): void {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((e, i) => {
    const w = decode(e), g = got[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= tol * (1 + Math.abs(w));
    if (!ok) assert.fail(`${what}: [${i}] is ${g}, PyTorch gives ${w}`);
  });
}

/**
 * kl_divergence of one fixture case against PyTorch: shape, values and the
 * gradient of every parameter (a constant KL must not require grad).
 * `finiteGradsOnly` compares gradients only where the KL is finite (PyTorch's
 * gradient behind an infinite entry is NaN or 0, depending on the formula).
 */
export function checkKlCase(c: KlCase, build: (dist: string, params: Record<string, Tensor>) => torch.distributions.Distribution, finiteGradsOnly = false): void {
  const pp = Object.fromEntries(Object.entries(c.p.params).map(([k, v]) => [k, paramLeaf(k, v)]));
  const qp = Object.fromEntries(Object.entries(c.q.params).map(([k, v]) => [k, paramLeaf(k, v)]));
  const out = torch.distributions.klDivergence(build(c.p.dist, pp), build(c.q.dist, qp));
  assert.deepEqual(out.shape, c.out.shape, "shape");
  assertNear(values(out.detach()), c.out.data, c.name);
  if (c.grads === null) {
    // PyTorch's infinite KLs are constants
    assert.equal(out.requiresGrad, false);
    return;
  }
  out.sum().backward();
  const finite = c.out.data.map((v) => Number.isFinite(decode(v)));
  for (const [k, g] of Object.entries(c.grads)) {
    const [side, name] = k.split(".") as [string, string];
    const got = (side === "p" ? pp : qp)[name]!.grad;
    const gv = got === null ? new Array<number>(g.length).fill(0) : values(got);
    const keep = (_: unknown, i: number) => !finiteGradsOnly || g.length !== finite.length || finite[i];
    assertNear(gv.filter(keep), g.filter(keep), `${c.name}: grad ${k}`, 1e-6);
  }
}

/** Mean and variance of `n` draws along dim 0, against the distribution's, within `k` standard errors. */
export function checkMoments(d: torch.distributions.Distribution, n: number, seed: number, k = 5): void {
  const s = torch.toDtype(d.sample([n], { generator: new torch.Generator(seed) }), "float64");
  const mean = values(s.mean(0)), variance = values(s.var(0)), m4 = values(s.sub(s.mean(0)).pow(4).mean(0));
  const wantMean = values(torch.toDtype(d.mean, "float64")), wantVar = values(torch.toDtype(d.variance, "float64"));
  wantMean.forEach((mu, i) => {
    const se = Math.sqrt(wantVar[i]! / n);
    assert.ok(Math.abs(mean[i]! - mu) <= k * se, `${d.toString()} mean [${i}]: ${mean[i]} vs ${mu} (se ${se})`);
    // the sample variance's standard error from the sample's fourth central moment
    const seVar = Math.sqrt(Math.max(m4[i]! - variance[i]! ** 2, 0) / n);
    assert.ok(Math.abs(variance[i]! - wantVar[i]!) <= k * seVar, `${d.toString()} variance [${i}]: ${variance[i]} vs ${wantVar[i]} (se ${seVar})`);
  });
}
