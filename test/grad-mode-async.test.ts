// API.md's grad-mode rule 4 (async isolation, guard order, lazy AsyncLocalStorage)
// and the promise that plain inference never reads the grad state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { AsyncLocalStorage } from "node:async_hooks";
import * as torch from "../src/index.js";

/** A promise that the test opens by hand, to force one interleaving of two tasks. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

interface Step {
  who: string;
  grad: boolean;
  inference: boolean;
  recorded: boolean;
  inferenceTensor: boolean;
}

/**
 * Runs task A through `scoped` and task B plainly, interleaved through awaits
 * (A1 B1 A2 B2 A3 B3). B is a training step: it sums its outputs into a loss
 * and runs backward. Returns what each step saw.
 */
async function interleave(
  scoped: (body: () => Promise<torch.Tensor>) => Promise<torch.Tensor>,
): Promise<{ a: Step[]; b: Step[]; aOut: torch.Tensor; w: torch.Tensor }> {
  const w = torch.randn([3, 3], { requiresGrad: true });
  const x = torch.randn([2, 3]);
  const steps: Step[] = [];
  const observe = (who: string, h: torch.Tensor): torch.Tensor => {
    const y = h.matmul(w).tanh();
    steps.push({
      who,
      grad: torch.isGradEnabled(),
      inference: torch.isInferenceModeEnabled(),
      recorded: y.gradFn !== null,
      inferenceTensor: y.isInference(),
    });
    return y;
  };
  const g = [gate(), gate(), gate(), gate()] as const;

  const a = scoped(async () => {
    let h = observe("A1", x);
    await g[0].opened;
    h = observe("A2", h);
    g[1].open();
    await g[2].opened;
    h = observe("A3", h);
    g[3].open();
    return h;
  });
  const b = (async () => {
    let h = observe("B1", x);
    g[0].open();
    await g[1].opened;
    h = observe("B2", h);
    g[2].open();
    await g[3].opened;
    h = observe("B3", h);
    const loss = h.sum();
    loss.backward();
    return loss;
  })();
  const [aOut, loss] = await Promise.all([a, b]);
  assert.deepEqual(steps.map((s) => s.who), ["A1", "B1", "A2", "B2", "A3", "B3"], "the two tasks interleave");
  assert.equal(loss.gradFn?.name, "SumBackward0");
  return { a: steps.filter((s) => s.who[0] === "A"), b: steps.filter((s) => s.who[0] === "B"), aOut, w };
}

const NOT_RECORDING = { grad: false, inference: false, recorded: false, inferenceTensor: false };
const RECORDING = { grad: true, inference: false, recorded: true, inferenceTensor: false };

function expectSteps(steps: Step[], expected: Omit<Step, "who">): void {
  for (const s of steps) assert.deepEqual({ ...s, who: undefined }, { ...expected, who: undefined }, `step ${s.who}`);
}

/** Checks the usual case: A runs a no-grad inference, B (outside) trains and records. */
async function checkInferenceBesideTraining(scoped: (body: () => Promise<torch.Tensor>) => Promise<torch.Tensor>) {
  const { a, b, aOut, w } = await interleave(scoped);
  expectSteps(a, NOT_RECORDING);
  expectSteps(b, RECORDING);
  assert.equal(aOut.requiresGrad, false);
  assert.ok(w.grad !== null, "the training step reached the weights");
  assert.equal(torch.isGradEnabled(), true);
}

test("rule 4: async noGrad keeps grad off across its awaits and only there; a concurrent training step records", async () => {
  await checkInferenceBesideTraining((body) => torch.noGrad(async () => body()));
  await checkInferenceBesideTraining((body) => torch.noGrad(body));
});

test("rule 4: async enableGrad inside noGrad records only in its callback", async () => {
  await torch.noGrad(async () => {
    // here A trains under enableGrad while B, in the surrounding noGrad, records nothing
    const { a, b, aOut, w } = await (async () => {
      const w = torch.randn([3, 3], { requiresGrad: true });
      const x = torch.randn([2, 3]);
      const seen: Step[] = [];
      const g = [gate(), gate()] as const;
      const step = (who: string, h: torch.Tensor) => {
        const y = h.matmul(w);
        seen.push({ who, grad: torch.isGradEnabled(), inference: false, recorded: y.gradFn !== null, inferenceTensor: false });
        return y;
      };
      const train = torch.enableGrad(async () => {
        let h = step("A1", x);
        await g[0].opened;
        h = step("A2", h);
        g[1].open();
        h.sum().backward();
        return h;
      });
      const infer = (async () => {
        let h = step("B1", x);
        g[0].open();
        await g[1].opened;
        h = step("B2", h);
        return h;
      })();
      const [aOut] = await Promise.all([train, infer]);
      assert.deepEqual(seen.map((s) => s.who), ["A1", "B1", "A2", "B2"]);
      return { a: seen.filter((s) => s.who[0] === "A"), b: seen.filter((s) => s.who[0] === "B"), aOut, w };
    })();
    for (const s of a) assert.deepEqual([s.grad, s.recorded], [true, true], s.who);
    for (const s of b) assert.deepEqual([s.grad, s.recorded], [false, false], s.who);
    assert.equal(aOut.requiresGrad, true);
    assert.ok(w.grad !== null);
    assert.equal(torch.isGradEnabled(), false, "back in the surrounding noGrad");
  });
  assert.equal(torch.isGradEnabled(), true);
});

test("rule 4: async inferenceMode makes inference tensors only in its callback", async () => {
  const { a, b, aOut } = await interleave((body) => torch.inferenceMode(async () => body()));
  expectSteps(a, { grad: false, inference: true, recorded: false, inferenceTensor: true });
  expectSteps(b, RECORDING);
  assert.equal(aOut.isInference(), true);
  assert.equal(torch.isInferenceModeEnabled(), false);
});

