/**
 * A metric-learning program against PyTorch (fixtures: scripts/gen_training_programs.py ->
 * test/fixtures/programs/metric{,_f64}.json): a ReLU nn.RNN encoder with an
 * InstanceNorm1d that tracks running statistics (used in eval), trained on
 * TripletMarginLoss (with swap) plus CosineEmbeddingLoss by ASGD (whose averaged
 * iterates `ax` are compared too) under a ChainedScheduler (ConstantLR, then
 * ExponentialLR). In float32 and, cast from the same weights and data, in float64 (to 1e-8).
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)).
 */
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values } from "./nn-helpers.js";
import {
  castTo, checkGrads, checkSeries, checkState, checkTensor, fromJson, inPrecision, loadInit, PRECISIONS, readProgram, readResults, type StateJson, type TensorJson, tolFor,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;

class MetricEncoder extends nn.Module {
  rnn = new nn.RNN(4, 8, { nonlinearity: "relu", batchFirst: true });
  inorm = new nn.InstanceNorm1d(8, { affine: true, trackRunningStats: true });
  fc = new nn.Linear(8, 6);

  override forward(x: Tensor): Tensor {
    const [y] = this.rnn.forward(x);
    const normed = this.inorm.forward(y.transpose(1, 2)).transpose(1, 2);
    return this.fc.forward(normed.select(1, -1));
  }
}

interface MetricFixture {
  init: StateJson;
  anchor: TensorJson;
  positive: TensorJson;
  negative: TensorJson;
  same: TensorJson;
  losses: number[];
  lrs: number[];
  final: StateJson;
  grads: StateJson;
  evalEmbeddings: TensorJson;
  averaged: StateJson;
}

for (const dtype of PRECISIONS) {
  test(`metric learning: ReLU RNN + InstanceNorm1d running stats, triplet (swap) + cosine embedding losses, ASGD with a ChainedScheduler, as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<MetricFixture>("metric"), fx = readResults<MetricFixture>("metric", dtype), tol = tolFor(dtype);
    const model = loadInit(new MetricEncoder(), inputs.init, dtype);
    const [anchor, positive, negative, same] = [inputs.anchor, inputs.positive, inputs.negative, inputs.same].map((t) => castTo(fromJson(t), dtype));
    const losses: number[] = [], lrs: number[] = [];
    const opt = inPrecision(dtype, () => {
      const triplet = new nn.TripletMarginLoss({ margin: 0.5, swap: true });
      const cosine = new nn.CosineEmbeddingLoss({ margin: 0.2 });
      const o = new optim.ASGD(model.parameters(), { lr: 0.05, lambd: 1e-3, t0: 3 });
      const sched = new optim.lrScheduler.ChainedScheduler([
        new optim.lrScheduler.ConstantLR(o, { factor: 0.5, totalIters: 2 }), new optim.lrScheduler.ExponentialLR(o, 0.95),
      ]);
      for (let step = 0; step < fx.losses.length; step++) {
        const b = step % 2, s = same!.select(0, b);
        const a = model.forward(anchor!.select(0, b)), p = model.forward(positive!.select(0, b)), n = model.forward(negative!.select(0, b));
        const loss = triplet.forward(a, p, n).add(cosine.forward(a, torch.where(s.unsqueeze(1).gt(0), p, n), s).mul(0.5));
        o.zeroGrad();
        loss.backward();
        lrs.push(o.paramGroups[0]!.lr);
        o.step();
        sched.step();
        losses.push(loss.item());
      }
      return o;
    });
    checkSeries(lrs, fx.lrs, "lr", tol);
    checkSeries(losses, fx.losses, "loss", tol);
    // InstanceNorm1d's running mean and variance (and num_batches_tracked) too
    checkState(model, fx.final, "final state", tol);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    for (const [k, p] of model.namedParameters()) {
      assertClose(values(opt.state.get(p)!.ax as Tensor), fx.averaged[k]!.data, `ASGD's average of ${k}`, tol.rtol, tol.atol);
    }
    model.eval();
    checkTensor(torch.noGrad(() => model.forward(anchor!.select(0, 0))), fx.evalEmbeddings, "eval embeddings (running statistics)", tol);
  });
}
