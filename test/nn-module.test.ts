/**
 * nn.Module: registration by field assignment (constructor assignment and
 * class fields), PyTorch's state-dict names (checked against a fixture of a
 * nested PyTorch model), loadStateDict's errors, train/eval, zeroGrad.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { readFixture, values } from "./nn-helpers.js";

const { nn } = torch;

class Inner extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3);
  bn = new nn.BatchNorm2d(2);
}

/** The fixture's PyTorch Net, written with constructor assignment. */
class Net extends nn.Module {
  features: torch.nn.Sequential;
  blocks: torch.nn.ModuleList;
  emb: torch.nn.Embedding;
  head: torch.nn.Linear;
  loss: torch.nn.CrossEntropyLoss;

  constructor() {
    super();
    this.features = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.BatchNorm1d(8), new nn.Dropout(0.1));
    this.blocks = new nn.ModuleList([new nn.Linear(8, 8), new nn.LayerNorm(8), new Inner()]);
    this.emb = new nn.Embedding(3, 2);
    this.head = new nn.Linear(8, 2, { bias: false });
    this.registerBuffer("scale", torch.ones([2]));
    this.registerBuffer("tmp", torch.ones([2]), { persistent: false });
    this.loss = new nn.CrossEntropyLoss({ weight: torch.ones([2]) });
  }
}

interface KeysFixture {
  stateDict: Record<string, number[]>;
  parameters: string[];
  buffers: string[];
  modules: string[];
  children: string[];
}

test("state-dict keys, parameters, buffers, modules and children of a nested model match PyTorch's", () => {
  const fx = readFixture<KeysFixture>("state_dict_keys.json");
  const m = new Net();
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(fx.stateDict));
  for (const [k, shape] of Object.entries(fx.stateDict)) assert.deepEqual(sd[k]!.shape, shape, k);
  assert.equal(sd["features.2.num_batches_tracked"]!.dtype, "int32");
  assert.deepEqual(m.namedParameters().map(([k]) => k), fx.parameters);
  assert.deepEqual(m.namedBuffers().map(([k]) => k), fx.buffers);
  assert.deepEqual(m.namedModules().map(([k]) => k), fx.modules);
  assert.deepEqual(m.namedChildren().map(([k]) => k), fx.children);
  assert.equal(m.parameters().length, fx.parameters.length);
  assert.equal(m.children().length, 5);
  assert.equal(m.modules()[0], m);
});

