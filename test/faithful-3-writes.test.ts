/**
 * Writes that PyTorch treats specially: index_put_ / masked_fill_ on an
 * expanded tensor (a deprecation warning, not an error), Python setitem's
 * rule for a full slice (`x[:] = v` writes a view, `x[:n] = v` x itself),
 * IndexPutBackward0's saved indices, and an in-place op's input that
 * partially overlaps its target (refused before shape and dtype errors).
 * Fixtures: scripts/gen_faithful_3.py (PyTorch 1.13; the same code in 2.x).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip, describeOnBackends } from "./backends.js";
import { assertClose, type Encoded, values } from "./fixture-values.js";
import { type MaybeValues, raisesAsPyTorch, section } from "./faithful-3-fixtures.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const { Slice, Ellipsis, None } = torch.indexing;
const int32 = (xs: number[]) => torch.tensor(xs, { dtype: "int32" });
const mask = (xs: number[]) => torch.tensor(xs.map(Boolean));

interface Written { error: string | null; warnings: string[]; values: Encoded[] }

test("index_put_ and masked_fill_ on an expanded tensor warn (once, as Python's filter) and write each position in turn; fill_ and zero_ just write", async () => {
  const F = section<Record<string, Written>>("expanded");
  const expanded = () => torch.zeros([1]).expand([3]);
  const check = (name: string, e: Tensor, f: () => unknown) => {
    raisesAsPyTorch(f, F[name]!.error, name);
    assertClose(values(e), F[name]!.values, name);
  };
  // masked_fill_ first: its warning alone
  let e = expanded();
  assert.deepEqual(await warningMessagesDuring(() => check("maskedFill_", e, () => e.maskedFill_(mask([1, 0, 1]), 5))), F["maskedFill_"]!.warnings);
  // x[mask] = 5 warns for index_put_ and for the masked_fill_ it goes on to (shown already above: once per process)
  e = expanded();
  const both = F["maskScalar"]!.warnings;
  assert.deepEqual(both[1], F["maskedFill_"]!.warnings[0]);
  assert.deepEqual(await warningMessagesDuring(() => check("maskScalar", e, () => e.indexPut_([mask([1, 0, 1])], 5))), [both[0]]);
  const previous = torch.getBackend();
  for (const backend of ["reference", "native"] as const) {
    if (backendSkip(backend) !== false) continue;
    torch.setBackend(backend);
    const cases: [string, (t: Tensor) => unknown, () => Tensor][] = [
      ["maskValues", (t) => t.indexPut_([mask([1, 0, 1])], torch.tensor([7, 8])), expanded],
      ["indexValues", (t) => t.indexPut_([int32([0, 2])], torch.tensor([7, 8])), expanded],
      ["indexAccumulate", (t) => t.indexPut_([int32([0, 2])], torch.tensor([7, 8]), { accumulate: true }), expanded],
      ["maskedFill2d", (t) => t.maskedFill_(mask([1, 0, 0, 0, 0, 1]).reshape([2, 3]), -1), () => torch.arange(0, 3).float().expand([2, 3])],
      // masked_scatter_ is no such case: PyTorch refuses it
      ["maskedScatter_", (t) => t.maskedScatter_(mask([1, 0, 1]), torch.ones([3])), expanded],
      // fill_ and zero_ write one value everywhere: allowed (so is x[1:] = 5, a fill_); a random fill is not
      ["fill_", (t) => t.fill_(2), expanded],
      ["zero_", (t) => t.zero_(), () => torch.ones([1]).expand([3])],
      ["sliceNumber", (t) => t.indexPut_([Slice(1)], 5), expanded],
      ["uniform_", (t) => t.uniform_(), expanded],
      // x[1:] = v fills with a 0-d v, copies any other (refused)
      ["slice0d", (t) => t.indexPut_([Slice(1)], torch.tensor(5)), expanded],
      ["slice1d", (t) => t.indexPut_([Slice(1)], torch.tensor([5])), expanded],
    ];
    for (const [name, f, make] of cases) {
      const t = make();
      check(name, t, () => f(t));
    }
  }
  torch.setBackend(previous);
});

interface SetitemCase { shape: number[]; index: (string | number | number[] | null)[][]; error: string }

/** The torchlet spelling of one fixture index element. */
function element(spec: (string | number | number[] | null)[]): torch.indexing.TensorIndex {
  const [kind, a, b] = spec;
  switch (kind) {
    case "slice": return Slice(a as number | null, b as number | null);
    case "int": return a as number;
    case "ellipsis": return Ellipsis;
    case "none": return None;
    case "index": return int32(a as number[]);
    default: return mask(a as number[]);
  }
}

test("x[...] = v on a leaf that requires grad: PyTorch's message says whether it writes a view (x[:], x[0:], x[0]) or x itself (x[:n], x[...], x[idx])", () => {
  for (const c of section<SetitemCase[]>("setitemLeaf")) {
    const x = torch.zeros(c.shape, { requiresGrad: true });
    raisesAsPyTorch(() => x.indexPut_(c.index.map(element), 1), c.error, JSON.stringify(c.index));
  }
  // the same rule outside autograd: x[:2] = v on a [2] tensor writes it through no view (a non-leaf records no CopySlices)
  const w = torch.ones([2], { requiresGrad: true });
  const a = w.mul(1), b = w.mul(1);
  a.indexPut_([Slice(null, 2)], torch.tensor([3, 4]));
  b.indexPut_([Slice()], torch.tensor([3, 4]));
  assert.equal(a.gradFn?.name, "CopyBackwards");
  assert.equal(b.gradFn?.name, "CopySlices");
});

