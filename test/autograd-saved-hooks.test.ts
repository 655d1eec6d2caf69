/**
 * torch.autograd.graph's saved-tensor hooks against PyTorch: what pack sees,
 * how often unpack runs, that backward uses what unpack returns
 * (fixtures: scripts/gen_autograd_hooks_fixtures.py, PyTorch 1.13, with 2.x's
 * answer where they differ), the rules of PyTorch's saved_variable.cpp
 * (no version check through hooks, pack must not write its input, unpack
 * must return a tensor, the unpacked tensor's place in the graph), nesting,
 * disableSavedTensorsHooks, saveOnCpu, and the async scopes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values } from "./fixture-values.js";

const G = torch.autograd.graph;

interface Enc { shape: number[]; data: number[] }
interface SavedCase {
  name: string; x: Enc; w: Enc; gradOutput: Enc; output: Enc;
  packs: [number[], boolean, string | null][]; unpacks: number;
  grads: { x: number[]; w: number[] | null }; gradsUnpackPlusOne: { x: number[]; w: number[] | null };
}
export const hooksFixture = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "autograd", "hooks.json"), "utf8")) as {
  saved: SavedCase[];
  hookErrors: Record<string, string>;
};

const dec = (e: Enc, requiresGrad = false) => torch.tensor(e.data).reshape(e.shape).requiresGrad_(requiresGrad);

// the generator's SAVED expressions
const SAVED: Record<string, (x: Tensor, w: Tensor) => Tensor> = {
  exp: (x) => x.exp(),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  pow2: (x) => x.pow(2),
  sin: (x) => x.sin(),
  relu: (x) => x.relu(),
  softmax: (x) => x.softmax(1),
  mm: (x, w) => x.mm(w),
  mul_const: (x) => x.mul(3),
  sum: (x) => x.sum(),
  exp_sin: (x) => x.exp().sin(),
};

const describeT = (t: Tensor): [number[], boolean, string | null] => [[...t.shape], t.requiresGrad, t.gradFn?.name ?? null];
const byString = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe("savedTensorsHooks against PyTorch", () => {
  for (const c of hooksFixture.saved) {
    test(`${c.name}: pack sees the saved tensors, unpack runs once each, backward uses what unpack returns`, () => {
      const x = dec(c.x, true), w = dec(c.w, true);
      const packs: [number[], boolean, string | null][] = [];
      let unpacks = 0;
      const y = G.savedTensorsHooks(
        (t) => {
          packs.push(describeT(t));
          assert.equal(torch.isGradEnabled(), false); // pack runs under no_grad
          return t;
        },
        (t) => {
          unpacks++;
          return t;
        },
        () => SAVED[c.name]!(x, w),
      );
      assertClose(values(y.detach()), c.output.data, `${c.name} output`);
      // (which op saves first is the order of PyTorch's generated code: compare as sets)
      assert.deepEqual([...packs].sort(byString), [...c.packs].sort(byString));
      y.backward(dec(c.gradOutput));
      assert.equal(unpacks, c.unpacks);
      assertClose(values(x.grad!), c.grads.x, `${c.name} x.grad`);
      if (c.grads.w !== null) assertClose(values(w.grad!), c.grads.w, `${c.name} w.grad`);

      x.grad = null;
      w.grad = null;
      const y2 = G.savedTensorsHooks((t) => t.clone(), (t: Tensor) => t.add(1), () => SAVED[c.name]!(x, w));
      y2.backward(dec(c.gradOutput));
      assertClose(values(x.grad!), c.gradsUnpackPlusOne.x, `${c.name} x.grad, unpack adds 1`);
      if (c.gradsUnpackPlusOne.w !== null) assertClose(values(w.grad!), c.gradsUnpackPlusOne.w, `${c.name} w.grad, unpack adds 1`);
    });
  }

  test("PyTorch's docs example: a * b packs a (a leaf) and b (MulBackward0's output), and unpacks both in backward", () => {
    const a = torch.ones([5], { requiresGrad: true });
    const b = torch.ones([5], { requiresGrad: true }).mul(2);
    const log: string[] = [];
    const y = G.savedTensorsHooks(
      (t) => (log.push(`pack ${t.gradFn?.name ?? "leaf"}`), t),
      (t: Tensor) => (log.push(`unpack ${t.gradFn?.name ?? "leaf"}`), t),
      () => a.mul(b),
    );
    assert.deepEqual([...log].sort(), ["pack MulBackward0", "pack leaf"]);
    y.sum().backward();
    assert.deepEqual(log.slice(2).sort(), ["unpack MulBackward0", "unpack leaf"]);
    assert.deepEqual(a.grad!.tolist(), [2, 2, 2, 2, 2]);
  });
});

describe("saved-tensor hooks follow PyTorch's saved_variable.cpp", () => {
  test("no version check through hooks: an in-place change after saving is not caught, backward reads the new value (1.13 and 2.x)", () => {
    const a = torch.ones([3], { requiresGrad: true });
    let b!: Tensor, y!: Tensor;
    {
      using _ = G.savedTensorsHooks((t) => t, (t: Tensor) => t);
      b = a.mul(1);
      y = b.mul(b);
    }
    torch.noGrad(() => b.add_(1));
    y.sum().backward();
    assert.deepEqual(a.grad!.tolist(), [4, 4, 4]); // 2 * b with b = 2, as PyTorch

    // when pack returns a copy, backward uses the copy: the value at save time
    const a2 = torch.ones([3], { requiresGrad: true });
    const b2 = a2.mul(1);
    const y2 = G.savedTensorsHooks((t) => t.clone(), (t: Tensor) => t, () => b2.mul(b2));
    torch.noGrad(() => b2.add_(1));
    y2.sum().backward();
    assert.deepEqual(a2.grad!.tolist(), [2, 2, 2]);

    // and without hooks the same program fails, as before
    const a3 = torch.ones([3], { requiresGrad: true });
    const b3 = a3.mul(1);
    const y3 = b3.mul(b3);
    torch.noGrad(() => b3.add_(1));
    assert.throws(() => y3.sum().backward(), /^Error: one of the variables needed for gradient computation has been modified by an inplace operation/);
  });

  test("pack must not change its input in place; unpack must return a tensor (PyTorch's messages)", () => {
    const msgs = hooksFixture.hookErrors;
    const x = torch.ones([3], { requiresGrad: true });
    assert.throws(
      () => G.savedTensorsHooks((t) => t.add_(1), (t: Tensor) => t, () => x.mul(1).exp()),
      (e: Error) => e.message === msgs.packInPlace,
    );
    const y = G.savedTensorsHooks((t) => t, () => 3 as unknown as Tensor, () => x.exp());
    // (PyTorch names Python's type, "int"; torchlet JavaScript's)
    assert.throws(() => y.sum().backward(), (e: Error) => e instanceof TypeError && e.message.startsWith(msgs.unpackNotTensor!.replace(/ int$/, "")) && e.message.endsWith("number"));
    assert.throws(() => G.savedTensorsHooks(3 as never, (t: Tensor) => t), /^TypeError: savedTensorsHooks: pack must be a function, got number/);
  });

  test("the unpacked tensor takes the saved tensor's place in the graph: double backward flows through it", () => {
    // y = x^3 saves x; with hooks that copy, grad-of-grad must still reach x (PyTorch restores grad_fn / the accumulator)
    const x = torch.tensor([1, 2, 3], { requiresGrad: true, dtype: "float64" });
    const y = G.savedTensorsHooks((t) => t.detach().clone(), (t: Tensor) => t, () => x.pow(3).sum());
    const [g] = torch.autograd.grad(y, x, { createGraph: true });
    assert.deepEqual(g!.tolist(), [3, 12, 27]);
    const [gg] = torch.autograd.grad(g!.sum(), x);
    assert.deepEqual(gg!.tolist(), [6, 12, 18]);

    // a saved output comes back with the saving node as its gradFn; an input with its own gradFn
    const a = torch.ones([2], { requiresGrad: true });
    const h = a.mul(2);
    const e = G.savedTensorsHooks((t) => t.detach(), (t: Tensor) => t, () => h.exp());
    const [saved] = e.gradFn!.savedTensors;
    assert.equal(saved!.gradFn, e.gradFn);
    assert.equal(saved!.storage, e.storage);
    const s = G.savedTensorsHooks((t) => t.detach(), (t: Tensor) => t, () => h.sin());
    assert.equal(s.gradFn!.savedTensors[0]!.gradFn, h.gradFn);
    const l = G.savedTensorsHooks((t) => t.detach(), (t: Tensor) => t, () => a.sin());
    const leaf = l.gradFn!.savedTensors[0]!;
    assert.ok(leaf.isLeaf && leaf.requiresGrad);
  });

  test("node.savedTensors unpacks on every read, and not after backward freed the graph", () => {
    const x = torch.ones([3], { requiresGrad: true });
    let unpacks = 0;
    const y = G.savedTensorsHooks((t) => t, (t: Tensor) => (unpacks++, t), () => x.exp());
    void y.gradFn!.savedTensors;
    void y.gradFn!.savedTensors;
    assert.equal(unpacks, 2);
    y.sum().backward();
    assert.equal(unpacks, 3);
    assert.throws(() => y.gradFn!.savedTensors, /^Error: Trying to backward through the graph a second time/);
  });

  test("only the innermost pair applies; custom Functions' saveForBackward goes through the hooks too", () => {
    const x = torch.ones([2], { requiresGrad: true });
    const log: string[] = [];
    G.savedTensorsHooks((t) => (log.push("outer"), t), (t: Tensor) => t, () => {
      G.savedTensorsHooks((t) => (log.push("inner"), t), (t: Tensor) => t, () => x.exp());
      x.exp();
    });
    assert.deepEqual(log, ["inner", "outer"]);

    class Square extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, t: Tensor) {
        ctx.saveForBackward(t);
        return t.mul(t);
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
        return g.mul(ctx.savedTensors[0]!).mul(2);
      }
    }
    const seen: string[] = [];
    const y = G.savedTensorsHooks((t) => (seen.push("pack"), t.clone()), (t: Tensor) => (seen.push("unpack"), t), () => Square.apply(x) as Tensor);
    y.sum().backward();
    assert.deepEqual(seen, ["pack", "unpack"]);
    assert.deepEqual(x.grad!.tolist(), [2, 2]);
  });

  test("ops in noGrad save nothing, so pack is never called; the hooks end with their scope, also when it throws", () => {
    const x = torch.ones([2], { requiresGrad: true });
    let packs = 0;
    const pack = (t: Tensor) => (packs++, t);
    G.savedTensorsHooks(pack, (t: Tensor) => t, () => torch.noGrad(() => x.exp()));
    assert.equal(packs, 0);
    assert.throws(() => G.savedTensorsHooks(pack, (t: Tensor) => t, () => { throw new Error("boom"); }), /boom/);
    x.exp();
    assert.equal(packs, 0);
  });
});

describe("disableSavedTensorsHooks and saveOnCpu", () => {
  test("disabled: installing hooks throws the message, as does disabling while hooks are on; the previous message comes back", () => {
    const msg = "saved tensors default hooks are disabled";
    assert.throws(() => G.disableSavedTensorsHooks(msg, () => G.saveOnCpu()), (e: Error) => e.message === msg);
    assert.throws(() => G.disableSavedTensorsHooks(msg, () => G.savedTensorsHooks((t) => t, (t: Tensor) => t, () => 1)), (e: Error) => e.message === msg);
    assert.throws(() => G.savedTensorsHooks((t) => t, (t: Tensor) => t, () => G.disableSavedTensorsHooks("inner message", () => 1)), (e: Error) => e.message === "inner message");
    // nested: leaving the inner scope restores the outer message (PyTorch's maybe_prev_message)
    G.disableSavedTensorsHooks("outer", () => {
      G.disableSavedTensorsHooks("inner", () => undefined);
      assert.throws(() => G.saveOnCpu(), (e: Error) => e.message === "outer");
    });
    // and after it, hooks work again
    const y = G.saveOnCpu(() => torch.ones([2], { requiresGrad: true }).exp());
    assert.equal(y.gradFn!.name, "ExpBackward0");
  });

  test("saveOnCpu keeps CPU tensors as they are, with PyTorch's hook semantics (no version check); pinMemory copies at save time", () => {
    const x = torch.ones([3], { requiresGrad: true });
    const b = x.mul(1);
    const y = G.saveOnCpu(() => b.mul(b));
    torch.noGrad(() => b.add_(1));
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [4, 4, 4]); // PyTorch on a CPU graph: [4, 4, 4]

    const x2 = torch.ones([3], { requiresGrad: true });
    const b2 = x2.mul(1);
    const y2 = G.saveOnCpu({ pinMemory: true }, () => b2.mul(b2));
    torch.noGrad(() => b2.add_(1));
    y2.sum().backward();
    assert.deepEqual(x2.grad!.tolist(), [2, 2, 2]);
  });
});

describe("saved-tensor hooks scopes", () => {
  test("a `using` guard holds until the end of the block; guards disposed out of order throw", () => {
    const x = torch.ones([2], { requiresGrad: true });
    let packs = 0;
    {
      using _ = G.savedTensorsHooks((t) => (packs++, t), (t: Tensor) => t);
      x.exp();
    }
    x.exp();
    assert.equal(packs, 1);
    const outer = G.savedTensorsHooks((t) => t, (t: Tensor) => t);
    const inner = G.savedTensorsHooks((t) => t, (t: Tensor) => t);
    assert.throws(() => outer[Symbol.dispose](), /^Error: saved tensors hooks guard disposed out of order/);
    inner[Symbol.dispose]();
    outer[Symbol.dispose]();
    const y = x.exp();
    torch.noGrad(() => y.add_(1));
    assert.throws(() => y.sum().backward(), /modified by an inplace operation/); // no hooks left: the version check is back
  });

  test("a plain function returning a promise is refused (the hooks would not follow its awaits)", async () => {
    assert.throws(() => G.savedTensorsHooks((t) => t, (t: Tensor) => t, () => Promise.resolve(1)), /^TypeError: saved tensors hooks: the function returned a Promise/);
    await new Promise((resolve) => setImmediate(resolve));
  });

  test("an async callback keeps its hooks across awaits, and only there: concurrent code saves plainly", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const w = torch.ones([3], { requiresGrad: true });
    const packedIn: string[] = [];
    const hooked = G.savedTensorsHooks(
      (t) => (packedIn.push("hooked"), t),
      (t: Tensor) => t,
      async () => {
        await sleep(5);
        const y = w.exp(); // after an await: still hooked
        await sleep(1);
        return y;
      },
    );
    const plain = (async () => {
      await sleep(1); // runs while the hooked task is suspended
      return w.sin();
    })();
    const [yh, yp] = await Promise.all([hooked, plain]);
    assert.deepEqual(packedIn, ["hooked"]);
    // the plain task's graph kept its tensor with the version check, the hooked one did not
    torch.noGrad(() => w.detach().add_(0)); // bump w's version
    assert.throws(() => yp.sum().backward(), /modified by an inplace operation/);
    yh.sum().backward();
    assert.equal(w.grad!.shape[0], 3);
    // after the scope: nothing is packed any more
    w.exp();
    assert.deepEqual(packedIn, ["hooked"]);
  });

  test("disableSavedTensorsHooks with an async callback holds across its awaits only", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let insideThrew = false;
    const disabled = G.disableSavedTensorsHooks("off in here", async () => {
      await sleep(3);
      try {
        G.saveOnCpu();
      } catch {
        insideThrew = true;
      }
    });
    await sleep(1);
    G.saveOnCpu(() => undefined); // concurrent code is not disabled
    await disabled;
    assert.equal(insideThrew, true);
  });
});
