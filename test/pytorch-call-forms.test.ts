/**
 * The call forms PyTorch code uses that a list-and-options API would miss:
 * sizes as separate arguments (`torch.zeros(2, 3)`, `x.expand(2, 3)`,
 * `x.flip(0)`, `x.tile(2)`), bounds by name (`x.clamp(min=0)`), and
 * `x.long()`. Each form must give exactly what the list form gives.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("factories take the sizes as separate arguments, with or without options", () => {
  for (const [name, f] of [["zeros", torch.zeros], ["ones", torch.ones], ["empty", torch.empty]] as const) {
    assert.deepEqual(f(2, 3).shape, [2, 3], name);
    assert.deepEqual(f(2, 3).tolist(), f([2, 3]).tolist(), name);
    const t = f(4, { dtype: "float64", requiresGrad: true });
    assert.deepEqual([t.shape, t.dtype, t.requiresGrad], [[4], "float64", true], name);
    assert.deepEqual(f(0).shape, [0], name);
  }
  assert.deepEqual(torch.zeros(2, 3, { dtype: "int32" }).dtype, "int32");
});

test("rand and randn with separate sizes draw the same numbers as with a list", () => {
  for (const f of [torch.rand, torch.randn]) {
    const g1 = new torch.Generator().manualSeed(7), g2 = new torch.Generator().manualSeed(7);
    assert.deepEqual(f(2, 3, { generator: g1 }).tolist(), f([2, 3], { generator: g2 }).tolist());
    torch.manualSeed(3);
    const a = f(5).tolist();
    torch.manualSeed(3);
    assert.deepEqual(a, f([5]).tolist());
  }
});

test("a factory with no size raises PyTorch's TypeError, not a 0-d tensor", () => {
  assert.throws(() => (torch.zeros as () => unknown)(), { name: "TypeError", message: /^zeros\(\) received an invalid combination of arguments/ });
  assert.throws(() => (torch.randn as (o: object) => unknown)({ dtype: "float64" }), /^TypeError: randn\(\) received an invalid combination/);
  assert.deepEqual(torch.zeros([]).shape, []); // an empty list is a 0-d size, as torch.zeros(())
});

test("expand, flip and tile take separate arguments too", () => {
  const x = torch.tensor([[1], [2]]);
  assert.deepEqual(x.expand(2, 3).tolist(), x.expand([2, 3]).tolist());
  assert.deepEqual(x.expand(-1, 2).shape, [2, 2]);
  const y = torch.arange(0, 6, 1).reshape(2, 3);
  assert.deepEqual(y.flip(0).tolist(), [[3, 4, 5], [0, 1, 2]]);
  assert.deepEqual(y.flip(0, 1).tolist(), y.flip([0, 1]).tolist());
  assert.deepEqual(torch.tensor([1, 2]).tile(2).tolist(), [1, 2, 1, 2]);
  assert.deepEqual(torch.tensor([1, 2]).tile(2, 1).tolist(), torch.tensor([1, 2]).tile([2, 1]).tolist());
});

test("clamp and clip take their bounds by name, as clamp(min=0) does, in and out of place", () => {
  const x = torch.tensor([-2, 0.5, 3]);
  assert.deepEqual(x.clamp({ min: 0 }).tolist(), [0, 0.5, 3]);
  assert.deepEqual(x.clamp({ max: 1 }).tolist(), [-2, 0.5, 1]);
  assert.deepEqual(torch.clamp(x, { min: -1, max: 1 }).tolist(), [-1, 0.5, 1]);
  assert.deepEqual(x.clip({ min: 0, max: 1 }).tolist(), x.clip(0, 1).tolist());
  assert.deepEqual(torch.clip(x, { max: 0 }).tolist(), [-2, 0, 0]);
  const bound = torch.tensor([0, 0, 2]);
  assert.deepEqual(x.clamp({ max: bound }).tolist(), [-2, 0, 2]);
  const y = x.clone();
  assert.equal(y.clamp_({ min: 0 }), y);
  assert.deepEqual(y.tolist(), [0, 0.5, 3]);
  const z = x.clone();
  z.clip_({ max: 0 });
  assert.deepEqual(z.tolist(), [-2, 0, 0]);
  assert.throws(() => x.clamp({}), /^Error: torch.clamp: At least one of 'min' or 'max' must not be None$/);
  // gradients flow as with positional bounds
  const w = torch.tensor([-1, 2], { requiresGrad: true });
  w.clamp({ min: 0 }).sum().backward();
  assert.deepEqual(w.grad!.tolist(), [0, 1]);
});

test("long() gives int32, torchlet's integer dtype, truncating as PyTorch does; a value int32 cannot hold raises", () => {
  const x = torch.tensor([1.7, -2.7, 0]);
  const l = x.long();
  assert.equal(l.dtype, "int32");
  assert.deepEqual(l.tolist(), [1, -2, 0]); // PyTorch: tensor([ 1, -2,  0])
  assert.deepEqual(torch.tensor([2147483647.9], { dtype: "float64" }).long().tolist(), [2147483647]);
  assert.throws(() => torch.tensor([2 ** 31], { dtype: "float64" }).long(), {
    name: "RangeError",
    message: "long(): value 2147483648 does not fit int32, torchlet's integer dtype (PyTorch's long is int64, which torchlet does not have)",
  });
  assert.throws(() => torch.tensor([-(2 ** 31) - 1], { dtype: "float64" }).long(), /value -2147483649 does not fit int32/);
  const i = torch.tensor([3], { dtype: "int32" });
  assert.equal(i.long(), i); // already int32: the tensor itself, as PyTorch's long() on a long tensor
  assert.deepEqual(torch.tensor([true, false]).long().tolist(), [1, 0]);
});
