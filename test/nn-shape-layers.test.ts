/**
 * PixelShuffle, PixelUnshuffle and Unflatten against PyTorch (fixture:
 * scripts/gen_activation_fixtures.py): the rearranged values, the gradient
 * (the inverse rearrangement), the repr and the error messages, on every
 * backend.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { checkGolden, type GoldenCase, values } from "./fixture-values.js";
import { readFixture } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

interface ShapeCase extends GoldenCase {
  module: "PixelShuffle" | "PixelUnshuffle" | "Unflatten";
  args: [number, number[]?];
  repr: string;
}

const fx = readFixture<{ cases: ShapeCase[]; errors: { op: string; shape: number[]; args: any[]; message: string }[] }>("shape_layers.json");

function build(c: { module: string; args: any[] }): torch.nn.Module {
  switch (c.module) {
    case "PixelShuffle": return new nn.PixelShuffle(c.args[0]);
    case "PixelUnshuffle": return new nn.PixelUnshuffle(c.args[0]);
    default: return new nn.Unflatten(c.args[0], c.args[1]);
  }
}

describeOnBackends((backend) => `shape layers against PyTorch on the ${backend} backend`, () => {
  for (const c of fx.cases) {
    test(`nn.${c.name}: values, gradient, repr`, () => {
      const m = build(c);
      checkGolden(c, (x) => m.forward(x) as Tensor);
      assert.equal(m.toString(), c.repr);
    });
  }
});

test("F.pixelShuffle and F.pixelUnshuffle match the modules and undo each other", () => {
  for (const c of fx.cases.filter((k) => k.module !== "Unflatten")) {
    const fn = c.module === "PixelShuffle" ? F.pixelShuffle : F.pixelUnshuffle;
    checkGolden(c, (x) => fn(x, c.args[0]));
  }
  const x = torch.randn([2, 3, 8, 4]);
  assert.deepEqual(values(F.pixelShuffle(F.pixelUnshuffle(x, 2), 2)), values(x));
});

test("bad shapes get PyTorch's error messages", () => {
  for (const e of fx.errors) {
    const x = torch.zeros(e.shape);
    const call = e.op === "pixelShuffle" ? () => F.pixelShuffle(x, e.args[0])
      : e.op === "pixelUnshuffle" ? () => F.pixelUnshuffle(x, e.args[0])
      : () => new nn.Unflatten(e.args[0], e.args[1]).forward(x);
    assert.throws(call, (err: Error) => err.message.startsWith(e.message), `${e.op} ${JSON.stringify(e.shape)} ${JSON.stringify(e.args)}: ${e.message}`);
  }
  assert.throws(() => F.pixelShuffle(torch.zeros([5, 2]), 2), /pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension\(s\) \(input of shape \[5, 2\]\)/);
  assert.throws(() => new nn.Unflatten(1, [2, 1.5]), /unflattened_size must be tuple of ints, but found element of type float at pos 1/);
});
