/**
 * Python's `x[...]` / `x[...] = v` as `x.index([...])` / `x.indexPut_([...], v)`
 * against PyTorch (fixtures: scripts/gen_index_fixtures.py): values, shapes,
 * view or copy, gradients of the input and the value, version bumps and the
 * error messages; then the view semantics and in-place rules by hand.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { assertClose, type Encoded, values } from "./fixture-values.js";

const { Slice, None, Ellipsis } = torch.indexing;

type Spec = number | boolean | "None" | "..." | { slice: [number | null, number | null, number | null] }
  | { tensor: unknown; dtype: "int" | "bool" } | { list: torch.indexing.IndexArray };

interface IndexCase {
  name: string; shape: number[]; dtype: DType; index: Spec[];
  output: { shape: number[]; data: Encoded[] }; view: boolean; inputGrad: Encoded[] | null;
}
interface PutCase {
  name: string; shape: number[]; dtype: DType; index: Spec[];
  value: number | boolean | { shape: number[]; data: number[] }; accumulate: boolean;
  output: Encoded[]; versionBump: number; inputGrad: Encoded[] | null; valueGrad: Encoded[] | null;
}
interface ErrorCase { name: string; shape: number[]; index: Spec[]; put: { data: number[]; dtype: DType } | null; error: string }

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "indexing.json"), "utf8")) as {
  index: IndexCase[]; put: PutCase[]; errors: ErrorCase[]; floatIndexError: string;
};

function decodeSpec(e: Spec): torch.indexing.TensorIndex {
  if (typeof e === "number" || typeof e === "boolean") return e;
  if (e === "None") return None;
  if (e === "...") return Ellipsis;
  if ("slice" in e) return Slice(...e.slice);
  if ("list" in e) return e.list;
  return torch.tensor(e.tensor as number[], { dtype: e.dtype === "bool" ? "bool" : "int32" });
}

/** The generator's inputs: arange-based values in each dtype. */
function makeInput(shape: number[], dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const ix = Array.from({ length: n }, (_, i) => i);
  const data = dtype === "bool" ? ix.map((i) => i % 3 === 0) : ix.map((i) => (dtype === "int32" ? i - 3 : i * 0.5 - 1.25));
  return torch.tensor(data, { dtype }).reshape(shape);
}

/** 1, 2, 3, ... over `shape`: the upstream gradient the generator used. */
const ramp = (shape: readonly number[], dtype: DType) => torch.arange(1, shape.reduce((a, b) => a * b, 1) + 1).to(dtype).reshape([...shape]);

/**
 * `fn`'s second derivatives checked numerically: gradcheck of the (created)
 * gradient of sum(fn) w.r.t. the inputs, summed up with weights.
 */
function gradOfGradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): boolean {
  return torch.autograd.gradcheck((...xs: Tensor[]) => {
    const grads = torch.autograd.grad(fn(...xs).sum(), xs, { createGraph: true });
    return grads.reduce((acc: Tensor, g, i) => acc.add(g!.mul(i + 1).pow(2).sum()), torch.zeros([], { dtype: "float64" }));
  }, inputs);
}

const floating = (dtype: DType) => dtype === "float32" || dtype === "float64";
// (toArray copies: a view's `data` is its whole storage)
const asNumbers = (t: Tensor) => Array.from(t.detach().to("float64").toArray());

