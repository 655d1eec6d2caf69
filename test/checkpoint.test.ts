/**
 * torch.utils.checkpoint against PyTorch: an MLP's loss and gradients through
 * checkpoint (both variants) and checkpointSequential equal PyTorch's plain
 * ones (fixtures: scripts/gen_autograd_hooks_fixtures.py, PyTorch 1.13, whose
 * checkpointed gradients it checks equal its plain ones); dropout recomputed
 * with forward's random state; memory held between forward and backward
 * measured with torch.memory(); and PyTorch 2.x's rules and messages
 * (2.x's non-reentrant implementation: 1.13 had an older one).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values } from "./fixture-values.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const { nn } = torch;
const C = torch.utils.checkpoint;

interface Enc { shape: number[]; data: number[] }
const fx = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "autograd", "hooks.json"), "utf8")) as {
  checkpointMlp: { x: Enc; params: Enc[]; loss: number; xGrad: number[]; paramGrads: number[][] };
  checkpointMessages: Record<string, string>;
};
const dec = (e: Enc) => torch.tensor(e.data).reshape(e.shape);

/** The generator's MLP: 4 x (Linear(5, 5), Tanh), with its parameters. */
function fixtureMlp(): torch.nn.Sequential {
  const layers: torch.nn.Module[] = [];
  for (let i = 0; i < 4; i++) layers.push(new nn.Linear(5, 5), new nn.Tanh());
  const model = new nn.Sequential(...layers);
  torch.noGrad(() => [...model.parameters()].forEach((p, i) => p.copy_(dec(fx.checkpointMlp.params[i]!))));
  return model;
}

type Variant = (model: torch.nn.Sequential, x: Tensor) => Tensor;
const VARIANTS: Record<string, Variant> = {
  "plain": (m, x) => m.forward(x) as Tensor,
  "checkpoint (non-reentrant)": (m, x) => C.checkpoint((t: Tensor) => m.forward(t) as Tensor, x),
  "checkpoint (reentrant)": (m, x) => C.checkpoint((t: Tensor) => m.forward(t) as Tensor, x, { useReentrant: true }),
  "checkpointSequential, 2 segments": (m, x) => C.checkpointSequential(m, 2, x),
  "checkpointSequential, 4 segments, reentrant": (m, x) => C.checkpointSequential(m, 4, x, { useReentrant: true }),
  "nested checkpoints": (m, x) =>
    C.checkpoint((t: Tensor) => C.checkpoint((u: Tensor) => m.forward(u) as Tensor, t.mul(1)), x),
  "no early stop": (m, x) => C.checkpoint((t: Tensor) => m.forward(t) as Tensor, x, { earlyStop: false }),
};

describe("checkpoint gives PyTorch's gradients", () => {
  for (const [name, run] of Object.entries(VARIANTS)) {
    test(name, () => {
      const f = fx.checkpointMlp;
      const model = fixtureMlp();
      const x = dec(f.x).requiresGrad_();
      const loss = run(model, x).pow(2).sum();
      assertClose([loss.item()], [f.loss], "loss");
      loss.backward();
      assertClose(values(x.grad!), f.xGrad, "x.grad");
      [...model.parameters()].forEach((p, i) => assertClose(values(p.grad!), f.paramGrads[i]!, `parameter ${i} grad`));
    });
  }

  test("non-reentrant: parameters get gradients even when no input requires grad; autograd.grad and backward({ inputs }) work", () => {
    const f = fx.checkpointMlp;
    const model = fixtureMlp();
    const x = dec(f.x);
    C.checkpoint((t: Tensor) => model.forward(t) as Tensor, x).pow(2).sum().backward();
    [...model.parameters()].forEach((p, i) => assertClose(values(p.grad!), f.paramGrads[i]!, `parameter ${i} grad`));

    const xg = dec(f.x).requiresGrad_();
    const w0 = [...model.parameters()][0]!;
    const [gx, gw] = torch.autograd.grad(C.checkpoint((t: Tensor) => model.forward(t) as Tensor, xg).pow(2).sum(), [xg, w0]);
    assertClose(values(gx!), f.xGrad, "autograd.grad x");
    assertClose(values(gw!), f.paramGrads[0]!, "autograd.grad weight");
    model.zeroGrad();
    C.checkpoint((t: Tensor) => model.forward(t) as Tensor, xg).pow(2).sum().backward({ inputs: [w0] });
    assertClose(values(w0.grad!), f.paramGrads[0]!, "backward({ inputs })");
    assert.equal([...model.parameters()][1]!.grad, null);
  });

  test("retainGraph: a second backward recomputes again and gives the same gradients", () => {
    const f = fx.checkpointMlp;
    const model = fixtureMlp();
    const x = dec(f.x).requiresGrad_();
    let runs = 0;
    const loss = C.checkpoint((t: Tensor) => (runs++, model.forward(t) as Tensor), x).pow(2).sum();
    loss.backward({ retainGraph: true });
    loss.backward();
    assert.equal(runs, 3); // forward, and one recomputation per backward
    assertClose(values(x.grad!), f.xGrad.map((g) => 2 * g), "x.grad after two backwards");
  });
});