test("rule 4: async setGradEnabled(mode, fn) holds the mode only in its callback", async () => {
  await checkInferenceBesideTraining((body) => torch.setGradEnabled(false, async () => body()));
  // and setGradEnabled(true, fn) inside noGrad records across awaits
  await torch.noGrad(async () => {
    const x = torch.ones([2], { requiresGrad: true });
    const y = await torch.setGradEnabled(true, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return x.mul(2);
    });
    assert.equal(y.requiresGrad, true);
    assert.equal(x.mul(2).requiresGrad, false);
  });
});

test("rule 4: wrapped and decorated async functions hold the mode across awaits, only in their calls", async () => {
  const wrapped = torch.noGrad.wrap(async (body: () => Promise<torch.Tensor>) => {
    const out = await body();
    await Promise.resolve();
    assert.equal(torch.isGradEnabled(), false);
    return out;
  });
  await checkInferenceBesideTraining(wrapped);

  class Evaluator {
    calls = 0;
    @torch.noGrad
    async evaluate(body: () => Promise<torch.Tensor>): Promise<torch.Tensor> {
      this.calls++;
      const out = await body();
      assert.equal(torch.isGradEnabled(), false);
      return out;
    }
  }
  const ev = new Evaluator();
  await checkInferenceBesideTraining((body) => ev.evaluate(body));
  assert.equal(ev.calls, 1);

  class Inferencer {
    @torch.inferenceMode
    async run(body: () => Promise<torch.Tensor>): Promise<torch.Tensor> {
      return body();
    }
  }
  const { a, b } = await interleave((body) => new Inferencer().run(body));
  expectSteps(a, { grad: false, inference: true, recorded: false, inferenceTensor: true });
  expectSteps(b, RECORDING);
});

test("rule 4: guards disposed out of order throw a clear error", async () => {
  // synchronous misuse
  const outer = torch.noGrad();
  const inner = torch.enableGrad();
  assert.throws(() => outer[Symbol.dispose](), /grad-mode guard disposed out of order/);
  inner[Symbol.dispose]();
  outer[Symbol.dispose]();
  assert.equal(torch.isGradEnabled(), true);

  // a guard spanning an await while another task changes the mode
  const g = gate();
  let guardA: Disposable | null = null;
  const a = (async () => {
    guardA = torch.noGrad();
    await g.opened;
    guardA[Symbol.dispose]();
  })();
  const guardB = torch.enableGrad(); // other work, while A is suspended
  g.open();
  await assert.rejects(a, (e: Error) => /disposed out of order/.test(e.message) && /use the callback form/.test(e.message));
  guardB[Symbol.dispose]();
  guardA![Symbol.dispose](); // now innermost: allowed, and the process-wide mode is whole again
  assert.equal(torch.isGradEnabled(), true);
});

test("rule 4: AsyncLocalStorage is created lazily, on the first async use", () => {
  const index = new URL("../src/index.js", import.meta.url).href;
  const gradMode = new URL("../src/autograd/grad-mode.js", import.meta.url).href;
  const script = `
    import { createRequire } from "node:module";
    const hooks = createRequire(import.meta.url)("node:async_hooks");
    let constructed = 0;
    const Original = hooks.AsyncLocalStorage;
    hooks.AsyncLocalStorage = class extends Original { constructor(...a) { super(...a); constructed++; } };
    const torch = await import(${JSON.stringify(index)});
    const { asyncStorageCreated } = await import(${JSON.stringify(gradMode)});
    const report = [];
    const w = torch.randn([4, 4], { requiresGrad: true });
    const x = torch.randn([2, 4]);
    torch.noGrad(() => x.matmul(w));
    const guard = torch.inferenceMode(); x.matmul(w); guard[Symbol.dispose]();
    torch.enableGrad.wrap((a) => a.matmul(w))(x);
    for (const _ of torch.noGrad.wrap(function* () { yield x.matmul(w); })()) {}
    await null; // plain async code, no async grad scope
    torch.setGradEnabled(false, () => x.matmul(w)).sum();
    x.matmul(w).sum().backward();
    report.push([constructed, asyncStorageCreated()]);
    const y = await torch.noGrad(async () => { await null; return x.matmul(w); });
    report.push([constructed, asyncStorageCreated(), y.requiresGrad]);
    console.log(JSON.stringify(report));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 30000,
    env: { ...process.env, TORCHLET_QUIET: "1" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), [
    [0, false],
    [1, true, false],
  ]);
});

test("grad state is read only when some input requires grad", async () => {
  await torch.noGrad(async () => {}); // make sure the storage exists, so a read would call getStore()
  const proto = AsyncLocalStorage.prototype;
  const getStore = proto.getStore;
  let reads = 0;
  proto.getStore = function (this: AsyncLocalStorage<unknown>) {
    reads++;
    return getStore.call(this);
  };
  try {
    const a = torch.randn([4, 4]);
    const b = torch.randn([4, 4]);
    const out = a.matmul(b).add(1).relu().softmax(1).sum(0).mul(a.mean());
    a.mul_(2).add_(b);
    torch.zeros([3]);
    assert.equal(out.requiresGrad, false);
    assert.equal(reads, 0, "ops on tensors that don't require grad never read the mode");
    const w = torch.randn([4, 4], { requiresGrad: true });
    assert.equal(a.matmul(w).requiresGrad, true);
    assert.ok(reads > 0, "with an input that requires grad the op reads it (the spy works)");
  } finally {
    proto.getStore = getStore;
  }
});
