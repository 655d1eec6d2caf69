/**
 * Autograd engine details from a random-program probe against PyTorch:
 * a view made before its base required grad, hooks that outlive detach_(),
 * and the leaves' .grad filled before a later node of backward fails.
 * Fixtures: scripts/gen_faithful_3.py (PyTorch 1.13; where 2.x differs the
 * test says so and expects 2.x, read from PyTorch's source).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values } from "./fixture-values.js";
import { type MaybeValues, raisesAsPyTorch, section } from "./faithful-3-fixtures.js";

const { Slice } = torch.indexing;
type FunctionCtx = torch.autograd.FunctionCtx;

interface ViewCase {
  requiresGrad: boolean; isLeaf: boolean; gradFn: string | null; mulNext: (string | null)[];
  backward: string | null; baseGrad: MaybeValues; viewGrad: MaybeValues; gradToBase: string;
  viewOfView: { requiresGrad: boolean; gradFn: string; next: (string | null)[] };
  inplace: string; unsqueeze: { requiresGrad: boolean; isLeaf: boolean }; baseDropsGrad: boolean;
}

test("a view made before its base's requiresGrad_() requires grad as its base does, but stays a leaf with no edge (as PyTorch's)", () => {
  const F = section<ViewCase>("viewBeforeRequiresGrad");
  const made = () => {
    const x = torch.zeros([3]);
    const v = x.index([Slice(1)]);
    x.requiresGrad_();
    return { x, v };
  };
  let { x, v } = made();
  assert.equal(v.requiresGrad, F.requiresGrad);
  assert.equal(v.isLeaf, F.isLeaf);
  assert.equal(v.gradFn?.name ?? null, F.gradFn);
  // an op on it records a node, whose edge to the view is empty: PyTorch regenerates a view's grad_fn only
  // when the storage's version changes (VariableHooks::grad_fn, 1.13 and 2.x alike), not on requires_grad_()
  const y = v.mul(2);
  assert.deepEqual(y.gradFn!.nextFunctions.map(([n]) => n?.name ?? null), F.mulNext);
  raisesAsPyTorch(() => v.mul(2).sum().backward(), F.backward, "backward");
  assert.equal(F.baseGrad, null);
  assert.equal(x.grad, null, "backward does not reach the base");
  assert.equal(F.viewGrad, null);
  assert.equal(v.grad, null, "nor the view");
  raisesAsPyTorch(() => torch.autograd.grad(v.mul(2).sum(), x), `${F.gradToBase} (input 0)`, "grad w.r.t. the base");
  const w = v.view([2]);
  assert.equal(w.requiresGrad, F.viewOfView.requiresGrad);
  assert.equal(w.gradFn?.name, F.viewOfView.gradFn);
  assert.deepEqual(w.gradFn.nextFunctions.map(([n]) => n?.name ?? null), F.viewOfView.next);
  raisesAsPyTorch(() => v.add_(1), F.inplace, "add_ on the view");
  ({ x, v } = made());
  const u = (() => {
    const b = torch.zeros([3]);
    const view = b.unsqueeze(0);
    b.requiresGrad_();
    return view;
  })();
  assert.equal(u.requiresGrad, F.unsqueeze.requiresGrad);
  assert.equal(u.isLeaf, F.unsqueeze.isLeaf);
  x.requiresGrad_(false);
  assert.equal(v.requiresGrad, F.baseDropsGrad, "the base stops requiring grad: so does the view");
});

interface HookCase { error: string | null; hookSaw: MaybeValues[]; grad: MaybeValues; baseGrad: MaybeValues; requiresGrad: boolean }

test("detach_() keeps a tensor's hooks and a detached leaf takes no gradient (PyTorch 2.x)", () => {
  const F = section<Record<string, HookCase> & { registerAfter: string }>("detachHooks");
  for (const kind of ["a", "b", "d", "e", "f", "g"]) {
    const c = F[kind]!;
    const seen: number[][] = [];
    const hook = (g: Tensor) => {
      seen.push(values(g));
      return kind === "d" || kind === "e" ? g.mul(10) : undefined;
    };
    let base: Tensor | null = null, x: Tensor;
    if (kind === "f" || kind === "g") {
      base = torch.ones([3], { requiresGrad: true });
      x = base.mul(1);
    } else {
      x = torch.ones([3], { requiresGrad: true });
    }
    x.registerHook(hook);
    let y: Tensor;
    if (kind === "b" || kind === "d" || kind === "f") {
      y = x.mul(2).sum();
      x.detach_();
      if (kind === "d") x.requiresGrad_();
    } else {
      x.detach_();
      x.requiresGrad_();
      y = x.mul(2).sum();
    }
    raisesAsPyTorch(() => y.backward(), c.error, `${kind}: backward`);
    // b: the graph was made before detach_ and the leaf no longer requires grad. PyTorch 2.x still runs its
    // hook (AccumulateGrad reads the tensor's hooks lazily, and detach_ leaves them: VariableTypeManual.cpp);
    // 1.13 did not. Neither accumulates (AccumulateGrad::apply returns when !requires_grad).
    const saw = kind === "b" ? [[2, 2, 2]] : c.hookSaw;
    assert.deepEqual(seen, saw, `${kind}: what the hook saw`);
    if (c.grad === null) assert.equal(x._grad, null, `${kind}: no grad`);
    else assertClose(values(x.grad!), c.grad, `${kind}: grad`);
    if (base !== null) {
      if (c.baseGrad === null) assert.equal(base.grad, null);
      else assertClose(values(base.grad!), c.baseGrad, `${kind}: base grad`);
    }
    assert.equal(x.requiresGrad, c.requiresGrad, `${kind}: requiresGrad`);
  }
  raisesAsPyTorch(() => torch.ones([3], { requiresGrad: true }).detach_().registerHook((g) => g), F.registerAfter, "register after detach_");
});

class Bad extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x.mul(1);
  }
  static override backward(): Tensor {
    throw new Error("bad backward");
  }
}

interface PartialCase { error: string; a: MaybeValues; b: MaybeValues }

test("a backward that fails in a later node leaves the leaves' .grad filled so far: AccumulateGrad runs first when ready", () => {
  const F = section<Record<string, PartialCase>>("gradBeforeError");
  const build: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
    // a is used (its AccumulateGrad made) before the failing node exists: by creation order alone the failing
    // node would run first; PyTorch's AccumulateGrad has sequence number UINT64_MAX and runs as soon as it is ready
    versionAfterLeafUse: (a, b) => {
      a.mul(5);
      const z = b.mul(1).exp();
      torch.noGrad(() => z.add_(0));
      return a.mul(2).sum().add(z.sum());
    },
    versionFirst: (a, b) => {
      const y = a.mul(2), z = b.mul(1).exp();
      torch.noGrad(() => z.add_(0));
      return z.sum().add(y.sum());
    },
    customFunction: (a, b) => (Bad.apply(b) as Tensor).sum().add(a.mul(3).sum()),
  };
  for (const [name, c] of Object.entries(F)) {
    const a = torch.ones([3], { requiresGrad: true }), b = torch.ones([3], { requiresGrad: true });
    const loss = build[name]!(a, b);
    raisesAsPyTorch(() => loss.backward(), c.error, `${name}: error`);
    for (const [t, want, which] of [[a, c.a, "a"], [b, c.b, "b"]] as const) {
      if (want === null) assert.equal(t.grad, null, `${name}: ${which}.grad`);
      else assertClose(values(t.grad!), want, `${name}: ${which}.grad`);
    }
  }
});
