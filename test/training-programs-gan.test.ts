/**
 * Whole programs against PyTorch where the grad mode is the story (fixtures:
 * scripts/gen_training_programs.py -> test/fixtures/programs/{gan,wgan_gp}.json):
 * a GAN with two optimizers, `detach`, `requiresGrad_(false)` on the
 * discriminator during the generator's step and noGrad sampling in eval mode;
 * and a WGAN-GP critic whose gradient penalty goes through
 * `autograd.grad(..., { createGraph: true })` (double backward in a real program).
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)).
 * Each runs in float32 and, cast from the same weights and data, in float64 (tolerance 1e-8).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import {
  castTo, checkGrads, checkSeries, checkState, checkTensor, fromJson, inPrecision, loadInit, PRECISIONS, readProgram, readResults, type StateJson, type TensorJson, tolFor,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;

// ------------------------------------------------------------ 5. GAN
interface GanFixture {
  init: { G: StateJson; D: StateJson };
  real: TensorJson;
  z: TensorJson;
  zEval: TensorJson;
  lossD: number[];
  lossG: number[];
  samples: TensorJson[];
  final: { G: StateJson; D: StateJson };
  grads: { G: StateJson; D: StateJson };
}

for (const dtype of PRECISIONS) test(`GAN: two Adam optimizers, detach for D's step, D.requiresGrad_(false) for G's step, noGrad eval samples, as in PyTorch (${dtype})`, () => {
  const inputs = readProgram<GanFixture>("gan"), fx = readResults<GanFixture>("gan", dtype), tol = tolFor(dtype);
  const G = loadInit(new nn.Sequential(new nn.Linear(4, 16), new nn.LeakyReLU(0.2), new nn.Linear(16, 2)), inputs.init.G, dtype);
  const D = loadInit(new nn.Sequential(new nn.Linear(2, 16), new nn.LeakyReLU(0.2), new nn.Linear(16, 1)), inputs.init.D, dtype);
  const [real, z, zEval] = [inputs.real, inputs.z, inputs.zEval].map((t) => castTo(fromJson(t), dtype)) as [torch.Tensor, torch.Tensor, torch.Tensor];
  inPrecision(dtype, () => {
    const optG = new optim.Adam(G.parameters(), { lr: 2e-3, betas: [0.5, 0.999] });
    const optD = new optim.Adam(D.parameters(), { lr: 2e-3, betas: [0.5, 0.999] });
    const bce = new nn.BCEWithLogitsLoss();
    const B = real.shape[1]!;
    const ones = torch.ones([B, 1]), zeros = torch.zeros([B, 1]);
    const lossD: number[] = [], lossG: number[] = [];
    for (let step = 0; step < fx.lossD.length; step++) {
      const fake = G.forward(z.select(0, step)) as torch.Tensor;
      const ld = bce.forward(D.forward(real.select(0, step)) as torch.Tensor, ones)
        .add(bce.forward(D.forward(fake.detach()) as torch.Tensor, zeros));
      const gBefore = G.parameters().map((p) => p.grad?.toArray() ?? null);
      optD.zeroGrad();
      ld.backward();
      // detach kept G out of D's backward: G's gradients (none at first, then the last G step's) are untouched
      assert.deepEqual(G.parameters().map((p) => p.grad?.toArray() ?? null), gBefore, "G's gradients after D's backward");
      if (step === 0) assert.ok(gBefore.every((g) => g === null));
      optD.step();
      const dGrads = D.parameters().map((p) => p.grad!.clone());
      D.requiresGrad_(false);
      const lg = bce.forward(D.forward(fake) as torch.Tensor, ones);
      assert.ok(lg.requiresGrad, "G's loss still records through a frozen D");
      optG.zeroGrad();
      lg.backward();
      optG.step();
      D.requiresGrad_(true);
      // G's backward went through D without touching D's gradients
      D.parameters().forEach((p, i) => assert.deepEqual(p.grad!.toArray(), dGrads[i]!.toArray(), "D's gradients unchanged by G's step"));
      G.eval();
      const samples = torch.noGrad(() => G.forward(zEval) as torch.Tensor);
      G.train();
      assert.equal(samples.gradFn, null);
      checkTensor(samples, fx.samples[step]!, `samples after step ${step}`, tol);
      lossD.push(ld.item());
      lossG.push(lg.item());
    }
    checkSeries(lossD, fx.lossD, "D loss", tol);
    checkSeries(lossG, fx.lossG, "G loss", tol);
    checkState(G, fx.final.G, "final G", tol);
    checkState(D, fx.final.D, "final D", tol);
    checkGrads(G, fx.grads.G, "G's last gradients", tol);
    checkGrads(D, fx.grads.D, "D's last gradients (from D's step)", tol);
    assert.ok(G.parameters().every((p) => p.isLeaf) && D.parameters().every((p) => p.isLeaf && p.requiresGrad));
  });
});

// ------------------------------------------------------------ 6. WGAN-GP
interface WganFixture {
  init: { C: StateJson; G: StateJson };
  real: TensorJson;
  z: TensorJson;
  alpha: TensorJson;
  lambda: number;
  lossC: number[];
  gp: number[];
  lossG: number[];
  xhatGrad: TensorJson;
  final: { C: StateJson; G: StateJson };
  grads: { C: StateJson; G: StateJson };
}

for (const dtype of PRECISIONS) test(`WGAN-GP: a gradient penalty through autograd.grad(createGraph) trains the critic (double backward) as in PyTorch (${dtype})`, () => {
  const inputs = readProgram<WganFixture>("wgan_gp"), fx = readResults<WganFixture>("wgan_gp", dtype), tol = tolFor(dtype);
  const C = loadInit(new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 1)), inputs.init.C, dtype);
  const G = loadInit(new nn.Sequential(new nn.Linear(3, 16), new nn.ReLU(), new nn.Linear(16, 2)), inputs.init.G, dtype);
  const critic = (x: torch.Tensor) => C.forward(x) as torch.Tensor;
  const [real, z, alpha] = [inputs.real, inputs.z, inputs.alpha].map((t) => castTo(fromJson(t), dtype)) as [torch.Tensor, torch.Tensor, torch.Tensor];
  inPrecision(dtype, () => {
    const optC = new optim.Adam(C.parameters(), { lr: 1e-3, betas: [0.5, 0.9] });
    const optG = new optim.Adam(G.parameters(), { lr: 1e-3, betas: [0.5, 0.9] });
    const lossC: number[] = [], gps: number[] = [], lossG: number[] = [];
    let xhGrad: torch.Tensor | null = null;
    for (let step = 0; step < fx.lossC.length; step++) {
      const r = real.select(0, step), a = alpha.select(0, step);
      const fake = (G.forward(z.select(0, step)) as torch.Tensor).detach();
      const xh = a.mul(r).add(a.neg().add(1).mul(fake)).requiresGrad_(true);
      const [gx] = torch.autograd.grad(critic(xh).sum(), xh, { createGraph: true });
      assert.ok(gx!.requiresGrad && gx!.gradFn !== null, "createGraph gives a differentiable gradient");
      const gp = gx!.norm(2, 1).sub(1).pow(2).mean();
      const lc = critic(fake).mean().sub(critic(r).mean()).add(gp.mul(fx.lambda));
      optC.zeroGrad();
      lc.backward();
      optC.step();
      // the penalty's backward also reaches the interpolates, a leaf that requires grad, as in PyTorch
      xhGrad = xh.grad;
      lossC.push(lc.item());
      gps.push(gp.item());
      if (step % 2 === 1) {
        C.requiresGrad_(false);
        const lg = critic(G.forward(z.select(0, step)) as torch.Tensor).mean().neg();
        optG.zeroGrad();
        lg.backward();
        optG.step();
        C.requiresGrad_(true);
        lossG.push(lg.item());
      }
    }
    checkSeries(gps, fx.gp, "gradient penalty", tol);
    checkSeries(lossC, fx.lossC, "critic loss", tol);
    checkSeries(lossG, fx.lossG, "generator loss", tol);
    checkTensor(xhGrad!, fx.xhatGrad, "the interpolates' gradient from the last critic step", tol);
    checkState(C, fx.final.C, "final critic", tol);
    checkState(G, fx.final.G, "final generator", tol);
    checkGrads(C, fx.grads.C, "critic's last gradients (penalty included)", tol);
    checkGrads(G, fx.grads.G, "generator's last gradients", tol);
  });
});
