// Writing PyTorch's torch.save format: what the archive holds and how it is laid out (PyTorch 2.x's writer),
// and torchlet -> bytes -> torchlet round trips. That Python's torch.load reads these files is checked by hand
// with scripts/check_pytorch_reads.py (see its docstring); the tests here never run Python.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.js";
import { Parameter } from "../src/nn/parameter.js";
import { crc32, readZip, tableCrc32, writeZip } from "../src/io/zip.js";
import { encodePytorch } from "../src/io/pytorch-write.js";
import { describeForPython, describeLoaded, expectedFromPython } from "./io-pytorch-describe.js";
import { exportCases, modelCase, SmallNet } from "./io-pytorch-cases.js";

const isZip = (b: Uint8Array): boolean => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

for (const [name, value] of Object.entries(exportCases())) {
  test(`${name}: torchlet -> PyTorch-format bytes -> torchlet keeps values, layout, shared storages, Parameters`, () => {
    const back = torch.loadFromBytes<torch.CheckpointValue>(torch.saveToBytes(value, { format: "pytorch" }));
    assert.deepEqual(describeLoaded(back), expectedFromPython(describeForPython(value)));
  });
}

test("the archive holds PyTorch 2.x's records in its order, each entry's data 64-byte aligned, with correct CRC-32s", () => {
  const bytes = torch.saveToBytes(exportCases().views!, { format: "pytorch" });
  const entries = readZip(bytes);
  assert.deepEqual(entries.map((e) => e.name), [
    "archive/data.pkl", "archive/.format_version", "archive/.storage_alignment", "archive/byteorder",
    "archive/data/0", "archive/data/1", "archive/version", "archive/.data/serialization_id",
  ]);
  const record = (n: string): Uint8Array => entries.find((e) => e.name === `archive/${n}`)!.data;
  assert.deepEqual([".format_version", ".storage_alignment", "byteorder", "version"].map((n) => text(record(n))), ["1", "64", "little", "3\n"]);
  assert.match(text(record(".data/serialization_id")), /^\d{40}$/);
  // The views share two storages (the 24-element base and the 3x2 tied weight): each written once, whole.
  assert.deepEqual([record("data/0").length, record("data/1").length], [24 * 4, 6 * 4]);
  assert.deepEqual(Array.from(new Float32Array(record("data/0").slice().buffer)), Array.from({ length: 24 }, (_, i) => i));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (const e of entries) {
    assert.equal(e.dataOffset % 64, 0, `${e.name} starts at ${e.dataOffset}`);
    // The data descriptor after the data holds the CRC-32 and sizes.
    const d = e.dataOffset + e.data.length;
    assert.deepEqual([view.getUint32(d, true), view.getUint32(d + 4, true), view.getUint32(d + 8, true)], [0x08074b50, crc32(e.data), e.data.length], e.name);
  }
  // PyTorch's padding: the first local header's name is followed by an "FB" extra field of "Z"s up to the data.
  const padding = view.getUint16(30 + 16 + 2, true);
  assert.deepEqual([text(bytes.subarray(30, 46)), text(bytes.subarray(46, 48)), 30 + 16 + 4 + padding], ["archive/data.pkl", "FB", entries[0]!.dataOffset]);
  assert.ok(bytes.subarray(50, 50 + padding).every((b) => b === 0x5a));
});

test("data.pkl pickles a state dict as PyTorch does: protocol 2, an OrderedDict, _rebuild_tensor_v2 with ('storage', torch.FloatStorage, '0', 'cpu', numel)", () => {
  const pkl = readZip(torch.saveToBytes({ w: torch.ones([2, 3]) }, { format: "pytorch" }))[0]!.data;
  assert.deepEqual([pkl[0], pkl[1]], [0x80, 2]);
  const s = Buffer.from(pkl).toString("latin1");
  assert.ok(s.startsWith("\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01"), JSON.stringify(s.slice(0, 40)));
  for (const part of ["ctorch._utils\n_rebuild_tensor_v2\n", "X\x07\x00\x00\x00storage", "ctorch\nFloatStorage\n", "X\x01\x00\x00\x000", "X\x03\x00\x00\x00cpu", "K\x06"]) {
    assert.ok(s.includes(part), `data.pkl lacks ${JSON.stringify(part)}`);
  }
  assert.ok(s.endsWith("."), "STOP");
  // A dict of non-tensors is a plain dict (EMPTY_DICT), as Python would pickle {'epoch': 3}.
  const plain = Buffer.from(readZip(torch.saveToBytes({ epoch: 3 }, { format: "pytorch" }))[0]!.data).toString("latin1");
  assert.equal(plain, "\x80\x02}q\x00X\x05\x00\x00\x00epochK\x03s.");
});

