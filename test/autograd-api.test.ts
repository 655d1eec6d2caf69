/**
 * The autograd API of API.md: backward options, autograd.grad, accumulation,
 * retainGrad, hooks, custom Functions; plus seeded randomness and memory().
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const values = (t: Tensor | null) => Array.from(t!.toArray());

describe("backward and autograd.grad", () => {
  test("leaf grads accumulate over backward calls", () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    assert.deepEqual(values(x.grad), [2, 4, 6]);
    x.mul(3).sum().backward();
    assert.deepEqual(values(x.grad), [5, 7, 9]);
  });

  test("retainGraph allows a second backward through the same graph", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    const first = values(x.grad);
    y.backward();
    values(x.grad).forEach((v, i) => assert.ok(Math.abs(v - 2 * first[i]!) < 1e-5));
  });

  test("inputs limits which leaves accumulate", () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = torch.tensor([3, 4], { requiresGrad: true });
    a.mul(b).sum().backward(undefined, { inputs: [a] });
    assert.deepEqual(values(a.grad), [3, 4]);
    assert.equal(b.grad, null);
  });

  test("inputs may name a non-leaf: it gets .grad, leaves get nothing", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    h.pow(2).sum().backward(undefined, { inputs: [h] });
    assert.deepEqual(values(h.grad), [6, 12]);
    assert.equal(x.grad, null);
    assert.equal(h.retainsGrad, false, "not retained beyond that call");
  });

  test("autograd.grad returns gradients without touching .grad; allowUnused gives null", () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const unused = torch.tensor([5], { requiresGrad: true });
    const [ga, gu] = torch.autograd.grad(a.pow(2).sum(), [a, unused], { allowUnused: true });
    assert.deepEqual(values(ga!), [2, 4]);
    assert.equal(gu, null);
    assert.equal(a.grad, null);
    assert.equal(ga!.requiresGrad, false, "no createGraph: a plain tensor");
  });

  test("autograd.grad with gradOutputs for a non-scalar output", () => {
    const a = torch.tensor([1, 2, 3], { requiresGrad: true });
    const [g] = torch.autograd.grad(a.mul(2), a, { gradOutputs: [torch.tensor([1, 0, -1])] });
    assert.deepEqual(values(g!), [2, 0, -2]);
  });

  test("retainGrad keeps a non-leaf's gradient; other non-leaves keep none", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const k = h.add(1);
    h.retainGrad();
    assert.equal(h.retainsGrad, true);
    k.pow(2).sum().backward();
    assert.deepEqual(values(h.grad), [8, 14]); // 2 * (3x + 1)
    assert.equal(k.grad, null);
    assert.deepEqual(values(x.grad), [24, 42]);
  });
});

describe("registerHook", () => {
  test("a hook on a leaf replaces its gradient; remove() stops it", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    const handle = x.registerHook((g) => {
      seen.push(values(g));
      return g.mul(10);
    });
    x.mul(2).sum().backward();
    assert.deepEqual(seen, [[2, 2]]);
    assert.deepEqual(values(x.grad), [20, 20]);
    handle.remove();
    x.grad = null;
    x.mul(2).sum().backward();
    assert.deepEqual(values(x.grad), [2, 2]);
    assert.equal(seen.length, 1);
  });

  test("a hook on a non-leaf changes what flows to its inputs", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const handle = h.registerHook((g) => g.neg());
    h.sum().backward(undefined, { retainGraph: true });
    assert.deepEqual(values(x.grad), [-2, -2]);
    handle.remove();
    x.grad = null;
    h.sum().backward();
    assert.deepEqual(values(x.grad), [2, 2]);
  });

  test("a hook that returns nothing only observes", () => {
    const x = torch.tensor([3], { requiresGrad: true });
    let observed = 0;
    x.registerHook((g) => {
      observed = g.item();
    });
    x.mul(4).sum().backward();
    assert.equal(observed, 4);
    assert.deepEqual(values(x.grad), [4]);
  });
});

describe("custom autograd.Function", () => {
  class MulExp extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor, y: Tensor) {
      const out = x.mul(y.exp());
      ctx.saveForBackward(x, y, out);
      return out;
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
      const [, y, out] = ctx.savedTensors as [Tensor, Tensor, Tensor];
      // one gradient per forward argument: the number argument gets null
      return [ctx.needsInputGrad[0] ? g.mul(y.exp()) : null, ctx.needsInputGrad[1] ? g.mul(out) : null, null];
    }
  }

  test("saveForBackward, savedTensors and needsInputGrad", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = torch.tensor([0, 1]);
    const out = MulExp.apply(x, y, 7) as Tensor;
    assert.equal(out.gradFn!.name, "MulExpBackward");
    assert.equal(out.gradFn!.nextFunctions[0]![0]!.name, "AccumulateGrad");
    assert.equal(out.gradFn!.nextFunctions[1]![0], null);
    out.sum().backward();
    const e = Math.E;
    values(x.grad).forEach((v, i) => assert.ok(Math.abs(v - [1, e][i]!) < 1e-5));
    assert.equal(y.grad, null);
  });

  test("needsInputGrad reflects which inputs require grad", () => {
    let needs: boolean[] = [];
    class Probe extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, a: Tensor, b: Tensor) {
        needs = [...ctx.needsInputGrad];
        return a.add(b);
      }
      static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor) {
        return [g, g];
      }
    }
    Probe.apply(torch.ones([1]), torch.ones([1], { requiresGrad: true }));
    assert.deepEqual(needs, [false, true]);
  });

  test("an in-place change to a saved tensor is caught at backward", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = torch.tensor([0, 1]);
    const out = MulExp.apply(x, y, 0) as Tensor;
    y.add_(1);
    assert.throws(() => out.sum().backward(), /modified by an inplace operation/);
  });
});

describe("seeded randomness", () => {
  const draws: Record<string, (g?: torch.Generator) => Tensor> = {
    rand: (g) => torch.rand([5], g ? { generator: g } : {}),
    randn: (g) => torch.randn([5], g ? { generator: g } : {}),
    randint: (g) => torch.randint(0, 100, [5], g ? { generator: g } : {}),
    normal_: (g) => torch.zeros([5]).normal_(1, 2, g ? { generator: g } : {}),
    uniform_: (g) => torch.zeros([5]).uniform_(-1, 1, g ? { generator: g } : {}),
  };
  for (const [name, draw] of Object.entries(draws)) {
    test(`${name}: the same seed gives the same values, the next draw differs`, () => {
      torch.manualSeed(42);
      const a = values(draw());
      const a2 = values(draw());
      torch.manualSeed(42);
      assert.deepEqual(values(draw()), a);
      assert.notDeepEqual(a2, a);
    });
  }

  test("generator objects are independent of each other and of the default", () => {
    const g1 = new torch.Generator(7), g2 = new torch.Generator(7);
    const a = values(torch.rand([4], { generator: g1 }));
    torch.manualSeed(1);
    torch.rand([10]); // the default stream moves; g2 must not
    assert.deepEqual(values(torch.rand([4], { generator: g2 })), a);
    torch.manualSeed(3);
    const d = values(torch.rand([4]));
    torch.manualSeed(3);
    torch.randn([3], { generator: g1 });
    assert.deepEqual(values(torch.rand([4])), d, "drawing from g1 leaves the default stream alone");
  });

  test("values lie in their ranges", () => {
    torch.manualSeed(0);
    const u = values(torch.rand([200]));
    assert.ok(u.every((v) => v >= 0 && v < 1));
    const r = values(torch.randint(-3, 3, [200]));
    assert.ok(r.every((v) => Number.isInteger(v) && v >= -3 && v < 3));
    const m = values(torch.zeros([200]).uniform_(2, 5));
    assert.ok(m.every((v) => v >= 2 && v < 5));
  });
});

describe("torch.memory()", () => {
  test("live bytes go up while tensors are held and down after they are dropped", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    assert.ok(gc, "run node with --expose-gc");
    const start = (await torch.settleMemory()).liveBytes;
    let held: Tensor[] | null = Array.from({ length: 4 }, () => torch.zeros([256, 256])); // 4 x 256 KiB
    const during = (await torch.settleMemory()).liveBytes;
    assert.ok(during - start >= 4 * 256 * 256 * 4, `held ${during - start} bytes`);
    assert.equal(held.length, 4);
    held = null;
    const after = (await torch.settleMemory()).liveBytes;
    assert.ok(during - after >= 4 * 256 * 256 * 4, `freed ${during - after} bytes`);
  });

  test("a graph holds its saved tensors until it is dropped; noGrad saves nothing", async () => {
    const x = torch.randn([128, 128], { requiresGrad: true });
    const base = (await torch.settleMemory()).liveBytes;
    let y: Tensor | null = x.exp().exp().sum(); // keeps two 64 KiB intermediates alive through the graph
    const withGraph = (await torch.settleMemory()).liveBytes - base;
    assert.ok(withGraph >= 2 * 128 * 128 * 4, `graph holds ${withGraph} bytes`);
    y = null;
    const z = torch.noGrad(() => x.exp().exp().sum());
    const noGraph = (await torch.settleMemory()).liveBytes - base;
    assert.ok(noGraph < 128 * 128 * 4, `noGrad holds ${noGraph} bytes`);
    assert.equal(y, null);
    assert.equal(z.requiresGrad, false);
  });
});

describe("the graph keeps only what backward needs", () => {
  const bytes = 256 * 256 * 4;
  const held = async (make: () => unknown): Promise<number> => {
    const base = (await torch.settleMemory()).liveBytes;
    const keep = make();
    const after = (await torch.settleMemory()).liveBytes - base;
    assert.ok(keep !== undefined);
    return after;
  };
  const x = torch.randn([256, 256], { requiresGrad: true });
  const ops: Record<string, (t: Tensor) => Tensor> = {
    "sum of a product with a number": (t) => t.mul(2).sum(),
    "mean of a sum": (t) => t.add(1).mean(),
    "mean of a transposed negation": (t) => t.neg().t().mean(),
    "exp (keeps its output, not its input)": (t) => t.mul(3).exp(),
    "reshape then sum": (t) => t.sub(1).reshape([-1]).sum(0),
    "cat then sum": (t) => torch.cat([t.mul(2), t.mul(3)]).sum(),
  };
  for (const [name, op] of Object.entries(ops)) {
    test(name, async () => {
      const resultBytes = name.startsWith("exp") ? bytes : 0;
      const extra = await held(() => op(x)) - resultBytes;
      assert.ok(extra < bytes / 2, `${name}: the graph holds ${extra} bytes beyond the result`);
    });
  }

  test("saved tensors are freed by backward", async () => {
    const y = x.mul(3).exp().exp().sum();
    const before = (await torch.settleMemory()).liveBytes;
    y.backward();
    x.grad = null;
    const after = (await torch.settleMemory()).liveBytes;
    assert.ok(before - after >= 2 * bytes, `backward freed ${before - after} bytes`);
  });
});

test("a custom Function's graph holds only its saved tensors, and frees them in backward", async () => {
  class Double extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor) {
      return x.mul(2);
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor) {
      return g.mul(2);
    }
  }
  const x = torch.randn([256, 256], { requiresGrad: true });
  const base = (await torch.settleMemory()).liveBytes;
  const y = (Double.apply(x.mul(3)) as Tensor).sum(); // x.mul(3) is an input, not saved: it must not stay alive
  const extra = (await torch.settleMemory()).liveBytes - base;
  assert.ok(extra < 256 * 256 * 2, `the graph holds ${extra} bytes`);
  y.backward();
  assert.ok(x.grad !== null);
});

test("custom Functions as PyTorch's: a returned input is a new alias, unused outputs' gradients are zeros, integer outputs don't require grad", () => {
  class Same extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor) {
      return x;
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor) {
      return g.mul(3);
    }
  }
  const x = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const y = Same.apply(x) as Tensor;
  assert.ok(y !== x && x.isLeaf && y.gradFn !== null);
  x.mul(2).sum().backward(); // PyTorch: [2, 2] (x untouched by the Function's node)
  assert.deepEqual(x.grad!.tolist(), [2, 2]);
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [5, 5]);

  class Two extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, a: Tensor, b: Tensor) {
      ctx.saveForBackward(a, b);
      return [a.mul(b), a.argmax(), a.add(b)];
    }
    static override backward(ctx: torch.autograd.FunctionCtx, gProd: Tensor, gIndex: Tensor, gSum: Tensor) {
      const [a, b] = ctx.savedTensors;
      assert.deepEqual([gIndex.shape, gSum.tolist()], [[], [0, 0]]); // materialized as zeros
      return [gProd.mul(b!).add(gSum), gProd.mul(a!).add(gSum)];
    }
  }
  const a = torch.tensor([1, 2], { requiresGrad: true }), b = torch.tensor([3, 4], { requiresGrad: true });
  const [prod, index] = Two.apply(a, b) as Tensor[];
  assert.equal(index!.requiresGrad, false);
  prod!.sum().backward();
  assert.deepEqual([a.grad!.tolist(), b.grad!.tolist()], [[3, 4], [1, 2]]);
});

test("a gradient of the wrong shape from a custom backward or a hook is an error, as in PyTorch", () => {
  class Wrong extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor) {
      return x.mul(1);
    }
    static override backward() {
      return torch.tensor([1, 2, 3]);
    }
  }
  assert.throws(() => (Wrong.apply(torch.tensor([1, 2], { requiresGrad: true })) as Tensor).sum().backward(),
    /^Error: Function WrongBackward returned an invalid gradient at index 0 - got \[3\] but expected shape compatible with \[2\]$/);
  const h = torch.tensor([1, 2], { requiresGrad: true });
  h.registerHook(() => torch.tensor([1, 2, 3]));
  assert.throws(() => h.sum().backward(), /^Error: hook '<lambda>' has changed the size of value/);
  const d = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  d.registerHook(function toFloat(g: Tensor) { return g.float(); });
  assert.throws(() => d.mul(2).sum().backward(), /^Error: hook 'toFloat' has changed the type of value \(was torch.DoubleTensor got torch.FloatTensor\)/); // PyTorch's type names
});
