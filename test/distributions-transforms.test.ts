/**
 * torch.distributions.transforms, the bijectTo / transformTo registries and
 * TransformedDistribution against PyTorch (fixtures: scripts/gen_dist_fixtures5.py,
 * PyTorch 1.13; PositiveDefiniteTransform and transformTo(positiveDefinite) are
 * 2.x's, computed there as 2.x defines them): forward, inverse and
 * log|det J| with gradients in the input and the parameters; caching,
 * inverses, shapes, equality, reprs and messages.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { type Encoded, values } from "./fixture-values.js";
import { assertNear, type Enc, tensorOf } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions, T = D.transforms, C = D.constraints;
type Transform = torch.distributions.transforms.Transform;
type Grads = Record<string, Encoded[]> | null;

interface Spec {
  t: string;
  parts?: Spec[];
  base?: Spec;
  n?: number;
  in?: number[];
  out?: number[];
  dim?: number;
  lengths?: number[];
  loc?: number;
  scale?: number;
  eventDim?: number;
}
interface TransformCase {
  name: string;
  spec: Spec;
  params: Record<string, Enc>;
  x: Enc;
  forward: Enc;
  forwardGrads: Grads;
  y?: Enc;
  inverse?: Enc;
  inverseGrads?: Grads;
  ladj?: Enc;
  ladjGrads?: Grads;
}
interface RegistryCase {
  constraint: string;
  registry: "bijectTo" | "transformTo";
  x: Enc;
  error?: string;
  repr?: string;
  y?: Enc;
  check?: boolean;
  inverse?: Enc;
  ladj?: Enc;
}
const FIX = readFixture<{ transforms: TransformCase[]; registry: RegistryCase[]; errors: Record<string, string>; reprs: Record<string, string> }>("distributions5.json");
const f64 = (x: number | number[] | number[][]): Tensor => torch.tensor(x, { dtype: "float64" });

function makeTransform(spec: Spec, p: Record<string, Tensor>): Transform {
  switch (spec.t) {
    case "Exp": return new T.ExpTransform();
    case "Sigmoid": return new T.SigmoidTransform();
    case "Softplus": return new T.SoftplusTransform();
    case "Tanh": return new T.TanhTransform();
    case "Abs": return new T.AbsTransform();
    case "Softmax": return new T.SoftmaxTransform();
    case "StickBreaking": return new T.StickBreakingTransform();
    case "LowerCholesky": return new T.LowerCholeskyTransform();
    case "PositiveDefinite": return new T.PositiveDefiniteTransform();
    case "CorrCholesky": return new T.CorrCholeskyTransform();
    case "Power": return new T.PowerTransform(p.exponent!);
    case "Affine": return new T.AffineTransform(p.loc ?? spec.loc!, p.scale ?? spec.scale!, { eventDim: spec.eventDim ?? 0 });
    case "CDF": return new T.CumulativeDistributionTransform(new D.Normal(p.loc!, p.scale!));
    case "Compose": return new T.ComposeTransform(spec.parts!.map((s) => makeTransform(s, p)));
    case "Independent": return new T.IndependentTransform(makeTransform(spec.base!, p), spec.n!);
    case "Reshape": return new T.ReshapeTransform(spec.in!, spec.out!);
    case "Cat": return new T.CatTransform(spec.parts!.map((s) => makeTransform(s, p)), spec.dim, spec.lengths);
    case "Stack": return new T.StackTransform(spec.parts!.map((s) => makeTransform(s, p)), spec.dim);
    case "Inv": return makeTransform(spec.base!, p).inv;
    default: throw new Error(spec.t);
  }
}

/** `out` against PyTorch's, then the gradients of its sum in each leaf. */
function checkOut(what: string, out: Tensor, want: Enc, grads: Grads, leaves: Record<string, Tensor>): void {
  assert.deepEqual(out.shape, want.shape, `${what}: shape`);
  assertNear(values(out.detach()), want.data, what);
  if (grads === null || grads === undefined) return;
  const names = Object.keys(grads);
  const gs = torch.autograd.grad([out.sum()], names.map((k) => leaves[k]!), { allowUnused: true });
  names.forEach((k, i) => {
    const g = gs[i];
    assertNear(g === null || g === undefined ? new Array<number>(grads[k]!.length).fill(0) : values(g), grads[k]!, `${what}: grad ${k}`, 1e-6);
  });
}

