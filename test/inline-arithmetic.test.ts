/**
 * add/sub/mul/div of small dense float tensors (two of one shape, or one and
 * a number) run as a plain loop in ops/elementwise.ts instead of through
 * broadcasting and the backend. They must give exactly what the general
 * path gives (reached here through transposed, so non-contiguous,
 * operands): bit for bit, NaN, infinities, signed zeros and float32 rounding
 * (of the number too) included, for views with offsets and odd size-1
 * strides, and for 0-d tensors; and record the same graph.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-30, 3.4e38, -2.5];

function bits(t: Tensor): string[] {
  const c = t.contiguous();
  return Array.from(c.data.subarray(c.offset, c.offset + c.numel()), (v) => (Object.is(v, -0) ? "-0" : String(v)));
}

for (const backend of BACKENDS) {
  test(`small dense arithmetic equals the general path bit for bit (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    torch.manualSeed(3);
    for (const dtype of ["float32", "float64"] as const) {
      const a = torch.randn([4, 6], { dtype }).mul(1e3), b = torch.randn([4, 6], { dtype });
      // specials against every other value, including each other
      for (let i = 0; i < SPECIAL.length; i++) {
        a.data[i] = SPECIAL[i]!;
        b.data[(i * 5) % 24] = SPECIAL[(i + 3) % SPECIAL.length]!;
        b.data[8 + i] = SPECIAL[i]!;
      }
      for (const op of ["add", "sub", "mul", "div"] as const) {
        const fast = a[op](b);
        const general = a.t()[op](b.t()).t(); // non-contiguous operands take the broadcasting path
        assert.deepEqual(bits(fast), bits(general), `${op} ${dtype}`);
        // a narrowed view (offset), a size-1 dim with an arbitrary stride, and 0-d tensors
        const rowA = a.narrow(0, 2, 1), rowB = b.narrow(0, 1, 1);
        // (operands of different ranks broadcast, which takes the general path)
        assert.deepEqual(bits(rowA[op](rowB)), bits(rowA.unsqueeze(0)[op](rowB).squeeze(0)), `${op} ${dtype} rows`);
        const s = a.select(0, 3).select(0, 4), r = b.select(0, 1).select(0, 2);
        assert.deepEqual(bits(s[op](r)), bits(s.unsqueeze(0)[op](r).squeeze(0)), `${op} ${dtype} 0-d`);
        // a number on either side (rounded to float32 first for float32 tensors, as a 0-d operand is)
        for (const k of [0.1, -3, 1e-40, 3.5e38 * 2, NaN, -0]) {
          assert.deepEqual(bits(a[op](k)), bits(a.t()[op](k).t()), `${op} ${dtype} by ${k}`);
        }
      }
      for (const k of [0.1, 7, -0]) {
        assert.deepEqual(bits(torch.rsub(a, k)), bits(torch.rsub(a.t(), k).t()), `${k} - ${dtype}`);
        assert.deepEqual(bits(torch.div(k, a)), bits(torch.div(k, a.t()).t()), `${k} / ${dtype}`);
      }
    }
  });
}

test("small same-shape arithmetic records the same graph and gradients", () => {
  const a = torch.tensor([1.5, -2, 3], { requiresGrad: true }), b = torch.tensor([0.5, 4, -1], { requiresGrad: true });
  const y = a.div(b).mul(a).sub(b).add(a);
  assert.equal(y.gradFn?.name, "AddBackward0");
  y.sum().backward();
  // d/da (a^2/b - b + a) = 2a/b + 1, d/db = -a^2/b^2 - 1
  assert.deepEqual(Array.from(a.grad!.data), [7, 0, -5]);
  assert.deepEqual(Array.from(b.grad!.data), [-10, -1.25, -10]);
  torch.inferenceMode(() => assert.ok(torch.ones([2]).add(torch.ones([2])).isInference()));
});
