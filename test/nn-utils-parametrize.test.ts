/**
 * nn.utils.parametrize and parametrizations.orthogonal against PyTorch
 * (nn_utils3.json): the `parametrizations.weight.original` layout and its
 * state-dict keys, chained parametrizations with their own parameters and
 * buffers, several originals (original0, original1), buffers, removal
 * (leaving the value or the original), assignment through rightInverse,
 * `cached`, and PyTorch's errors; orthogonal's default map per shape, the
 * initial orthogonalization, each map's forward and gradient, and the
 * `useTrivialization: false` Householder inverse (LAPACK's geqrf signs).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, checkRun, checkState, fromJson, fx, load, values } from "./nn-utils-fixtures.js";

const { nn } = torch;
const P = nn.utils.parametrize;
const PZ = nn.utils.parametrizations;
type Tensor = torch.Tensor;

class Symmetric extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).transpose(-1, -2));
  }
}

class Scale extends nn.Module {
  scale = new nn.Parameter(torch.tensor([1.5]));

  constructor() {
    super();
    this.registerBuffer("offset", torch.tensor([0.25]));
  }

  override forward(x: Tensor): Tensor {
    return x.mul(this.scale).add((this as any).offset as Tensor);
  }

  rightInverse(x: Tensor): Tensor {
    return x.sub((this as any).offset as Tensor).div(this.scale);
  }
}

class RankOne extends nn.Module {
  override forward(x: Tensor, y: Tensor): Tensor {
    return x.unsqueeze(-1).matmul(y.unsqueeze(-2));
  }

  rightInverse(z: Tensor): Tensor[] {
    return [z.select(1, 0), z.select(0, 0).div(z.select(0, 0).select(0, 0))];
  }
}

const field = (m: torch.nn.Module, name: string): Tensor => (m as any)[name] as Tensor;

test("registerParametrization: the original moves to parametrizations.weight.original (the same Parameter), keys and values as PyTorch, chained", () => {
  const c = fx.parametrize.chained;
  const m = new nn.Linear(3, 3);
  load(m, c.stateDict);
  const w = m.weight;
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
  P.registerParametrization(m, "weight", new Symmetric());
  assert.equal(((m as any).parametrizations.weight as InstanceType<typeof P.ParametrizationList>).original, w, "the same Parameter object");
  P.registerParametrization(m, "weight", new Scale());
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  checkState(m, c.state, "state");
  assert.deepEqual(m.namedParameters().map(([k]) => k), c.namedParameters);
  assertClose(values(field(m, "weight")), c.weight.data, "weight = Scale(Symmetric(original))");
  assert.ok(P.isParametrized(m) && P.isParametrized(m, "weight") && !P.isParametrized(m, "bias"));
  checkRun(m, fromJson(c.input), c, "forward");
  // the optimizer made before registration still steps the original
  opt.step();
  assert.notDeepEqual(values(w), c.state["parametrizations.weight.original"].data);
  // Symmetric has no rightInverse: assigning fails with PyTorch's message
  assert.throws(() => ((m as any).weight = torch.eye(3)), { message: "parametrization Symmetric does not implement right_inverse." });
  P.removeParametrizations(m, "weight");
  assert.deepEqual(Object.keys(m.stateDict()), c.keysAfterRemove);
  assert.equal(m.weight, w, "removal keeps the Parameter object, now holding the parametrized value");
  assert.ok(!P.isParametrized(m) && !("parametrizations" in m._modules));
});

test("a rightInverse giving two tensors makes original0 and original1; removal needs leaveParametrized", () => {
  const c = fx.parametrize.rankOne;
  const m = new nn.Linear(3, 4);
  load(m, c.stateDict);
  P.registerParametrization(m, "weight", new RankOne());
  checkState(m, c.state, "state");
  assertClose(values(field(m, "weight")), c.weight.data, "rank-one weight");
  checkRun(m, fromJson(c.input), c, "forward and the gradients of original0 and original1");
  assert.throws(() => P.removeParametrizations(m, "weight", false), { message: /^Cannot leave unparametrized \(`leave_parametrized=False`\) a tensor that is parametrized in terms of a sequence of tensors/ });
  P.removeParametrizations(m, "weight");
  assert.ok(m.weight instanceof nn.Parameter);
  assertClose(values(m.weight), c.weight.data, "the weight left");
});

test("a parametrized buffer: the key layout, its value, and removal back to the original (leaveParametrized false)", () => {
  const c = fx.parametrize.buffer;
  const bn = new nn.BatchNorm1d(3);
  torch.noGrad(() => bn.runningMean!.copy_(torch.tensor([0.5, -1, 2])));
  P.registerParametrization(bn, "running_mean", new Scale());
  assert.deepEqual(Object.keys(bn.stateDict()), c.keys);
  checkState(bn, c.state, "state");
  assertClose(values(field(bn, "running_mean")), c.value.data, "value");
  P.removeParametrizations(bn, "running_mean", false);
  checkState(bn, c.after, "after removal");
  assert.ok(bn.runningMean !== null && !(bn.runningMean instanceof nn.Parameter), "a buffer again");
});

test("assignment goes through rightInverse; cached() computes each parametrized value once", () => {
  const m = new nn.Linear(2, 2);
  let calls = 0;
  class Counting extends Scale {
    override forward(x: Tensor): Tensor {
      calls++;
      return super.forward(x);
    }
  }
  P.registerParametrization(m, "weight", new Counting());
  calls = 0;
  (m as any).weight = torch.tensor([[1.75, 0.25], [0.25, 3.25]]);
  assertClose(values(field((m as any).parametrizations.weight, "original")), [1, 0, 0, 2], "original = (value − 0.25) / 1.5");
  field(m, "weight");
  field(m, "weight");
  assert.equal(calls, 2, "every read recomputes");
  calls = 0;
  const y = P.cached(() => {
    const a = field(m, "weight"), b = field(m, "weight");
    assert.equal(a, b);
    return m.forward(torch.ones([1, 2]));
  });
  assert.equal(calls, 1, "one computation inside cached");
  assertClose(values(y), values(field(m, "weight").sum(1).add(m.bias!)), "forward uses the parametrized weight");
  calls = 0;
  {
    using _ = P.cached();
    field(m, "weight");
    field(m, "weight");
  }
  assert.equal(calls, 1, "the `using` form too");
  field(m, "weight");
  assert.equal(calls, 2, "and the cache is dropped after it");
});

test("parametrize errors are PyTorch's", () => {
  const e = fx.parametrize.errors;
  class Flat extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.flatten();
    }
  }
  class Dbl extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.double();
    }
  }
  assert.throws(() => P.registerParametrization(new nn.Linear(3, 3), "weight", new Flat()), { message: e.shape });
  assert.throws(() => P.registerParametrization(new nn.Linear(3, 3), "foo", new Symmetric()), { message: e.missing });
  assert.throws(() => P.removeParametrizations(new nn.Linear(2, 2), "weight"), { message: e.remove });
  assert.throws(() => P.registerParametrization(new nn.Linear(3, 3), "weight", new Dbl()), { message: e.dtype });
  // unsafe skips the checks
  const m = P.registerParametrization(new nn.Linear(3, 3), "weight", new Flat(), { unsafe: true });
  assert.deepEqual(field(m, "weight").shape, [9]);
  // chaining checks too
  const chained = P.registerParametrization(new nn.Linear(3, 3), "weight", new Symmetric());
  assert.throws(() => P.registerParametrization(chained, "weight", new Flat()), { message: /^Registering a parametrization may not change the shape of the tensor, unless the `unsafe` flag is enabled.\nmodule.weight.shape: torch.Size\(\[3, 3\]\)/ });
});

for (const c of fx.orthogonal) {
  const map = c.map ?? "default";
  test(`orthogonal(Linear(${c.linear.join(", ")}), ${map}, useTrivialization=${c.useTrivialization}): initial weight, keys, forward map and gradient as PyTorch`, () => {
    const m = new nn.Linear(c.linear[0], c.linear[1]);
    load(m, c.stateDict);
    PZ.orthogonal(m, "weight", { orthogonalMap: c.map, useTrivialization: c.useTrivialization });
    const w = field(m, "weight");
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.registered));
    assertClose(values(w), c.weight.data, "the orthogonalized initial weight", 1e-4, 1e-5);
    const [rows, cols] = w.shape as [number, number];
    const gram = rows >= cols ? w.t().matmul(w) : w.matmul(w.t());
    assertClose(values(gram), values(torch.eye(Math.min(rows, cols))), "orthonormal", 1e-4, 1e-5);
    if (!c.useTrivialization) {
      // the original is PyTorch's geqrf output (R's signs on the diagonal, Householder vectors below)
      checkState(m, c.registered, "the original from geqrf", 1e-4, 1e-5);
    } else if (rows === cols) checkState(m, c.registered, "base", 1e-4, 1e-5);
    load(m, c.loaded);
    assertClose(values(field(m, "weight")), c.weightLoaded.data, "the map of another original", 1e-4, 1e-5);
    checkRun(m, fromJson(c.input), c, "forward and gradient", 1e-3, 1e-5);
  });
}

test("orthogonal: assigning an orthogonal matrix keeps it, a non-orthogonal one is orthogonalized (QR with R ≥ 0)", () => {
  const c = fx.orthogonalAssign;
  const m = PZ.orthogonal(new nn.Linear(3, 3));
  (m as any).weight = fromJson(c.q);
  assertClose(values(field(m, "weight")), c.weightQ.data, "Q");
  (m as any).weight = fromJson(c.a);
  assertClose(values(field(m, "weight")), c.weightA.data, "orthogonalized A");
  checkState(m, { ...c.stateDict, bias: { shape: [3], data: values(m.bias!) } }, "state");
});

test("orthogonal errors and the default map", () => {
  assert.throws(() => PZ.orthogonal(new nn.Linear(3, 3), "bias"), { message: "Expected a matrix or batch of matrices. Got a tensor of 1 dimensions." });
  assert.throws(() => PZ.orthogonal(new nn.Linear(3, 3), "foo"), { message: "Module 'Linear(in_features=3, out_features=3, bias=True)' has no parameter or buffer with name 'foo'" });
  assert.throws(() => PZ.orthogonal(new nn.Linear(3, 3), "weight", { orthogonalMap: "qr" as "cayley" }), { message: 'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: qr' });
  const square = PZ.orthogonal(new nn.Linear(3, 3)), tall = PZ.orthogonal(new nn.Linear(2, 5));
  const orthOf = (m: torch.nn.Module) => ((m as any).parametrizations.weight as torch.nn.Module).children()[0] as InstanceType<typeof PZ.Orthogonal>;
  assert.equal(orthOf(square).orthogonalMap, "matrix_exp");
  assert.equal(orthOf(tall).orthogonalMap, "householder");
  // without the trivialization the exponential map cannot be assigned to
  const noBase = PZ.orthogonal(new nn.Linear(3, 3), "weight", { useTrivialization: false });
  assert.throws(() => ((noBase as any).weight = torch.eye(3)), { name: "NotImplementedError", message: /^It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False/ });
});

test("orthogonal stays orthogonal through training steps (matrix_exp, cayley, householder; float64 gradcheck of each map)", () => {
  for (const map of ["matrix_exp", "cayley", "householder"] as const) {
    torch.manualSeed(1);
    const m = PZ.orthogonal(new nn.Linear(4, 4), "weight", { orthogonalMap: map });
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      (m.forward(torch.randn([8, 4]))).pow(2).sum().backward();
      opt.step();
    }
    const w = field(m, "weight");
    assertClose(values(w.t().matmul(w)), values(torch.eye(4)), `${map}: orthogonal after training`, 1e-4, 1e-5);
    const orth = ((m as any).parametrizations.weight as torch.nn.Module).children()[0]!;
    const x = torch.randn([4, 4], { dtype: "float64" }).mul(0.3).requiresGrad_();
    if ((orth as any).base !== undefined && (orth as any).base !== null) (orth as any).base = torch.eye(4, { dtype: "float64" });
    assert.ok(torch.autograd.gradcheck((t: Tensor) => orth.forward(t) as Tensor, [x]), `${map}: gradcheck`);
  }
});
