/**
 * Rprop and ASGD against PyTorch (fixtures: optimizers3.json from
 * scripts/gen_optim3_fixtures.py): parameters and per-parameter state over
 * ten steps of the shared objective, with and without a second param group;
 * defaults, state keys, option errors, and stateDict round trips. PyTorch
 * 1.13's single-tensor updates are 2.x's CPU algorithms (see the script).
 * Rprop in float64 against probe_nn.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, optimObjective, readFixture, values } from "./nn-helpers.js";
import { assertMatches, tensorOf } from "./nn-extra-cases.js";
import { PROBE } from "./probe-nn-fixtures.js";

const { optim } = torch;
type Kind = "Rprop" | "ASGD";
type AnyOptimizer = torch.optim.Optimizer<any>;
type OptimizerClass = new (params: any, options?: any) => AnyOptimizer;
type StateJson = Record<string, number | number[]>;

interface Case {
  optimizer: Kind;
  options: Record<string, unknown>;
  groups: boolean;
  group2: Record<string, unknown> | null;
  trajectory: { p: number[]; q: number[]; stateP: StateJson; stateQ: StateJson }[];
}

interface Fixture {
  steps: number;
  p0: number[];
  q0: number[];
  a: number[];
  cases: Case[];
  defaults: Record<string, Record<string, unknown>>;
  stateKeys: Record<string, string[]>;
  errors: { optimizer: string; options: Record<string, unknown>; message: string }[];
  lbfgsGroupsError: string;
}

const fx = readFixture<Fixture>("optimizers3.json");
const objective = optimObjective(torch.tensor(fx.a).reshape([3, 2]));
const cls = (kind: string): OptimizerClass => optim[kind as keyof typeof optim] as unknown as OptimizerClass;

function start(): { p: torch.Tensor; q: torch.Tensor } {
  return { p: torch.tensor(fx.p0).reshape([3, 2]).requiresGrad_(), q: torch.tensor(fx.q0).requiresGrad_() };
}

/** The state entries of `got` against PyTorch's (tensors flattened, 0-d tensors as numbers). */
function checkState(got: torch.optim.ParamState, want: StateJson, what: string): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), what);
  for (const [k, w] of Object.entries(want)) {
    const g = got[k];
    if (Array.isArray(w)) assertClose(values(g as torch.Tensor), w, `${what} ${k}`, 1e-4, 1e-6);
    else {
      // (step, eta and mu: a 0-d tensor, as PyTorch 2.x keeps them; 1.13's fixture has step as a number)
      assert.ok(g instanceof torch.Tensor && g.dim() === 0, `${what} ${k}: a 0-d tensor`);
      assertClose([g.item()], [w], `${what} ${k}`, 1e-6, 1e-9);
    }
  }
}

test("the fixtures cover both optimizers, with maximize, weight decay and averaging (t0 reached)", () => {
  for (const kind of ["Rprop", "ASGD"]) assert.ok(fx.cases.filter((c) => c.optimizer === kind).length >= 6, kind);
  assert.ok(fx.cases.some((c) => c.optimizer === "ASGD" && c.trajectory.at(-1)!.stateP.mu !== 1));
});

for (const c of fx.cases) {
  test(`${c.optimizer} ${JSON.stringify(c.options)}${c.groups ? " with two param groups" : ""} matches PyTorch over ${fx.steps} steps, state included`, () => {
    const { p, q } = start();
    const Cls = cls(c.optimizer);
    const opt = c.groups ? new Cls([{ params: [p] }, { params: [q], ...c.group2 }], c.options) : new Cls([p, q], c.options);
    const sign = c.options.maximize === true ? -1 : 1;
    c.trajectory.forEach((want, i) => {
      opt.zeroGrad();
      objective(p, q).mul(sign).backward();
      opt.step();
      assertClose(values(p), want.p, `p after step ${i + 1}`, 1e-4, 1e-5);
      assertClose(values(q), want.q, `q after step ${i + 1}`, 1e-4, 1e-5);
      checkState(opt.state.get(p)!, want.stateP, `p's state after step ${i + 1}`);
      checkState(opt.state.get(q)!, want.stateQ, `q's state after step ${i + 1}`);
    });
    assert.ok(p.isLeaf && p.gradFn === null, "rule 7");
  });
}

test("defaults and state keys are PyTorch's", () => {
  for (const kind of ["Rprop", "ASGD"]) {
    const x = torch.ones([2]).requiresGrad_();
    const opt = new (cls(kind))([x]);
    assert.deepEqual(opt.defaults, fx.defaults[kind], kind);
    x.sum().backward();
    opt.step();
    assert.deepEqual(Object.keys(opt.state.get(x)!).sort(), fx.stateKeys[kind], kind);
  }
});

