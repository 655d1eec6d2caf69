/**
 * Optimizers and lr schedulers against PyTorch (fixtures: scripts/gen_nn_fixtures.py):
 * parameters over five steps of a fixed quadratic-plus-quartic loss, with
 * and without a second parameter group; learning rates over twenty epochs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, checkTrajectory, type OptCase, type OptimizerFixture, optimObjective, readFixture, values } from "./nn-helpers.js";

const { optim } = torch;
const S = optim.lrScheduler;

const fx = readFixture<OptimizerFixture>("optimizers.json");
const A = torch.tensor(fx.a).reshape([3, 2]);

/** The same objective as the fixture script. */
const objective = optimObjective(A);

function makeOptimizer(c: OptCase, p: torch.Tensor, q: torch.Tensor): torch.optim.Optimizer<any> {
  const Cls = optim[c.optimizer] as new (params: any, options: any) => torch.optim.Optimizer<any>;
  return c.groups ? new Cls([{ params: [p] }, { params: [q], ...c.group2 }], c.options) : new Cls([p, q], c.options);
}

for (const c of fx.cases) {
  test(`${c.optimizer} ${JSON.stringify(c.options)}${c.groups ? " with two param groups" : ""} matches PyTorch over five steps`, () => {
    const p = torch.tensor(fx.p0).reshape([3, 2]).requiresGrad_();
    const q = torch.tensor(fx.q0).requiresGrad_();
    checkTrajectory(makeOptimizer(c, p, q), p, q, c.trajectory, objective);
  });
}

test("optimizer stateDict/loadStateDict resumes the exact trajectory", () => {
  const run = (resumeAt: number | null) => {
    const p = torch.tensor(fx.p0).reshape([3, 2]).requiresGrad_();
    const q = torch.tensor(fx.q0).requiresGrad_();
    let opt = new optim.Adam([p, q], { lr: 0.1, amsgrad: true });
    for (let i = 0; i < 6; i++) {
      if (i === resumeAt) {
        const saved = opt.stateDict();
        assert.deepEqual(saved.paramGroups.map((g) => g.params), [[0, 1]]);
        assert.deepEqual(Object.keys(saved.state[0]!).sort(), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]);
        opt = new optim.Adam([p, q], { lr: 0.5 });
        opt.loadStateDict(saved);
        assert.equal(opt.paramGroups[0]!.lr, 0.1);
        assert.equal(opt.paramGroups[0]!.amsgrad, true);
      }
      opt.zeroGrad();
      objective(p, q).backward();
      opt.step();
    }
    return values(p);
  };
  assert.deepEqual(run(3), run(null));
});

test("zeroGrad sets grads to null by default and to zeros with setToNone: false", () => {
  const p = torch.ones([2]).requiresGrad_();
  const opt = new optim.SGD([p], { lr: 0.1 });
  p.sum().backward();
  opt.zeroGrad({ setToNone: false });
  assert.deepEqual(values(p.grad!), [0, 0]);
  opt.zeroGrad();
  assert.equal(p.grad, null);
  // a parameter without grad is skipped by step
  opt.step();
  assert.deepEqual(values(p), [1, 1]);
});

test("optimizers reject bad options and non-leaf parameters", () => {
  const p = torch.ones([2]).requiresGrad_();
  assert.throws(() => new optim.SGD([p], { lr: -1 }), /Invalid learning rate: -1/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new optim.Adam([p], { betas: [1, 0.9] }), /Invalid beta parameter at index 0/);
  assert.throws(() => new optim.SGD([p.mul(2)], { lr: 0.1 }), /can't optimize a non-leaf Tensor/);
  assert.throws(() => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /more than one parameter group/);
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /empty parameter list/);
});

interface SchedCase {
  scheduler: keyof typeof S;
  optimizer: "SGD" | "Adam";
  args: unknown[];
  options: Record<string, unknown>;
  lrs: number[];
  momenta: number[];
}

const sched = readFixture<{ cases: SchedCase[] }>("schedulers.json");

for (const c of sched.cases) {
  test(`${c.scheduler}(${JSON.stringify(c.args)}, ${JSON.stringify(c.options)}) on ${c.optimizer} matches PyTorch over twenty epochs`, () => {
    const p = torch.zeros([2]).requiresGrad_();
    const opt = c.optimizer === "SGD" ? new optim.SGD([p], { lr: 0.1, momentum: 0.9 }) : new optim.Adam([p], { lr: 0.1 });
    const Cls = S[c.scheduler] as unknown as new (...a: unknown[]) => torch.optim.lrScheduler.LRScheduler;
    const s = new Cls(opt, ...c.args, c.options);
    const lrs = [s.getLastLr()[0]!];
    const momenta: number[] = [];
    for (let i = 0; i < 20; i++) {
      opt.step();
      s.step();
      lrs.push(s.getLastLr()[0]!);
      const g = opt.paramGroups[0] as unknown as Record<string, unknown>;
      momenta.push(c.optimizer === "SGD" ? (g.momentum as number) : (g.betas as number[])[0]!);
    }
    assertClose(lrs, c.lrs, "lr", 1e-9, 1e-12);
    assertClose(momenta, c.momenta, "momentum", 1e-9, 1e-12);
  });
}

test("a scheduler's stateDict resumes the schedule", () => {
  const make = () => {
    const opt = new optim.SGD([torch.zeros([1]).requiresGrad_()], { lr: 0.1, momentum: 0.9 });
    return { opt, s: new S.OneCycleLR(opt, 0.5, { totalSteps: 12 }) };
  };
  const a = make();
  for (let i = 0; i < 5; i++) a.s.step();
  const b = make();
  b.s.loadStateDict(a.s.stateDict());
  b.opt.loadStateDict(a.opt.stateDict());
  const lrs = (x: ReturnType<typeof make>) => Array.from({ length: 6 }, () => (x.s.step(), x.s.getLastLr()[0]));
  assert.deepEqual(lrs(b), lrs(a));
  assert.equal(b.s.lastEpoch, 11);
});

test("param groups as PyTorch: a group may turn momentum off under Nesterov defaults, a lone tensor is a group, ReduceLROnPlateau reduces groups added later", () => {
  // PyTorch 1.13 / 2.x: a -> 1 - 0.1 * 1 * (1 + 0.9) = 0.81 (Nesterov), b -> 2 - 0.1 * 1 = 1.9 (plain step)
  const a = torch.tensor([1], { requiresGrad: true }), b = torch.tensor([2], { requiresGrad: true });
  const opt = new optim.SGD([{ params: [a] }, { params: [b], momentum: 0 }], { lr: 0.1, momentum: 0.9, nesterov: true });
  a.add(b).sum().backward();
  opt.step();
  assertClose([a.item(), b.item()], [0.81, 1.9], "SGD per-group momentum");
  const c = torch.tensor([3], { requiresGrad: true });
  opt.addParamGroup({ params: c, lr: 0.5 });
  assert.equal(opt.paramGroups[2]!.params[0], c);
  // PyTorch 2.x: the group added after the scheduler is reduced too (0.5 -> 0.05 -> 0.005)
  const plateau = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
  opt.addParamGroup({ params: [torch.tensor([4], { requiresGrad: true })], lr: 0.5 });
  for (const metric of [1, 2, 3]) plateau.step(metric);
  assertClose([opt.paramGroups[3]!.lr], [0.005], "the added group's lr");
});
