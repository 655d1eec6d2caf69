/**
 * F.conv3d / F.convTranspose3d and nn.Conv3d / nn.ConvTranspose3d against
 * PyTorch on both backends (fixtures: scripts/gen_vol3d_fixtures.py): values
 * and the gradients of input, weight and bias in float32 and float64, over
 * stride, padding ("same" with odd and even kernels, "valid"), dilation,
 * groups, output padding and unbatched input. Also float64 gradcheck (and
 * gradcheck of the backward, so double backward), the layers' reprs and
 * PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Conv3dOptions, ConvTranspose3dOptions } from "../src/nn/functional.js";
import { describeOnBackends } from "./backends.js";
import { checkMulti, type MultiCase, readVol3d } from "./vol3d-fixtures.js";

const F = torch.nn.functional;
const nn = torch.nn;
const fixtures = readVol3d() as { conv3d: MultiCase<Conv3dOptions>[]; convTranspose3d: MultiCase<ConvTranspose3dOptions>[] };

describeOnBackends((b) => `3-d convolutions against PyTorch (${b})`, () => {
  test("conv3d: values and input, weight and bias gradients (stride, padding, same/valid, dilation, groups, unbatched)", () => {
    assert.ok(fixtures.conv3d.length >= 10);
    for (const c of fixtures.conv3d) checkMulti(c, (x, w, b) => F.conv3d(x!, w!, b, c.options));
  });

  test("conv_transpose3d: values and input, weight and bias gradients (output padding, groups, dilation, cropping, unbatched)", () => {
    assert.ok(fixtures.convTranspose3d.length >= 7);
    for (const c of fixtures.convTranspose3d) checkMulti(c, (x, w, b) => F.convTranspose3d(x!, w!, b, c.options));
  });

  test("conv3d and conv_transpose3d pass float64 gradcheck, also through their backward (double backward)", () => {
    const f64 = { dtype: "float64" as const, requiresGrad: true };
    const x = torch.randn([1, 4, 4, 3, 4], f64), w = torch.randn([2, 2, 2, 2, 3], f64), b = torch.randn([2], f64);
    const o = { stride: [2, 1, 1] as const, padding: [1, 0, 1] as const, dilation: [1, 2, 1] as const, groups: 2 };
    assert.ok(torch.autograd.gradcheck((a, k, c) => F.conv3d(a, k, c, o), [x, w, b]));
    const wt = torch.randn([4, 1, 2, 2, 2], f64);
    const ot = { stride: 2, padding: [1, 0, 0] as const, outputPadding: [1, 0, 1] as const, groups: 2 };
    assert.ok(torch.autograd.gradcheck((a, k, c) => F.convTranspose3d(a, k, c, ot), [x, wt, b]));
    // the gradients' own gradients, against finite differences of the gradients
    const up = torch.randn([1, 2, 3, 1, 4], f64);
    assert.ok(torch.autograd.gradcheck((a, k) => {
      const [gx, gw] = torch.autograd.grad(F.conv3d(a, k, null, o), [a, k], { gradOutputs: [up], createGraph: true });
      return gx!.square().sum().add(gw!.square().sum());
    }, [x, w]));
  });
});

test("nn.Conv3d / nn.ConvTranspose3d: shapes, PyTorch's parameters and reprs, and the functional's results", () => {
  const conv = new nn.Conv3d(2, 4, [3, 2, 1], { stride: [2, 1, 1], padding: 1, dilation: 2, groups: 2, bias: false });
  assert.deepEqual(conv.weight.shape, [4, 1, 3, 2, 1]);
  assert.equal(conv.bias, null);
  assert.equal(String(conv), "Conv3d(2, 4, kernel_size=(3, 2, 1), stride=(2, 1, 1), padding=(1, 1, 1), dilation=(2, 2, 2), groups=2, bias=False)");
  assert.equal(String(new nn.Conv3d(2, 4, 3)), "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))");
  assert.equal(String(new nn.Conv3d(2, 4, 3, { padding: "same" })), "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same)");
  const x = torch.randn([2, 2, 6, 5, 4]);
  const c3 = new nn.Conv3d(2, 3, 3, { padding: 1 });
  assert.deepEqual(c3.forward(x).tolist(), F.conv3d(x, c3.weight, c3.bias, { padding: 1 }).tolist());
  assert.deepEqual(c3.forward(torch.randn([2, 6, 5, 4])).shape, [3, 6, 5, 4]);
  // PyTorch's init: the bias within ±1/√fanIn (fanIn = 2·27)
  assert.ok((c3.bias!.abs().max().item()) <= 1 / Math.sqrt(54));
  assert.deepEqual(Object.keys(c3.stateDict()), ["weight", "bias"]);
  const up = new nn.ConvTranspose3d(4, 6, 3, { stride: 2, outputPadding: 1, groups: 2 });
  assert.deepEqual(up.weight.shape, [4, 3, 3, 3, 3]);
  assert.equal(String(up), "ConvTranspose3d(4, 6, kernel_size=(3, 3, 3), stride=(2, 2, 2), output_padding=(1, 1, 1), groups=2)");
  // with output padding a stride-2 ConvTranspose3d maps a stride-2 Conv3d's output back to its input's size
  const down = new nn.Conv3d(3, 4, 3, { stride: 2, padding: 1 }), back = new nn.ConvTranspose3d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(back.forward(down.forward(torch.randn([1, 3, 8, 6, 4]))).shape, [1, 3, 8, 6, 4]);
  assert.throws(() => new nn.Conv3d(3, 4, 3, { groups: 2 }), /^Error: in_channels must be divisible by groups$/);
  assert.throws(() => new nn.Conv3d(2, 4, 3, { padding: "same", stride: 2 }), /^Error: padding='same' is not supported for strided convolutions$/);
});

test("conv3d / conv_transpose3d reject what PyTorch rejects, with its messages", () => {
  const x = torch.randn([1, 2, 5, 5, 5]), w = torch.randn([4, 2, 3, 3, 3]);
  const starts = (fn: () => unknown, text: string) => assert.throws(fn, (e: Error) => e.message.startsWith(text) || assert.fail(`${e.message}\n  does not start with\n${text}`));
  starts(() => F.conv3d(torch.randn([2, 5, 5]), w), "Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [2, 5, 5]");
  starts(() => F.conv3d(torch.randn([1, 1, 2, 5, 5, 5]), w), "Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [1, 1, 2, 5, 5, 5]");
  starts(() => F.conv3d(torch.randn([1, 3, 5, 5, 5]), w), "Given groups=1, weight of size [4, 2, 3, 3, 3], expected input[1, 3, 5, 5, 5] to have 2 channels, but got 3 channels instead");
  starts(() => F.conv3d(torch.randn([1, 2, 2, 5, 5]), w), "Calculated padded input size per channel: (2 x 5 x 5). Kernel size: (3 x 3 x 3). Kernel size can't be greater than actual input size");
  starts(() => F.conv3d(x, w, null, { dilation: [1, 3, 1] }), "Calculated padded input size per channel: (5 x 5 x 5). Kernel size: (3 x 7 x 3).");
  starts(() => F.conv3d(x, w, null, { padding: "same", stride: 2 }), "padding='same' is not supported for strided convolutions");
  starts(() => F.conv3d(x, w, null, { padding: "full" as "same" }), "Invalid padding string: 'full'");
  starts(() => F.conv3d(x, torch.randn([3, 1, 3, 3, 3]), null, { groups: 2 }), "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[3, 1, 3, 3, 3]] instead");
  starts(() => F.conv3d(x, torch.randn([1, 2, 3, 3, 3]), null, { groups: 2 }), "Given groups=2, expected weight to be at least 2 at dimension 0, but got weight of size [1, 2, 3, 3, 3] instead");
  starts(() => F.conv3d(x, w, torch.randn([3])), "Given weight of size [4, 2, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead");
  starts(() => F.conv3d(x.double(), w), "expected scalar type Double but found Float");
  starts(() => F.conv3d(x, w, null, { stride: 0 }), "non-positive stride is not supported");
  starts(() => F.conv3d(x, w, null, { padding: -1 }), "negative padding is not supported");
  starts(() => F.conv3d(x, w, null, { dilation: 0 }), "dilation should be greater than zero, but got [0, 0, 0]");
  starts(() => F.conv3d(x, w, null, { groups: 0 }), "non-positive groups is not supported");
  // (PyTorch 1.13 words a 4-d weight as a stride mismatch; the shapes are named here)
  starts(() => F.conv3d(x, torch.randn([4, 2, 3, 3])), "Expected 5-dimensional weight for 5-dimensional input [1, 2, 5, 5, 5], but got weight of size [4, 2, 3, 3]");
  assert.deepEqual(F.conv3d(torch.randn([0, 2, 5, 5, 5]), w).shape, [0, 4, 3, 3, 3]);
  const wt = torch.randn([2, 3, 3, 3, 3]);
  starts(() => F.convTranspose3d(torch.randn([2, 5, 5]), wt), "Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of size: [2, 5, 5]");
  starts(() => F.convTranspose3d(torch.randn([1, 3, 5, 5, 5]), wt), "Given transposed=1, weight of size [2, 3, 3, 3, 3], expected input[1, 3, 5, 5, 5] to have 2 channels, but got 3 channels instead");
  starts(() => F.convTranspose3d(x, wt, null, { stride: 2, outputPadding: 2 }),
    "output padding must be smaller than either stride or dilation, but got output_padding_depth: 2 output_padding_height: 2 output_padding_width: 2 stride_depth: 2 stride_height: 2 stride_width: 2 dilation_depth: 1 dilation_height: 1 dilation_width: 1");
  starts(() => F.convTranspose3d(x, wt, null, { padding: 5 }), "Given input size per channel: (5 x 5 x 5). Calculated output size per channel: (-3 x -3 x -3). Output size is too small");
  starts(() => F.convTranspose3d(x, wt, torch.randn([2])), "Given transposed=1, weight of size [2, 3, 3, 3, 3], expected bias to be 1-dimensional with 3 elements, but got bias of size [2] instead");
  starts(() => F.convTranspose3d(x, wt, null, { groups: 3 }), "Given groups=3, expected weight to be at least 3 at dimension 0, but got weight of size [2, 3, 3, 3, 3] instead");
  starts(() => F.convTranspose3d(x, wt, null, { padding: -1 }), "negative padding is not supported");
  starts(() => F.convTranspose3d(x.double(), wt), "expected scalar type Double but found Float");
  assert.deepEqual(F.convTranspose3d(torch.randn([2, 5, 5, 5]), wt).shape, [3, 7, 7, 7]);
});
