/**
 * `torch.autograd.gradcheck` in float64 for every differentiable op of the
 * table: one test per op, over each of its cases that is smooth at its inputs
 * (the table marks kinks, ties and NaN/Inf cases `gradcheck: false`).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import { OP_TABLE } from "./op-table/cases.js";
import { applyViews, callOp, type CaseFixture, loadFixture, makeLeaves, wantsGrad } from "./op-table/harness.js";
import type { OpCase } from "./op-table/spec.js";

const fixtures = loadFixture<{ cases: Record<string, CaseFixture> }>("table").cases;

/** A case is checked when it has an input that requires grad and PyTorch gave gradients. */
function checkable(c: OpCase): boolean {
  const fx = fixtures[c.id];
  if (c.gradcheck === false || !fx || fx.gradOut === null) return false;
  return c.inputs.some((spec, i) => wantsGrad(spec, fx.inputs[i]!.dtype));
}

const byOp = new Map<string, OpCase[]>();
for (const c of OP_TABLE.filter(checkable)) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

describe("gradcheck (float64) for every differentiable op", () => {
  for (const [op, cases] of byOp) {
    test(op, () => {
      for (const c of cases) {
        const leaves = makeLeaves(c, fixtures[c.id]!, true);
        const fn = (...xs: torch.Tensor[]) => callOp(c, xs.map((x, i) => applyViews(x, c.inputs[i]!.view)));
        assert.equal(torch.autograd.gradcheck(fn, leaves), true, c.id);
      }
    });
  }

  test("the table covers the differentiable ops of API.md", () => {
    const required = [
      "reshape", "view", "transpose", "permute", "unsqueeze", "squeeze", "flatten", "expand", "narrow", "select",
      "add", "sub", "mul", "div", "pow", "exp", "log", "sqrt", "abs", "neg", "sin", "cos", "tanh", "sigmoid", "relu",
      "clamp", "matmul", "sum", "mean", "max", "min", "softmax", "logSoftmax", "cat", "stack", "where", "gather",
      "indexSelect", "maximum", "minimum",
    ];
    assert.deepEqual(required.filter((op) => !byOp.has(op)), []);
  });

  test("gradcheck catches a wrong backward", () => {
    class BadSquare extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
        ctx.saveForBackward(x);
        return x.mul(x);
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
        return g.mul(ctx.savedTensors[0]!); // missing the factor 2
      }
    }
    const x = torch.randn([3], { dtype: "float64", requiresGrad: true });
    assert.equal(torch.autograd.gradcheck((t) => BadSquare.apply(t) as torch.Tensor, [x], { raiseException: false }), false);
    assert.throws(() => torch.autograd.gradcheck((t) => BadSquare.apply(t) as torch.Tensor, [x]), /Jacobian mismatch/);
  });
});

/**
 * PyTorch's gradgradcheck: the backward itself (written in tensor ops) is
 * differentiated, for a fixed random upstream gradient. Ops whose gradient
 * does not depend on the inputs (linear ops) have nothing to check.
 */
describe("gradgradcheck (float64): backward is differentiable", () => {
  for (const [op, cases] of byOp) {
    test(op, () => {
      let checked = 0;
      for (const c of cases) {
        const leaves = makeLeaves(c, fixtures[c.id]!, true);
        const forward = (xs: torch.Tensor[]) => callOp(c, xs.map((x, i) => applyViews(x, c.inputs[i]!.view)));
        const probe = forward(leaves);
        torch.manualSeed(c.id.length);
        const v = torch.randn([...probe.shape], { dtype: probe.dtype });
        const firstOrder = (...xs: torch.Tensor[]) => {
          const wrt = xs.filter((x) => x.requiresGrad);
          const gs = torch.autograd.grad(forward(xs), wrt, { gradOutputs: [v], createGraph: true, allowUnused: true });
          return gs.filter((g): g is torch.Tensor => g !== null && g.requiresGrad);
        };
        if (firstOrder(...leaves).length === 0) continue;
        assert.equal(torch.autograd.gradcheck(firstOrder, leaves), true, c.id);
        checked++;
      }
      // linear ops have a constant gradient: say so rather than pass vacuously
      if (checked === 0) assert.ok(LINEAR.has(op), `${op}: no case has a second derivative to check`);
    });
  }
});

/** Ops whose input gradient does not depend on the inputs. */
const LINEAR = new Set([
  "reshape", "view", "transpose", "permute", "unsqueeze", "squeeze", "flatten", "expand", "narrow", "select",
  "add", "sub", "neg", "sum", "mean", "cat", "stack", "where", "gather", "indexSelect", "relu", "clamp", "abs",
  "max", "min", "maximum", "minimum", "add_", "sub_", "clamp_", "relu_", "copy_", "fill_", "zero_",
  "maskedFill", "tril", "triu", "cumsum", "flip", "sort", "topk", "repeat", "amax", "amin",
  "deg2rad", "rad2deg", "frac", "fmod", "remainder", "diagonal", "diag", "trace", "movedim", "swapaxes", "tile",
  "repeatInterleave", "roll", "maskedSelect", "scatter", "diff", "median", "kthvalue", "quantile", "nansum", "nanmean",
  "takeAlongDim", "unflatten",
]);
