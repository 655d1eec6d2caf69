/**
 * F.linear's fused addmm path and nll_loss's one-op [N, C] path against their
 * composed forms (matmul + add; logSoftmax + gather + masked mean) on both
 * backends: values, gradients of every input, second order, and the edge
 * cases (ignored targets, class weights, 'none', leading dims, broadcast bias).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values } from "./nn-helpers.js";

const F = torch.nn.functional;

function grads(ts: Tensor[]): number[][] {
  return ts.map((t) => (t.grad === null ? [] : values(t.grad)));
}

/** Leaves with the same values as `ts`, freshly requiring grad. */
function leaves(ts: Tensor[]): Tensor[] {
  return ts.map((t) => t.detach().clone().requiresGrad_());
}

/** The composed nll: -sum(w_t * logp[i, t]) over counted rows, by masks and gather. */
function composedNll(logp: Tensor, target: Tensor, weight: Tensor | null, ignore: number, reduction: "mean" | "sum" | "none"): Tensor {
  const keep = target.ne(ignore);
  const safe = torch.where(keep, target, torch.zerosLike(target));
  const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1);
  let w = keep.to(logp.dtype);
  if (weight !== null) w = w.mul(weight.indexSelect(0, safe));
  const loss = picked.mul(w).neg();
  if (reduction === "none") return loss;
  if (reduction === "sum") return loss.sum();
  return loss.sum().div(w.sum());
}

for (const backend of BACKENDS) {
  test(`F.linear equals matmul + add with every gradient, leading dims and broadcast bias (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    torch.manualSeed(1);
    const shapes: [number[], number[], number[] | null][] = [
      [[5, 3], [4, 3], [4]], [[5, 3], [4, 3], null], [[2, 3, 6], [7, 6], [7]], [[4, 3], [2, 3], [1]], [[70, 40], [90, 40], [90]],
    ];
    for (const [xs, ws, bs] of shapes) {
      for (const dtype of ["float32", "float64"] as const) {
        const base = [torch.randn(xs, { dtype }), torch.randn(ws, { dtype }), ...(bs === null ? [] : [torch.randn(bs, { dtype })])];
        const [x1, w1, b1] = leaves(base), [x2, w2, b2] = leaves(base);
        const y1 = F.linear(x1!, w1!, b1 ?? null);
        let y2 = x2!.matmul(w2!.t());
        if (b2 !== undefined) y2 = y2.add(b2);
        assert.deepEqual(y1.shape, y2.shape);
        const tol = dtype === "float32" ? 1e-5 : 1e-12;
        assertClose(values(y1), values(y2), `linear ${xs.join("x")} ${ws.join("x")}`, tol, tol);
        const r = torch.randn(y1.shape, { dtype });
        y1.mul(r).sum().backward();
        y2.mul(r).sum().backward();
        const g1 = grads([x1!, w1!, ...(b1 ? [b1] : [])]), g2 = grads([x2!, w2!, ...(b2 ? [b2] : [])]);
        g1.forEach((g, i) => assertClose(g, g2[i]!, `linear grad ${i}`, tol * 10, tol * 10));
      }
    }
  });

  test(`F.linear passes gradcheck, second order included, and names PyTorch's node (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    const x = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
    const w = torch.randn([2, 4], { dtype: "float64", requiresGrad: true });
    const b = torch.randn([2], { dtype: "float64", requiresGrad: true });
    assert.equal(F.linear(x, w, b).gradFn?.name, "AddmmBackward0");
    assert.equal(F.linear(x, w).gradFn?.name, "MmBackward0");
    assert.ok(torch.autograd.gradcheck((a, k, c) => F.linear(a, k, c), [x, w, b]));
    assert.ok(torch.autograd.gradcheck((a, k, c) => {
      const y = F.linear(a, k, c).tanh().sum();
      const [gx, gw] = torch.autograd.grad(y, [a, k], { createGraph: true });
      return gx!.sum().add(gw!.pow(2).sum());
    }, [x, w, b]));
    // only the needed operands: a frozen input needs no weight saved, and vice versa
    const frozen = torch.randn([3, 4], { dtype: "float64" });
    F.linear(frozen, w, b).sum().backward();
    assert.equal(frozen.grad, null);
    assert.ok(w.grad !== null && b.grad !== null);
  });

  test(`nll_loss on [N, C] equals the composed form: reductions, weights, ignored targets (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    torch.manualSeed(2);
    for (const dtype of ["float32", "float64"] as const) {
      const logits = torch.randn([6, 5], { dtype });
      const target = torch.tensor([0, 4, 2, 2, -100, 3], { dtype: "int32" });
      const weight = torch.tensor([0.5, 1, 2, 0.25, 3], { dtype });
      for (const w of [null, weight]) {
        for (const reduction of ["mean", "sum", "none"] as const) {
          const [a] = leaves([logits]), [b] = leaves([logits]);
          const fast = F.nllLoss(F.logSoftmax(a!, 1), target, { weight: w, reduction });
          const slow = composedNll(F.logSoftmax(b!, 1), target, w, -100, reduction);
          assert.equal(fast.gradFn?.name, "NllLossBackward0");
          const tol = dtype === "float32" ? 2e-6 : 1e-12;
          assertClose(values(fast), values(slow), `nll ${reduction} ${w === null ? "" : "weighted"}`, tol, tol);
          const r = torch.randn(fast.shape, { dtype });
          fast.mul(r).sum().backward();
          slow.mul(r).sum().backward();
          assertClose(values(a!.grad!), values(b!.grad!), `nll grad ${reduction}`, tol * 10, tol * 10);
        }
      }
      // crossEntropy with an ignoreIndex that is a real class
      const ce = F.crossEntropy(logits, target.clamp(0, 4), { ignoreIndex: 2 });
      assertClose(values(ce), values(composedNll(F.logSoftmax(logits, 1), target.clamp(0, 4), null, 2, "mean")), "ce ignoreIndex 2", 1e-5, 1e-6);
    }
  });

  test(`nll_loss: all targets ignored gives NaN, out-of-range targets throw, second order is zero (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    const logp = F.logSoftmax(torch.randn([3, 4], { dtype: "float64", requiresGrad: true }), 1);
    assert.ok(Number.isNaN(F.nllLoss(logp, torch.tensor([-100, -100, -100], { dtype: "int32" })).item()));
    assert.throws(() => F.nllLoss(logp, torch.tensor([0, 4, 1], { dtype: "int32" })), /Target 4 is out of bounds\./);
    assert.throws(() => F.nllLoss(logp, torch.tensor([0, -1, 1], { dtype: "int32" })), /Target -1 is out of bounds\./);
    const x = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
    const t = torch.tensor([1, 0, 3], { dtype: "int32" });
    assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, t), [x]));
    assert.ok(torch.autograd.gradcheck((a) => {
      const [g] = torch.autograd.grad(F.crossEntropy(a, t), [a], { createGraph: true });
      return g!.pow(2).sum();
    }, [x]));
  });
}
