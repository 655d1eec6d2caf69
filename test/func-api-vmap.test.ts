/**
 * torch.func.vmap against PyTorch (fixtures: scripts/gen_func_api_fixtures.py,
 * functorch 1.13's vmap = 2.x's torch.func.vmap): in/out dims, nesting,
 * pytrees, per-sample gradients with vmap(grad), randomness modes and
 * PyTorch's error messages (2.x's texts where they changed: non-tensor
 * outputs, out_dims=None).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertTree, cases, dec } from "./func-api-fixtures.js";

const F = torch.func;
const nn = torch.nn;

describe("vmap values", () => {
  const c = cases.vmap;
  const X = dec(c.X), Y = dec(c.Y), M = dec(c.M), Wt = dec(c.Wt);

  test("a per-row dot product", () => {
    assertTree(F.vmap((a: Tensor, b: Tensor) => a.dot(b))(X, Y), c.dot, "dot");
  });

  test("inDims [1, null] maps columns and broadcasts the second argument", () => {
    assertTree(F.vmap((col: Tensor, w: Tensor) => w.matmul(col), { inDims: [1, null] })(M, Wt), c.in_dims_1_none, "in_dims");
  });

  test("outDims 1, and per-output outDims for several outputs", () => {
    assertTree(F.vmap((x: Tensor) => x.mul(2).add(1), { outDims: 1 })(X), c.out_dims_1, "out_dims 1");
    assertTree(F.vmap((x: Tensor) => [x.sum(), x.pow(2)], { outDims: [0, 1] })(X), c.tuple_out, "out_dims (0, 1)");
  });

  test("nested vmap", () => {
    assertTree(F.vmap(F.vmap((a: Tensor, b: Tensor) => a.mul(b)))(X, Y), c.nested, "vmap(vmap)");
  });

  test("a dict argument with per-key inDims", () => {
    const got = F.vmap((d: { a: Tensor; b: Tensor }) => d.a.mul(d.b), { inDims: [{ a: 0, b: null }] })({ a: X, b: Y.select(0, 0) });
    assertTree(got, c.dict_in, "dict in_dims");
  });

  test("gradients flow back through vmap", () => {
    const x = X.clone().requiresGrad_(true);
    F.vmap((r: Tensor) => r.pow(2).sum())(x).sum().backward();
    assertTree(x.grad, { shape: X.shape, data: Array.from(X.mul(2).toArray() as Float64Array) }, "x.grad");
  });

  test("outDims null returns an unmapped output once", () => {
    const [y, k] = F.vmap((x: Tensor) => [x.sum(), torch.tensor(7)], { outDims: [0, null] })(X);
    assert.deepEqual(y.shape, [5]);
    assert.equal(k.item(), 7);
  });
});

describe("per-sample gradients: vmap(grad(loss))", () => {
  test("a linear model's per-sample gradients equal PyTorch's", () => {
    const c = cases.per_sample_grads;
    const params = { w: dec(c.W), b: dec(c.b) };
    const x = dec(c.x), y = torch.tensor(c.y as number[], { dtype: "int32" });
    const loss = (p: { w: Tensor; b: Tensor }, xi: Tensor, yi: Tensor) =>
      nn.functional.crossEntropy(xi.matmul(p.w.T).add(p.b).unsqueeze(0), yi.unsqueeze(0));
    const g = F.vmap(F.grad(loss), { inDims: [null, 0, 0] })(params, x, y);
    assertTree(g, { __dict__: { w: c.gw, b: c.gb } }, "per-sample grads");
  });

  test("with a module through functionalCall, the parameters left untouched", () => {
    const c = cases.per_sample_grads;
    const model = new nn.Linear(3, 2).double();
    const params = { weight: dec(c.W), bias: dec(c.b) };
    const loss = (p: typeof params, xi: Tensor, yi: Tensor) =>
      nn.functional.crossEntropy(F.functionalCall(model, p, [xi.unsqueeze(0)]), yi.unsqueeze(0));
    const g = F.vmap(F.grad(loss), { inDims: [null, 0, 0] })(params, dec(c.x), torch.tensor(c.y as number[], { dtype: "int32" }));
    assertTree(g, { __dict__: { weight: c.gw, bias: c.gb } }, "per-sample grads via functionalCall");
    assert.equal(model.weight.grad, null);
  });
});

describe("vmap randomness", () => {
  test("'error' (default) throws on a random op and leaves the generator as it was", () => {
    torch.manualSeed(3);
    const expected = torch.rand([4]).tolist();
    torch.manualSeed(3);
    assert.throws(() => F.vmap((x: Tensor) => x.add(torch.rand([2])))(torch.ones([3, 2])), {
      message:
        "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap",
    });
    assert.deepEqual(torch.rand([4]).tolist(), expected);
  });

  test("'same' gives every index the same draws, 'different' different ones", () => {
    const same = F.vmap((x: Tensor) => x.add(torch.rand([2])), { randomness: "same" })(torch.zeros([3, 2]));
    assert.deepEqual(same.select(0, 0).tolist(), same.select(0, 2).tolist());
    const diff = F.vmap((x: Tensor) => x.add(torch.rand([2])), { randomness: "different" })(torch.zeros([3, 2]));
    assert.notDeepEqual(diff.select(0, 0).tolist(), diff.select(0, 2).tolist());
  });
});

describe("vmap errors (PyTorch's messages)", () => {
  const f = (a: Tensor, b: Tensor) => a.add(b);
  test("batch sizes differ", () => {
    assert.throws(() => F.vmap(f)(torch.ones([2]), torch.ones([3])), {
      message: "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [2, 3] for the mapped dimension",
    });
  });
  test("no tensor to map over; no inputs", () => {
    assert.throws(() => F.vmap(f, { inDims: null })(torch.ones([2]), torch.ones([2])), { message: "vmap: Expected at least one Tensor to vmap over" });
    assert.throws(() => F.vmap(() => torch.ones([1]))(), /^Error: vmap\(<lambda>\)\(<inputs>\): got no inputs\. Maybe you forgot to add inputs/);
  });
  test("in_dims out of range, over a non-tensor, or not matching the inputs", () => {
    assert.throws(() => F.vmap(f, { inDims: [2, 0] })(torch.ones([2]), torch.ones([2])), {
      message: "vmap(f, in_dims=(2, 0), ...)(<inputs>): Got in_dim=2 for some input, but that input is a Tensor of dimensionality 1 so expected in_dim to satisfy -1 <= in_dim < 1.",
    });
    assert.throws(() => F.vmap((a: Tensor, _k: number) => a)(torch.ones([2]), 3), {
      message: "vmap(<lambda>, in_dims=0, ...)(<inputs>): Got in_dim=0 for an input but the input is of type <class 'int'>. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim",
    });
    assert.throws(() => F.vmap(f, { inDims: [0] })(torch.ones([2]), torch.ones([2])), /^Error: vmap\(f, in_dims=\(0,\), \.\.\.\)\(<inputs>\): in_dims is not compatible with the structure of `inputs`/);
  });
  test("non-tensor outputs (2.x's text), a mapped output with out_dims None, bad out_dims", () => {
    assert.throws(() => F.vmap((_x: Tensor) => 3)(torch.ones([2])), {
      message: "vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type <class 'int'>. Did you mean to set out_dims= to None for output?",
    });
    assert.equal(F.vmap((_x: Tensor) => 3, { outDims: null })(torch.ones([2])), 3);
    assert.throws(() => F.vmap((x: Tensor) => x, { outDims: null })(torch.tensor([1, 2])), {
      message: "vmap(<lambda>, ...): `<lambda>` can not return a BatchedTensor when out_dim is None",
    });
    assert.throws(() => F.vmap((x: Tensor) => [x, x], { outDims: [0, 0, 0] })(torch.ones([2])), /out_dims is not compatible with the structure of `outputs`/);
    assert.throws(() => F.vmap((x: Tensor) => x, { outDims: "a" as any })(torch.ones([2])), /`out_dims` must be an int or a python collection of ints/);
  });
  test("randomness and chunkSize are checked", () => {
    assert.throws(() => F.vmap(f, { randomness: "sometimes" as any }), { message: "Only allowed values for randomness are 'error', 'different', or 'same'. Got sometimes" });
    assert.throws(() => F.vmap(f, { chunkSize: 0 }), { message: "vmap: chunk_size should be None or greater than 0. (got 0)" });
    assert.deepEqual(F.vmap(f, { chunkSize: 2 })(torch.ones([3]), torch.ones([3])).tolist(), [2, 2, 2]);
  });
});