describe("checkpoint and randomness", () => {
  function dropoutNet(): [torch.nn.Sequential, Tensor] {
    torch.manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(16, 16), new nn.Dropout(0.5), new nn.Tanh(), new nn.Linear(16, 16), new nn.Dropout(0.3));
    return [model, torch.randn([8, 16])];
  }
  const gradsOf = (model: torch.nn.Module) => [...model.parameters()].map((p) => values(p.grad!));

  test("the recomputation draws forward's dropout masks (preserveRngState), and leaves the caller's random stream alone", () => {
    const [model, x] = dropoutNet();
    torch.manualSeed(7);
    model.forward(x).sum().backward();
    const plain = gradsOf(model);
    const nextPlain = torch.rand([3]).tolist();
    for (const useReentrant of [false, true]) {
      model.zeroGrad();
      torch.manualSeed(7);
      const y = C.checkpoint((t: Tensor) => model.forward(t) as Tensor, x.requiresGrad_(useReentrant), { useReentrant });
      y.sum().backward();
      assert.deepEqual(gradsOf(model), plain, `useReentrant ${useReentrant}`);
      assert.deepEqual(torch.rand([3]).tolist(), nextPlain, "the stream after backward is as without checkpoint");
      x.requiresGrad_(false);
    }
  });

  test("preserveRngState: false recomputes with other masks, so the gradients differ (PyTorch's documented trade-off)", () => {
    const [model, x] = dropoutNet();
    torch.manualSeed(7);
    model.forward(x).sum().backward();
    const plain = gradsOf(model);
    model.zeroGrad();
    torch.manualSeed(7);
    C.checkpoint((t: Tensor) => model.forward(t) as Tensor, x, { preserveRngState: false, determinismCheck: "none" }).sum().backward();
    assert.notDeepEqual(gradsOf(model), plain);
  });
});

describe("checkpoint holds less memory between forward and backward", () => {
  // 8 x (Linear(256, 256), Tanh) on a batch of 64: every activation is 64 KiB
  function deepMlp(): torch.nn.Sequential {
    torch.manualSeed(0);
    const layers: torch.nn.Module[] = [];
    for (let i = 0; i < 8; i++) layers.push(new nn.Linear(256, 256), new nn.Tanh());
    return new nn.Sequential(...layers);
  }
  const x = torch.randn([64, 256]);
  const activation = 64 * 256 * 4;

  /** Live tensor bytes that `run`'s graph holds (besides the model and x), and its output. */
  async function held(run: () => Tensor): Promise<[number, Tensor]> {
    const base = (await torch.settleMemory()).liveBytes;
    const out = run();
    return [(await torch.settleMemory()).liveBytes - base, out];
  }

  test("plain vs checkpoint vs checkpointSequential, with the gradients unchanged", async () => {
    const model = deepMlp();
    const fwd = (t: Tensor) => model.forward(t) as Tensor;
    const runs: Record<string, () => Tensor> = {
      plain: () => fwd(x),
      nonReentrant: () => C.checkpoint(fwd, x),
      reentrant: () => C.checkpoint(fwd, x.requiresGrad_(true), { useReentrant: true }),
      sequential: () => C.checkpointSequential(model, 4, x),
    };
    const bytes: Record<string, number> = {};
    let plainGrads: number[][] = [];
    for (const [name, run] of Object.entries(runs)) {
      model.zeroGrad();
      const [b, out] = await held(run);
      bytes[name] = b;
      out.pow(2).mean().backward();
      const grads = [...model.parameters()].map((p) => values(p.grad!));
      if (name === "plain") plainGrads = grads;
      else grads.forEach((g, i) => assertClose(g, plainGrads[i]!, `${name}: parameter ${i} grad`));
      x.requiresGrad_(false);
    }
    // plain: each Tanh keeps its output, which the next Linear keeps as its input: 8 activations (the last is the output)
    assert.ok(bytes.plain! >= 8 * activation, `plain holds ${bytes.plain}`);
    // checkpointed whole: the output, nothing of the inside
    assert.ok(bytes.nonReentrant! <= 2 * activation, `non-reentrant holds ${bytes.nonReentrant}`);
    assert.ok(bytes.reentrant! <= 2 * activation, `reentrant holds ${bytes.reentrant}`);
    // 4 segments of 4 functions: the 3 checkpointed segments' outputs (the next ones' inputs) and the last segment's 2 activations
    assert.ok(bytes.sequential! <= 5 * activation, `sequential holds ${bytes.sequential} (plain ${bytes.plain})`);
  });
});