for (const backend of BACKENDS) {
  test(`x.index([...]) matches x[...] in PyTorch: values, shape, view or copy, gradient (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of FIXTURE.index) {
      const x = makeInput(c.shape, c.dtype);
      if (floating(c.dtype)) x.requiresGrad_(true);
      const y = x.index(c.index.map(decodeSpec));
      assert.deepEqual(y.shape, c.output.shape, `${c.name}: shape`);
      assert.equal(y.dtype, c.dtype, `${c.name}: dtype`);
      assertClose(asNumbers(y), c.output.data, `${c.name}: values`);
      assert.equal(y.storage === x.storage, c.view, `${c.name}: a ${c.view ? "view" : "copy"} in PyTorch`);
      if (c.inputGrad !== null) {
        y.backward(ramp(y.shape, y.dtype));
        assertClose(values(x.grad!), c.inputGrad, `${c.name}: input gradient`);
      }
    }
  });

  test(`x.indexPut_([...], v) matches x[...] = v (and index_put_ accumulate) in PyTorch (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of FIXTURE.put) {
      const leaf = makeInput(c.shape, c.dtype);
      if (floating(c.dtype)) leaf.requiresGrad_(true);
      // a copy of a leaf, as the generator writes into, so that both it and the value may require grad
      const a = floating(c.dtype) ? leaf.clone() : leaf;
      let value: Tensor | number;
      if (typeof c.value === "number" || typeof c.value === "boolean") value = Number(c.value);
      else {
        value = torch.tensor(c.value.data, { dtype: c.dtype }).reshape(c.value.shape);
        if (floating(c.dtype)) value.requiresGrad_(true);
      }
      const before = a.version;
      assert.equal(a.indexPut_(c.index.map(decodeSpec), value, { accumulate: c.accumulate }), a, `${c.name}: returns self`);
      assert.equal(a.version - before, c.versionBump, `${c.name}: version bump`);
      assertClose(asNumbers(a), c.output, `${c.name}: values`);
      if (c.inputGrad !== null) {
        a.mul(ramp(a.shape, a.dtype)).sum().backward();
        assertClose(values(leaf.grad!), c.inputGrad, `${c.name}: input gradient`);
        if (c.valueGrad !== null) assertClose(values((value as Tensor).grad!), c.valueGrad, `${c.name}: value gradient`);
      }
    }
  });
}

test("indexing errors carry PyTorch's messages", () => {
  for (const c of FIXTURE.errors) {
    const x = makeInput(c.shape, "float32");
    const run = () => (c.put === null ? x.index(c.index.map(decodeSpec)) : x.indexPut_(c.index.map(decodeSpec), torch.tensor(c.put.data, { dtype: c.put.dtype })));
    assert.throws(run, (e: Error) => e.message === c.error, `${c.name}: expected "${c.error}"`);
  }
  assert.throws(() => torch.zeros([3]).index([torch.tensor([0])]), { message: FIXTURE.floatIndexError });
  assert.throws(() => torch.zeros([3]).index([[0.5]]), { message: FIXTURE.floatIndexError });
  // a 0-d tensor indexed by one number: PyTorch 1.13's x[(0,)] and C++ x.index({0}) (IndexError)
  // a lone number is Python's x[i] (PyTorch 1.13: torch.tensor(1.)[0] and [1]); longer lists are x[(i, ...)]
  assert.throws(() => torch.tensor(1).index([0]), { message: "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number" });
  assert.throws(() => torch.tensor(1).index([1]), { message: "index 1 is out of bounds for dimension 0 with size 0" });
  assert.throws(() => torch.tensor(1).index([None, 0]), { message: "too many indices for tensor of dimension 0" });
  // PyTorch accepts `x[..., ...]` (each ellipsis expands, so `x[..., 0, ...]` of a 3-d x gives a 2-d result);
  // torchlet refuses it with NumPy's message instead
  assert.throws(() => torch.zeros([2, 3]).index([Ellipsis, "..."]), { message: "an index can only have a single ellipsis ('...')" });
  // a basic-index write whose value doesn't fit the target gets expand's message (PyTorch 1.13: x[0] = ones(2); x[0:1] = ones(2, 3))
  const x = torch.zeros([2, 3]);
  assert.throws(() => x.indexPut_([0], torch.ones([2])), {
    message: "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3].  Tensor sizes: [2]",
  });
  assert.throws(() => x.indexPut_([Slice(0, 1)], torch.ones([2, 3])), {
    message: "The expanded size of the tensor (1) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [1, 3].  Tensor sizes: [2, 3]",
  });
  assert.throws(() => Slice(0.5), { message: "slice indices must be integers or None or have an __index__ method" });
  assert.throws(() => torch.zeros([3]).index([1.5]), /only integers, slices \(`:`\), ellipsis \(`...`\), None and long or byte Variables are valid indices/);
});