describe("transforms against PyTorch: forward, inverse, log|det J| and their gradients", () => {
  for (const c of FIX.transforms) {
    test(c.name, () => {
      const fresh = (): { t: Transform; leaves: Record<string, Tensor> } => {
        const leaves = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensorOf(v).requiresGrad_(true)]));
        return { t: makeTransform(c.spec, leaves), leaves };
      };
      {
        const { t, leaves } = fresh();
        const x = tensorOf(c.x).requiresGrad_(true);
        checkOut(`${c.name} forward`, t.call(x), c.forward, c.forwardGrads, { x, ...leaves });
      }
      if (c.y !== undefined) {
        const { t, leaves } = fresh();
        const y = tensorOf(c.y).requiresGrad_(true);
        checkOut(`${c.name} inverse`, t.inv.call(y), c.inverse!, c.inverseGrads ?? null, { y, ...leaves });
      }
      if (c.ladj !== undefined) {
        const { t, leaves } = fresh();
        const x = tensorOf(c.x).requiresGrad_(true);
        checkOut(`${c.name} log_abs_det_jacobian`, t.logAbsDetJacobian(x, t.call(x)), c.ladj, c.ladjGrads ?? null, { x, ...leaves });
      }
    });
  }

  test("float64 gradcheck of log|det J| through the composed and event transforms", () => {
    const x = f64([[0.5, -1, 0.3], [0.1, 0.2, -0.3]]).requiresGrad_(true);
    for (const t of [new T.StickBreakingTransform(), new T.CorrCholeskyTransform(), new T.ComposeTransform([new T.AffineTransform(1, 2), new T.StickBreakingTransform(), new T.ExpTransform()])])
      assert.ok(torch.autograd.gradcheck((v: Tensor) => t.logAbsDetJacobian(v, t.call(v)), [x]), t.toString());
  });
});

const CONSTRAINTS: Record<string, torch.distributions.constraints.Constraint> = {
  real: C.real, positive: C.positive, nonnegative: C.nonnegative, "greaterThan(2)": C.greaterThan(2), "greaterThanEq(-1)": C.greaterThanEq(-1),
  "lessThan(3)": C.lessThan(3), unitInterval: C.unitInterval, "interval(-1, 2)": C.interval(-1, 2), "halfOpenInterval(0, 1)": C.halfOpenInterval(0, 1),
  "interval(tensor)": C.interval(f64([0, -1]), f64([1, 3])), simplex: C.simplex, realVector: C.realVector,
  "independent(positive, 1)": C.independent(C.positive, 1), lowerCholesky: C.lowerCholesky, corrCholesky: C.corrCholesky,
  cat: C.cat([C.positive, C.interval(0, 2)], 0, [1, 2]), stack: C.stack([C.positive, C.real], 1), positiveDefinite: C.positiveDefinite,
};

describe("bijectTo / transformTo against PyTorch", () => {
  for (const c of FIX.registry) {
    test(`${c.registry}(${c.constraint})`, () => {
      const registry = c.registry === "bijectTo" ? D.bijectTo : D.transformTo;
      const constraint = CONSTRAINTS[c.constraint]!;
      if (c.error !== undefined) {
        assert.throws(() => registry(constraint), { message: c.error });
        return;
      }
      const t = registry(constraint);
      assert.equal(t.toString(), c.repr);
      const y = t.call(tensorOf(c.x));
      assertNear(values(y), c.y!.data, "y");
      assert.equal(Boolean(torch.all(constraint.check(y)).item()), c.check, "y satisfies the constraint");
      assertNear(values(t.inv.call(y)), c.inverse!.data, "inverse");
      if (c.ladj !== undefined) {
        assert.ok(t.bijective);
        assertNear(values(t.logAbsDetJacobian(tensorOf(c.x), y)), c.ladj.data, "log|det J|");
      }
    });
  }

  test("a registry takes new kinds and replaces old ones", () => {
    const calls: string[] = [];
    D.transformTo.register("Boolean", (c) => {
      calls.push(c.name);
      return new T.SigmoidTransform();
    });
    assert.equal(D.transformTo(C.boolean).toString(), "SigmoidTransform()");
    assert.deepEqual(calls, ["Boolean()"]);
    assert.throws(() => D.bijectTo(C.boolean), { message: "Cannot transform _Boolean constraints" });
    // a Distribution's parameter constraint gives an unconstrained parameterisation
    const scale = D.transformTo(new D.Normal(0, 1).argConstraints.scale!).call(f64([-3, 0, 2]));
    assert.ok(torch.all(torch.gt(scale, 0)).item());
  });
});

