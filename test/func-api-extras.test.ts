/**
 * torch.autograd.gradgradcheck, Module.getSubmodule/getParameter/getBuffer
 * (PyTorch's messages, fixtures from PyTorch 1.13, unchanged in 2.x) and
 * torch.optim.swaUtils: AveragedModel (SWA, and EMA: 2.x's
 * get_ema_multi_avg_fn checked against the same average computed by 1.13's
 * avg_fn), SWALR and updateBn against scripts/gen_func_api_fixtures.py.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertTree, cases, dec } from "./func-api-fixtures.js";

const { nn, optim } = torch;
const S = optim.swaUtils;

describe("gradgradcheck", () => {
  test("passes for twice-differentiable functions, with random or given grad outputs", () => {
    torch.manualSeed(0);
    const x = torch.randn([3], { dtype: "float64", requiresGrad: true });
    const y = torch.randn([3], { dtype: "float64", requiresGrad: true });
    assert.equal(torch.autograd.gradgradcheck((x) => x.pow(3), [x]), true);
    assert.equal(torch.autograd.gradgradcheck((x, y) => [x.mul(y).sin(), x.exp().sum()], [x, y]), true);
    const go = torch.randn([3], { dtype: "float64", requiresGrad: true });
    assert.equal(torch.autograd.gradgradcheck((x) => x.tanh(), [x], go), true);
    assert.equal(torch.autograd.gradgradcheck((x) => nn.functional.softmax(x, 0), [x], null, { atol: 1e-6 }), true);
  });

  class BadDoubleBackward extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor) {
      ctx.saveForBackward(x);
      return x.pow(2);
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
      const [x] = ctx.savedTensors as [Tensor];
      // right first derivative, but detached from x: the second derivative is lost
      return g.mul(x.detach().mul(2));
    }
  }

  test("catches a wrong double backward that gradcheck passes", () => {
    const x = torch.tensor([0.5, -1.5], { dtype: "float64", requiresGrad: true });
    const f = (x: Tensor) => BadDoubleBackward.apply(x) as Tensor;
    assert.equal(torch.autograd.gradcheck(f, [x]), true);
    assert.throws(() => torch.autograd.gradgradcheck(f, [x]), /^Error: Jacobian mismatch for output 0 with respect to input 0/);
    assert.equal(torch.autograd.gradgradcheck(f, [x], null, { raiseException: false }), false);
  });
});

describe("Module.getSubmodule / getParameter / getBuffer", () => {
  const net = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
  const m = cases.module_messages as Record<string, string>;

  test("find members by dotted path", () => {
    assert.equal(net.getSubmodule(""), net);
    assert.ok(net.getSubmodule("0") instanceof nn.Linear);
    assert.equal(net.getParameter("0.weight"), (net.getSubmodule("0") as InstanceType<typeof nn.Linear>).weight);
    assert.deepEqual(net.getBuffer("1.running_var").tolist(), [1, 1, 1]);
    const lin = new nn.Linear(1, 1);
    assert.equal(lin.getParameter("bias"), lin.bias);
  });

  test("PyTorch's messages", () => {
    assert.throws(() => net.getSubmodule("0.nope"), { message: m.sub_missing });
    assert.throws(() => net.getSubmodule("0.weight"), { message: m.sub_not_module });
    assert.throws(() => net.getSubmodule("5"), { message: m.sub_top_missing });
    assert.throws(() => net.getParameter("1.nope"), { message: m.param_missing });
    assert.throws(() => net.getParameter("1.running_mean"), { message: m.param_not_param });
    assert.throws(() => net.getBuffer("0.nope"), { message: m.buffer_missing });
    assert.throws(() => net.getBuffer("0.weight"), { message: m.buffer_not_buffer });
  });
});

describe("swaUtils", () => {
  const linearWith = (w: Tensor, b: Tensor) => {
    const lin = new nn.Linear(3, 2).double();
    torch.noGrad(() => {
      lin.weight.copy_(w);
      lin.bias!.copy_(b);
    });
    return lin;
  };

  test("AveragedModel: SWA by default, EMA with getEmaMultiAvgFn or getEmaAvgFn", () => {
    const c = cases.averaged_model;
    const states = (c.states as any[]).map(([w, b]) => [dec(w), dec(b)] as [Tensor, Tensor]);
    const base = linearWith(...states[0]!);
    const swa = new S.AveragedModel(base);
    const ema = new S.AveragedModel(base, { multiAvgFn: S.getEmaMultiAvgFn(c.decay) });
    const ema1 = new S.AveragedModel(base, { avgFn: S.getEmaAvgFn(c.decay) });
    states.forEach(([w, b], i) => {
      const m = linearWith(w, b);
      for (const avg of [swa, ema, ema1]) avg.updateParameters(m);
      assertTree([swa.module.weight, swa.module.bias], c.swa[i], `swa step ${i}`, 1e-12);
      assertTree([ema.module.weight, ema.module.bias], c.ema[i], `ema step ${i}`, 1e-12);
      assertTree([ema1.module.weight, ema1.module.bias], c.ema[i], `ema (avgFn) step ${i}`, 1e-12);
    });
    assert.equal(swa.nAveraged.item(), c.n_averaged);
    assert.notEqual(swa.module.weight, base.weight);
    assert.deepEqual(swa.forward(torch.ones([1, 3], { dtype: "float64" })).shape, [1, 2]);
    assert.deepEqual(Object.keys(swa.stateDict()), ["n_averaged", "module.weight", "module.bias"]);
    assert.throws(() => new S.AveragedModel(base, { avgFn: S.getSwaAvgFn(), multiAvgFn: S.getSwaMultiAvgFn() }), { message: "Only one of avg_fn and multi_avg_fn should be provided" });
    assert.throws(() => S.getEmaMultiAvgFn(1.5), { message: "Invalid decay value 1.5 provided. Please provide a value in [0,1] range." });
  });

  test("AveragedModel copies buffers from the model, or averages them with useBuffers", () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    const avg = new S.AveragedModel(model);
    const avgBuf = new S.AveragedModel(model, { useBuffers: true });
    const rm = () => (model.getSubmodule("1") as InstanceType<typeof nn.BatchNorm1d>).runningMean!;
    torch.noGrad(() => rm().fill_(2));
    avg.updateParameters(model);
    avgBuf.updateParameters(model);
    torch.noGrad(() => rm().fill_(4));
    avg.updateParameters(model);
    avgBuf.updateParameters(model);
    assert.deepEqual(avg.getBuffer("module.1.running_mean").tolist(), [4, 4]);
    assert.deepEqual(avgBuf.getBuffer("module.1.running_mean").tolist(), [3, 3]);
  });

  test("SWALR: cosine, linear (one swa lr per group) and zero anneal epochs", () => {
    const c = cases.swalr;
    const run = (swaLr: number | number[], annealEpochs: number, annealStrategy: "cos" | "linear") => {
      const opt = new optim.SGD([{ params: [torch.zeros([1], { requiresGrad: true })], lr: 0.5 }, { params: [torch.zeros([1], { requiresGrad: true })], lr: 0.1 }], { lr: 0.5 });
      const sched = new S.SWALR(opt, swaLr, { annealEpochs, annealStrategy });
      const out = [opt.paramGroups.map((g) => g.lr)];
      for (let i = 0; i < 14; i++) {
        opt.step();
        sched.step();
        out.push(opt.paramGroups.map((g) => g.lr));
      }
      return out;
    };
    const close = (got: number[][], want: number[][], what: string) =>
      want.forEach((row, i) => row.forEach((w, j) => assert.ok(Math.abs(got[i]![j]! - w) < 1e-12, `${what} step ${i} group ${j}: ${got[i]![j]} vs PyTorch ${w}`)));
    close(run(0.05, 5, "cos"), c.cos5, "cos");
    close(run([0.05, 0.02], 3, "linear"), c.linear3, "linear");
    close(run(0.05, 0, "cos"), c.zero, "zero epochs");
    const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
    assert.throws(() => new S.SWALR(opt, 0.05, { annealStrategy: "exp" as any }), { message: "anneal_strategy must by one of 'cos' or 'linear', instead got exp" });
    assert.throws(() => new S.SWALR(opt, 0.05, { annealEpochs: -1 }), { message: "anneal_epochs must be equal or greater than 0, got -1" });
    assert.throws(() => new S.SWALR(opt, [0.1, 0.2]), { message: "swa_lr must have the same length as optimizer.param_groups: swa_lr has 2, optimizer.param_groups has 1" });
  });

  test("updateBn recomputes BatchNorm statistics as a cumulative average and restores momentum and mode", () => {
    const c = cases.update_bn;
    const lin = new nn.Linear(3, 4).double();
    torch.noGrad(() => {
      lin.weight.copy_(dec(c.weight));
      lin.bias!.copy_(dec(c.bias));
    });
    const bn = new nn.BatchNorm1d(4, { momentum: 0.3 }).double();
    const model = new nn.Sequential(lin, bn).eval();
    const loader = (c.batches as any[]).map((b) => [dec(b), torch.zeros([5])]);
    S.updateBn(loader, model);
    assertTree(bn.runningMean, c.running_mean, "running_mean", 1e-12);
    assertTree(bn.runningVar, c.running_var, "running_var", 1e-12);
    assert.equal(bn.numBatchesTracked!.item(), c.num_batches_tracked);
    assert.equal(bn.momentum, 0.3);
    assert.equal(model.training, false);
  });
});
