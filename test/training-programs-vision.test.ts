/**
 * Whole programs against PyTorch on the shipped digits (fixtures:
 * scripts/gen_training_programs.py -> test/fixtures/programs/{cnn,vae,resnet}.json):
 * a CNN with BatchNorm and dropout, a VAE, and a ResNet-ish net with
 * GroupNorm/LayerNorm/BatchNorm1d, ReduceLROnPlateau and a checkpoint/resume in
 * the middle. Same initial weights, same batches, same losses and final state.
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)).
 * Each runs in float32 and, cast from the same weights and data, in float64
 * (tolerance 1e-8). The float64 fixtures hold only results: inputs come from the float32 ones.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import {
  castTo, checkGrads, checkSeries, checkState, checkTensor, digits, fromJson, inPrecision, loadInit, PRECISIONS, type Precision, readProgram, readResults,
  type StateJson, type TensorJson, tolFor,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;
const F = nn.functional;

/** Rows [from, to) of `t`. */
const rows = (t: Tensor, from: number, to: number): Tensor => t.narrow(0, from, to - from);

// ------------------------------------------------------------ 3. CNN, BatchNorm2d, dropout, SGD nesterov + StepLR
/**
 * Dropout with a given mask: PyTorch's and torchlet's random streams differ, so
 * the program takes PyTorch's masks from the fixture. x · mask / (1 - p) in
 * training, x in eval, as nn.Dropout.
 */
class MaskDropout extends nn.Module {
  mask: Tensor | null = null;

  constructor(readonly p: number) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return this.training ? x.mul(this.mask!).div(1 - this.p) : x;
  }
}

class ConvNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn1 = new nn.BatchNorm2d(4);
  conv2 = new nn.Conv2d(4, 8, 3);
  bn2 = new nn.BatchNorm2d(8);
  drop = new MaskDropout(0.25);
  fc = new nn.Linear(8, 10);

  override forward(x: Tensor): Tensor {
    let h = F.maxPool2d(F.relu(this.bn1.forward(this.conv1.forward(x))), 2);
    h = F.relu(this.bn2.forward(this.conv2.forward(h)));
    return this.fc.forward(this.drop.forward(F.adaptiveAvgPool2d(h, 1).flatten(1)));
  }
}

interface CnnFixture {
  init: StateJson;
  batchSize: number;
  masks: TensorJson;
  losses: number[];
  lrs: number[];
  final: StateJson;
  grads: StateJson;
  evalRows: [number, number];
  evalLogits: TensorJson;
  evalLoss: number;
}

