// The safetensors format: round trips, PyTorch-written files, byte compatibility.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "io");

/** The header of safetensors bytes, parsed, with its padded length. */
function headerOf(bytes: Uint8Array): { length: number; text: string; json: Record<string, unknown> } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const text = Buffer.from(bytes.subarray(8, 8 + length)).toString("utf8");
  return { length, text, json: JSON.parse(text) as Record<string, unknown> };
}

test("tensors of every writable dtype round-trip through bytes with their metadata", () => {
  const record = {
    "fc.weight": torch.tensor([[0.1, -2], [3.5, 1e-8]]),
    "fc.bias": torch.tensor([1 / 3, -1e300], { dtype: "float64" }),
    steps: torch.tensor([2147483647, -2147483648, 0], { dtype: "int32" }),
    mask: torch.tensor([[true, false, true]]),
    scalar: torch.tensor(4.25),
    empty: torch.zeros([0, 5]),
  };
  const bytes = torch.saveToBytes(record, { metadata: { format: "pt", epoch: "3" } });
  const { tensors, metadata } = torch.loadFromBytesWithMetadata(bytes);
  assert.deepEqual(metadata, { format: "pt", epoch: "3" });
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(record).sort());
  for (const [name, t] of Object.entries(record)) {
    const back = tensors[name]!;
    assert.equal(back.dtype, t.dtype, name);
    assert.deepEqual(back.shape, t.shape, name);
    assert.deepEqual(Array.from(back.toArray()), Array.from(t.toArray()), name);
    assert.equal(back.requiresGrad, false);
    assert.equal(back.isLeaf, true);
  }
  assert.deepEqual(torch.loadFromBytes(bytes).mask!.tolist(), [[true, false, true]]);
});

test("the header is compact JSON padded with spaces to 8 bytes; offsets are sorted and gap-free", () => {
  for (const extra of ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg"]) {
    const bytes = torch.saveToBytes({ [`w${extra}`]: torch.ones([3]), i: torch.zeros([2], { dtype: "int32" }), d: torch.ones([1], { dtype: "float64" }) });
    const { length, text, json } = headerOf(bytes);
    assert.equal(length % 8, 0);
    assert.equal(text, text.trimEnd() + " ".repeat(length - text.trimEnd().length));
    assert.ok(length - text.trimEnd().length < 8);
    // safetensors' order: largest alignment first (F64, F32, I32, BOOL), then by name.
    assert.deepEqual(Object.keys(json), ["d", `w${extra}`, "i"]);
    const offsets = Object.values(json).map((v) => (v as { data_offsets: number[] }).data_offsets);
    assert.deepEqual(offsets, [[0, 8], [8, 20], [20, 28]]);
    assert.equal(bytes.byteLength, 8 + length + 28);
  }
});

test("non-contiguous tensors are written contiguous", () => {
  const base = torch.arange(0, 12, 1, { dtype: "float32" }).reshape(3, 4);
  const view = base.t().narrow(0, 1, 2); // shape [2, 3], strided
  assert.equal(view.isContiguous(), false);
  const back = torch.loadFromBytes(torch.saveToBytes({ v: view })).v!;
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual(back.tolist(), view.tolist());
  assert.deepEqual(back.tolist(), [[1, 5, 9], [2, 6, 10]]);
});

test("a file PyTorch wrote re-encodes to the same bytes (byte compatibility)", () => {
  const file = readFileSync(join(FIXTURES, "writable.safetensors"));
  const { tensors, metadata } = torch.loadFromBytesWithMetadata(file);
  assert.deepEqual(metadata, { format: "pt", who: "gen_io_fixtures" });
  assert.deepEqual(Buffer.from(torch.saveToBytes(tensors, { metadata })), file);
  // Insertion order does not matter, and a strided copy of a tensor writes the same bytes.
  const shuffled = new Map<string, torch.Tensor>(Object.entries(tensors).reverse());
  shuffled.set("b.weight", tensors["b.weight"]!.t().contiguous().t());
  assert.equal(shuffled.get("b.weight")!.isContiguous(), false);
  assert.deepEqual(Buffer.from(torch.saveToBytes(shuffled, { metadata })), file);
});

