/**
 * nn.utils.prune against PyTorch (nn_utils3.json): masks of l1Unstructured,
 * lnStructured (norms 1, 2, inf, "fro"; dims 0, 1, -1), identity and
 * customFromMask, alone and combined in a PruningContainer (each method on
 * what the others left); the weight_orig / weight_mask layout and keys, the
 * forward pre-hook (outputs and the gradient of weight_orig), remove,
 * globalUnstructured (with an already pruned layer, and with importance
 * scores), and PyTorch's errors. The random methods are checked by their
 * counts and structure (PyTorch's random streams are not reproduced).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, checkRun, checkState, fromJson, fx, load, values } from "./nn-utils-fixtures.js";

const { nn } = torch;
const prune = nn.utils.prune;
type Tensor = torch.Tensor;

const field = (m: torch.nn.Module, name: string): Tensor => (m as any)[name] as Tensor;
const scores = torch.arange(12).to("float32").reshape([3, 4]).flip([1]);

function applyStep(m: torch.nn.Module, fn: string, o: Record<string, any>): void {
  const n = o.n === "inf" ? Infinity : o.n;
  const importance = o.importance_scores === "scores" ? { importanceScores: scores } : {};
  switch (fn) {
    case "l1_unstructured": prune.l1Unstructured(m, "weight", o.amount, importance); break;
    case "ln_structured": prune.lnStructured(m, "weight", o.amount, n, o.dim, importance); break;
    case "identity": prune.identity(m, "weight"); break;
    case "custom_from_mask": prune.customFromMask(m, "weight", torch.tensor(o.mask)); break;
    default: throw new Error(fn);
  }
}

for (const c of fx.prune) {
  test(`prune: ${c.name}: masks, keys, forward, the gradient of weight_orig and remove as PyTorch`, () => {
    const m = c.kind === "linear" ? new nn.Linear(4, 3) : new nn.Conv2d(2, 4, 2);
    load(m, c.stateDict);
    const w = (m as any).weight as Tensor;
    c.steps.forEach((s: any, i: number) => {
      applyStep(m, s.fn, s.options);
      assert.deepEqual(Object.keys(m.stateDict()), s.keys, `keys after step ${i + 1}`);
      assert.deepEqual(values(field(m, "weight_mask")), s.mask.data, `mask after step ${i + 1}`);
    });
    assert.equal(field(m, "weight_orig"), w, "weight_orig is the original Parameter");
    assert.ok(prune.isPruned(m));
    assertClose(values(field(m, "weight")), c.weight.data, "pruned weight");
    checkRun(m, fromJson(c.input), c, "forward");
    prune.remove(m, "weight");
    checkState(m, c.afterRemove, "after remove");
    assert.equal(field(m, "weight"), w, "remove keeps the Parameter object");
    assert.ok(!prune.isPruned(m) && m._forwardPreHooks.size === 0);
  });
}

test("globalUnstructured prunes the smallest entries across tensors (one already pruned), and with importance scores", () => {
  const g = fx.pruneGlobal;
  const a = new nn.Linear(4, 3), b = new nn.Linear(3, 2);
  load(a, g.stateDicts.a);
  b.loadStateDict({ weight: fromJson(g.stateDicts.b.weight_orig), bias: fromJson(g.stateDicts.b.bias) });
  prune.l1Unstructured(b, "weight", 1);
  checkState(b, g.stateDicts.b, "b pruned first");
  prune.globalUnstructured([[a, "weight"], [b, "weight"]], prune.L1Unstructured, { amount: 0.4 });
  assert.deepEqual(values(field(a, "weight_mask")), g.maskA.data);
  assert.deepEqual(values(field(b, "weight_mask")), g.maskB.data);
  assert.deepEqual(Object.keys(b.stateDict()), g.keysB);
  const a2 = new nn.Linear(4, 3), b2 = new nn.Linear(3, 2);
  load(a2, g.stateDicts.a);
  b2.loadStateDict({ weight: fromJson(g.stateDicts.b.weight_orig), bias: fromJson(g.stateDicts.b.bias) });
  prune.globalUnstructured([[a2, "weight"], [b2, "weight"]], prune.L1Unstructured, { amount: 5, importanceScores: new Map([[a2, { weight: scores }]]) });
  assert.deepEqual(values(field(a2, "weight_mask")), g.scored.maskA.data);
  assert.deepEqual(values(field(b2, "weight_mask")), g.scored.maskB.data);
});

test("prune errors are PyTorch's", () => {
  const e = fx.pruneErrors;
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), "weight", -1), { message: e.negative });
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), "weight", 1.5), { message: e["above one"] });
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), "weight", 5), { message: e["too many"] });
  assert.throws(() => prune.lnStructured(new nn.Linear(2, 2), "bias", 1, 2, 0), { message: e["structured vector"] });
  assert.throws(() => prune.lnStructured(new nn.Linear(2, 2), "weight", 1, 2, 2), { message: e["bad dim"] });
  assert.throws(() => prune.remove(new nn.Linear(2, 2), "weight"), { message: e["remove unpruned"] });
  // a failed pruning leaves the module as it was
  const m = new nn.Linear(2, 2);
  const w = m.weight;
  assert.throws(() => prune.l1Unstructured(m, "weight", 5));
  assert.deepEqual(Object.keys(m.stateDict()), ["bias", "weight"]);
  assert.equal(m.weight, w);
  assert.ok(!prune.isPruned(m));
  assert.throws(() => prune.globalUnstructured([[m, "weight"]], prune.RandomStructured, { amount: 1 }), { message: /^Only "unstructured" PRUNING_TYPE supported for the `pruning_method`/ });
});

test("random pruning: the counts PyTorch's amounts give, whole channels for the structured one, and the hook follows weight_orig", () => {
  torch.manualSeed(0);
  const m = new nn.Linear(10, 6);
  prune.randomUnstructured(m, "weight", 0.25);
  const mask = values(field(m, "weight_mask"));
  // round(0.25 · 60) = 15 entries pruned
  assert.equal(mask.filter((v) => v === 0).length, 15);
  // again: a quarter of the 45 left, rounded half to even (11.25 → 11)
  prune.randomUnstructured(m, "weight", 0.25);
  assert.equal(values(field(m, "weight_mask")).filter((v) => v === 0).length, 26);
  const c = new nn.Conv2d(3, 8, 3);
  prune.randomStructured(c, "weight", 0.5, 0);
  const rows = field(c, "weight_mask").reshape([8, -1]);
  const perChannel = values(rows.sum(1));
  assert.equal(perChannel.filter((v) => v === 0).length, 4, "4 whole output channels");
  assert.ok(perChannel.every((v) => v === 0 || v === 27));
  // the hook recomputes weight from weight_orig before each forward
  torch.noGrad(() => field(m, "weight_orig").fill_(2));
  m.forward(torch.ones([1, 10]));
  assert.deepEqual(values(field(m, "weight")), values(field(m, "weight_mask")).map((v) => 2 * v));
  // rounding is Python's: half to even
  const r = new nn.Linear(5, 1);
  prune.l1Unstructured(r, "weight", 0.5); // round(2.5) = 2
  assert.equal(values(field(r, "weight_mask")).filter((v) => v === 0).length, 2);
  const s = new nn.Linear(7, 1);
  prune.l1Unstructured(s, "weight", 0.5); // round(3.5) = 4
  assert.equal(values(field(s, "weight_mask")).filter((v) => v === 0).length, 4);
});

test("prune works through an optimizer: weight_orig trains, the pruned entries' gradient is 0", () => {
  const m = new nn.Linear(4, 2);
  prune.l1Unstructured(m, "weight", 4);
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
  (m.forward(torch.ones([3, 4]))).sum().backward();
  const grad = values(field(m, "weight_orig").grad!);
  const mask = values(field(m, "weight_mask"));
  mask.forEach((v, i) => assert.equal(grad[i] === 0, v === 0, `entry ${i}`));
  opt.step();
  prune.remove(m, "weight");
  assert.equal(values(m.weight).filter((v) => v === 0).length, 4);
});

test("lnStructured with n = \"fro\" over more than two other dims is refused as PyTorch 2.x's torch.norm refuses it (linalg.matrix_norm), even with nothing to prune", () => {
  // prune.ln_structured(nn.Conv2d(2, 3, 2), "weight", amount=0.5, n="fro", dim=0): torch.norm(w, p="fro", dim=[1, 2, 3])
  assert.throws(() => prune.lnStructured(new nn.Conv2d(2, 3, 2), "weight", 0.5, "fro", 0), { message: "linalg.matrix_norm: dim must be a 2-tuple. Got 1 2 3" });
  assert.throws(() => prune.lnStructured(new nn.Conv2d(2, 3, 2), "weight", 0, "fro", -1), { message: "linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2" });
  // two other dims are fine: the Frobenius norm is the 2-norm
  const m = new nn.Conv1d(2, 3, 2);
  prune.lnStructured(m, "weight", 1, "fro", 0);
  assert.equal(values(field(m, "weight_mask")).filter((v) => v === 0).length, 4);
});
