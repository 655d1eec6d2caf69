/**
 * The static types of torch.func's results. `npm test` compiles this file
 * first: an `Equal` that does not hold, or a `@ts-expect-error` line that is
 * not an error, fails the build. The runtime asserts check that the values
 * have the structure the types promise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const F = torch.func;

/** True when X and Y are the same type (not merely assignable). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
/** Compiles only when its type argument is `true`. */
function typeHolds<T extends true>(): T | undefined {
  return undefined;
}

const x = torch.tensor([1, 2], { dtype: "float64" });
const y = torch.tensor([3, 4], { dtype: "float64" });
const loss = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();

test("grad: a Tensor for one tensor argument, an array for argnums arrays, the pytree's type for a pytree argument", () => {
  const g = F.grad(loss)(x, y);
  typeHolds<Equal<typeof g, Tensor>>();
  assert.deepEqual(g.tolist(), [3, 4]);

  const both = F.grad(loss, { argnums: [0, 1] })(x, y);
  typeHolds<Equal<typeof both, [Tensor, Tensor]>>();
  assert.deepEqual([both[0].tolist(), both[1].tolist()], [[3, 4], [1, 2]]);

  const second = F.grad(loss, { argnums: 1 })(x, y);
  typeHolds<Equal<typeof second, Tensor>>();
  assert.deepEqual(second.tolist(), [1, 2]);

  const tree = F.grad((p: { w: Tensor; b: Tensor }, v: Tensor) => p.w.mul(v).add(p.b).sum())({ w: x, b: y }, y);
  typeHolds<Equal<typeof tree, { w: Tensor; b: Tensor }>>();
  assert.deepEqual([tree.w.tolist(), tree.b.tolist()], [[3, 4], [1, 1]]);

  // @ts-expect-error: a gradient is not a number
  const wrong: number = F.grad(loss)(x, y);
  assert.ok((wrong as unknown) instanceof torch.Tensor);
});

test("grad with hasAux: [gradient, aux] with aux's own type; gradAndValue: [gradient, value]", () => {
  const [g, aux] = F.grad((a: Tensor) => [a.pow(2).sum(), { note: "seen", n: a.numel() }] as const, { hasAux: true })(x);
  typeHolds<Equal<typeof g, Tensor>>();
  assert.equal(aux.note, "seen");
  assert.equal(aux.n, 2);
  assert.deepEqual(g.tolist(), [2, 4]);

  const [g2, value] = F.gradAndValue(loss)(x, y);
  typeHolds<Equal<typeof g2, Tensor>>();
  typeHolds<Equal<typeof value, Tensor>>();
  assert.equal(value.item(), 11);
  assert.deepEqual(g2.tolist(), [3, 4]);
});

test("vjp, jvp and linearize: outputs typed as fn's, per-primal results typed as the primals", () => {
  const [out, vjpFn] = F.vjp((a: Tensor, b: Tensor) => a.mul(b), x, y);
  typeHolds<Equal<typeof out, Tensor>>();
  assert.deepEqual(out.tolist(), [3, 8]);
  const [ga, gb] = vjpFn(torch.ones([2], { dtype: "float64" }));
  typeHolds<Equal<typeof ga, Tensor>>();
  assert.deepEqual([ga.tolist(), gb.tolist()], [[3, 4], [1, 2]]);
  // @ts-expect-error: vjp's function takes the output's structure (one tensor), not an array
  assert.throws(() => vjpFn([x, y]), /Expected pytree structure of cotangents/);

  const [o, t] = F.jvp((a: Tensor) => a.sin(), [x], [y]);
  typeHolds<Equal<typeof o, Tensor>>();
  typeHolds<Equal<typeof t, Tensor>>();
  assert.ok(Math.abs((o.tolist() as number[])[1]! - Math.sin(2)) < 1e-12);
  assert.ok(Math.abs((t.tolist() as number[])[0]! - 3 * Math.cos(1)) < 1e-12);

  const [lo, jvpFn] = F.linearize((a: Tensor) => a.pow(2), x);
  typeHolds<Equal<typeof lo, Tensor>>();
  assert.deepEqual(lo.tolist(), [1, 4]);
  const lt = jvpFn(y);
  typeHolds<Equal<typeof lt, Tensor>>();
  assert.deepEqual(lt.tolist(), [6, 16]);
});

test("jacrev, jacfwd and hessian: a Tensor for tensor in and out, nested as output x inputs otherwise", () => {
  const J = F.jacrev((a: Tensor) => a.pow(2))(x);
  typeHolds<Equal<typeof J, Tensor>>();
  assert.deepEqual(J.tolist(), [[2, 0], [0, 4]]);

  const Jpair = F.jacfwd((a: Tensor, b: Tensor) => [a.mul(b), a.sum()] as const, [0, 1])(x, y);
  typeHolds<Equal<typeof Jpair, [[Tensor, Tensor], [Tensor, Tensor]]>>();
  assert.deepEqual(Jpair[1][0].tolist(), [1, 1]);
  assert.deepEqual(Jpair[0][1].tolist(), [[1, 0], [0, 2]]);

  const H = F.hessian((a: Tensor) => a.pow(3).sum())(x);
  typeHolds<Equal<typeof H, Tensor>>();
  assert.deepEqual(H.tolist(), [[6, 0], [0, 12]]);
});

test("vmap keeps fn's argument and result types", () => {
  const batched = F.vmap((a: Tensor, b: Tensor) => a.mul(b).sum());
  const r = batched(torch.ones([3, 2]), torch.ones([3, 2]));
  typeHolds<Equal<typeof r, Tensor>>();
  assert.deepEqual(r.tolist(), [2, 2, 2]);
  // @ts-expect-error: the mapped function takes fn's arguments
  assert.throws(() => batched(torch.ones([3, 2])));
});