for (const dtype of PRECISIONS) {
  test(`CNN with BatchNorm2d and dropout: SGD (momentum, nesterov, weight decay) with StepLR, then eval, as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<CnnFixture>("cnn"), fx = readResults<CnnFixture>("cnn", dtype), tol = tolFor(dtype);
    const { x, y: Y } = digits({ asImages: true });
    const X = castTo(x, dtype);
    const model = loadInit(new ConvNet(), inputs.init, dtype);
    const masks = castTo(fromJson(inputs.masks), dtype);
    const B = fx.batchSize;
    const losses: number[] = [], lrs: number[] = [];
    inPrecision(dtype, () => {
      const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      const sched = new optim.lrScheduler.StepLR(opt, 4, { gamma: 0.5 });
      for (let step = 0; step < fx.losses.length; step++) {
        model.drop.mask = masks.select(0, step);
        const loss = F.crossEntropy(model.forward(rows(X, step * B, (step + 1) * B)), rows(Y, step * B, (step + 1) * B));
        opt.zeroGrad();
        loss.backward();
        lrs.push(opt.paramGroups[0]!.lr);
        opt.step();
        sched.step();
        losses.push(loss.item());
      }
    });
    checkSeries(lrs, fx.lrs, "lr", tol);
    checkSeries(losses, fx.losses, "loss", tol);
    // running means and variances (unbiased) and num_batches_tracked too
    checkState(model, fx.final, "final state", tol);
    assert.equal(model.bn1.numBatchesTracked!.item(), fx.losses.length);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    model.eval();
    const [from, to] = fx.evalRows;
    const logits = torch.noGrad(() => model.forward(rows(X, from, to)));
    checkTensor(logits, fx.evalLogits, "eval logits (running statistics, no dropout)", tol);
    checkSeries([F.crossEntropy(logits, rows(Y, from, to)).item()], [fx.evalLoss], "eval loss", tol);
    // eval() changed nothing it should not: the running statistics stay as they were
    checkState(model, fx.final, "state after eval", tol);
  });
}

// ------------------------------------------------------------ 4. VAE
class VAE extends nn.Module {
  enc = new nn.Linear(64, 16);
  mu = new nn.Linear(16, 2);
  logvar = new nn.Linear(16, 2);
  dec1 = new nn.Linear(2, 16);
  dec2 = new nn.Linear(16, 64);

  encode(x: Tensor): [Tensor, Tensor] {
    const h = F.relu(this.enc.forward(x));
    return [this.mu.forward(h), this.logvar.forward(h)];
  }

  decode(z: Tensor): Tensor {
    return torch.sigmoid(this.dec2.forward(F.relu(this.dec1.forward(z))));
  }

  /** The reconstruction, mu and logvar; `eps` is the reparameterisation noise. */
  override forward(x: Tensor, eps: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x);
    const z = mu.add(eps.mul(torch.exp(logvar.mul(0.5))));
    return [this.decode(z), mu, logvar];
  }
}

interface VaeFixture {
  init: StateJson;
  batchSize: number;
  start: number;
  eps: TensorJson;
  losses: number[];
  bce: number[];
  kld: number[];
  final: StateJson;
  grads: StateJson;
  evalMu: TensorJson;
  evalRecon: TensorJson;
}

for (const dtype of PRECISIONS) {
  test(`VAE (reparameterisation with given noise, BCE + KL) trains with Adam as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<VaeFixture>("vae"), fx = readResults<VaeFixture>("vae", dtype), tol = tolFor(dtype);
    const X = castTo(digits().x, dtype);
    const model = loadInit(new VAE(), inputs.init, dtype);
    const eps = castTo(fromJson(inputs.eps), dtype);
    const B = fx.batchSize;
    const losses: number[] = [], bces: number[] = [], klds: number[] = [];
    inPrecision(dtype, () => {
      const opt = new optim.Adam(model.parameters(), { lr: 5e-3 });
      for (let step = 0; step < fx.losses.length; step++) {
        const x = rows(X, fx.start + step * B, fx.start + (step + 1) * B);
        const [recon, mu, logvar] = model.forward(x, eps.select(0, step));
        const bce = F.binaryCrossEntropy(recon, x, { reduction: "sum" });
        const kld = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
        const loss = bce.add(kld).div(B);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
        bces.push(bce.item());
        klds.push(kld.item());
      }
    });
    checkSeries(losses, fx.losses, "loss", tol);
    checkSeries(bces, fx.bce, "BCE", tol);
    checkSeries(klds, fx.kld, "KL", tol);
    checkState(model, fx.final, "final state", tol);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    model.eval();
    const [mu, recon] = torch.noGrad(() => {
      const [m] = model.encode(rows(X, 0, 4));
      return [m, model.decode(m)];
    });
    checkTensor(mu, fx.evalMu, "encoded means", tol);
    checkTensor(recon, fx.evalRecon, "reconstruction from the means", tol);
  });
}

// ------------------------------------------------------------ 7. ResNet-ish, ReduceLROnPlateau, checkpoint and resume
class Block extends nn.Module {
  conv1: torch.nn.Conv2d;
  gn1: torch.nn.GroupNorm;
  conv2: torch.nn.Conv2d;
  gn2: torch.nn.GroupNorm;

  constructor(c: number) {
    super();
    this.conv1 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.gn1 = new nn.GroupNorm(2, c);
    this.conv2 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.gn2 = new nn.GroupNorm(2, c);
  }

  override forward(x: Tensor): Tensor {
    return F.relu(x.add(this.gn2.forward(this.conv2.forward(F.relu(this.gn1.forward(this.conv1.forward(x)))))));
  }
}

class ResNet extends nn.Module {
  stem = new nn.Conv2d(1, 8, 3, { padding: 1, bias: false });
  gn = new nn.GroupNorm(2, 8);
  block = new Block(8);
  fc1 = new nn.Linear(128, 16, { bias: false });
  bn = new nn.BatchNorm1d(16, { momentum: 0.5 });
  ln = new nn.LayerNorm(16);
  fc2 = new nn.Linear(16, 10);

  override forward(x: Tensor): Tensor {
    const h = F.maxPool2d(this.block.forward(F.relu(this.gn.forward(this.stem.forward(x)))), 2).flatten(1);
    return this.fc2.forward(this.ln.forward(F.relu(this.bn.forward(this.fc1.forward(h)))));
  }
}

interface ResnetFixture {
  init: StateJson;
  batchSize: number;
  stepsPerEpoch: number;
  epochs: number;
  resumeAt: number;
  valRows: [number, number];
  losses: number[];
  valLosses: number[];
  lrs: number[];
  checkpoint: { model: StateJson };
  final: StateJson;
  grads: StateJson;
}

interface ResnetRun {
  losses: number[];
  valLosses: number[];
  lrs: number[];
  model: ResNet;
  /** The model's state dict at the checkpoint, as read back from the safetensors bytes. */
  restored: Record<string, Tensor> | null;
}

