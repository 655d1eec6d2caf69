/**
 * grad_fn names and next_functions against PyTorch, and second-order
 * gradients through createGraph (fixtures: scripts/gen_op_fixtures.py).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertValues, type Encoded, fromFixture, loadFixture } from "./op-table/harness.js";
import type { FixtureNumber } from "./op-table/spec.js";

interface GraphNode {
  name: string;
  next?: (GraphNode | null)[];
}
interface SecondOrder {
  x: FixtureNumber[];
  v: FixtureNumber[];
  grad: FixtureNumber[];
  gradgrad: FixtureNumber[];
}
interface Mlp {
  x: Encoded;
  params: Encoded[];
  loss: number;
  grads: FixtureNumber[][];
  penalty: number;
  gradgrad: FixtureNumber[][];
}
const fx = loadFixture<{ graphs: Record<string, GraphNode>; secondOrder: Record<string, SecondOrder | Mlp> }>("autograd");

/** The same expressions as GRAPH_EXPRS in the script (a, b require grad; c does not). */
const EXPRS: Record<string, (a: Tensor, b: Tensor, c: Tensor) => Tensor> = {
  "add-sum": (a, b) => a.add(b).sum(),
  "mm-relu-mean": (a, b) => a.mm(b.t()).relu().mean(),
  "exp-sub-tanh": (a, b) => a.mul(2).exp().sub(b.tanh()),
  "div-constant": (a, _b, c) => a.sigmoid().div(c),
  "scalar-ops": (a, b) => torch.rsub(a, 2).div(3).add(torch.div(2, b)),
  "pow-cat-sum": (a, b) => torch.cat([a, b]).pow(2).sum(0),
  "max-views": (a) => a.max(0).values.add(a.max()).add(a.t().select(1, 0)),
  "softmax-stack": (a, b) => torch.stack([a.softmax(1), b.logSoftmax(0)]).clamp(0),
  "reshape-expand": (a) => a.reshape([6]).unsqueeze(0).expand([2, 6]).narrow(1, 1, 3),
  "inplace-chain": (a, b) => a.clone().add_(b).mul_(2).clamp_(-1, 1),
  "copy-fill": (a, b) => torch.zeros([2, 3]).copy_(a).add(b.clone().fill_(1)),
  "matvec-dot": (a, b, c) => a.matmul(b.select(0, 0)).matmul(b.select(1, 0)).add(torch.where(c.gt(0), a, b).sum()),
};

function describeGraph(node: torch.autograd.Node | null, depth: number): GraphNode | null {
  if (node === null) return null;
  const out: GraphNode = { name: node.name };
  if (depth > 0 && node.name !== "AccumulateGrad") out.next = node.nextFunctions.map(([n]) => describeGraph(n, depth - 1));
  return out;
}

describe("grad_fn names and next_functions match PyTorch", () => {
  for (const [id, expr] of Object.entries(EXPRS)) {
    test(id, () => {
      const a = torch.randn([2, 3], { requiresGrad: true });
      const b = torch.randn([2, 3], { requiresGrad: true });
      const c = torch.randn([2, 3]);
      const y = expr(a, b, c);
      assert.deepEqual(describeGraph(y.gradFn, 5), fx.graphs[id]);
    });
  }
  test("leaves share one AccumulateGrad node, whose variable is the leaf", () => {
    const a = torch.randn([3], { requiresGrad: true });
    const y = a.mul(a);
    const [n0, n1] = y.gradFn!.nextFunctions.map(([n]) => n);
    assert.equal(n0, n1);
    assert.equal(n0!.name, "AccumulateGrad");
    assert.equal((n0 as unknown as { variable: Tensor }).variable, a);
  });
});

describe("second-order gradients through createGraph match PyTorch", () => {
  for (const [id, fn] of [["cube", (x: Tensor) => x.pow(3)], ["tanh", (x: Tensor) => x.tanh()]] as const) {
    test(`grad of grad of ${id}`, () => {
      const f = fx.secondOrder[id] as SecondOrder;
      const x = fromFixture(f.x, [f.x.length], "float32", true);
      const v = fromFixture(f.v, [f.v.length], "float32");
      const [g] = torch.autograd.grad(fn(x).sum(), x, { createGraph: true });
      assert.ok(g!.requiresGrad, "createGraph keeps the gradient differentiable");
      assertValues(g!.toArray(), f.grad, `${id} grad`);
      const [gg] = torch.autograd.grad(g!.mul(v).sum(), x);
      assertValues(gg!.toArray(), f.gradgrad, `${id} grad of grad`);
    });
  }

  for (const act of ["tanh", "sigmoid"] as const) {
    test(`two-layer MLP (${act}): gradient penalty through createGraph`, () => {
      const f = fx.secondOrder[`mlp_${act}`] as Mlp;
      const x = fromFixture(f.x.data, f.x.shape, "float32");
      const params = f.params.map((p) => fromFixture(p.data, p.shape, "float32", true));
      const [w1, b1, w2] = params as [Tensor, Tensor, Tensor];
      const h = x.matmul(w1).add(b1)[act]();
      const loss = h.matmul(w2).pow(2).sum();
      assert.ok(Math.abs(loss.item() - f.loss) <= 1e-4 * Math.abs(f.loss) + 1e-5);
      const grads = torch.autograd.grad(loss, params, { createGraph: true }) as Tensor[];
      grads.forEach((g, i) => assertValues(g.toArray(), f.grads[i]!, `${act} grad ${i}`));
      const penalty = grads.map((g) => g.pow(2).sum()).reduce((p, q) => p.add(q));
      assert.ok(Math.abs(penalty.item() - f.penalty) <= 1e-4 * Math.abs(f.penalty) + 1e-5);
      // backward (not autograd.grad) this time: it accumulates into the leaves' .grad
      penalty.backward();
      params.forEach((p, i) => assertValues(p.grad!.toArray(), f.gradgrad[i]!, `${act} grad of grad ${i}`));
    });
  }
});
