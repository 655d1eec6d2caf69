// Loading checkpoints that Python's torch.save wrote (PyTorch 1.13, scripts/gen_pytorch_checkpoint_fixtures.py):
// every value, dtype, shape, stride, offset and storage sharing as torch.load(path, weights_only=True) gives them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import { Parameter } from "../src/nn/parameter.js";
import { readZip } from "../src/io/zip.js";
import { describeLoaded, expectedFromPython, type Description } from "./io-pytorch-describe.js";
import { SmallNet } from "./io-pytorch-cases.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "io-pytorch");
const fixture = (name: string): string => join(FIXTURES, `${name}.pt`);

interface Fixture {
  value: Description;
  loaded_with: string;
}
const described = (name: string): Fixture => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Fixture;

for (const name of ["dtypes", "views", "shapes", "nested", "model", "params"]) {
  test(`${name}.pt loads as PyTorch loads it: values, dtypes, shapes, strides, offsets and shared storages`, () => {
    const got = describeLoaded(torch.load(fixture(name)));
    assert.deepEqual(got, expectedFromPython(described(name).value));
  });
}

test("dtypes widen as safetensors reading does: int64/int16/int8/uint8 -> int32, float16/bfloat16 -> float32", () => {
  const sd = torch.load(fixture("dtypes"));
  const dtypes = Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.dtype]));
  assert.deepEqual(dtypes, {
    float32: "float32", float64: "float64", float16: "float32", bfloat16: "float32", int64: "int32",
    int32: "int32", int16: "int32", int8: "int32", uint8: "int32", bool: "bool",
  });
  // float16's largest finite value and a subnormal, bfloat16 rounds 1e30 to 8 significant bits: 1.0002555517425873e30 (PyTorch: torch.tensor(1e30, dtype=torch.bfloat16).item())
  assert.deepEqual(sd.float16!.tolist(), [0.5, -2, 65504, 0.00006097555160522461, Infinity]);
  assert.deepEqual(sd.bfloat16!.tolist(), [1, -3.5, 1.0002555517425873e30, -Infinity]);
  assert.deepEqual(sd.int64!.tolist(), [0, -1, 2147483647, -2147483648]);
});

test("tensors that share a storage in the file share memory: a write through one shows in the others", () => {
  const v = torch.load(fixture("views"));
  for (const name of ["grid", "row", "column", "transposed", "strided", "element"]) assert.equal(v[name]!.storage, v.base!.storage, name);
  assert.equal(v.tied_a, v.tied_b, "one tensor saved twice loads as one object, as in PyTorch");
  assert.equal(v.tied_t!.storage, v.tied_a!.storage);
  assert.notEqual(v.own!.storage, v.base!.storage);
  assert.deepEqual([v.strided!.shape, v.strided!.strides, v.strided!.offset], [[2, 2], [12, 3], 6]);
  torch.noGrad(() => v.base!.mul_(10));
  assert.deepEqual(v.row!.tolist(), [120, 130, 140, 150, 160, 170]);
  assert.equal(v.element!.item(), 230);
  assert.deepEqual(v.transposed!.select(0, 1).tolist(), [10, 70, 130, 190]);
});

test("0-d, empty, expanded (stride 0) and permuted tensors keep their layout", () => {
  const s = torch.load(fixture("shapes"));
  assert.deepEqual([s.scalar!.shape, s.scalar!.item()], [[], 3.25]);
  assert.deepEqual([s.scalar_int!.dtype, s.scalar_int!.item()], ["int32", -7]);
  assert.deepEqual([s.empty!.shape, s.empty_2d!.shape, s.empty_2d!.numel()], [[0], [2, 0, 3], 0]);
  assert.deepEqual([s.expanded!.strides, s.expanded!.tolist()], [[0, 1], [[1, 2, 3], [1, 2, 3]]]);
  assert.deepEqual(s.permuted!.strides, [1, 12, 4]);
});

test("plain Python values: ints (bigint past 2^53), floats, strings, None, bools, lists, tuples (frozen arrays), dicts", () => {
  const n = torch.load<Record<string, torch.CheckpointValue>>(fixture("nested"));
  assert.equal(n.big, 2 ** 40);
  assert.equal(n.huge, -(2n ** 70n));
  assert.ok(Number.isNaN(n.nan));
  assert.equal(n.text, "héllo ✓");
  assert.deepEqual(n.list, [1, 2, [3, "x"], []]);
  assert.ok(Object.isFrozen(n.tuple) && !Object.isFrozen(n.list));
  assert.deepEqual(Object.keys(n.ordered as object), ["z", "a"], "insertion order is kept");
  const deep = ((n.dict as Record<string, unknown>).inner as Record<string, torch.Tensor>).deep!;
  assert.deepEqual([deep.dtype, deep.tolist()], ["int32", [1, 2]]);
});