describe("transforms: caching, inverses, shapes, equality", () => {
  test("cacheSize 1 keeps the last x ↔ y pair; 0 keeps nothing (PyTorch's cache_size)", () => {
    const x = f64([0.5, 1]);
    const cached = new T.ExpTransform({ cacheSize: 1 });
    const y = cached.call(x);
    assert.equal(cached.call(x), y, "the same x gives the same y object");
    assert.equal(cached.inv.call(y), x, "the inverse of the cached y is x itself");
    const plain = new T.ExpTransform();
    assert.notEqual(plain.call(x), plain.call(x));
    assert.notEqual(plain.inv.call(plain.call(x)), x);
    // a value the cache has not seen is computed
    assertNear(values(cached.inv.call(f64([1, Math.E]))), [0, 1], "uncached inverse");
    // tanh's inverse is atanh without clamping: only the cache gets back x where tanh(x) rounds to 1
    const tanh = new T.TanhTransform({ cacheSize: 1 }), big = f64([30]);
    assert.equal(tanh.inv.call(tanh.call(big)), big);
    assert.equal(new T.TanhTransform().inv.call(new T.TanhTransform().call(big)).item(), Infinity);
  });

  test("withCache, inv.inv, and composed caches", () => {
    const t = new T.ExpTransform();
    assert.equal(t.inv.inv, t);
    assert.equal(t.inv, t.inv);
    assert.equal(t.withCache(0), t);
    const c1 = t.withCache(1);
    assert.equal(c1.cacheSize, 1);
    assert.ok(c1 instanceof T.ExpTransform);
    assert.equal(t.inv.withCache(1).cacheSize, 1);
    const compose = new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(1, 2)], { cacheSize: 1 });
    assert.ok(compose.parts.every((p) => p.cacheSize === 1));
    assert.equal(compose.inv.inv, compose);
    assert.equal(compose.inv.toString(), "ComposeTransform(\n    _InverseTransform(AffineTransform()),\n    _InverseTransform(ExpTransform())\n)");
    const x = f64([0.3]);
    const y = compose.call(x);
    assert.equal(compose.inv.call(y), x);
    assert.throws(() => new T.ExpTransform({ cacheSize: 2 }), { message: FIX.errors["Transform cache_size"] });
  });

  test("domain, codomain, eventDim, sign and bijective, as PyTorch's", () => {
    assert.equal(new T.ExpTransform().eventDim, 0);
    assert.equal(new T.StickBreakingTransform().eventDim, 1);
    assert.equal(new T.AffineTransform(0, 1, { eventDim: 2 }).eventDim, 2);
    assert.equal(new T.AffineTransform(0, -2).sign, -1);
    assert.deepEqual(values(new T.AffineTransform(0, f64([-1, 2])).sign as Tensor), [-1, 1]);
    assert.equal(new T.ExpTransform().inv.sign, 1);
    assert.equal(new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(0, -1)]).sign, -1);
    assert.throws(() => new T.AbsTransform().sign, { message: "AbsTransform does not implement sign" });
    assert.throws(() => new T.ComposeTransform([new T.StickBreakingTransform(), new T.ReshapeTransform([3], [3, 1])]).eventDim, { message: FIX.errors["StickBreaking event_dim"] });
    assert.deepEqual([new T.AbsTransform().bijective, new T.SoftmaxTransform().bijective, new T.LowerCholeskyTransform().bijective], [false, false, false]);
    assert.deepEqual([new T.StickBreakingTransform().bijective, new T.CorrCholeskyTransform().bijective, new T.CatTransform([new T.ExpTransform()]).bijective], [true, true, true]);
    const c = new T.ComposeTransform([new T.ExpTransform(), new T.StickBreakingTransform()]);
    assert.equal(c.domain.name, "IndependentConstraint(Real(), 1)");
    assert.equal(c.codomain.name, "Simplex()");
    assert.equal(new T.IndependentTransform(new T.ExpTransform(), 2).codomain.name, "IndependentConstraint(GreaterThan(lower_bound=0.0), 2)");
    assert.equal(new T.CatTransform([new T.ExpTransform(), new T.StickBreakingTransform()], -1, [1, 2]).eventDim, 1);
    assert.equal(new T.TanhTransform().codomain.name, "Interval(lower_bound=-1.0, upper_bound=1.0)");
    assert.equal(new T.CumulativeDistributionTransform(new D.Gamma(1, 1)).domain.name, "GreaterThanEq(lower_bound=0.0)");
  });

  test("forward and inverse shapes", () => {
    assert.deepEqual(new T.StickBreakingTransform().forwardShape([4, 3]), [4, 4]);
    assert.deepEqual(new T.StickBreakingTransform().inverseShape([4, 3]), [4, 2]);
    assert.deepEqual(new T.CorrCholeskyTransform().forwardShape([2, 6]), [2, 4, 4]);
    assert.deepEqual(new T.CorrCholeskyTransform().inverseShape([2, 4, 4]), [2, 6]);
    assert.throws(() => new T.CorrCholeskyTransform().forwardShape([5]), { message: "Input is not a flattend lower-diagonal number" });
    assert.throws(() => new T.CorrCholeskyTransform().inverseShape([2, 3]), { message: "Input is not square" });
    assert.throws(() => new T.SoftmaxTransform().forwardShape([]), { message: "Too few dimensions on input" });
    assert.deepEqual(new T.ReshapeTransform([2, 3], [6]).forwardShape([5, 2, 3]), [5, 6]);
    assert.throws(() => new T.ReshapeTransform([2, 3], [6]).forwardShape([4, 3, 2]), { message: FIX.errors["ReshapeTransform shape"] });
    assert.throws(() => new T.ReshapeTransform([2, 3], [5]), { message: FIX.errors["ReshapeTransform numel"] });
    assert.deepEqual(new T.AffineTransform(f64([1, 2]), 1).forwardShape([3, 1]), [3, 2]);
    assert.deepEqual(new T.PowerTransform(f64([[1], [2]])).inverseShape([3]), [2, 3]);
    assert.deepEqual(new T.ComposeTransform([new T.ReshapeTransform([6], [2, 3]), new T.StickBreakingTransform()]).forwardShape([6]), [2, 4]);
    assert.deepEqual(new T.ReshapeTransform([2, 3], [6]).logAbsDetJacobian(torch.zeros([4, 2, 3]), torch.zeros([4, 6])).shape, [4]);
    assert.throws(() => new T.IndependentTransform(new T.ExpTransform(), 2).call(f64([1])), { message: "Too few dimensions on input" });
    assert.throws(() => new T.CatTransform([new T.ExpTransform()], 0, [2]).call(f64([1, 2, 3])), { message: "CatTransform: expected size 2 along dim 0, got 3" });
  });

  test("equality (PyTorch's ==): the same class, and the same parameters", () => {
    assert.ok(new T.ExpTransform().equals(new T.ExpTransform()));
    assert.ok(!new T.ExpTransform().equals(new T.SigmoidTransform()));
    assert.ok(new T.ExpTransform().inv.equals(new T.ExpTransform().inv));
    assert.ok(new T.AffineTransform(1, f64([2, 3])).equals(new T.AffineTransform(1, f64([2, 3]))));
    assert.ok(!new T.AffineTransform(1, 2).equals(new T.AffineTransform(1, 3)));
    assert.ok(new T.PowerTransform(2).equals(new T.PowerTransform(torch.tensor(2))));
    assert.ok(new T.ComposeTransform([new T.ExpTransform()]).equals(new T.ComposeTransform([new T.ExpTransform()])));
    assert.ok(!new T.ComposeTransform([new T.ExpTransform()]).equals(new T.ComposeTransform([])));
    // a transform of a distribution is only equal to itself
    const cdf = new T.CumulativeDistributionTransform(new D.Normal(0, 1));
    assert.ok(cdf.equals(cdf) && !cdf.equals(new T.CumulativeDistributionTransform(new D.Normal(0, 1))));
  });

  test("reprs", () => {
    const r = FIX.reprs;
    assert.equal(new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(0, 1)]).toString(), r.ComposeTransform);
    assert.equal(T.identityTransform.toString(), r.identity);
    assert.equal(new T.ExpTransform().inv.toString(), r.inverse);
    assert.equal(new T.IndependentTransform(new T.SigmoidTransform(), 2).toString(), r.IndependentTransform);
    assert.equal(C.stack([C.real, C.positive], 0).name, r["Stack constraint"]);
    assert.equal(C.cat([C.real, C.positive], 0, [1, 1]).name, r["Cat constraint"]);
    assert.equal(C.halfOpenInterval(0, 1).name, r["NegativeBinomial probs constraint"]);
  });
});

