/**
 * A whole program against PyTorch in float64, compared to 1e-9 so that any
 * difference of formula shows (fixture: scripts/gen_training_programs.py ->
 * test/fixtures/programs/finetune_f64.json): a text CNN (Embedding with maxNorm,
 * dilated and grouped Conv1d, AdaptiveMaxPool1d) made float64 with `double()`,
 * fine-tuned the usual way: backbone frozen with requiresGrad_(false), the head
 * trained by Adam (amsgrad, L2 weight decay) under SequentialLR (LinearLR
 * warm-up, then CosineAnnealingLR), and at step 4 the backbone unfrozen and
 * added with `addParamGroup` at a lower lr. Multilabel BCEWithLogitsLoss with
 * posWeight.
 * PyTorch 2.x semantics where 1.13 differs: zeroGrad sets gradients to null
 * (the generator calls zero_grad(set_to_none=True)).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { checkGrads, checkSeries, checkState, checkTensor, fromJson, loadInit, readProgram, type StateJson, type TensorJson } from "./training-programs-fixture.js";

const { nn, optim } = torch;
const F = nn.functional;

class TextCNN extends nn.Module {
  embed = new nn.Embedding(20, 6, { maxNorm: 1.0 });
  conv = new nn.Conv1d(6, 8, 3, { padding: 2, dilation: 2 });
  conv2 = new nn.Conv1d(8, 8, 3, { padding: 1, groups: 2 });
  pool = new nn.AdaptiveMaxPool1d(1);
  head = new nn.Linear(8, 4);

  backbone(): Tensor[] {
    return this.namedParameters().filter(([n]) => !n.startsWith("head.")).map(([, p]) => p);
  }

  override forward(tokens: Tensor): Tensor {
    let x = F.gelu(this.conv.forward(this.embed.forward(tokens).transpose(1, 2)));
    x = F.silu(this.conv2.forward(x)).add(x);
    return this.head.forward(this.pool.forward(x).squeeze(-1));
  }
}

interface FinetuneFixture {
  init: StateJson;
  tokens: TensorJson;
  targets: TensorJson;
  unfreezeAt: number;
  losses: number[];
  lrs: number[][];
  embedAfterFirst: TensorJson;
  final: StateJson;
  grads: StateJson;
}

const tight = { rtol: 1e-9, atol: 1e-12 };

test("float64 fine-tuning: frozen backbone, addParamGroup when unfrozen, Adam amsgrad, SequentialLR, Embedding maxNorm, as in PyTorch to 1e-9", () => {
  const fx = readProgram<FinetuneFixture>("finetune_f64");
  const model = new TextCNN().double();
  loadInit(model, fx.init, "float64");
  assert.ok(model.parameters().every((p) => p.dtype === "float64"));
  const tokens = fromJson(fx.tokens), targets = fromJson(fx.targets);
  const lossFn = new nn.BCEWithLogitsLoss({ posWeight: torch.tensor([1.0, 2.0, 0.5, 1.5], { dtype: "float64" }) });
  for (const p of model.backbone()) p.requiresGrad_(false);
  const opt = new optim.Adam(model.head.parameters(), { lr: 1e-2, amsgrad: true, weightDecay: 1e-4 });
  const warm = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.2, totalIters: 3 });
  const cos = new optim.lrScheduler.CosineAnnealingLR(opt, 9, { etaMin: 1e-4 });
  const sched = new optim.lrScheduler.SequentialLR(opt, [warm, cos], [3]);
  const losses: number[] = [], lrs: number[][] = [];
  for (let step = 0; step < fx.losses.length; step++) {
    if (step === fx.unfreezeAt) {
      // frozen until now: no gradient was ever computed for the backbone
      assert.ok(model.backbone().every((p) => p.grad === null));
      for (const p of model.backbone()) p.requiresGrad_(true);
      opt.addParamGroup({ params: model.backbone(), lr: 1e-3 });
    }
    const loss = lossFn.forward(model.forward(tokens.select(0, step % 2)), targets.select(0, step % 2));
    if (step === 0) checkTensor(model.embed.weight, fx.embedAfterFirst, "embedding after the first lookup (maxNorm renormalises in place)", tight);
    opt.zeroGrad();
    loss.backward();
    lrs.push(opt.paramGroups.map((g) => g.lr));
    opt.step();
    sched.step();
    losses.push(loss.item());
  }
  assert.deepEqual(lrs.map((l) => l.length), fx.lrs.map((l) => l.length), "param groups per step");
  lrs.forEach((l, i) => checkSeries(l, fx.lrs[i]!, `lrs of step ${i}`, tight));
  checkSeries(losses, fx.losses, "loss", tight);
  checkState(model, fx.final, "final state", tight);
  checkGrads(model, fx.grads, "last step's gradients", tight);
});