test("a torchlet model's state dict saved as .pth loads back into the model with the same outputs", () => {
  const { stateDict, input, output } = modelCase();
  const dir = mkdtempSync(join(tmpdir(), "torchlet-pt-"));
  try {
    const path = join(dir, "model.pth");
    torch.save(stateDict, path);
    const bytes = readFileSync(path);
    assert.ok(isZip(bytes));
    assert.equal(readZip(bytes)[0]!.name, "model/data.pkl", "a file's records sit in a folder named after its stem, as PyTorch's file writer names it");
    const fresh = new SmallNet();
    fresh.loadStateDict(torch.load(path));
    fresh.eval();
    assert.deepEqual(Array.from(torch.noGrad(() => fresh.forward(input)).toArray()), Array.from(output.toArray()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("save picks the format by extension (.pt .pth .bin .ckpt -> PyTorch) unless `format` says; saveToBytes defaults to safetensors", () => {
  const dir = mkdtempSync(join(tmpdir(), "torchlet-fmt-"));
  try {
    const sd = { w: torch.ones([2]) };
    const written = (file: string, options?: torch.SaveOptions): boolean => {
      torch.save(sd, join(dir, file), options);
      return isZip(readFileSync(join(dir, file)));
    };
    assert.deepEqual(["a.pt", "a.pth", "a.bin", "a.ckpt", "A.PT", "a.safetensors", "a"].map((f) => written(f)), [true, true, true, true, true, false, false]);
    assert.equal(written("b.pt", { format: "safetensors" }), false);
    assert.equal(written("b.safetensors", { format: "pytorch" }), true);
    for (const f of ["a.pt", "a.safetensors", "b.pt", "b.safetensors"]) assert.deepEqual(torch.load(join(dir, f)).w!.tolist(), [1, 1], f);
    assert.equal(isZip(torch.saveToBytes(sd)), false);
    assert.throws(() => torch.save({ model: sd, epoch: 1 }, join(dir, "c.safetensors")),
      /^Error: save: the value for "model" is not a Tensor \(got object\); safetensors holds tensors only: save other checkpoints in PyTorch's format \(a .pt path, or \{ format: "pytorch" \}\)$/);
    assert.throws(() => torch.save(sd, join(dir, "c.pt"), { metadata: { a: "b" } }), /^Error: save: metadata is a safetensors feature; PyTorch's format has no place for it/);
    assert.throws(() => torch.saveToBytes(sd, { format: "pickle" as "pytorch" }), /save: format must be "pytorch" or "safetensors", got "pickle"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("values a checkpoint cannot hold are refused, naming where they are", () => {
  const bytes = (v: unknown): Uint8Array => torch.saveToBytes(v as torch.SaveableValue, { format: "pytorch" });
  assert.throws(() => bytes({ a: [1, () => 2] }), /^TypeError: save: the saved object\["a"\]\[1\] is a function, which a PyTorch checkpoint cannot hold$/);
  assert.throws(() => bytes({ d: new Date(0) }), /save: the saved object\["d"\] is a Date, which a PyTorch checkpoint cannot hold/);
  // A tuple that contains itself has no pickle (Python's neither); a dict or list that does is memoized first, as Python's are.
  const loop: unknown[] = [];
  loop.push(loop);
  Object.freeze(loop);
  assert.throws(() => bytes({ t: loop }), /save: the saved object\["t"\]\[0\] contains itself/);
  const selfish: Record<string, unknown> = { n: 1 };
  selfish.self = selfish;
  const back = torch.loadFromBytes<Record<string, torch.CheckpointValue>>(bytes(selfish));
  assert.equal(back.self, back);
  assert.throws(() => bytes(new Map([[1, torch.ones([1])]])), /the keys of the Map at the saved object must be strings, got number/);
  assert.throws(() => bytes(new SmallNet()), /save: got a module; save its state dict instead/);
});

test("the same object saved twice loads as one object; a tuple (frozen array) stays a tuple; 1000+ items fill in batches", () => {
  const t = torch.ones([2]);
  const shared = [1, 2];
  const back = torch.loadFromBytes<Record<string, torch.CheckpointValue>>(torch.saveToBytes({ a: t, b: t, l1: shared, l2: shared, tup: Object.freeze([1, 2]), many: Array.from({ length: 2500 }, (_, i) => i) }, { format: "pytorch" }));
  assert.equal(back.a, back.b);
  assert.equal(back.l1, back.l2);
  assert.ok(Object.isFrozen(back.tup));
  assert.deepEqual(back.many, Array.from({ length: 2500 }, (_, i) => i));
});

test("a Parameter saves as _rebuild_parameter and loads as a Parameter; requiresGrad survives", () => {
  const back = torch.loadFromBytes(torch.saveToBytes({ p: new Parameter(torch.tensor([1, 2])), q: torch.tensor([3]).requiresGrad_() }, { format: "pytorch" }));
  assert.ok(back.p instanceof Parameter && back.p.requiresGrad);
  assert.ok(!(back.q instanceof Parameter) && back.q!.requiresGrad && back.q!.isLeaf);
});

test("zip64 records (as PyTorch writes past 4 GiB) read back; every truncation throws a clear error instead of reading past the end", () => {
  const good = encodePytorch({ w: torch.arange(0, 6, 1, { dtype: "float32" }) }, "archive", { forceZip64: true });
  assert.deepEqual(torch.loadFromBytes(good).w!.tolist(), [0, 1, 2, 3, 4, 5]);
  const entries = readZip(good);
  for (const e of entries) assert.equal(e.dataOffset % 64, 0, e.name);
  const small = torch.saveToBytes({ w: torch.ones([3]) }, { format: "pytorch" });
  for (let n = 0; n < small.length; n++) {
    assert.throws(() => torch.loadFromBytes(small.subarray(0, n)), /invalid zip archive|invalid safetensors data|Weights only load failed/, `cut at ${n}`);
  }
});

test("like PyTorch's reader, loading does not check CRC-32s: a wrong CRC loads, and a changed data byte loads changed", () => {
  const bytes = torch.saveToBytes({ w: torch.tensor([1, 2]) }, { format: "pytorch" }).slice();
  const w = readZip(bytes).find((e) => e.name === "archive/data/0")!;
  const view = new DataView(bytes.buffer);
  const descriptor = w.dataOffset + w.data.length;
  view.setUint32(descriptor + 4, view.getUint32(descriptor + 4, true) ^ 1, true);
  assert.deepEqual(torch.loadFromBytes(bytes).w!.tolist(), [1, 2]);
  view.setFloat32(w.dataOffset, 7, true);
  assert.deepEqual(torch.loadFromBytes(bytes).w!.tolist(), [7, 2]);
});

test("writeZip and readZip agree on names (UTF-8), empty entries and alignment", () => {
  const entries = [{ name: "archive/ä.txt", data: new Uint8Array([1, 2, 3]) }, { name: "archive/empty", data: new Uint8Array(0) }];
  const zip = writeZip(entries);
  const back = readZip(zip);
  assert.deepEqual(back.map((e) => [e.name, Array.from(e.data), e.dataOffset % 64]), [["archive/ä.txt", [1, 2, 3], 0], ["archive/empty", [], 0]]);
});

test("CRC-32 (zlib's where Node has it, else a table) gives the standard check value and agrees between the two", () => {
  const check = new TextEncoder().encode("123456789");
  assert.deepEqual([crc32(check), tableCrc32(check)], [0xcbf43926, 0xcbf43926]);
  const data = new Uint8Array(10_000).map((_, i) => (i * 7919) & 0xff);
  assert.equal(crc32(data), tableCrc32(data));
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test("torch.load of a file may keep aligned float32/float64/int32/bool elements in the file's bytes; loadFromBytes never aliases its input", () => {
  const dir = mkdtempSync(join(tmpdir(), "torchlet-alias-"));
  try {
    const path = join(dir, "a.pt");
    const sd = { f: torch.tensor([1, 2]), d: torch.tensor([3], { dtype: "float64" }), i: torch.tensor([4], { dtype: "int32" }), b: torch.tensor([true, false]) };
    torch.save(sd, path);
    const loaded = torch.load(path);
    for (const [k, t] of Object.entries(sd)) assert.deepEqual(loaded[k]!.tolist(), t.tolist(), k);
    torch.noGrad(() => loaded.f!.add_(1));
    assert.deepEqual([loaded.f!.tolist(), loaded.d!.tolist()], [[2, 3], [3]], "writes stay within the tensor's own elements");
    const bytes = readFileSync(path);
    const before = Buffer.from(bytes);
    const fromBytes = torch.loadFromBytes(bytes);
    torch.noGrad(() => fromBytes.f!.add_(1));
    assert.ok(Buffer.from(bytes).equals(before), "the caller's bytes are unchanged");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
