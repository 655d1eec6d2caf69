/**
 * The convolution layers' `paddingMode` against PyTorch on both backends
 * (fixtures: scripts/gen_vol3d_fixtures.py): nn.Conv1d/2d/3d with reflect,
 * replicate and circular padding (also with padding "same", strides,
 * groups and unbatched input), given PyTorch's weight and bias: the output
 * and the gradients of input, weight and bias. Also the reprs and PyTorch's
 * errors (unknown modes; transposed layers take only "zeros").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import type { ConvPaddingMode } from "../src/nn/index.js";
import { describeOnBackends } from "./backends.js";
import { checkOutputAndGrads, type EncodedTensor, leaf, readVol3d } from "./vol3d-fixtures.js";
import type { Encoded } from "./fixture-values.js";

const nn = torch.nn;

interface PaddingModeCase {
  name: string;
  layer: "Conv1d" | "Conv2d" | "Conv3d";
  args: [number, number, number | number[]];
  options: { padding?: number | number[] | "same"; stride?: number; dilation?: number; groups?: number; bias?: boolean; padding_mode: ConvPaddingMode };
  weight: EncodedTensor;
  bias: EncodedTensor | null;
  input: EncodedTensor;
  output: EncodedTensor;
  gradOutput: Encoded[];
  inputGrad: Encoded[];
  weightGrad: Encoded[];
  biasGrad: Encoded[] | null;
}

const CASES = readVol3d().paddingMode as PaddingModeCase[];

/** The case's layer, built with torchlet's option names. */
function layerOf(c: PaddingModeCase): torch.nn.Module & { weight: Tensor; bias: Tensor | null } {
  const { padding_mode: paddingMode, ...rest } = c.options;
  const [inC, outC, k] = c.args;
  const o = { ...rest, paddingMode };
  switch (c.layer) {
    case "Conv1d": return new nn.Conv1d(inC, outC, k as number, o as torch.nn.Conv1dLayerOptions);
    case "Conv2d": return new nn.Conv2d(inC, outC, k as number | [number, number], o as torch.nn.Conv2dLayerOptions);
    case "Conv3d": return new nn.Conv3d(inC, outC, k as number | [number, number, number], o as torch.nn.Conv3dLayerOptions);
  }
}

describeOnBackends((b) => `convolution padding modes against PyTorch (${b})`, () => {
  test("Conv1d/2d/3d with reflect, replicate and circular padding: output and input, weight and bias gradients", () => {
    assert.ok(CASES.length >= 10);
    for (const c of CASES) {
      const layer = layerOf(c);
      torch.noGrad(() => {
        layer.weight.copy_(leaf(c.weight, "float32"));
        if (c.bias !== null) layer.bias!.copy_(leaf(c.bias, "float32"));
      });
      assert.equal(layer.bias === null, c.bias === null, c.name);
      const x = leaf(c.input, "float32");
      checkOutputAndGrads(c.name, layer.forward(x), c.output, c.gradOutput, [x, layer.weight, layer.bias], [c.inputGrad, c.weightGrad, c.biasGrad]);
    }
  });
});

test("paddingMode: the layers print it as PyTorch does and pad as F.pad then convolve unpadded", () => {
  assert.equal(String(new nn.Conv2d(2, 4, 3, { paddingMode: "replicate" })), "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding_mode=replicate)");
  assert.equal(String(new nn.Conv1d(2, 4, 3, { padding: 1, paddingMode: "zeros" })), "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,))");
  assert.equal(String(new nn.Conv3d(2, 4, [3, 2, 1], { stride: [2, 1, 1], padding: 1, dilation: 2, groups: 2, bias: false, paddingMode: "reflect" })),
    "Conv3d(2, 4, kernel_size=(3, 2, 1), stride=(2, 1, 1), padding=(1, 1, 1), dilation=(2, 2, 2), groups=2, bias=False, padding_mode=reflect)");
  assert.equal(String(new nn.Conv3d(2, 4, 3, { padding: "same", paddingMode: "circular" })), "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same, padding_mode=circular)");
  const conv = new nn.Conv2d(2, 3, [3, 2], { padding: [1, 2], paddingMode: "circular" });
  assert.equal(conv.paddingMode, "circular");
  const x = torch.randn([1, 2, 4, 5]);
  const expected = torch.nn.functional.conv2d(torch.nn.functional.pad(x, [2, 2, 1, 1], "circular"), conv.weight, conv.bias);
  assert.deepEqual(conv.forward(x).tolist(), expected.tolist());
  // "zeros" is the default, and the same as before
  const zero = new nn.Conv2d(2, 3, 3, { padding: 1 });
  assert.equal(zero.paddingMode, "zeros");
  assert.deepEqual(zero.forward(x).tolist(), torch.nn.functional.conv2d(x, zero.weight, zero.bias, { padding: 1 }).tolist());
});

test("paddingMode: PyTorch's errors for an unknown mode, for transposed layers and for padding the mode cannot do", () => {
  assert.throws(() => new nn.Conv2d(2, 4, 3, { paddingMode: "foo" as ConvPaddingMode }),
    /^Error: padding_mode must be one of \{'zeros', 'reflect', 'replicate', 'circular'\}, but got padding_mode='foo'$/);
  assert.throws(() => new nn.ConvTranspose2d(2, 4, 3, { paddingMode: "reflect" }), /^Error: Only "zeros" padding mode is supported for ConvTranspose2d$/);
  assert.throws(() => new nn.ConvTranspose1d(2, 4, 3, { paddingMode: "circular" }), /^Error: Only "zeros" padding mode is supported for ConvTranspose1d$/);
  assert.throws(() => new nn.ConvTranspose3d(2, 4, 3, { paddingMode: "replicate" }), /^Error: Only "zeros" padding mode is supported for ConvTranspose3d$/);
  assert.equal(new nn.ConvTranspose3d(2, 4, 3, { paddingMode: "zeros" }).paddingMode, "zeros");
  assert.throws(() => new nn.Conv2d(2, 4, 3, { padding: "same", stride: 2, paddingMode: "reflect" }), /^Error: padding='same' is not supported for strided convolutions$/);
  // PyTorch's order of checks: groups, then channels, then padding strings, then the mode (nn.Conv3d(2, 2, 3, groups=0); nn.Conv3d(3, 2, 3, groups=2, padding="full"))
  assert.throws(() => new nn.Conv3d(2, 2, 3, { groups: 0 }), /^Error: groups must be a positive integer$/);
  assert.throws(() => new nn.Conv3d(3, 2, 3, { groups: 2, padding: "full" as "same" }), /^Error: in_channels must be divisible by groups$/);
  assert.throws(() => new nn.Conv2d(2, 2, 3, { padding: "full" as "same", paddingMode: "foo" as ConvPaddingMode }), /^Error: Invalid padding string 'full'/);
  assert.throws(() => new nn.ConvTranspose2d(3, 2, 3, { groups: 2, paddingMode: "reflect" }), /^Error: Only "zeros" padding mode is supported for ConvTranspose2d$/);
  // reflection needs the padding smaller than the input: F.pad's error
  assert.throws(() => new nn.Conv1d(1, 1, 3, { padding: 3, paddingMode: "reflect" }).forward(torch.randn([1, 1, 3])),
    /^Error: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding \(3, 3\) at dimension 2 of input \[1, 1, 3\]$/);
});
