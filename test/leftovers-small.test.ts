/**
 * Small fixes from the probes, each against PyTorch 1.13 (expected values
 * inline): linear / matmul with no features (K = 0), LSTM with input_size 0,
 * advanced indexing that visits no element, index messages for size-0 dims
 * and 0-d tensors, and interpolate on integer tensors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;
const { Slice } = torch.indexing;

test("F.linear and matmul with an empty inner dimension give the bias (zeros) and empty / summed gradients", () => {
  const x = torch.zeros([2, 0], { requiresGrad: true }), w = torch.zeros([3, 0], { requiresGrad: true });
  const b = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = F.linear(x, w, b);
  // PyTorch: [[1., 2., 3.], [1., 2., 3.]]
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual(values(y), [1, 2, 3, 1, 2, 3]);
  y.mul(torch.tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
  // PyTorch: x.grad [2, 0], w.grad [3, 0], b.grad [5., 7., 9.]
  assert.deepEqual(x.grad!.shape, [2, 0]);
  assert.deepEqual(w.grad!.shape, [3, 0]);
  assert.deepEqual(values(b.grad!), [5, 7, 9]);
  // leading dims fold into rows: [4, 2, 0] x [3, 0]ᵀ -> zeros [4, 2, 3] (this threw on a [-1, 0] reshape)
  const x3 = torch.randn([4, 2, 0], { requiresGrad: true });
  const y3 = F.linear(x3, torch.randn([3, 0]));
  assert.deepEqual(y3.shape, [4, 2, 3]);
  assert.ok(values(y3).every((v) => v === 0));
  y3.sum().backward();
  assert.deepEqual(x3.grad!.shape, [4, 2, 0]);
  const m = torch.matmul(torch.randn([4, 2, 0]), torch.randn([0, 3]));
  assert.deepEqual(m.shape, [4, 2, 3]);
  assert.ok(values(m).every((v) => v === 0));
});

test("LSTM(0, hidden) runs and matches PyTorch with copied weights (only biases and recurrent weights count)", () => {
  const m = new nn.LSTM(0, 2);
  const p = Object.fromEntries(m.namedParameters());
  assert.deepEqual(p["weight_ih_l0"]!.shape, [8, 0]);
  torch.noGrad(() => {
    p["weight_hh_l0"]!.copy_(torch.tensor(Array.from({ length: 16 }, (_, i) => Math.sin(i) * 0.5)).reshape([8, 2]));
    p["bias_ih_l0"]!.copy_(torch.tensor(Array.from({ length: 8 }, (_, i) => Math.cos(i) * 0.3)));
    p["bias_hh_l0"]!.copy_(torch.tensor(Array.from({ length: 8 }, (_, i) => Math.sin(2 * i) * 0.2)));
  });
  const x = torch.zeros([3, 1, 0], { requiresGrad: true });
  const [out, [h, c]] = m.forward(x);
  // PyTorch: out [3, 1, 2], h and c [1, 1, 2]
  assert.deepEqual(out.shape, [3, 1, 2]);
  assert.deepEqual(h.shape, [1, 1, 2]);
  assert.deepEqual(c.shape, [1, 1, 2]);
  assertClose(values(out), [0.00055688, -0.00838323, 0.00034256, -0.01039735, 8.745e-05, -0.01084877], "output");
  assertClose(values(h), [8.745e-05, -0.01084877], "h");
  assertClose(values(c), [0.00016061, -0.01797115], "c");
  out.sum().backward();
  assert.deepEqual(x.grad!.shape, [3, 1, 0]);
  assert.deepEqual(p["weight_ih_l0"]!.grad!.shape, [8, 0]);
  assertClose(values(p["bias_ih_l0"]!.grad!), [0.00045231, -0.01132545, 0.00028724, -0.00514832, 1.32324767, 1.30518854, 0.00048369, -0.01081106], "bias_ih grad");
  // the case: [5, 2, 0] -> [5, 2, 4]
  assert.deepEqual(new nn.LSTM(0, 4).forward(torch.randn([5, 2, 0]))[0].shape, [5, 2, 4]);
});

test("advanced indexing checks only the index values it visits", () => {
  // PyTorch: torch.zeros(3, 2)[0:0, [-3, 0]] -> tensor([], size=(0, 2))
  const e = torch.zeros([3, 2]).index([Slice(0, 0), [-3, 0]]);
  assert.deepEqual(e.shape, [0, 2]);
  // PyTorch: torch.zeros(3, 2)[[-4, 0], 0:0] -> size (2, 0)
  assert.deepEqual(torch.zeros([3, 2]).index([[-4, 0], Slice(0, 0)]).shape, [2, 0]);
  // PyTorch: torch.zeros(2, 0)[[5]] -> size (1, 0)
  assert.deepEqual(torch.zeros([2, 0]).index([[5]]).shape, [1, 0]);
  // a visited out-of-range index still throws (PyTorch: "index 5 is out of bounds for dimension 0 with size 3")
  assert.throws(() => torch.zeros([3, 2]).index([[5], Slice(0, 1)]), { message: "index 5 is out of bounds for dimension 0 with size 3" });
  // writes into an empty selection: PyTorch's z[0:0, [-3, 0]] = 1 leaves z as it was
  const z = torch.zeros([3, 2]);
  z.indexPut_([Slice(0, 0), [-3, 0]], 1);
  assert.deepEqual(values(z), [0, 0, 0, 0, 0, 0]);
  z.indexPut_([Slice(0, 0), [-3, 0]], torch.ones([0, 2]), { accumulate: true });
  assert.deepEqual(values(z), [0, 0, 0, 0, 0, 0]);
  // gradient through an empty gather
  const g = torch.ones([3, 2], { requiresGrad: true });
  g.index([Slice(0, 0), [-3, 0]]).sum().backward();
  assert.deepEqual(values(g.grad!), [0, 0, 0, 0, 0, 0]);
});

test("index messages: a dim of size 0 and a 0-d tensor, as PyTorch 1.13", () => {
  // PyTorch: torch.zeros(0, 2)[[0]] -> IndexError: index is out of bounds for dimension with size 0
  assert.throws(() => torch.zeros([0, 2]).index([[0]]), { message: "index is out of bounds for dimension with size 0" });
  // even when the result would be empty: torch.zeros(0, 2)[[5], 0:0] -> same IndexError
  assert.throws(() => torch.zeros([0, 2]).index([[5], Slice(0, 0)]), { message: "index is out of bounds for dimension with size 0" });
  // PyTorch: torch.zeros(2, 0)[:, [0]] -> same IndexError; z[[0]] = 1 on zeros(0, 2) too
  assert.throws(() => torch.zeros([2, 0]).index([Slice(), [0]]), { message: "index is out of bounds for dimension with size 0" });
  assert.throws(() => torch.zeros([0, 2]).indexPut_([[0]], 1), { message: "index is out of bounds for dimension with size 0" });
  // an empty index on a size-0 dim is fine: torch.zeros(0, 2)[torch.tensor([], dtype=long)] -> size (0, 2)
  assert.deepEqual(torch.zeros([0, 2]).index([torch.tensor([], { dtype: "int32" })]).shape, [0, 2]);
  // PyTorch 1.13: torch.tensor(5)[(0, 0)] -> IndexError: too many indices for tensor of dimension 0 (a lone [0] is Python's x[0]: see tensor-index.test.ts)
  assert.throws(() => torch.tensor(5).index([0, 0]), { message: "too many indices for tensor of dimension 0" });
  assert.throws(() => torch.tensor(5).index([[0]]), { message: "too many indices for tensor of dimension 0" });
});

test("F.interpolate refuses integer and bool input with PyTorch's kernel messages", () => {
  const i3 = torch.ones([1, 2, 2], { dtype: "int32" }), i4 = torch.ones([1, 2, 2, 2], { dtype: "int32" });
  // PyTorch: RuntimeError: "compute_indices_weights_nearest" not implemented for 'Int'
  assert.throws(() => F.interpolate(i3, { scaleFactor: 2, mode: "nearest" }), { message: "\"compute_indices_weights_nearest\" not implemented for 'Int'" });
  assert.throws(() => F.interpolate(i4, { scaleFactor: 2, mode: "nearest-exact" }), { message: "\"compute_indices_weights_nearest\" not implemented for 'Int'" });
  // one channel is channels-last contiguous: "upsample_nearest2d_channels_last" not implemented for 'Int'
  assert.throws(() => F.interpolate(torch.ones([1, 1, 2, 2], { dtype: "int32" }), { scaleFactor: 2 }), { message: "\"upsample_nearest2d_channels_last\" not implemented for 'Int'" });
  // "compute_indices_weights_linear" / "..._cubic" not implemented for 'Int'; bool: 'Bool'
  assert.throws(() => F.interpolate(i3, { scaleFactor: 2, mode: "linear" }), { message: "\"compute_indices_weights_linear\" not implemented for 'Int'" });
  assert.throws(() => F.interpolate(i4, { scaleFactor: 2, mode: "bicubic" }), { message: "\"compute_indices_weights_cubic\" not implemented for 'Int'" });
  assert.throws(() => F.interpolate(torch.ones([1, 2, 2], { dtype: "bool" }), { scaleFactor: 2 }), { message: "\"compute_indices_weights_nearest\" not implemented for 'Bool'" });
  // float input still works
  assert.deepEqual(values(F.interpolate(torch.tensor([[[1, 2]]]), { scaleFactor: 2 })), [1, 1, 2, 2]);
});
