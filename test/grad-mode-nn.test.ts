// API.md's grad-mode rules that involve nn and optim: 2 (nn.Parameter), 6 and 7.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn, optim } = torch;

const values = (t: torch.Tensor) => Array.from(t.toArray());
const same = (a: torch.Tensor, b: torch.Tensor) => values(a).every((v, i) => v === values(b)[i]);

test("rule 2: new nn.Parameter(t) inside noGrad is a leaf that requires grad", () => {
  const p = torch.noGrad(() => new nn.Parameter(torch.zeros([2, 2])));
  assert.equal(p.requiresGrad, true);
  assert.equal(p.isLeaf, true);
  const q = torch.noGrad(() => new nn.Linear(3, 2));
  for (const w of q.parameters()) {
    assert.equal(w.requiresGrad, true);
    assert.equal(w.isLeaf, true);
  }
});

function makeModel() {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Linear(4, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(16, 2));
}

test("rule 6: eval()/train() change Dropout and BatchNorm only, and noGrad changes neither", () => {
  const model = makeModel();
  const bn = model.modules().find((m) => m instanceof nn.BatchNorm1d)!;
  const x = torch.randn([8, 4]);

  // eval() leaves grad mode alone: the forward still records
  model.eval();
  assert.equal(torch.isGradEnabled(), true);
  const e1 = model.forward(x);
  assert.equal(e1.requiresGrad, true);
  assert.ok(e1.gradFn !== null);
  // ... and makes Dropout the identity and BatchNorm use (and keep) its running stats
  const mean0 = values(bn.runningMean!);
  const e2 = model.forward(x);
  assert.ok(same(e1, e2), "eval forwards are deterministic");
  assert.deepEqual(values(bn.runningMean!), mean0, "running stats untouched in eval");

  // noGrad inside eval: same numbers as eval with grad, no graph, and still eval
  const e3 = torch.noGrad(() => model.forward(x));
  assert.ok(same(e1, e3));
  assert.equal(e3.requiresGrad, false);
  assert.equal(model.training, false);

  // train() under noGrad: Dropout drops and BatchNorm updates its running stats, though nothing records
  torch.noGrad(() => {
    model.train();
    assert.equal(torch.isGradEnabled(), false, "train() doesn't turn grad back on");
    const t1 = model.forward(x);
    const t2 = model.forward(x);
    assert.equal(t1.requiresGrad, false);
    assert.ok(!same(t1, t2), "dropout is random in training mode, also under noGrad");
    assert.ok(!same(t1, e1));
    assert.notDeepEqual(values(bn.runningMean!), mean0, "running stats move in training mode, also under noGrad");
    assert.equal(bn.numBatchesTracked!.item(), 2);
  });
  assert.equal(model.training, true, "leaving noGrad doesn't change training mode");
  assert.equal(torch.isGradEnabled(), true);
  // same in inferenceMode: training mode keeps its behaviour
  const before = values(bn.runningMean!);
  torch.inferenceMode(() => model.forward(x));
  assert.notDeepEqual(values(bn.runningMean!), before);
  assert.equal(model.training, true);
});

test("rule 7: optimizer.step() runs without grad and parameters stay leaves", () => {
  torch.manualSeed(1);
  const lin = new nn.Linear(3, 2);
  const opt = new optim.SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = torch.randn([5, 3]);
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const loss = lin.forward(x).pow(2).mean();
    loss.backward();
    const expected = lin.parameters().map((p) => values(p));
    const grads = lin.parameters().map((p) => values(p.grad!));
    const versions = lin.parameters().map((p) => p.version);
    // even when the caller forces grad on, the update doesn't record and doesn't trip the leaf check
    torch.enableGrad(() => opt.step());
    lin.parameters().forEach((p, k) => {
      assert.equal(p.isLeaf, true);
      assert.equal(p.requiresGrad, true);
      assert.equal(p.gradFn, null);
      assert.equal(p.grad!.requiresGrad, false);
      assert.ok(p.version > versions[k]!, "the update was in place");
      if (i === 0) {
        // first step: no momentum history yet, p -= lr * grad
        values(p).forEach((v, j) => assert.ok(Math.abs(v - (expected[k]![j]! - 0.1 * grads[k]![j]!)) < 1e-6));
      }
    });
  }
  assert.equal(torch.isGradEnabled(), true);

  // a graph built before step() can't be backpropagated after it: the saved weights changed
  // (the weight is saved only when the input needs a gradient, as in PyTorch)
  const loss = lin.forward(x.clone().requiresGrad_()).sum();
  lin.weight.grad = torch.onesLike(lin.weight);
  opt.step();
  assert.throws(() => loss.backward(), /one of the variables needed for gradient computation has been modified by an inplace operation/);
});

test("rule 7: optimizer.step(closure) evaluates the closure with grad on, even inside noGrad (as PyTorch)", () => {
  const w = torch.ones([2], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 0.1 });
  const closure = () => {
    opt.zeroGrad();
    const loss = w.mul(w).sum();
    loss.backward();
    return loss;
  };
  const loss = torch.noGrad(() => opt.step(closure))!;
  assert.equal(loss.requiresGrad, true);
  values(w).forEach((v) => assert.ok(Math.abs(v - 0.8) < 1e-6)); // 1 - 0.1 * 2
  assert.equal(w.isLeaf, true);
});
