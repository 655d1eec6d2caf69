/**
 * A leaf's first `.grad` is the engine's gradient itself when nothing else can
 * hold it (PyTorch's refcount-1 steal) and a copy otherwise. These tests check
 * both halves: the copy is skipped in the plain case, and a `.grad` never
 * shares memory with another leaf's grad, the caller's gradient, a hook's
 * tensor or a custom Function's tensor (changing one must not change the other).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { storagesCreatedSoFar } from "../src/tensor/storage.js";

/** `grad` is independent of `other`: writing into grad leaves other as it was. */
function assertIndependent(grad: Tensor, other: Tensor, what: string): void {
  assert.notEqual(grad.storage, other.storage, `${what}: shares storage`);
  const before = Array.from(other.data);
  grad.add_(100);
  assert.deepEqual(Array.from(other.data), before, `${what}: changed by an in-place write to .grad`);
}

test("the first .grad of a leaf is the computed gradient itself, with no copy", () => {
  const storagesFor = (hook: boolean) => {
    const w = torch.randn([8, 8], { requiresGrad: true });
    const x = torch.randn([8, 8]);
    if (hook) w.registerHook(() => undefined); // a hook could keep its argument: the engine must copy
    const loss = x.mm(w).sum();
    const before = storagesCreatedSoFar();
    loss.backward();
    return storagesCreatedSoFar() - before;
  };
  assert.equal(storagesFor(false) + 1, storagesFor(true), "one copy fewer without the hook");
});

test("two leaves that receive the same gradient get separate .grad tensors", () => {
  const a = torch.randn([300], { requiresGrad: true }), b = torch.randn([300], { requiresGrad: true });
  a.mul(2).add(b.mul(2)).sum().backward(); // MulBackward results: separate
  assertIndependent(a.grad!, b.grad!, "separate products");
  const c = torch.randn([300], { requiresGrad: true }), d = torch.randn([300], { requiresGrad: true });
  c.add(d).mul(3).sum().backward(); // AddBackward hands one tensor to both
  assertIndependent(c.grad!, d.grad!, "one tensor to both");
  assert.deepEqual(Array.from(d.grad!.data), new Array(300).fill(3));
});

test(".grad never shares memory with the caller's gradient", () => {
  const a = torch.randn([300], { requiresGrad: true });
  const g = torch.randn([300]);
  a.add(1).backward(g);
  assertIndependent(a.grad!, g, "gradient passed through AddBackward");
  const leaf = torch.randn([300], { requiresGrad: true });
  const g2 = torch.randn([300]);
  leaf.backward(g2);
  assertIndependent(leaf.grad!, g2, "gradient passed to the leaf itself");
});

test(".grad never shares memory with a tensor a hook saw or returned", () => {
  const a = torch.randn([300], { requiresGrad: true });
  let seen: Tensor | null = null;
  a.registerHook((g) => { seen = g; });
  a.mul(2).sum().backward();
  assertIndependent(a.grad!, seen!, "leaf hook's argument");

  const b = torch.randn([300], { requiresGrad: true });
  let made: Tensor | null = null;
  const mid = b.mul(2);
  mid.registerHook((g) => (made = g.mul(1)));
  mid.add(0).sum().backward(); // the hook's tensor flows on through MulBackward's fresh product
  assert.ok(made !== null);
  const before = Array.from((made as Tensor).data);
  b.grad!.add_(100);
  assert.deepEqual(Array.from((made as Tensor).data), before);
});

test(".grad never shares memory with what a custom Function's backward returns", () => {
  let kept: Tensor | null = null;
  class Keep extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor) {
      return x.mul(1);
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor) {
      kept = g.mul(2);
      return kept;
    }
  }
  const x = torch.randn([300], { requiresGrad: true });
  (Keep.apply(x) as Tensor).sum().backward();
  assertIndependent(x.grad!, kept!, "the Function's result");
});

test("accumulating into an existing .grad and retainGrad still work", () => {
  const a = torch.randn([300], { requiresGrad: true });
  a.mul(2).sum().backward();
  const first = a.grad!;
  a.mul(3).sum().backward();
  assert.equal(a.grad, first, "later backward adds in place");
  assert.deepEqual(Array.from(a.grad.data), new Array(300).fill(5));
  const b = torch.randn([300], { requiresGrad: true });
  const mid = b.mul(2);
  mid.retainGrad();
  mid.mul(4).sum().backward();
  assertIndependent(b.grad!, mid.grad!, "retained grad");
});

test("a plain backward after a createGraph one adds into the same .grad tensor, in place (PyTorch's AccumulateGrad outside grad mode)", () => {
  // PyTorch 1.13: x = [1, 2]; (x**2).sum().backward(create_graph=True); g = x.grad; (x*3).sum().backward()
  // -> g is x.grad, g == [5, 7], g._version one higher, g still requires grad
  const x = torch.tensor([1, 2], { requiresGrad: true });
  x.pow(2).sum().backward({ createGraph: true });
  const g = x.grad!;
  const version = g.version;
  x.mul(3).sum().backward();
  assert.equal(x.grad, g);
  assert.deepEqual(g.tolist(), [5, 7]);
  assert.equal(g.version, version + 1);
  assert.equal(g.requiresGrad, true);
  // a second createGraph backward builds on the grad out of place, so its graph reaches both terms
  x.pow(3).sum().backward({ createGraph: true });
  assert.notEqual(x.grad, g);
  assert.deepEqual(x.grad.tolist(), [8, 19]);
});

test("backward takes its options first when there is no gradient, and refuses a gradient that is not a tensor", () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.pow(2).sum();
  y.backward({ retainGraph: true });
  y.backward(null, { inputs: [x] });
  assert.deepEqual(x.grad!.tolist(), [4, 8]);
  assert.throws(() => x.mul(2).backward([1, 1] as never), {
    name: "TypeError",
    message: "backward(): the gradient for output 0 must be a Tensor or null, not number",
  });
});