test("a basic index is a view: writes show in the base, one version counter, gradients through it", () => {
  const x = torch.zeros([3, 4]);
  const v = x.index([Slice(1), Slice(null, null, 2)]);
  assert.deepEqual([v.shape, v.stride()], [[2, 2], [4, 2]]);
  v.fill_(1);
  assert.deepEqual(x.tolist(), [[0, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0]]);
  assert.equal(x.version, v.version);
  // a copy (index tensor) is independent of the base
  const c = x.index([[0, 1]]);
  c.fill_(7);
  assert.equal(x.sum().item(), 4);
  // a 0-d view
  const e = x.index([2, -2]);
  assert.deepEqual(e.shape, []);
  x.indexPut_([2, 2], 5);
  assert.equal(e.item(), 5);

  const w = torch.arange(0, 6).to("float64").reshape([2, 3]).requiresGrad_(true);
  assert.equal(w.index([Slice(null, null, 2)]).gradFn?.name, "SliceBackward0");
  assert.equal(w.index([Ellipsis]).gradFn?.name, "AliasBackward0");
  assert.equal(w.index([None]).gradFn?.name, "UnsqueezeBackward0");
  assert.equal(w.index([[1, 1]]).gradFn?.name, "IndexBackward0");
  // the gradient of the gradient, through a strided slice and through an index tensor / mask
  assert.ok(torch.autograd.gradcheck((t) => t.index([Slice(1), Slice(null, null, 2)]).pow(2), [w]));
  assert.ok(gradOfGradcheck((t) => t.index([Slice(null, null, 2), Slice(2, 0)]).pow(2), [w]));
  assert.ok(gradOfGradcheck((t) => t.index([[1, 0, 1], Slice(null, null, 2)]).pow(2), [w]));
  assert.ok(gradOfGradcheck((t) => t.index([t.gt(1.5).detach()]).pow(3), [w]));
});

test("indexPut_ follows the in-place rules and is differentiable in self and value", () => {
  const leaf = torch.zeros([3], { requiresGrad: true });
  // PyTorch: x[0] = 1 and x[:] = 1 write a view of x, x[[0]] = 1 and x[:3] = 1 write x itself (Python's setitem
  // skips only a slice spelled 0 to exactly the size: `:` carries stop = sys.maxsize)
  assert.throws(() => leaf.indexPut_([0], 1), { message: "a view of a leaf Variable that requires grad is being used in an in-place operation." });
  assert.throws(() => leaf.indexPut_([[0]], 1), { message: "a leaf Variable that requires grad is being used in an in-place operation." });
  assert.throws(() => leaf.indexPut_([Slice()], 1), { message: "a view of a leaf Variable that requires grad is being used in an in-place operation." });
  assert.throws(() => leaf.indexPut_([Slice(null, 3)], 1), { message: "a leaf Variable that requires grad is being used in an in-place operation." });
  torch.noGrad(() => leaf.indexPut_([[0, 2]], 4));
  assert.deepEqual(leaf.tolist(), [4, 0, 4]);

  const x = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
  const v = torch.randn([2, 4], { dtype: "float64", requiresGrad: true });
  const a = x.mul(1);
  a.indexPut_([[2, 0]], v);
  assert.equal(a.gradFn?.name, "IndexPutBackward0");
  const b = x.mul(1);
  b.indexPut_([Slice(1)], v);
  assert.equal(b.gradFn?.name, "CopySlices");
  // out-of-place forms for gradcheck: clone, then write
  const put = (elements: torch.indexing.TensorIndex[], accumulate = false) => (s: Tensor, val: Tensor) =>
    s.clone().indexPut_(elements, val, { accumulate }).pow(2);
  assert.ok(torch.autograd.gradcheck(put([[2, 0]]), [x, v]));
  assert.ok(torch.autograd.gradcheck(put([Slice(1)]), [x, v]));
  assert.ok(gradOfGradcheck(put([Slice(), [1, 3]]), [x, torch.randn([3, 2], { dtype: "float64", requiresGrad: true })]));
  assert.ok(gradOfGradcheck(put([[2, 2]], true), [x, v]));
});