test("every dtype PyTorch writes is read: F16/BF16 as float32, I64 and small ints as int32", () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, "dtypes.json"), "utf8")) as {
    metadata: Record<string, string>;
    tensors: Record<string, { shape: number[]; values: (number | boolean)[] }>;
  };
  const { tensors, metadata } = torch.loadFromBytesWithMetadata(readFileSync(join(FIXTURES, "dtypes.safetensors")));
  assert.deepEqual(metadata, expected.metadata);
  const dtypeOf: Record<string, torch.DType> = {
    f64: "float64", f32: "float32", f16: "float32", bf16: "float32", i64: "int32", i32: "int32",
    i16: "int32", i8: "int32", u8: "int32", bool: "bool", scalar: "float32", empty: "float32",
  };
  for (const [name, want] of Object.entries(expected.tensors)) {
    const t = tensors[name];
    assert.ok(t, `missing ${name}`);
    assert.equal(t.dtype, dtypeOf[name], name);
    assert.deepEqual(t.shape, want.shape, name);
    const got = Array.from(t.toArray(), (v) => (t.dtype === "bool" ? v === 1 : v));
    const values = name === "f32" ? want.values.map((v) => Math.fround(v as number)) : want.values;
    assert.deepEqual(got, values, name);
  }
  assert.ok(Object.is(tensors.f16!.toArray()[4], -0));
});

test("an I64 value outside int32 throws, naming the tensor and the value", () => {
  const ok = torch.saveToBytes({ idx: torch.tensor([1, 2], { dtype: "float64" }) });
  // Re-label the F64 tensor as I64: the same 16 bytes become two int64s.
  const text = headerOf(ok).text.replace('"F64"', '"I64"');
  const bytes = Buffer.from(ok);
  bytes.write(text, 8, "utf8");
  const body = new DataView(bytes.buffer, bytes.byteOffset + 8 + headerOf(ok).length);
  body.setBigInt64(0, -5n, true);
  body.setBigInt64(8, 3_000_000_000n, true);
  assert.throws(() => torch.loadFromBytes(bytes), /tensor "idx": I64 value 3000000000 at index 1 does not fit in int32/);
  body.setBigInt64(8, -2147483648n, true);
  assert.deepEqual(Array.from(torch.loadFromBytes(bytes).idx!.toArray()), [-5, -2147483648]);
});

test("save and load use files; metadata comes back with loadWithMetadata", () => {
  const dir = mkdtempSync(join(tmpdir(), "torchlet-io-"));
  try {
    const path = join(dir, "m.safetensors");
    const w = torch.randn([4, 3]);
    torch.save({ w, n: torch.tensor(7, { dtype: "int32" }) }, path, { metadata: { note: "hi" } });
    const sd = torch.load(path);
    assert.deepEqual(sd.w!.tolist(), w.tolist());
    assert.equal(sd.n!.item(), 7);
    assert.deepEqual(torch.loadWithMetadata(path).metadata, { note: "hi" });
    // A loaded tensor owns its memory: writing to it changes nothing else.
    sd.w!.zero_();
    assert.notDeepEqual(torch.load(path).w!.tolist(), sd.w!.tolist());
    // Errors from files name the path.
    writeFileSync(path, Buffer.from([1, 2, 3]));
    assert.throws(() => torch.load(path), (e: Error) => e.message.startsWith(`load("${path}"): invalid safetensors data`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("save rejects what the format cannot hold", () => {
  assert.throws(() => torch.saveToBytes({ a: [1, 2] as unknown as torch.Tensor }), /the value for "a" is not a Tensor/);
  assert.throws(() => torch.saveToBytes({ __metadata__: torch.ones([1]) }), /"__metadata__" is reserved/);
  const model = new torch.nn.Linear(2, 2);
  assert.throws(() => torch.saveToBytes(model as unknown as torch.TensorRecord), /got a module; save its state dict instead: torch.save\(model.stateDict\(\), path\)/);
  assert.throws(() => torch.saveToBytes({}, { metadata: { n: 3 as unknown as string } }), /metadata values must be strings, but "n" is number/);
});

test("inside inferenceMode, loaded tensors are inference tensors; a record of no tensors is valid", () => {
  const bytes = torch.saveToBytes({ w: torch.ones([2]) });
  const t = torch.inferenceMode(() => torch.loadFromBytes(bytes).w!);
  assert.equal(t.isInference(), true);
  const empty = torch.saveToBytes({});
  assert.equal(headerOf(empty).text, "{}      ");
  assert.deepEqual(torch.loadFromBytesWithMetadata(empty), { tensors: {}, metadata: {} });
});

test("saveToBytes takes null metadata as none; loadFromBytes takes an ArrayBuffer and refuses other input clearly", () => {
  const bytes = torch.saveToBytes({ a: torch.tensor([1, 2]) }, { metadata: null });
  assert.deepEqual(torch.loadFromBytesWithMetadata(bytes).metadata, {});
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  assert.deepEqual(torch.loadFromBytes(copy).a!.tolist(), [1, 2]);
  assert.throws(() => torch.loadFromBytes("abc" as unknown as Uint8Array), /^TypeError: load: expected the file's bytes as a Uint8Array \(a Buffer\) or an ArrayBuffer, got string$/);
});
