/**
 * LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR,
 * CosineAnnealingWarmRestarts, CyclicLR, SequentialLR, ChainedScheduler and
 * `step(epoch)` against PyTorch (fixtures: schedulers2.json from
 * scripts/gen_optim2_fixtures.py): every group's lr and momentum (or Adam's
 * beta1) after each step, on SGD and Adam, with one or two param groups;
 * argument errors; state dicts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, readFixture } from "./nn-helpers.js";

const { optim } = torch;
const S = optim.lrScheduler;
type Scheduler = torch.optim.lrScheduler.LRScheduler;
type AnyOptimizer = torch.optim.Optimizer<any>;

/** The functions a spec names as `{ fn: name }`: the same formulas as FNS in the fixture script. */
const FNS: Record<string, (x: number) => number> = {
  pow095: (e) => 0.95 ** e,
  warmup4: (e) => Math.min(1, (e + 1) / 4),
  inverse: (e) => 1 / (1 + 0.5 * e),
  times09: () => 0.9,
  every3: (e) => (e % 3 === 0 ? 1.1 : 0.95),
  shrink: (x) => 1 / (1 + 0.1 * x),
};

interface Spec {
  type: keyof typeof S;
  args?: unknown[];
  options?: Record<string, unknown>;
  schedulers?: Spec[];
  milestones?: number[];
}

interface Case {
  spec: Spec;
  optimizer: "SGD" | "Adam";
  twoGroups: boolean;
  /** What each step passes: null for `step()`, a number for `step(epoch)`. */
  epochs: (number | null)[];
  lrs: number[][];
  momenta: number[][];
  via?: string;
}

interface ErrorCase {
  spec: Spec;
  twoGroups: boolean;
  stepEpoch: number | null;
  message: string;
}

const fx = readFixture<{ cases: Case[]; errors: ErrorCase[] }>("schedulers2.json");

function resolve(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolve);
  if (typeof v === "object" && v !== null && "fn" in v) return FNS[(v as { fn: string }).fn];
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  return v;
}

function build(opt: AnyOptimizer, spec: Spec): Scheduler {
  if (spec.type === "SequentialLR") return new S.SequentialLR(opt, spec.schedulers!.map((s) => build(opt, s)), spec.milestones!);
  if (spec.type === "ChainedScheduler") return new S.ChainedScheduler(spec.schedulers!.map((s) => build(opt, s)));
  const Cls = S[spec.type] as unknown as new (...a: unknown[]) => Scheduler;
  return new Cls(opt, ...(resolve(spec.args ?? []) as unknown[]), resolve(spec.options ?? {}));
}

/** The fixture script's optimizers: lr 0.1 (and 0.05 for the second group when there are two). */
function makeOptimizer(kind: "SGD" | "Adam", twoGroups: boolean, Cls?: new (params: any, options: any) => AnyOptimizer): AnyOptimizer {
  const p = torch.zeros([2]).requiresGrad_(), q = torch.zeros([1]).requiresGrad_();
  const groups = twoGroups ? [{ params: [p] }, { params: [q], lr: 0.05 }] : [{ params: [p, q] }];
  if (Cls !== undefined) return new Cls(groups, { lr: 0.1 });
  return kind === "SGD" ? new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new optim.Adam(groups, { lr: 0.1 });
}

function momenta(opt: AnyOptimizer): number[] {
  return opt.paramGroups.map((g) => ("betas" in g ? (g.betas as number[])[0]! : g.momentum as number));
}

function describe(spec: Spec): string {
  if (spec.schedulers) return `${spec.type}([${spec.schedulers.map(describe).join(", ")}]${spec.milestones ? `, ${JSON.stringify(spec.milestones)}` : ""})`;
  return `${spec.type}(${[...(spec.args ?? []), spec.options ?? {}].map((a) => JSON.stringify(a)).join(", ")})`;
}

test("the fixtures cover every new scheduler, step(epoch), two groups and Adam's beta1", () => {
  const types = new Set(fx.cases.map((c) => c.spec.type));
  for (const t of ["LambdaLR", "MultiplicativeLR", "ConstantLR", "PolynomialLR", "CosineAnnealingWarmRestarts", "CyclicLR", "SequentialLR", "ChainedScheduler"]) {
    assert.ok(types.has(t as Spec["type"]), t);
  }
  assert.ok(fx.cases.some((c) => c.spec.type === "CosineAnnealingWarmRestarts" && c.epochs.some((e) => e !== null && !Number.isInteger(e))));
  assert.ok(fx.cases.some((c) => c.spec.type === "CyclicLR" && c.optimizer === "Adam" && c.momenta.some((m) => m[0] !== 0.9)));
  assert.ok(fx.cases.some((c) => c.twoGroups && c.spec.type === "LambdaLR"));
});

