/**
 * `gradFn.name` of ~135 common calls against PyTorch's (fixture:
 * scripts/gen_autograd_faithful_fixtures.py over the cases in
 * scripts/autograd_names_cases.txt, "name|expression", evaluated here with
 * torchlet's names). The calls that torchlet composes from several ops, where
 * PyTorch records one node, are listed in KNOWN_DIFFERENT: the test keeps the
 * list honest (each still differs; fix one and it must leave the list).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const root = join(import.meta.dirname, "..", "..");
const cases = readFileSync(join(root, "scripts", "autograd_names_cases.txt"), "utf8").trim().split("\n").map((l) => l.split("|") as [string, string]);
const pytorch = JSON.parse(readFileSync(join(root, "test", "fixtures", "autograd-faithful", "names.json"), "utf8")) as Record<string, string | null>;

/** Where PyTorch 2.x names the node differently from 1.13 (the fixtures' version), 2.x's name. */
const PYTORCH_2: Record<string, string> = {
  // 1.13's _reshape_alias is gone in 2.x: reshape of a viewable tensor is a view
  reshape: "ViewBackward0",
  flatten: "ViewBackward0",
  tensordot: "ViewBackward0",
  // 2.x's Tensor.norm() is linalg.vector_norm
  norm: "LinalgVectorNormBackward0",
};

/** Composed here from several ops where PyTorch records one node (its name in the fixture). */
const KNOWN_DIFFERENT = new Set([
  "rsqrt", "clampMin", "addcmul", "addcdiv", "addmm", "addmv", "addbmm", "baddbmm", "addr", "cross", "kron",
  "trace", "tril", "triu", "diag", "repeat", "maskedFill", "sort", "topk", "cdist", "FgroupNorm",
  "Fembedding", "Fconv1d", "FmseLoss", "FsmoothL1", "Fbce", "FbceLogits", "Fglu", "Fprelu", "FavgPool2d",
  "Finterp", "FpairDist",
  // the native backend's conv3d kernel records one node; the reference backend composes conv3d from 2-d ops
  ...(torch.getBackend() === "reference" ? ["Fconv3d"] : []),
]);

function evaluate(expr: string): Tensor {
  torch.manualSeed(0);
  const r = (...s: number[]) => torch.randn(s, { dtype: "float64", requiresGrad: true });
  const L = (a: number[] | number[][]) => torch.tensor(a, { dtype: "int32" });
  const env: Record<string, unknown> = {
    torch, F: torch.nn.functional, x: r(3, 4), y: r(3, 4), z: r(3, 4), m: r(3, 4), n: r(4, 5), v: r(4), v3: r(3), v4: r(5), c: r(3, 5),
    b1: r(2, 3, 4), b2: r(2, 4, 5), b3: r(2, 3, 5), p: r(2, 3), q: r(2, 3), sq: r(3, 3), idx: L([0, 2]), gidx: L([[0, 1], [2, 3], [1, 1]]),
    eidx: L([0, 2, 1]), img: r(1, 4, 4, 4), k2: r(2, 4, 3, 3), sig: r(1, 2, 8), k1: r(3, 2, 3), vol: r(1, 2, 4, 4, 4), k3: r(2, 2, 2, 2, 2),
    tgt: L([0, 3, 1]), pw: r(1), bias5: r(5),
  };
  // the expressions are written with PyTorch's argument forms; torchlet takes shapes and dims as arrays, keywords as options
  const js = expr
    .replace(/\.(view|reshape|repeat|expand|flip|permute)\(([\d,]+)\)/g, ".$1([$2])")
    .replace(".roll(1,0)", ".roll([1],[0])")
    .replace("F.gelu(x,tanh)", "F.gelu(x,{approximate:'tanh'})")
    .replace("F.interpolate(img,nearest2)", "F.interpolate(img,{scaleFactor:2})");
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...Object.keys(env), `return ${js};`)(...Object.values(env)) as Tensor;
}

test("gradFn names of common calls are PyTorch's (2.x where it renamed), apart from the listed composed ones", () => {
  const wrong: string[] = [], fixed: string[] = [];
  for (const [name, expr] of cases) {
    const got = evaluate(expr).gradFn?.name ?? null;
    const want = PYTORCH_2[name] ?? pytorch[name] ?? null;
    if (KNOWN_DIFFERENT.has(name)) {
      if (got === want) fixed.push(name);
    } else if (got !== want) {
      wrong.push(`${name}: ${got}, PyTorch ${want}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual(fixed, [], "now PyTorch's: remove from KNOWN_DIFFERENT");
  assert.ok(cases.length >= 130);
});
