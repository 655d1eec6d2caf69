/**
 * The 3-d pools against PyTorch on both backends (fixtures:
 * scripts/gen_vol3d_fixtures.py): max_pool3d (values, PyTorch's flat
 * per-volume indices, and through the gradients which element each window
 * chose: ties, NaN, -inf windows, padding, dilation, ceil mode),
 * avg_pool3d (ceil mode, count_include_pad, divisor_override), the
 * adaptive pools (overlapping windows, None sizes, upsampling), max_unpool3d
 * and lp_pool3d, float32 and float64, batched and unbatched. Also float64
 * gradcheck through the backwards, the layers and PyTorch 2.x's errors;
 * max_pool3d windows wholly in the padding (probe_nn.json).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { AdaptiveSize3d } from "../src/nn/functional.js";
import { describeOnBackends } from "./backends.js";
import { checkOne, type OneCase, readVol3d, triple } from "./vol3d-fixtures.js";
import { values } from "./fixture-values.js";
import { assertMatches, tensorOf } from "./nn-extra-cases.js";
import { camelOptions, PROBE } from "./probe-nn-fixtures.js";

const F = torch.nn.functional;
const nn = torch.nn;

type Size = number | number[];
interface PoolCase extends OneCase {
  kernelSize: Size;
  options: { stride: Size | null; padding: Size; dilation?: Size; ceilMode: boolean; countIncludePad?: boolean; divisorOverride?: number | null; outputSize?: number[] | null };
}
interface AdaptiveCase extends OneCase {
  outputSize: number | (number | null)[];
}
interface LpCase extends OneCase {
  normType: number;
  kernelSize: Size;
  options: { stride: Size | null; ceilMode: boolean };
}

const fx = readVol3d() as {
  maxPool3d: PoolCase[]; avgPool3d: PoolCase[]; adaptiveAvgPool3d: AdaptiveCase[]; adaptiveMaxPool3d: AdaptiveCase[]; maxUnpool3d: PoolCase[]; lpPool3d: LpCase[];
};

const orNull = (v: Size | null) => (v === null ? null : triple(v));
const size3 = (v: number | (number | null)[]): AdaptiveSize3d => (typeof v === "number" ? v : [v[0]!, v[1]!, v[2]!]);

describeOnBackends((b) => `3-d pooling against PyTorch (${b})`, () => {
  test("max_pool3d: values, indices and gradients (ties, NaN, -inf, padding, dilation, ceil mode, unbatched)", () => {
    assert.ok(fx.maxPool3d.length >= 8);
    for (const c of fx.maxPool3d) {
      const o = c.options;
      checkOne(c, (x) => F.maxPool3d(x, triple(c.kernelSize), {
        stride: orNull(o.stride), padding: triple(o.padding), dilation: triple(o.dilation!), ceilMode: o.ceilMode, returnIndices: true,
      }));
    }
  });

  test("avg_pool3d: values and gradients (padding, ceil mode, count_include_pad, divisor_override, unbatched)", () => {
    assert.ok(fx.avgPool3d.length >= 8);
    for (const c of fx.avgPool3d) {
      const o = c.options;
      checkOne(c, (x) => F.avgPool3d(x, triple(c.kernelSize), {
        stride: orNull(o.stride), padding: triple(o.padding), ceilMode: o.ceilMode, countIncludePad: o.countIncludePad!, divisorOverride: o.divisorOverride ?? null,
      }));
    }
  });

  test("adaptive_avg_pool3d and adaptive_max_pool3d: values, indices and gradients (overlapping windows, None, upsampling, NaN)", () => {
    assert.ok(fx.adaptiveAvgPool3d.length >= 5 && fx.adaptiveMaxPool3d.length >= 5);
    for (const c of fx.adaptiveAvgPool3d) checkOne(c, (x) => F.adaptiveAvgPool3d(x, size3(c.outputSize)));
    for (const c of fx.adaptiveMaxPool3d) checkOne(c, (x) => F.adaptiveMaxPool3d(x, size3(c.outputSize), { returnIndices: true }));
  });

  test("max_unpool3d: values and gradients at PyTorch's indices (output sizes, padding, unbatched)", () => {
    assert.ok(fx.maxUnpool3d.length >= 4);
    for (const c of fx.maxUnpool3d) {
      const indices = torch.tensor(c.indices!, { dtype: "int32" }).reshape(c.input.shape);
      const o = c.options;
      const { indices: _, ...unpoolCase } = c;
      checkOne(unpoolCase, (x) => F.maxUnpool3d(x, indices, triple(c.kernelSize), { stride: orNull(o.stride), padding: triple(o.padding), outputSize: o.outputSize ?? null }));
    }
  });

  test("lp_pool3d (PyTorch 2.x's composition): values and gradients", () => {
    for (const c of fx.lpPool3d) {
      checkOne(c, (x) => F.lpPool3d(x, c.normType, triple(c.kernelSize), { stride: orNull(c.options.stride), ceilMode: c.options.ceilMode }));
    }
  });

  test("max_pool3d's indices undo through max_unpool3d; the pools pass float64 gradcheck, also of their backward", () => {
    const x = torch.rand([2, 3, 4, 6, 4]).add(0.1);
    const [v, i] = F.maxPool3d(x, 2, { returnIndices: true });
    const back = F.maxUnpool3d(v, i, 2);
    // each window's (positive) maximum is back in place among zeros, so pooling again gives the same values
    assert.deepEqual(F.maxPool3d(back, 2).tolist(), v.tolist());
    const f64 = { dtype: "float64" as const, requiresGrad: true };
    const a = torch.randn([1, 2, 5, 4, 5], f64);
    assert.ok(torch.autograd.gradcheck((t) => F.avgPool3d(t, [3, 2, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [a]));
    assert.ok(torch.autograd.gradcheck((t) => F.maxPool3d(t, 2, { stride: 1, dilation: [1, 2, 1] }), [a]));
    assert.ok(torch.autograd.gradcheck((t) => F.adaptiveAvgPool3d(t, [3, 3, 2]), [a]));
    assert.ok(torch.autograd.gradcheck((t) => F.adaptiveMaxPool3d(t, [2, 3, 3]), [a]));
    assert.ok(torch.autograd.gradcheck((t) => F.lpPool3d(t.abs().add(0.5), 2, 2), [a]));
    const up = torch.randn([1, 2, 2, 2, 2], f64);
    assert.ok(torch.autograd.gradcheck((u) => {
      const xl = a.detach().requiresGrad_(true);
      const [gx] = torch.autograd.grad(F.maxPool3d(xl, 2), [xl], { gradOutputs: [u], createGraph: true });
      return gx!.mul(a.detach()).sum();
    }, [up.requiresGrad_(true)]));
  });
});

test("the 3-d pooling layers: the functions' results and PyTorch's reprs", () => {
  const x = torch.randn([2, 3, 6, 5, 4]);
  const mp = new nn.MaxPool3d([2, 1, 3], { stride: 1, padding: [1, 0, 1], dilation: 2, ceilMode: true });
  assert.equal(String(mp), "MaxPool3d(kernel_size=(2, 1, 3), stride=1, padding=(1, 0, 1), dilation=2, ceil_mode=True)");
  assert.deepEqual(mp.forward(x).tolist(), F.maxPool3d(x, [2, 1, 3], { stride: 1, padding: [1, 0, 1], dilation: 2, ceilMode: true }).tolist());
  assert.equal(String(new nn.MaxPool3d(2)), "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
  const [v, i] = new nn.MaxPool3d(2, { returnIndices: true }).forward(x);
  assert.deepEqual(v.shape, [2, 3, 3, 2, 2]);
  assert.equal(i.dtype, "int32");
  assert.deepEqual(new nn.MaxUnpool3d(2).forward(v, i, [6, 5, 4]).shape, [2, 3, 6, 5, 4]);
  assert.equal(String(new nn.MaxUnpool3d([2, 1, 2], { stride: 1, padding: [1, 0, 0] })), "MaxUnpool3d(kernel_size=(2, 1, 2), stride=(1, 1, 1), padding=(1, 0, 0))");
  assert.equal(String(new nn.MaxUnpool3d(2)), "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))");
  const ap = new nn.AvgPool3d([2, 1, 3], { stride: 1, padding: 1, countIncludePad: false });
  assert.equal(String(ap), "AvgPool3d(kernel_size=(2, 1, 3), stride=1, padding=1)");
  assert.equal(String(new nn.AvgPool3d(2)), "AvgPool3d(kernel_size=2, stride=2, padding=0)");
  assert.deepEqual(new nn.AvgPool3d(2).forward(x).tolist(), F.avgPool3d(x, 2).tolist());
  assert.equal(String(new nn.AdaptiveAvgPool3d(2)), "AdaptiveAvgPool3d(output_size=2)");
  assert.equal(String(new nn.AdaptiveAvgPool3d([2, null, 3])), "AdaptiveAvgPool3d(output_size=(2, None, 3))");
  assert.deepEqual(new nn.AdaptiveAvgPool3d([2, null, 3]).forward(x).shape, [2, 3, 2, 5, 3]);
  const means = x.mean([2, 3, 4]), gap = new nn.AdaptiveAvgPool3d(1).forward(x).reshape([2, 3]);
  assert.ok(gap.sub(means).abs().max().item() < 1e-6);
  assert.equal(String(new nn.AdaptiveMaxPool3d([1, 2, 3], { returnIndices: true })), "AdaptiveMaxPool3d(output_size=(1, 2, 3))");
  const [av, ai] = new nn.AdaptiveMaxPool3d([1, 2, 3], { returnIndices: true }).forward(x);
  assert.deepEqual([av.shape, ai.shape], [[2, 3, 1, 2, 3], [2, 3, 1, 2, 3]]);
  assert.deepEqual(new nn.AdaptiveMaxPool3d(1).forward(x).reshape([2, 3]).tolist(), x.amax([2, 3, 4]).tolist());
  assert.equal(String(new nn.LPPool3d(2, 3)), "LPPool3d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)");
  assert.deepEqual(new nn.LPPool3d(2, 2, { stride: [2, 1, 2] }).forward(x.abs()).shape, [2, 3, 3, 4, 2]);
});

test("the 3-d pools reject what PyTorch 2.x rejects, with its messages", () => {
  const x = torch.randn([1, 2, 5, 5, 5]);
  const starts = (fn: () => unknown, text: string) => assert.throws(fn, (e: Error) => e.message.startsWith(text) || assert.fail(`${e.message}\n  does not start with\n${text}`));
  starts(() => F.maxPool3d(torch.randn([5, 5]), 2), "non-empty 4D or 5D (batch mode) tensor expected for input");
  starts(() => F.maxPool3d(torch.randn([1, 1, 1, 5, 5]), 2), "Given input size: (1x1x5x5). Calculated output size: (1x0x2x2). Output size is too small");
  // (1.13: "pad should be at most half of kernel size, but got pad=2 and kernel_size=2")
  starts(() => F.maxPool3d(x, 2, { padding: 2 }), "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1");
  starts(() => F.maxPool3d(x, 3, { padding: 2, dilation: 2 }), "pad should be smaller than or equal to half of effective kernel size, but got padT: 2 padW: 2 padH: 2 effectiveKT: 5 effectiveKW: 5 effectiveKH: 5");
  starts(() => F.maxPool3d(x, 3, { padding: -1 }), "pad must be non-negative, but got pad: -1");
  starts(() => F.maxPool3d(x, 2, { stride: 0 }), "stride should not be zero");
  starts(() => F.maxPool3d(x, 0), "stride should not be zero");
  starts(() => F.maxPool3d(x, 2, { dilation: 0 }), "dilation should be greater than zero, but got dilationT: 0 dilationH: 0 dilationW: 0");
  starts(() => F.maxPool3d(torch.randn([2, 0, 4, 4, 4]), 2),
    "max_pool3d_with_indices_out_cpu_template(): Expected input's non-batch dimensions to have positive length, but input has a shape of [2, 0, 4, 4, 4] and non-batch dimension 0 has length zero!");
  starts(() => F.maxPool3d(x.to("int32"), 2), "\"max_pool3d_with_indices_cpu\" not implemented for 'Int'");
  assert.deepEqual(F.maxPool3d(torch.randn([0, 2, 4, 4, 4]), 2).shape, [0, 2, 2, 2, 2]);
  assert.deepEqual(F.maxPool3d(torch.randn([2, 5, 5, 5]), 2).shape, [2, 2, 2, 2]);
  starts(() => F.avgPool3d(torch.randn([5, 5]), 2), "non-empty 4D or 5D (batch mode) tensor expected for input");
  starts(() => F.avgPool3d(torch.randn([1, 1, 1, 5, 5]), 2), "input image (T: 1 H: 5 W: 5) smaller than kernel size (kT: 2 kH: 2 kW: 2)");
  starts(() => F.avgPool3d(x, 2, { padding: 2 }), "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1");
  starts(() => F.avgPool3d(x, 2, { stride: 0 }), "stride should not be zero");
  starts(() => F.avgPool3d(x, 2, { divisorOverride: 0 }), "divisor must be not zero");
  starts(() => F.avgPool3d(x.to("int32"), 2), "\"avg_pool3d_out_frame\" not implemented for 'Int'");
  assert.deepEqual(F.avgPool3d(torch.randn([0, 2, 4, 4, 4]), 2).shape, [0, 2, 2, 2, 2]);
  starts(() => F.adaptiveAvgPool3d(torch.randn([5, 5]), 2), "adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got: [5, 5]");
  starts(() => F.adaptiveAvgPool3d(torch.randn([1, 0, 2, 2, 2]), 2),
    "adaptive_avg_pool3d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 0, 2, 2, 2] with dimension 1 being empty");
  starts(() => F.adaptiveMaxPool3d(torch.randn([5, 5]), 2), "adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: [5, 5]");
  starts(() => F.adaptiveAvgPool3d(x, [2, 2] as unknown as AdaptiveSize3d), "adaptive_avg_pool3d: output_size must be 3");
  starts(() => F.adaptiveMaxPool3d(x, [2, 2] as unknown as AdaptiveSize3d), "adaptive_max_pool3d(): internal error: output_size.size() must be 3");
  assert.deepEqual(F.adaptiveAvgPool3d(torch.randn([0, 2, 4, 4, 4]), 2).shape, [0, 2, 2, 2, 2]);
  assert.deepEqual(F.adaptiveMaxPool3d(torch.randn([0, 2, 4, 4, 4]), 2).shape, [0, 2, 2, 2, 2]);
  const [v, i] = F.maxPool3d(torch.randn([1, 2, 4, 4, 4]), 2, { returnIndices: true });
  starts(() => F.maxUnpool3d(v.reshape([2, 2, 2, 2]).select(0, 0), i.reshape([2, 2, 2, 2]).select(0, 0), 2), "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with 3 dimensions.");
  starts(() => F.maxUnpool3d(v, i, 2, { outputSize: [9, 9, 9] }), "invalid output_size \"[9, 9, 9]\" (dim 0 must be between 2 and 6)");
  starts(() => F.maxUnpool3d(v, i, 2, { outputSize: [5, 5] }), "output_size should be a sequence containing 3 or 5 elements, but it has a length of '2'");
  starts(() => F.maxUnpool3d(v, i.narrow(2, 0, 1), 2), "Expected shape of indices to be same as that of the input tensor ([1, 2, 2, 2, 2]) but got indices tensor with shape: [1, 2, 1, 2, 2]");
  starts(() => F.maxUnpool3d(v, i.add(100), 2), "Found an invalid max index: 1");
  starts(() => F.maxUnpool3d(v, i, 2, { stride: 0 }), "strides should be greater than zero, but got stride: [0, 0, 0]");
});

describeOnBackends((b) => `max_pool3d windows wholly in the padding (${b})`, () => {
  test("a dilated window that reads no input element gives -inf and PyTorch's index of its first position; the other windows' gradients match PyTorch's", () => {
    for (const c of PROBE.maxPool3dPadding) {
      const { kernelSize, ...options } = camelOptions(c.options) as { kernelSize: number | [number, number, number] } & Record<string, unknown>;
      const x = tensorOf(c.input, true);
      const [y, indices] = F.maxPool3d(x, kernelSize, { ...options, returnIndices: true });
      const f64 = c.input.dtype === "float64";
      assert.deepEqual(y.shape, c.output.shape, c.name);
      assertMatches(values(y.detach()), c.output.data, `${c.name} output`, f64);
      assert.deepEqual(values(indices), c.indices.data, `${c.name} indices`);
      // (PyTorch's upstream gradient is 0 at the -inf windows: it routes theirs to an arbitrary element; here they get none)
      y.backward(tensorOf(c.gradOutput));
      assertMatches(values(x.grad!), c.grad.data, `${c.name} grad`, f64);
    }
    // F.max_pool3d(torch.ones(1, 1, 1, 1, 1), 2, padding=1, dilation=2): -inf, and no gradient flows from it
    const x = torch.ones([1, 1, 1, 1, 1], { requiresGrad: true });
    const y = F.maxPool3d(x, 2, { padding: 1, dilation: 2 });
    assert.deepEqual(values(y), [-Infinity]);
    y.sum().backward();
    assert.deepEqual(values(x.grad!), [0]);
  });
});

test("lp_pool3d: a NaN window passes NaN to the gradient of every element it read, as PyTorch's abs backward (grad · sgn(x)) does", () => {
  // x = torch.tensor([-1., 4.]).reshape(1, 1, 1, 1, 2); F.lp_pool3d(x, 1.5, (1, 1, 2)).backward() (2.x): x.grad == [nan, nan]
  const x = torch.tensor([-1, 4]).reshape([1, 1, 1, 1, 2]).requiresGrad_(true);
  F.lpPool3d(x, 1.5, [1, 1, 2]).sum().backward();
  assert.ok(values(x.grad!).every((v) => Number.isNaN(v)));
});

test("max_unpool3d reports the last invalid index, as PyTorch's kernel does", () => {
  // F.max_unpool3d(torch.ones(1, 2, 1, 1, 2), torch.tensor([[[[[50, 1]]], [[[0, 70]]]]]), 2)
  const ones = torch.ones([1, 2, 1, 1, 2]), idx = torch.tensor([50, 1, 0, 70], { dtype: "int32" }).reshape([1, 2, 1, 1, 2]);
  assert.throws(() => F.maxUnpool3d(ones, idx, 2), { message: "Found an invalid max index: 70 (output volumes are of size 2x2x4" });
});

test("max_pool3d / avg_pool3d: size arguments of the wrong length get PyTorch's messages", () => {
  const x = torch.randn([1, 1, 4, 4, 4]);
  type T3 = [number, number, number];
  // F.max_pool3d(x, (2, 2)) and the like
  assert.throws(() => F.maxPool3d(x, [2, 2] as unknown as T3), { message: "max_pool3d: kernel_size must either be a single int, or a tuple of three ints" });
  assert.throws(() => F.maxPool3d(x, 2, { stride: [1, 1] as unknown as T3 }), { message: "max_pool3d: stride must either be omitted, a single int, or a tuple of three ints" });
  assert.throws(() => F.maxPool3d(x, 2, { padding: [0, 0] as unknown as T3 }), { message: "max_pool3d: padding must either be a single int, or a tuple of three ints" });
  assert.throws(() => F.maxPool3d(x, 2, { dilation: [1, 1, 1, 1] as unknown as T3 }), { message: "max_pool3d: dilation must be either a single int, or a tuple of three ints" });
  assert.throws(() => F.avgPool3d(x, [2, 2] as unknown as T3), { message: "avg_pool3d: kernel_size must be a single int, or a tuple of three ints" });
  assert.throws(() => F.avgPool3d(x, 2, { stride: [1, 1] as unknown as T3 }), { message: "avg_pool3d: stride must be omitted, a single number, or a tuple of three ints" });
  assert.throws(() => F.avgPool3d(x, 2, { padding: [0, 0] as unknown as T3 }), { message: "avg_pool3d: padding must be a single int, or a tuple of three ints" });
  // one number in a list is all three, an empty stride is the kernel size (F.max_pool3d(x, [2], stride=[]))
  assert.deepEqual(F.maxPool3d(x, [2] as unknown as T3, { stride: [] as unknown as T3 }).tolist(), F.maxPool3d(x, 2).tolist());
  assert.deepEqual(F.avgPool3d(x, [2] as unknown as T3, { stride: [] as unknown as T3 }).tolist(), F.avgPool3d(x, 2).tolist());
});
