/**
 * lrScheduler.ReduceLROnPlateau against PyTorch (fixtures: plateau.json from
 * scripts/gen_nn_fixtures.py): every group's lr after each `step(metric)`,
 * exactly, for min and max modes, relative and absolute thresholds, patience,
 * cooldown, and per-group lr floors; plus its errors and state dict.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { readFixture } from "./nn-helpers.js";

const { optim } = torch;

interface PlateauCase {
  options: torch.optim.lrScheduler.ReduceLROnPlateauOptions;
  twoGroups: boolean;
  metrics: number[];
  lrs: number[][];
}

const { cases } = readFixture<{ cases: PlateauCase[] }>("plateau.json");

for (const c of cases) {
  test(`ReduceLROnPlateau ${JSON.stringify(c.options)} matches PyTorch's lrs step by step`, () => {
    const p = torch.zeros([2], { requiresGrad: true }), q = torch.zeros([1], { requiresGrad: true });
    const opt = new optim.SGD(c.twoGroups ? [{ params: [p] }, { params: [q], lr: 0.01 }] : [p], { lr: 0.1 });
    const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, c.options);
    c.metrics.forEach((m, i) => {
      sched.step(m);
      assert.deepEqual(sched.getLastLr(), c.lrs[i], `after step ${i + 1} (metric ${m})`);
    });
  });
}

test("ReduceLROnPlateau rejects PyTorch's bad arguments and resumes from its state dict", () => {
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  assert.throws(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { factor: 1 }), /Factor should be < 1.0./);
  const a = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 1 });
  a.step(1);
  a.step(2);
  const b = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 1 });
  b.loadStateDict(a.stateDict());
  b.step(3); // the third bad epoch in a row: a reduction, as `a` would make
  assert.deepEqual(b.getLastLr(), [0.1 * 0.1]);
});