test("class fields and constructor assignment both register, in declaration order", () => {
  class Fields extends nn.Module {
    fc1 = new nn.Linear(4, 3);
    act = new nn.ReLU();
    fc2 = new nn.Linear(3, 2);
    scale = new nn.Parameter(torch.ones([2]));
    notAModule = 42;
    override forward(x: torch.Tensor) {
      return this.fc2.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
    }
  }
  class Assigned extends nn.Module {
    fc1: torch.nn.Linear;
    fc2: torch.nn.Linear;
    constructor() {
      super();
      this.fc1 = new nn.Linear(4, 3);
      this.fc2 = new nn.Linear(3, 2);
    }
  }
  class Sub extends Fields {
    extra = new nn.Linear(2, 2);
  }
  assert.deepEqual(Object.keys(new Fields().stateDict()), ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
  assert.deepEqual(Object.keys(new Assigned().stateDict()), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
  assert.deepEqual(new Sub().namedChildren().map(([k]) => k), ["fc1", "act", "fc2", "extra"]);
  const f = new Fields();
  assert.deepEqual((f.forward(torch.randn([5, 4]))).shape, [5, 2]);
  // reassigning keeps the slot; deleting unregisters
  const old = f.fc1;
  f.fc1 = new nn.Linear(4, 3);
  assert.notEqual(f.fc1, old);
  assert.deepEqual(f.namedChildren().map(([k]) => k), ["fc1", "act", "fc2"]);
  assert.equal(f.namedChildren()[0]![1], f.fc1);
  delete (f as Partial<Fields>).act;
  assert.deepEqual(f.namedChildren().map(([k]) => k), ["fc1", "fc2"]);
  assert.throws(() => ((f as unknown as { scale: unknown }).scale = torch.ones([2])), /cannot assign 'torch.FloatTensor' as parameter 'scale' \(torch.nn.Parameter or None expected\)/);
});

test("loadStateDict reports missing and unexpected keys and size mismatches with PyTorch's message", () => {
  class Small extends nn.Module {
    fc = new nn.Linear(4, 3);
  }
  const m = new Small();
  const sd = m.stateDict();
  assert.throws(() => m.loadStateDict({ "fc.weight": sd["fc.weight"]!, extra: torch.zeros([1]) }), (e: Error) => {
    assert.equal(e.message, 'Error(s) in loading state_dict for Small:\n\tMissing key(s) in state_dict: "fc.bias". \n\tUnexpected key(s) in state_dict: "extra". ');
    return true;
  });
  assert.throws(() => m.loadStateDict({ "fc.weight": torch.zeros([2, 4]), "fc.bias": sd["fc.bias"]! }), (e: Error) => {
    assert.equal(e.message, "Error(s) in loading state_dict for Small:\n\tsize mismatch for fc.weight: copying a param with shape torch.Size([2, 4]) from checkpoint, the shape in current model is torch.Size([3, 4]).");
    return true;
  });
  const r = m.loadStateDict({ "fc.bias": torch.zeros([3]), other: torch.ones([1]) }, { strict: false });
  assert.deepEqual(r, { missingKeys: ["fc.weight"], unexpectedKeys: ["other"] });
  assert.deepEqual(values(m.fc.bias!), [0, 0, 0]);
  assert.ok(m.fc.bias!.isLeaf && m.fc.bias!.requiresGrad, "loading keeps parameters leaves");
});

test("a model saved with stateDict and loaded into a fresh one gives the same outputs", () => {
  torch.manualSeed(3);
  const make = () => new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.GELU(), new nn.Linear(8, 3));
  const a = make();
  a.train();
  for (let i = 0; i < 3; i++) a.forward(torch.randn([6, 4]));
  a.eval();
  const b = make();
  const x = torch.randn([5, 4]);
  assert.notDeepEqual(values(b.eval().forward(x) as torch.Tensor), values(a.forward(x) as torch.Tensor));
  const saved = a.stateDict();
  b.loadStateDict(saved);
  assert.deepEqual(values(b.forward(x) as torch.Tensor), values(a.forward(x) as torch.Tensor));
  assert.equal(b.stateDict()["1.num_batches_tracked"]!.item(), 3);
  // stateDict tensors are detached views of the live parameters
  const w = saved["0.weight"]!;
  assert.equal(w.requiresGrad, false);
  assert.equal(w.storage, a.at(0).parameters()[0]!.storage);
  assert.equal(a.stateDict({ keepVars: true })["0.weight"], a.at(0).parameters()[0]);
});

test("train/eval propagate, never touch the grad mode; apply visits children first; requiresGrad_ and zeroGrad", () => {
  const m = new Net();
  m.eval();
  assert.ok(m.modules().every((x) => !x.training));
  assert.equal(torch.isGradEnabled(), true);
  m.train();
  assert.ok(m.modules().every((x) => x.training));
  const order: string[] = [];
  new nn.Sequential(new nn.Linear(1, 1), new nn.ReLU()).apply((x) => order.push(x.constructor.name));
  assert.deepEqual(order, ["Linear", "ReLU", "Sequential"]);
  m.requiresGrad_(false);
  assert.ok(m.parameters().every((p) => !p.requiresGrad));
  m.requiresGrad_();
  const y = m.head.forward(torch.randn([2, 8]));
  y.sum().backward();
  assert.ok(m.head.weight.grad !== null);
  m.zeroGrad({ setToNone: false });
  assert.deepEqual(new Set(values(m.head.weight.grad)), new Set([0]));
  m.zeroGrad();
  assert.equal(m.head.weight.grad, null);
});

test("module repr looks like PyTorch's", () => {
  const s = new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU(), new nn.Dropout(0.2));
  assert.equal(String(s), "Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n  (1): ReLU()\n  (2): Dropout(p=0.2, inplace=False)\n)");
  assert.equal(String(new nn.BatchNorm2d(3)), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  assert.equal(String(new nn.LayerNorm(4)), "LayerNorm((4,), eps=1e-05, elementwise_affine=True)");
  assert.throws(() => new nn.Module().forward(), /Module \[Module\] is missing the required "forward" function/);
});

test("Dropout and BatchNorm follow train/eval, whatever the grad mode", () => {
  torch.manualSeed(0);
  const drop = new nn.Dropout(0.5);
  const x = torch.ones([1000]);
  for (const mode of [(f: () => torch.Tensor) => f(), torch.noGrad, torch.inferenceMode] as ((f: () => torch.Tensor) => torch.Tensor)[]) {
    drop.train();
    const y = values(mode(() => drop.forward(x)));
    const zeros = y.filter((v) => v === 0).length;
    assert.ok(zeros > 400 && zeros < 600, `about half dropped (${zeros})`);
    assert.ok(y.every((v) => v === 0 || v === 2), "kept values scaled by 1/(1-p)");
    drop.eval();
    assert.deepEqual(values(mode(() => drop.forward(x))), values(x));
  }
  const bn = new nn.BatchNorm1d(2);
  const xb = torch.tensor([[1, 2], [3, 6]]);
  torch.noGrad(() => bn.forward(xb)); // train mode under noGrad: batch stats, running stats updated
  assertClose2(values(bn.runningMean!), [0.2, 0.4]);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  bn.eval();
  const before = values(bn.runningMean!);
  const out = bn.forward(xb); // eval under grad mode: running stats, nothing updated
  assert.deepEqual(values(bn.runningMean!), before);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  assertClose2(values(out), [(1 - 0.2) / Math.sqrt(bn.runningVar!.toArray()[0]! + 1e-5), (2 - 0.4) / Math.sqrt(bn.runningVar!.toArray()[1]! + 1e-5), (3 - 0.2) / Math.sqrt(bn.runningVar!.toArray()[0]! + 1e-5), (6 - 0.4) / Math.sqrt(bn.runningVar!.toArray()[1]! + 1e-5)]);
});

function assertClose2(a: number[], b: number[]): void {
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `${v} vs ${b[i]}`));
}

