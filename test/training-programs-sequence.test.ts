/**
 * Whole programs against PyTorch, sequence models (fixtures:
 * scripts/gen_training_programs.py -> test/fixtures/programs/{transformer,lstm,bag_attention}.json).
 * Each program starts from PyTorch's initial weights, trains on the same batches
 * and must print the same losses and end with the same weights and gradients.
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)), and scaledDotProductAttention
 * is 2.x's (1.13 has no public F.scaled_dot_product_attention: the generator
 * writes out 2.x's formula, a bool attnMask being true where attention is allowed).
 * Each runs in float32 and, cast from the same weights, in float64 (tolerance 1e-8).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import {
  checkGrads, checkSeries, checkState, checkTensor, fromJson, inPrecision, loadInit, PRECISIONS, readProgram, readResults, type StateJson, type TensorJson, tolFor,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;
const F = nn.functional;

// ------------------------------------------------------------ 1. transformer encoder classifier
/** Sinusoidal positions [length, d]: sin and cos interleaved. */
function sinusoid(length: number, d: number, dtype: "float32" | "float64" = "float32"): Tensor {
  const pos = torch.arange(length, { dtype }).unsqueeze(1);
  const div = torch.exp(torch.arange(0, d, 2, { dtype }).mul(-Math.log(10000) / d));
  return torch.stack([torch.sin(pos.mul(div)), torch.cos(pos.mul(div))], -1).reshape([length, d]);
}

class TransformerClassifier extends nn.Module {
  embed: torch.nn.Embedding;
  encoder: torch.nn.TransformerEncoder;
  head: torch.nn.Linear;
  private pe: Tensor;

  constructor(vocab: number, readonly d: number, heads: number, ff: number, length: number, classes: number) {
    super();
    this.embed = new nn.Embedding(vocab, d, { paddingIdx: 0 });
    this.encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(d, heads, { dimFeedforward: ff, dropout: 0, batchFirst: true }), 2);
    this.head = new nn.Linear(d, classes);
    this.pe = sinusoid(length, d);
  }

  /** The positions, a plain attribute as in the PyTorch program, are computed again in float64 (float32's sin and exp may differ by an ulp between libraries). */
  override double(): this {
    this.pe = sinusoid(this.pe.shape[0]!, this.d, "float64");
    return super.double();
  }

  override forward(tokens: Tensor, pad: Tensor): Tensor {
    const x = this.embed.forward(tokens).mul(Math.sqrt(this.d)).add(this.pe);
    const h = this.encoder.forward(x, { srcKeyPaddingMask: pad });
    const keep = pad.logicalNot().unsqueeze(-1).to(x.dtype);
    return this.head.forward(h.mul(keep).sum(1).div(keep.sum(1)));
  }
}

interface TransformerInputs {
  init: StateJson;
  data: { tokens: TensorJson; pad: TensorJson; labels: TensorJson }[];
}

interface TransformerFixture {
  losses: number[];
  norms: number[];
  lrs: number[];
  final: StateJson;
  grads: StateJson;
  evalLogits: TensorJson;
}

