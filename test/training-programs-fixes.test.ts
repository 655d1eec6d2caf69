/**
 * Regression tests for what the training programs found (fixtures:
 * scripts/gen_training_programs.py -> test/fixtures/programs/).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, values } from "./nn-helpers.js";
import { inPrecision, readProgram } from "./training-programs-fixture.js";

interface AsgdFixture {
  trajectory: { p: number[]; ax: number[]; eta: number; mu: number }[];
}

// Found by the metric-learning program in float64: ASGD rounded eta and mu to float32 whatever the default
// dtype, where PyTorch keeps them in 0-d tensors of _get_scalar_dtype(), float64 under a float64 default.
test("ASGD keeps eta and mu in float64 under a float64 default dtype, as PyTorch's _get_scalar_dtype()", () => {
  const { trajectory } = readProgram<AsgdFixture>("asgd_default_f64");
  inPrecision("float64", () => {
    const p = torch.tensor([1.0, -2.0, 0.5], { requiresGrad: true });
    const a = torch.tensor([0.3, 1.7, 2.9]);
    assert.equal(p.dtype, "float64");
    const opt = new torch.optim.ASGD([p], { lr: 0.1, lambd: 0.01, alpha: 0.75, t0: 2 });
    trajectory.forEach((want, i) => {
      opt.zeroGrad();
      a.mul(p).mul(p).sum().backward();
      opt.step();
      const state = opt.state.get(p)!;
      assertClose(values(p), want.p, `p after step ${i + 1}`, 1e-14, 1e-15);
      assertClose(values(state.ax as torch.Tensor), want.ax, `ax after step ${i + 1}`, 1e-14, 1e-15);
      // (0-d tensors of the scalar dtype, as PyTorch keeps them)
      assert.equal((state.eta as torch.Tensor).dtype, "float64");
      assert.equal((state.eta as torch.Tensor).item(), want.eta, `eta after step ${i + 1}`);
      assert.equal((state.mu as torch.Tensor).item(), want.mu, `mu after step ${i + 1}`);
    });
  });
});

test("ASGD keeps eta and mu in float32 under the float32 default dtype (PyTorch's float32 0-d tensors)", () => {
  const p = torch.tensor([1.0, -2.0, 0.5], { requiresGrad: true, dtype: "float64" });
  const opt = new torch.optim.ASGD([p], { lr: 0.1, lambd: 0.01, alpha: 0.75, t0: 2 });
  for (let i = 0; i < 4; i++) {
    opt.zeroGrad();
    p.pow(2).sum().backward();
    opt.step();
    const state = opt.state.get(p)! as { eta: torch.Tensor; mu: torch.Tensor };
    assert.deepEqual([state.eta.dtype, state.mu.dtype, state.eta.dim()], ["float32", "float32", 0]);
    const eta = state.eta.item(), mu = state.mu.item();
    assert.equal(eta, Math.fround(eta));
    assert.equal(mu, Math.fround(mu));
    assert.notEqual(eta, 0.1 / (1 + 0.01 * 0.1 * (i + 1)) ** 0.75, "rounded to float32");
  }
});
