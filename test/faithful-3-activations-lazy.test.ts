/**
 * hardtanh / relu6 / threshold double backward (HardtanhBackwardBackward0,
 * ThresholdBackwardBackward0: the input gets a zero gradient, not none, as
 * derivatives.yaml's `self: zeros_like(grad)`), and PyTorch's error for an op
 * on an uninitialized lazy parameter.
 * Fixtures: scripts/gen_faithful_3.py (PyTorch 1.13; 2.x noted where it differs).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, type Encoded, values } from "./fixture-values.js";
import { errorOf, section } from "./faithful-3-fixtures.js";

const F = torch.nn.functional;

interface ActCase { gradFn: string; gradGradFn: string; next: string[]; y: Encoded[]; gx: Encoded[]; ggx: Encoded[]; ggg: Encoded[] }

const ACTS: Record<string, (x: Tensor) => Tensor> = {
  relu6: (x) => F.relu6(x),
  hardtanh: (x) => F.hardtanh(x, -1, 1),
  hardtanh_: (x) => F.hardtanh(x.clone(), -1, 1, { inplace: true }),
  relu6_: (x) => F.relu6(x.clone(), { inplace: true }),
  threshold: (x) => F.threshold(x, 0.1, 20),
  relu: (x) => F.relu(x),
};

test("hardtanh, relu6 and threshold: the gradient of the gradient reaches the input (zeros) and the upstream gradient, as PyTorch's", () => {
  const D = section<{ x: number[]; acts: Record<string, ActCase> }>("doubleBackward");
  for (const [name, c] of Object.entries(D.acts)) {
    const x = torch.tensor(D.x, { dtype: "float64", requiresGrad: true });
    const y = ACTS[name]!(x);
    const g = torch.linspace(0.5, 2, D.x.length, { dtype: "float64" }).requiresGrad_();
    const [gx] = torch.autograd.grad(y, x, { gradOutputs: g, createGraph: true });
    assert.equal(y.gradFn?.name, c.gradFn, name);
    assert.equal(gx!.gradFn?.name, c.gradGradFn, name);
    assert.deepEqual(gx!.gradFn.nextFunctions.map(([n]) => n?.name), c.next, name);
    assertClose(values(y), c.y, `${name} y`);
    assertClose(values(gx!), c.gx, `${name} grad`);
    const w = torch.arange(1, D.x.length + 1).to("float64");
    // without allowUnused: the input is used (its gradient is zeros, where it used to be none)
    const [ggx, ggg] = torch.autograd.grad(gx!.mul(w).sum(), [x, g]);
    assertClose(values(ggx!), c.ggx, `${name} grad of grad w.r.t. x`);
    assertClose(values(ggg!), c.ggg, `${name} grad of grad w.r.t. the upstream gradient`);
  }
  // and the float64 check of the second derivative away from the kinks
  const x = torch.tensor([-2.5, -0.5, 0.25, 0.75, 3.5, 7], { dtype: "float64", requiresGrad: true });
  for (const [name, f] of Object.entries(ACTS)) assert.ok(torch.autograd.gradgradcheck(f, [x]), name);
});

test("an op on an uninitialized parameter raises PyTorch's 'Attempted to use an uninitialized parameter in <op>' (2.x's TensorBase name)", () => {
  const U = section<Record<string, string>>("uninitialized");
  const w = new torch.nn.UninitializedParameter();
  const x = torch.ones([2, 3]);
  const cases: Record<string, () => unknown> = {
    "w.add": () => w.add(1),
    "x.mul(w)": () => x.mul(w),
    "w.exp": () => w.exp(),
    "w.sum": () => w.sum(),
    "w.view": () => w.view([-1]),
    "w.dim": () => w.dim(),
    "w.numel": () => w.numel(),
    "torch.add": () => torch.add(w, 1),
    "torch.matmul": () => torch.matmul(x, w),
    linear: () => F.linear(x, w),
    conv2d: () => F.conv2d(torch.ones([1, 1, 3, 3]), w),
    relu: () => torch.relu(w),
    shape: () => w.shape,
    "buffer.add": () => new torch.nn.UninitializedBuffer().add(1),
  };
  for (const [name, want] of Object.entries(U)) {
    const got = errorOf(cases[name]!);
    // PyTorch 2.x calls the tensor base class torch._C.TensorBase (1.13: torch._C._TensorBase)
    const expected = want.replace("torch._C._TensorBase", "torch._C.TensorBase");
    if (/^(w|x|buffer)\./.test(name) || name === "shape") {
      assert.equal(got, expected, name);
    } else {
      // a function prints as Python prints it (`<built-in method add of type object at 0x...>`, the address left
      // out by the script; `<built-in function linear>`): the kind of built-in is Python's own; the op's name and the rest match
      const [head, tail] = expected.split(/<built-in [^>]*>/) as [string, string];
      const op = /<built-in (?:method|function) (\w+)/.exec(expected)![1]!;
      assert.ok(got !== null && got.startsWith(`${head}<built-in method ${op} of type object>`) && got.endsWith(tail), `${name}: ${got}`);
    }
  }
});
