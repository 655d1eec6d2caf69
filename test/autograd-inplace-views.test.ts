/**
 * In-place ops on views while recording: the base's values and its graph
 * change together (PyTorch's CopySlices), checked against PyTorch's values
 * and gradients (fixtures: scripts/gen_op_fixtures.py).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertTensor, assertValues, type Encoded, fromFixture, loadFixture } from "./op-table/harness.js";
import type { FixtureNumber } from "./op-table/spec.js";

interface Case {
  a: FixtureNumber[];
  b: FixtureNumber[];
  c: FixtureNumber[];
  v: Encoded;
  out: Encoded;
  gradA: FixtureNumber[];
  gradB: FixtureNumber[] | null;
}
interface SecondOrder {
  a: FixtureNumber[];
  grad: FixtureNumber[];
  gradgrad: FixtureNumber[];
}
const fx = loadFixture<{ inplaceViews: Record<string, Case | SecondOrder> }>("autograd").inplaceViews;

/** The same expressions as INPLACE_VIEW_EXPRS in the script. */
const EXPRS: Record<string, (a: Tensor, b: Tensor, c: Tensor) => Tensor> = {
  "copy-into-row-of-zeros": (a, _b, c) => {
    const z = torch.zeros([2, 3]);
    z.select(0, 1).copy_(a.select(0, 0));
    return z.mul(c);
  },
  "mul-slice-of-nonleaf": (a, b) => {
    const h = a.mul(2);
    h.narrow(1, 0, 2).mul_(b.narrow(1, 1, 2));
    return h.exp();
  },
  "nested-view": (a, b) => {
    const h = a.clone();
    h.t().select(0, 2).add_(b.select(1, 0));
    return h.mul(h);
  },
  "fill-slice": (a, b) => {
    const h = a.add(b);
    h.select(1, 1).fill_(0);
    return h.pow(2);
  },
  "view-and-base": (a, b) => {
    const h = a.clone();
    const v = h.narrow(0, 0, 1);
    v.mul_(3);
    return v.sum().add(h.sum().mul(2)).add(b.sum());
  },
  "relu-transposed": (a, b) => {
    const h = a.mul(b);
    h.t().relu_();
    return h;
  },
};

describe("in-place ops on views match PyTorch", () => {
  for (const [id, expr] of Object.entries(EXPRS)) {
    test(id, () => {
      const f = fx[id] as Case;
      const a = fromFixture(f.a, [2, 3], "float32", true);
      const b = fromFixture(f.b, [2, 3], "float32", true);
      const c = fromFixture(f.c, [2, 3], "float32");
      const y = expr(a, b, c);
      assertTensor(y, f.out, `${id} forward`);
      y.backward(fromFixture(f.v.data, f.v.shape, "float32"));
      assertValues(a.grad!.toArray(), f.gradA, `${id} grad of a`);
      if (f.gradB === null) assert.ok(b.grad === null || Array.from(b.grad.toArray()).every((x) => x === 0));
      else assertValues(b.grad!.toArray(), f.gradB, `${id} grad of b`);
    });
  }

  test("second order through an in-place op on a view", () => {
    const f = fx["second-order"] as SecondOrder;
    const a = fromFixture(f.a, [2, 3], "float32", true);
    const h = a.clone();
    h.narrow(1, 1, 2).mul_(a.narrow(1, 0, 2));
    const [g] = torch.autograd.grad(h.pow(2).sum(), a, { createGraph: true });
    assertValues(g!.toArray(), f.grad, "grad");
    const [gg] = torch.autograd.grad(g!.sum(), a);
    assertValues(gg!.toArray(), f.gradgrad, "grad of grad");
  });

  test("the base takes a CopySlices node and the view an AsStridedBackward0 node", () => {
    const a = torch.randn([2, 3], { requiresGrad: true });
    const h = a.mul(2);
    const v = h.select(0, 0);
    v.mul_(2);
    assert.equal(h.gradFn!.name, "CopySlices");
    assert.equal(v.gradFn!.name, "AsStridedBackward0");
    assert.equal(v.gradFn!.nextFunctions[0]![0], h.gradFn);
  });

  test("a view of a leaf that requires grad still refuses in-place", () => {
    const a = torch.randn([2, 3], { requiresGrad: true });
    assert.throws(() => a.select(0, 0).mul_(2), /a view of a leaf Variable that requires grad is being used in an in-place operation/);
  });
});