test("indexPut_ drops every leading size-1 dim of the value, and writes into a view of a grad leaf that is itself a view are refused (from the indexing probe, PyTorch 1.13's results)", () => {
  const x = torch.zeros([2, 2]);
  x.indexPut_([[0, 1], [0, 1]], torch.ones([1, 2]));
  assert.deepEqual(x.tolist(), [[1, 0], [0, 1]]);
  const a = torch.zeros([6]).reshape([2, 3]).requiresGrad_();
  assert.throws(() => a.indexPut_([0], 1), /^Error: a view of a leaf Variable that requires grad is being used in an in-place operation.$/);
  assert.throws(() => a.select(0, 0).fill_(1), /^Error: a view of a leaf Variable that requires grad is being used in an in-place operation.$/);
});

test("indexPut_ outside a graph writes straight into the tensor: same values as the recorded path, version bumped, values read before writing", () => {
  // rows of 20 (copied as blocks) and of 3 (element by element), with repeated and negative indices
  for (const cols of [20, 3]) {
    const base = torch.arange(0, 6 * cols).float().reshape([6, cols]);
    const idx = torch.tensor([4, 0, -1, 4], { dtype: "int32" });
    const values = torch.arange(0, 4 * cols).float().reshape([4, cols]).neg();
    for (const accumulate of [false, true]) {
      const direct = base.clone();
      const before = direct.version;
      direct.indexPut_([idx], values, { accumulate });
      assert.equal(direct.version, before + 1);
      const recorded = base.clone();
      recorded.indexPut_([idx], values.clone().requiresGrad_(), { accumulate });
      assert.ok(recorded.requiresGrad, "the reference result went through the recorded path");
      if (accumulate) assert.deepEqual(direct.tolist(), recorded.tolist());
      // without accumulate a repeated position keeps one of its values, so compare the others
      else assert.deepEqual([0, 1, 2, 3, 5].map((r) => direct.select(0, r).tolist()), [0, 1, 2, 3, 5].map((r) => recorded.select(0, r).tolist()));
    }
  }
  // values that are a view of the written tensor are read before anything is written (PyTorch 1.13: [[2, 3], [2, 3], [0, 1]])
  const x = torch.tensor([[0, 1], [2, 3], [4, 5]]);
  x.indexPut_([torch.tensor([0, 2], { dtype: "int32" })], x.narrow(0, 0, 2).flip([0]));
  assert.deepEqual(x.tolist(), [[2, 3], [2, 3], [0, 1]]);
});

test("index tensors and masks that are windows of a longer storage index by their own values (topk's indices, a narrowed mask)", () => {
  // PyTorch 1.13: x = [5, 1, 4, 2, 6, 3]; m = zeros(6); m[x.topk(2).indices] = 1 -> [1, 0, 0, 0, 1, 0]
  const x = torch.tensor([5, 1, 4, 2, 6, 3]);
  const m = torch.zeros([6]);
  m.indexPut_([x.topk(2).indices], 1);
  assert.deepEqual(m.tolist(), [1, 0, 0, 0, 1, 0]);
  const idx = torch.tensor([0, 5, 2, 3], { dtype: "int32" }).narrow(0, 1, 2);
  assert.deepEqual(x.index([idx]).tolist(), [3, 4]);
  const mask = torch.tensor([true, false, true, true, false, false, true]).narrow(0, 1, 6);
  assert.deepEqual(x.index([mask]).tolist(), [1, 4, 3]);
});
