/**
 * max_pool2d with a graph (PyTorch's max_pool2d_with_indices) against
 * PyTorch on both backends (fixtures: scripts/gen_pool_fixtures.py): values
 * and, through the input gradients, which element of each window was chosen
 * (ties, several NaNs, windows of -inf only, overlapping windows). Also: the
 * native indices equal the reference's, second-order gradients pass
 * gradcheck, and modifying the input in place before backward is caught.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { nativeAddon } from "../src/backend/native/load.js";
import { referenceBackend } from "../src/backend/reference/index.js";
import { type Conv2dGeometry, type Strided, windowOutputSize } from "../src/backend/backend.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { S } from "./strided.js";
import { checkGolden, type GoldenCase, readOpsCases } from "./fixture-values.js";

const F = torch.nn.functional;
type Pair = number | [number, number];

interface PoolCase extends GoldenCase {
  kernel: Pair;
  stride: Pair | null;
  padding: Pair;
  dilation: Pair;
}

const CASES = readOpsCases<PoolCase>("max-pool2d.json");

for (const backend of BACKENDS) {
  test(`max_pool2d values and gradients match PyTorch, ties and NaN included (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of CASES) {
      const y = checkGolden(c, (x) => F.maxPool2d(x, c.kernel, { stride: c.stride, padding: c.padding, dilation: c.dilation }));
      assert.equal(y.gradFn?.name, "MaxPool2DWithIndicesBackward0");
    }
  });

  test(`max_pool2d second-order gradients pass gradcheck (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    const x = torch.randn([2, 3, 6, 5], { dtype: "float64", requiresGrad: true });
    const v = torch.randn([2, 3, 6, 5], { dtype: "float64" });
    // the gradient of <d pool / dx, v> w.r.t. the upstream gradient goes through the backward's own backward
    const up = torch.randn([2, 3, 3, 2], { dtype: "float64", requiresGrad: true });
    assert.ok(torch.autograd.gradcheck((u) => {
      const y = F.maxPool2d(x, 2, { stride: 2 });
      const [gx] = torch.autograd.grad(y, [x], { gradOutputs: [u], createGraph: true });
      return gx!.mul(v).sum();
    }, [up]));
  });

  test(`max_pool2d saves its input: an in-place change before backward is an error (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    const x = torch.randn([1, 1, 4, 4], { requiresGrad: true });
    const h = x.mul(2);
    const y = F.maxPool2d(h, 2);
    h.add_(1);
    assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
  });
}

test("native max_pool2d indices and backward equal the reference loop's", { skip: nativeAddon() === null ? "native addon not built" : false }, () => {
  const addon = nativeAddon()!;
  const geoms: Conv2dGeometry[] = [
    { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
    { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
    { kernel: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [2, 2] },
    { kernel: [3, 2], stride: [1, 2], padding: [1, 0], dilation: [1, 1] }, // 2-wide, stride-2 rows with padded rows
  ];
  const [N, C, H, W] = [2, 3, 11, 41]; // 20 outputs per row for 2x2: more than one vector, the last one partial
  // values in {-1, 0, 1} from a hash of the position: ties inside windows, across rows and columns alike
  const data = Float32Array.from({ length: N * C * H * W }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) >>> 29) % 3 - 1);
  for (let i = 0; i < data.length; i += 17) data[i] = NaN;
  for (let i = 5; i < data.length; i += 23) data[i] = -Infinity;
  const x = S(data, [N, C, H, W]);
  for (const g of geoms) {
    const [oh, ow] = windowOutputSize(H, W, g);
    const shape = [N, C, oh, ow], n = N * C * oh * ow;
    const [mine, theirs] = [S(new Float32Array(n), shape), S(new Float32Array(n), shape)];
    const [mi, ti] = [S(new Int32Array(n), shape), S(new Int32Array(n), shape)];
    addon.maxPool2d(mine, x, g, mi);
    referenceBackend.maxPool2d(theirs, x, g, ti);
    const what = JSON.stringify(g);
    assert.deepEqual(Array.from(mi.data), Array.from(ti.data), `indices ${what}`);
    assert.deepEqual(Array.from(mine.data).map(String), Array.from(theirs.data).map(String), `values ${what}`);
    const grad = S(Float32Array.from({ length: n }, (_, i) => (i % 5) - 2), shape);
    const [gm, gt] = [S(new Float32Array(N * C * H * W), x.shape), S(new Float32Array(N * C * H * W), x.shape)];
    addon.maxPool2dBackward(gm, grad, mi);
    referenceBackend.maxPool2dBackward(gt, grad, ti);
    assert.deepEqual(Array.from(gm.data), Array.from(gt.data), `backward ${what}`);
  }
});

test("native max_pool2d backward checks its arguments before writing", { skip: nativeAddon() === null ? "native addon not built" : false }, () => {
  const addon = nativeAddon()!;
  const gin = S(new Float32Array(16), [1, 1, 4, 4]), grad = S(new Float32Array(4), [1, 1, 2, 2]);
  assert.throws(() => addon.maxPool2dBackward(gin, grad, S(Int32Array.from([0, 3, 16, 1]), [1, 1, 2, 2])), /index 16 is out of range/);
  assert.throws(() => addon.maxPool2dBackward(gin, grad, S(Int32Array.from([0, -1, 2, 1]), [1, 1, 2, 2])), /index -1 is out of range/);
  assert.throws(() => addon.maxPool2dBackward(gin, grad, S(new Int32Array(6), [1, 1, 2, 3])), /grad.shape \[1, ?1, ?2, ?2\] and indices.shape/);
  assert.throws(() => addon.maxPool2dBackward(gin, S(new Float32Array(8), [2, 1, 2, 2]), S(new Int32Array(8), [2, 1, 2, 2])), /differ in batch or channels/);
  assert.throws(() => addon.maxPool2dBackward(gin, grad, S(new Float32Array(4), [1, 1, 2, 2])), /indices/);
  const transposed: Strided = { ...gin, strides: [16, 16, 1, 4] };
  assert.throws(() => addon.maxPool2dBackward(transposed, grad, S(new Int32Array(4), [1, 1, 2, 2])), /gradInput must be contiguous/);
  const out = S(new Float32Array(4), [1, 1, 2, 2]);
  assert.throws(() => addon.maxPool2d(out, gin, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] }, S(new Int32Array(2), [1, 1, 1, 2])), /indices/);
  assert.deepEqual(Array.from(gin.data), new Array(16).fill(0), "nothing was written");
});
