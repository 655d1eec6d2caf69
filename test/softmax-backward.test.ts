// softmax and log_softmax gradients along the last dim in one pass per row:
// the native kernel gives the reference loop's bits on the same inputs
// (float32 and float64, rows whose length is not a multiple of 8, extreme and
// infinite logits); the
// values agree with the composed formulas; other dims and graph-building
// backwards keep the composed formulas (gradgradcheck); bad kernel arguments
// are refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";
import { sameValues as sameBits, valuesOf as values } from "./native-agree.js";
import { nativeAddon } from "../src/backend/native/load.js";
import { rejects } from "./native-rejects.js";
import { softmaxBackwardRows } from "../src/ops/softmax-backward-rows.js";


test("softmax / log_softmax backward: the native kernel gives the reference loop's bits", { skip: backendSkip("native") }, () => {
  const c = nativeAddon()!;
  for (const dtype of ["float32", "float64"] as const) {
    for (const [rows, n] of [[300, 37], [40, 1000], [12, 64]] as const) {
      for (const log of [false, true]) {
        torch.manualSeed(12);
        const x = torch.randn([rows, n], { dtype }).mul(5);
        x.data[3] = 80; // a dominant logit
        x.data[n + 1] = -Infinity; // a masked one
        const out = log ? x.logSoftmax(1) : x.softmax(1), y = log ? out.exp() : out;
        const g = torch.randn([rows, n], { dtype });
        const make = () => (dtype === "float32" ? new Float32Array(rows * n) : new Float64Array(rows * n));
        const native = make(), reference = make();
        const yd = y.data as Float32Array, gd = g.data as Float32Array;
        c.softmaxBackward!(native, gd, yd, rows, n, log);
        softmaxBackwardRows(reference, gd, yd, rows, n, log);
        sameBits(Array.from(native), Array.from(reference), `${dtype} ${rows}x${n} ${log ? "log_softmax" : "softmax"}`);
      }
    }
  }
});

test("softmax / log_softmax backward agree with the composed formulas; other dims and double backward still work", () => {
  torch.manualSeed(13);
  const x = torch.randn([6, 9], { dtype: "float64", requiresGrad: true }), g = torch.randn([6, 9], { dtype: "float64" });
  for (const log of [false, true]) {
    const y = log ? x.logSoftmax(1) : x.softmax(1);
    const [gx] = torch.autograd.grad([y], [x], { gradOutputs: [g] });
    const r = y.detach();
    const expected = log ? g.sub(r.exp().mul(g.sum(1, { keepdim: true }))) : r.mul(g.sub(g.mul(r).sum(1, { keepdim: true })));
    values(gx!).forEach((v, i) => assert.ok(Math.abs(v - values(expected)[i]!) < 1e-12, `${log} [${i}]`));
    for (const dim of [0, 1]) {
      const fn = (t: Tensor) => (log ? t.logSoftmax(dim) : t.softmax(dim));
      assert.ok(torch.autograd.gradcheck(fn, [x]), `gradcheck dim ${dim}`);
      assert.ok(torch.autograd.gradgradcheck(fn, [x]), `gradgradcheck dim ${dim}`);
    }
  }
});

test("softmaxBackward refuses wrong arrays and sizes before writing", { skip: backendSkip("native") }, () => {
  const c = nativeAddon()! as unknown as Record<string, (...args: unknown[]) => void>;
  const gx = new Float32Array(12).fill(7), g = new Float32Array(12), y = new Float32Array(12);
  const refuses = (what: RegExp, call: () => void) => {
    rejects("softmaxBackward", what, call);
    assert.ok(gx.every((v) => v === 7), "gx is untouched");
  };
  refuses(/g has 12 elements, fewer than the 15/, () => c.softmaxBackward!(new Float32Array(15), g, y, 3, 5, false));
  refuses(/y must have the type/, () => c.softmaxBackward!(gx, g, new Float64Array(12), 3, 4, false));
  refuses(/gx must be a Float32Array or Float64Array/, () => c.softmaxBackward!(new Int32Array(12), g, y, 3, 4, false));
  refuses(/g must be a typed array/, () => c.softmaxBackward!(gx, null, y, 3, 4, false));
  refuses(/log must be a boolean/, () => c.softmaxBackward!(gx, g, y, 3, 4, 0));
  refuses(/rows/, () => c.softmaxBackward!(gx, g, y, -3, 4, false));
  refuses(/got 5 arguments/, () => c.softmaxBackward!(gx, g, y, 3, 4));
});
