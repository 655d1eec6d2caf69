/**
 * Anomaly detection against PyTorch: NaN gradients throw naming the node and
 * output, the in-place hint switches to the anomaly-mode text, the failing
 * node's forward is reported in a warning, and the switch forms restore the
 * previous setting.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const A = torch.autograd;

test("a NaN gradient throws PyTorch's error with anomaly mode on, and passes without it", async () => {
  const x = torch.tensor([0, 1], { requiresGrad: true });
  // 0/0: DivBackward0's gradient w.r.t. the divisor (its output 1) is NaN; w.r.t. the dividend inf, which is no anomaly
  const z = () => x.mul(0).div(x.mul(0));
  const warnings = await warningMessagesDuring(() => {
    A.detectAnomaly(() => {
      // PyTorch: RuntimeError "Function 'DivBackward0' returned nan values in its 1th output."
      assert.throws(() => z().sum().backward(), { message: "Function 'DivBackward0' returned nan values in its 1th output." });
    });
  });
  assert.ok(warnings.includes("Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging."));
  // PyTorch also warns "Error detected in DivBackward0. Traceback of forward call that caused the error:" and the forward's stack
  const detected = warnings.find((w) => w.startsWith("Error detected in DivBackward0. Traceback of forward call that caused the error:\n"));
  assert.ok(detected?.includes("autograd-anomaly.test"), "the trace shows where forward ran");
  assert.equal(A.isAnomalyEnabled(), false);
  z().sum().backward();
  assert.ok(x.grad!.isnan().all().item(), "PyTorch: tensor([nan, nan]) without anomaly mode");
  x.grad = null;
  // checkNan: false keeps the mode but skips the check (PyTorch: no error, tensor([nan, nan]))
  A.detectAnomaly(() => z().sum().backward(), { checkNan: false });
  assert.ok(x.grad!.isnan().all().item());
});

test("the in-place error's hint switches to the anomaly-mode text", () => {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const b = a.exp();
  b.add_(1);
  using _ = A.setDetectAnomaly(true);
  // PyTorch: "... [torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. Hint: the backtrace
  // further above shows ... Good luck!"
  assert.throws(
    () => b.sum().backward(),
    { message: /^one of the variables needed for gradient computation has been modified by an inplace operation: \[torch.FloatTensor \[2\]\], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead\. Hint: the backtrace further above shows the operation that failed to compute its gradient\. The variable in question was changed in there or anywhere later\. Good luck!$/ },
  );
});

test("setDetectAnomaly switches at once and its guard or callback restores (PyTorch: False, True, False, True)", () => {
  assert.equal(A.isAnomalyEnabled(), false);
  const guard = A.setDetectAnomaly(true);
  assert.equal(A.isAnomalyEnabled(), true);
  assert.equal(A.isAnomalyCheckNanEnabled(), true);
  assert.equal(A.setDetectAnomaly(false, () => A.isAnomalyEnabled()), false);
  assert.equal(A.isAnomalyEnabled(), true);
  guard[Symbol.dispose]();
  assert.equal(A.isAnomalyEnabled(), false);
  assert.equal(A.isAnomalyCheckNanEnabled(), false);
  assert.throws(() => A.setDetectAnomaly(true, () => { throw new Error("boom"); }), { message: "boom" });
  assert.equal(A.isAnomalyEnabled(), false, "restored after a throw");
});
