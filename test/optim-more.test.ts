/**
 * Adagrad, Adamax, NAdam, RAdam and Adadelta against PyTorch (fixtures:
 * optimizers2.json from scripts/gen_optim2_fixtures.py): parameters over ten
 * steps of the objective of optim-golden.test.ts, with and without a second
 * param group; their defaults, state keys and option errors. NAdam and RAdam
 * follow 2.x (their goldens come from the script's 2.x reference, checked
 * there against 1.13 where 1.13 has the options); the 2.x-only options also
 * get independent property checks here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, checkTrajectory, optimObjective, readFixture, values } from "./nn-helpers.js";

const { optim } = torch;
type Kind = "Adagrad" | "Adamax" | "NAdam" | "RAdam" | "Adadelta";
type AnyOptimizer = torch.optim.Optimizer<any>;
type OptimizerClass = new (params: any, options?: any) => AnyOptimizer;

interface Case {
  optimizer: Kind;
  options: Record<string, unknown>;
  groups: boolean;
  group2: Record<string, unknown> | null;
  source: string;
  trajectory: { p: number[]; q: number[] }[];
}

interface Fixture {
  steps: number;
  p0: number[];
  q0: number[];
  a: number[];
  cases: Case[];
  defaults: Record<Kind, Record<string, unknown>>;
  stateKeys: Record<Kind, string[]>;
  errors: { optimizer: string; options: Record<string, unknown>; message: string }[];
}

const fx = readFixture<Fixture>("optimizers2.json");
const A = torch.tensor(fx.a).reshape([3, 2]);
const KINDS: Kind[] = ["Adagrad", "Adamax", "NAdam", "RAdam", "Adadelta"];

function cls(kind: string): OptimizerClass {
  return optim[kind as keyof typeof optim] as unknown as OptimizerClass;
}

/** The objective of the fixture script (and of optim-golden.test.ts). */
const objective = optimObjective(A);

function start(): { p: torch.Tensor; q: torch.Tensor } {
  return { p: torch.tensor(fx.p0).reshape([3, 2]).requiresGrad_(), q: torch.tensor(fx.q0).requiresGrad_() };
}

/** `steps` steps minimizing `loss`; the parameters after each. */
function run(opt: AnyOptimizer, p: torch.Tensor, q: torch.Tensor, steps: number, loss = objective): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    loss(p, q).backward();
    opt.step();
    out.push([...values(p), ...values(q)]);
  }
  return out;
}

test("the fixtures cover every optimizer, with weight decay, maximize and the decoupled variants", () => {
  for (const kind of KINDS) {
    const mine = fx.cases.filter((c) => c.optimizer === kind);
    assert.ok(mine.length >= 6, kind);
    assert.ok(mine.some((c) => c.options.maximize === true) && mine.some((c) => c.options.weightDecay !== undefined), kind);
  }
  for (const kind of ["NAdam", "RAdam"]) {
    assert.ok(fx.cases.some((c) => c.optimizer === kind && c.options.decoupledWeightDecay === true && c.source === "2.x reference"), kind);
  }
});

for (const c of fx.cases) {
  test(`${c.optimizer} ${JSON.stringify(c.options)}${c.groups ? " with two param groups" : ""} matches PyTorch (${c.source}) over ${fx.steps} steps`, () => {
    const { p, q } = start();
    const Cls = cls(c.optimizer);
    const opt = c.groups ? new Cls([{ params: [p] }, { params: [q], ...c.group2 }], c.options) : new Cls([p, q], c.options);
    assert.equal(c.trajectory.length, fx.steps);
    checkTrajectory(opt, p, q, c.trajectory, objective);
  });
}

test("defaults and state keys are PyTorch's", () => {
  for (const kind of KINDS) {
    const x = torch.ones([2]).requiresGrad_();
    const opt = new (cls(kind))([x]);
    assert.deepEqual(opt.defaults, fx.defaults[kind], kind);
    x.sum().backward();
    opt.step();
    assert.deepEqual(Object.keys(opt.state.get(x)!).sort(), fx.stateKeys[kind], kind);
  }
});

test("bad options throw PyTorch's message, naming the optimizer and the value", () => {
  assert.ok(fx.errors.length >= 20);
  for (const e of fx.errors) {
    const x = torch.ones([1]).requiresGrad_();
    assert.throws(() => new (cls(e.optimizer))([x], e.options), { message: `${e.message} (${e.optimizer})` }, JSON.stringify(e));
  }
  // NaN is rejected too, as PyTorch's `not 0.0 <= lr`
  assert.throws(() => new optim.RAdam([torch.ones([1]).requiresGrad_()], { lr: NaN }), { message: "Invalid learning rate: NaN (RAdam)" });
});

