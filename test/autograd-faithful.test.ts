/**
 * Autograd behaviours that follow PyTorch exactly: views made in no_grad or
 * inference mode or by split/chunk/unbind (CreationMeta) and their in-place
 * errors, the in-place activations' nodes and what they save, linalg.slogdet's
 * sign output, tril_/triu_ on expanded tensors. Fixtures:
 * scripts/gen_autograd_faithful_fixtures.py (PyTorch 1.13; where 2.x differs,
 * the test says so).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, decode, type Encoded, throwsExactly, values } from "./fixture-values.js";

const F = torch.nn.functional;
const load = <T>(name: string): T =>
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "autograd-faithful", name), "utf8")) as T;

describe("views whose creation forbids in-place changes (PyTorch's CreationMeta)", () => {
  const fx = load<{ errors: Record<string, string | null>; multi: Record<string, { names: string[]; outputNrs: number[]; grad: Encoded[] }> }>("views.json");
  const rgc = (n: number) => torch.zeros([n], { requiresGrad: true }).clone();
  const head = (n: number) => (t: Tensor) => t.narrow(0, 0, n);
  const scenarios: Record<string, () => unknown> = {
    nogradViewInplaceRgOperand: () => {
      const a = torch.zeros([3]), w = torch.ones([2], { requiresGrad: true });
      const v = torch.noGrad(() => head(2)(a));
      v.mul_(w);
    },
    nogradViewOfRgInplace: () => {
      const a = rgc(3);
      torch.noGrad(() => head(2)(a)).mul_(2);
    },
    nogradViewBaseGainsGraphGradFn: () => {
      const a = torch.zeros([3]), w = torch.ones([3], { requiresGrad: true });
      const v = torch.noGrad(() => head(2)(a));
      a.mul_(w);
      return v.gradFn;
    },
    nogradViewBaseGainsGraphUsed: () => {
      const a = torch.zeros([3]), w = torch.ones([3], { requiresGrad: true });
      const v = torch.noGrad(() => head(2)(a));
      a.mul_(w);
      return v.mul(2);
    },
    nogradViewBaseInplaceInNograd: () => {
      const a = rgc(3);
      const v = torch.noGrad(() => {
        const v = head(2)(a);
        a.mul_(2);
        return v;
      });
      return v.gradFn;
    },
    nogradViewOfLeafInplaceInNograd: () => {
      const l = torch.zeros([3], { requiresGrad: true });
      const v = torch.noGrad(() => head(2)(l).mul_(2));
      return v.gradFn;
    },
    viewOfNogradViewNoGraph: () => {
      const a = torch.zeros([3]);
      const v = torch.noGrad(() => head(2)(a));
      head(1)(v).mul_(torch.ones([1], { requiresGrad: true }));
    },
    inferenceViewInplace: () => {
      const a = rgc(3);
      torch.inferenceMode(() => head(2)(a)).mul_(2);
    },
    inferenceViewRgOperand: () => {
      const a = torch.zeros([3]);
      torch.inferenceMode(() => head(2)(a)).mul_(torch.ones([2], { requiresGrad: true }));
    },
    inferenceViewBaseInplace: () => {
      const a = rgc(3);
      const v = torch.inferenceMode(() => head(2)(a));
      a.mul_(2);
      return v.gradFn;
    },
    unbind: () => torch.zeros([4, 4], { requiresGrad: true }).clone().unbind(0)[1]!.mul_(2),
    split: () => torch.zeros([4, 4], { requiresGrad: true }).clone().split(2)[1]!.mul_(2),
    chunk: () => torch.zeros([4, 4], { requiresGrad: true }).clone().chunk(2)[1]!.mul_(2),
    splitWithSizes: () => torch.zeros([4, 4], { requiresGrad: true }).clone().split([1, 3])[1]!.mul_(2),
    splitNoGraphRgOperand: () => torch.zeros([4]).split(2)[0]!.mul_(torch.ones([2], { requiresGrad: true })),
    splitBaseInplace: () => {
      const a = rgc(4);
      const [x] = a.split(2);
      a.mul_(2);
      return x!.gradFn;
    },
    viewOfSplitInplace: () => head(1)(rgc(4).split(2)[0]!).mul_(2),
    splitInplaceInNograd: () => {
      const [x] = rgc(4).split(2);
      torch.noGrad(() => x!.mul_(2));
      return x!.gradFn;
    },
    splitSingle: () => rgc(2).split(2)[0]!.mul_(2),
    viewOfLeaf: () => head(2)(torch.zeros([3], { requiresGrad: true })).mul_(2),
  };

  for (const [name, run] of Object.entries(scenarios)) {
    test(`${name}: PyTorch's error, word for word`, () => throwsExactly(run, fx.errors[name]!, name));
  }

  test("tensorSplit's pieces are plain slices: changing one in place is allowed (as in PyTorch)", () => {
    assert.equal(fx.errors.tensorSplit, null);
    const piece = torch.tensorSplit(torch.zeros([4, 4], { requiresGrad: true }).clone(), 2)[1]!;
    piece.mul_(2);
    assert.equal(piece.gradFn!.name, "AsStridedBackward0");
  });

  test("a view of a view made in no_grad mode that has a gradFn names it (PyTorch 2.x; 1.13 fails an internal assert)", () => {
    const a = rgc(3);
    const v = torch.noGrad(() => head(2)(a));
    const u = head(1)(v);
    assert.equal(u.gradFn!.name, "SliceBackward0");
    throwsExactly(() => u.mul_(2), fx.errors.nogradViewOfRgInplace!.replace("A view was created in", "Output 0 of SliceBackward0 is a view of a view which was created in"), "view of a no-grad view");
  });

  test("what stays allowed: in place inside noGrad, and without anything requiring grad", () => {
    const a = torch.zeros([4]);
    const [x] = a.split(2);
    x!.mul_(2).add_(1); // no graph: allowed
    assert.deepEqual(a.tolist(), [1, 1, 0, 0]);
    const b = torch.zeros([3]);
    const v = torch.noGrad(() => head(2)(b));
    v.add_(1);
    b.mul_(3);
    assert.equal(v.gradFn, null);
    assert.equal(v.requiresGrad, false);
    const c = rgc(3);
    torch.noGrad(() => head(2)(c).add_(1)); // view and in-place both inside noGrad
    assert.deepEqual(c.tolist(), [1, 1, 0]);
  });

  test("a view made in noGrad of a tensor that requires grad requires grad but has no gradFn, as in PyTorch", () => {
    const a = rgc(3);
    const v = torch.noGrad(() => head(2)(a));
    assert.equal(v.requiresGrad, true);
    assert.equal(v.gradFn, null);
    const y = v.mul(2);
    assert.equal(y.requiresGrad, true);
    assert.deepEqual(y.gradFn!.nextFunctions, [[null, 0], [null, 0]]);
  });

  for (const [name, want] of Object.entries(fx.multi)) {
    test(`${name}: one node for all pieces (${want.names[0]}), gradients of unused pieces are zeros`, () => {
      const a = torch.arange(1, 13, 1, { dtype: "float64" }).reshape([3, 4]).requiresGrad_();
      const outs = name === "split" ? a.split(2, 1) : name === "chunk" ? a.chunk(3, 0) : name === "splitWithSizes" ? a.split([1, 3], 1) : a.unbind(1);
      assert.deepEqual(outs.map((o) => o.gradFn!.name), want.names);
      assert.deepEqual(outs.map((o) => o.outputNr), want.outputNrs);
      assert.ok(outs.every((o) => o.gradFn === outs[0]!.gradFn));
      const last = outs[outs.length - 1]!;
      last.mul(torch.arange(1, last.numel() + 1, 1, { dtype: "float64" }).reshape(last.shape)).sum().backward();
      assertClose(values(a.grad!), want.grad, `${name} grad`);
    });
  }

  test("split/unbind gradients pass float64 gradcheck, double backward included", () => {
    const a = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
    assert.ok(torch.autograd.gradcheck((x: Tensor) => x.split([1, 3], 1)[1]!.mul(x.unbind(0)[2]!.narrow(0, 0, 3)).sum().mul(x.chunk(2, 1)[0]!.sum()), [a]));
    const g = torch.autograd.grad(a.unbind(1)[2]!.pow(3).sum(), [a], { createGraph: true })[0]!;
    g.sum().backward();
    const want = a.detach().narrow(1, 2, 1).mul(6);
    assertClose(values(a.grad!.narrow(1, 2, 1)), values(want), "unbind double backward");
  });
});

describe("activations: PyTorch's nodes, and in place what PyTorch saves", () => {
  interface Case { name: string; output: Encoded[]; grad: Encoded[]; versionError: string | null }
  const fx = load<{ input: Encoded[]; weight: Encoded[]; cases: Record<string, Case>; negativeInplace: Record<string, string> }>("activations.json");
  const X = () => torch.tensor(fx.input.map(decode), { dtype: "float64" });
  const W = torch.tensor(fx.weight.map(decode), { dtype: "float64" });
  const fns: Record<string, (x: Tensor) => Tensor> = {
    leakyRelu: (x) => F.leakyRelu(x, 0.1),
    leakyRelu_: (x) => F.leakyRelu_(x, 0.1),
    elu: (x) => F.elu(x, 1.3),
    elu_: (x) => F.elu_(x, 1.3),
    celu: (x) => F.celu(x, 0.7),
    celu_: (x) => F.celu_(x, 0.7),
    selu: (x) => F.selu(x),
    selu_: (x) => F.selu_(x),
    hardtanh: (x) => F.hardtanh(x, -1, 1),
    hardtanh_: (x) => F.hardtanh_(x, -1, 1),
    relu6: (x) => F.relu6(x),
    relu6_: (x) => F.relu6(x, { inplace: true }),
    threshold: (x) => F.threshold(x, 0.5, -1),
    threshold_: (x) => F.threshold_(x, 0.5, -1),
    // composed here, one node in PyTorch: recorded as that node, whose backward recomputes the composed gradient
    gelu: (x) => F.gelu(x),
    geluTanh: (x) => F.gelu(x, { approximate: "tanh" }),
    silu: (x) => F.silu(x),
    silu_: (x) => F.silu(x, { inplace: true }),
    mish: (x) => F.mish(x),
    mish_: (x) => F.mish(x, { inplace: true }),
    softplus: (x) => F.softplus(x, { beta: 2, threshold: 5 }),
    hardswish: (x) => F.hardswish(x),
    hardswish_: (x) => F.hardswish(x, { inplace: true }),
    hardsigmoid: (x) => F.hardsigmoid(x),
    hardsigmoid_: (x) => F.hardsigmoid(x, { inplace: true }),
    logsigmoid: (x) => F.logsigmoid(x),
    softshrink: (x) => F.softshrink(x, 0.5),
    hardshrink: (x) => F.hardshrink(x, 0.5),
  };
  for (const [name, f] of Object.entries(fns)) {
    const want = fx.cases[name]!;
    const inplace = name.endsWith("_");
    test(`${name}: ${want.name}, values and gradient as PyTorch's`, () => {
      const x = X().requiresGrad_();
      const y = f(inplace ? x.clone() : x);
      assert.equal(y.gradFn!.name, want.name);
      assertClose(values(y), want.output, `${name} output`);
      y.mul(W).sum().backward();
      assertClose(values(x.grad!), want.grad, `${name} grad`);
      // without grad: the same values, nothing recorded
      const z = f(X());
      assert.equal(z.gradFn, null);
      assertClose(values(z), want.output, `${name} output without grad`);
    });
    test(`${name}: changing the result in place afterwards ${want.versionError === null ? "is fine" : "raises the version error at " + want.name}`, () => {
      const y = f(X().requiresGrad_().clone());
      y.mul_(2);
      if (want.versionError === null) {
        y.sum().backward();
        return;
      }
      // PyTorch's text up to the version numbers (the tensor type reads torch.DoubleTensor there too)
      const prefix = want.versionError.slice(0, want.versionError.indexOf(" is at version"));
      assert.throws(() => y.sum().backward(), (e: Error) => e.message.startsWith(prefix) || assert.fail(`got: ${e.message}\nwant: ${prefix}`));
    });
  }

  test("first and second derivatives pass float64 gradcheck (the second through createGraph) away from the kinks", () => {
    const x = torch.tensor([-2.5, -0.7, -0.2, 0.3, 0.6, 2], { dtype: "float64", requiresGrad: true });
    for (const [name, f] of Object.entries(fns)) {
      const g = name.endsWith("_") ? (t: Tensor) => f(t.clone()) : f;
      assert.ok(torch.autograd.gradcheck(g, [x]), `${name} gradcheck`);
      // (piecewise linear ones have a second derivative of 0: their gradient does not depend on x)
      if (!/^([cs]?elu|gelu|geluTanh|silu|mish|softplus|logsigmoid|hardswish)_?$/.test(name)) continue;
      const w = torch.tensor([0.5, -1, 2, 1.5, -0.5, 3], { dtype: "float64" });
      // (gradcheck evaluates f without grad for its finite differences: the inner grad needs grad mode on)
      const first = (t: Tensor) => torch.enableGrad(() => torch.autograd.grad(g(t).mul(w).sum(), [t], { createGraph: true })[0]!);
      assert.ok(torch.autograd.gradcheck(first, [x]), `${name} second derivative`);
    }
  });

  test("in place with a negative slope: the backward raises PyTorch's error", () => {
    const x = X().requiresGrad_();
    const y = F.leakyRelu_(x.clone(), -0.1);
    assert.equal(y.gradFn!.name, "LeakyReluBackward1");
    throwsExactly(() => y.sum().backward(), fx.negativeInplace.leakyRelu_!, "leaky_relu_ negative slope");
    throwsExactly(() => F.elu_(x.clone(), -0.5).sum().backward(), fx.negativeInplace.elu_!, "elu_ negative alpha");
  });

  test("nn.functional's inplace option records the in-place nodes too", () => {
    const x = X().requiresGrad_().clone();
    assert.equal(F.leakyRelu(x, 0.2, { inplace: true }), x);
    assert.equal(x.gradFn!.name, "LeakyReluBackward1");
    const y = X().requiresGrad_().clone();
    F.elu(y, 1, { inplace: true });
    assert.equal(y.gradFn!.name, "EluBackward1");
  });
});

describe("linalg.slogdet: sign is an output of the same node, as in PyTorch", () => {
  const fx = load<{ input: Encoded[]; sign: Encoded[]; logabsdet: Encoded[]; signRequiresGrad: boolean; signNode: string; sameNode: boolean; signOutputNr: number; logabsdetOutputNr: number; grad: Encoded[]; signOnlyGrad: boolean }>("slogdet.json");
  test("sign requires grad, shares LinalgSlogdetBackward0 with logabsdet, and passes no gradient", () => {
    const B = torch.tensor(fx.input.map(decode), { dtype: "float64" }).reshape([3, 2, 2]).requiresGrad_();
    const { sign, logabsdet } = torch.linalg.slogdet(B);
    assert.equal(sign.requiresGrad, fx.signRequiresGrad);
    assert.equal(sign.gradFn!.name, fx.signNode);
    assert.equal(sign.gradFn === logabsdet.gradFn, fx.sameNode);
    assert.deepEqual([sign.outputNr, logabsdet.outputNr], [fx.signOutputNr, fx.logabsdetOutputNr]);
    assertClose(values(sign), fx.sign, "sign");
    assertClose(values(logabsdet), fx.logabsdet, "logabsdet");
    sign.mul(logabsdet).mul(torch.tensor([1, 2, 3], { dtype: "float64" })).sum().backward();
    assertClose(values(B.grad!), fx.grad, "grad");
    const B2 = B.detach().requiresGrad_();
    const [g] = torch.autograd.grad(torch.linalg.slogdet(B2).sign.sum(), [B2], { allowUnused: true });
    assert.equal(g === null || g === undefined, fx.signOnlyGrad);
  });
});

describe("tril_ / triu_ on expanded tensors (PyTorch writes only the zeros)", () => {
  interface Tri { shape: number[]; expand: number[]; op: "tril_" | "triu_"; diagonal: number; view: Encoded[]; base: Encoded[] }
  const fx = load<{ cases: Tri[]; mulExpandedError: string }>("triangle.json");
  for (const c of fx.cases) {
    test(`${c.op}(${c.diagonal}) of [${c.shape.join(", ")}] expanded to [${c.expand.join(", ")}]`, () => {
      const n = c.shape.reduce((x, y) => x * y, 1);
      const base = torch.arange(1, n + 1, 1).reshape(c.shape);
      const e = base.expand(c.expand);
      const v0 = base.version;
      assert.equal(c.op === "tril_" ? e.tril_(c.diagonal) : e.triu_(c.diagonal), e);
      assertClose(values(e), c.view, "view");
      assertClose(values(base), c.base, "base");
      assert.equal(base.version, v0 + 1);
    });
  }
  test("other in-place ops on an expanded tensor still raise PyTorch's error", () => {
    throwsExactly(() => torch.ones([3]).expand([3, 3]).mul_(2), fx.mulExpandedError, "mul_");
  });
});
