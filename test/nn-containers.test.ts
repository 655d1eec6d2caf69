/**
 * ModuleDict, ParameterList and ParameterDict against PyTorch (fixture:
 * scripts/gen_activation_fixtures.py): state-dict keys, parameter and module
 * order, reprs, key order after set / delete / update / pop, and errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import { readFixture, values } from "./nn-helpers.js";

const { nn } = torch;

interface ContainersFixture {
  net: { repr: string; stateDict: Record<string, number[]>; parameters: string[]; modules: string[]; gainKeys: string[] };
  moduleDictSteps: string[][];
  parameterDictUpdateKeys: string[];
  reprs: Record<"emptyModuleDict" | "emptyParameterList" | "emptyParameterDict" | "oneParameterList" | "oneParameterDict", string>;
  errors: Record<"moduleDictMethodKey" | "moduleDictTrainingKey" | "parameterDictMethodKey", string>;
}

const fx = readFixture<ContainersFixture>("containers.json");

/** The fixture's PyTorch Net. */
class Net extends nn.Module {
  heads = new nn.ModuleDict({ cls: new nn.Linear(4, 3), box: new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU()) });
  scales = new nn.ParameterList([new nn.Parameter(torch.ones([3])), new nn.Parameter(torch.zeros([2, 2]))]);
  // a plain object: added in sorted key order, as PyTorch's ParameterDict does with a dict
  gains = new nn.ParameterDict({ b: new nn.Parameter(torch.ones([3])), a: new nn.Parameter(torch.zeros([1])) });
  head = new nn.Linear(3, 1);

  constructor() {
    super();
    this.heads.set("act", new nn.PReLU(2));
    this.scales.append(new nn.Parameter(torch.tensor(1)));
    this.gains.set("c", new nn.Parameter(torch.ones([2, 3], { dtype: "float64" })));
  }
}

test("a model with a ModuleDict, a ParameterList and a ParameterDict has PyTorch's state-dict keys, order and repr", () => {
  const m = new Net();
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(fx.net.stateDict));
  for (const [k, shape] of Object.entries(fx.net.stateDict)) assert.deepEqual(sd[k]!.shape, shape, k);
  assert.deepEqual(m.namedParameters().map(([k]) => k), fx.net.parameters);
  assert.deepEqual(m.namedModules().map(([k]) => k), fx.net.modules);
  assert.deepEqual(m.gains.keys(), fx.net.gainKeys);
  assert.equal(m.toString(), fx.net.repr);
  // the state dict loads back, and the optimizer sees every parameter
  const fresh = new Net();
  fresh.loadStateDict(sd);
  assert.equal(m.parameters().length, fx.net.parameters.length);
});

test("the containers' own reprs match PyTorch's, including the one-entry quirk", () => {
  assert.equal(new nn.ModuleDict().toString(), fx.reprs.emptyModuleDict);
  assert.equal(new nn.ParameterList().toString(), fx.reprs.emptyParameterList);
  assert.equal(new nn.ParameterDict().toString(), fx.reprs.emptyParameterDict);
  assert.equal(new nn.ParameterList([torch.zeros([2])]).toString(), fx.reprs.oneParameterList);
  assert.equal(new nn.ParameterDict({ w: torch.zeros([2, 3]) }).toString(), fx.reprs.oneParameterDict);
});

test("ModuleDict keeps insertion order through set, delete, replace, update and pop, as PyTorch's", () => {
  const md = new nn.ModuleDict(new Map<string, torch.nn.Module>([["b", new nn.ReLU()], ["a", new nn.Tanh()]]));
  const steps = [md.keys()];
  md.set("c", new nn.Linear(1, 1));
  steps.push(md.keys());
  assert.equal(md.delete("b"), true);
  assert.equal(md.delete("b"), false);
  steps.push(md.keys());
  md.set("b", new nn.ReLU());
  steps.push(md.keys());
  const sigmoid = new nn.Sigmoid();
  md.set("a", sigmoid);
  steps.push(md.keys());
  md.update([["d", new nn.ReLU()], ["a", new nn.ReLU()]]);
  steps.push(md.keys());
  const c = md.get("c");
  assert.equal(md.pop("c"), c);
  steps.push(md.keys());
  assert.deepEqual(steps, fx.moduleDictSteps);
  // iteration gives the keys (as Python's), values and entries follow the same order
  assert.deepEqual([...md], md.keys());
  assert.deepEqual(md.entries().map(([k, v]) => [k, v.constructor.name]), [["a", "ReLU"], ["b", "ReLU"], ["d", "ReLU"]]);
  assert.equal(md.values().length, 3);
  assert.equal(md.length, 3);
  assert.ok(md.has("d") && !md.has("c"));
  assert.equal(md.get("c"), undefined);
  assert.throws(() => md.pop("c"), /KeyError: 'c'/);
  // a deleted child is gone from the module tree too
  assert.deepEqual(md.namedChildren().map(([k]) => k), ["a", "b", "d"]);
  assert.equal((md as unknown as Record<string, unknown>).c, undefined);
  md.clear();
  assert.deepEqual(md.keys(), []);
  assert.deepEqual(md.stateDict(), {});
});