test("a view made before its base (or a sibling view) was changed in place gets its gradient through the base's new value", () => {
  // PyTorch 1.13 regenerates the view's grad_fn: [[8, 32, 72], [0, 0, 0]], [[3, 6, 9], [0, 0, 0]], and x 0 / s [2, 4, 6]
  const rows = () => torch.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const w = torch.tensor([1, 2, 3]);
  let x = rows(), y = x.mul(1);
  const v = y.select(0, 0);
  y.mul_(2);
  v.mul(v).backward(w);
  assert.deepEqual(x.grad!.tolist(), [[8, 32, 72], [0, 0, 0]]);

  x = rows();
  y = x.mul(1);
  const sibling = y.select(0, 0);
  y.narrow(0, 0, 1).mul_(3);
  sibling.mul(1).backward(w);
  assert.deepEqual(x.grad!.tolist(), [[3, 6, 9], [0, 0, 0]]);

  x = rows();
  const s = torch.tensor([1, 2, 3], { requiresGrad: true });
  y = x.mul(1);
  const overwritten = y.select(0, 1);
  y.select(0, 1).copy_(s.mul(2));
  overwritten.mul(1).backward(w);
  assert.deepEqual([x.grad!.tolist(), s.grad!.tolist()], [[[0, 0, 0], [0, 0, 0]], [2, 4, 6]]);
});

test("a view made in noGrad of a tensor that requires grad cannot be changed in place while recording (PyTorch's error)", () => {
  const y = torch.tensor([1, 2], { requiresGrad: true }).mul(1);
  const v = torch.noGrad(() => y.view([2]));
  assert.throws(() => v.mul_(2), /^Error: A view was created in no_grad mode and is being modified inplace with grad mode enabled/);
  torch.noGrad(() => v.mul_(2)); // both in noGrad: allowed
  assert.deepEqual(y.tolist(), [2, 4]);
});

test("copy_ of a smaller src broadcast into a view: the src's gradient sums the copies", () => {
  // PyTorch 1.13: a = x * 1; a[1:].copy_(s); (a * arange(12).view(3, 4)).sum().backward()
  // gives s.grad = [12, 14, 16, 18] and x.grad zero on rows 1 and 2
  const x = torch.zeros([3, 4], { requiresGrad: true });
  const s = torch.ones([4], { requiresGrad: true });
  const a = x.mul(1);
  a.narrow(0, 1, 2).copy_(s);
  a.mul(torch.arange(0, 12).float().reshape([3, 4])).sum().backward();
  assert.deepEqual(s.grad!.tolist(), [12, 14, 16, 18]);
  assert.deepEqual(x.grad!.tolist(), [[0, 1, 2, 3], [0, 0, 0, 0], [0, 0, 0, 0]]);
});

