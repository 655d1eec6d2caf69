// Every example runs with small sizes and does what it says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { main as digitsMlp } from "../examples/digits-mlp.js";
import { main as digitsCnn } from "../examples/digits-cnn.js";
import { main as linearRegression } from "../examples/linear-regression.js";
import { main as customFunction } from "../examples/custom-function.js";
import { main as pytorchInference } from "../examples/pytorch-inference.js";

test("digits MLP: the loss falls and test accuracy is far above chance (10%)", () => {
  const r = digitsMlp({ epochs: 4, samples: 800, hidden: 32 });
  assert.equal(r.epochLosses.length, 4);
  assert.ok(r.epochLosses[3]! < r.epochLosses[0]! * 0.6, `losses ${r.epochLosses.join(", ")}`);
  assert.ok(r.testAccuracy > 0.7, `test accuracy ${r.testAccuracy}`);
  assert.equal(r.model.training, true); // accuracy() restores the mode it found
});

test("digits CNN: the loss falls and test accuracy is far above chance", () => {
  const r = digitsCnn({ epochs: 3, samples: 600 });
  assert.ok(r.epochLosses[2]! < r.epochLosses[0]! * 0.7, `losses ${r.epochLosses.join(", ")}`);
  assert.ok(r.testAccuracy > 0.4, `test accuracy ${r.testAccuracy}`);
});

test("linear regression from scratch recovers the true weights", () => {
  const r = linearRegression({ samples: 100, steps: 150 });
  assert.ok(r.losses.at(-1)! < r.losses[0]! / 100);
  r.trueWeight.forEach((w, i) => assert.ok(Math.abs(r.weight[i]! - w) < 0.01, `w[${i}] = ${r.weight[i]} vs ${w}`));
  assert.ok(Math.abs(r.bias - r.trueBias) < 0.01, `b = ${r.bias}`);
});

test("custom autograd Function: gradcheck passes, matches autograd, and trains a model", () => {
  const r = customFunction({ steps: 60, samples: 64 });
  assert.equal(r.gradcheckPassed, true);
  assert.ok(r.maxGradDifference < 1e-5, `difference ${r.maxGradDifference}`);
  assert.equal(r.gradFnName, "SwishBackward");
  assert.ok(r.losses.at(-1)! < r.losses[0]! / 4, `losses ${r.losses[0]} -> ${r.losses.at(-1)}`);
});

for (const arch of ["cnn", "mlp"] as const) {
  test(`inference with a ${arch} trained in PyTorch matches PyTorch's outputs`, () => {
    const r = pytorchInference({ arch });
    assert.ok(r.maxAbsDifference < 1e-4, `difference ${r.maxAbsDifference}`);
    assert.equal(r.isInference, true);
    assert.deepEqual(r.metadata, { format: "pt", arch });
    const argmax = r.pytorchOutputs.map((row) => row.indexOf(Math.max(...row)));
    assert.deepEqual(r.predictedClasses, argmax);
  });
}