test("evaluation under noGrad gives the same outputs as under grad mode, without a graph", () => {
  torch.manualSeed(1);
  const m = new nn.Sequential(new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.BatchNorm2d(3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(12, 4));
  m.eval();
  const x = torch.randn([2, 1, 4, 4]);
  const withGrad = m.forward(x) as torch.Tensor;
  const without = torch.noGrad(() => m.forward(x) as torch.Tensor);
  const inference = torch.inferenceMode(() => m.forward(x) as torch.Tensor);
  assert.ok(withGrad.requiresGrad && withGrad.gradFn !== null);
  assert.ok(!without.requiresGrad && without.gradFn === null);
  assert.ok(inference.isInference());
  assert.deepEqual(values(without), values(withGrad));
  assert.deepEqual(values(inference), values(withGrad));
});

test("module registries as PyTorch's: no name taken twice, del renumbers a list, loading old checkpoints, a verbatim stateDict prefix", () => {
  const lin = new nn.Linear(2, 2), bn = new nn.BatchNorm1d(2);
  assert.throws(() => lin.registerBuffer("weight", torch.full([2, 2], 9)), /^Error: KeyError: attribute 'weight' already exists$/);
  assert.throws(() => bn.registerParameter("running_mean", new nn.Parameter(torch.zeros([2]))), /attribute 'running_mean' already exists/);
  assert.throws(() => lin.registerBuffer("forward", torch.zeros([1])), /attribute 'forward' already exists/);
  assert.throws(() => lin.registerModule("x", 5 as unknown as torch.nn.Module), /^TypeError: number is not a Module subclass$/);
  assert.deepEqual([Object.keys(lin.stateDict()), lin.namedModules().length], [["weight", "bias"], 1]); // unchanged by the failures
  // del s[1] renumbers (PyTorch): a later append is (2), not an overwrite of the last one
  const s = new nn.Sequential(new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid());
  delete (s as unknown as Record<string, unknown>)["1"];
  s.append(new nn.ELU());
  assert.deepEqual(s.children().map((m) => m.constructor.name), ["ReLU", "Sigmoid", "ELU"]);
  assert.equal(new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]).pop(0).constructor.name, "ReLU");
  // a checkpoint without num_batches_tracked, or with it as a [1] tensor, loads (PyTorch's norm-layer rules)
  const sd = bn.stateDict();
  delete sd["num_batches_tracked"];
  bn.loadStateDict(sd);
  bn.loadStateDict({ ...bn.stateDict(), num_batches_tracked: torch.tensor([5], { dtype: "int32" }) });
  assert.equal(bn.stateDict()["num_batches_tracked"]!.item(), 5);
  assert.deepEqual(Object.keys(lin.stateDict({ prefix: "a." })), ["a.weight", "a.bias"]);
  // a forward hook returning null leaves the output as it is (PyTorch's None)
  lin.registerForwardHook(() => null);
  assert.deepEqual(lin.forward(torch.ones([1, 2])).shape, [1, 2]);
});

test("double() / float() / to(dtype) cast floating parameters, buffers and gradients in place, keeping the Parameter objects (PyTorch's module.to)", () => {
  const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
  const w = (m.at(0) as torch.nn.Linear).weight;
  m.forward(torch.randn([4, 3])).sum().backward(); // a float32 gradient to cast too
  assert.equal(m.double(), m);
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd).map((k) => sd[k]!.dtype), ["float64", "float64", "float64", "float64", "float64", "float64", "int32"]);
  assert.ok(w === (m.at(0) as torch.nn.Linear).weight && w.isLeaf && w.requiresGrad && w.grad!.dtype === "float64");
  w.grad = null;
  m.forward(torch.randn([4, 3], { dtype: "float64" })).sum().backward();
  assert.equal(w.grad!.dtype, "float64");
  assert.equal(m.float().stateDict()["0.weight"]!.dtype, "float32");
  assert.throws(() => m.to("int32"), /nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int32/);
});
