/**
 * Every LR scheduler against PyTorch on SGD with momentum and two param
 * groups: getLastLr() after construction and after each step, the groups'
 * momentum (cycled by CyclicLR and OneCycleLR), and the run resumed from the
 * optimizer's and scheduler's state dicts on fresh objects. Fixtures:
 * scripts/gen_faithful_4_sched_fixtures.py (PyTorch 1.13; the formulas are
 * 2.x's too). For ReduceLROnPlateau the fixture holds the groups' lrs, which
 * is what 2.x's get_last_lr returns (1.13 has none).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const S = torch.optim.lrScheduler;
interface Case { lrs: number[][]; momenta: number[][]; resumed: number[][] }
const FX = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "faithful-4", "schedulers.json"), "utf8")) as {
  metrics: number[]; steps: number; resumeAt: number; cases: Record<string, Case>;
};

type Optimizer = torch.optim.SGD;
interface Stepper { step(metric?: number): void; getLastLr(): number[]; stateDict(): any; loadStateDict(sd: any): void }
const SPECS: Record<string, (o: Optimizer) => Stepper> = {
  StepLR: (o) => new S.StepLR(o, 3, { gamma: 0.5 }),
  MultiStepLR: (o) => new S.MultiStepLR(o, [2, 5, 5, 9], { gamma: 0.3 }),
  ExponentialLR: (o) => new S.ExponentialLR(o, 0.8),
  CosineAnnealingLR: (o) => new S.CosineAnnealingLR(o, 5, { etaMin: 0.01 }),
  CosineAnnealingWarmRestarts: (o) => new S.CosineAnnealingWarmRestarts(o, 3, { TMult: 2, etaMin: 0.005 }),
  CyclicLR: (o) => new S.CyclicLR(o, [0.01, 0.02], [0.1, 0.2], { stepSizeUp: 2, stepSizeDown: 3, mode: "exp_range", gamma: 0.9 }),
  CyclicLRTriangular2: (o) => new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, mode: "triangular2", baseMomentum: 0.7, maxMomentum: 0.95 }),
  OneCycleLR: (o) => new S.OneCycleLR(o, [0.5, 0.25], { totalSteps: 14, pctStart: 0.3, annealStrategy: "linear", threePhase: true }),
  OneCycleLRCos: (o) => new S.OneCycleLR(o, 0.4, { epochs: 2, stepsPerEpoch: 7, divFactor: 10, finalDivFactor: 100 }),
  LambdaLR: (o) => new S.LambdaLR(o, [(e: number) => 0.9 ** e, (e: number) => 1 / (1 + e)]),
  MultiplicativeLR: (o) => new S.MultiplicativeLR(o, (e: number) => (e % 2 ? 0.9 : 0.95)),
  LinearLR: (o) => new S.LinearLR(o, { startFactor: 0.2, endFactor: 0.9, totalIters: 6 }),
  ConstantLR: (o) => new S.ConstantLR(o, { factor: 0.25, totalIters: 4 }),
  PolynomialLR: (o) => new S.PolynomialLR(o, { totalIters: 8, power: 2 }),
  SequentialLR: (o) => new S.SequentialLR(o, [new S.ConstantLR(o, { factor: 0.5, totalIters: 3 }), new S.ExponentialLR(o, 0.7)], [4]),
  ChainedScheduler: (o) => new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.5, totalIters: 3 }), new S.ExponentialLR(o, 0.9)]),
  ReduceLROnPlateau: (o) => new S.ReduceLROnPlateau(o, { factor: 0.5, patience: 1, threshold: 0.05, cooldown: 1, minLr: [0.02, 0.001] }),
  ReduceLROnPlateauMaxAbs: (o) => new S.ReduceLROnPlateau(o, { mode: "max", factor: 0.2, patience: 0, threshold: 0.02, thresholdMode: "abs" }),
};

function optimizer(): [Optimizer, Tensor[]] {
  const w = new torch.nn.Parameter(torch.ones([2])), b = new torch.nn.Parameter(torch.ones([1]));
  return [new torch.optim.SGD([{ params: [w] }, { params: [b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 }), [w, b]];
}

function advance(o: Optimizer, s: Stepper, ps: Tensor[], t: number, plateau: boolean): void {
  for (const p of ps) p.grad = torch.onesLike(p);
  o.step();
  if (plateau) s.step(FX.metrics[t]);
  else s.step();
}

const close = (got: number[], want: number[], what: string) =>
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-12 + 1e-9 * Math.abs(want[i]!), `${what}[${i}]: ${v} vs ${want[i]}`));

for (const [name, make] of Object.entries(SPECS)) {
  test(`${name}: getLastLr and momentum at every step, and resumed from state dicts`, () => {
    const c = FX.cases[name]!;
    const plateau = name.startsWith("ReduceLROnPlateau");
    let [o, ps] = optimizer();
    let s = make(o);
    close(s.getLastLr(), c.lrs[0]!, "after construction");
    close(o.paramGroups.map((g) => g.momentum), c.momenta[0]!, "momentum after construction");
    for (let t = 0; t < FX.steps; t++) {
      advance(o, s, ps, t, plateau);
      close(s.getLastLr(), c.lrs[t + 1]!, `step ${t + 1}`);
      close(o.paramGroups.map((g) => g.lr), c.lrs[t + 1]!, `groups' lr at step ${t + 1}`);
      close(o.paramGroups.map((g) => g.momentum), c.momenta[t + 1]!, `momentum at step ${t + 1}`);
    }
    [o, ps] = optimizer();
    s = make(o);
    for (let t = 0; t < FX.resumeAt; t++) advance(o, s, ps, t, plateau);
    const osd = o.stateDict(), ssd = s.stateDict();
    const [o2, ps2] = optimizer();
    const s2 = make(o2);
    o2.loadStateDict(osd);
    s2.loadStateDict(ssd);
    for (let t = FX.resumeAt; t < FX.steps; t++) {
      advance(o2, s2, ps2, t, plateau);
      close(s2.getLastLr(), c.resumed[t - FX.resumeAt]!, `resumed step ${t + 1}`);
    }
  });
}
