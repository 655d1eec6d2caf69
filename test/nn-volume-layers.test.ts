/**
 * BatchNorm3d and InstanceNorm3d against PyTorch on both backends
 * (fixtures: scripts/gen_vol3d_fixtures.py): training-mode outputs, the
 * gradients of input, weight and bias and the running statistics after the
 * step, float32 and float64, unbatched instance norm. Also Dropout3d /
 * F.dropout3d (whole channels dropped, the rest scaled; unbatched input;
 * PyTorch's warning for other ranks) and the layers' reprs and errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertClose, type Encoded } from "./fixture-values.js";
import { checkOutputAndGrads, type EncodedTensor, leaf, readVol3d } from "./vol3d-fixtures.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const F = torch.nn.functional;
const nn = torch.nn;

interface NormCase {
  name: string;
  layer: "BatchNorm3d" | "InstanceNorm3d";
  numFeatures: number;
  affine: boolean;
  trackRunningStats: boolean;
  dtype: "float32" | "float64";
  weight: EncodedTensor | null;
  bias: EncodedTensor | null;
  input: EncodedTensor;
  output: EncodedTensor;
  gradOutput: Encoded[];
  inputGrad: Encoded[];
  weightGrad: Encoded[] | null;
  biasGrad: Encoded[] | null;
  runningMean: EncodedTensor | null;
  runningVar: EncodedTensor | null;
}

const CASES = readVol3d().norms as NormCase[];

describeOnBackends((b) => `BatchNorm3d and InstanceNorm3d against PyTorch (${b})`, () => {
  test("training step: output, input / weight / bias gradients and running statistics", () => {
    assert.ok(CASES.length >= 4);
    for (const c of CASES) {
      const options = { affine: c.affine, trackRunningStats: c.trackRunningStats, dtype: c.dtype };
      const layer = c.layer === "BatchNorm3d" ? new nn.BatchNorm3d(c.numFeatures, options) : new nn.InstanceNorm3d(c.numFeatures, options);
      torch.noGrad(() => {
        if (c.weight !== null) layer.weight!.copy_(leaf(c.weight, c.dtype));
        if (c.bias !== null) layer.bias!.copy_(leaf(c.bias, c.dtype));
      });
      const x = leaf(c.input, c.dtype);
      checkOutputAndGrads(c.name, layer.forward(x), c.output, c.gradOutput, [x, layer.weight, layer.bias], [c.inputGrad, c.weightGrad, c.biasGrad]);
      assert.equal(layer.runningMean === null, c.runningMean === null, c.name);
      if (c.runningMean !== null) assertClose(Array.from(layer.runningMean!.data as Float32Array), c.runningMean.data, `${c.name} running mean`);
      if (c.runningVar !== null) assertClose(Array.from(layer.runningVar!.data as Float32Array), c.runningVar.data, `${c.name} running var`);
    }
  });
});

test("BatchNorm3d / InstanceNorm3d: PyTorch's reprs, eval mode and rank errors", () => {
  assert.equal(String(new nn.BatchNorm3d(3)), "BatchNorm3d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  assert.equal(String(new nn.InstanceNorm3d(3, { affine: true })), "InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=False)");
  assert.throws(() => new nn.BatchNorm3d(2).forward(torch.randn([2, 2, 3, 3])), /^Error: expected 5D input \(got 4D input\)$/);
  assert.throws(() => new nn.InstanceNorm3d(2).forward(torch.randn([2, 3, 3])), /^Error: expected 4D or 5D input \(got 3D input\)$/);
  assert.throws(() => new nn.InstanceNorm3d(3, { affine: true }).forward(torch.randn([1, 2, 3, 3, 3])),
    /^Error: expected input's size at dim=1 to match num_features \(3\), but got: 2\.$/);
  // eval mode normalises with the running statistics (here the initial 0 and 1)
  const bn = new nn.BatchNorm3d(2);
  bn.eval();
  const x = torch.randn([1, 2, 2, 2, 2]);
  const y = bn.forward(x);
  assert.ok(y.sub(x.div(Math.sqrt(1 + 1e-5))).abs().max().item() < 1e-6);
  assert.deepEqual(Object.keys(bn.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
});

test("F.dropout3d / nn.Dropout3d drop whole channels of volumes and scale the rest, as PyTorch 2.x", async () => {
  const x = torch.ones([4, 6, 2, 3, 2]);
  const y = F.dropout3d(x, 0.5, { generator: new torch.Generator().manualSeed(1) });
  const perChannel = y.reshape([24, 12]);
  const values = perChannel.tolist() as number[][];
  // each channel is all 0 or all 2
  assert.ok(values.every((row) => row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2)));
  const dropped = values.filter((row) => row[0] === 0).length;
  assert.ok(dropped > 0 && dropped < 24);
  // unbatched [C, D, H, W]: the channels are dim 0
  const u = F.dropout3d(torch.ones([8, 2, 2, 2]), 0.5).reshape([8, 8]).tolist() as number[][];
  assert.ok(u.every((row) => row.every((v) => v === row[0])));
  // inplace writes over the input and returns it
  const z = torch.ones([2, 3, 2, 2, 2]);
  assert.equal(F.dropout3d(z, 0.5, { inplace: true }), z);
  assert.ok((z.reshape([6, 8]).tolist() as number[][]).every((row) => row.every((v) => v === row[0])));
  const drop = new nn.Dropout3d(0.2);
  assert.equal(String(drop), "Dropout3d(p=0.2, inplace=False)");
  drop.eval();
  assert.equal(drop.forward(x), x);
  assert.throws(() => F.dropout3d(x, 1.5), /^Error: dropout probability has to be between 0 and 1, but got 1.5$/);
  const warnings = await warningMessagesDuring(() => F.dropout3d(torch.ones([2, 3]), 0.5));
  assert.ok(warnings.some((w) => w.startsWith("dropout3d: Received a 2-D input to dropout3d, which is deprecated")));
  // gradients flow through the kept channels only, scaled
  const g = torch.ones([1, 4, 2, 2, 2], { requiresGrad: true });
  const out = F.dropout3d(g, 0.5, { generator: new torch.Generator().manualSeed(3) });
  out.sum().backward();
  assert.deepEqual(g.grad!.tolist(), out.detach().tolist());
});
