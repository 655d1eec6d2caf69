/**
 * Optimizer option combinations against PyTorch: parameters after each of 5
 * steps on gradients given as data, with two param groups of different
 * options; the same run rebuilt from its state_dict after step 2; a group
 * added after step 2 (add_param_group, its options filled from the
 * defaults); zero_grad with and without setToNone. Fixtures:
 * scripts/gen_faithful_4_optim_fixtures.py (PyTorch 1.13, whose
 * single-tensor algorithms here are 2.x's).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

interface Case {
  optimizer: string; options: Record<string, unknown>; group2: Record<string, unknown>;
  trajectory: number[][][]; resumed: number[][][]; added: number[][][] | null; groupsAfterAdd: Record<string, unknown>[] | null;
}
interface Fixture { w0: number[]; b0: number[]; c0: number[]; gw: number[][]; gb: number[][]; gc: number[][]; cases: Case[]; zeroGrad: Record<string, (number[] | null)[]> }
const FX = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "faithful-4", "optim-trajectories.json"), "utf8")) as Fixture;

type AnyOptimizer = torch.optim.Optimizer<any>;
const make = (c: Case, groups: unknown[]): AnyOptimizer =>
  new (torch.optim as unknown as Record<string, new (p: unknown, o: unknown) => AnyOptimizer>)[c.optimizer]!(groups, c.options);
const params = () => [FX.w0, FX.b0, FX.c0].map((v) => new torch.nn.Parameter(torch.tensor(v)));
const GRADS = [FX.gw, FX.gb, FX.gc];

function step(opt: AnyOptimizer, ps: (Tensor | null)[], t: number): void {
  ps.forEach((p, i) => {
    if (p !== null) p.grad = torch.tensor(GRADS[i]![t]!);
  });
  opt.step();
}

/** Float32 parameters after a few steps: PyTorch's values to float32 rounding (a few ulps of the largest step). */
function close(got: Tensor[], want: number[][], what: string): void {
  got.forEach((p, i) => {
    const g = Array.from(p.detach().data as Float32Array);
    g.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) <= 2e-6 * Math.max(1, Math.abs(want[i]![j]!)), `${what}[${i}][${j}]: ${v} vs ${want[i]![j]}`));
  });
}

for (const c of FX.cases) {
  test(`${c.optimizer} ${JSON.stringify(c.options)}, group 2 ${JSON.stringify(c.group2)}: trajectory, state_dict round trip, add_param_group`, () => {
    let [w, b, cc] = params() as [Tensor, Tensor, Tensor];
    let opt = make(c, [{ params: [w] }, { params: [b], ...c.group2 }]);
    for (let t = 0; t < 5; t++) {
      step(opt, [w, b, null], t);
      close([w, b], c.trajectory[t]!, `step ${t + 1}`);
    }
    // rebuilt after step 2 from the state dict, on fresh parameters holding the same values
    [w, b] = params() as [Tensor, Tensor];
    opt = make(c, [{ params: [w] }, { params: [b], ...c.group2 }]);
    for (let t = 0; t < 2; t++) step(opt, [w, b, null], t);
    const sd = opt.stateDict();
    const [w2, b2] = params() as [Tensor, Tensor];
    torch.noGrad(() => {
      w2.copy_(w);
      b2.copy_(b);
    });
    const opt2 = make(c, [{ params: [w2] }, { params: [b2], ...c.group2 }]);
    opt2.loadStateDict(sd);
    for (let t = 2; t < 5; t++) {
      step(opt2, [w2, b2, null], t);
      close([w2, b2], c.resumed[t - 2]!, `resumed step ${t + 1}`);
    }
    if (c.added === null) return;
    [w, b, cc] = params() as [Tensor, Tensor, Tensor];
    opt = make(c, [{ params: [w] }, { params: [b], ...c.group2 }]);
    for (let t = 0; t < 5; t++) {
      if (t === 2) opt.addParamGroup({ params: [cc] });
      step(opt, [w, b, t >= 2 ? cc : null], t);
      close([w, b, cc], c.added[t]!, `with a group added, step ${t + 1}`);
    }
    opt.paramGroups.forEach((g, i) => {
      for (const [k, v] of Object.entries(c.groupsAfterAdd![i]!)) assert.deepEqual((g as Record<string, unknown>)[k], v, `group ${i} ${k}`);
    });
  });
}

test("zero_grad: to null by default (2.x; 1.13's default was zeros), zeros with setToNone false; a null grad stays null", () => {
  for (const setToNone of [true, false]) {
    const [w, b] = params() as [Tensor, Tensor];
    const opt = new torch.optim.SGD([w, b], { lr: 0.1 });
    w.grad = torch.tensor(FX.gw[0]!);
    b.grad = null;
    opt.zeroGrad({ setToNone });
    assert.deepEqual([w, b].map((p) => (p.grad === null ? null : p.grad.tolist())), FX.zeroGrad[String(setToNone)]);
  }
});
