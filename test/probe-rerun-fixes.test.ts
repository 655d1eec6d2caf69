/**
 * Regression tests for the differences from PyTorch found by the second run
 * of the random-program probe (scripts/probe_graphs.py, 8000 new programs).
 * Expected values and messages are PyTorch 1.13's, from
 * scripts/gen_probe_rerun_fixtures.py (test/fixtures/probe-rerun/cases.json);
 * where 2.x differs the test says so.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertClose, type Encoded, values } from "./fixture-values.js";

interface TJ { shape: number[]; dtype: string; data: Encoded[] }
const cases = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "probe-rerun", "cases.json"), "utf8")) as Record<string, any>;

const f64 = (data: number[], shape?: number[]) => torch.tensor(data, { dtype: "float64", requiresGrad: true }).view(shape ?? [data.length]);

function assertThrowsStart(f: () => unknown, message: string): void {
  assert.throws(f, (e: Error) => {
    assert.ok(e.message.startsWith(message), `message "${e.message}" should start with "${message}"`);
    return true;
  });
}

function assertTensor(t: Tensor, want: TJ, what: string): void {
  assert.deepEqual(t.shape, want.shape, `${what}: shape`);
  const got = values(t.detach());
  assertClose(got, want.data, what);
  // (assertClose lets a NaN pass where a number is expected: NaN compares false)
  want.data.forEach((w, i) => assert.equal(Number.isNaN(got[i]), w === "nan", `${what}: [${i}] is ${got[i]}, PyTorch gives ${w}`));
}

describeOnBackends((b) => `probe rerun regressions (${b})`, () => {
  test("backward from a view made in no_grad mode raises: it requires grad but has no gradFn nor accumulator", () => {
    const c = cases.noGradView;
    const x = torch.tensor([0.5, -1, 2, 3], { dtype: "float64", requiresGrad: true });
    const v = torch.noGrad(() => x.view([2, 2]));
    const ch = torch.noGrad(() => x.chunk(2)[1]!);
    assert.equal(v.requiresGrad, c.requiresGrad);
    assert.equal(v.isLeaf, c.isLeaf);
    assertThrowsStart(() => v.backward(torch.ones([2, 2], { dtype: "float64" })), c.backward);
    assertThrowsStart(() => ch.backward(torch.ones([2], { dtype: "float64" })), c.chunkBackward);
    assertThrowsStart(() => torch.autograd.grad(v, [x], { gradOutputs: torch.ones([2, 2], { dtype: "float64" }) }), c.grad);
    assert.equal(v.grad, null);
    // an op on it records a node whose edge to it is empty: backward runs, nothing reaches x
    v.mul(2).sum().backward();
    assert.equal(x.grad === null, c.opGrad);
  });

  test("an in-place op on a view zeroes the overwritten part's gradient exactly, even where the incoming one is NaN", () => {
    const c = cases.copySlicesNan;
    const a = torch.tensor([[-0.55, -2.37, -0.25], [0.28, 1.38, 0.27]], { requiresGrad: true });
    const s = a.sum(1, { keepdim: true });
    s.select(0, -1).select(0, -1).fill_(-2);
    const y = s.pow(0.76);
    assertTensor(y, c.y, "y");
    y.backward(torch.tensor([[-0.25], [-0.4]]));
    assertTensor(a.grad!, c.grad, "grad");
    // float64, with a graph: the overwritten element's NaN (sqrt of -4) does not leak into b's gradient
    const b = f64([-1, 4, -9]);
    const m = b.mul(1);
    m.narrow(0, 0, 1).copy_(torch.tensor([-4], { dtype: "float64" }));
    const [gb] = torch.autograd.grad(m.sqrt().sum(), [b], { createGraph: true });
    assertTensor(gb!, c.sqrtGrad, "sqrt grad");
  });

  test("add of two bools with an alpha stays bool (alpha cast to bool), as PyTorch's kernel", () => {
    const c = cases.boolAlpha;
    const t = torch.tensor([true, false, false]), u = torch.tensor([true, true, false]);
    for (const alpha of [-1, 2, 0]) {
      const r = torch.add(t, u, { alpha });
      assert.equal(`torch.${r.dtype}`, c[String(alpha)].dtype, `alpha ${alpha}`);
      assert.deepEqual(values(r.to("int32")), c[String(alpha)].data, `alpha ${alpha}`);
    }
    const r = torch.add(torch.tensor([1, 2], { dtype: "int32" }), torch.tensor([true, false]), { alpha: -3 });
    assert.equal(r.dtype, "int32");
    assert.deepEqual(values(r), c.intBool.data);
  });

  test("fmod / remainder / topk / kthvalue of bools: PyTorch's missing-kernel message, before the zero-divisor check", () => {
    const c = cases.boolKernels;
    const bt = torch.tensor([true, false]), bf = torch.tensor([false, false]);
    assertThrowsStart(() => torch.fmod(bt, bf), c.fmod);
    assertThrowsStart(() => torch.remainder(bt, bf), c.remainder);
    assertThrowsStart(() => torch.fmod(bt, torch.tensor([true, true])), c.fmodTrue);
    assertThrowsStart(() => bt.topk(1), c.topk);
    assertThrowsStart(() => torch.zeros([0], { dtype: "bool" }).topk(0), c.topkEmpty);
    assertThrowsStart(() => bt.topk(5), c.topkRange);
    assertThrowsStart(() => bt.kthvalue(1), c.kthvalue);
    assertThrowsStart(() => bt.kthvalue(3), c.kthvalueRange);
    // a 0-d bool is its own answer (the kernel is not reached)
    assert.deepEqual(values(torch.tensor(true).topk(1).values.to("int32")), c.topk0d.data);
    assert.deepEqual(values(torch.tensor(true).kthvalue(1).values.to("int32")), c.kthvalue0d.data);
  });

  test("cumprod of at most one element: the gradient is the incoming one, with no graph through the input", () => {
    for (const [name, c] of Object.entries(cases.cumprodSmall as Record<string, { shape: number[]; grad: TJ; requiresGrad: boolean }>)) {
      if (name === "linesOfOne") continue;
      const x = torch.full(c.shape, 0.7, { dtype: "float64" }).requiresGrad_();
      const y = x.cumprod(c.shape.length ? -1 : 0);
      const [g] = torch.autograd.grad(y, [x], { gradOutputs: torch.full(c.shape, 1.5, { dtype: "float64" }), createGraph: true });
      assertTensor(g!, c.grad, name);
      assert.equal(g!.requiresGrad, c.requiresGrad, `${name}: requiresGrad`);
    }
    // lines of one element along the dim: the same
    const c = cases.cumprodSmall.linesOfOne;
    const xl = f64([0.69, -2.08], [2, 1]);
    const [gl] = torch.autograd.grad(xl.cumprod(-1), [xl], { gradOutputs: torch.tensor([[2.92], [0.5]], { dtype: "float64" }), createGraph: true });
    assertTensor(gl!, c.grad, "lines of one");
    assert.equal(gl!.requiresGrad, c.requiresGrad);
    // two elements still build the graph (second derivative of x0 * x1)
    const x = f64([0.7, 2]);
    const [g] = torch.autograd.grad(x.cumprod(0), [x], { gradOutputs: torch.ones([2], { dtype: "float64" }), createGraph: true });
    assert.equal(g!.requiresGrad, true);
  });

  test("copy_ into an integer or bool view made in no_grad mode or by chunk is allowed (add_ into one is not)", () => {
    for (const dtype of ["bool", "int32"] as const) {
      const c = cases.copyIntoIntView[dtype];
      const src = torch.tensor([1.5, -2.5, 3], { dtype: "float64", requiresGrad: true });
      const base = torch.zeros([2, 3], { dtype });
      const w = torch.noGrad(() => base.select(0, 0));
      const w2 = base.chunk(1, 0)[0]!.select(0, 1);
      assert.equal(c.noGrad, null);
      w.copy_(src);
      w2.copy_(src);
      assert.deepEqual(values(base.to("int32")), c.base.data, dtype);
      assert.equal(w.requiresGrad, c.requiresGrad);
      const w3 = torch.noGrad(() => base.unbind(0)[0]!);
      assertThrowsStart(() => w3.add_(src), c.addUnbind);
    }
  });

  test("fmod / remainder save their operands only for the divisor's gradient: changing a plain divisor in place is fine", () => {
    for (const op of ["fmod", "remainder"] as const) {
      const c = cases.remainderSaved[op];
      const p = torch.tensor([[-0.57, 2.06, -0.67], [1.3, -0.2, 0.9]], { requiresGrad: true });
      const q = torch.tensor(-0.49);
      const r = torch[op](p, q);
      assertTensor(r, c.r, `${op} value`);
      q.fill_(1.5);
      r.backward(torch.tensor([[1, 2, 3], [4, 5, 6]]));
      assertTensor(p.grad!, c.grad, `${op} grad`);
      const q2 = torch.tensor(-0.49, { requiresGrad: true });
      const r2 = torch[op](p.detach(), q2.mul(1));
      assertTensor(torch.autograd.grad(r2.sum(), [q2])[0]!, c.divisorGrad, `${op} divisor grad`);
    }
  });

  test("relu of bools raises PyTorch's message; relu's double backward sends zeros to the input (a leaf gets a zero .grad)", () => {
    const c = cases.relu;
    assertThrowsStart(() => torch.relu(torch.tensor([true, false])), c.bool);
    assertThrowsStart(() => torch.tensor([true, false]).relu_(), c.boolInplace);
    const x = torch.tensor([-1.23, 2.08, -0.5], { requiresGrad: true });
    const [g] = torch.autograd.grad(x.relu(), [x], { gradOutputs: torch.tensor([-1.42, 0.7, 0.3]), createGraph: true });
    assertTensor(g!, c.grad, "grad");
    assert.equal(g!.requiresGrad, c.gradRequiresGrad);
    g!.mul(torch.tensor([-1.16, 1.11, 0.4])).sum().backward();
    assert.notEqual(x.grad, null);
    assertTensor(x.grad!, c.leafGrad, "leaf grad");
  });

  test("integer division by zero of an empty tensor divides nothing: no error (a non-empty one still raises)", () => {
    const c = cases.emptyIntDivision;
    const e = torch.zeros([0, 3], { dtype: "int32" });
    assert.equal(c.remainder, null);
    assert.deepEqual(torch.remainder(e, 0).shape, [0, 3]);
    assert.deepEqual(torch.fmod(e, 0).shape, [0, 3]);
    assert.deepEqual(torch.div(e, torch.zeros([3], { dtype: "int32" }), { roundingMode: "trunc" }).shape, [0, 3]);
    assertThrowsStart(() => torch.remainder(torch.ones([2], { dtype: "int32" }), 0), c.nonEmpty);
  });

  test("cat of legacy empty tensors only (shape [0]) takes any dim, as PyTorch (which does not wrap it then)", () => {
    const c = cases.catLegacyEmpty;
    const a = torch.zeros([0], { requiresGrad: true });
    const r = torch.cat([a, torch.zeros([0], { dtype: "float64" })], 2);
    assert.deepEqual(r.shape, c.shape);
    assert.equal(r.dtype, c.dtype);
    r.sum().backward();
    assert.deepEqual(a.grad!.shape, c.gradShape);
    assert.deepEqual(torch.cat([a], -5).shape, c.negative);
  });
});
