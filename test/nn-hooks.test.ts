/**
 * Module forward hooks, as PyTorch's register_forward_pre_hook and
 * register_forward_hook: order, replacing arguments and outputs, removal,
 * hooks on children inside a Sequential, and nothing added to the state dict.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;

test("forward hooks see, replace and stop seeing a module's inputs and outputs", () => {
  const fc1 = new nn.Linear(3, 4), relu = new nn.ReLU(), fc2 = new nn.Linear(4, 2);
  const model = new nn.Sequential(fc1, relu, fc2);
  const keys = Object.keys(model.stateDict());
  const seen: string[] = [];
  const captured: torch.Tensor[] = [];
  const pre = fc1.registerForwardPreHook((m, args) => {
    seen.push(`pre ${m === fc1}`);
    return [(args[0] as torch.Tensor).mul(0)]; // replace the input
  });
  const post = relu.registerForwardHook((_m, _args, out) => { captured.push(out as torch.Tensor); });
  const second = relu.registerForwardHook(() => { seen.push("second"); });
  const x = torch.randn([5, 3]);
  const y = model.forward(x);
  assert.deepEqual(seen, ["pre true", "second"]);
  assert.equal(captured.length, 1);
  // with a zero input the ReLU sees relu(fc1.bias) in every row
  assert.deepEqual(captured[0]!.tolist(), Array.from({ length: 5 }, () => fc1.bias!.relu().tolist()));
  assert.deepEqual(y.tolist(), fc2.forward(captured[0]!).tolist());
  pre.remove();
  post.remove();
  second.remove();
  assert.deepEqual(model.forward(x).tolist(), fc2.forward(relu.forward(fc1.forward(x))).tolist(), "removed hooks no longer run");
  assert.equal(captured.length, 1);
  // an output hook may replace the output
  const swap = fc2.registerForwardHook(() => torch.zeros([5, 2]));
  assert.deepEqual(model.forward(x).tolist(), torch.zeros([5, 2]).tolist());
  swap.remove();
  assert.deepEqual(Object.keys(model.stateDict()), keys, "hooks add nothing to the state dict");
  assert.equal(String(model), String(new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2))));
});

test("a hook on a custom module wraps its own forward once, and gradients flow through replaced values", () => {
  class Scale extends nn.Module {
    override forward(x: torch.Tensor): torch.Tensor {
      return x.mul(3);
    }
  }
  const m = new Scale();
  let calls = 0;
  m.registerForwardHook((_m, _a, out) => { calls++; return (out as torch.Tensor).add(1); });
  m.registerForwardHook(() => { calls++; });
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = m.forward(x);
  assert.deepEqual(y.tolist(), [4, 7]);
  assert.equal(calls, 2, "each hook once per call");
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, 3]);
});
