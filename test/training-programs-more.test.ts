/**
 * Whole programs against PyTorch, less common training set-ups (fixtures:
 * scripts/gen_training_programs.py -> test/fixtures/programs/{iris_lbfgs,autoencoder,ctc}.json):
 * full-batch L-BFGS with the strong Wolfe line search on the shipped iris with a
 * weight-normed layer; a convolutional autoencoder (strided convs,
 * ConvTranspose2d, bilinear Upsample) with RAdam and ExponentialLR; and a
 * bidirectional GRU trained with CTCLoss, Adagrad and MultiStepLR.
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)).
 * The autoencoder and the CTC model also run in float64 (cast from the same
 * weights and data) against PyTorch's float64 run, to 1e-8.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { values } from "./nn-helpers.js";
import {
  castTo, checkGrads, checkSeries, checkState, checkTensor, digits, fromJson, inPrecision, loadInit, PRECISIONS, readProgram, readResults, type StateJson, type TensorJson,
  tolFor,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;
const F = nn.functional;

// ------------------------------------------------------------ 11. iris, weight norm, L-BFGS
class IrisNet extends nn.Module {
  fc1 = nn.utils.weightNorm(new nn.Linear(4, 8));
  fc2 = new nn.Linear(8, 3);

  override forward(x: Tensor): Tensor {
    return this.fc2.forward(torch.tanh(this.fc1.forward(x)));
  }
}

interface IrisFixture {
  init: StateJson;
  losses: number[];
  funcEvals: number[];
  final: StateJson;
  grads: StateJson;
  accuracy: number;
}

test("iris: weight-normed MLP trained full-batch by L-BFGS with the strong Wolfe line search, as in PyTorch", () => {
  const fx = readProgram<IrisFixture>("iris_lbfgs");
  const { features, labels } = torch.datasets.loadIris();
  const X = features.sub(features.mean(0)).div(features.std(0));
  const model = loadInit(new IrisNet(), fx.init);
  const tol = tolFor("float32");
  const opt = new optim.LBFGS(model.parameters(), { lr: 1, maxIter: 5, historySize: 4, lineSearchFn: "strong_wolfe" });
  const closure = () => {
    opt.zeroGrad();
    const penalty = model.parameters().map((p) => p.pow(2).sum()).reduce((a, b) => a.add(b));
    const loss = F.crossEntropy(model.forward(X), labels).add(penalty.mul(1e-3));
    loss.backward();
    return loss;
  };
  const losses: number[] = [], evals: number[] = [];
  for (let i = 0; i < fx.losses.length; i++) {
    losses.push(opt.step(closure).item());
    evals.push(opt.state.get(model.parameters()[0]!)!.func_evals as number);
  }
  checkSeries(losses, fx.losses, "loss at the start of each step", tol);
  assert.deepEqual(evals, fx.funcEvals, "function evaluations (line-search trials included)");
  checkState(model, fx.final, "final state (weight_g, weight_v)", tol);
  const [g, v] = [fromJson(fx.final["fc1.weight_g"]!), fromJson(fx.final["fc1.weight_v"]!)];
  checkTensor(model.fc1.weight, { shape: [8, 4], data: values(v.mul(g).div(v.norm(2, 1, { keepdim: true }))) }, "the weight-normed weight", tol);
  checkGrads(model, fx.grads, "gradients of the last evaluation", tol);
  const acc = torch.noGrad(() => model.forward(X).argmax(1).eq(labels).float().mean().item());
  checkSeries([acc], [fx.accuracy], "training accuracy", tol);
});

// ------------------------------------------------------------ 12. convolutional autoencoder
class ConvAE extends nn.Module {
  enc = new nn.Sequential(new nn.Conv2d(1, 4, 3, { stride: 2, padding: 1 }), new nn.ELU(), new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1 }), new nn.ELU());
  dec = new nn.Sequential(
    new nn.ConvTranspose2d(8, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.ELU(),
    new nn.Upsample({ scaleFactor: 2, mode: "bilinear", alignCorners: false }), new nn.Conv2d(4, 1, 3, { padding: 1 }), new nn.Sigmoid(),
  );

  override forward(x: Tensor): Tensor {
    return this.dec.forward(this.enc.forward(x)) as Tensor;
  }
}

interface AutoencoderFixture {
  init: StateJson;
  batchSize: number;
  start: number;
  losses: number[];
  lrs: number[];
  final: StateJson;
  grads: StateJson;
  recon: TensorJson;
}

for (const dtype of PRECISIONS) test(`convolutional autoencoder (strided convs, ConvTranspose2d, bilinear Upsample): RAdam with ExponentialLR, as in PyTorch (${dtype})`, () => {
  const inputs = readProgram<AutoencoderFixture>("autoencoder"), fx = readResults<AutoencoderFixture>("autoencoder", dtype), tol = tolFor(dtype);
  const X = castTo(digits({ asImages: true }).x, dtype);
  const model = loadInit(new ConvAE(), inputs.init, dtype);
  inPrecision(dtype, () => {
    const opt = new optim.RAdam(model.parameters(), { lr: 1e-2 });
    const sched = new optim.lrScheduler.ExponentialLR(opt, 0.9);
    const B = fx.batchSize;
    const losses: number[] = [], lrs: number[] = [];
    for (let step = 0; step < fx.losses.length; step++) {
      const x = X.narrow(0, fx.start + step * B, B);
      const r = model.forward(x);
      const loss = F.smoothL1Loss(r, x, { beta: 0.1 }).add(F.l1Loss(r, x).mul(0.1));
      opt.zeroGrad();
      loss.backward();
      lrs.push(opt.paramGroups[0]!.lr);
      opt.step();
      sched.step();
      losses.push(loss.item());
    }
    checkSeries(lrs, fx.lrs, "lr", tol);
    checkSeries(losses, fx.losses, "loss", tol);
    checkState(model, fx.final, "final state", tol);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    checkTensor(torch.noGrad(() => model.forward(X.narrow(0, 0, 2))), fx.recon, "reconstructions", tol);
  });
});

// ------------------------------------------------------------ 13. CTC
class CtcNet extends nn.Module {
  gru = new nn.GRU(5, 8, { bidirectional: true });
  fc = new nn.Linear(16, 4);

  override forward(x: Tensor): Tensor {
    const [y] = this.gru.forward(x);
    return F.logSoftmax(this.fc.forward(y), 2);
  }
}

interface CtcFixture {
  init: StateJson;
  x: TensorJson;
  inputLengths: TensorJson;
  targetLengths: TensorJson;
  targets: TensorJson;
  losses: number[];
  final: StateJson;
  grads: StateJson;
  bestPath: TensorJson;
}

for (const dtype of PRECISIONS) test(`bidirectional GRU with CTCLoss (variable input and target lengths): Adagrad with MultiStepLR, as in PyTorch (${dtype})`, () => {
  const inputs = readProgram<CtcFixture>("ctc"), fx = readResults<CtcFixture>("ctc", dtype), tol = tolFor(dtype);
  const model = loadInit(new CtcNet(), inputs.init, dtype);
  const x = castTo(fromJson(inputs.x), dtype);
  const inputLengths = fromJson(inputs.inputLengths), targetLengths = fromJson(inputs.targetLengths), targets = fromJson(inputs.targets);
  inPrecision(dtype, () => {
    const ctc = new nn.CTCLoss({ blank: 0, zeroInfinity: true });
    const opt = new optim.Adagrad(model.parameters(), { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 });
    const sched = new optim.lrScheduler.MultiStepLR(opt, [3, 6], { gamma: 0.5 });
    const losses: number[] = [];
    for (let step = 0; step < fx.losses.length; step++) {
      const loss = ctc.forward(model.forward(x), targets, inputLengths, targetLengths);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      sched.step();
      losses.push(loss.item());
    }
    checkSeries(losses, fx.losses, "loss", tol);
    checkState(model, fx.final, "final state", tol);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    const best = torch.noGrad(() => model.forward(x).argmax(2));
    assert.deepEqual(Array.from(best.toArray()), fx.bestPath.data, "best path");
  });
});