test("Adagrad creates each parameter's state when its group is added, as PyTorch does", () => {
  const p = torch.ones([2]).requiresGrad_(), q = torch.ones([3]).requiresGrad_();
  const opt = new optim.Adagrad([p], { initialAccumulatorValue: 0.25 });
  // (a 0-d tensor, as PyTorch 2.x keeps it)
  assert.equal((opt.state.get(p)!.step as torch.Tensor).item(), 0);
  assert.deepEqual(values(opt.state.get(p)!.sum as torch.Tensor), [0.25, 0.25]);
  opt.addParamGroup({ params: [q], initialAccumulatorValue: 2 });
  assert.deepEqual(values(opt.state.get(q)!.sum as torch.Tensor), [2, 2, 2]);
  // a state dict before any step has the state, and it loads
  const saved = opt.stateDict();
  assert.deepEqual(Object.keys(saved.state).sort(), ["0", "1"]);
  const other = new optim.Adagrad([{ params: [p] }, { params: [q] }]);
  other.loadStateDict(saved);
  assert.deepEqual(values(other.state.get(q)!.sum as torch.Tensor), [2, 2, 2]);
});

const resumable: [Kind, Record<string, unknown>][] = [
  ["Adagrad", { lr: 0.1, lrDecay: 0.05, weightDecay: 0.1 }],
  ["Adamax", { lr: 0.05, weightDecay: 0.1 }],
  ["NAdam", { lr: 0.05, weightDecay: 0.1, decoupledWeightDecay: true }],
  ["RAdam", { lr: 0.05, weightDecay: 0.1 }],
  ["Adadelta", { lr: 0.5, weightDecay: 0.1 }],
];

for (const [kind, options] of resumable) {
  test(`${kind}: stateDict/loadStateDict resumes the exact trajectory`, () => {
    const go = (resumeAt: number | null): number[] => {
      const { p, q } = start();
      let opt = new (cls(kind))([p, q], options);
      for (let i = 0; i < 8; i++) {
        if (i === resumeAt) {
          const saved = opt.stateDict();
          assert.deepEqual(Object.keys(saved.state[0]!).sort(), fx.stateKeys[kind]);
          opt = new (cls(kind))([p, q], { lr: 123 });
          opt.loadStateDict(saved);
          assert.equal(opt.paramGroups[0]!.lr, options.lr);
        }
        run(opt, p, q, 1);
      }
      return values(p);
    };
    assert.deepEqual(go(4), go(null));
  });
}

for (const kind of KINDS) {
  test(`${kind} with maximize on -f takes the same steps as without on f`, () => {
    const a = start(), b = start();
    const lr = kind === "Adadelta" ? 1 : 0.05;
    const up = run(new (cls(kind))([a.p, a.q], { lr, maximize: true, weightDecay: 0.1 }), a.p, a.q, 6, (p, q) => objective(p, q).neg());
    const down = run(new (cls(kind))([b.p, b.q], { lr, weightDecay: 0.1 }), b.p, b.q, 6);
    up.forEach((row, i) => assertClose(row, down[i]!, `step ${i + 1}`, 1e-6, 1e-7));
    // and it did move
    assert.ok(Math.abs(up[5]![0]! - fx.p0[0]!) > 1e-3);
  });
}

for (const kind of ["NAdam", "RAdam"] as const) {
  test(`${kind} decoupledWeightDecay shrinks the parameter by (1 − lr·wd) per step and leaves the moments alone`, () => {
    // a loss with zero gradient: only the decay moves the parameter
    const flat = (p: torch.Tensor) => p.mul(0).sum();
    const p = torch.tensor([1, -2, 4]).requiresGrad_();
    const opt = new (cls(kind))([p], { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true });
    for (let i = 1; i <= 3; i++) {
      opt.zeroGrad();
      flat(p).backward();
      opt.step();
      assertClose(values(p), [1, -2, 4].map((v) => v * 0.95 ** i), `step ${i}`, 1e-6, 1e-7);
    }
    assert.deepEqual(values(opt.state.get(p)!.exp_avg as torch.Tensor), [0, 0, 0]);
    // coupled (L2) decay instead feeds the moments, so the parameter moves differently
    const r = torch.tensor([1, -2, 4]).requiresGrad_();
    const l2 = new (cls(kind))([r], { lr: 0.1, weightDecay: 0.5 });
    for (let i = 0; i < 3; i++) {
      l2.zeroGrad();
      flat(r).backward();
      l2.step();
    }
    assert.ok(Math.abs(values(r)[0]! - 0.95 ** 3) > 1e-3, `L2: ${values(r)[0]}`);
  });
}
