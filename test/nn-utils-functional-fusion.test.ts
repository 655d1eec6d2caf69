/**
 * torch.func.functionalCall (= nn.utils.stateless.functionalCall), the
 * fusion utils and the 2.6 clipping pieces. functionalCall's values and
 * gradients (a Sequential with a training-mode BatchNorm, whose running
 * statistics land in the given buffers) come from PyTorch 1.13's
 * stateless.functional_call (nn_utils3.json); 2.x's tieWeights, strict and
 * several dicts are checked against the 2.x rules. Fusion: the fused
 * layer's state and output against PyTorch's fuse_conv_bn_eval /
 * fuse_linear_bn_eval.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, build, checkState, fromJson, fx, load, values } from "./nn-utils-fixtures.js";

const { nn } = torch;
type Tensor = torch.Tensor;

function sequential(): torch.nn.Module {
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Tanh(), new nn.Linear(4, 2));
}

test("functionalCall: PyTorch's output and the gradients of the given tensors; the module is untouched; the given buffers are updated", () => {
  const c = fx.functionalCall;
  const m = sequential();
  load(m, c.stateDict);
  const params: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(c.params as Record<string, any>)) {
    const v = fromJson(t);
    params[k] = k.includes("running") || k.includes("num_batches") ? (k.includes("num_batches") ? v.to("int32") : v) : v.requiresGrad_();
  }
  const ownWeight = m.parameters()[0]!;
  assert.equal(torch.func.functionalCall, nn.utils.stateless.functionalCall);
  const y = torch.func.functionalCall(m, params, fromJson(c.input)) as Tensor;
  assertClose(values(y.detach()), c.output.data, "output");
  y.mul(torch.tensor(c.gradOutput).reshape(y.shape)).sum().backward();
  for (const [k, g] of Object.entries(c.grads as Record<string, number[]>)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
  for (const k of ["1.running_mean", "1.running_var", "1.num_batches_tracked"]) assertClose(values(params[k]!), c.runningAfter[k].data, `${k} after the call`);
  checkState(m, c.moduleAfter, "the module's own state");
  assert.equal(m.parameters()[0], ownWeight);
  assert.equal(ownWeight.grad, null, "no gradient reaches the module's own parameters");
  assert.equal((m as any)[0].weight, ownWeight, "the attribute is back");
  assert.ok(!Object.getOwnPropertyDescriptor((m as any)[0], "weight")!.get, "as a plain field");
});

test("functionalCall: a subset of names, an args array, a Map, several dicts, strict, and PyTorch's errors", () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const x = torch.tensor([[1, -2]]);
  const w0 = torch.tensor([[1, 0], [0, 1]]), b0 = torch.tensor([0, 0]);
  const replaced = (d: any, opts?: any) => torch.func.functionalCall(m, d, [x], opts) as Tensor;
  const expected = (m as any)[2].forward(torch.relu(x)) as Tensor;
  assertClose(values(replaced({ "0.weight": w0, "0.bias": b0 })), values(expected), "object");
  assertClose(values(replaced(new Map([["0.weight", w0], ["0.bias", b0]]))), values(expected), "Map");
  assertClose(values(replaced([{ "0.weight": w0 }, { "0.bias": b0 }])), values(expected), "two dicts");
  assert.throws(() => replaced([{ "0.weight": w0 }, { "0.weight": w0 }]), { message: "['0.weight'] appeared in multiple dictionaries; behavior of functional call is ambiguous" });
  assert.throws(() => replaced({ "0.weight": w0 }, { strict: true }), {
    message: "Error(s) in reparametrizing for Sequential:\n\tMissing key(s): '0.bias', '2.bias', '2.weight'.",
  });
  assert.throws(() => replaced({ "0.weight": w0, "0.foo": b0, "0.bias": b0, "2.weight": w0, "2.bias": b0 }, { strict: true }), {
    message: "Error(s) in reparametrizing for Sequential:\n\tUnexpected key(s): '0.foo'.",
  });
  // not strict: an unknown name is an attribute for the call only
  replaced({ "0.foo": b0 });
  assert.ok(!("foo" in (m as any)[0]));
  assert.throws(() => replaced({ "0.weight": 3 as unknown as Tensor }), { message: "3 is not an instance of torch.Tensor" });
  assert.throws(() => replaced({ "5.weight": w0 }), { message: "'Sequential' object has no attribute '5'" });
  // a single non-array argument is the only argument
  assertClose(values(torch.func.functionalCall(m, {}, x) as Tensor), values(m.forward(x) as Tensor), "bare argument");
  // the module is restored when forward throws
  const own = (m as any)[0].weight;
  assert.throws(() => torch.func.functionalCall(m, { "0.weight": torch.ones([3, 3]) }, [x]));
  assert.equal((m as any)[0].weight, own);
  assert.equal(m._modules.get("0")!._parameters.get("weight"), own);
});

test("functionalCall ties tied weights by default (2.x): one value for both names; two different ones throw; tieWeights: false unties", () => {
  class Tied extends nn.Module {
    a = new nn.Linear(2, 2, { bias: false });
    b = new nn.Linear(2, 2, { bias: false });
    constructor() {
      super();
      this.b.weight = this.a.weight;
    }
    override forward(x: Tensor): Tensor {
      return this.b.forward(this.a.forward(x));
    }
  }
  const m = new Tied();
  const x = torch.tensor([[1, 2]]);
  const z = torch.zeros([2, 2]), e = torch.eye(2);
  assert.deepEqual(values(torch.func.functionalCall(m, { "a.weight": e }, [x]) as Tensor), [1, 2], "both layers see the identity");
  const untied = torch.func.functionalCall(m, { "a.weight": e }, [x], { tieWeights: false }) as Tensor;
  assertClose(values(untied), values(m.b.forward(x)), "b keeps its own weight");
  assert.throws(() => torch.func.functionalCall(m, { "a.weight": e, "b.weight": z }, [x]), {
    message: "functional_call got multiple values for keys ['a.weight', 'b.weight'], which are tied. Consider using tie_weights=False",
  });
  assert.deepEqual(values(torch.func.functionalCall(m, { "a.weight": e, "b.weight": e }, [x]) as Tensor), [1, 2], "the same value twice is fine");
});

test("functionalCall: a reassigned buffer is written back to the dict; a parametrized weight given by name bypasses the parametrization", () => {
  class Counter extends nn.Module {
    constructor() {
      super();
      this.registerBuffer("count", torch.tensor(0));
    }
    override forward(x: Tensor): Tensor {
      (this as any).count = ((this as any).count as Tensor).add(1);
      return x;
    }
  }
  const m = new Counter();
  const d = { count: torch.tensor(5) };
  torch.func.functionalCall(m, d, [torch.ones([1])]);
  assert.equal(d.count.item(), 6, "the dict sees the new value (PyTorch 2.x)");
  assert.equal(((m as any).count as Tensor).item(), 0, "the module keeps its own");
  const p = nn.utils.parametrizations.orthogonal(new nn.Linear(2, 2));
  const w = torch.tensor([[2, 0], [0, 3]]);
  const out = torch.func.functionalCall(p, { weight: w }, [torch.tensor([[1, 1]])]) as Tensor;
  assertClose(values(out), values(torch.tensor([[2, 3]]).add(p.bias!)), "the given weight as it is");
  const q = (p as any).weight as Tensor;
  assertClose(values(q.t().matmul(q)), [1, 0, 0, 1], "and the parametrization is back");
});

for (const c of fx.fusion) {
  test(`fuse ${c.layer.type}(${JSON.stringify(c.layer.options)}) + ${c.bn.type}: the fused state and output as PyTorch, equal to bn(layer(x))`, () => {
    const layer = build(c.layer), bn = build(c.bn);
    load(layer, c.layerState);
    load(bn, c.bnState);
    layer.eval();
    bn.eval();
    const U = nn.utils;
    const fused = c.layer.type === "Linear" ? U.fuseLinearBnEval(layer as any, bn as any) : U.fuseConvBnEval(layer as any, bn as any, c.transpose);
    assert.ok(fused !== layer && fused instanceof (layer.constructor as any));
    checkState(fused, c.fused, "fused");
    const x = fromJson(c.input);
    assertClose(values(fused.forward(x) as Tensor), c.output.data, "fused output");
    assertClose(values(fused.forward(x) as Tensor), values(bn.forward(layer.forward(x)) as Tensor), "= bn(layer(x))", 1e-4, 1e-5);
    checkState(layer, c.layerState, "the layer is untouched");
    assert.ok((fused).weight !== (layer as any).weight);
  });
}

test("fusion refuses training mode and mismatched features (PyTorch's messages); fusion is nn.utils.fusion", () => {
  const conv = new nn.Conv2d(1, 2, 1), bn = new nn.BatchNorm2d(2);
  assert.throws(() => nn.utils.fuseConvBnEval(conv, bn), { message: "Fusion only for eval!" });
  assert.throws(() => nn.utils.fuseLinearBnEval(new nn.Linear(2, 3).eval(), new nn.BatchNorm1d(2).eval()), { message: "To fuse, linear.out_features == bn.num_features or bn.num_features == 1" });
  assert.equal(nn.utils.fusion.fuseConvBnEval, nn.utils.fuseConvBnEval);
  // one BatchNorm feature broadcasts over every output
  const fc = new nn.Linear(2, 3).eval(), one = new nn.BatchNorm1d(1).eval();
  torch.noGrad(() => { one.runningVar!.fill_(4); one.weight!.fill_(2); });
  const fused = nn.utils.fuseLinearBnEval(fc, one);
  assertClose(values(fused.weight), values(fc.weight), "γ/√var = 1");
});

test("getTotalNorm and clipGradsWithNorm_ (2.6) compose to clipGradNorm_; foreach is accepted", () => {
  const make = () => [torch.tensor([3, 0]), torch.tensor([[4]])].map((g) => {
    const p = torch.zeros(g.shape).requiresGrad_();
    p.grad = g;
    return p;
  });
  const a = make(), b = make();
  const total = nn.utils.getTotalNorm(a.map((p) => p.grad!));
  assert.equal(total.item(), 5);
  nn.utils.clipGradsWithNorm_(a, 1, total, { foreach: true });
  const norm = nn.utils.clipGradNorm_(b, 1, { foreach: null });
  assert.equal(norm.item(), 5);
  a.forEach((p, i) => assert.deepEqual(values(p.grad!), values(b[i]!.grad!)));
  assertClose(values(a[0]!.grad!), [0.6, 0], "scaled by 1/5");
  assert.equal(nn.utils.getTotalNorm([]).item(), 0);
  assert.equal(nn.utils.getTotalNorm(torch.tensor([1, -7, 2]), Infinity).item(), 7);
  assert.throws(() => nn.utils.getTotalNorm([torch.tensor([Infinity])], 2, { errorIfNonfinite: true }), { message: /^The total norm of order 2.0 for gradients from `parameters` is non-finite/ });
  assert.throws(() => nn.utils.getTotalNorm([torch.tensor([NaN])], Infinity, { errorIfNonfinite: true }), { message: /^The total norm of order inf for gradients/ });
  // a norm below the maximum leaves the gradients as they are
  nn.utils.clipGradsWithNorm_(a, 10, 0.5);
  assertClose(values(a[0]!.grad!), [0.6, 0], "coefficient clamped at 1");
});
