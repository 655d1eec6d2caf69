/**
 * Writes PyTorch treats in its own way: index_put_ / masked_fill_ on an
 * expanded view while recording (recorded: CopySlices on the base, whose
 * backward refuses the overlap), indexing writes whose source or index is
 * self's own memory (assert_no_overlap refuses full overlap too), the op an
 * uninitialized parameter's error names, and prod's double backward with two
 * zeros in one slot. Fixtures: scripts/gen_faithful_4_fixtures.py (PyTorch
 * 1.13); the code paths are the same in 2.x (TensorAdvancedIndexing.cpp,
 * MemoryOverlap.cpp, FunctionsManual.cpp's index_reduce_backward /
 * scatter_reduce_backward, which raise through a DelayedError node).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { errorOf } from "./faithful-3-fixtures.js";
import { assertClose, type Encoded, values } from "./fixture-values.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const FX = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "faithful-4", "writes.json"), "utf8")) as Record<string, unknown>;
const section = <T>(name: string): T => FX[name] as T;
const int32 = (xs: number[]) => torch.tensor(xs, { dtype: "int32" });
const mask = (xs: number[]) => torch.tensor(xs.map(Boolean));

interface Expanded {
  error: string | null; warnings: string[]; view: Encoded[]; base: Encoded[]; viewNode: string; viewNext: string[];
  baseNode: string; baseNext: (string | null)[]; version: number; backward: string;
}

describeOnBackends((b) => `index_put_ / masked_fill_ on an expanded view while recording, as PyTorch (${b})`, () => {
  const E = section<Record<string, Expanded>>("expanded");
  const writes: Record<string, (y: Tensor, v: Tensor) => unknown> = {
    indexScalar: (y) => y.indexPut_([int32([0, 2]), int32([1, 3])], torch.tensor(7)),
    indexValues: (y, v) => y.indexPut_([int32([0, 2]), int32([1, 3])], v),
    indexAccumulate: (y) => y.indexPut_([int32([0, 2]), int32([1, 1])], torch.tensor([5, 6]), { accumulate: true }),
    maskedFill_: (y) => y.maskedFill_(mask([1, 0, 0, 1]), 5),
    maskScalar: (y) => y.indexPut_([mask([1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0]).view([3, 4])], 3),
  };
  const setup = () => {
    const a = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
    const x = a.mul(1);
    return { x, y: x.expand([3, 4]), v: torch.tensor([10, 20], { requiresGrad: true }) };
  };
  for (const [name, write] of Object.entries(writes)) {
    test(`${name}: written position by position and recorded (CopySlices on the base); backward raises copy_'s overlap error`, async () => {
      const c = E[name]!;
      const { x, y, v } = setup();
      const warnings = await warningMessagesDuring(() => assert.equal(errorOf(() => write(y, v)), c.error));
      // (torchlet warns once per process, as Python's default filter: only a warning PyTorch gives may appear)
      for (const w of warnings) assert.ok(c.warnings.includes(w), w);
      assertClose(values(y.detach()), c.view, "view");
      assertClose(values(x.detach()), c.base, "base");
      assert.equal(y.version, c.version);
      assert.equal(y.gradFn!.name, c.viewNode);
      assert.deepEqual(y.gradFn!.nextFunctions.map(([n]) => n?.name ?? null), c.viewNext);
      assert.equal(x.gradFn!.name, c.baseNode);
      assert.deepEqual(x.gradFn!.nextFunctions.map(([n]) => n?.name ?? null), c.baseNext);
      assert.equal(errorOf(() => y.mul(torch.arange(12, { dtype: "float32" }).view([3, 4])).sum().backward()), c.backward);
    });
  }
  test("outside a graph nothing is recorded (the same values)", () => {
    const y = torch.tensor([1, 2, 3, 4]).expand([3, 4]);
    y.maskedFill_(mask([1, 0, 0, 1]), 5);
    assertClose(values(y), E["maskedFill_"]!.view, "view");
    assert.equal(y.gradFn, null);
  });
});

describeOnBackends((b) => `an indexing write whose source or index is self's own memory (${b})`, () => {
  const O = section<Record<string, { error: string | null; values: Encoded[] }>>("overlap");
  const ix = () => int32([0, 2, 1]);
  const ar = () => torch.arange(3, { dtype: "float32" });
  const ints = () => int32([0, 2, 1]);
  const cases: Record<string, [() => Tensor, (x: Tensor) => unknown]> = {
    scatter_: [ar, (x) => x.scatter_(0, ix(), x)],
    scatter_View: [ar, (x) => x.scatter_(0, ix(), x.view([3]))],
    scatter_add_: [ar, (x) => x.scatterAdd_(0, ix(), x)],
    scatter_reduce_: [ar, (x) => x.scatterReduce_(0, ix(), x, "sum")],
    index_add_: [ar, (x) => x.indexAdd_(0, ix(), x)],
    index_copy_: [ar, (x) => x.indexCopy_(0, ix(), x)],
    index_reduce_: [ar, (x) => x.indexReduce_(0, ix(), x, "prod")],
    put_: [ar, (x) => x.put_(ix(), x)],
    index_put_: [ar, (x) => x.indexPut_([ix()], x)],
    index_put_Accumulate: [ar, (x) => x.indexPut_([ix()], x, { accumulate: true })],
    // (torchlet's index dtype is int32, PyTorch's int64: the index is self's memory in both)
    scatter_Index: [ints, (x) => x.scatter_(0, x, 5)],
    index_add_Index: [ints, (x) => x.indexAdd_(0, x, int32([1, 1, 1]))],
    index_fill_Index: [ints, (x) => x.indexFill_(0, x, 5)],
    put_Index: [ints, (x) => x.put_(x, int32([1, 1, 1]))],
    index_put_Index: [ints, (x) => x.indexPut_([x], int32([1, 1, 1]))],
    maskValueOwn: [ar, (x) => x.indexPut_([mask([1, 0, 1])], x.select(0, 1))],
    index_fill_Value: [ar, (x) => x.indexFill_(0, int32([0]), x.select(0, 1))],
    masked_fill_Mask: [() => mask([1, 0, 1]), (x) => x.maskedFill_(x, true as unknown as number)],
    copy_: [ar, (x) => x.copy_(x)],
    add_: [ar, (x) => x.add_(x)],
  };
  for (const [name, [make, f]] of Object.entries(cases)) {
    test(`${name}: ${O[name]!.error === null ? "allowed" : "refused"}, as PyTorch`, () => {
      const x = make();
      assert.equal(errorOf(() => f(x)), O[name]!.error);
      assertClose(values(x), O[name]!.values, "values");
    });
  }
});

describeOnBackends((b) => `masked_scatter_ whose source is self's memory: read as PyTorch's kernel finds it, part written already (${b})`, () => {
  const M = section<Record<string, { error: string | null; values: Encoded[] }>>("maskedScatterOwn");
  const ar = (n: number) => torch.arange(n, { dtype: "float32" });
  const grid = () => ar(6).view([2, 3]);
  const cases: Record<string, [() => Tensor, (x: Tensor) => unknown]> = {
    self: [() => ar(3), (x) => x.maskedScatter_(mask([0, 1, 1]), x)],
    self5: [() => ar(5), (x) => x.maskedScatter_(mask([0, 1, 1, 0, 1]), x)],
    rows: [grid, (x) => x.maskedScatter_(mask([1, 0, 1]), x)],
    flipped: [() => ar(4), (x) => x.maskedScatter_(mask([0, 1, 1, 1]), x.flip([0]))],
    tail: [() => ar(5), (x) => x.maskedScatter_(mask([0, 1, 1, 0, 1]), x.narrow(0, 1, 4))],
    headTail: [() => ar(5), (x) => x.narrow(0, 0, 4).maskedScatter_(mask([1, 1, 0, 1]), x.narrow(0, 1, 4))],
    transposed: [grid, (x) => x.t().maskedScatter_(mask([1, 0]), x.view([-1]))],
    sourceTransposed: [grid, (x) => x.maskedScatter_(mask([1, 0, 1]), x.t())],
  };
  for (const [name, [make, f]] of Object.entries(cases)) {
    test(name, () => {
      const x = make();
      assert.equal(errorOf(() => f(x)), M[name]!.error);
      assertClose(values(x), M[name]!.values, "values");
    });
  }
  test("too few source elements: PyTorch's error (torchlet adds the counts; it writes nothing, where PyTorch's kernel has written the first)", () => {
    const x = ar(3);
    const message = errorOf(() => x.maskedScatter_(mask([1, 1, 1]), x.narrow(0, 2, 1)));
    assert.ok(message !== null && message.startsWith(M["tooFew"]!.error!), String(message));
  });
});

test("an uninitialized parameter's error names the op (in-place ops before the leaf rule; factory-made ops by their name)", () => {
  const U = section<Record<string, string>>("uninitialized");
  const w = new torch.nn.UninitializedParameter();
  const cases: Record<string, () => unknown> = {
    "w.exp_": () => w.exp_(), "w.add_": () => w.add_(1), "w.fill_": () => w.fill_(1), "w.zero_": () => w.zero_(),
    "w.uniform_": () => w.uniform_(), "torch.exp": () => torch.exp(w), "torch.sigmoid": () => torch.sigmoid(w),
    "torch.cat": () => torch.cat([w, w]), "torch.neg": () => torch.neg(w), "torch.sum": () => torch.sum(w),
    "torch.stack": () => torch.stack([w]),
  };
  for (const [name, want] of Object.entries(U)) {
    // PyTorch 2.x calls the tensor base class torch._C.TensorBase (1.13: torch._C._TensorBase)
    assert.equal(errorOf(cases[name]!), want.replace("torch._C._TensorBase", "torch._C.TensorBase"), name);
  }
});

describeOnBackends((b) => `index_reduce / scatter_reduce prod: double backward with two zeros in a slot raises, as PyTorch (${b})`, () => {
  const P = section<Record<string, { grad: Encoded[]; node: string; next: string[]; doubleBackward: string | null; srcGrad: Encoded[] | null }>>("prodDouble");
  for (const [key, c] of Object.entries(P)) {
    test(key, () => {
      const [op, which] = key.split("/") as [string, string];
      const x = torch.tensor([1, 2, 3], { requiresGrad: true });
      const src = torch.tensor(which === "twoZeros" ? [0, 0, 5, 2] : [0, 4, 5, 2], { requiresGrad: true });
      const idx = int32([0, 0, 2, 1]);
      const y = op === "index_reduce" ? x.indexReduce(0, idx, src, "prod") : x.scatterReduce(0, idx, src, "prod");
      const [g] = torch.autograd.grad(y.sum(), [src], { createGraph: true });
      assertClose(values(g!.detach()), c.grad, "first gradient (right either way)");
      assert.equal(g!.gradFn!.name, c.node);
      assert.deepEqual(g!.gradFn!.nextFunctions.map(([n]) => n?.name ?? null), c.next);
      assert.equal(errorOf(() => g!.sum().backward()), c.doubleBackward);
      if (c.srcGrad === null) assert.equal(src.grad, null);
      else assertClose(values(src.grad!), c.srcGrad, "second derivative");
    });
  }
});
