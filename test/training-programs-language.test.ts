/**
 * Whole programs against PyTorch with the habits of real training code (fixtures:
 * scripts/gen_training_programs.py -> test/fixtures/programs/{charlm,set_attention}.json):
 * a character LM with tied embedding/output weights, truncated BPTT (hidden
 * states detached between chunks), gradient accumulation over micro-batches,
 * two AdamW parameter groups (no decay on biases and norms), OneCycleLR (which
 * also cycles beta1), clipGradValue_ and an EMA copy updated under noGrad; and a
 * set regressor with nn.MultiheadAttention (key padding + float mask, averaged
 * weights fed into the loss), a checkpointed feed-forward block, NAdam with
 * warm restarts and an SWA average.
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)); NAdam's second term divides
 * by 1 - mu_product·mu_next (1.13 multiplies in mu once more, fixed in 2.x: the
 * generator steps the set regressor with 2.x's rule, written out).
 * Each runs in float32 and, cast from the same weights and data, in float64 (tolerance 1e-8).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import {
  castTo, checkGrads, checkSeries, checkState, checkTensor, fromJson, inPrecision, loadInit, PRECISIONS, readProgram, readResults, type StateJson, type TensorJson, tolFor,
  type Unconstrained,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;
const F = nn.functional;

// ------------------------------------------------------------ 9. character LM
class CharLM extends nn.Module {
  embed: torch.nn.Embedding;
  gru: torch.nn.GRU;
  norm: torch.nn.LayerNorm;
  out: torch.nn.Linear;

  constructor(vocab: number, d: number) {
    super();
    this.embed = new nn.Embedding(vocab, d, { paddingIdx: 0 });
    this.gru = new nn.GRU(d, d, { numLayers: 2, batchFirst: true });
    this.norm = new nn.LayerNorm(d);
    this.out = new nn.Linear(d, vocab);
    this.out.weight = this.embed.weight; // tied
  }

  override forward(x: Tensor, h: Tensor | null): [Tensor, Tensor] {
    const [y, hN] = this.gru.forward(this.embed.forward(x), h);
    return [this.out.forward(this.norm.forward(y)), hN];
  }
}

interface CharLmFixture {
  init: StateJson;
  stream: TensorJson;
  seqLen: number;
  chunks: number;
  losses: number[];
  lrs: number[][];
  beta1: number[];
  gradNorms: number[];
  final: StateJson;
  ema: StateJson;
  grads: StateJson;
  evalLoss: number;
}

for (const dtype of PRECISIONS) test(`character LM: tied weights, truncated BPTT, accumulation, AdamW groups, OneCycleLR, clipGradValue_, EMA, as in PyTorch (${dtype})`, () => {
  const inputs = readProgram<CharLmFixture>("charlm"), fx = readResults<CharLmFixture>("charlm", dtype), tol = tolFor(dtype);
  const V = 14, T = fx.seqLen;
  const model = loadInit(new CharLM(V, 12), inputs.init, dtype), ema = loadInit(new CharLM(V, 12), inputs.init, dtype);
  // the tied weight is one parameter, listed once (PyTorch's named_parameters skips out.weight)
  assert.equal(model.out.weight, model.embed.weight);
  assert.ok(!model.namedParameters().some(([k]) => k === "out.weight"));
  assert.equal(model.parameters().length, 12);
  const stream = fromJson(inputs.stream);
  inPrecision(dtype, () => {
    const decay = model.parameters().filter((p) => p.dim() >= 2), noDecay = model.parameters().filter((p) => p.dim() < 2);
    const opt = new optim.AdamW([{ params: decay, weightDecay: 0.1 }, { params: noDecay, weightDecay: 0 }], { lr: 1e-2 });
    const N = fx.chunks * 2;
    const sched = new optim.lrScheduler.OneCycleLR(opt, [1e-2, 5e-3], { totalSteps: N, pctStart: 0.3 });
    const lossFn = new nn.CrossEntropyLoss({ ignoreIndex: 0, labelSmoothing: 0.1 });
    let hidden: (Tensor | null)[] = [null, null];
    const losses: number[] = [], lrs: number[][] = [], beta1: number[] = [], norms: number[] = [];
    for (let step = 0; step < N; step++) {
      const c = step % fx.chunks;
      if (c === 0) hidden = [null, null];
      const x = stream.narrow(1, c * T, T), y = stream.narrow(1, c * T + 1, T);
      opt.zeroGrad();
      let total = 0;
      for (let m = 0; m < 2; m++) {
        const [logits, h] = model.forward(x.narrow(0, 2 * m, 2), hidden[m]!);
        hidden[m] = h.detach();
        const loss = lossFn.forward(logits.reshape([-1, V]), y.narrow(0, 2 * m, 2).reshape([-1])).div(2);
        loss.backward();
        total += loss.item();
      }
      norms.push(nn.utils.clipGradNorm_(model.parameters(), Infinity).item());
      nn.utils.clipGradValue_(model.parameters(), 0.05);
      lrs.push(opt.paramGroups.map((g) => g.lr));
      beta1.push(opt.paramGroups[0]!.betas[0]);
      opt.step();
      sched.step();
      torch.noGrad(() => ema.parameters().forEach((pe, i) => pe.mul_(0.8).add_(model.parameters()[i]!, { alpha: 0.2 })));
      losses.push(total);
    }
    lrs.forEach((l, i) => checkSeries(l, fx.lrs[i]!, `lrs of step ${i}`, tol));
    checkSeries(beta1, fx.beta1, "beta1", tol);
    checkSeries(losses, fx.losses, "loss", tol);
    checkSeries(norms, fx.gradNorms, "gradient norm (inf max-norm: not clipped)", tol);
    checkState(model, fx.final, "final state (the tied weight under both names)", tol);
    checkState(ema, fx.ema, "EMA state", tol);
    checkGrads(model, fx.grads, "last step's gradients, value-clipped", tol);
    assert.ok(model.parameters().every((p) => p.grad!.abs().max().item() <= (dtype === "float32" ? Math.fround(0.05) : 0.05)));
    ema.eval();
    const evalLoss = torch.noGrad(() => {
      const [logits] = ema.forward(stream.narrow(1, 0, T), null);
      return lossFn.forward(logits.reshape([-1, V]), stream.narrow(1, 1, T).reshape([-1])).item();
    });
    checkSeries([evalLoss], [fx.evalLoss], "EMA eval loss", tol);
  });
});

// ------------------------------------------------------------ 10. set regressor
class SetEncoder extends nn.Module {
  proj = new nn.Linear(3, 8);
  attn = new nn.MultiheadAttention(8, 2, { batchFirst: true });
  norm = new nn.LayerNorm(8);
  ff = new nn.Sequential(new nn.Linear(8, 16), new nn.GELU(), new nn.Linear(16, 8));
  head = new nn.Linear(8, 1);

  override forward(x: Tensor, pad: Tensor, bias: Tensor): [Tensor, Tensor] {
    let h = this.proj.forward(x);
    const [a, w] = this.attn.forward(h, h, h, { keyPaddingMask: pad, attnMask: bias, needWeights: true });
    h = this.norm.forward(h.add(a));
    h = h.add(torch.utils.checkpoint.checkpoint((t: Tensor) => this.ff.forward(t) as Tensor, h, { useReentrant: false }));
    const keep = pad.logicalNot().unsqueeze(-1).to(h.dtype);
    return [this.head.forward(h.mul(keep).sum(1).div(keep.sum(1))).squeeze(-1), w!];
  }
}

interface SetFixture {
  init: StateJson;
  x: TensorJson;
  pad: TensorJson;
  y: TensorJson;
  bias: TensorJson;
  losses: number[];
  entropies: number[];
  lrs: number[];
  final: StateJson;
  swa: StateJson;
  grads: StateJson;
  swaPred: TensorJson;
  swaWeights: TensorJson;
}

for (const dtype of PRECISIONS) test(`set regressor: MultiheadAttention weights in the loss, checkpointed block, NAdam + warm restarts, SWA average, as in PyTorch (${dtype})`, () => {
  const inputs = readProgram<SetFixture>("set_attention"), fx = readResults<SetFixture>("set_attention", dtype), tol = tolFor(dtype);
  const model = loadInit(new SetEncoder(), inputs.init, dtype);
  const [x, y, bias] = [inputs.x, inputs.y, inputs.bias].map((t) => castTo(fromJson(t), dtype)) as [Tensor, Tensor, Tensor];
  const pad = fromJson(inputs.pad);
  inPrecision(dtype, () => {
    const opt = new optim.NAdam(model.parameters(), { lr: 1e-2 });
    const sched = new optim.lrScheduler.CosineAnnealingWarmRestarts(opt, 3, { TMult: 2, etaMin: 1e-3 });
    const swa = new optim.swaUtils.AveragedModel(model);
    const losses: number[] = [], entropies: number[] = [], lrs: number[] = [];
    for (let step = 0; step < fx.losses.length; step++) {
      const b = step % 2;
      const [pred, w] = model.forward(x.select(0, b), pad.select(0, b), bias);
      const keep = pad.select(0, b).logicalNot().to(dtype);
      const entropy = w.mul(torch.log(w.add(1e-9))).sum(-1).mul(keep).sum().div(keep.sum()).neg();
      const loss = F.mseLoss(pred, y.select(0, b)).add(entropy.mul(0.01));
      opt.zeroGrad();
      loss.backward();
      lrs.push(opt.paramGroups[0]!.lr);
      opt.step();
      sched.step();
      if (step >= 4) swa.updateParameters(model);
      losses.push(loss.item());
      entropies.push(entropy.item());
    }
    checkSeries(lrs, fx.lrs, "lr", tol);
    checkSeries(losses, fx.losses, "loss", tol);
    checkSeries(entropies, fx.entropies, "attention entropy", tol);
    // The key projection's bias shifts every score of a row alike, which softmax ignores: its gradient is
    // rounding noise, which NAdam's normalised steps turn into moves of about lr either way; only bounded.
    const bound = 2 * fx.lrs.reduce((a, b) => a + b, 0);
    const keyBias = (key: string): Unconstrained[] => [{ key, from: 8, to: 16, bound }];
    checkState(model, fx.final, "final state", tol, keyBias("attn.in_proj_bias"));
    checkState(swa, fx.swa, "SWA state", tol, keyBias("module.attn.in_proj_bias"));
    checkGrads(model, fx.grads, "last step's gradients", tol);
    const [pred, w] = torch.noGrad(() => swa.forward(x.select(0, 0), pad.select(0, 0), bias) as [Tensor, Tensor]);
    checkTensor(pred, fx.swaPred, "SWA predictions", tol);
    checkTensor(w, fx.swaWeights, "SWA attention weights", tol);
  });
});