interface SavedCase { gradFn: string; error: string | null; grad: MaybeValues }

test("IndexPutBackward0 saves its index tensors and masks: changing one in place before backward raises PyTorch's version error", () => {
  const F = section<Record<string, SavedCase>>("indexPutSaved");
  const build: Record<string, () => { x: Tensor; a: Tensor }> = {
    maskScalar: () => {
      const a = torch.tensor([1, 2, 3], { requiresGrad: true }), x = a.clone(), m = mask([1, 0, 1]);
      x.indexPut_([m], 5);
      m.indexPut_([0], 0);
      return { x, a };
    },
    indexValues: () => {
      const a = torch.tensor([1, 2, 3], { requiresGrad: true }), x = a.clone(), i = int32([0, 2]);
      x.indexPut_([i], torch.tensor([7, 8], { requiresGrad: true }));
      i.add_(0);
      return { x, a };
    },
    indexAccumulate: () => {
      const a = torch.tensor([1, 2, 3], { requiresGrad: true }), x = a.clone(), i = int32([0, 2]);
      x.indexPut_([i], torch.tensor(1), { accumulate: true });
      i.add_(0);
      return { x, a };
    },
    mask2d: () => {
      const a = torch.ones([2, 2], { requiresGrad: true }), x = a.clone(), m = mask([1, 0, 0, 1]).reshape([2, 2]);
      x.indexPut_([m], 0);
      m.logicalNot_();
      return { x, a };
    },
    unchanged: () => {
      const a = torch.tensor([1, 2, 3], { requiresGrad: true }), x = a.clone();
      x.indexPut_([mask([1, 0, 1])], 5);
      return { x, a };
    },
  };
  for (const [name, c] of Object.entries(F)) {
    const { x, a } = build[name]!();
    assert.equal(x.gradFn?.name, c.gradFn, name);
    // (torchlet's index tensors are int32: PyTorch's int64 LongTensor is torchlet's IntTensor)
    raisesAsPyTorch(() => x.sum().backward(), c.error?.replace("torch.LongTensor", "torch.IntTensor") ?? null, name);
    if (c.grad === null) assert.equal(a.grad, null, name);
    else assertClose(values(a.grad!), c.grad, name);
  }
});

interface OverlapCase { error: string | null; values: MaybeValues }

describeOnBackends((b) => `in-place ops refuse an input that partially overlaps their target, before shape and dtype errors (${b})`, () => {
  const F = section<Record<string, OverlapCase>>("overlap");
  const ar = () => torch.arange(0, 5).float();
  const n = (t: Tensor, start: number, end?: number) => t.index([Slice(start, end ?? null)]);
  const cases: Record<string, [() => Tensor, (x: Tensor) => unknown]> = {
    addShiftRight: [ar, (x) => n(x, 1).add_(n(x, 0, -1))],
    addShiftLeft: [ar, (x) => n(x, 0, -1).add_(n(x, 1))],
    addAlpha: [ar, (x) => n(x, 1).add_(n(x, 0, -1), { alpha: 2 })],
    mul: [ar, (x) => n(x, 1).mul_(n(x, 0, -1))],
    sub: [ar, (x) => n(x, 1).sub_(n(x, 0, -1))],
    copy: [ar, (x) => n(x, 1).copy_(n(x, 0, -1))],
    transpose: [() => torch.arange(0, 4).float().reshape([2, 2]), (x) => x.add_(x.t())],
    same: [ar, (x) => x.add_(x)],
    sameElementsOtherView: [ar, (x) => x.add_(x.view([1, 5]).index([0]))],
    expandedInput: [() => torch.arange(0, 6).float(), (x) => n(x, 2, 5).add_(n(x, 0, 1).expand([3]))],
    stridedInput: [() => torch.arange(0, 6).float(), (x) => n(x, 1, 4).add_(x.index([Slice(null, null, 2)]))],
    expandedTarget: [() => torch.zeros([1]).expand([4]), (x) => x.add_(torch.arange(0, 4).float())],
    expandedTargetOverlapping: [ar, (x) => n(x, 0, 1).expand([4]).add_(n(x, 1))],
    beforeShape: [ar, (x) => n(x, 1, 4).add_(n(x, 0, 2))],
    // (PyTorch's int64 arange is torchlet's int32: the same true-division cast error follows the overlap one)
    beforeDtype: [() => torch.arange(0, 5), (x) => n(x, 1).div_(n(x, 0, -1))],
    leafFirst: [() => torch.arange(0, 5).float().requiresGrad_(), (x) => n(x, 1).add_(n(x, 0, -1))],
    recorded: [() => torch.arange(0, 5).float().requiresGrad_().clone(), (x) => n(x, 1).add_(n(x, 0, -1))],
    disjoint: [ar, (x) => n(x, 3).add_(n(x, 0, 2))],
  };
  for (const [name, c] of Object.entries(F)) {
    test(name, () => {
      const [make, f] = cases[name]!;
      const x = make();
      raisesAsPyTorch(() => f(x), c.error, name);
      if (c.values !== null) assertClose(values(x), c.values, name);
    });
  }
});
