/**
 * F.unfold / F.fold (nn.Unfold / nn.Fold) against PyTorch on both backends
 * (fixtures: scripts/gen_pool2_fixtures.py): values and gradients with
 * kernel, dilation, padding and stride, overlapping blocks, unbatched input.
 * Also that each is the other's adjoint (<unfold x, c> = <x, fold c>), the
 * modules' reprs and PyTorch's shape errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { checkGolden, type GoldenCase } from "./fixture-values.js";
import { readPool2 } from "./pool2-fixtures.js";

const F = torch.nn.functional;
const nn = torch.nn;
type Pair = number | [number, number];

interface FoldCase extends GoldenCase {
  outputSize?: Pair;
  kernelSize: Pair;
  dilation: Pair;
  padding: Pair;
  stride: Pair;
}

const fixtures = readPool2() as { unfold: FoldCase[]; fold: FoldCase[] };

describeOnBackends((b) => `unfold and fold against PyTorch (${b})`, () => {
  test("unfold: values and gradients", () => {
    assert.ok(fixtures.unfold.length >= 3);
    for (const c of fixtures.unfold) checkGolden(c, (x) => F.unfold(x, c.kernelSize, { dilation: c.dilation, padding: c.padding, stride: c.stride }));
  });

  test("fold: values (overlaps summed) and gradients", () => {
    assert.ok(fixtures.fold.length >= 3);
    for (const c of fixtures.fold) checkGolden(c, (x) => F.fold(x, c.outputSize!, c.kernelSize, { dilation: c.dilation, padding: c.padding, stride: c.stride }));
  });

  test("fold is unfold's adjoint: <unfold(x), c> equals <x, fold(c)>", () => {
    const o = { dilation: [2, 1] as [number, number], padding: 1, stride: [1, 2] as [number, number] };
    const x = torch.randn([2, 3, 6, 7], { dtype: "float64" });
    const cols = F.unfold(x, [3, 2], o);
    const c = torch.randn(cols.shape, { dtype: "float64" });
    const lhs = cols.mul(c).sum().item(), rhs = x.mul(F.fold(c, [6, 7], [3, 2], o)).sum().item();
    assert.ok(Math.abs(lhs - rhs) < 1e-9 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
  });

  test("the modules run the functions; unbatched input keeps no batch dim", () => {
    const x = torch.randn([5, 3, 4]);
    const cols = new nn.Unfold([2, 3]).forward(x);
    assert.deepEqual(cols.shape, [30, 4]);
    assert.deepEqual(Array.from(cols.data), Array.from(F.unfold(x.unsqueeze(0), [2, 3]).contiguous().data));
    assert.deepEqual(new nn.Fold([3, 4], [2, 3]).forward(cols).shape, [5, 3, 4]);
  });
});

test("Unfold and Fold print as PyTorch's", () => {
  assert.equal(String(new nn.Unfold(3, { padding: 1 })), "Unfold(kernel_size=3, dilation=1, padding=1, stride=1)");
  assert.equal(String(new nn.Fold([4, 5], [2, 3], { stride: 2 })), "Fold(output_size=(4, 5), kernel_size=(2, 3), dilation=1, padding=0, stride=2)");
});

test("unfold and fold reject bad shapes with PyTorch's messages", () => {
  assert.throws(() => F.unfold(torch.randn([2, 2]), 2), {
    message: "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [2, 2]",
  });
  assert.throws(() => F.unfold(torch.randn([1, 2, 2, 2]), 3), {
    message: "Given input with spatial size (2, 2), kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one.",
  });
  assert.throws(() => F.unfold(torch.randn([1, 2, 3, 3]), [0, 2]), { message: "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 2" });
  assert.throws(() => F.unfold(torch.randn([1, 2, 3, 3]), 2, { dilation: [0, 1] }), { message: "dilation should be greater than zero, but got dilation_height: 0 dilation_width: 1" });
  assert.throws(() => F.unfold(torch.randn([1, 2, 3, 3]), 2, { padding: [-1, 0] }), { message: "padding should be non-negative, but got pad_height: -1 pad_width: 0" });
  assert.throws(() => F.unfold(torch.randn([1, 2, 3, 3]), 2, { stride: [0, 1] }), { message: "stride should be greater than zero, but got stride_height: 0 stride_width: 1" });
  assert.throws(() => F.fold(torch.randn([2, 2, 2, 2]), 3, 2), {
    message: "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [2, 2, 2, 2]",
  });
  assert.throws(() => F.fold(torch.randn([2, 5, 4]), 3, 2), {
    message: "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=5 and kernel_size=(2, 2).",
  });
  assert.throws(() => F.fold(torch.randn([2, 4, 5]), 3, 2), {
    message: "Given output_size=(3, 3), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of input's dimension 2 to match the calculated number of sliding blocks 2 * 2 = 4, but got input.size(2)=5.",
  });
  assert.throws(() => F.fold(torch.randn([4, 5]), [1, 1], 2), /sliding blocks 0 \* 0 = 0, but got input.size\(2\)=5\.$/);
});
