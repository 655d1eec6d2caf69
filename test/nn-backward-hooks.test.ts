/**
 * Module full backward hooks (registerFullBackwardHook /
 * registerFullBackwardPreHook), with PyTorch's values: gradInput/gradOutput on
 * Linear, on a module with two tensor inputs (one not requiring grad) and a
 * number, on an identity module, in a Sequential (order), replacing
 * gradients, removal, and the errors. Expected values are PyTorch 1.13's
 * (printed by the script in each test's comment), except the pre-hook, which
 * 1.13 lacks: its values follow from 2.x's rule that the replaced output
 * gradients flow on into the module.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const { nn } = torch;
const list = (gs: (Tensor | null)[]) => gs.map((g) => (g === null ? null : g.tolist()));
const f64 = (data: number[] | number[][]) => torch.tensor(data, { dtype: "float64" });

/** nn.Linear(3, 2) with weight [[0.5, -1, 2], [1.5, 0.25, -0.5]] and bias [0.1, -0.2], in float64. */
function linear() {
  const lin = new nn.Linear(3, 2).double();
  torch.noGrad(() => {
    lin.weight.copy_(f64([[0.5, -1, 2], [1.5, 0.25, -0.5]]));
    lin.bias!.copy_(f64([0.1, -0.2]));
  });
  return lin;
}

describe("registerFullBackwardHook", () => {
  const upstream = f64([[1, 2], [3, 4]]);
  const x = () => f64([[1, 2, 3], [-1, 0.5, 2]]).requiresGrad_();

  test("Linear: gradInput w.r.t. the input, gradOutput w.r.t. the output; fires during backward", () => {
    const lin = linear();
    const seen: unknown[] = [];
    lin.registerFullBackwardHook((m, gi, go) => {
      seen.push(m === lin, list(gi), list(go));
    });
    const xs = x();
    const y = lin.forward(xs);
    assert.equal(y.gradFn?.name, "BackwardHookFunctionBackward"); // PyTorch's grad_fn too
    assert.equal(seen.length, 0);
    y.mul(upstream).sum().backward();
    // PyTorch: linear gi [[[3.5, -0.5, 1.0], [7.5, -2.0, 4.0]]] go [[[1.0, 2.0], [3.0, 4.0]]]
    assert.deepEqual(seen, [true, [[[3.5, -0.5, 1], [7.5, -2, 4]]], [[[1, 2], [3, 4]]]]);
    assert.deepEqual(xs.grad!.tolist(), [[3.5, -0.5, 1], [7.5, -2, 4]]);
    assert.deepEqual(lin.weight.grad!.tolist(), [[-2, 3.5, 9], [-2, 6, 14]]);
  });

  test("an input not requiring grad: gradInput [null], the hook runs when the output gradient arrives", () => {
    const lin = linear();
    let gi: unknown = "not called";
    lin.registerFullBackwardHook((_m, g) => { gi = list(g); });
    lin.forward(x().detach()).mul(upstream).sum().backward();
    assert.deepEqual(gi, [null]); // PyTorch: linear gi [None]
    assert.deepEqual(lin.weight.grad!.tolist(), [[-2, 3.5, 9], [-2, 6, 14]]);
  });

  test("a returned gradInput replaces the input's gradient; remove() stops the hook", () => {
    const lin = linear();
    const h = lin.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(10)]);
    const xs = x();
    lin.forward(xs).sum().backward();
    assert.deepEqual(xs.grad!.tolist(), [[20, -7.5, 15], [20, -7.5, 15]]); // PyTorch: x.grad replaced
    h.remove();
    xs.grad = null;
    lin.forward(xs).sum().backward();
    assert.deepEqual(xs.grad!.tolist(), [[2, -0.75, 1.5], [2, -0.75, 1.5]]);
  });

  test("returning the wrong number of gradients throws PyTorch's error", () => {
    const lin = linear();
    lin.registerFullBackwardHook((_m, gi) => [gi[0]!, gi[0]!]);
    assert.throws(() => lin.forward(x()).sum().backward(), { message: "Backward hook returned an invalid number of grad_input, got 2, but expected 1" });
  });

  test("with no input requiring grad, a hook must return nothing (or nulls)", () => {
    const l2 = new nn.Linear(2, 1).double();
    l2.registerFullBackwardHook(() => [torch.ones([1])]);
    assert.throws(() => l2.forward(torch.ones([1, 2], { dtype: "float64" })).sum().backward(), {
      message: "Backward hook for Modules where no input requires gradient should always return None or None for all gradients.",
    });
  });

  class Two extends nn.Module {
    override forward(a: Tensor, b: Tensor, scale: number): Tensor[] {
      return [a.mul(b).mul(scale), a.add(b)];
    }
  }

  test("two tensor inputs and a number, two outputs", () => {
    const two = new Two();
    const seen: unknown[] = [];
    two.registerFullBackwardHook((_m, gi, go) => { seen.push([list(gi), list(go)]); });
    const a = f64([1, 2]).requiresGrad_(), b = f64([3, 4]);
    const [p, q] = two.forward(a, b, 2);
    assert.equal(p!.gradFn, q!.gradFn, "one node for all outputs, as PyTorch");
    p!.sum().add(q!.pow(2).sum()).backward();
    // PyTorch: two gi [[14.0, 20.0], [0.0, 0.0], None] go [[1.0, 1.0], [8.0, 12.0]]
    // (b does not require grad: PyTorch hands the hook zeros for it; the number gets None)
    assert.deepEqual(seen.pop(), [[[14, 20], [0, 0], null], [[1, 1], [8, 12]]]);
    assert.deepEqual(a.grad!.tolist(), [14, 20]);
    a.grad = null;
    const [p2] = two.forward(a, b, 2);
    p2!.sum().backward();
    // PyTorch: two gi [[6.0, 8.0], [0.0, 0.0], None] go [[1.0, 1.0], None] (an unused output's gradient is None)
    assert.deepEqual(seen.pop(), [[[6, 8], [0, 0], null], [[1, 1], null]]);
    assert.deepEqual(a.grad!.tolist(), [6, 8]);
  });

  test("a module whose forward returns its input unchanged", () => {
    class Id extends nn.Module {
      override forward(t: Tensor): Tensor {
        return t;
      }
    }
    const idm = new Id();
    const seen: unknown[] = [];
    idm.registerFullBackwardHook((_m, gi, go) => { seen.push(list(gi), list(go)); });
    const z = torch.tensor([1, 2], { requiresGrad: true });
    const out = idm.forward(z);
    assert.notEqual(out, z); // PyTorch: out is z -> False, grad_fn BackwardHookFunctionBackward
    assert.equal(out.gradFn?.name, "BackwardHookFunctionBackward");
    out.mul(3).sum().backward();
    assert.deepEqual(seen, [[[3, 3]], [[3, 3]]]); // PyTorch: id gi [[3.0, 3.0]] go [[3.0, 3.0]]
    assert.deepEqual(z.grad!.tolist(), [3, 3]);
  });

  test("Sequential: children's hooks fire last layer first, then the container's", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh(), new nn.Linear(2, 1)).double();
    const [l0, , l2] = [...seq.children()] as [InstanceType<typeof nn.Linear>, unknown, InstanceType<typeof nn.Linear>];
    torch.noGrad(() => {
      l0.weight.copy_(f64([[1, -1], [0.5, 2]]));
      l0.bias!.zero_();
      l2.weight.copy_(f64([[2, -3]]));
      l2.bias!.fill_(0.5);
    });
    const order: string[] = [];
    const grads: Record<string, unknown> = {};
    seq.children().forEach((m, i) => m.registerFullBackwardHook((_m, gi, go) => { order.push(String(i)); grads[i] = [list(gi), list(go)]; }));
    seq.registerFullBackwardHook((_m, gi, go) => { order.push("seq"); grads.seq = [list(gi), list(go)]; });
    const s = f64([[0.3, -0.7]]).requiresGrad_();
    seq.forward(s).sum().backward();
    assert.deepEqual(order, ["2", "1", "0", "seq"]); // PyTorch: [2, 1, 0, 'seq']
    // PyTorch: seq 1 [[[0.8399486832280523, -0.841244598541298]]] [[[2.0, -3.0]]]; seq whole [[[0.4193263839574033, -2.5224378803106484]]] [[[1.0]]]
    const close = (got: number[], want: number[]) => want.forEach((w, k) => assert.ok(Math.abs(got[k]! - w) < 1e-12, `${got[k]} vs ${w}`));
    const g1 = grads[1] as number[][][][];
    close(g1[0]![0]![0]!, [0.8399486832280523, -0.841244598541298]);
    assert.deepEqual(g1[1], [[[2, -3]]]);
    const gs = grads.seq as number[][][][];
    close(gs[0]![0]![0]!, [0.4193263839574033, -2.5224378803106484]);
    assert.deepEqual(gs[1], [[[1]]]);
    assert.deepEqual(grads[2], [[[[2, -3]]], [[[1]]]]);
    close((s.grad!.tolist() as number[][])[0]!, [0.4193263839574033, -2.5224378803106484]);
  });
});

