/**
 * F.pad against PyTorch on both backends (fixtures: scripts/gen_pad_fixtures.py):
 * values and input gradients for constant (with crops), reflect, replicate
 * and circular padding; PyTorch 2.x's errors; constant padding's gradient of
 * the gradient; dtypes other than float.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { PadMode } from "../src/nn/functional.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkGolden, type GoldenCase, readOpsCases } from "./fixture-values.js";

const F = torch.nn.functional;

interface PadCase extends GoldenCase {
  pad: number[];
  mode: PadMode;
  value: number | null;
}

const CASES = readOpsCases<PadCase>("pad.json");

for (const backend of BACKENDS) {
  test(`F.pad values and gradients match PyTorch in every mode (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of CASES) checkGolden(c, (x) => F.pad(x, c.pad, c.mode, c.value));
  });
}

test("F.pad constant: node name, second-order gradients, other dtypes", () => {
  const x = torch.randn([2, 3, 4], { dtype: "float64", requiresGrad: true });
  assert.equal(F.pad(x, [1, 1]).gradFn?.name, "ConstantPadNdBackward0");
  assert.ok(torch.autograd.gradcheck((t) => F.pad(t, [2, -1, -1, 1], "constant", 3).pow(2).sum(), [x]));
  // the gradient's own gradient: <d pad / dx, v> as a function of the upstream gradient
  const v = torch.randn([2, 3, 4], { dtype: "float64" });
  const up = torch.randn([2, 4, 7], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((u) => {
    const [gx] = torch.autograd.grad(F.pad(x, [1, 2, 0, 1]), [x], { gradOutputs: [u], createGraph: true });
    return gx!.mul(v).sum();
  }, [up]));
  assert.ok(torch.autograd.gradcheck((t) => F.pad(t, [2, 1, 1, 2], "reflect").pow(2), [x]));
  const ints = F.pad(torch.tensor([[1, 2], [3, 4]], { dtype: "int32" }), [1, 0], "constant", 7);
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(ints.tolist(), [[7, 1, 2], [7, 3, 4]]);
  const bools = F.pad(torch.tensor([true, false]), [0, 2], "constant", 1);
  assert.deepEqual(bools.tolist(), [true, false, true, true]);
  // cropping everything away leaves an empty tensor, as in PyTorch
  assert.deepEqual(F.pad(torch.ones([2, 3]), [-3, 0]).shape, [2, 0]);
  // no value in constant mode means 0; the input is never changed
  const base = torch.ones([3]);
  assert.deepEqual(F.pad(base, [1, 1]).tolist(), [0, 1, 1, 1, 0]);
  assert.deepEqual(base.tolist(), [1, 1, 1]);
});

test("F.pad rejects what PyTorch 2.x rejects, with its messages", () => {
  const x = torch.ones([1, 2, 3]);
  assert.throws(() => F.pad(x, [1]), /^Error: Padding length must be divisible by 2$/);
  assert.throws(() => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1]), /Padding length should be less than or equal to two times the input dimension but got padding length 8 and input of dimension 3/);
  assert.throws(() => F.pad(x, [-4, 0]), /The input size 3, plus negative padding -4 and 0 resulted in a negative output size, which is invalid. Check dimension 2 of your input./);
  assert.throws(() => F.pad(x, [3, 3], "reflect"), /Argument #4: Padding size should be less than the corresponding input dimension, but got: padding \(3, 3\) at dimension 2 of input \[1, 2, 3\]/);
  assert.throws(() => F.pad(torch.ones([1, 2, 3]), [0, 0, 2, 0], "reflect"), /Argument #6: .* padding \(2, 0\) at dimension 1 of input \[1, 2, 3\]/);
  assert.throws(() => F.pad(x, [4, 0], "circular"), /Padding value causes wrapping around more than once./);
  assert.throws(() => F.pad(x, [-3, 2], "circular"), /leaves nothing of dimension 2 \(size 3\) to wrap around/);
  assert.throws(() => F.pad(x, [1, 1], "reflect", 2), /Padding mode "reflect" doesn't take in value argument/);
  assert.throws(() => F.pad(torch.ones([3]), [1, 1], "replicate"), /Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now/);
  assert.throws(() => F.pad(x, [1, 1, 1, 1, 1, 1], "reflect"), /Only 2D, 3D, 4D, 5D padding/);
  assert.throws(() => F.pad(x, [1.5, 1]), /padding must be integers/);
  assert.throws(() => F.pad(x, [1, 1], "wrap" as PadMode), /Unrecognised padding mode wrap/);
});

test("the 2-d padding layers are F.pad with PyTorch's padding order and repr", () => {
  const x = torch.randn([1, 2, 4, 5]);
  const cases: [torch.nn.Module, torch.Tensor, string][] = [
    [new torch.nn.ZeroPad2d([1, 1, 2, 0]), F.pad(x, [1, 1, 2, 0]), "ZeroPad2d((1, 1, 2, 0))"],
    [new torch.nn.ConstantPad2d(1, -1.5), F.pad(x, [1, 1, 1, 1], "constant", -1.5), "ConstantPad2d(padding=(1, 1, 1, 1), value=-1.5)"],
    [new torch.nn.ReflectionPad2d(2), F.pad(x, [2, 2, 2, 2], "reflect"), "ReflectionPad2d((2, 2, 2, 2))"],
    [new torch.nn.ReplicationPad2d([1, 0, 0, 3]), F.pad(x, [1, 0, 0, 3], "replicate"), "ReplicationPad2d((1, 0, 0, 3))"],
  ];
  for (const [layer, expected, repr] of cases) {
    assert.deepEqual((layer.forward(x) as torch.Tensor).tolist(), expected.tolist(), repr);
    assert.equal(String(layer), repr);
    assert.deepEqual(Object.keys(layer.stateDict()), []);
  }
  assert.throws(() => new torch.nn.ZeroPad2d([1, 2] as unknown as [number, number, number, number]), /ZeroPad2d: padding must be an int or 4 ints/);
});
