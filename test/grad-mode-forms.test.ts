// The four forms of every grad-mode switch (callback, `using`, wrap, decorator),
// decorators compiled by the project's own tsc settings, and rule 5 (generators).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

interface Seen {
  grad: boolean;
  inference: boolean;
}
const seen = (): Seen => ({ grad: torch.isGradEnabled(), inference: torch.isInferenceModeEnabled() });
const GRAD = { grad: true, inference: false };
const NO_GRAD = { grad: false, inference: false };
const INFERENCE = { grad: false, inference: true };

test("each switch works as callback, using guard, wrapped function and setGradEnabled", () => {
  const cases: [string, torch.GradModeSwitch, Seen, Seen][] = [
    // name, switch, mode seen from grad mode, mode seen from inside noGrad
    ["noGrad", torch.noGrad, NO_GRAD, NO_GRAD],
    ["enableGrad", torch.enableGrad, GRAD, GRAD],
    ["inferenceMode", torch.inferenceMode, INFERENCE, INFERENCE],
  ];
  for (const [name, s, fromGrad, fromNoGrad] of cases) {
    for (const [outer, expected] of [[torch.enableGrad, fromGrad], [torch.noGrad, fromNoGrad]] as const) {
      outer(() => {
        const before = seen();
        assert.deepEqual(s(seen), expected, `${name} callback`);
        assert.equal(s(() => 42), 42, `${name} returns the callback's value`);
        {
          using _ = s();
          assert.deepEqual(seen(), expected, `${name} guard`);
        }
        assert.deepEqual(seen(), before, `${name} guard restores`);
        const add = s.wrap((a: number, b: number) => ({ sum: a + b, mode: seen() }));
        assert.deepEqual(add(2, 3), { sum: 5, mode: expected }, `${name} wrap`);
        assert.deepEqual(seen(), before);
      });
    }
  }
  torch.noGrad(() => {
    assert.deepEqual(torch.setGradEnabled(true, seen), GRAD);
    assert.deepEqual(torch.inferenceMode(true, seen), INFERENCE);
    torch.inferenceMode(() => assert.deepEqual(torch.inferenceMode(false, seen), GRAD));
    const guard = torch.inferenceMode(false);
    assert.deepEqual(seen(), GRAD);
    guard[Symbol.dispose]();
    assert.deepEqual(seen(), NO_GRAD);
  });
});

test("wrap keeps the function's name and this; bad arguments give clear errors", () => {
  function predict(this: { k: number }, x: number) {
    return x * this.k;
  }
  const wrapped = torch.noGrad.wrap(predict);
  assert.equal(wrapped.name, "predict");
  assert.equal(wrapped.call({ k: 3 }, 2), 6);
  assert.throws(() => torch.noGrad(5 as unknown as () => void), /torch\.noGrad: expected a function, got number/);
  assert.throws(() => torch.enableGrad.wrap("f" as unknown as () => void), /torch\.enableGrad\.wrap: expected a function/);
  const fieldContext = { kind: "field", name: "x" } as unknown as ClassMethodDecoratorContext;
  assert.throws(() => torch.noGrad(() => 1, fieldContext), /as a decorator it applies to methods only, not to a field/);
  // a plain function that returns a promise would lose the mode at its first await: refused
  assert.throws(() => torch.noGrad(() => Promise.resolve(1)), /is not an async function/);
  assert.equal(torch.isGradEnabled(), true);
});

class Model {
  scale = 3;
  calls: string[] = [];

  @torch.noGrad
  predict(x: torch.Tensor): torch.Tensor {
    this.calls.push("predict");
    return x.mul(this.scale);
  }

  @torch.enableGrad
  trainStep(x: torch.Tensor): torch.Tensor {
    this.calls.push("trainStep");
    return x.mul(this.scale);
  }

  @torch.inferenceMode
  infer(x: torch.Tensor): { y: torch.Tensor; mode: Seen } {
    return { y: x.mul(this.scale), mode: seen() };
  }

  @torch.noGrad
  async predictAsync(x: torch.Tensor): Promise<torch.Tensor> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return x.mul(this.scale);
  }

  @torch.noGrad
  *batches(xs: torch.Tensor[]): Generator<torch.Tensor, string, undefined> {
    for (const x of xs) yield x.mul(this.scale);
    return "done";
  }

  @torch.inferenceMode
  async *stream(xs: torch.Tensor[]): AsyncGenerator<{ y: torch.Tensor; mode: Seen }> {
    for (const x of xs) {
      await Promise.resolve();
      yield { y: x.mul(this.scale), mode: seen() };
    }
  }
}

