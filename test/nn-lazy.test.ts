/**
 * The lazy modules against PyTorch (test/fixtures/nn/lazy.json, from
 * scripts/gen_lazy_fixtures.py): reprs and state-dict keys before the first
 * forward; class, repr, parameter and buffer shapes after it; loading a state
 * dict instead; an optimizer made before the first forward; the errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { readFixture } from "./nn-helpers.js";

const { nn } = torch;

interface Case {
  name: string;
  args: number[];
  options: Record<string, number | boolean>;
  input: number[];
  before: { repr: string; keys: string[] };
  after: { repr: string; class: string; shapes: Record<string, number[]>; output: number[] };
}
const FIX = readFixture<{
  cases: Case[];
  load: { reprLoaded: string; classLoaded: string; shapes: Record<string, number[]>; reprAfterForward: string; classAfterForward: string };
  errors: Record<string, string>;
}>("lazy.json");

/** PyTorch's keyword names as torchlet's options. */
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function build(c: Case): torch.nn.Module {
  const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel(k), v]));
  const ctor = (nn as unknown as Record<string, new (...args: unknown[]) => torch.nn.Module>)[c.name]!;
  return new ctor(...c.args, options);
}

const shapesOf = (m: torch.nn.Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]));

for (const c of FIX.cases) {
  test(`${c.name}(${c.args.join(", ")}, ${JSON.stringify(c.options)}) on [${c.input.join(", ")}]: PyTorch's reprs, class and shapes`, () => {
    const m = build(c);
    assert.equal(String(m), c.before.repr);
    assert.deepEqual(Object.keys(m.stateDict()), c.before.keys);
    const y = m.forward(torch.randn(c.input)) as Tensor;
    assert.equal(m.constructor.name, c.after.class);
    assert.equal(String(m), c.after.repr);
    assert.deepEqual(shapesOf(m), c.after.shapes);
    assert.deepEqual(y.shape, c.after.output);
    for (const p of m.parameters()) {
      assert.equal(p.constructor, nn.Parameter);
      assert.ok(p.requiresGrad && p.isLeaf);
    }
  });
}

test("lazy: the parameters keep their identity, so an optimizer made before the first forward trains them", () => {
  const m = new nn.LazyLinear(2);
  const params = m.parameters();
  assert.ok(params[0] instanceof nn.UninitializedParameter);
  const opt = new torch.optim.SGD(params, { lr: 0.5 });
  const x = torch.randn([4, 3]);
  (m.forward(x)).sum().backward();
  assert.equal(m.parameters()[0], params[0]);
  const asModule: torch.nn.Module = m;
  assert.ok(asModule instanceof nn.Linear);
  assert.equal(asModule instanceof nn.LazyLinear, false);
  const w = m.weight.clone();
  // PyTorch's kaiming-uniform init of a Linear(3, 2): |w| <= 1/sqrt(3)
  assert.ok(w.abs().max().item() <= 1 / Math.sqrt(3));
  opt.step();
  // d(sum)/dW = column sums of x for every output row
  const expected = w.sub(x.sum(0).unsqueeze(0).expand([2, 3]).mul(0.5));
  assert.ok(torch.allclose(m.weight, expected, { atol: 1e-6 }));
});

test("lazy: the first forward runs before the user's pre-hooks and builds no graph; a norm layer starts with PyTorch's statistics", () => {
  const bn = new nn.LazyBatchNorm1d();
  const seen: number[][] = [];
  bn.registerForwardPreHook((mod) => {
    seen.push([...(mod as torch.nn.BatchNorm1d).runningVar!.shape]);
  });
  bn.forward(torch.randn([8, 3]));
  assert.deepEqual(seen, [[3]]);
  assert.equal(bn.weight!.gradFn, null);
  assert.deepEqual(bn.weight!.tolist(), [1, 1, 1]);
  assert.deepEqual(bn.bias!.tolist(), [0, 0, 0]);
  assert.equal(bn.numBatchesTracked!.item(), 1);
});

test("lazy: loading a state dict materializes to the checkpoint's shapes (the size stays 0 in the repr, as PyTorch)", () => {
  const src = new nn.Linear(5, 3);
  const m = new nn.LazyLinear(3);
  m.loadStateDict(src.stateDict());
  assert.equal(String(m), FIX.load.reprLoaded);
  assert.equal(m.constructor.name, FIX.load.classLoaded);
  assert.deepEqual(shapesOf(m), FIX.load.shapes);
  assert.ok(torch.equal(m.weight, src.weight));
  m.forward(torch.randn([2, 5]));
  assert.equal(String(m), FIX.load.reprAfterForward);
  assert.equal(m.constructor.name, FIX.load.classAfterForward);
  assert.ok(torch.equal(m.weight, src.weight), "the forward keeps the loaded weights");
});

test("lazy: PyTorch's errors; the state dict of a lazy module holds its uninitialized parameters", () => {
  assert.throws(() => new nn.LazyConv2d(8, 3, { groups: 3 }).forward(torch.ones([1, 4, 5, 5])), { message: FIX.errors["groups"] });
  assert.throws(() => new nn.LazyConv2d(8, 3).forward(torch.ones([5, 5])), { message: FIX.errors["conv input dims"] });
  const m = new nn.LazyLinear(3);
  assert.throws(() => m.weight.shape, { message: FIX.errors["shape of an uninitialized parameter"] });
  // an op names itself, as PyTorch's __torch_function__ (test/faithful-3-activations-lazy.test.ts checks the whole text)
  assert.throws(() => m.weight.add(1), /^Error: Attempted to use an uninitialized parameter in <method 'add' of 'torch\._C\.TensorBase' objects>/);
  assert.equal(m.stateDict()["weight"], m.weight);
  assert.equal(String(m.weight), "<UninitializedParameter>");
});
