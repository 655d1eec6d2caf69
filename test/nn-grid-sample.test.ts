/**
 * F.affineGrid and F.gridSample against PyTorch on both backends (fixtures:
 * scripts/gen_nn_extra_fixtures.py): 4-d input in every mode (bilinear,
 * nearest, bicubic) and 5-d in bilinear and nearest, each with every
 * padding mode and both corner rules, on grids with points at the corners,
 * on pixel edges and far outside [-1, 1] (reflected several times), unit
 * sizes, NaN and infinite positions, float64; affine grids in 2-d and 3-d;
 * and a spatial transformer (affineGrid into gridSample) differentiated
 * with respect to θ and the image. Also the warnings, double backward,
 * float64 gradchecks and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { casesOf, checkExtraCase } from "./nn-extra-cases.js";
import { FUNCTIONS } from "./nn-extra-table.js";
import { values } from "./nn-helpers.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const F = torch.nn.functional;

describeOnBackends((b) => `gridSample and affineGrid against PyTorch (${b})`, () => {
  for (const fn of ["gridSample", "affineGrid", "spatialTransformer"]) {
    test(`${fn}: values and gradients of every case`, () => {
      const cases = casesOf(fn);
      assert.ok(cases.length >= 2);
      for (const c of cases) checkExtraCase(c, FUNCTIONS[fn]!);
    });
  }
});

test("the gridSample fixtures cover every mode, padding mode and corner rule, in 4-d and 5-d", () => {
  const names = new Set(casesOf("gridSample").map((c) => c.name));
  for (const mode of ["bilinear", "nearest", "bicubic"]) {
    for (const pad of ["zeros", "border", "reflection"]) {
      for (const ac of ["False", "True"]) {
        assert.ok(names.has(`gridSample 4d ${mode} ${pad} alignCorners=${ac}`));
        assert.ok(names.has(`gridSample 4d non-finite ${mode} ${pad} alignCorners=${ac}`));
        if (mode !== "bicubic") assert.ok(names.has(`gridSample 5d ${mode} ${pad} alignCorners=${ac}`));
      }
    }
  }
});

test("an identity affine grid samples the input back (bilinear, both corner rules, 2-d and 3-d)", () => {
  const x = torch.randn([2, 3, 5, 4]);
  for (const alignCorners of [false, true]) {
    const grid = F.affineGrid(torch.tensor([[[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]]]), [2, 3, 5, 4], { alignCorners });
    const y = F.gridSample(x, grid, { alignCorners });
    assert.ok(values(y.sub(x).abs()).every((v) => v < 1e-5), `alignCorners ${alignCorners}`);
  }
  const v = torch.randn([1, 2, 3, 4, 5]);
  const eye3 = torch.tensor([[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]]);
  const y3 = F.gridSample(v, F.affineGrid(eye3, [1, 2, 3, 4, 5], { alignCorners: false }), { alignCorners: false });
  assert.ok(values(y3.sub(v).abs()).every((d) => d < 1e-5));
});

test("nearest mode: the grid's gradient is zero (not missing), the input's goes to the picked pixels", () => {
  const x = torch.arange(12, { dtype: "float32" }).reshape([1, 1, 3, 4]).requiresGrad_();
  const grid = torch.tensor([[[[-0.6, 0.1], [0.9, -0.8]]]], { requiresGrad: true });
  const y = F.gridSample(x, grid, { mode: "nearest", alignCorners: false });
  y.sum().backward();
  assert.deepEqual(values(grid.grad!), [0, 0, 0, 0]);
  assert.equal(values(x.grad!).reduce((a, b) => a + b), 2);
});

test("nearest rounds a position half-way between pixels to the even one, in 4-d and 5-d (PyTorch 2.x; 1.13's 3-d kernel rounded away from zero)", () => {
  // x at 0.5, 1.5 and 2.5 pixels over a row of 4
  const grid = [-0.5, 0, 0.5];
  const x4 = torch.tensor([[[[10, 20, 30, 40]]]]);
  const y4 = F.gridSample(x4, torch.tensor([[grid.map((c) => [c, 0])]]), { mode: "nearest", alignCorners: false });
  assert.deepEqual(values(y4), [10, 30, 30]);
  const y5 = F.gridSample(x4.unsqueeze(2), torch.tensor([[[grid.map((c) => [c, 0, 0])]]]), { mode: "nearest", alignCorners: false });
  assert.deepEqual(values(y5), [10, 30, 30]);
});

test("second derivatives: gridSample's gradient is differentiable again, against float64 finite differences", () => {
  const x = torch.randn([1, 2, 4, 5], { dtype: "float64", requiresGrad: true });
  const grid = torch.rand([1, 3, 2, 2], { dtype: "float64" }).mul(2.4).sub(1.2).requiresGrad_();
  for (const mode of ["bilinear", "bicubic"] as const) {
    const inner = (g: torch.Tensor) => {
      const [gx] = torch.autograd.grad([F.gridSample(x, g, { mode, paddingMode: "reflection", alignCorners: false }).pow(2).sum()], [g], { createGraph: true });
      return gx!;
    };
    assert.ok(torch.autograd.gradcheck(inner, [grid]), mode);
  }
});

test("float64 gradchecks with respect to the input, the grid and θ", () => {
  const x = torch.randn([2, 2, 3, 4], { dtype: "float64", requiresGrad: true });
  // positions kept away from pixel boundaries, where the bilinear weights have kinks
  const grid = torch.tensor([[[[0.13, -0.41], [0.77, 0.62]], [[-1.31, 0.07], [1.52, -0.33]]], [[[-0.56, 0.91], [0.38, -0.74]], [[2.2, 1.9], [-0.12, 0.23]]]], { dtype: "float64", requiresGrad: true });
  for (const mode of ["bilinear", "bicubic", "nearest"] as const) {
    for (const paddingMode of ["zeros", "border", "reflection"] as const) {
      for (const alignCorners of [false, true]) {
        const fn = (a: torch.Tensor, g: torch.Tensor) => F.gridSample(a, g, { mode, paddingMode, alignCorners });
        assert.ok(torch.autograd.gradcheck(fn, [x, grid]), `${mode} ${paddingMode} ${alignCorners}`);
      }
    }
  }
  const v = torch.randn([1, 2, 3, 3, 4], { dtype: "float64", requiresGrad: true });
  const g5 = torch.tensor([[[[[0.13, -0.41, 0.27], [0.77, 0.62, -0.58]], [[-1.31, 0.07, 0.71], [1.52, -0.33, -1.44]]]]], { dtype: "float64", requiresGrad: true });
  for (const paddingMode of ["zeros", "border", "reflection"] as const) {
    assert.ok(torch.autograd.gradcheck((a, g) => F.gridSample(a, g, { paddingMode, alignCorners: false }), [v, g5]), paddingMode);
  }
  const theta = torch.tensor([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.05]]], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((t) => F.affineGrid(t, [1, 1, 3, 4], { alignCorners: true }), [theta]));
  const theta3 = torch.randn([2, 3, 4], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((t) => F.affineGrid(t, [2, 1, 2, 3, 2], { alignCorners: false }), [theta3]));
});

test("leaving alignCorners out warns as PyTorch does (and means false); a unit-size grid with alignCorners warns too", async () => {
  const x = torch.randn([1, 1, 3, 3]), theta = torch.tensor([[[1, 0, 0], [0, 1, 0]]]);
  const messages = await warningMessagesDuring(() => {
    const grid = F.affineGrid(theta, [1, 1, 3, 3]);
    assert.deepEqual(values(grid), values(F.affineGrid(theta, [1, 1, 3, 3], { alignCorners: false })));
    F.gridSample(x, grid);
    F.affineGrid(theta, [1, 1, 1, 3], { alignCorners: true });
  });
  assert.ok(messages.some((m) => m.startsWith("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0.")));
  assert.ok(messages.some((m) => m.startsWith("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True.")));
});

test("empty batches, channels and grids give empty outputs", () => {
  const opts = { alignCorners: false };
  assert.deepEqual(F.gridSample(torch.randn([0, 3, 4, 5]), torch.zeros([0, 2, 2, 2]), opts).shape, [0, 3, 2, 2]);
  assert.deepEqual(F.gridSample(torch.randn([2, 0, 4, 5]), torch.zeros([2, 2, 2, 2]), opts).shape, [2, 0, 2, 2]);
  assert.deepEqual(F.gridSample(torch.randn([2, 3, 4, 5]), torch.zeros([2, 0, 3, 2]), opts).shape, [2, 3, 0, 3]);
});

test("bad input gets PyTorch's messages", () => {
  const x = torch.randn([2, 3, 4, 5]), g = torch.zeros([2, 3, 3, 2]);
  const opts = { alignCorners: false };
  assert.throws(() => F.gridSample(x, g, { ...opts, mode: "area" as "nearest" }), /^Error: nn\.functional\.grid_sample\(\): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'area'/);
  assert.throws(() => F.gridSample(x, g, { ...opts, paddingMode: "circular" as "zeros" }), /^Error: nn\.functional\.grid_sample\(\): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: 'circular'/);
  assert.throws(() => F.gridSample(x, g.narrow(3, 0, 1), opts), /^Error: grid_sampler\(\): expected grid to have size 2 in last dimension, but got grid with sizes \[2, 3, 3, 1\]/);
  assert.throws(() => F.gridSample(x, g.narrow(0, 0, 1), opts), /^Error: grid_sampler\(\): expected grid and input to have same batch size, but got input with sizes \[2, 3, 4, 5\] and grid with sizes \[1, 3, 3, 2\]/);
  assert.throws(() => F.gridSample(x.unsqueeze(2), g, opts), /^Error: grid_sampler\(\): expected grid to have size 3 in last dimension, but got grid with sizes \[2, 3, 3, 2\]/);
  assert.throws(() => F.gridSample(x, torch.zeros([2, 3, 3, 2, 2]), opts), /^Error: grid_sampler\(\): expected 4D input and grid with same number of dimensions, but got input with sizes \[2, 3, 4, 5\] and grid with sizes \[2, 3, 3, 2, 2\]/);
  assert.throws(() => F.gridSample(x.unsqueeze(2), torch.zeros([2, 1, 3, 3, 3]), { ...opts, mode: "bicubic" }), /^Error: grid_sampler\(\): bicubic interpolation only supports 4D input/);
  assert.throws(() => F.gridSample(x.narrow(2, 0, 0), g, opts), /^Error: grid_sampler\(\): expected input to have non-empty spatial dimensions, but input has sizes \[2, 3, 0, 5\] with dimension 2 being empty/);
  assert.throws(() => F.gridSample(x, g.to("float64"), opts), /^Error: expected scalar type Float but found Double/);
  assert.throws(() => F.gridSample(x.to("int32"), g.to("int32"), opts), /^Error: grid_sampler_2d_cpu not implemented for Int/);
  assert.throws(() => F.gridSample(torch.randn([2]), torch.zeros([2, 1]), opts), /grid_sampler\(\): expected/);

  const theta = torch.randn([2, 2, 3]);
  assert.throws(() => F.affineGrid(theta, [2, 3, 4], opts), /^Error: affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively\. Got size \[2, 3, 4\]\./);
  assert.throws(() => F.affineGrid(theta, [2, 3, 4, 5, 6], opts), /^Error: Expected a batch of 3D affine matrices of shape Nx3x4 for size \[2, 3, 4, 5, 6\]\. Got \[2, 2, 3\]\./);
  assert.throws(() => F.affineGrid(torch.randn([2, 3, 3]), [2, 3, 4, 5], opts), /^Error: Expected a batch of 2D affine matrices of shape Nx2x3 for size \[2, 3, 4, 5\]\./);
  assert.throws(() => F.affineGrid(theta.to("int32"), [2, 3, 4, 5], opts), /^Error: Expected theta to have floating point type, but got torch\.int32/);
  assert.throws(() => F.affineGrid(theta, [2, 3, 0, 5], opts), /^Error: Expected non-zero, positive output size\. Got \[2, 3, 0, 5\]/);
  assert.throws(() => F.affineGrid(theta, [3, 3, 4, 5], opts), /^Error: Expected size for first two dimensions of batch2 tensor to be: \[3, 3\] but got: \[2, 3\]\./);
});
