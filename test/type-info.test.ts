/**
 * torch.finfo / torch.iinfo against PyTorch (test/fixtures/ops/type-info.json,
 * from scripts/gen_type_info_fixtures.py): exact limits and reprs; and
 * torch.getNumThreads / setNumThreads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { readOpsFixture } from "./fixture-values.js";

const FIX = readOpsFixture<{
  finfo: Record<"float32" | "float64", { bits: number; eps: number; max: number; min: number; tiny: number; smallestNormal: number; resolution: number; repr: string }>;
  iinfo: Record<"int32", { bits: number; max: number; min: number; repr: string }>;
  errors: Record<string, string>;
}>("type-info.json");

for (const dtype of ["float32", "float64"] as const) {
  test(`finfo(${dtype}): PyTorch's limits, exactly, and its repr`, () => {
    const f = torch.finfo(dtype), want = FIX.finfo[dtype];
    for (const key of ["bits", "eps", "max", "min", "tiny", "smallestNormal", "resolution"] as const) assert.equal(f[key], want[key], key);
    assert.equal(f.dtype, dtype);
    assert.equal(String(f), want.repr);
  });
}

test("finfo: float32 limits are float32 values; finfo() is the default dtype's", () => {
  const f = torch.finfo("float32");
  assert.equal(Math.fround(f.max), f.max);
  assert.equal(torch.tensor([1]).add(f.eps).item(), 1 + f.eps);
  assert.equal(torch.tensor([1]).add(f.eps / 2).item(), 1);
  assert.equal(torch.finfo().dtype, "float32");
  torch.setDefaultDtype("float64");
  try {
    assert.equal(torch.finfo().dtype, "float64");
  } finally {
    torch.setDefaultDtype("float32");
  }
});

test("iinfo(int32): PyTorch's limits and repr; int32 arithmetic wraps past them", () => {
  const i = torch.iinfo("int32"), want = FIX.iinfo.int32;
  assert.deepEqual([i.bits, i.max, i.min, String(i)], [want.bits, want.max, want.min, want.repr]);
  assert.equal(torch.tensor([i.max], { dtype: "int32" }).add(1).item(), i.min);
});

test("finfo / iinfo: the wrong kind of dtype is PyTorch's TypeError", () => {
  const expect = (f: () => unknown, key: string) => assert.throws(f, (e: Error) => e instanceof TypeError && e.message === FIX.errors[key], key);
  expect(() => torch.finfo("int32"), "finfo int32");
  expect(() => torch.iinfo("float32"), "iinfo float32");
  expect(() => torch.iinfo("bool"), "iinfo bool");
});

test("setNumThreads / getNumThreads: the native pool's size, 1 on the reference backend; results do not change", () => {
  const before = torch.getNumThreads();
  const a = torch.randn([300, 200]), b = torch.randn([200, 100]);
  const full = a.matmul(b);
  try {
    torch.setNumThreads(1);
    const one = a.matmul(b);
    assert.deepEqual([...one.data], [...full.data]);
    if (torch.getBackend() === "native") assert.equal(torch.getNumThreads(), 1);
    torch.setNumThreads(1000);
    if (torch.getBackend() === "native") assert.equal(torch.getNumThreads(), 64);
  } finally {
    torch.setNumThreads(before);
  }
  assert.equal(torch.getNumThreads(), before);
  torch.setBackend("reference");
  try {
    assert.equal(torch.getNumThreads(), 1);
  } finally {
    torch.setBackend(process.env.TORCHLET_NO_NATIVE === "1" ? "reference" : "native");
  }
  assert.throws(() => torch.setNumThreads(0), (e: Error) => e.message === FIX.errors["set_num_threads 0"]);
  assert.throws(() => torch.setNumThreads(1.5), /set_num_threads expects a positive integer/);
});