test("ModuleDict children's parameters are found by the optimizer and are in the state dict under key.param", () => {
  const md = new nn.ModuleDict({ enc: new nn.Linear(2, 3) });
  assert.deepEqual(Object.keys(md.stateDict()), ["enc.weight", "enc.bias"]);
  const y = md.get("enc")!.forward(torch.ones([1, 2])) as torch.Tensor;
  y.sum().backward();
  assert.equal(md.parameters().length, 2);
  assert.ok(md.parameters().every((p) => p.grad !== null));
  const copy = new nn.ModuleDict(md);
  assert.equal(copy.get("enc"), md.get("enc"));
});

test("ParameterDict: plain objects sorted, Maps and pairs in their order, tensors wrapped in Parameters", () => {
  const pd = new nn.ParameterDict();
  pd.update({ z: torch.zeros([1]), y: torch.zeros([1]) });
  pd.update([["x", torch.zeros([1])], ["w", torch.zeros([1])]]);
  assert.deepEqual(pd.keys(), fx.parameterDictUpdateKeys);
  const t = torch.ones([2]);
  pd.set("t", t);
  const p = pd.get("t")!;
  assert.ok(p instanceof nn.Parameter && p.requiresGrad && p.isLeaf);
  assert.deepEqual(values(p), [1, 1]);
  assert.deepEqual(Object.keys(pd.stateDict()), ["y", "z", "x", "w", "t"]);
  assert.deepEqual([...pd], pd.keys());
  assert.equal(pd.pop("z").shape[0], 1);
  assert.ok(!pd.has("z") && pd.length === 4);
  assert.deepEqual(pd.parameters().length, 4);
  assert.deepEqual(pd.values().map((v) => v.shape), [[1], [1], [1], [2]]);
  pd.clear();
  assert.equal(pd.length, 0);
  assert.deepEqual(new nn.ParameterDict(new Map([["b", torch.ones([1])], ["a", torch.ones([1])]])).keys(), ["b", "a"]);
});

test("ParameterList: registered as 0, 1, ..., indexable from either end, tensors wrapped", () => {
  const pl = new nn.ParameterList([torch.ones([2]), torch.zeros([3])]);
  pl.extend([torch.zeros([1])]);
  assert.equal(pl.length, 3);
  assert.deepEqual(Object.keys(pl.stateDict()), ["0", "1", "2"]);
  assert.deepEqual(pl.at(-1).shape, [1]);
  assert.ok(pl.at(0) instanceof nn.Parameter);
  const q = new nn.Parameter(torch.full([4], 2));
  pl.set(1, q);
  assert.equal(pl.at(1), q);
  assert.deepEqual(Object.keys(pl.stateDict()), ["0", "1", "2"]);
  assert.deepEqual([...pl].map((p) => p.shape), [[2], [4], [1]]);
  assert.throws(() => pl.at(3), /index 3 is out of range/);
  assert.throws(() => pl.set(5, torch.zeros([1])), /index 5 is out of range/);
});

test("a key that would hide a method or field is refused with PyTorch's message", () => {
  assert.throws(() => new nn.ModuleDict({ keys: new nn.ReLU() }), { message: fx.errors.moduleDictMethodKey });
  assert.throws(() => new nn.ModuleDict({ training: new nn.ReLU() }), { message: fx.errors.moduleDictTrainingKey });
  assert.throws(() => new nn.ParameterDict({ get: torch.zeros([1]) }), { message: fx.errors.parameterDictMethodKey });
  assert.throws(() => new nn.ModuleDict({ "a.b": new nn.ReLU() }), /module name can't contain "\."/);
  assert.throws(() => new nn.ParameterDict({ "a.b": torch.zeros([1]) }), /parameter name can't contain "\."/);
  // the dict still works after a refused key
  const md = new nn.ModuleDict();
  assert.throws(() => md.set("update", new nn.ReLU()));
  assert.equal(typeof md.update, "function");
});