/**
 * The program: epochs of training steps, then a validation loss in eval mode
 * that drives ReduceLROnPlateau. With `resume`, at epoch `resumeAt` it saves the
 * model (safetensors bytes), the optimizer and the scheduler, and goes on with
 * fresh objects loaded from them.
 */
function resnetProgram(inputs: ResnetFixture, dtype: Precision, resume: boolean): ResnetRun {
  return inPrecision(dtype, () => resnetRun(inputs, dtype, resume));
}

function resnetRun(fx: ResnetFixture, dtype: Precision, resume: boolean): ResnetRun {
  const { x, y: Y } = digits({ asImages: true });
  const X = castTo(x, dtype);
  const [vFrom, vTo] = fx.valRows;
  const valX = rows(X, vFrom, vTo), valY = rows(Y, vFrom, vTo);
  let model = loadInit(new ResNet(), fx.init, dtype);
  const plateau = (o: torch.optim.SGD) => new optim.lrScheduler.ReduceLROnPlateau(o, { mode: "min", factor: 0.5, patience: 0, threshold: 0.1 });
  let opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  let sched = plateau(opt);
  const run: ResnetRun = { losses: [], valLosses: [], lrs: [], model, restored: null };
  let row = 0;
  for (let epoch = 0; epoch < fx.epochs; epoch++) {
    if (resume && epoch === fx.resumeAt) {
      const bytes = torch.saveToBytes(model.stateDict());
      const optState = opt.stateDict(), schedState = sched.stateDict();
      run.restored = torch.loadFromBytes(bytes);
      model = new ResNet();
      if (dtype === "float64") model.double();
      model.loadStateDict(run.restored);
      opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      opt.loadStateDict(optState);
      sched = plateau(opt);
      sched.loadStateDict(schedState);
    }
    model.train();
    for (let s = 0; s < fx.stepsPerEpoch; s++) {
      const loss = F.crossEntropy(model.forward(rows(X, row, row + fx.batchSize)), rows(Y, row, row + fx.batchSize));
      row += fx.batchSize;
      opt.zeroGrad();
      loss.backward();
      opt.step();
      run.losses.push(loss.item());
    }
    model.eval();
    const val = torch.noGrad(() => F.crossEntropy(model.forward(valX), valY).item());
    sched.step(val);
    run.valLosses.push(val);
    run.lrs.push(opt.paramGroups[0]!.lr);
  }
  run.model = model;
  return run;
}

for (const dtype of PRECISIONS) {
  test(`ResNet-ish net (GroupNorm, BatchNorm1d, LayerNorm): SGD with momentum, ReduceLROnPlateau on eval losses, checkpoint and resume, as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<ResnetFixture>("resnet"), fx = readResults<ResnetFixture>("resnet", dtype), tol = tolFor(dtype);
    const run = resnetProgram(inputs, dtype, true);
    checkSeries(run.lrs, fx.lrs, "lr after each epoch", tol);
    assert.ok(new Set(fx.lrs).size > 2 && fx.lrs.some((lr, i) => i > 0 && lr === fx.lrs[i - 1]), "the plateau both held and cut the lr");
    checkSeries(run.losses, fx.losses, "training loss", tol);
    checkSeries(run.valLosses, fx.valLosses, "validation loss", tol);
    // the checkpoint, as read back, is PyTorch's state at that epoch (num_batches_tracked read back as int32)
    for (const [k, v] of Object.entries(fx.checkpoint.model)) assert.deepEqual(run.restored![k]!.shape, v.shape, k);
    // (safetensors files keep their tensors sorted, so the keys come back in another order)
    assert.deepEqual(Object.keys(run.restored!).sort(), Object.keys(fx.checkpoint.model).sort());
    const checkpointModel = new ResNet();
    if (dtype === "float64") checkpointModel.double();
    checkpointModel.loadStateDict(run.restored!);
    checkState(checkpointModel, fx.checkpoint.model, "checkpoint", tol);
    checkState(run.model, fx.final, "final state", tol);
    checkGrads(run.model, fx.grads, "last step's gradients", tol);
    // resuming from the checkpoint changes nothing: the uninterrupted run gives the same numbers, bit for bit
    // (once: in float32)
    if (dtype === "float64") return;
    const straight = resnetProgram(inputs, dtype, false);
    assert.deepEqual(straight.losses, run.losses);
    assert.deepEqual(straight.valLosses, run.valLosses);
    assert.deepEqual(straight.lrs, run.lrs);
    for (const [k, t] of Object.entries(straight.model.stateDict())) assert.deepEqual(t.toArray(), run.model.stateDict()[k]!.toArray(), k);
  });
}