test("a view of a tensor that did not require grad requires grad once an in-place op gives its base a graph", () => {
  // PyTorch 1.13: a = zeros(3); v = a[:2]; a.add_(w); v.requires_grad -> True, grad_fn AsStridedBackward0,
  // (v * 2).sum().backward() -> w.grad [2, 2, 0]; a view of v then has SliceBackward0
  const a = torch.zeros([3]);
  const v = a.narrow(0, 0, 2);
  assert.equal(v.requiresGrad, false);
  const w = torch.ones([3], { requiresGrad: true });
  a.add_(w);
  assert.equal(v.requiresGrad, true);
  assert.equal(v.gradFn!.name, "AsStridedBackward0");
  assert.equal(v.narrow(0, 0, 1).gradFn!.name, "SliceBackward0");
  v.mul(2).sum().backward();
  assert.deepEqual(w.grad!.tolist(), [2, 2, 0]);

  // an op on the stale view records from it without reading requiresGrad first
  const b = torch.zeros([2, 2]);
  const row = b.select(0, 1);
  const s = torch.tensor([1, 2], { requiresGrad: true });
  b.select(0, 1).copy_(s);
  row.mul(torch.tensor([3, 4])).sum().backward();
  assert.deepEqual(s.grad!.tolist(), [3, 4]);

  // as the second operand, beside one that already requires grad, it still gets its edge
  // (PyTorch 1.13: (p * v).sum().backward() -> w.grad [2, 3, 0], p.grad [1, 1])
  const c = torch.zeros([3]);
  const cv = c.narrow(0, 0, 2);
  const w2 = torch.ones([3], { requiresGrad: true });
  c.add_(w2);
  const p = torch.tensor([2, 3], { requiresGrad: true });
  p.mul(cv).sum().backward();
  assert.deepEqual([w2.grad!.tolist(), p.grad!.tolist()], [[2, 3, 0], [1, 1]]);
});

describe("an in-place op's saved output is the tensor itself: changing it again in place is caught", () => {
  // PyTorch 1.13: y = x * 1 + 0.5; y.<op>_(...); y.add_(1); y.sum().backward() raises for the ops whose
  // backward uses their result, and works for the ones whose backward uses their input
  const cases: [string, (y: Tensor, w: Tensor) => unknown, string | null][] = [
    ["exp_", (y) => y.exp_(), "ExpBackward0"],
    ["sigmoid_", (y) => y.sigmoid_(), "SigmoidBackward0"],
    ["tanh_", (y) => y.tanh_(), "TanhBackward0"],
    ["sqrt_", (y) => y.sqrt_(), "SqrtBackward0"],
    ["relu_", (y) => y.relu_(), "ReluBackward0"],
    ["pow_ (tensor exponent)", (y, w) => y.pow_(w), "PowBackward1"],
    ["pow_ (number exponent)", (y) => y.pow_(2), null],
    ["mul_", (y, w) => y.mul_(w), null],
    ["div_", (y, w) => y.div_(w), null],
    ["clamp_", (y) => y.clamp_(0.1, 0.5), null],
    ["copy_", (y, w) => y.copy_(w), null],
    ["log_", (y) => y.log_(), null],
  ];
  for (const [name, op, saver] of cases) {
    test(name, () => {
      const x = torch.rand([3], { requiresGrad: true }), w = torch.rand([3], { requiresGrad: true });
      const y = x.mul(1).add(0.5);
      op(y, w);
      y.add_(1);
      if (saver === null) {
        y.sum().backward();
        assert.equal(x.grad!.shape[0], 3);
      } else {
        assert.throws(() => y.sum().backward(), (e: Error) =>
          e.message.startsWith("one of the variables needed for gradient computation has been modified by an inplace operation: " +
            `[torch.FloatTensor [3]], which is output 0 of ${saver}, is at version 2; expected version 1 instead.`));
      }
    });
  }

  test("on a view: the view is what the node saved", () => {
    // PyTorch 1.13: y[:2].exp_(); y.add_(1) -> backward raises for [torch.FloatTensor [2]], output 0 of ExpBackward0
    const x = torch.rand([3], { requiresGrad: true });
    const y = x.mul(1);
    y.narrow(0, 0, 2).exp_();
    y.add_(1);
    assert.throws(() => y.sum().backward(), /\[torch\.FloatTensor \[2\]\], which is output 0 of ExpBackward0/);
  });

  test("the gradient is unchanged where nothing is modified afterwards", () => {
    const x = torch.tensor([0.5, 1, 2], { requiresGrad: true });
    const y = x.mul(1);
    y.exp_();
    y.mul(2).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [0.5, 1, 2].map((v) => Math.fround(2 * Math.fround(Math.exp(v)))));
  });
});