for (const c of fx.cases) {
  test(`${describe(c.spec)} on ${c.optimizer}${c.twoGroups ? " with two groups" : ""}${c.epochs.some((e) => e !== null) ? " with step(epoch)" : ""} matches PyTorch`, () => {
    const opt = makeOptimizer(c.optimizer, c.twoGroups);
    const s = build(opt, c.spec);
    const lrs = [s.getLastLr()], moms = [momenta(opt)];
    for (const e of c.epochs) {
      opt.step();
      if (e === null) s.step();
      else s.step(e);
      lrs.push(s.getLastLr());
      moms.push(momenta(opt));
      // the groups hold what getLastLr reports
      assert.deepEqual(opt.paramGroups.map((g) => g.lr), lrs[lrs.length - 1]);
    }
    assertClose(lrs.flat(), c.lrs.flat(), "lr", 1e-12, 1e-15);
    assertClose(moms.flat(), c.momenta.flat(), "momentum", 1e-12, 1e-15);
  });
}

test("argument errors are PyTorch's", () => {
  assert.ok(fx.errors.length >= 10);
  for (const e of fx.errors) {
    const opt = makeOptimizer("SGD", e.twoGroups);
    assert.throws(() => {
      const s = build(opt, e.spec);
      if (e.stepEpoch === null) s.step();
      else s.step(e.stepEpoch);
    }, { message: e.message }, JSON.stringify(e.spec));
  }
});

test("errors PyTorch 2.x raises where 1.13 differs or has no such check", () => {
  const sgd = makeOptimizer("SGD", false);
  const other = makeOptimizer("SGD", false);
  const adagrad = makeOptimizer("SGD", false, optim.Adagrad);
  assert.throws(() => new S.CyclicLR(adagrad, 0.01, 0.1), { message: "optimizer must support momentum or beta1 with `cycle_momentum` option enabled" });
  assert.doesNotThrow(() => new S.CyclicLR(adagrad, 0.01, 0.1, { cycleMomentum: false }));
  assert.throws(() => new S.CyclicLR(sgd, [0.01, 0.02], 0.1), {
    message: "base_lr must have the same length as optimizer.param_groups. base_lr has 2 values, param_groups has 1.",
  });
  assert.throws(() => new S.OneCycleLR(sgd, [0.1, 0.2], { totalSteps: 10 }), {
    message: "max_lr must have the same length as optimizer.param_groups. max_lr has 2 values, param_groups has 1.",
  });
  assert.throws(() => new S.SequentialLR(sgd, [], []), { message: "SequentialLR expects at least one scheduler, but got no scheduler." });
  assert.throws(() => new S.ChainedScheduler([]), { message: "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler." });
  const mine = new S.StepLR(sgd, 2), theirs = new S.ExponentialLR(other, 0.9);
  assert.throws(() => new S.SequentialLR(sgd, [mine, theirs], [3]), {
    message: "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler ExponentialLR at index 1 has SGD, which is different from SGD.",
  });
  assert.throws(() => new S.ChainedScheduler([mine, theirs]), /ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler ExponentialLR at index 1/);
  const plateau = new S.ReduceLROnPlateau(sgd) as unknown as Scheduler;
  assert.throws(() => new S.ChainedScheduler([mine, plateau]), /ChainedScheduler does not support `ReduceLROnPlateau` scheduler .* at index 1 in the given schedulers sequence\./);
});

test("CyclicLR records each group's momentum range and cycles any optimizer with betas", () => {
  const opt = makeOptimizer("SGD", false, optim.NAdam);
  const s = new S.CyclicLR(opt, 0.01, 0.1, { stepSizeUp: 2, baseMomentum: 0.6, maxMomentum: 0.9 });
  const g = opt.paramGroups[0] as unknown as Record<string, unknown>;
  assert.equal(g.maxMomentum, 0.9);
  assert.equal(g.baseMomentum, 0.6);
  assert.deepEqual(g.betas, [0.9, 0.999]);
  s.step();
  assert.deepEqual(g.betas, [0.75, 0.999]);
  assert.ok(Math.abs(s.getLastLr()[0]! - 0.055) < 1e-15);
});

test("ChainedScheduler takes the optimizer explicitly too (PyTorch 2.x)", () => {
  const lrs = (explicit: boolean) => {
    const opt = makeOptimizer("SGD", false);
    const list = [new S.ConstantLR(opt, { factor: 0.5, totalIters: 2 }), new S.ExponentialLR(opt, 0.9)];
    const s = explicit ? new S.ChainedScheduler(list, opt) : new S.ChainedScheduler(list);
    return Array.from({ length: 5 }, () => (s.step(), s.getLastLr()[0]!));
  };
  assert.deepEqual(lrs(true), lrs(false));
});