for (const dtype of PRECISIONS) {
  test(`transformer encoder classifier: AdamW, LambdaLR warm-up and clipGradNorm_ train as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<TransformerInputs>("transformer"), fx = readResults<TransformerFixture>("transformer", dtype), tol = tolFor(dtype);
    const model = loadInit(new TransformerClassifier(16, 16, 2, 32, 7, 3), inputs.init, dtype);
    const batches = inputs.data.map((b) => ({ tokens: fromJson(b.tokens), pad: fromJson(b.pad), labels: fromJson(b.labels) }));
    const losses: number[] = [], norms: number[] = [], lrs: number[] = [];
    inPrecision(dtype, () => {
      const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
      const sched = new optim.lrScheduler.LambdaLR(opt, (s) => Math.min(1, (s + 1) / 4));
      for (let step = 0; step < fx.losses.length; step++) {
        const b = batches[step % 2]!;
        const loss = F.crossEntropy(model.forward(b.tokens, b.pad), b.labels);
        opt.zeroGrad();
        loss.backward();
        norms.push(nn.utils.clipGradNorm_(model.parameters(), 1.0).item());
        lrs.push(opt.paramGroups[0]!.lr);
        opt.step();
        sched.step();
        losses.push(loss.item());
      }
    });
    checkSeries(lrs, fx.lrs, "lr", tol);
    checkSeries(losses, fx.losses, "loss", tol);
    checkSeries(norms, fx.norms, "total norm before clipping", tol);
    // The key projection's bias adds q·b_k to every score of a row, which softmax ignores: its gradient is zero
    // in exact arithmetic, rounding noise in practice, and Adam turns noise into steps of about lr either way.
    // Those 16 values are only bounded (by the sum of the lrs), in both libraries.
    const bound = fx.lrs.reduce((a, b) => a + b, 0);
    const unconstrained = [0, 1].map((i) => ({ key: `encoder.layers.${i}.self_attn.in_proj_bias`, from: 16, to: 32, bound }));
    checkState(model, fx.final, "final state", tol, unconstrained);
    checkGrads(model, fx.grads, "last step's clipped gradients", tol);
    model.eval();
    const logits = torch.noGrad(() => model.forward(batches[0]!.tokens, batches[0]!.pad));
    assert.equal(logits.requiresGrad, false);
    checkTensor(logits, fx.evalLogits, "eval logits", tol);
  });
}

// ------------------------------------------------------------ 2. LSTM on packed variable-length batches
class SeqModel extends nn.Module {
  embed = new nn.Embedding(12, 6, { paddingIdx: 0 });
  lstm = new nn.LSTM(6, 8, { numLayers: 2, bidirectional: true, batchFirst: true });
  head = new nn.Linear(32, 4);

  override forward(tokens: Tensor, lengths: Tensor): Tensor {
    const packed = nn.utils.rnn.packPaddedSequence(this.embed.forward(tokens), lengths, { batchFirst: true, enforceSorted: false });
    const [out, [h]] = this.lstm.forward(packed);
    const [padded, lens] = nn.utils.rnn.padPackedSequence(out, { batchFirst: true });
    const mean = padded.sum(1).div(lens.unsqueeze(1).to(padded.dtype));
    return this.head.forward(torch.cat([mean, h.select(0, -2), h.select(0, -1)], 1));
  }
}

interface LstmInputs {
  init: StateJson;
  data: { tokens: TensorJson; lengths: TensorJson; labels: TensorJson }[];
}

interface LstmFixture {
  losses: number[];
  final: StateJson;
  grads: StateJson;
  evalLogits: TensorJson;
}

for (const dtype of PRECISIONS) {
  test(`bidirectional 2-layer LSTM on packPaddedSequence batches (unsorted lengths) trains with Adam as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<LstmInputs>("lstm"), fx = readResults<LstmFixture>("lstm", dtype), tol = tolFor(dtype);
    const model = loadInit(new SeqModel(), inputs.init, dtype);
    const batches = inputs.data.map((b) => ({ tokens: fromJson(b.tokens), lengths: fromJson(b.lengths), labels: fromJson(b.labels) }));
    const losses: number[] = [];
    inPrecision(dtype, () => {
      const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
      for (let step = 0; step < fx.losses.length; step++) {
        const b = batches[step % 2]!;
        const loss = F.crossEntropy(model.forward(b.tokens, b.lengths), b.labels);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    });
    checkSeries(losses, fx.losses, "loss", tol);
    checkState(model, fx.final, "final state", tol);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    // the padding row of the embedding never gets a gradient
    assert.deepEqual(Array.from(model.embed.weight.grad!.select(0, 0).toArray()), new Array(6).fill(0));
    const logits = torch.noGrad(() => model.forward(batches[1]!.tokens, batches[1]!.lengths));
    checkTensor(logits, fx.evalLogits, "logits after training", tol);
  });
}

