/**
 * nn.InstanceNorm1d/2d and nn.RMSNorm against PyTorch on both backends
 * (fixtures: scripts/gen_loss2_fixtures.py): affine or not, running
 * statistics tracked or not, training and eval, unbatched input, 2.x's
 * momentum=None; output, input and weight gradients, the state after the
 * step. RMSNorm's goldens come from the 2.x formula (1.13 has no RMSNorm),
 * so its gradients are also checked by gradcheck. Also F.instanceNorm and
 * F.rmsNorm directly, state-dict keys, reprs and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkLayerCase, type LayerCase, readCases } from "./golden-cases.js";
import { values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

const CASES = readCases<LayerCase>("norms_more.json");

function build(c: LayerCase): torch.nn.Module {
  const [arg] = c.ctor.args as [any];
  switch (c.ctor.type) {
    case "InstanceNorm1d": return new nn.InstanceNorm1d(arg, c.ctor.options);
    case "InstanceNorm2d": return new nn.InstanceNorm2d(arg, c.ctor.options);
    case "RMSNorm": return new nn.RMSNorm(arg, c.ctor.options);
    default: throw new Error(`unknown layer ${c.ctor.type}`);
  }
}

for (const backend of BACKENDS) {
  for (const type of ["InstanceNorm1d", "InstanceNorm2d", "RMSNorm"]) {
    test(`${type} matches PyTorch: output, gradients, state after the step (${backend})`, { skip: backendSkip(backend) }, () => {
      const previous = torch.getBackend();
      torch.setBackend(backend);
      try {
        const cases = CASES.filter((c) => c.ctor.type === type);
        assert.ok(cases.length >= 3);
        for (const c of cases) checkLayerCase(c, build);
      } finally {
        torch.setBackend(previous);
      }
    });
  }
}

test("InstanceNorm keeps PyTorch's state-dict keys and repr; the running statistics move only when tracked and training", () => {
  assert.deepEqual(Object.keys(new nn.InstanceNorm1d(3).stateDict()), []);
  assert.deepEqual(Object.keys(new nn.InstanceNorm2d(3, { affine: true }).stateDict()), ["weight", "bias"]);
  const tracked = new nn.InstanceNorm2d(2, { affine: true, trackRunningStats: true });
  assert.deepEqual(Object.keys(tracked.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
  assert.equal(String(new nn.InstanceNorm1d(3)), "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
  assert.equal(String(tracked), "InstanceNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  const x = torch.randn([2, 2, 3, 3]).mul(2).add(1);
  tracked.forward(x);
  assert.notDeepEqual(values(tracked.runningMean!), [0, 0]);
  // PyTorch's instance norm does not count batches
  assert.equal(tracked.numBatchesTracked!.item(), 0);
  const before = values(tracked.runningMean!);
  tracked.eval().forward(x);
  assert.deepEqual(values(tracked.runningMean!), before);
  // untracked: the same in eval mode as in training
  const plain = new nn.InstanceNorm1d(2);
  const y = torch.randn([3, 2, 5]);
  assert.deepEqual(values(plain.eval().forward(y)), values(plain.train().forward(y)));
});

test("F.instanceNorm: each instance normalised on its own, running statistics updated in place", () => {
  const x = torch.tensor([[[1, 2, 3, 6]], [[10, 10, 12, 8]]]);
  const y = F.instanceNorm(x, { eps: 0 });
  for (const row of y.tolist() as number[][][]) {
    const r = row[0]!;
    const m = r.reduce((s, v) => s + v, 0) / r.length;
    assert.ok(Math.abs(m) < 1e-6 && Math.abs(r.reduce((s, v) => s + v * v, 0) / r.length - 1) < 1e-5);
  }
  const runningMean = torch.zeros([1]), runningVar = torch.ones([1]);
  F.instanceNorm(x, { runningMean, runningVar, momentum: 0.5 });
  // the average of the instance means (3 and 10), halfway from 0; of the unbiased variances (14/3 and 8/3), halfway from 1
  assert.ok(Math.abs(runningMean.item() - 3.25) < 1e-6);
  assert.ok(Math.abs(runningVar.item() - (0.5 + 0.5 * (11 / 3))) < 1e-5);
  const z = F.instanceNorm(x, { runningMean: torch.tensor([2]), runningVar: torch.tensor([4]), useInputStats: false, eps: 0 });
  assert.deepEqual(values(z), [-0.5, 0, 0.5, 2, 4, 4, 5, 3]);
});

test("F.rmsNorm: x / sqrt(mean(x²) + eps) over the trailing dims, eps the dtype's machine epsilon by default", () => {
  const x = torch.tensor([[3, 4], [0, 0]]);
  assert.deepEqual(values(F.rmsNorm(x, [2], { eps: 0 })).slice(0, 2).map((v) => Math.round(v * 1e6) / 1e6), [0.848528, 1.131371]);
  // a zero row stays finite only thanks to eps
  assert.deepEqual(values(F.rmsNorm(x, [2])).slice(2), [0, 0]);
  // float32: 2^-23, float64: 2^-52 (a tiny row shows which eps was added)
  const tiny = (dtype: "float32" | "float64") => F.rmsNorm(torch.tensor([1e-4], { dtype }), [1]).item();
  assert.ok(Math.abs(tiny("float32") - 1e-4 / Math.sqrt(1e-8 + 2 ** -23)) < 1e-7);
  assert.ok(Math.abs(tiny("float64") - 1e-4 / Math.sqrt(1e-8 + 2 ** -52)) < 1e-12);
  const w = torch.tensor([2, 0.5]);
  assert.deepEqual(values(F.rmsNorm(x, [2], { weight: w, eps: 0 })).slice(0, 2).map((v) => Math.round(v * 1e6) / 1e6), [1.697056, 0.565685]);
});

test("RMSNorm and InstanceNorm pass gradcheck in float64 (input and weight)", () => {
  const f64 = { dtype: "float64", requiresGrad: true } as const;
  const x = torch.tensor([[[0.3, -1.2, 0.5], [2, 0.1, -0.4]], [[1.1, 0.2, -0.7], [0.5, 0.9, -2]]], f64);
  const w = torch.tensor([[1.5, 0.5, -1], [0.2, 2, 1]], f64);
  assert.ok(torch.autograd.gradcheck((a, b) => F.rmsNorm(a, [2, 3], { weight: b }), [x, w]));
  assert.ok(torch.autograd.gradcheck((a) => F.rmsNorm(a, [3], { eps: 1e-3 }), [x]));
  const g = torch.tensor([1.5, -0.5], f64), b = torch.tensor([0.1, 0.2], f64);
  assert.ok(torch.autograd.gradcheck((a, gw, gb) => F.instanceNorm(a, { weight: gw, bias: gb }), [x, g, b]));
});

test("RMSNorm: weight of ones, PyTorch's repr and state dict; dtype and eps options", () => {
  const m = new nn.RMSNorm([2, 3]);
  assert.deepEqual(values(m.weight!), [1, 1, 1, 1, 1, 1]);
  assert.equal(String(m), "RMSNorm((2, 3), eps=None, elementwise_affine=True)");
  assert.equal(String(new nn.RMSNorm(4, { eps: 1e-5, elementwiseAffine: false })), "RMSNorm((4,), eps=1e-05, elementwise_affine=False)");
  assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
  assert.deepEqual(Object.keys(new nn.RMSNorm(4, { elementwiseAffine: false }).stateDict()), []);
  const d = new nn.RMSNorm(3, { dtype: "float64" });
  assert.equal(d.weight!.dtype, "float64");
  assert.equal(d.forward(torch.tensor([[1, 2, 3]], { dtype: "float64" })).dtype, "float64");
});

test("norm layers reject bad input with PyTorch's messages", () => {
  assert.throws(() => new nn.InstanceNorm1d(3).forward(torch.randn([2, 3, 4, 5])), /expected 2D or 3D input \(got 4D input\)/);
  assert.throws(() => new nn.InstanceNorm2d(3).forward(torch.randn([3, 4])), /expected 3D or 4D input \(got 2D input\)/);
  assert.throws(() => new nn.InstanceNorm1d(4, { affine: true }).forward(torch.randn([2, 3, 4])), /expected input's size at dim=1 to match num_features \(4\), but got: 3\./);
  assert.throws(() => new nn.InstanceNorm1d(4, { affine: true }).forward(torch.randn([3, 4])), /expected input's size at dim=0 to match num_features \(4\), but got: 3\./);
  assert.throws(() => F.instanceNorm(torch.randn([2, 3, 1])), /Expected more than 1 spatial element when training, got input size \[2, 3, 1\]/);
  assert.throws(() => F.instanceNorm(torch.randn([2, 3, 4]), { useInputStats: false }), /Expected running_mean and running_var to be defined when use_input_stats is false/);
  assert.throws(() => F.instanceNorm(torch.randn([2, 3, 4]), { weight: torch.ones([4]) }), /weight should contain 6 elements not 8/);
  assert.throws(() => F.rmsNorm(torch.randn([2, 3]), [4]), /Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]/);
  assert.throws(() => F.rmsNorm(torch.randn([2, 3]), []), /Expected normalized_shape to be at least 1-dimensional/);
  assert.throws(() => F.rmsNorm(torch.randn([2, 3]), [3], { weight: torch.ones([2]) }), /Expected weight to be of same shape as normalized_shape, but got weight of shape \[2\] and normalized_shape = \[3\]/);
  assert.throws(() => F.rmsNorm(torch.ones([2, 3], { dtype: "int32" }), [3]), /"rms_norm" not implemented for 'Int'/);
});