describe("checkpoint's rules and messages (PyTorch 2.x)", () => {
  test("reentrant: no input requiring grad warns and the output does not require grad; autograd.grad is refused", async () => {
    const w = torch.ones([2], { requiresGrad: true });
    let y!: Tensor;
    const warnings = await warningMessagesDuring(() => {
      y = C.checkpoint((t: Tensor) => t.mul(w), torch.ones([2]), { useReentrant: true });
    });
    assert.deepEqual(warnings, [fx.checkpointMessages.noInputRequiresGrad]);
    assert.equal(y.requiresGrad, false);

    const x = torch.ones([2], { requiresGrad: true });
    const z = C.checkpoint((t: Tensor) => t.exp(), x, { useReentrant: true });
    assert.throws(() => torch.autograd.grad(z.sum(), x), /^Error: When use_reentrant=True, torch.utils.checkpoint is incompatible with \.grad\(\) or passing an `inputs` parameter to \.backward\(\)/);
    const z2 = C.checkpoint((t: Tensor) => t.exp(), x, { useReentrant: true });
    assert.throws(() => z2.sum().backward({ inputs: [x] }), /^Error: When use_reentrant=True/);
    assert.throws(() => C.checkpoint((t: Tensor) => t, x, { useReentrant: true, debug: true }), /^Error: Passing `context_fn` or `debug` is only supported when use_reentrant=False\./);
  });

  test("the recomputation must save what forward saved: count and metadata checks, the debug log, determinismCheck: none", () => {
    const x = torch.ones([2, 3], { requiresGrad: true });
    let calls = 0;
    const fewer = (t: Tensor) => (calls++ === 0 ? t.exp().exp() : t.exp());
    const y1 = C.checkpoint(fewer, x);
    assert.throws(() => y1.sum().backward(), (e: Error) =>
      e instanceof C.CheckpointError && e.message.startsWith(
        "torch.utils.checkpoint: A different number of tensors was saved during the original forward and recomputation.\n" +
          "Number of tensors saved during forward: 2\nNumber of tensors saved during recomputation: 1"));
    calls = 0;
    const more = (t: Tensor) => (calls++ === 0 ? t.exp() : t.exp().exp());
    const y0 = C.checkpoint(more, x, { earlyStop: false });
    assert.throws(() => y0.sum().backward(), (e: Error) =>
      e instanceof C.CheckpointError && e.message.startsWith("torch.utils.checkpoint: trying to save more tensors during recomputation than during the original forward pass."));
    calls = 0;
    const differentShape = (t: Tensor) => (calls++ === 0 ? t.exp() : t.narrow(1, 0, 2).exp());
    const y2 = C.checkpoint(differentShape, x);
    assert.throws(() => y2.sum().backward(), (e: Error) =>
      e instanceof C.CheckpointError && e.message.startsWith(
        "torch.utils.checkpoint: Recomputed values for the following tensors have different metadata than during the forward pass.\n" +
          "tensor at position 0:\nsaved metadata: {'shape': torch.Size([2, 3]), 'dtype': torch.float32, 'device': device(type='cpu')}\n" +
          "recomputed metadata: {'shape': torch.Size([2, 2]), 'dtype': torch.float32, 'device': device(type='cpu')}"));
    calls = 0;
    const y3 = C.checkpoint(differentShape, x, { debug: true });
    assert.throws(() => y3.sum().backward(), (e: Error) =>
      e instanceof C.CheckpointError && e.message.startsWith("An error happened while unpacking tensors; dumping logs of latest computation because you passed `debug=True`") &&
      e.message.includes("ExpBackward0 saved {'shape': torch.Size([2, 3])") && e.message.includes("ExpBackward0 saved {'shape': torch.Size([2, 2])") &&
      e.message.includes("have different metadata than during the forward pass"));
    // with no check, the mismatch goes unnoticed by checkpoint (PyTorch: "none" turns the check off)
    calls = 0;
    const sameCount = (t: Tensor) => (calls++ === 0 ? t.exp() : t.mul(2).exp().div(2));
    const y4 = C.checkpoint(sameCount, x, { determinismCheck: "none", earlyStop: true });
    assert.doesNotThrow(() => y4.sum().backward());
    assert.throws(() => C.checkpoint((t: Tensor) => t, x, { determinismCheck: "strict" as "none" }), /^Error: determinism_check should be one of \['default', 'none'\], but got strict/);
  });

  test("a saved tensor unpacked twice in one backward is refused; an input changed in place after forward is caught", () => {
    class Twice extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, t: Tensor) {
        ctx.saveForBackward(t);
        return t.mul(2);
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
        void ctx.savedTensors;
        return g.mul(ctx.savedTensors[0]!.mul(0).add(2));
      }
    }
    const x = torch.ones([2], { requiresGrad: true });
    const y = C.checkpoint((t: Tensor) => Twice.apply(t.mul(1)) as Tensor, x);
    assert.throws(() => y.sum().backward(), /^CheckpointError: torch\.utils\.checkpoint: Unpack is being triggered for a tensor that was already unpacked once\./);

    const a = torch.ones([2], { requiresGrad: true }).mul(1);
    const z = C.checkpoint((t: Tensor) => t.exp(), a);
    torch.noGrad(() => a.add_(1));
    assert.throws(() => z.sum().backward(), /^Error: one of the variables needed for gradient computation has been modified by an inplace operation/);
  });

  test("non-reentrant checkpoint is made of saved-tensor hooks: disableSavedTensorsHooks refuses it, not the reentrant one", () => {
    const x = torch.ones([2], { requiresGrad: true });
    const msg = "this code does not support saved tensors hooks";
    assert.throws(() => torch.autograd.graph.disableSavedTensorsHooks(msg, () => C.checkpoint((t: Tensor) => t.exp(), x)), (e: Error) => e.message === msg);
    const y = torch.autograd.graph.disableSavedTensorsHooks(msg, () => C.checkpoint((t: Tensor) => t.exp(), x, { useReentrant: true }));
    y.sum().backward();
    assert.ok(torch.allclose(x.grad!, y.detach()));
  });

  test("without grad, checkpoint just calls the function; options: a plain object with other keys is an argument", () => {
    const x = torch.ones([2], { requiresGrad: true });
    let runs = 0;
    const y = torch.noGrad(() => C.checkpoint((t: Tensor) => (runs++, t.exp()), x));
    assert.equal(y.requiresGrad, false);
    assert.equal(runs, 1);
    const scaled = C.checkpoint((t: Tensor, o: { scale: number }) => t.mul(o.scale), x, { scale: 3 });
    scaled.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [3, 3]);
    assert.throws(() => C.checkpoint(async (t: Tensor) => { await Promise.resolve(); return t; }, x), /^TypeError: checkpoint: the function must be a plain synchronous function/);
    assert.throws(() => C.checkpointSequential([(t: Tensor) => t], 2, x), /^Error: checkpointSequential: segments must be an integer from 1 to the number of functions \(1\), got 2/);
  });
});
