// Damaged safetensors files: each problem gets its own clear error, and nothing is read past the end.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

/** safetensors bytes from a header (object or raw text) and a data section of `dataBytes` bytes. */
function file(header: unknown, dataBytes: number, declaredLength?: bigint): Uint8Array {
  const text = Buffer.from(typeof header === "string" ? header : JSON.stringify(header), "utf8");
  const out = new Uint8Array(8 + text.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(text.byteLength), true);
  out.set(text, 8);
  return out;
}

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: "F32", shape, data_offsets: [begin, end] });

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => torch.loadFromBytes(bytes), (e: Error) => {
    assert.match(e.message, /^invalid safetensors data: /);
    assert.match(e.message, pattern);
    return true;
  });
}

test("a good file parses (the helper is sound)", () => {
  const t = torch.loadFromBytes(file({ a: f32([2], 0, 8), b: f32([1], 8, 12) }, 12));
  assert.deepEqual(t.a!.shape, [2]);
  assert.deepEqual(t.b!.shape, [1]);
});

test("every truncation of a valid file throws instead of reading past the end", () => {
  const good = torch.saveToBytes({ w: torch.randn([3, 2]), b: torch.ones([2], { dtype: "float64" }) }, { metadata: { a: "b" } });
  torch.loadFromBytes(good);
  for (let n = 0; n < good.byteLength; n++) {
    const cut = good.subarray(0, n);
    assert.throws(() => torch.loadFromBytes(cut), /invalid safetensors data: .*(too short|runs past the end|run past the end|truncated)/, `cut at ${n}`);
  }
  rejects(good.subarray(0, good.byteLength - 1), /tensor "w": data_offsets \[16, 40\] run past the end of the data section \(39 bytes; truncated file\?\)/);
  rejects(new Uint8Array(5), /5 bytes long, too short for the 8-byte header length/);
});

test("a header length beyond the file", () => {
  rejects(file({}, 0, 1n << 60n), /header length 1152921504606846976 runs past the end of the data \(2 bytes follow/);
  rejects(file({ a: f32([1], 0, 4) }, 4, 200n), /header length 200 runs past the end/);
});

test("offsets that overlap, leave gaps, or leave bytes over", () => {
  rejects(file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12), /tensor "b": data_offsets \[4, 12\] overlap tensor "a" \[0, 8\]/);
  rejects(file({ a: f32([2], 0, 8), b: f32([2], 12, 20) }, 20), /tensor "b": data_offsets \[12, 20\] leave a gap of 4 bytes after tensor "a"/);
  rejects(file({ a: f32([1], 4, 8) }, 8), /tensor "a": data_offsets \[4, 8\] leave a gap of 4 bytes after the header/);
  rejects(file({ a: f32([1], 0, 4) }, 9), /data section has 9 bytes but the tensors cover 4 \(the last is "a"\): 5 bytes are unaccounted for/);
  rejects(file({ a: f32([1], 8, 4) }, 8), /tensor "a": data_offsets \[8,4\] must be integers with 0 <= begin <= end/);
  rejects(file({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }, 4), /tensor "a": data_offsets must be \[begin, end\], got \[0\]/);
});

test("byte counts that do not match the shape", () => {
  rejects(file({ w: f32([2, 3], 0, 20) }, 20), /tensor "w": shape \[2,3\] of F32 needs 24 bytes, but data_offsets \[0, 20\] hold 20/);
  rejects(file({ w: { dtype: "F64", shape: [2], data_offsets: [0, 8] } }, 8), /tensor "w": shape \[2\] of F64 needs 16 bytes/);
});

test("unknown and unsupported dtypes", () => {
  rejects(file({ w: { dtype: "F128", shape: [1], data_offsets: [0, 16] } }, 16), /tensor "w": unknown dtype "F128"/);
  rejects(file({ w: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, 1), /tensor "w": dtype F8_E4M3 is not supported by torchlet \(it reads F64, F32, F16, BF16, I64/);
  rejects(file({ w: { dtype: 3, shape: [1], data_offsets: [0, 4] } }, 4), /tensor "w": dtype must be a string, got number 3/);
});

test("invalid JSON, invalid UTF-8, and a header that is not an object", () => {
  rejects(file('{"w": {"dtype": "F32",', 0), /the header is not valid JSON \(/);
  rejects(file(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1"), 0), /not valid JSON|not valid UTF-8/);
  const badUtf8 = new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xc3, 0x28, 0x7d]);
  rejects(badUtf8, /the header is not valid UTF-8/);
  rejects(file([1, 2], 0), /the header must be a JSON object, got an array/);
  rejects(file("null", 0), /the header must be a JSON object, got null/);
  rejects(file('"text"', 0), /the header must be a JSON object, got string "text"/);
  rejects(file({ w: [1, 2] }, 0), /tensor "w": expected an object with dtype, shape and data_offsets, got an array/);
  rejects(file({ __metadata__: { epoch: 3 } }, 0), /"__metadata__" value "epoch" must be a string, got number 3/);
  rejects(file({ __metadata__: "x" }, 0), /"__metadata__" must be an object of strings/);
});

test("negative and non-integer shapes", () => {
  rejects(file({ w: f32([-1], 0, 0) }, 0), /tensor "w": shape \[-1\] must hold non-negative integers, got number -1/);
  rejects(file({ w: f32([1.5], 0, 4) }, 4), /tensor "w": shape \[1.5\] must hold non-negative integers, got number 1.5/);
  rejects(file({ w: { dtype: "F32", shape: "2", data_offsets: [0, 8] } }, 8), /tensor "w": shape must be an array of non-negative integers, got string "2"/);
  rejects(file({ w: f32([2 ** 40, 2 ** 40], 0, 4) }, 4), /tensor "w": shape \[1099511627776,1099511627776\] of F32 needs/);
});

test("a PyTorch checkpoint (zip) is read as one by loadFromBytes and named as such by the safetensors-only reader", () => {
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => torch.loadFromBytes(zip), /^Error: invalid zip archive: no end of central directory record in the last 12 bytes \(truncated file\?\)$/);
  assert.throws(() => torch.loadFromBytesWithMetadata(zip), /invalid safetensors data: this is a zip archive \(a PyTorch checkpoint from torch.save\?\), not safetensors; read it with torch.load\(path\)/);
});
