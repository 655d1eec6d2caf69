/**
 * The activations added after ReLU..GELU against PyTorch (fixture:
 * scripts/gen_activation_fixtures.py): outputs and input gradients at the
 * kinks, at large magnitudes and at random points, through the module, the
 * F function and the in-place form, on every backend; PReLU's weight
 * gradient; reprs, state-dict keys and error messages.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertClose, checkGolden, decode, type Encoded, type GoldenCase, values } from "./fixture-values.js";
import { readFixture } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

interface EncodedTensor { shape: number[]; data: Encoded[] }

interface ActCase extends GoldenCase {
  module: string;
  args: number[];
  stateDict?: Record<string, EncodedTensor>;
  paramGrads?: Record<string, Encoded[]>;
}

interface ActFixture {
  cases: ActCase[];
  reprs: { module: string; args: number[]; inplace: boolean | null; repr: string }[];
  sequentialRepr: string;
  sequentialKeys: string[];
  prelu: { stateDictKeys: string[]; parameters: string[] };
  errors: { op: string; shape: number[]; args: unknown[]; message: string }[];
}

const fx = readFixture<ActFixture>("activations.json");

type Opt = { inplace?: boolean };
/** Each activation as a module built from PyTorch's positional arguments, and as its F function. */
const ACTS: Record<string, { make: (a: number[], o: Opt) => torch.nn.Module; fn: (x: Tensor, a: number[], o: Opt, w?: Tensor) => Tensor; inplace: boolean }> = {
  ReLU6: { make: (_, o) => new nn.ReLU6(o), fn: (x, _, o) => F.relu6(x, o), inplace: true },
  Hardtanh: { make: (a, o) => new nn.Hardtanh(a[0], a[1], o), fn: (x, a, o) => F.hardtanh(x, a[0], a[1], o), inplace: true },
  Hardswish: { make: (_, o) => new nn.Hardswish(o), fn: (x, _, o) => F.hardswish(x, o), inplace: true },
  Hardsigmoid: { make: (_, o) => new nn.Hardsigmoid(o), fn: (x, _, o) => F.hardsigmoid(x, o), inplace: true },
  Mish: { make: (_, o) => new nn.Mish(o), fn: (x, _, o) => F.mish(x, o), inplace: true },
  SELU: { make: (_, o) => new nn.SELU(o), fn: (x, _, o) => F.selu(x, o), inplace: true },
  CELU: { make: (a, o) => new nn.CELU(a[0], o), fn: (x, a, o) => F.celu(x, a[0], o), inplace: true },
  Threshold: { make: (a, o) => new nn.Threshold(a[0]!, a[1]!, o), fn: (x, a, o) => F.threshold(x, a[0]!, a[1]!, o), inplace: true },
  GLU: { make: (a) => new nn.GLU(a[0]), fn: (x, a) => F.glu(x, a[0]), inplace: false },
  LogSigmoid: { make: () => new nn.LogSigmoid(), fn: (x) => F.logsigmoid(x), inplace: false },
  Softsign: { make: () => new nn.Softsign(), fn: (x) => F.softsign(x), inplace: false },
  Tanhshrink: { make: () => new nn.Tanhshrink(), fn: (x) => F.tanhshrink(x), inplace: false },
  Softmin: { make: (a) => new nn.Softmin(a[0]!), fn: (x, a) => F.softmin(x, a[0]!), inplace: false },
  PReLU: { make: (a) => new nn.PReLU(a[0], a[1]), fn: (x, _, __, w) => F.prelu(x, w!), inplace: false },
};

const tensorOf = (t: EncodedTensor) => torch.tensor(t.data.map(decode)).reshape(t.shape);

/** The case's module with PyTorch's weights (PReLU), so its state-dict keys are checked on the way. */
function moduleFor(c: ActCase, o: Opt = {}): torch.nn.Module {
  const m = ACTS[c.module]!.make(c.args, o);
  if (c.stateDict !== undefined) {
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensorOf(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), `${c.name}: state-dict keys`);
    m.loadStateDict(sd);
  }
  return m;
}

describeOnBackends((backend) => `activations against PyTorch on the ${backend} backend`, () => {
  for (const c of fx.cases) {
    const act = ACTS[c.module]!;
    test(`nn.${c.name}: output and gradients`, () => {
      const m = moduleFor(c);
      checkGolden(c, (x) => m.forward(x) as Tensor);
      for (const [name, grad] of Object.entries(c.paramGrads ?? {})) {
        const p = Object.fromEntries(m.namedParameters())[name]!;
        assertClose(values(p.grad!), grad, `${c.name} grad of ${name}`);
      }
    });

    test(`F for ${c.name}: output and input gradient`, () => {
      const w = c.stateDict?.weight !== undefined ? tensorOf(c.stateDict.weight) : undefined;
      checkGolden(c, (x) => act.fn(x, c.args, {}, w));
    });

    if (act.inplace) {
      test(`nn.${c.name} in place: writes over its input, same values and gradient`, () => {
        const m = moduleFor(c, { inplace: true });
        checkGolden(c, (x) => {
          const h = x.mul(1); // a non-leaf: in-place ops on a leaf that requires grad are refused
          const y = m.forward(h) as Tensor;
          assert.equal(y, h, "returns its input");
          return y;
        });
      });
    }
  }
});

