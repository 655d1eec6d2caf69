// The native kernels that pick a value per element without branching, clamp
// (max then min) and where (contiguous rows, scalar operands read once),
// against the reference backend, bit for bit. clamp: NaN, infinities and
// signed zeros in the input; bounds that float32 cannot hold, that round to
// zero, that are NaN or infinite, and a lower bound above the upper one
// (through the op, and handed to the kernel directly). where: tensor and
// scalar operands on either side, every dtype. Contiguous and strided.
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";
import { sameValues as sameBits, valuesOf as bits } from "./native-agree.js";
import { loadNativeBackend } from "../src/backend/native/load.js";
import { referenceBackend } from "../src/backend/reference/index.js";

const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 0.1, 0.2, 1, -1, 2, 1e30, -1e30];

/** 2000 values (enough for the native kernel): the specials, then randn * 2. */
function input(dtype: "float32" | "float64"): Tensor {
  torch.manualSeed(9);
  const x = torch.randn([2000], { dtype }).mul(2);
  x.data.set(specials);
  return x;
}


const bounds: [number | null, number | null][] = [[0, 1], [-1, 1], [0, null], [null, 0], [0.1, 0.2], [-0, 0], [0, -0], [1e-50, 1], [-1e-50, 1e-50], [NaN, 1], [0, NaN], [-Infinity, Infinity], [2, 1], [1e300, null]];

test("clamp: the native kernel gives the reference's bits", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = input(dtype), strided = torch.stack([x, x.neg()], 1).select(1, 1);
    for (const [lo, hi] of bounds) {
      for (const [name, a] of [["contiguous", x], ["strided", strided]] as const) {
        const results = (["native", "reference"] as const).map((backend) => {
          torch.setBackend(backend);
          try {
            return bits(torch.clamp(a, lo, hi));
          } finally {
            torch.setBackend("native");
          }
        });
        sameBits(results[0]!, results[1]!, `${dtype} ${name} clamp(${lo}, ${hi})`);
      }
    }
  }
});

test("clamp: a lower bound above the upper one, handed to the kernels directly, gives the same bits on both", { skip: backendSkip("native") }, () => {
  const native = loadNativeBackend().backend!;
  for (const dtype of ["float32", "float64"] as const) {
    const a = input(dtype);
    const outs = [native, referenceBackend].map((backend) => {
      const out = torch.empty([2000], { dtype });
      backend.clamp(out, a, 1, -1);
      return bits(out);
    });
    sameBits(outs[0]!, outs[1]!, `${dtype} clamp kernel (1, -1)`);
  }
});

test("where: tensor or scalar operands on either side give the reference's bits, every dtype, contiguous and strided", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    const x = input("float64"), cond = x.gt(0.3);
    const a = dtype === "bool" ? x.lt(1) : x.mul(3).to(dtype), b = dtype === "bool" ? x.gt(-1) : x.neg().to(dtype);
    // (scalars of the tensors' kind: a bool tensor takes JS booleans, which the op turns into bool tensors)
    const sa = -0, sb = 7;
    const strided = (t: Tensor) => torch.stack([t, t], 1).select(1, 0);
    const cases: [string, () => Tensor][] = [
      ["t, t", () => torch.where(cond, a, b)],
      ["strided", () => torch.where(strided(cond), strided(a), b)],
    ];
    if (dtype !== "bool") {
      cases.push(
        ["s, t", () => torch.where(cond, sa, b)],
        ["t, s", () => torch.where(cond, a, sb)],
        ["s, s", () => torch.where(cond, sa, sb)],
        ["strided, s", () => torch.where(strided(cond), strided(a), sb)],
      );
    }
    for (const [name, make] of cases) {
      const results = (["native", "reference"] as const).map((backend) => {
        torch.setBackend(backend);
        try {
          return bits(make());
        } finally {
          torch.setBackend("native");
        }
      });
      sameBits(results[0]!, results[1]!, `${dtype} where(${name})`);
    }
  }
});
