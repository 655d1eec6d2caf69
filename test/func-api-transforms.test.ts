/**
 * torch.func's differentiating transforms against PyTorch (fixtures:
 * scripts/gen_func_api_fixtures.py, functorch 1.13 = torch.func of 2.x):
 * grad (argnums, pytrees, hasAux, nesting, the outer graph, no-grad cases),
 * gradAndValue, vjp, jvp, linearize (2.x only: checked against jvp's
 * fixture), jacrev, jacfwd, hessian, and PyTorch's error messages.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertTree, cases, dec } from "./func-api-fixtures.js";

const F = torch.func;

describe("grad", () => {
  test("grad of a sum: sin(x)·x", () => {
    const c = cases.grad_sin_x;
    assertTree(F.grad((x: Tensor) => x.sin().mul(x).sum())(dec(c.x)), c.grad, "grad");
  });

  test("argnums: a number, a negative number, an array (gives an array)", () => {
    const c = cases.grad_argnums;
    const f = (x: Tensor, y: Tensor) => x.pow(2).mul(y).sum().add(y.sin().sum());
    const [x, y] = [dec(c.x), dec(c.y)];
    assertTree(F.grad(f, { argnums: [0, 1] })(x, y), c.g01, "argnums (0, 1)");
    assertTree(F.grad(f, { argnums: 1 })(x, y), c.g1, "argnums 1");
    assertTree(F.grad(f, { argnums: -1 })(x, y), c.gneg, "argnums -1");
  });

  test("a dict of parameters gives a dict of gradients", () => {
    const c = cases.grad_dict;
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => x.matmul(p.w).add(p.b).tanh().sum();
    const g = F.grad(f)({ w: dec(c.w), b: dec(c.b) }, dec(c.x));
    assertTree(g, { __dict__: { w: c.gw, b: c.gb } }, "grad dict");
  });

  test("hasAux and gradAndValue", () => {
    const c = cases.grad_aux_value;
    const x = dec(c.x);
    const [g, aux] = F.grad((x: Tensor) => [x.pow(2).sum(), x.cos()], { hasAux: true })(x);
    assertTree(g, c.g_aux, "grad");
    assertTree(aux, c.aux, "aux");
    const [gv, v] = F.gradAndValue((x: Tensor) => x.exp().sum())(x);
    assertTree(gv, c.gv_g, "gradAndValue grad");
    assertTree(v, c.gv_v, "gradAndValue value");
    const [g2, [v2, aux2]] = F.gradAndValue((x: Tensor) => [x.exp().sum(), x.cos()], { hasAux: true })(x);
    assertTree(g2, c.gv_g, "grad");
    assertTree(v2, c.gv_v, "value");
    assertTree(aux2, c.aux, "aux");
  });

  test("grad of grad of grad", () => {
    const c = cases.grad_of_grad;
    const f = (x: Tensor) => x.sin().mul(x.pow(2));
    const x = dec(c.x);
    assertTree(F.grad(f)(x), c.d1, "d1");
    assertTree(F.grad(F.grad(f))(x), c.d2, "d2");
    assertTree(F.grad(F.grad(F.grad(f)))(x), c.d3, "d3");
  });

  test("the result joins the outer graph when the input (or a captured tensor) requires grad, as in PyTorch", () => {
    const c = cases.grad_outer_graph;
    const x = dec(c.x).requiresGrad_(true);
    const g = F.grad((x: Tensor) => x.pow(3).mul(x.sin()).sum())(x);
    assert.equal(g.requiresGrad, true);
    assertTree(g, c.g, "g");
    g.sum().backward();
    assertTree(x.grad, c.x_grad, "x.grad through grad(f)(x)");
    const w = dec(c.w).requiresGrad_(true);
    const gw = F.grad((x: Tensor) => x.pow(2).mul(w).sum())(dec(c.x));
    assert.equal(gw.requiresGrad, true);
    gw.pow(2).sum().backward();
    assertTree(w.grad, c.w_grad, "w.grad through a captured tensor");
  });

  test("results don't require grad when nothing outside does (a functional transform)", () => {
    const x = torch.tensor([1, 2], { dtype: "float64" });
    const [g, v] = F.gradAndValue((x: Tensor) => x.pow(2).sum())(x);
    assert.equal(g.requiresGrad, false);
    assert.equal(v.requiresGrad, false);
    assert.equal(x.requiresGrad, false);
    assert.equal(F.grad(F.grad((x: Tensor) => x.pow(3)))(torch.tensor(2)).requiresGrad, false);
  });

  test("noGrad inside fn is respected (case 1); grad works inside noGrad without an outer graph (case 2)", () => {
    const c = cases.grad_no_grad;
    const x = dec(c.x);
    const f1 = (x: Tensor) => {
      const cst = torch.noGrad(() => x.pow(2));
      return x.sub(cst).sum();
    };
    assertTree(F.grad(f1)(x), c.case1, "case 1");
    const xr = x.clone().requiresGrad_(true);
    const g = torch.noGrad(() => F.grad((x: Tensor) => x.pow(2).sum())(xr));
    assert.equal(g.requiresGrad, false);
    assertTree(g, c.case2, "case 2");
    assert.equal(torch.isGradEnabled(), true);
  });

  test("the caller's graph that fn closes over stays usable afterwards (inside noGrad too)", () => {
    const w = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const h = w.mul(w);
    const x = torch.tensor([3, 4], { dtype: "float64" });
    const g = torch.noGrad(() => F.grad((x: Tensor) => x.mul(h).sum())(x));
    assert.deepEqual(g.tolist(), [1, 4]);
    assert.equal(g.requiresGrad, false);
    F.grad((x: Tensor) => x.mul(h).sum())(x);
    h.sum().backward();
    assert.deepEqual(w.grad!.tolist(), [2, 4]);
  });

  test("an input fn does not use gets a zero gradient", () => {
    const g = F.grad((x: Tensor, _y: Tensor) => x.sum(), { argnums: [0, 1] })(torch.ones([2]), torch.ones([3]));
    assert.deepEqual(g[1].tolist(), [0, 0, 0]);
  });

  test("PyTorch's errors", () => {
    const x = torch.ones([3]);
    assert.throws(() => F.grad((x: Tensor) => x.pow(2))(x), {
      message: "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?",
    });
    assert.throws(() => F.grad((_x: Tensor) => 3)(x), { message: "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got <class 'int'>" });
    assert.throws(() => F.grad((x: Tensor) => x.sum(), { hasAux: true })(x), {
      message: "grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True",
    });
    assert.throws(() => F.grad((k: number) => torch.tensor(k))(3), { message: "Thing passed to transform API must be Tensor, got <class 'int'>" });
    assert.throws(() => F.grad((x: Tensor) => x.sum(), { argnums: 2 })(x), { message: "Got argnum=2, but only 1 positional inputs" });
    assert.throws(() => F.grad((x: Tensor) => x.sum(), { argnums: [] })(x), { message: "argnums must be non-empty" });
    assert.throws(() => F.grad((x: Tensor, _y: Tensor) => x.sum(), { argnums: [0, 0] })(x, x), { message: "argnums elements must be unique, got (0, 0)" });
  });
});

describe("vjp, jvp, linearize", () => {
  test("vjp: output and vjpFn (one result per primal), callable twice", () => {
    const c = cases.vjp;
    const [out, vjpFn] = F.vjp((x: Tensor, y: Tensor) => [x.mul(y), x.sin().sum()], dec(c.x), dec(c.y));
    assertTree(out, c.out, "out");
    assertTree(vjpFn(dec(c.ct)), c.vjp, "vjp");
    assertTree(vjpFn(dec(c.ct)), c.vjp, "vjp again");
    assert.throws(() => vjpFn(torch.ones([3]) as never), /^Error: Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: \*, primal output: \(\*, \*\)/);
  });

  test("vjp with hasAux; integer outputs are refused", () => {
    const x = torch.tensor([1, 2], { dtype: "float64" });
    const [out, vjpFn, aux] = F.vjp((x: Tensor) => [x.pow(2), x.add(1)], x, { hasAux: true });
    assert.deepEqual(out.tolist(), [1, 4]);
    assert.deepEqual(aux.tolist(), [2, 3]);
    assert.deepEqual(vjpFn(torch.ones([2]))[0].tolist(), [2, 4]);
    assert.throws(() => F.vjp((x: Tensor) => x.argmax(), x), { message: "vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype torch.int32" });
  });

  test("jvp: output and J·t (double-backward trick, PyTorch's values)", () => {
    const c = cases.jvp;
    const [out, t] = F.jvp((x: Tensor, y: Tensor) => x.mul(y).add(y.exp()), [dec(c.x), dec(c.y)], [dec(c.tx), dec(c.ty)]);
    assertTree(out, c.out, "out");
    assertTree(t, c.tangent, "tangent");
    assert.equal(t.requiresGrad, false);
  });

  test("jvp's errors", () => {
    const x = torch.ones([3]);
    assert.throws(() => F.jvp((x: Tensor) => x, x as any, [x]), { message: "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call f(*primals)." });
    assert.throws(() => F.jvp((x: Tensor) => x, [x], [x, x] as never), /^Error: jvp\(f, primals, tangents\): Expected primals and tangents to have the same python structure/);
    assert.throws(() => F.jvp((x: Tensor) => x, [x], [torch.ones([2])]), /^Error: Trying to set a forward gradient that has a different size than that of the original Tensor/);
  });

  test("linearize (2.x): the same J·t as jvp, reusable", () => {
    const c = cases.linearize;
    const [out, jvpFn] = F.linearize((x: Tensor) => x.sin().mul(x.pow(2)), dec(c.x));
    assertTree(out, c.out, "out");
    assertTree(jvpFn(dec(c.t)), c.tangent, "tangent");
    assertTree(jvpFn(dec(c.t)), c.tangent, "tangent again");
  });
});

describe("jacrev, jacfwd, hessian", () => {
  test("jacobians match PyTorch's values and nesting", () => {
    const c = cases.jac;
    const x = dec(c.x), A = dec(c.A), v = dec(c.v);
    const f1 = (x: Tensor) => x.sin().mul(x.sum());
    assertTree(F.jacrev(f1)(x), c.rev1, "jacrev");
    assertTree(F.jacfwd(f1)(x), c.fwd1, "jacfwd");
    const mm = (a: Tensor, b: Tensor) => a.matmul(b);
    assertTree(F.jacrev(mm, [0, 1])(A, v), c.rev_mm01, "jacrev argnums (0, 1)");
    assertTree(F.jacfwd(mm, 1)(A, v), c.fwd_mm1, "jacfwd argnums 1");
    assertTree(F.jacrev((x: Tensor) => [x.pow(2), x.sum().exp()])(x), c.rev_multi, "two outputs");
    assertTree(F.jacrev((p: { a: Tensor; b: Tensor }) => p.a.mul(p.b.sum()))({ a: x, b: dec(cases.grad_argnums.y) }), c.rev_dict, "dict input");
  });

  test("hessian, of one argument and of two (nested)", () => {
    const c = cases.hessian;
    assertTree(F.hessian((x: Tensor) => x.pow(3).mul(x.sum()).sum())(dec(c.x)), c.h, "hessian");
    assertTree(F.hessian((x: Tensor, y: Tensor) => x.sin().mul(y.pow(2)).sum(), [0, 1])(dec(c.x), dec(c.y)), c.h01, "hessian argnums (0, 1)", 1e-9);
  });

  test("jacrev with hasAux; the Jacobian is float64 gradcheck-consistent", () => {
    const x = torch.tensor([0.5, -1], { dtype: "float64" });
    const [J, aux] = F.jacrev((x: Tensor) => [x.exp(), x.sum()], 0, { hasAux: true })(x);
    assert.deepEqual(aux.item(), -0.5);
    assert.deepEqual(J.tolist(), [[Math.exp(0.5), 0], [0, Math.exp(-1)]]);
    // the Jacobian itself is differentiable where the input requires grad
    const xr = x.clone().requiresGrad_(true);
    assert.ok(torch.autograd.gradcheck((x) => F.jacrev((y: Tensor) => y.sin().mul(y.sum()))(x), [xr]));
  });
});
