// API.md's grad-mode rules 1-3 and 8-11, one test per rule (rules 4-5 live in
// grad-mode-async/grad-mode-generators, 6-7 in grad-mode-nn).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

/** An assert.throws validator: the message starts with PyTorch's. */
const startsWith = (text: string) => (e: unknown) => e instanceof Error && e.message.startsWith(text);
const MODIFIED = startsWith("one of the variables needed for gradient computation has been modified by an inplace operation");
const LEAF_INPLACE = startsWith("a leaf Variable that requires grad is being used in an in-place operation.");
const INFERENCE_INPLACE = startsWith("Inplace update to inference tensor outside InferenceMode is not allowed.");

/** Bytes of tensor storage that stay alive after a collection. */
async function liveBytes(): Promise<number> {
  return (await torch.settleMemory()).liveBytes;
}

test("rule 1: inside noGrad results don't require grad and no graph is built", async () => {
  torch.setMemoryTracking({ minBytes: 0 });
  const x = torch.randn([32, 32], { requiresGrad: true });
  const w = torch.randn([32, 32], { requiresGrad: true });
  const forward = () => x.matmul(w).tanh().mul(w).exp().sum(1);

  // every form of noGrad
  const outs = [
    torch.noGrad(forward),
    (() => { using _ = torch.noGrad(); return forward(); })(),
    torch.noGrad.wrap(forward)(),
    torch.setGradEnabled(false, forward),
  ];
  for (const y of outs) {
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(y.isLeaf, true);
  }
  // ... and the same expression records outside
  const recorded = forward();
  assert.equal(recorded.requiresGrad, true);
  assert.equal(recorded.gradFn?.name, "SumBackward1");

  // Nothing is saved for backward: only the output stays alive, while the graph keeps intermediates.
  const base = await liveBytes();
  let y: torch.Tensor | null = torch.noGrad(forward);
  const noGradRetained = (await liveBytes()) - base;
  assert.equal(noGradRetained, 32 * 4, "noGrad keeps only the [32] float32 output");
  y = forward();
  const gradRetained = (await liveBytes()) - base;
  // tanh and exp save their outputs (as in PyTorch); the matmul output is not needed by backward
  assert.ok(gradRetained >= 2 * 32 * 32 * 4, `the graph keeps the activations (${gradRetained} bytes)`);
  assert.equal(y.requiresGrad, true);
  y = null;
});

test("rule 2: factories honour requiresGrad: true inside noGrad", () => {
  torch.noGrad(() => {
    for (const t of [
      torch.zeros([2, 3], { requiresGrad: true }),
      torch.ones([2], { requiresGrad: true }),
      torch.randn([4], { requiresGrad: true }),
      torch.tensor([1, 2, 3], { requiresGrad: true }),
      torch.full([2], 7, { requiresGrad: true }),
    ]) {
      assert.equal(t.requiresGrad, true);
      assert.equal(t.isLeaf, true);
      assert.equal(torch.isGradEnabled(), false);
    }
  });
  // the leaf made inside noGrad is a normal leaf outside it
  const p = torch.noGrad(() => torch.ones([3], { requiresGrad: true }));
  p.mul(2).sum().backward();
  assert.deepEqual(Array.from(p.grad!.toArray()), [2, 2, 2]);
});