test("no gradient is NaN, also at ±1e30 where an unused exp branch would overflow", () => {
  for (const c of fx.cases) {
    const x = torch.tensor(c.input.data.map(decode)).reshape(c.input.shape).requiresGrad_(true);
    const w = c.stateDict?.weight !== undefined ? tensorOf(c.stateDict.weight) : undefined;
    ACTS[c.module]!.fn(x, c.args, {}, w).sum().backward();
    assert.ok(values(x.grad!).every((g) => !Number.isNaN(g)), `${c.name} has a NaN gradient`);
  }
});

test("hardswish's gradient at ±Infinity is PyTorch 2.x's (0 and 1), not NaN from its unused middle branch", () => {
  const x = torch.tensor([-Infinity, Infinity]).requiresGrad_(true);
  F.hardswish(x).sum().backward();
  assert.deepEqual(values(x.grad!), [0, 1]);
});

test("the reprs are PyTorch's", () => {
  for (const r of fx.reprs) {
    const m = ACTS[r.module]!.make(r.args, r.inplace === null ? {} : { inplace: r.inplace });
    assert.equal(m.toString(), r.repr);
  }
  const seq = new nn.Sequential(new nn.Linear(4, 4), new nn.PReLU(4), new nn.Hardtanh(-2, 2), new nn.GLU(), new nn.Softmin(1));
  assert.equal(seq.toString(), fx.sequentialRepr);
  assert.deepEqual(Object.keys(seq.stateDict()), fx.sequentialKeys);
});

test("PReLU has one learnable weight, [numParameters] filled with init, under PyTorch's key", () => {
  const m = new nn.PReLU(3, 0.1);
  assert.deepEqual(Object.keys(m.stateDict()), fx.prelu.stateDictKeys);
  assert.deepEqual(m.namedParameters().map(([k]) => k), fx.prelu.parameters);
  assert.ok(m.weight instanceof nn.Parameter && m.weight.requiresGrad);
  assert.deepEqual(m.weight.shape, [3]);
  assertClose(values(m.weight), [0.1, 0.1, 0.1], "weight");
  assertClose(values(new nn.PReLU().weight), [0.25], "default weight");
});

test("ReLU6 is a Hardtanh on [0, 6], as in PyTorch", () => {
  const m = new nn.ReLU6();
  assert.ok(m instanceof nn.Hardtanh);
  assert.deepEqual([m.minVal, m.maxVal], [0, 6]);
  assert.throws(() => new nn.Hardtanh(1, 1), /max_val must be greater than min_val/);
});

test("in-place activations refuse a leaf that requires grad, as PyTorch does", () => {
  const x = torch.randn([3], { requiresGrad: true });
  assert.throws(() => F.hardtanh(x, -1, 1, { inplace: true }), /a leaf Variable that requires grad is being used in an in-place operation/);
  const y = torch.tensor([-8, 0.5, 8]);
  assert.equal(F.relu6(y, { inplace: true }), y);
  assert.deepEqual(values(y), [0, 0.5, 6]);
});

test("bad input gets PyTorch's error messages", () => {
  const calls: Record<string, (x: Tensor, args: any[]) => unknown> = {
    glu: (x, [dim]) => F.glu(x, dim),
    prelu: (x, [shape]) => F.prelu(x, torch.ones(shape)),
    celu: (x, [alpha]) => F.celu(x, alpha),
  };
  for (const e of fx.errors) {
    const x = torch.zeros(e.shape);
    assert.throws(() => calls[e.op]!(x, e.args), (err: Error) => err.message.startsWith(e.message), `${e.op} ${JSON.stringify(e.shape)}: ${e.message}`);
  }
  // the message names the op and the shapes where PyTorch's does not
  assert.throws(() => F.glu(torch.zeros([3, 5])), /glu: input of shape \[3, 5\]/);
  assert.throws(() => F.prelu(torch.zeros([2, 3]), torch.ones([2])), /prelu: input of shape \[2, 3\], weight of shape \[2\]/);
  assert.throws(() => F.prelu(torch.zeros([2]), torch.ones([1], { dtype: "float64" })), /prelu: Type promoting not supported. Got Float and Double/);
});
