/**
 * LBFGS against PyTorch (fixtures: lbfgs.json from
 * scripts/gen_optim3_fixtures.py): float64 runs on the Rosenbrock function,
 * with and without the strong-Wolfe line search, small histories, the
 * tolerance and maxEval stops, and parameters split over two tensors. After
 * each `step(closure)`: the parameters, the returned loss, the counts of
 * function evaluations and iterations, and the state's keys.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, optimObjective, readFixture, values } from "./nn-helpers.js";

const { optim } = torch;

interface StepJson {
  x: number[][];
  loss: number;
  funcEvals: number;
  nIter: number;
  historyLength: number;
  t: number | null;
  keys: string[];
}

interface Case {
  x0: (number[] | number[][])[];
  options: Record<string, unknown>;
  steps: StepJson[];
}

const fx = readFixture<{ cases: Case[] }>("lbfgs.json");

/** The n-dimensional Rosenbrock function of a flat vector. */
function rosenbrock(x: torch.Tensor): torch.Tensor {
  const n = x.shape[0]!;
  const head = x.narrow(0, 0, n - 1), tail = x.narrow(0, 1, n - 1);
  return tail.sub(head.pow(2)).pow(2).mul(100).add(head.neg().add(1).pow(2)).sum();
}

/** The parameters of a case (float64) and the closure PyTorch's run used. */
function setup(c: Case): { xs: torch.Tensor[]; opt: torch.optim.LBFGS; closure: () => torch.Tensor } {
  const xs = c.x0.map((x) => torch.tensor(x as number[][], { dtype: "float64" }).requiresGrad_());
  const opt = new optim.LBFGS(xs, c.options);
  const closure = () => {
    opt.zeroGrad();
    const loss = rosenbrock(torch.cat(xs.map((x) => x.reshape([-1]))));
    loss.backward();
    return loss;
  };
  return { xs, opt, closure };
}

test("the fixtures cover both line-search settings, short histories, the stops and two parameter tensors", () => {
  const opts = fx.cases.map((c) => c.options);
  assert.ok(opts.some((o) => o.lineSearchFn === "strong_wolfe") && opts.some((o) => o.lineSearchFn === undefined));
  for (const key of ["historySize", "maxEval", "toleranceGrad", "toleranceChange"]) assert.ok(opts.some((o) => key in o), key);
  assert.ok(fx.cases.some((c) => c.x0.length === 2));
  // a history shorter than the iterations: pairs were dropped
  assert.ok(fx.cases.some((c) => c.options.historySize !== undefined && c.steps.at(-1)!.nIter > (c.options.historySize as number)));
});

for (const c of fx.cases) {
  test(`LBFGS ${JSON.stringify(c.options)} from ${JSON.stringify(c.x0)} matches PyTorch over ${c.steps.length} steps (float64)`, () => {
    const { xs, opt, closure } = setup(c);
    c.steps.forEach((want, i) => {
      const loss = opt.step(closure);
      const what = `step ${i + 1}`;
      xs.forEach((x, k) => assertClose(values(x), want.x[k]!, `${what} x${k}`, 1e-6, 1e-9));
      assertClose([loss.item()], [want.loss], `${what} loss`, 1e-6, 1e-10);
      const st = opt.state.get(xs[0]!)!;
      assert.equal(st.func_evals, want.funcEvals, `${what} func_evals`);
      assert.equal(st.n_iter, want.nIter, `${what} n_iter`);
      assert.equal(((st.old_dirs ?? []) as torch.Tensor[]).length, want.historyLength, `${what} history`);
      if (want.t !== null) assertClose([st.t as number], [want.t], `${what} t`, 1e-6, 1e-10);
      assert.deepEqual(Object.keys(st).sort(), want.keys, `${what} state keys`);
    });
    assert.ok(xs.every((x) => x.isLeaf && x.gradFn === null), "rule 7");
  });
}

test("LBFGS converges on the Rosenbrock function with the strong-Wolfe line search", () => {
  const { xs, opt, closure } = setup(fx.cases[0]!);
  for (let i = 0; i < 5; i++) opt.step(closure);
  assertClose(values(xs[0]!), [1, 1], "minimum", 0, 1e-4);
});