/** Steps `make()`'s scheduler `first` times, copies its state into a fresh one, and checks both go on alike. */
function checkResume(make: () => { opt: AnyOptimizer; s: Scheduler }, first: number): void {
  const a = make();
  for (let i = 0; i < first; i++) a.s.step();
  const saved = a.s.stateDict();
  assert.doesNotThrow(() => structuredClone(saved), "a state dict is plain data");
  const b = make();
  b.opt.loadStateDict(a.opt.stateDict());
  b.s.loadStateDict(saved);
  const next = (x: ReturnType<typeof make>) => Array.from({ length: 12 }, () => (x.s.step(), [...x.s.getLastLr(), ...momenta(x.opt)]));
  assert.deepEqual(next(b), next(a));
}

test("state dicts resume each new scheduler, without the lambdas and with the nested schedulers' states", () => {
  const lambda = () => {
    const opt = makeOptimizer("SGD", true);
    return { opt, s: new S.LambdaLR(opt, [FNS.warmup4!, FNS.pow095!]) };
  };
  assert.ok(!("lrLambdas" in lambda().s.stateDict()));
  checkResume(lambda, 3);
  checkResume(() => {
    const opt = makeOptimizer("SGD", false);
    return { opt, s: new S.MultiplicativeLR(opt, FNS.every3!) };
  }, 4);
  checkResume(() => {
    const opt = makeOptimizer("SGD", false);
    return { opt, s: new S.CosineAnnealingWarmRestarts(opt, 3, { TMult: 2 }) };
  }, 5);
  checkResume(() => {
    const opt = makeOptimizer("Adam", false);
    return { opt, s: new S.CyclicLR(opt, 0.01, 0.1, { stepSizeUp: 3, mode: "triangular2" }) };
  }, 7);
  const sequential = () => {
    const opt = makeOptimizer("SGD", false);
    const parts = [new S.LinearLR(opt, { startFactor: 0.2, totalIters: 3 }), new S.PolynomialLR(opt, { totalIters: 8, power: 2 })];
    return { opt, s: new S.SequentialLR(opt, parts, [3]) };
  };
  const sd = sequential().s.stateDict();
  assert.equal((sd.schedulers as Record<string, unknown>[]).length, 2);
  assert.equal((sd.schedulers as Record<string, unknown>[])[1]!.power, 2);
  checkResume(sequential, 2);
  checkResume(() => {
    const opt = makeOptimizer("SGD", false);
    return { opt, s: new S.ChainedScheduler([new S.ConstantLR(opt, { totalIters: 3 }), new S.MultiplicativeLR(opt, FNS.times09!)]) };
  }, 2);
});

test("CosineAnnealingWarmRestarts: step(epoch) with fractional epochs per batch, interleaved with step()", () => {
  const opt = makeOptimizer("SGD", false);
  const s = new S.CosineAnnealingWarmRestarts(opt, 2, { etaMin: 0 });
  s.step(0.5);
  assert.ok(Math.abs(s.getLastLr()[0]! - 0.05 * (1 + Math.cos(Math.PI / 4))) < 1e-15);
  assert.equal(s.lastEpoch, 0);
  s.step(2.5); // restarted at 2: half an epoch into the second period
  assert.equal(s.TCur, 0.5);
  s.step(); // one more epoch from there
  assert.equal(s.TCur, 1.5);
  assert.equal(s.lastEpoch, 3);
});

test("OneCycleLR takes momenta per param group and checks its options as PyTorch", () => {
  const a = torch.zeros([1], { requiresGrad: true }), b = torch.zeros([1], { requiresGrad: true });
  const opt = new torch.optim.SGD([{ params: [a] }, { params: [b] }], { lr: 0.1, momentum: 0.9 });
  const sched = new torch.optim.lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 10, baseMomentum: [0.8, 0.7], maxMomentum: [0.9, 0.95] });
  assert.deepEqual(opt.paramGroups.map((g) => g.momentum), [0.9, 0.95]);
  opt.step();
  sched.step();
  // PyTorch 1.13 / 2.x: [0.85, 0.825]
  opt.paramGroups.forEach((g, i) => assert.ok(Math.abs(g.momentum - [0.85, 0.825][i]!) < 1e-12));
  assert.throws(() => new torch.optim.lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 10, annealStrategy: "cosine" as "cos" }), /anneal_strategy must by one of 'cos' or 'linear', instead got cosine/);
  assert.throws(() => new torch.optim.lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 10.5 }), /Expected positive integer total_steps, but got 10.5/);
  assert.throws(() => new torch.optim.lrScheduler.OneCycleLR(opt, 0.1, { epochs: 0, stepsPerEpoch: 3 }), /Expected positive integer epochs, but got 0/);
});
