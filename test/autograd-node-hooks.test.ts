/**
 * Hooks on grad_fn nodes (registerPrehook, registerHook, metadata) and
 * torch.autograd.graph.registerMultiGradHook, against PyTorch: replaced
 * gradients and what the hooks see (fixtures: scripts/gen_autograd_hooks_fixtures.py,
 * PyTorch 1.13), PyTorch's messages for bad hook results, and the engine's
 * hook order, which is PyTorch 2.x's (written inline: 1.13 ran a leaf's node
 * pre-hooks before its tensor hooks, and retained grads in registration order).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values } from "./fixture-values.js";

interface Enc { shape: number[]; data: number[] }
const fx = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "autograd", "hooks.json"), "utf8")) as {
  nodeHooks: {
    prePost: { x: Enc; grad: number[] };
    accumulateGrad: { x: Enc; grad: number[]; postHookSaw: [number, number[]][] };
    noneInput: { a: Enc; c: Enc; gradInputs: (number[] | null)[] };
    unusedOutput: { gradOutputs: (number[] | null)[]; grad: number[] };
  };
  hookErrors: Record<string, string>;
};
const dec = (e: Enc, requiresGrad = false) => torch.tensor(e.data).reshape(e.shape).requiresGrad_(requiresGrad);
const list = (gs: (Tensor | null)[]) => gs.map((g) => (g === null ? null : values(g)));

describe("node hooks against PyTorch", () => {
  test("a pre-hook replaces the gradient the node gets, a post-hook the gradients it gives", () => {
    const f = fx.nodeHooks.prePost;
    const x = dec(f.x, true);
    const y = x.exp();
    const z = y.sin();
    y.gradFn!.registerPrehook((go) => [go[0]!.mul(10)]);
    y.gradFn!.registerHook((gi) => [gi[0]!.add(1)]);
    z.sum().backward();
    assertClose(values(x.grad!), f.grad, "x.grad");
  });

  test("on a leaf's AccumulateGrad: the pre-hook's gradient is accumulated; the post-hook sees no gradInputs and the gradient", () => {
    const f = fx.nodeHooks.accumulateGrad;
    const x = dec(f.x, true);
    const y = x.tanh();
    const acc = y.gradFn!.nextFunctions[0]![0]!;
    assert.equal(acc.name, "AccumulateGrad");
    const saw: [number, number[]][] = [];
    acc.registerPrehook((go) => [go[0]!.mul(2)]);
    acc.registerHook((gi, go) => void saw.push([gi.length, values(go[0]!)]));
    y.sum().backward();
    assertClose(values(x.grad!), f.grad, "x.grad");
    assert.equal(saw.length, 1);
    assert.equal(saw[0]![0], f.postHookSaw[0]![0]);
    assertClose(saw[0]![1], f.postHookSaw[0]![1], "post-hook's gradOutputs");
  });

  test("a post-hook sees null for an input that gets no gradient; a pre-hook null for an output that got none", () => {
    const f = fx.nodeHooks.noneInput;
    const a = dec(f.a, true), c = dec(f.c);
    const b = a.mul(c);
    let got: (number[] | null)[] = [];
    b.gradFn!.registerHook((gi) => void (got = list(gi)));
    b.sum().backward();
    assert.equal(got[1], null);
    assert.equal(f.gradInputs[1], null);
    assertClose(got[0]!, f.gradInputs[0]!, "gradInputs[0]");

    // a custom Function with two outputs, one unused (the generator's TwoOut)
    class TwoOut extends torch.autograd.Function {
      static override forward(_ctx: torch.autograd.FunctionCtx, t: Tensor) {
        return [t.mul(2), t.mul(3)];
      }
      static override backward(_ctx: torch.autograd.FunctionCtx, g1: Tensor, g2: Tensor) {
        return g1.mul(2).add(g2.mul(3));
      }
    }
    const s = torch.tensor([1, 2, 3], { requiresGrad: true });
    const [first] = TwoOut.apply(s) as Tensor[];
    let seen: (number[] | null)[] = [];
    first!.gradFn!.registerPrehook((go) => void (seen = list(go)));
    first!.mul(2).sum().backward();
    assert.deepEqual(seen, fx.nodeHooks.unusedOutput.gradOutputs);
    assertClose(values(s.grad!), fx.nodeHooks.unusedOutput.grad, "grad through the used output");
  });

  test("bad hook results give PyTorch's errors", () => {
    const e = fx.hookErrors;
    const run = (kind: "pre" | "post", hook: (...gs: (Tensor | null)[][]) => unknown) => {
      const a = torch.ones([3], { requiresGrad: true });
      const b = a.exp();
      if (kind === "pre") b.gradFn!.registerPrehook(hook as torch.autograd.NodePreHook);
      else b.gradFn!.registerHook(hook as torch.autograd.NodePostHook);
      return () => b.sum().backward();
    };
    const starts = (msg: string, type: ErrorConstructor = Error) => (err: Error) => err instanceof type && err.message.startsWith(msg);
    assert.throws(run("pre", (go) => go[0]), starts(e.preNotTuple!, TypeError));
    assert.throws(run("pre", (go) => [go[0], go[0]]), starts(e.preWrongCount!));
    assert.throws(run("pre", (go) => [go[0]!.narrow(0, 0, 2)]), starts(e.preWrongSize!));
    assert.throws(run("pre", (go) => [go[0]!.double()]), starts(e.preWrongType!));
    // (PyTorch names Python's type, 'str'; torchlet JavaScript's)
    assert.throws(run("pre", () => ["a"]), starts("expected Variable, but hook returned 'string'", TypeError));
    assert.equal(e.preNotTensor, "expected Variable, but hook returned 'str'");
    assert.throws(run("post", (gi) => [gi[0], gi[0]]), starts(e.postWrongCount!));
    const a = torch.ones([3], { requiresGrad: true });
    const b = a.mul(torch.ones([3]));
    b.gradFn!.registerHook((gi) => [gi[0]!, gi[0]!]);
    assert.throws(() => b.sum().backward(), starts(e.postReplaceNone!));
    assert.throws(() => b.gradFn!.registerHook(3 as never), /^TypeError: registerHook: expected a function, got number/);
  });

  test("returning nothing keeps the gradients; remove() unregisters; metadata is a per-node object", () => {
    const x = torch.ones([2], { requiresGrad: true });
    const y = x.mul(3);
    let calls = 0;
    const h1 = y.gradFn!.registerPrehook(() => void calls++);
    const h2 = y.gradFn!.registerHook(() => [torch.zeros([2]), null]);
    y.sum().backward({ retainGraph: true });
    assert.equal(calls, 1);
    assert.deepEqual(x.grad!.tolist(), [0, 0]);
    h1.remove();
    h2.remove();
    h2.remove(); // twice is harmless
    y.sum().backward();
    assert.equal(calls, 1);
    assert.deepEqual(x.grad!.tolist(), [3, 3]);

    assert.deepEqual(y.gradFn!.metadata, {});
    y.gradFn!.metadata.step = 7;
    assert.equal(y.gradFn!.metadata.step, 7);
    assert.deepEqual(x.mul(2).gradFn!.metadata, {});
    assert.equal(y.gradFn!.name, "MulBackward0");
  });
});

describe("hook order is PyTorch 2.x's: tensor hooks, retained grads, node pre-hooks, the node, node post-hooks", () => {
  test("on a non-leaf's node", () => {
    const x = torch.ones([3], { requiresGrad: true });
    const y = x.mul(2);
    const z = y.exp();
    const log: string[] = [];
    y.retainGrad();
    y.registerHook(() => void log.push(`tensor hook (y.grad set: ${y.grad !== null})`));
    y.gradFn!.registerPrehook(() => void log.push(`pre-hook (y.grad set: ${y.grad !== null})`));
    y.gradFn!.registerHook(() => void log.push("post-hook"));
    z.sum().backward();
    // (1.13 ran the retain_grad hook first, as it was registered first; 2.x runs retained grads after the tensor hooks)
    assert.deepEqual(log, ["tensor hook (y.grad set: false)", "pre-hook (y.grad set: true)", "post-hook"]);
  });

  test("on a leaf's AccumulateGrad (1.13 ran the node pre-hook before the tensor hook)", () => {
    const a = torch.ones([3], { requiresGrad: true });
    const b = a.mul(2);
    const acc = b.gradFn!.nextFunctions[0]![0]!;
    const log: string[] = [];
    acc.registerPrehook(() => void log.push("pre-hook"));
    acc.registerHook(() => void log.push(`post-hook (a.grad set: ${a.grad !== null})`));
    a.registerHook(() => void log.push("tensor hook"));
    b.sum().backward();
    assert.deepEqual(log, ["tensor hook", "pre-hook", "post-hook (a.grad set: true)"]);
  });

  test("autograd.grad w.r.t. a non-leaf runs its tensor hooks only; backward({ inputs }) runs its node too", () => {
    const a = torch.ones([3], { requiresGrad: true });
    const b = a.mul(2);
    const c = b.exp();
    const log: string[] = [];
    b.gradFn!.registerPrehook(() => void log.push("pre"));
    b.gradFn!.registerHook(() => void log.push("post"));
    b.registerHook(() => void log.push("tensor"));
    torch.autograd.grad(c.sum(), b, { retainGraph: true });
    // (2.x's docs: the tensor's hook always runs; 1.13 ran nothing here)
    assert.deepEqual(log, ["tensor"]);
    log.length = 0;
    c.sum().backward({ inputs: [b], retainGraph: true });
    // (PyTorch sets needed_ for backward's inputs, so their node runs; 1.13 logged pre, tensor, post)
    assert.deepEqual(log, ["tensor", "pre", "post"]);
    assert.equal(a.grad, null);
    assert.deepEqual(values(b.grad!).map((v) => Number(v.toFixed(4))), [7.3891, 7.3891, 7.3891]);
  });
});

describe("registerMultiGradHook (PyTorch 2.x; 1.13 has no such function: expected values from 2.x's docs)", () => {
  test("mode all: once per backward, with null for tensors this backward does not compute", () => {
    const a = torch.rand([2, 3], { requiresGrad: true });
    const b = torch.rand([2, 3], { requiresGrad: true });
    const c = a.mul(b);
    const d = a.mul(b);
    const calls: boolean[][] = [];
    const handle = torch.autograd.graph.registerMultiGradHook([a, b, c, d], (grads) => void calls.push(grads.map((g) => g !== null)));
    c.sum().backward({ retainGraph: true });
    c.sum().backward({ inputs: [a], retainGraph: true });
    assert.deepEqual(calls, [[true, true, true, false], [true, false, true, false]]);
    torch.autograd.grad(d.sum(), [b], { retainGraph: true });
    assert.deepEqual(calls[2], [false, true, false, true]);
    handle.remove();
    c.sum().backward({ retainGraph: true });
    assert.equal(calls.length, 3);
  });

  test("mode any: once per backward, with the first gradient computed", () => {
    const a = torch.ones([2], { requiresGrad: true });
    const b = torch.ones([2], { requiresGrad: true });
    const c = a.mul(b).mul(5);
    const seen: number[][] = [];
    torch.autograd.graph.registerMultiGradHook([a, b, c], (g) => void seen.push(values(g)), { mode: "any" });
    c.sum().backward({ retainGraph: true });
    c.sum().backward();
    assert.deepEqual(seen, [[1, 1], [1, 1]]); // c's gradient comes first, each time
    const x = torch.ones([2], { requiresGrad: true });
    assert.throws(() => torch.autograd.graph.registerMultiGradHook([x], () => undefined, { mode: "some" as "any" }), /^Error: Expects mode to be one of \('all', 'any'\) but got some/);
    assert.throws(() => torch.autograd.graph.registerMultiGradHook([torch.ones([2])], () => undefined), /^Error: cannot register a hook on a tensor that doesn't require gradient/);
  });
});
