/**
 * Custom autograd Functions that return an input as it is or a view, as
 * PyTorch 2.x's _wrap_outputs: the view carries the IN_CUSTOM_FUNCTION
 * creation meta (several differentiable outputs: MULTI_OUTPUT_NODE), so an
 * in-place change of it or its base raises PyTorch's message; unrecorded, an
 * input comes back detached or as a no_grad alias. And `isLeaf`, which reads
 * the gradFn as PyTorch's is_leaf does, raises where reading it raises.
 * Fixtures: scripts/gen_faithful_fixtures.py (PyTorch 1.13; 2.x noted where it differs).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

type FunctionCtx = torch.autograd.FunctionCtx;
import { assertClose, type Encoded, throwsExactly, values } from "./fixture-values.js";

const load = <T>(name: string): T => JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "faithful", name), "utf8")) as T;

class Id extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(2);
  }
}
class ViewIn extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x.view([-1]);
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.view([3, 1]);
  }
}
class Two extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor[] {
    return [x, x.view([-1])];
  }
  static override backward(_ctx: FunctionCtx, g1: Tensor, g2: Tensor): Tensor {
    return g1.add(g2.view([3]));
  }
}
class Dirty extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    x.mul_(2);
    ctx.markDirty(x);
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(2);
  }
}
const rg = () => torch.ones([3], { requiresGrad: true });
const id = (x: Tensor) => Id.apply(x) as Tensor;

describe("a custom Function's returned views (IN_CUSTOM_FUNCTION)", () => {
  interface Fx {
    errors: Record<string, string | null>;
    leaf: { isInput: boolean; isLeaf: boolean; node: string; baseIsInput: boolean; grad: Encoded[] };
    nogradInput: { isInput: boolean; baseIsInput: boolean; requiresGrad: boolean; inputAfterAdd: Encoded[] };
    inNoGrad: { isInput: boolean; requiresGrad: boolean; isView: boolean; isLeaf: boolean };
    dirty: { isInput: boolean; versionBump: number; node: string };
    dirtyUnrecorded: { versionBump: number };
  }
  const fx = load<Fx>("custom-function.json");
  const scenarios: Record<string, () => unknown> = {
    leafInplace: () => id(rg()).add_(1),
    nonleafInplace: () => id(rg().clone()).add_(1),
    viewInplace: () => (ViewIn.apply(torch.ones([3, 1], { requiresGrad: true })) as Tensor).add_(1),
    baseInplaceGradFn: () => {
      const h = rg().clone(), y = id(h);
      h.add_(1);
      return y.gradFn;
    },
    baseInplaceIsLeaf: () => {
      const h = rg().clone(), y = id(h);
      h.add_(1);
      return y.isLeaf;
    },
    twoFirst: () => (Two.apply(rg().clone()) as Tensor[])[0]!.add_(1),
    twoSecond: () => (Two.apply(rg().clone()) as Tensor[])[1]!.mul_(2),
    nogradInplaceThenGradFn: () => {
      const y = id(rg());
      torch.noGrad(() => y.add_(1));
      return y.gradFn;
    },
    viewOfOutput: () => id(rg()).view([3]).add_(1),
  };
  for (const [name, run] of Object.entries(scenarios)) {
    test(`${name}: PyTorch's error`, () => throwsExactly(run, fx.errors[name]!, name));
  }
  test("a leaf returned as is: an alias with the Function's node; the gradient goes through its backward", () => {
    const x = rg(), y = id(x);
    assert.equal(y === x, fx.leaf.isInput);
    assert.equal(y.isLeaf, fx.leaf.isLeaf);
    assert.equal(y.gradFn!.name, fx.leaf.node);
    assert.equal(y._base === x, fx.leaf.baseIsInput);
    assert.ok(x.isLeaf);
    y.sum().backward();
    assertClose(values(x.grad!), fx.leaf.grad, "grad");
  });
  test("unrecorded, an input that does not require grad comes back as an alias of it", () => {
    const x = torch.ones([3]), y = id(x);
    assert.equal(y === x, fx.nogradInput.isInput);
    assert.equal(y._base === x, fx.nogradInput.baseIsInput);
    assert.equal(y.requiresGrad, fx.nogradInput.requiresGrad);
    y.add_(1);
    assertClose(values(x), fx.nogradInput.inputAfterAdd, "x after y.add_(1)");
  });
  test("in no_grad mode, an input that requires grad comes back detached", () => {
    const x = rg(), y = torch.noGrad(() => id(x));
    assert.equal(y === x, fx.inNoGrad.isInput);
    assert.equal(y.requiresGrad, fx.inNoGrad.requiresGrad);
    assert.equal(y._base !== null, fx.inNoGrad.isView);
    assert.equal(y.isLeaf, fx.inNoGrad.isLeaf);
    y.add_(1); // no error: not a view of the leaf
    assert.ok(x.requiresGrad);
  });
  test("an input marked dirty comes back as itself; its version is bumped (recorded or not)", () => {
    const x = rg().clone(), v0 = x.version, y = Dirty.apply(x) as Tensor;
    assert.equal(y === x, fx.dirty.isInput);
    assert.equal(x.version - v0, fx.dirty.versionBump);
    assert.equal(y.gradFn!.name, fx.dirty.node);
    const u = torch.ones([3]), u0 = u.version;
    // (PyTorch 1.13 returns an alias of an unrecorded dirty input; 2.x's _wrap_outputs returns the input itself)
    assert.equal(Dirty.apply(u), u);
    assert.equal(u.version - u0, fx.dirtyUnrecorded.versionBump);
  });
});

describe("isLeaf reads the gradFn, as PyTorch's is_leaf: it raises where that does", () => {
  const fx = load<Record<string, string | boolean>>("is-leaf.json");
  const splitThenBase = () => {
    const x = rg().clone(), [a] = x.split([1, 2]);
    x.mul_(2);
    return a!;
  };
  const nogradViewThenBase = () => {
    const x = rg().clone(), v = torch.noGrad(() => x.narrow(0, 0, 2));
    x.mul_(2);
    return v;
  };
  test("a split output whose base changed in place", () => {
    throwsExactly(() => splitThenBase().gradFn, fx.splitGradFn as string, "gradFn");
    throwsExactly(() => splitThenBase().isLeaf, fx.splitIsLeaf as string, "isLeaf");
    assert.equal(splitThenBase().requiresGrad, fx.splitRequiresGrad);
  });
  test("a view made in no_grad mode whose base changed in place", () => {
    throwsExactly(() => nogradViewThenBase().gradFn, fx.nogradGradFn as string, "gradFn");
    throwsExactly(() => nogradViewThenBase().isLeaf, fx.nogradIsLeaf as string, "isLeaf");
  });
});