test("rule 3: modes nest, enableGrad inside noGrad records, and leaving restores the previous mode even on throw", () => {
  const x = torch.ones([2], { requiresGrad: true });
  const seen: boolean[] = [];
  torch.noGrad(() => {
    seen.push(x.mul(2).requiresGrad);
    torch.enableGrad(() => {
      const y = x.mul(2);
      seen.push(y.requiresGrad, y.gradFn !== null);
      torch.noGrad(() => seen.push(x.mul(2).requiresGrad));
      seen.push(torch.isGradEnabled());
    });
    seen.push(torch.isGradEnabled());
  });
  assert.deepEqual(seen, [false, true, true, false, true, false]);
  assert.equal(torch.isGradEnabled(), true);

  // a throwing body restores the outer mode, in every form
  const boom = () => { throw new Error("boom"); };
  torch.noGrad(() => {
    assert.throws(() => torch.enableGrad(boom), /boom/);
    assert.equal(torch.isGradEnabled(), false);
    assert.throws(() => torch.enableGrad.wrap(boom)(), /boom/);
    assert.equal(torch.isGradEnabled(), false);
    assert.throws(() => torch.setGradEnabled(true, boom), /boom/);
    assert.equal(torch.isGradEnabled(), false);
    assert.throws(() => { using _ = torch.enableGrad(); boom(); }, /boom/);
    assert.equal(torch.isGradEnabled(), false);
    assert.throws(() => torch.inferenceMode(boom), /boom/);
    assert.equal(torch.isInferenceModeEnabled(), false);
    assert.equal(torch.isGradEnabled(), false);
  });
  assert.equal(torch.isGradEnabled(), true);

  // noGrad/enableGrad touch only the grad flag: inside inferenceMode they stay in inference mode (as PyTorch)
  torch.inferenceMode(() => {
    torch.noGrad(() => assert.equal(torch.isInferenceModeEnabled(), true));
    torch.enableGrad(() => {
      assert.equal(torch.isGradEnabled(), true);
      assert.equal(torch.isInferenceModeEnabled(), true);
      const y = x.mul(2);
      assert.equal(y.requiresGrad, false, "inference mode never records, even with grad enabled");
      assert.equal(y.isInference(), true);
    });
    torch.inferenceMode(false, () => {
      assert.equal(torch.isInferenceModeEnabled(), false);
      assert.equal(torch.isGradEnabled(), true, "inferenceMode(false) enables grad, as PyTorch");
      assert.equal(x.mul(2).requiresGrad, true);
    });
    assert.equal(torch.isInferenceModeEnabled(), true);
    assert.equal(torch.isGradEnabled(), false);
  });
  assert.equal(torch.isInferenceModeEnabled(), false);
});

test("rule 3: setGradEnabled(mode) switches at once and its guard restores the previous mode", () => {
  const guard = torch.setGradEnabled(false);
  assert.equal(torch.isGradEnabled(), false);
  const inner = torch.setGradEnabled(true);
  assert.equal(torch.isGradEnabled(), true);
  inner[Symbol.dispose]();
  assert.equal(torch.isGradEnabled(), false);
  guard[Symbol.dispose]();
  assert.equal(torch.isGradEnabled(), true);
  {
    using _ = torch.setGradEnabled(false);
    assert.equal(torch.ones([1], { requiresGrad: true }).mul(2).requiresGrad, false);
  }
  assert.equal(torch.isGradEnabled(), true);
  assert.throws(() => torch.setGradEnabled("no" as unknown as boolean), /mode must be a boolean/);
});

test("rule 8: in-place on a leaf that requires grad throws outside noGrad and works inside it", () => {
  const w = torch.zeros([3], { requiresGrad: true });
  assert.throws(() => w.add_(1), LEAF_INPLACE);
  assert.throws(() => w.normal_(), LEAF_INPLACE);
  assert.throws(() => w.view([3]).mul_(2), startsWith("a view of a leaf Variable that requires grad is being used in an in-place operation."));
  assert.equal(w.version, 0, "a refused in-place op writes nothing");

  // parameter initialisation and a manual SGD update, in the callback and `using` forms
  torch.noGrad(() => w.uniform_(-1, 1));
  assert.ok(Array.from(w.toArray()).some((v) => v !== 0));
  w.mul(w).sum().backward();
  const before = Array.from(w.toArray());
  {
    using _ = torch.noGrad();
    w.sub_(w.grad!.mul(0.1));
  }
  Array.from(w.toArray()).forEach((v, i) => assert.ok(Math.abs(v - before[i]! * 0.8) < 1e-6));
  assert.equal(w.isLeaf, true);
  assert.equal(w.requiresGrad, true);
  assert.equal(w.gradFn, null);
  assert.equal(w.version, 2);
});