describe("TransformedDistribution", () => {
  test("batch and event shapes follow the transforms; the base is expanded and made Independent as they need", () => {
    const base = new D.Normal(torch.zeros([4, 3]), 1);
    const stick = new D.TransformedDistribution(base, new T.StickBreakingTransform());
    assert.deepEqual([stick.batchShape, stick.eventShape], [[4], [4]]);
    assert.ok(stick.baseDist instanceof D.Independent);
    assert.equal(stick.support.name, "Simplex()");
    assert.deepEqual(stick.sample([2]).shape, [2, 4, 4]);
    const reshaped = new D.TransformedDistribution(new D.Normal(torch.zeros([2, 3]), 1), [new T.ReshapeTransform([2, 3], [6]), new T.ExpTransform()]);
    assert.deepEqual([reshaped.batchShape, reshaped.eventShape], [[], [6]]);
    assert.equal(reshaped.support.name, FIX.reprs["TransformedDistribution support"]);
    // a broadcasting transform expands the base
    const affine = new D.TransformedDistribution(new D.Normal(0, 1), new T.AffineTransform(f64([1, 2, 3]), 1));
    assert.deepEqual([affine.batchShape, affine.baseDist.batchShape], [[3], [3]]);
    assert.equal(new D.TransformedDistribution(new D.Normal(0, 1), []).support.name, "Real()");
    assert.equal(new D.TransformedDistribution(new D.Normal(0, 1), new T.ExpTransform()).toString(), FIX.reprs.TransformedDistribution);
  });

  test("an exp-transformed Normal is the LogNormal: logProb, cdf, icdf, samples", () => {
    const loc = f64([0, 1, -0.5]), scale = f64([1, 0.5, 2]), x = f64([0.5, 2, 3]);
    const td = new D.TransformedDistribution(new D.Normal(loc, scale), [new T.ExpTransform()]);
    const ln = new D.LogNormal(loc, scale);
    assertNear(values(td.logProb(x)), values(ln.logProb(x)), "logProb", 1e-12);
    assertNear(values(td.cdf(x)), values(ln.cdf(x)), "cdf", 1e-12);
    assertNear(values(td.icdf(f64([0.1, 0.5, 0.9]))), values(ln.icdf(f64([0.1, 0.5, 0.9]))), "icdf", 1e-12);
    assert.ok(td.hasRsample);
    // rsample is the transformed base rsample, from the same draws
    const a = td.rsample([5], { generator: new torch.Generator(3) });
    const b = new D.Normal(loc, scale).rsample([5], { generator: new torch.Generator(3) }).exp();
    assertNear(values(a), values(b), "rsample", 1e-15);
    assert.equal(td.sample([2]).requiresGrad, false);
  });

  test("a user-defined transform: forward, inverse and log|det J| are all a subclass writes", () => {
    class Cube extends T.Transform {
      get domain(): torch.distributions.constraints.Constraint {
        return C.real;
      }
      get codomain(): torch.distributions.constraints.Constraint {
        return C.real;
      }
      override get bijective(): boolean {
        return true;
      }
      override get sign(): number {
        return 1;
      }
      protected override forward(x: Tensor): Tensor {
        return x.pow(3);
      }
      protected override inverse(y: Tensor): Tensor {
        return y.sign().mul(y.abs().pow(1 / 3));
      }
      override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
        return x.square().mul(3).log();
      }
    }
    const d = new D.TransformedDistribution(new D.Normal(0, 1), new Cube());
    // p(y) = N(y^⅓) / (3 y^⅔)
    const y = 8, x = 2;
    assertNear([d.logProb(f64(y)).item()], [-0.5 * x * x - 0.5 * Math.log(2 * Math.PI) - Math.log(3 * x * x)], "logProb", 1e-12);
    assertNear([d.cdf(f64(-8)).item()], [new D.Normal(0, 1).cdf(f64(-2)).item()], "cdf", 1e-12);
    assert.equal(new Cube().withCache(1).cacheSize, 1);
    assert.equal(new Cube().toString(), "Cube()");
  });

  test("expand, and errors", () => {
    const td = new D.TransformedDistribution(new D.Normal(f64([0, 1]), 1), [new T.ExpTransform()]);
    const e = td.expand([3, 2]);
    assert.deepEqual([e.batchShape, e.baseDist.batchShape, e.sample().shape], [[3, 2], [3, 2], [3, 2]]);
    assertNear(values(e.logProb(f64([1, 2]))), [...values(td.logProb(f64([1, 2])))].concat(values(td.logProb(f64([1, 2]))), values(td.logProb(f64([1, 2])))), "expanded logProb", 1e-12);
    assert.throws(() => new D.TransformedDistribution(new D.Normal(0, 1), [new T.StickBreakingTransform()]), { message: FIX.errors["TransformedDistribution shape"] });
    assert.throws(() => new D.TransformedDistribution(new D.Normal(0, 1), [new T.ExpTransform(), 3 as unknown as Transform]), { message: "transforms must be a Transform or a list of Transforms" });
    assert.throws(() => td.mean, { message: "TransformedDistribution does not implement mean" });
    assert.throws(() => td.logProb(f64([-1, 1])), /to be within the support \(GreaterThan\(lower_bound=0\.0\)\) of the distribution TransformedDistribution\(\)/);
  });
});