test("a PyTorch state dict (Conv + BatchNorm with int64 num_batches_tracked + Linear) loads into the same torchlet model with PyTorch's outputs", () => {
  const ref = JSON.parse(readFileSync(join(FIXTURES, "model.json"), "utf8")) as { input_shape: number[]; input: number[]; output_shape: number[]; output: number[] };
  const sd = torch.load(fixture("model"));
  assert.deepEqual([sd["bn.num_batches_tracked"]!.dtype, sd["bn.num_batches_tracked"]!.item()], ["int32", 3]);
  const net = new SmallNet();
  const { missingKeys, unexpectedKeys } = net.loadStateDict(sd);
  assert.deepEqual([missingKeys, unexpectedKeys], [[], []]);
  net.eval();
  const out = torch.noGrad(() => net.forward(torch.tensor(ref.input).reshape(ref.input_shape)));
  assert.deepEqual(out.shape, ref.output_shape);
  const got = Array.from(out.toArray());
  ref.output.forEach((want, i) => assert.ok(Math.abs(got[i]! - want) <= 1e-5 * (1 + Math.abs(want)), `output[${i}]: ${got[i]} vs PyTorch ${want}`));
});

test("nn.Parameter loads as a torchlet Parameter with its requires_grad; a tensor with requires_grad as a leaf that requires grad", () => {
  const p = torch.load(fixture("params"));
  assert.ok(p.param instanceof Parameter);
  assert.deepEqual([p.param.requiresGrad, p.param.isLeaf, p.param.tolist()], [true, true, [1, -1, 0.5]]);
  assert.ok(p.frozen instanceof Parameter);
  assert.equal(p.frozen.requiresGrad, false);
  assert.ok(!(p.leaf instanceof Parameter));
  assert.deepEqual([p.leaf!.requiresGrad, p.leaf!.isLeaf], [true, true]);
});

test("the archive's folder may be 'archive/' (buffers, PyTorch 2.x) or the saved file's stem (files, PyTorch 1.x)", () => {
  const folder = (name: string): string => readZip(readFileSync(fixture(name)))[0]!.name.split("/")[0]!;
  assert.deepEqual([folder("views"), folder("shapes"), folder("model")], ["archive", "shapes", "model"]);
  assert.deepEqual(Object.keys(torch.load(fixture("shapes"))).length, 7);
});

const WEIGHTS_ONLY = /^load\("[^"]+"\): Weights only load failed\. torchlet loads PyTorch checkpoints as torch\.load\(path, weights_only=True\) does/;

test("a pickled custom class is refused with PyTorch's weights-only error, and loadFromBytes says the same", () => {
  const check = (e: Error, prefix: boolean): boolean => {
    assert.equal(e.name, "UnpicklingError");
    if (prefix) assert.match(e.message, WEIGHTS_ONLY);
    assert.ok(e.message.endsWith("\n\tWeightsUnpickler error: Unsupported global: GLOBAL __main__.Custom was not an allowed global by default."), e.message);
    return true;
  };
  assert.throws(() => torch.load(fixture("forbidden_class")), (e: Error) => check(e, true));
  assert.throws(() => torch.loadFromBytes(readFileSync(fixture("forbidden_class"))), (e: Error) => check(e, false));
});

test("a pickle that would call os.system is refused by its module, as PyTorch's blocklist does, and nothing runs", () => {
  assert.throws(() => torch.load(fixture("forbidden_os")), (e: Error) => {
    assert.match(e.message, WEIGHTS_ONLY);
    assert.ok(e.message.endsWith("WeightsUnpickler error: Trying to load unsupported GLOBAL posix.system whose module posix is blocked."), e.message);
    return true;
  });
});

test("an int64 value that does not fit in int32 throws, naming the storage and the value", () => {
  assert.throws(() => torch.load(fixture("int64_overflow")), {
    message: /^load\("[^"]+"\): storage data\/1 \(int64\): value 1099511627776 at index 1 does not fit in int32 \(torchlet's integer dtype\)$/,
  });
});

test("legacy (pre-1.6) torch.save files and TorchScript archives get an error that says what to do", () => {
  assert.throws(() => torch.load(fixture("legacy")), {
    message: /this is a legacy PyTorch checkpoint \(torch.save before PyTorch 1.6, or _use_new_zipfile_serialization=False\), which torchlet does not read; re-save it in Python with a current PyTorch: torch.save\(torch.load\(path, weights_only=True\), new_path\)$/,
  });
  assert.throws(() => torch.load(fixture("torchscript")), {
    message: /this is a TorchScript archive \(torch.jit.save\), not a torch.save checkpoint, and torchlet cannot run TorchScript; in Python, load it with m = torch.jit.load\(path\)/,
  });
});

test("loadWithMetadata (safetensors only) points PyTorch checkpoints to torch.load", () => {
  assert.throws(() => torch.loadWithMetadata(fixture("views")), /this is a zip archive \(a PyTorch checkpoint from torch.save\?\), not safetensors; read it with torch.load\(path\) or torch.loadFromBytes\(bytes\)/);
});
