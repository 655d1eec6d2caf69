/**
 * nn.utils.weightNorm / spectralNorm (the forward-pre-hook forms) and
 * nn.utils.parametrizations.weightNorm / spectralNorm against PyTorch
 * (nn_utils3.json): state-dict keys in PyTorch's order, the computed weight,
 * outputs and gradients, the power iteration's u and v over training steps
 * and none in eval, and removal. 2.x's parametrizations.weightNorm (not in
 * 1.13) is checked against 1.13's weight_norm, which computes the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, build, checkRun, checkState, fromJson, fx, load, values } from "./nn-utils-fixtures.js";

const { nn } = torch;
const U = nn.utils;

const describeDim = (d: number | null) => (d === null ? "None" : String(d));

for (const c of fx.weightNorm) {
  test(`weightNorm(${c.ctor.type}, dim=${describeDim(c.dim)}): weight_g / weight_v, forward, gradients and removal match PyTorch`, () => {
    const m = build(c.ctor);
    load(m, c.stateDict);
    U.weightNorm(m, "weight", c.dim);
    checkState(m, c.stateAfter, "after weightNorm");
    assertClose(values((m as any).weight), c.weight.data, "the computed weight");
    assert.ok(!m.namedParameters().some(([k]) => k === "weight"), "weight is no longer a parameter");
    checkRun(m, fromJson(c.input), c, "weight-normed forward");
    U.removeWeightNorm(m);
    assert.deepEqual(Object.keys(m.stateDict()), c.keysAfterRemove);
    assert.ok((m as any).weight instanceof nn.Parameter);
    assertClose(values((m as any).weight), c.weight.data, "the weight left by removeWeightNorm");
    assert.equal(m._forwardPreHooks.size, 0);
  });

  test(`parametrizations.weightNorm(${c.ctor.type}, dim=${describeDim(c.dim)}): original0 = g, original1 = v, the same forward and gradients (2.x; values from 1.13's weight_norm)`, () => {
    const m = build(c.ctor);
    load(m, c.stateDict);
    U.parametrizations.weightNorm(m, "weight", c.dim);
    const keys = Object.keys(c.stateAfter).map((k) => k.replace(/^weight_g$/, "parametrizations.weight.original0").replace(/^weight_v$/, "parametrizations.weight.original1"));
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd).sort(), keys.sort());
    assertClose(values(sd["parametrizations.weight.original0"]!), c.stateAfter.weight_g.data, "g");
    assert.deepEqual(sd["parametrizations.weight.original0"]!.shape, c.stateAfter.weight_g.shape);
    assertClose(values((m as any).weight), c.weight.data, "weight");
    const y = (m.forward(fromJson(c.input)) as torch.Tensor);
    assertClose(values(y.detach()), c.output.data, "output");
    y.mul(torch.tensor(c.gradOutput).reshape(y.shape)).sum().backward();
    const p = new Map(m.namedParameters());
    assertClose(values(p.get("parametrizations.weight.original0")!.grad!), c.grads.weight_g, "grad of g");
    assertClose(values(p.get("parametrizations.weight.original1")!.grad!), c.grads.weight_v, "grad of v");
    U.parametrize.removeParametrizations(m, "weight");
    assertClose(values((m as any).weight), c.weight.data, "weight after removal");
  });
}

test("weightNorm errors: twice on one parameter, removal without it, a missing name (PyTorch's messages)", () => {
  const m = U.weightNorm(new nn.Linear(3, 2));
  assert.throws(() => U.weightNorm(m), { message: "Cannot register two weight_norm hooks on the same parameter weight" });
  assert.throws(() => U.removeWeightNorm(new nn.Linear(3, 2)), { message: "weight_norm of 'weight' not found in Linear(in_features=3, out_features=2, bias=True)" });
  assert.throws(() => U.weightNorm(new nn.Linear(3, 2), "foo"), { message: "'Linear' object has no attribute 'foo'" });
  // gradients reach g and v through a training step (the hook recomputes the weight from them)
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
  const before = values((m as any).weight_g);
  (m.forward(torch.ones([1, 3]))).sum().backward();
  opt.step();
  assert.notDeepEqual(values((m as any).weight_g), before);
  m.forward(torch.ones([1, 3]));
  const w = (m as any).weight as torch.Tensor;
  const rowNorms = values(w.norm(2, 1));
  assertClose(rowNorms, values((m as any).weight_g).map(Math.abs), "‖weight row‖ = |g| after the step");
});

for (const c of fx.spectral) {
  test(`spectral norm (${c.form}) of ${c.ctor.type}, ${c.nPowerIterations} power iteration(s): u, v, weight, outputs and gradients over train, train, eval; removal`, () => {
    const m = build(c.ctor);
    load(m, c.stateDict);
    if (c.form === "hook") U.spectralNorm(m, "weight", c.nPowerIterations);
    else U.parametrizations.spectralNorm(m, "weight", c.nPowerIterations);
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.registered), "state-dict keys");
    // PyTorch's random start (and, for the parametrization, its 15 warm-up iterations)
    load(m, c.registered);
    const x = fromJson(c.input);
    c.steps.forEach((s: any, i: number) => {
      m.train(s.train);
      checkRun(m, x, s, `step ${i + 1} (${s.train ? "train" : "eval"})`, 1e-4, 1e-5);
      checkState(m, s.state, `state after step ${i + 1}`, 1e-4, 1e-5);
      assertClose(values((m as any).weight), s.weight.data, `weight after step ${i + 1}`);
    });
    m.train(true);
    if (c.form === "hook") U.removeSpectralNorm(m);
    else U.parametrize.removeParametrizations(m, "weight");
    checkState(m, c.afterRemove, "after removal");
  });
}

test("parametrizations.spectralNorm of a vector normalizes it (no buffers)", () => {
  const m = new nn.Linear(3, 4);
  load(m, Object.fromEntries(Object.entries(fx.spectralVector.stateDict as Record<string, any>).map(([k, v]) => [k.replace("parametrizations.bias.original", "bias"), v])));
  U.parametrizations.spectralNorm(m, "bias");
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(fx.spectralVector.stateDict));
  assertClose(values((m as any).bias), fx.spectralVector.bias.data, "bias / ‖bias‖");
});

test("spectralNorm: a fresh registration estimates σ (random u, v), the attribute is the raw weight until a forward, and errors", () => {
  torch.manualSeed(3);
  const m = new nn.Linear(6, 5);
  const raw = values(m.weight);
  U.spectralNorm(m, "weight", 1);
  assert.deepEqual(values((m as any).weight), raw, "the unnormalized weight until the first forward, as PyTorch");
  const u = (m as any).weight_u as torch.Tensor, v = (m as any).weight_v as torch.Tensor;
  assertClose([u.norm().item(), v.norm().item()], [1, 1], "unit vectors");
  for (let i = 0; i < 60; i++) m.forward(torch.ones([1, 6]));
  // after enough power iterations σ is the largest singular value: the normalized weight's is 1
  const sv = torch.linalg.svdvals((m as any).weight as torch.Tensor);
  assertClose([sv.max().item()], [1], "largest singular value", 1e-3, 1e-4);
  assert.throws(() => U.spectralNorm(m), { message: "Cannot register two spectral_norm hooks on the same parameter weight" });
  assert.throws(() => U.spectralNorm(new nn.Linear(2, 2), "weight", 0), { message: "Expected n_power_iterations to be positive, but got n_power_iterations=0" });
  assert.throws(() => U.removeSpectralNorm(new nn.Linear(2, 2)), { message: /^spectral_norm of 'weight' not found in Linear/ });
  assert.throws(() => U.spectralNorm(new nn.Linear(2, 2, { bias: false }), "bias"), { message: "`SpectralNorm` cannot be applied as parameter `bias` is None" });
  // the parametrization: eval mode leaves u and v alone, training moves them
  const p = U.parametrizations.spectralNorm(new nn.Linear(4, 3));
  const buffers = () => p.buffers().map(values).flat();
  p.eval();
  const before = buffers();
  p.forward(torch.ones([1, 4]));
  assert.deepEqual(buffers(), before);
  assert.throws(() => U.parametrizations.spectralNorm(new nn.Linear(4, 3), "weight", 1, 1e-12, 2), { message: /^Dimension out of range \(expected to be in range of \[-2, 1\] but got 2\)/ });
});
