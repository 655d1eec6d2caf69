/**
 * A whole seq2seq program against PyTorch (fixtures: scripts/gen_training_programs.py ->
 * test/fixtures/programs/seq2seq{,_f64}.json): nn.Transformer (pre-norm, GELU,
 * a causal target mask from generateSquareSubsequentMask, source padding masks)
 * learning to reverse its input, a spectral-normed output layer (its power
 * iteration updates weight_u and weight_v on every training forward), label
 * smoothing with ignoreIndex, Adamax with weight decay and CyclicLR
 * (triangular2). In float32 and, cast from the same weights, in float64 (to 1e-8).
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)).
 */
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import {
  checkGrads, checkSeries, checkState, checkTensor, fromJson, inPrecision, loadInit, PRECISIONS, readProgram, readResults, type StateJson, type TensorJson, tolFor,
  type Unconstrained,
} from "./training-programs-fixture.js";

const { nn, optim } = torch;

class Seq2Seq extends nn.Module {
  src_embed: torch.nn.Embedding;
  tgt_embed: torch.nn.Embedding;
  transformer: torch.nn.Transformer;
  head: torch.nn.Linear;

  constructor(vocab: number, d: number) {
    super();
    this.src_embed = new nn.Embedding(vocab, d);
    this.tgt_embed = new nn.Embedding(vocab, d);
    this.transformer = new nn.Transformer(d, 2, {
      numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, activation: "gelu", batchFirst: true, normFirst: true,
    });
    this.head = nn.utils.spectralNorm(new nn.Linear(d, vocab));
  }

  override forward(src: Tensor, tgtIn: Tensor, srcPad: Tensor): Tensor {
    const mask = nn.Transformer.generateSquareSubsequentMask(tgtIn.shape[1]!).to(this.head.bias!.dtype);
    const h = this.transformer.forward(this.src_embed.forward(src), this.tgt_embed.forward(tgtIn), {
      tgtMask: mask, srcKeyPaddingMask: srcPad, memoryKeyPaddingMask: srcPad,
    });
    return this.head.forward(h);
  }
}

interface Seq2SeqFixture {
  init: StateJson;
  src: TensorJson;
  srcPad: TensorJson;
  tgt: TensorJson;
  losses: number[];
  lrs: number[];
  final: StateJson;
  grads: StateJson;
  evalLogits: TensorJson;
}

for (const dtype of PRECISIONS) {
  test(`seq2seq nn.Transformer (pre-norm, causal target mask, padding masks) with a spectral-normed head: Adamax and CyclicLR, as in PyTorch (${dtype})`, () => {
    const inputs = readProgram<Seq2SeqFixture>("seq2seq"), fx = readResults<Seq2SeqFixture>("seq2seq", dtype), tol = tolFor(dtype);
    const V = 10;
    const model = loadInit(new Seq2Seq(V, 8), inputs.init, dtype);
    const src = fromJson(inputs.src), srcPad = fromJson(inputs.srcPad), tgt = fromJson(inputs.tgt);
    const L = tgt.shape[1]! - 1;
    const tgtIn = tgt.narrow(1, 0, L), tgtOut = tgt.narrow(1, 1, L);
    const losses: number[] = [], lrs: number[] = [];
    inPrecision(dtype, () => {
      const opt = new optim.Adamax(model.parameters(), { lr: 5e-3, weightDecay: 1e-3 });
      const sched = new optim.lrScheduler.CyclicLR(opt, 1e-3, 5e-3, { stepSizeUp: 3, mode: "triangular2", cycleMomentum: false });
      const lossFn = new nn.CrossEntropyLoss({ ignoreIndex: 0, labelSmoothing: 0.05 });
      for (let step = 0; step < fx.losses.length; step++) {
        const logits = model.forward(src, tgtIn, srcPad);
        const loss = lossFn.forward(logits.reshape([-1, V]), tgtOut.reshape([-1]));
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
    // The key projections' biases shift every score of a row alike, which softmax ignores: their gradients are
    // rounding noise, which Adamax's normalised steps turn into moves of about lr either way; only bounded.
    const bound = 2 * fx.lrs.reduce((a, b) => a + b, 0);
    const unconstrained: Unconstrained[] = ["encoder.layers.0.self_attn", "decoder.layers.0.self_attn", "decoder.layers.0.multihead_attn"]
      .map((m) => ({ key: `transformer.${m}.in_proj_bias`, from: 8, to: 16, bound }));
    // weight_u and weight_v, the power iteration's vectors, are buffers that every training forward updated
    checkState(model, fx.final, "final state", tol, unconstrained);
    checkGrads(model, fx.grads, "last step's gradients", tol);
    model.eval();
    checkTensor(torch.noGrad(() => model.forward(src, tgtIn, srcPad)), fx.evalLogits, "eval logits", tol);
  });
}
