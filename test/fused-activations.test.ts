// The one-pass activations (native/activations.c through fused-activation.ts)
// against their composed definitions on the reference backend, bit for bit:
// leaky_relu, hardtanh / relu6, threshold, hardsigmoid and hardswish, on NaN,
// infinities, signed zeros, values at and around the kinks, parameters float32
// cannot hold, strided inputs, float32 and float64; and the in-place forms and
// gradients still follow the composed definitions; the kernel checks its
// arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";
import { sameValues as sameBits, valuesOf as values } from "./native-agree.js";
import { nativeAddon } from "../src/backend/native/load.js";
import { rejects } from "./native-rejects.js";

const F = torch.nn.functional;
const specials = [NaN, Infinity, -Infinity, 0, -0, 3, -3, 6, -6, 2.9999999, -2.9999999, 0.1, -0.1, 0.5, 0.7, -0.5, 1e-40, -1e-40, 1, -1, 20];

function input(dtype: "float32" | "float64"): Tensor {
  torch.manualSeed(5);
  const x = torch.randn([3000], { dtype }).mul(4);
  x.data.set(specials);
  return x;
}


const activations: [string, (x: Tensor) => Tensor][] = [
  ["leakyRelu(0.01)", (x) => F.leakyRelu(x, 0.01)],
  ["leakyRelu(-0.3)", (x) => F.leakyRelu(x, -0.3)],
  ["hardtanh", (x) => F.hardtanh(x)],
  ["hardtanh(-0.5, 0.7)", (x) => F.hardtanh(x, -0.5, 0.7)],
  ["hardtanh(-0, 0)", (x) => F.hardtanh(x, -0, 0)],
  ["relu6", (x) => F.relu6(x)],
  ["threshold(0.1, 20)", (x) => F.threshold(x, 0.1, 20)],
  ["threshold(-1, -0)", (x) => F.threshold(x, -1, -0)],
  ["hardsigmoid", (x) => F.hardsigmoid(x)],
  ["hardswish", (x) => F.hardswish(x)],
];

/** act(x) on both backends, as bits. */
function bothBackends(act: (x: Tensor) => Tensor, x: Tensor): [number[], number[]] {
  const run = (backend: "native" | "reference") => {
    torch.setBackend(backend);
    try {
      return values(act(x));
    } finally {
      torch.setBackend("native");
    }
  };
  return [run("native"), run("reference")];
}

test("one-pass activations give their composed definitions' bits, contiguous and strided, float32 and float64", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = input(dtype), strided = torch.stack([x.neg(), x], 1).select(1, 1);
    for (const [name, act] of activations) {
      for (const [layout, a] of [["contiguous", x], ["strided", strided]] as const) {
        const [fused, composed] = bothBackends(act, a);
        sameBits(fused, composed, `${dtype} ${layout} ${name}`);
      }
    }
  }
});

test("in place and with gradients the one-pass forwards still match the composed ones", { skip: backendSkip("native") }, () => {
  for (const [name, act] of [["leakyRelu_", (x: Tensor) => F.leakyRelu(x, 0.2, { inplace: true })], ["hardtanh_", (x: Tensor) => F.hardtanh(x, -1, 1, { inplace: true })], ["hardswish_", (x: Tensor) => F.hardswish(x, { inplace: true })]] as const) {
    const [fused, composed] = bothBackends((x) => act(x.clone()), input("float32"));
    sameBits(fused, composed, name);
  }
  for (const [name, act] of activations) {
    const grads = (["native", "reference"] as const).map((backend) => {
      torch.setBackend(backend);
      try {
        const x = input("float64").requiresGrad_(true);
        act(x).sum().backward();
        return values(x.grad);
      } finally {
        torch.setBackend("native");
      }
    });
    sameBits(grads[0]!, grads[1]!, `${name} gradient`);
  }
});

test("the activation kernel refuses other shapes, dtypes, ops and missing parameters before writing", { skip: backendSkip("native") }, () => {
  const c = nativeAddon() as unknown as { activation: (...args: unknown[]) => void };
  const S = (data: Float32Array | Float64Array | Int32Array, shape: number[]) => ({ data, shape, strides: shape.length === 2 ? [shape[1]!, 1] : [1], offset: 0 });
  const a = S(Float32Array.from({ length: 6 }, (_, i) => i - 3), [2, 3]);
  const fresh = () => S(new Float32Array(6).fill(7), [2, 3]);
  const refuses = (what: RegExp, call: (out: ReturnType<typeof fresh>) => void) => {
    const out = fresh();
    rejects("activation", what, () => call(out));
    assert.ok(Array.from(out.data).every((v) => v === 7), "out is untouched");
  };
  refuses(/shape/, (out) => c.activation("hardtanh", S(out.data, [3, 2]), a, -1, 1));
  refuses(/dtype/, (out) => c.activation("hardtanh", out, S(new Float64Array(6), [2, 3]), -1, 1));
  refuses(/float/, () => c.activation("hardtanh", S(new Int32Array(6).fill(7), [2, 3]), S(new Int32Array(6), [2, 3]), -1, 1));
  refuses(/op/, (out) => c.activation(5, out, a, 0, 0));
  refuses(/op/, (out) => c.activation("relu", out, a, 0, 0));
  refuses(/outside its data/, () => c.activation("hardsigmoid", S(new Float32Array(5).fill(7), [2, 3]), a, 0, 0));
  refuses(/expected|missing|number/, (out) => c.activation("leakyRelu", out, a));
  const out = fresh();
  c.activation("hardtanh", out, a, -1, 1);
  assert.deepEqual(Array.from(out.data), [-1, -1, -1, 0, 1, 1]);
});
