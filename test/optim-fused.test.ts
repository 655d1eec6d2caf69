/**
 * The fused optimizer steps (native/optim, used for contiguous float
 * parameters) against the tensor-op path (taken for a non-contiguous
 * parameter of the same values), in both dtypes, below and above the size at
 * which the C kernel runs; PyTorch's trajectories on the reference backend;
 * version counters.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, type OptimizerFixture, readFixture, values } from "./nn-helpers.js";

const { optim } = torch;
type Opt = torch.optim.Optimizer<any>;
type Make = (params: torch.Tensor[]) => Opt;

const makers: [string, Make][] = [
  ["SGD", (p) => new optim.SGD(p, { lr: 0.1 })],
  ["SGD momentum dampening weightDecay", (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.1 })],
  ["SGD nesterov maximize", (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true })],
  ["Adam", (p) => new optim.Adam(p, { lr: 0.05 })],
  ["Adam weightDecay amsgrad", (p) => new optim.Adam(p, { lr: 0.05, betas: [0.8, 0.9], weightDecay: 0.1, amsgrad: true })],
  ["Adam maximize", (p) => new optim.Adam(p, { lr: 0.01, maximize: true })],
  ["AdamW amsgrad", (p) => new optim.AdamW(p, { lr: 0.1, weightDecay: 0.5, amsgrad: true })],
];

/** A loss with a different gradient each step: sum(w * t) + 0.5 * sum(w^2)^... kept smooth and bounded. */
function loss(p: torch.Tensor, target: torch.Tensor): torch.Tensor {
  return p.sub(target).pow(2).sum().add(p.sin().sum());
}

for (const dtype of ["float32", "float64"] as const) {
  for (const [rows, cols] of [[3, 5], [64, 40]] as const) {
    for (const [name, make] of makers) {
      test(`${name} fused step equals the tensor-op step (${dtype}, ${rows * cols} elements)`, () => {
        torch.manualSeed(11);
        const init = torch.randn([rows, cols], { dtype });
        const target = torch.randn([rows, cols], { dtype });
        const fused = init.clone().requiresGrad_();
        // the same values through a transposed (non-contiguous) leaf: the tensor-op path
        const plain = init.t().contiguous().t().requiresGrad_();
        assert.ok(fused.isContiguous() && !plain.isContiguous());
        const a = make([fused]), b = make([plain]);
        for (let step = 0; step < 4; step++) {
          for (const [opt, p] of [[a, fused], [b, plain]] as const) {
            opt.zeroGrad();
            loss(p, target).backward();
            const before = p.version;
            opt.step();
            assert.ok(p.version > before, "the step bumps the version counter");
          }
          const tol = dtype === "float32" ? 1e-5 : 1e-12;
          assertClose(values(fused), values(plain), `${name} step ${step + 1}`, tol, tol);
        }
        // the state has the same entries and values either way
        const sa = a.state.get(fused)!, sb = b.state.get(plain)!;
        assert.deepEqual(Object.keys(sa).sort(), Object.keys(sb).sort());
        for (const k of Object.keys(sa)) {
          const x = sa[k]!, y = sb[k]!;
          if (typeof x === "number") assert.equal(x, y);
          else assertClose(values(x as torch.Tensor), values(y as torch.Tensor), `state ${k}`, 1e-4, 1e-6);
        }
      });
    }
  }
}

test("a fused step bumps the version of a saved parameter, so backward through it throws", () => {
  const w = torch.randn([4], { requiresGrad: true });
  const opt = new optim.Adam([w], { lr: 0.1 });
  w.mul(w).sum().backward();
  const y = w.mul(w).sum(); // saves w
  opt.step();
  assert.throws(() => y.backward(), /modified by an inplace operation/);
});

test("the fused steps follow PyTorch's trajectories on the reference backend too", () => {
  const fx = readFixture<OptimizerFixture>("optimizers.json");
  const previous = torch.getBackend();
  torch.setBackend("reference");
  try {
    const A = torch.tensor(fx.a).reshape([3, 2]);
    let checked = 0;
    for (const c of fx.cases.filter((k) => k.optimizer !== "RMSprop" && !k.groups)) {
      const p = torch.tensor(fx.p0).reshape([3, 2]).requiresGrad_();
      const q = torch.tensor(fx.q0).requiresGrad_();
      const Cls = optim[c.optimizer] as new (params: torch.Tensor[], options: unknown) => Opt;
      const opt = new Cls([p, q], c.options);
      c.trajectory.forEach((want, step) => {
        opt.zeroGrad();
        A.mul(p.sub(0.5).pow(2)).sum().add(p.pow(4).sum().mul(0.1)).add(q.sub(1).pow(2).sum())
          .add(p.sum(0).mul(q).sum().mul(0.3)).backward();
        opt.step();
        assertClose(values(p), want.p, `${c.optimizer} p step ${step + 1}`, 1e-4, 1e-5);
        assertClose(values(q), want.q, `${c.optimizer} q step ${step + 1}`, 1e-4, 1e-5);
      });
      checked++;
    }
    assert.ok(checked >= 8);
  } finally {
    torch.setBackend(previous);
  }
});