describe("registerFullBackwardPreHook", () => {
  test("sees gradOutput before the full hooks; its replacement flows on into the module", () => {
    const lin = linear();
    const order: string[] = [];
    lin.registerFullBackwardHook((_m, _gi, go) => { order.push(`hook ${JSON.stringify(list(go))}`); });
    const pre = lin.registerFullBackwardPreHook((_m, go) => {
      order.push(`pre ${JSON.stringify(list(go))}`);
      return [go[0]!.mul(2)];
    });
    const xs = f64([[1, 2, 3], [-1, 0.5, 2]]).requiresGrad_();
    lin.forward(xs).sum().backward();
    assert.deepEqual(order, ["pre [[[1,1],[1,1]]]", "hook [[[2,2],[2,2]]]"]);
    // doubled output gradient: twice the input and weight gradients of sum() (x.grad rows [2, -0.75, 1.5], weight.grad columns sums of x)
    assert.deepEqual(xs.grad!.tolist(), [[4, -1.5, 3], [4, -1.5, 3]]);
    assert.deepEqual(lin.weight.grad!.tolist(), [[0, 5, 10], [0, 5, 10]]);
    pre.remove();
    assert.throws(() => {
      lin.registerFullBackwardPreHook(() => []);
      lin.forward(xs).sum().backward();
    }, { message: "Backward pre hook returned an invalid number of grad_output, got 0, but expected 1" });
  });

  test("without grad mode nothing is wrapped", () => {
    const lin = linear();
    lin.registerFullBackwardPreHook(() => undefined);
    const y = torch.noGrad(() => lin.forward(torch.ones([1, 3], { dtype: "float64", requiresGrad: true })));
    assert.equal(y.gradFn, null);
    assert.equal(y.requiresGrad, false);
  });
});