// ------------------------------------------------------------ 8. EmbeddingBag + causal and masked attention, RMSprop
class BagAttention extends nn.Module {
  bag: torch.nn.EmbeddingBag;
  embed: torch.nn.Embedding;
  qkv1: torch.nn.Linear;
  qkv2: torch.nn.Linear;
  proj: torch.nn.Linear;
  head: torch.nn.Linear;

  constructor(vocab: number, d: number, readonly heads: number, classes: number) {
    super();
    this.bag = new nn.EmbeddingBag(vocab, d, { mode: "mean" });
    this.embed = new nn.Embedding(vocab, d);
    this.qkv1 = new nn.Linear(d, 3 * d);
    this.qkv2 = new nn.Linear(d, 3 * d);
    this.proj = new nn.Linear(d, d);
    this.head = new nn.Linear(2 * d, classes);
  }

  /** [B, L, 3d] -> q, k, v as [B, heads, L, d / heads]. */
  private split(x: Tensor): [Tensor, Tensor, Tensor] {
    const [b, length, d3] = x.shape as [number, number, number];
    const [q, k, v] = x.chunk(3, -1).map((t) => t.reshape([b, length, this.heads, d3 / 3 / this.heads]).transpose(1, 2));
    return [q!, k!, v!];
  }

  private merge(x: Tensor): Tensor {
    const [b, , length] = x.shape as [number, number, number];
    return x.transpose(1, 2).reshape([b, length, -1]);
  }

  override forward(tokens: Tensor, keep: Tensor, flat: Tensor, offsets: Tensor): Tensor {
    let x = this.embed.forward(tokens);
    x = x.add(this.proj.forward(this.merge(F.scaledDotProductAttention(...this.split(this.qkv1.forward(x)), { isCausal: true }))));
    const attnMask = keep.unsqueeze(1).unsqueeze(1);
    x = x.add(this.merge(F.scaledDotProductAttention(...this.split(this.qkv2.forward(x)), { attnMask })));
    const k = keep.unsqueeze(-1).to(x.dtype);
    const pooled = x.mul(k).sum(1).div(k.sum(1));
    return this.head.forward(torch.cat([this.bag.forward(flat, offsets), pooled], 1));
  }
}

interface BagInputs {
  init: StateJson;
  data: { tokens: TensorJson; keep: TensorJson; flat: TensorJson; offsets: TensorJson; labels: TensorJson }[];
}

interface BagFixture {
  losses: number[];
  final: StateJson;
  grads: StateJson;
  evalLogits: TensorJson;
}

for (const dtype of PRECISIONS) {
  test(`EmbeddingBag + scaledDotProductAttention (isCausal, then a bool attnMask) trains with centered RMSprop as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<BagInputs>("bag_attention"), fx = readResults<BagFixture>("bag_attention", dtype), tol = tolFor(dtype);
    const model = loadInit(new BagAttention(20, 8, 2, 3), inputs.init, dtype);
    const batches = inputs.data.map((b) => ({
      tokens: fromJson(b.tokens), keep: fromJson(b.keep), flat: fromJson(b.flat), offsets: fromJson(b.offsets), labels: fromJson(b.labels),
    }));
    const losses: number[] = [];
    inPrecision(dtype, () => {
      const opt = new optim.RMSprop(model.parameters(), { lr: 5e-3, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 1e-4 });
      for (let step = 0; step < fx.losses.length; step++) {
        const b = batches[step % 2]!;
        const loss = F.crossEntropy(model.forward(b.tokens, b.keep, b.flat, b.offsets), b.labels);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    });
    checkSeries(losses, fx.losses, "loss", tol);
    checkState(model, fx.final, "final state", tol);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    const b = batches[0]!;
    checkTensor(torch.noGrad(() => model.forward(b.tokens, b.keep, b.flat, b.offsets)), fx.evalLogits, "logits after training", tol);
  });
}