test("LBFGS in float32 on the shared objective: two parameters, the same path as in float64 to float32 precision", () => {
  const run = (dtype: "float32" | "float64"): number[] => {
    const A = torch.tensor([[1, 2], [0.5, 3], [1.5, 0.2]], { dtype });
    const objective = optimObjective(A);
    const p = torch.tensor([[0.5, -1], [1.5, 0.25], [-0.75, 2]], { dtype }).requiresGrad_();
    const q = torch.tensor([0.3, -0.6], { dtype }).requiresGrad_();
    const opt = new optim.LBFGS([p, q], { lineSearchFn: "strong_wolfe", maxIter: 8 });
    const closure = () => {
      opt.zeroGrad();
      const loss = objective(p, q);
      loss.backward();
      return loss;
    };
    opt.step(closure);
    return [...values(p), ...values(q)];
  };
  assertClose(run("float32"), run("float64"), "float32 vs float64", 1e-3, 1e-4);
});

test("stateDict/loadStateDict resumes LBFGS exactly (history, direction, counters)", () => {
  const c = fx.cases.find((k) => k.options.historySize === 3)!;
  const go = (resumeAt: number | null): number[] => {
    const xs = c.x0.map((x) => torch.tensor(x as number[], { dtype: "float64" }).requiresGrad_());
    let opt = new optim.LBFGS(xs, c.options);
    const closure = () => {
      opt.zeroGrad();
      const loss = rosenbrock(xs[0]!);
      loss.backward();
      return loss;
    };
    for (let i = 0; i < 5; i++) {
      if (i === resumeAt) {
        const saved = opt.stateDict();
        assert.deepEqual(Object.keys(saved.state[0]!).sort(), c.steps[i - 1]!.keys);
        assert.equal((saved.state[0]!.old_dirs as torch.Tensor[]).length, 3);
        // the saved lists are copies, not the optimizer's own (which it shifts and grows)
        assert.notEqual(saved.state[0]!.old_dirs, opt.state.get(xs[0]!)!.old_dirs);
        opt = new optim.LBFGS(xs, { lr: 123 });
        opt.loadStateDict(saved);
        assert.equal(opt.paramGroups[0]!.historySize, 3);
        assert.equal(opt.paramGroups[0]!.lineSearchFn, "strong_wolfe");
      }
      opt.step(closure);
    }
    return values(xs[0]!);
  };
  assert.deepEqual(go(2), go(null));
});

test("LBFGS errors: param groups, a negative lr (2.x), a missing closure, an unknown line search", () => {
  const x = () => torch.ones([1]).requiresGrad_();
  assert.throws(() => new optim.LBFGS([{ params: [x()] }, { params: [x()] }]), { message: /^LBFGS doesn't support per-parameter options \(parameter groups\)/ });
  assert.throws(() => new optim.LBFGS([x()], { lr: -1 }), { message: "Invalid learning rate: -1 (LBFGS)" });
  const opt = new optim.LBFGS([x()]);
  assert.throws(() => (opt.step as () => unknown)(), { message: /missing 1 required positional argument: 'closure'/ });
  const bad = new optim.LBFGS([x()], { lineSearchFn: "backtracking" as "strong_wolfe" });
  assert.throws(() => bad.step(() => bad.paramGroups[0]!.params[0]!.sum()), { message: /^only 'strong_wolfe' is supported/ });
});

test("LBFGS: the closure runs with grad enabled inside noGrad, and a parameter without a gradient counts as zeros", () => {
  const x = torch.tensor([2.0, -1.0]).requiresGrad_();
  const unused = torch.tensor([5.0]).requiresGrad_();
  const opt = new optim.LBFGS([x, unused], { maxIter: 3 });
  const seen: boolean[] = [];
  torch.noGrad(() => opt.step(() => {
    seen.push(torch.isGradEnabled());
    opt.zeroGrad();
    const loss = x.pow(2).sum();
    loss.backward();
    return loss;
  }));
  assert.ok(seen.length > 0 && seen.every(Boolean));
  assert.deepEqual(values(unused), [5]);
  assert.ok(Math.abs(values(x)[0]!) < 2);
});

test("LBFGS defaults are PyTorch's (maxEval = floor(maxIter · 5/4))", () => {
  const fixture = readFixture<{ defaults: Record<string, unknown>; stateKeys: Record<string, string[]> }>("optimizers3.json");
  const x = torch.ones([2]).requiresGrad_();
  const opt = new optim.LBFGS([x]);
  assert.deepEqual(opt.defaults, fixture.defaults.LBFGS);
  assert.equal(new optim.LBFGS([x], { maxIter: 7 }).defaults.maxEval, 8);
  opt.step(() => {
    opt.zeroGrad();
    const loss = x.mul(x).sum();
    loss.backward();
    return loss;
  });
  assert.deepEqual(Object.keys(opt.state.get(x)!).sort(), fixture.stateKeys.LBFGS);
});