test("bad options throw PyTorch's message, naming the optimizer", () => {
  assert.ok(fx.errors.length >= 6);
  for (const e of fx.errors) {
    assert.throws(() => new (cls(e.optimizer))([torch.ones([1]).requiresGrad_()], e.options), { message: `${e.message} (${e.optimizer})` }, JSON.stringify(e));
  }
});

for (const [kind, options] of [["Rprop", { lr: 0.05, etas: [0.3, 1.5] }], ["ASGD", { lr: 0.05, t0: 2, lambd: 0.01 }]] as const) {
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
        opt.zeroGrad();
        objective(p, q).backward();
        opt.step();
      }
      return [...values(p), ...values(q), ...values(opt.state.get(p)![kind === "ASGD" ? "ax" : "step_size"] as torch.Tensor)];
    };
    assert.deepEqual(go(4), go(null));
  });
}

test("Rprop: a step size grows by etaplus while the sign holds, shrinks by etaminus and skips the move when it flips, within stepSizes", () => {
  // f(x) = x² from x = 1 with lr 0.4: steps 0.4, 0.48 (same sign), then the gradient flips
  const x = torch.tensor([1.0, -1.0]).requiresGrad_();
  const opt = new optim.Rprop([x], { lr: 0.4, etas: [0.5, 1.2], stepSizes: [0.1, 0.45] });
  const run = () => {
    opt.zeroGrad();
    x.pow(2).sum().backward();
    opt.step();
    return [values(x), values(opt.state.get(x)!.step_size as torch.Tensor)];
  };
  assertClose(run().flat(), [0.6, -0.6, 0.4, 0.4], "step 1");
  // 0.4·1.2 = 0.48 is clamped to the max 0.45
  assertClose(run().flat(), [0.15, -0.15, 0.45, 0.45], "step 2");
  // still the same sign: 0.45·1.2 clamped again; overshoots to -0.3
  assertClose(run().flat(), [-0.3, 0.3, 0.45, 0.45], "step 3");
  // the sign flipped: the step size halves, the element does not move and its gradient is forgotten
  assertClose(run().flat(), [-0.3, 0.3, 0.225, 0.225], "step 4");
  assert.deepEqual(values(opt.state.get(x)!.prev as torch.Tensor), [0, 0]);
});

test("ASGD averages the iterates from step t0 + 2 on (ax is their running mean)", () => {
  // lambd 0 and alpha 0: plain SGD with a constant lr, so ax must be the mean of the iterates since t0
  const x = torch.tensor([4.0]).requiresGrad_();
  const opt = new optim.ASGD([x], { lr: 0.1, lambd: 0, alpha: 0, t0: 2 });
  const iterates: number[] = [];
  for (let i = 1; i <= 7; i++) {
    opt.zeroGrad();
    x.pow(2).sum().backward();
    opt.step();
    iterates.push(x.item());
    const ax = (opt.state.get(x)!.ax as torch.Tensor).item();
    // a step uses the mu computed after the one before, 1 / max(1, step − 1 − t0): steps 1..4 copy the
    // iterate, step 5 on average iterates 4..i
    const since = iterates.slice(Math.min(3, i - 1));
    assertClose([ax], [since.reduce((a, b) => a + b, 0) / since.length], `ax after step ${i}`, 1e-5, 1e-6);
  }
});

test("Rprop keeps a float64 parameter's step sizes in float64: the etas are not rounded to float32 (probe_nn.json trajectories)", () => {
  for (const c of PROBE.rprop) {
    const a = tensorOf(c.a);
    const p = tensorOf(c.p0).clone().requiresGrad_(true);
    const opt = new optim.Rprop([p], { lr: c.options.lr, etas: c.options.etas, stepSizes: c.options.step_sizes, maximize: c.options.maximize ?? false });
    const f64 = c.a.dtype === "float64";
    c.trajectory.forEach((want, i) => {
      opt.zeroGrad();
      // the fixture's objective: sum((p @ a - 1)²) + sum(sin(3p))
      p.matmul(a).sub(1).square().sum().add(p.mul(3).sin().sum()).backward();
      opt.step();
      const state = opt.state.get(p)!;
      assertMatches(values(p.detach()), want.p.data, `step ${i + 1} p`, f64);
      assertMatches(values(state.prev as torch.Tensor), want.prev.data, `step ${i + 1} prev`, f64);
      assertMatches(values(state.step_size as torch.Tensor), want.step_size.data, `step ${i + 1} step_size`, f64);
      assert.equal((state.step_size as torch.Tensor).dtype, c.a.dtype);
    });
  }
});
