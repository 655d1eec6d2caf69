// Hand-made PyTorch-format archives: the opcodes torch.save and other picklers emit load, and everything outside
// PyTorch's weights-only rules or the archive's layout fails with its own clear error (texts of
// torch/_weights_only_unpickler.py in PyTorch 2.x where it has one).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { readZip, writeZip } from "../src/io/zip.js";

/** Pickle opcodes as a latin1 string, for readability. */
const u32 = (n: number): string => String.fromCharCode(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
const str = (s: string): string => `X${u32(s.length)}${s}`;
const global = (module: string, name: string): string => `c${module}\n${name}\n`;
/** `_rebuild_tensor_v2(storage '0' of `numel` floats, offset, size, stride, False, {})`. */
const tensor = (numel: number, offset: number, size: number[], stride: number[], location = "cpu"): string =>
  global("torch._utils", "_rebuild_tensor_v2") + "((" + str("storage") + global("torch", "FloatStorage") + str("0") + str(location) +
  `J${u32(numel)}tQJ${u32(offset)}(${size.map((s) => `J${u32(s)}`).join("")}t(${stride.map((s) => `J${u32(s)}`).join("")}t\x89}tR`;

function archive(pickle: string, records: Record<string, Uint8Array> = {}, folder = "archive"): Uint8Array {
  return writeZip([
    { name: `${folder}/data.pkl`, data: new Uint8Array(Buffer.from(pickle, "latin1")) },
    ...Object.entries(records).map(([name, data]) => ({ name: `${folder}/${name}`, data })),
  ]);
}

const floats = (...v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);

function refused(bytes: Uint8Array, reason: string): void {
  assert.throws(() => torch.loadFromBytes(bytes), (e: Error) => {
    assert.match(e.message, /^Weights only load failed\. /);
    assert.ok(e.message.endsWith(`\n\tWeightsUnpickler error: ${reason}`), e.message);
    return true;
  });
}

test("the opcodes of protocols 2-4 that carry plain data load (short and 8-byte strings, long memo, ints of every width, bytes)", () => {
  const pickle = "\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00" + // PROTO 4, FRAME
    "}\x94(" + // EMPTY_DICT, MEMOIZE, MARK
    "\x8c\x01a" + `M\x34\x12` + // SHORT_BINUNICODE 'a': BININT2 0x1234
    "\x8d\x01\x00\x00\x00\x00\x00\x00\x00b" + `J${u32(-5)}` + // BINUNICODE8 'b': BININT -5
    "\x8c\x01c" + "\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01" + // 'c': LONG1 2^64
    "\x8c\x01d" + "]r\x00\x01\x00\x00K\x07aj\x00\x01\x00\x00a" + // 'd': EMPTY_LIST, LONG_BINPUT 256, APPEND 7, APPEND (LONG_BINGET 256)
    "\x8c\x01e" + "C\x02\xff\x00" + // 'e': SHORT_BINBYTES
    "\x8c\x01f" + global("_codecs", "encode") + "\x8c\x03\xc3\xa9z\x8c\x06latin1\x86R" + // 'f': bytes as protocol 2 pickles them
    "\x8c\x01g" + global("torch", "Size") + "](K\x02K\x03e\x85R" + // 'g': torch.Size([2, 3]) (EMPTY_LIST, MARK, APPENDS)
    "u.";
  const v = torch.loadFromBytes<Record<string, torch.CheckpointValue>>(archive(pickle));
  assert.deepEqual(v.a, 0x1234);
  assert.equal(v.b, -5);
  assert.equal(v.c, 2n ** 64n);
  assert.ok(Array.isArray(v.d));
  assert.equal((v.d as unknown[])[0], 7);
  assert.equal((v.d as unknown[])[1], v.d, "the list holds itself through the memo");
  assert.deepEqual(Array.from(v.e as Uint8Array), [0xff, 0]);
  assert.deepEqual(Array.from(v.f as Uint8Array), [0xe9, 0x7a]);
  assert.deepEqual(v.g, [2, 3]);
  assert.ok(Object.isFrozen(v.g));
});

test("globals outside the allowlist are refused before anything is built; builtins are named without their module", () => {
  refused(archive(global("builtins", "eval") + "."), "Unsupported global: GLOBAL eval was not an allowed global by default.");
  refused(archive(global("subprocess", "run") + "."), "Unsupported global: GLOBAL subprocess.run was not an allowed global by default.");
  refused(archive(global("nt", "system") + "."), "Trying to load unsupported GLOBAL nt.system whose module nt is blocked.");
  refused(archive(global("builtins", "set") + "](K\x01e\x85R."), "builtins.set is allowed by PyTorch's weights-only loader but torchlet has nothing to load it into");
});

test("only allowlisted calls, builds and objects: REDUCE, BUILD, NEWOBJ, SETITEM and APPEND check their targets", () => {
  refused(archive(str("f") + ")R."), "Trying to call reduce for unrecognized function str");
  refused(archive("]}b."), "Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, but got list (state dict)");
  refused(archive(global("collections", "OrderedDict") + ")\x81."), "Can only create new object for nn.Parameter or classes allowlisted via `add_safe_globals` but got collections.OrderedDict");
  refused(archive("]K\x01K\x02s."), "Can only SETITEM for dict, collections.OrderedDict, collections.Counter, but got list");
  refused(archive(")K\x01a."), "Can only append to lists, but got tuple");
  refused(archive("}(K\x01K\x02\x86K\x03u."), "dict keys must be str or int to load into a JavaScript object, got tuple");
  refused(archive(str("x") + "Q."), "persistent_load id must be tuple or int, but got str");
  refused(archive(str("module") + "\x85Q."), "Only persistent_load of storage is allowed, but got str module");
});

test("a damaged pickle stream fails cleanly: unknown opcode, truncation, missing memo, stack underflow, missing MARK", () => {
  refused(archive("\x80\x02i."), "Unsupported operand 105");
  refused(archive("\x80\x02X\x05\x00\x00\x00ab"), "pickle data was truncated: needed 5 bytes at offset 7 of 9");
  refused(archive("\x80\x02K\x01"), "pickle data was truncated: needed 1 bytes at offset 4 of 4");
  refused(archive("h\x05."), "Memo value not found at index 5");
  refused(archive("s."), "unpickling stack underflow at offset 0");
  refused(archive("K\x01t."), "could not find MARK before offset 2");
});

test("storages: the tensor must fit its storage, the record must exist and hold its elements, and the file must be little-endian", () => {
  const ok = torch.loadFromBytes<torch.Tensor>(archive(tensor(4, 1, [3], [1]) + ".", { "data/0": floats(0, 1, 2, 3) }));
  assert.deepEqual([ok.tolist(), ok.offset], [[1, 2, 3], 1]);
  refused(archive(tensor(4, 2, [3], [1]) + ".", { "data/0": floats(0, 1, 2, 3) }),
    "a tensor of size [3], stride [1] and offset 2 reaches past its storage of 4 elements");
  refused(archive(tensor(4, 0, [2, 2], [3, 1]) + ".", { "data/0": floats(0, 1, 2, 3) }),
    "a tensor of size [2,2], stride [3,1] and offset 0 reaches past its storage of 4 elements");
  const gpu = torch.loadFromBytes<torch.Tensor>(archive(tensor(2, 0, [2], [1], "cuda:1") + ".", { "data/0": floats(5, 6) }));
  assert.deepEqual([gpu.tolist(), gpu.device.type], [[5, 6], "cpu"], "a tensor saved on a GPU loads on the CPU, as with map_location='cpu'");
  const empty = torch.loadFromBytes<torch.Tensor>(archive(tensor(0, 0, [0, 5], [5, 1]) + ".", { "data/0": floats() }));
  assert.deepEqual(empty.shape, [0, 5]);
  refused(archive(tensor(4, 0, [4], [1]) + "."), "PytorchStreamReader failed locating file data/0: file not found (archive/data/0)");
  refused(archive(tensor(4, 0, [4], [1]) + ".", { "data/0": floats(0, 1) }), "storage data/0 should hold 4 float32 elements (16 bytes) but the record has 8 bytes");
  assert.throws(() => torch.loadFromBytes(archive(tensor(1, 0, [1], [1]) + ".", { "data/0": floats(1), byteorder: new TextEncoder().encode("big") })),
    /^Error: the checkpoint was written on a big-endian machine; torchlet reads little-endian checkpoints only/);
});

test("a bare pickle (not in a zip) is named as such; a safetensors file whose header is 640 bytes long is not mistaken for one", () => {
  assert.throws(() => torch.loadFromBytes(new Uint8Array(Buffer.from("\x80\x02}q\x00.", "latin1"))), /^Error: this is a bare Python pickle, not a torch.save checkpoint \(a zip archive\) or safetensors/);
  const st = torch.saveToBytes({ ["w".repeat(584)]: torch.ones([1]) });
  assert.deepEqual([st[0], st[1], st[2]], [0x80, 0x02, 0]);
  assert.deepEqual(torch.loadFromBytes(st)["w".repeat(584)]!.tolist(), [1]);
});

test("the archive's layout: files in one folder, with data.pkl; uncompressed records", () => {
  assert.throws(() => torch.loadFromBytes(writeZip([])), /invalid PyTorch checkpoint: the archive does not contain any files/);
  assert.throws(() => torch.loadFromBytes(writeZip([{ name: "data.pkl", data: new Uint8Array([0x2e]) }])), /file in archive is not in a subdirectory: data.pkl/);
  assert.throws(() => torch.loadFromBytes(writeZip([{ name: "x/version", data: new Uint8Array([0x33]) }])), /PytorchStreamReader failed locating file data.pkl: file not found \(x\/data.pkl\)/);
  // Any folder name works (older PyTorch names it after the file), as long as every record is in it.
  assert.equal(torch.loadFromBytes<number>(archive("K\x05.", {}, "my model")), 5);
  const bytes = archive("K\x05.").slice();
  // Mark data.pkl deflated (method 8) in the central directory.
  const view = new DataView(bytes.buffer);
  const central = bytes.length - 98 - (46 + "archive/data.pkl".length);
  assert.equal(view.getUint32(central, true), 0x02014b50);
  view.setUint16(central + 10, 8, true);
  assert.equal(readZip(bytes)[0]!.method, 8);
  assert.throws(() => torch.loadFromBytes(bytes), /invalid PyTorch checkpoint: record data.pkl is compressed \(zip method 8\); torch.save stores records uncompressed/);
});

test("every one-byte change of a small checkpoint loads or throws one of the errors above (nothing else escapes)", () => {
  const good = torch.saveToBytes({ w: torch.tensor([1, 2, 3]), n: { a: [1, "x"] } }, { format: "pytorch" });
  const known = /^(invalid zip archive: |invalid PyTorch checkpoint: |invalid safetensors data: |Weights only load failed\. |the checkpoint was written on a big-endian machine|storage data\/)/;
  let loaded = 0;
  for (const value of [0x00, 0xff]) {
    for (let i = 0; i < good.length; i++) {
      const bytes = good.slice();
      bytes[i] = value;
      try {
        torch.loadFromBytes<torch.CheckpointValue>(bytes);
        loaded++;
      } catch (e) {
        assert.ok(e instanceof Error && known.test(e.message), `byte ${i} = ${value}: ${String(e)}`);
      }
    }
  }
  assert.ok(loaded > 0 && loaded < 2 * good.length, `${loaded} of ${2 * good.length} changed files loaded (padding and unused fields change nothing)`);
});