test("decorated methods run in their mode, keep this and return their value", async () => {
  const m = new Model();
  const x = torch.ones([2], { requiresGrad: true });

  const p = m.predict(x);
  assert.equal(p.requiresGrad, false);
  assert.deepEqual(Array.from(p.toArray()), [3, 3]);
  assert.equal(torch.isGradEnabled(), true);

  const t = torch.noGrad(() => m.trainStep(x));
  assert.equal(t.gradFn?.name, "MulBackward0");

  const { y, mode } = m.infer(x);
  assert.deepEqual(mode, INFERENCE);
  assert.equal(y.isInference(), true);
  assert.deepEqual(m.calls, ["predict", "trainStep"]);
  assert.equal(Model.prototype.predict.name, "predict");

  const pa = m.predictAsync(x);
  assert.equal(torch.isGradEnabled(), true, "the caller's mode is untouched while the call is pending");
  assert.equal(x.mul(2).requiresGrad, true);
  assert.equal((await pa).requiresGrad, false);

  const outs = [...m.batches([x, x.mul(2)])];
  assert.deepEqual(outs.map((o) => o.requiresGrad), [false, false]);
  assert.deepEqual(Array.from(outs[1]!.toArray()), [6, 6]);
  const it = m.batches([x]);
  it.next();
  assert.deepEqual(it.next(), { value: "done", done: true }, "the generator's return value comes through");

  const streamed: { y: torch.Tensor; mode: Seen }[] = [];
  for await (const s of m.stream([x, x])) {
    streamed.push(s);
    assert.deepEqual(seen(), GRAD, "between yields the consumer's mode holds");
  }
  assert.equal(streamed.length, 2);
  for (const s of streamed) {
    assert.deepEqual(s.mode, INFERENCE);
    assert.equal(s.y.isInference(), true);
  }
});

test("rule 5: a wrapped or decorated generator function holds the mode while its body runs, not between yields", async () => {
  const x = torch.ones([2], { requiresGrad: true });
  const log: string[] = [];
  const gen = torch.noGrad.wrap(function* (n: number): Generator<torch.Tensor, void, string> {
    try {
      for (let i = 0; i < n; i++) {
        log.push(`body ${i} grad=${torch.isGradEnabled()}`);
        const got = yield x.mul(i);
        log.push(`got ${String(got)} grad=${torch.isGradEnabled()}`);
      }
    } finally {
      log.push(`finally grad=${torch.isGradEnabled()}`);
    }
  });
  const it = gen(3);
  assert.equal(Object.prototype.toString.call(it), "[object Generator]");
  assert.equal(log.length, 0, "the body starts at the first next(), as usual");
  const first = it.next();
  log.push(`consumer grad=${torch.isGradEnabled()}`);
  assert.equal((first.value as torch.Tensor).requiresGrad, false);
  assert.equal(x.mul(2).requiresGrad, true, "the consumer records between yields");
  it.next("a");
  it.return(undefined); // stops early: the body's finally still runs in noGrad
  assert.deepEqual(log, [
    "body 0 grad=false",
    "consumer grad=true",
    "got a grad=false",
    "body 1 grad=false",
    "finally grad=false",
  ]);

  // throw() into the body also resumes it in the mode
  const catcher = torch.noGrad.wrap(function* () {
    try {
      yield 1;
    } catch {
      yield torch.isGradEnabled();
    }
  })();
  catcher.next();
  assert.deepEqual(catcher.throw(new Error("x")), { value: false, done: false });

  // each step applies the switch to the consumer's mode of that moment: noGrad inside inferenceMode stays inference
  const modes = torch.noGrad.wrap(function* () {
    for (;;) yield seen();
  })();
  assert.deepEqual(modes.next().value, NO_GRAD);
  assert.deepEqual(torch.inferenceMode(() => modes.next().value), INFERENCE);
  assert.deepEqual(torch.enableGrad.wrap(function* () { yield seen(); })().next().value, GRAD);

  // a decorated generator method: the same
  class Loader {
    @torch.noGrad
    *items(): Generator<Seen> {
      yield seen();
      yield seen();
    }
  }
  const between: Seen[] = [];
  for (const s of new Loader().items()) between.push(s, seen());
  assert.deepEqual(between, [NO_GRAD, GRAD, NO_GRAD, GRAD]);

  // the callback form given a generator function returns the generator, its body in the mode
  const viaCallback = torch.noGrad(function* () {
    yield seen();
  });
  assert.deepEqual([...viaCallback], [NO_GRAD]);

  // an async generator: the mode holds across awaits inside the body, not in the consumer
  const agen = torch.noGrad.wrap(async function* () {
    await new Promise((resolve) => setTimeout(resolve, 1));
    yield seen();
    await Promise.resolve();
    yield x.mul(2).requiresGrad;
  });
  const got: unknown[] = [];
  for await (const v of agen()) {
    got.push(v, torch.isGradEnabled());
  }
  assert.deepEqual(got, [NO_GRAD, true, false, true]);
});

test("setGradEnabled(b) as a plain statement inside a guarded scope switches like PyTorch's function form and leaves the scope's exit intact", () => {
  // PyTorch: `with torch.no_grad(): torch.set_grad_enabled(False)` exits cleanly and grad is on again afterwards
  const outer = torch.noGrad();
  torch.setGradEnabled(false);
  outer[Symbol.dispose]();
  assert.equal(torch.isGradEnabled(), true);
  const outer2 = torch.noGrad();
  torch.enableGrad(() => {
    torch.setGradEnabled(false);
    assert.equal(torch.isGradEnabled(), false);
  });
  assert.equal(torch.isGradEnabled(), false);
  outer2[Symbol.dispose]();
  assert.equal(torch.isGradEnabled(), true);
  // the statement form with no scope around it switches until switched back
  torch.setGradEnabled(false);
  assert.equal(torch.isGradEnabled(), false);
  torch.setGradEnabled(true);
  assert.equal(torch.isGradEnabled(), true);
});