test("rule 9: in-place ops bump the version counter shared by views, and backward through a modified saved tensor throws", () => {
  const x = torch.arange(6, undefined, 1, { dtype: "float32" });
  const v = x.view([2, 3]);
  const col = v.select(1, 0);
  assert.equal(x.version, 0);
  col.add_(1);
  assert.equal(x.version, 1);
  assert.equal(v.version, 1);
  v.zero_();
  assert.equal(col.version, 2);

  // a leaf saved by mul, updated under noGrad before backward (the classic "step before backward" bug)
  const w = torch.ones([3], { requiresGrad: true });
  const a = torch.tensor([1, 2, 3]);
  const loss = w.mul(a).mul(w).sum();
  torch.noGrad(() => w.mul_(2));
  assert.throws(() => loss.backward(), (e: Error) => MODIFIED(e) && /is at version 1; expected version 0 instead/.test(e.message));

  // a non-leaf saved by exp (its output), modified through a view
  const x2 = torch.ones([2, 2], { requiresGrad: true });
  const y = x2.exp();
  const z = y.sum();
  torch.noGrad(() => y.view([4]).add_(1));
  assert.throws(() => z.backward(), MODIFIED);

  // unmodified: backward works
  const x3 = torch.ones([2], { requiresGrad: true });
  x3.exp().sum().backward();
  assert.ok(Math.abs(x3.grad!.toArray()[0]! - Math.E) < 1e-6);
});

test("rule 10: detach() shares storage and version counter without grad; detach_() does it in place", () => {
  const x = torch.ones([3], { requiresGrad: true });
  const y = x.mul(2);
  const d = y.detach();
  assert.equal(d.storage, y.storage);
  assert.equal(d.requiresGrad, false);
  assert.equal(d.gradFn, null);
  assert.equal(d.isLeaf, true);
  const v0 = y.version;
  d.add_(1);
  assert.equal(y.version, v0 + 1, "the detached tensor shares the version counter");
  assert.deepEqual(Array.from(y.toArray()), [3, 3, 3], "and the data");

  // the shared counter protects saved tensors against writes through a detached alias
  const s = x.exp();
  const loss = s.sum();
  s.detach().mul_(0);
  assert.throws(() => loss.backward(), MODIFIED);

  const h = x.mul(3);
  assert.equal(h.detach_(), h);
  assert.equal(h.requiresGrad, false);
  assert.equal(h.gradFn, null);
  assert.equal(h.isLeaf, true);
  assert.equal(h.mul(2).requiresGrad, false);
});

test("rule 11: inferenceMode makes inference tensors that can't be saved for backward or updated in place outside it", () => {
  const w = torch.ones([3], { requiresGrad: true });
  const normal = torch.ones([3]);
  const t = torch.inferenceMode(() => {
    assert.equal(torch.isInferenceModeEnabled(), true);
    assert.equal(torch.isGradEnabled(), false);
    const made = torch.ones([3]).add(1);
    assert.equal(made.isInference(), true);
    assert.equal(w.mul(2).isInference(), true);
    assert.equal(w.mul(2).requiresGrad, false);
    assert.equal(normal.view([3]).isInference(), false, "a view of a normal tensor stays normal");
    normal.add_(1); // in-place on a normal tensor is allowed inside and bumps its counter
    made.mul_(2); // in-place on an inference tensor inside inference mode is fine
    return made;
  });
  assert.equal(normal.version, 1);
  assert.equal(t.isInference(), true);
  assert.equal(normal.isInference(), false);
  assert.throws(() => t.version, startsWith("Inference tensors do not track version counter."));

  assert.throws(() => w.mul(t), startsWith("Inference tensors cannot be saved for backward."));
  assert.throws(() => t.add_(1), INFERENCE_INPLACE);
  assert.throws(() => torch.noGrad(() => t.add_(1)), INFERENCE_INPLACE);
  // allowed: ops that save nothing from it, and any op outside recording
  assert.equal(w.add(t).requiresGrad, true);
  assert.equal(torch.noGrad(() => w.mul(t)).isInference(), false);
  assert.deepEqual(Array.from(t.clone().add_(1).toArray()), [5, 5, 5], "a clone is a normal tensor");
  assert.equal(t.detach().isInference(), true);
  assert.throws(() => t.detach().requiresGrad_(), startsWith("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."));
  assert.equal(torch.inferenceMode(() => t.detach().requiresGrad_().requiresGrad), true, "allowed inside inference mode");
});
