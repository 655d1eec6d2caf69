/**
 * Writing PyTorch's checkpoint format, the files Python opens with
 * `torch.load(path)` (also with `weights_only=True`). The records and their
 * order are PyTorch 2.x's `torch.save`: `data.pkl`, `.format_version`,
 * `.storage_alignment`, `byteorder`, `data/<key>` for each storage, `version`
 * and `.data/serialization_id`, each entry's data 64-byte aligned.
 *
 * The pickle rebuilds every tensor with `torch._utils._rebuild_tensor_v2`
 * from a persistent id `('storage', torch.FloatStorage, key, 'cpu', numel)`;
 * tensors that share a torchlet Storage (views, tied weights) name one key,
 * so their storage is written once and PyTorch loads them sharing memory.
 */
import { Tensor } from "../tensor/tensor.js";
import type { Storage } from "../tensor/storage.js";
import { Parameter } from "../nn/parameter.js";
import { bytesPerElement } from "../tensor/dtype.js";
import { HOST_IS_LITTLE_ENDIAN, swapBytes } from "./dtypes.js";
import { PickleWriter } from "./pickle-write.js";
import { storageClassFor } from "./torch-storage-types.js";
import { crc32, writeZip, type ZipInput, type ZipWriteOptions } from "./zip.js";

/** What `torch.save(obj, path)` writes in the PyTorch format: tensors inside plain containers. */
export type SaveableValue =
  | Tensor
  | number
  | bigint
  | string
  | boolean
  | null
  | readonly SaveableValue[]
  | ReadonlyMap<string, SaveableValue>
  | { readonly [key: string]: SaveableValue };

/** What `torch.save` writes for `version` (kMinProducedFileFormatVersion) and `.storage_alignment`. */
const FILE_FORMAT_VERSION = "3\n";
const STORAGE_ALIGNMENT = "64";

function describe(x: unknown): string {
  return x === null ? "null" : typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
}

/** A plain object or Map whose values are all tensors: a state dict, pickled as an OrderedDict like `module.state_dict()`. */
function isStateDict(entries: readonly [string, unknown][]): boolean {
  return entries.length > 0 && entries.every(([, v]) => v instanceof Tensor);
}

class CheckpointPickler {
  readonly w = new PickleWriter();
  /** Storages by first appearance: their keys are "0", "1", ... as PyTorch numbers them. */
  readonly storages = new Map<Storage, string>();
  private readonly memo = new Map<object, number>();
  private readonly open = new Set<object>();

  value(v: unknown, where: string): void {
    const { w } = this;
    if (v === null) return w.none();
    if (typeof v === "boolean") return w.bool(v);
    if (typeof v === "number") {
      // JavaScript has one number type: whole numbers JavaScript holds exactly are Python ints, the rest floats.
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return w.int(v);
      return w.float(v);
    }
    if (typeof v === "bigint") return w.int(v);
    if (typeof v === "string") return w.string(v);
    if (typeof v !== "object") throw new TypeError(`save: ${where} is a ${typeof v}, which a PyTorch checkpoint cannot hold`);
    const known = this.memo.get(v);
    if (known !== undefined) return w.get(known);
    if (this.open.has(v)) throw new TypeError(`save: ${where} contains itself`);
    this.open.add(v);
    if (v instanceof Tensor) this.tensor(v);
    else if (Array.isArray(v)) this.sequence(v, where);
    else if (v instanceof Map) this.dict(v, [...(v as Map<unknown, unknown>).entries()].map(([k, x]) => [this.key(k, where), x]), where, true);
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      if (typeof (v as { stateDict?: unknown }).stateDict === "function") throw new TypeError("save: got a module; save its state dict instead: torch.save(model.stateDict(), path)");
      const entries = Object.entries(v);
      this.dict(v, entries, where, isStateDict(entries));
    } else {
      if (typeof (v as { stateDict?: unknown }).stateDict === "function") throw new TypeError("save: got a module; save its state dict instead: torch.save(model.stateDict(), path)");
      throw new TypeError(`save: ${where} is a ${describe(v)}, which a PyTorch checkpoint cannot hold (only tensors, numbers, bigints, strings, booleans, null, arrays, plain objects and Maps)`);
    }
    this.open.delete(v);
  }

  private key(k: unknown, where: string): string {
    if (typeof k !== "string") throw new TypeError(`save: the keys of the Map at ${where} must be strings, got ${describe(k)}`);
    return k;
  }

  private remember(v: object): void {
    this.memo.set(v, this.w.memoize());
  }

  /** Arrays are Python lists; frozen arrays (how tuples load) are tuples again. */
  private sequence(items: readonly unknown[], where: string): void {
    const { w } = this;
    if (Object.isFrozen(items)) {
      w.tuple(items.length, () => items.forEach((x, i) => this.value(x, `${where}[${i}]`)));
      if (items.length > 0) this.remember(items);
      return;
    }
    w.emptyList();
    this.remember(items);
    w.appends(items.length, (i) => this.value(items[i], `${where}[${i}]`));
  }

  private dict(v: object, entries: readonly [string, unknown][], where: string, ordered: boolean): void {
    const { w } = this;
    if (ordered) {
      w.global("collections", "OrderedDict");
      w.tuple(0, () => {});
      w.reduce();
    } else {
      w.emptyDict();
    }
    this.remember(v);
    w.setItems(entries.length, (i) => {
      const [k, x] = entries[i]!;
      w.string(k);
      this.value(x, `${where}[${JSON.stringify(k)}]`);
    });
  }

  /** A fresh `OrderedDict()`, the backward hooks every tensor pickles with. */
  private emptyOrderedDict(): void {
    this.w.global("collections", "OrderedDict");
    this.w.tuple(0, () => {});
    this.w.reduce();
    this.w.memoize();
  }

  private tensor(t: Tensor): void {
    const { w } = this;
    if (t instanceof Parameter) {
      // nn.Parameter pickles as _rebuild_parameter(data, requires_grad, OrderedDict()), data being the plain tensor.
      w.global("torch._utils", "_rebuild_parameter");
      w.tuple(3, () => {
        this.plainTensor(t, false);
        w.bool(t.requiresGrad);
        this.emptyOrderedDict();
      });
      w.reduce();
      this.remember(t);
      return;
    }
    this.plainTensor(t, t.requiresGrad);
    this.remember(t);
  }

  private plainTensor(t: Tensor, requiresGrad: boolean): void {
    const { w } = this;
    let key = this.storages.get(t.storage);
    if (key === undefined) {
      key = String(this.storages.size);
      this.storages.set(t.storage, key);
    }
    const storageKey = key;
    w.global("torch._utils", "_rebuild_tensor_v2");
    w.tuple(6, () => {
      w.tuple(5, () => {
        w.string("storage");
        w.global("torch", storageClassFor(t.dtype));
        w.string(storageKey);
        w.string("cpu");
        w.int(t.storage.data.length);
      });
      w.memoize();
      w.persistentId();
      w.int(t.offset);
      // Python memoizes every tuple but the empty one (a 0-d tensor's size and stride).
      w.tuple(t.shape.length, () => t.shape.forEach((d) => w.int(d)));
      if (t.shape.length > 0) w.memoize();
      w.tuple(t.strides.length, () => t.strides.forEach((s) => w.int(s)));
      if (t.strides.length > 0) w.memoize();
      w.bool(requiresGrad);
      this.emptyOrderedDict();
    });
    w.memoize();
    w.reduce();
  }
}

/** A storage's elements as little-endian bytes. */
function storageBytes(storage: Storage): Uint8Array {
  const data = storage.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, bytesPerElement(storage.dtype));
  return copy;
}

/** c10::hash_combine on 64-bit words, as PyTorch combines the records' CRC-32s into the serialization id. */
function hashCombine(seed: bigint, value: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  return (seed ^ ((value + 0x9e3779b9n + ((seed << 6n) & mask) + (seed >> 2n)) & mask)) & mask;
}

/** 64-bit FNV-1a of a record name (PyTorch uses std::hash, whose value is the C++ library's own). */
function nameHash(name: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(name)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & ((1n << 64n) - 1n);
  return h;
}

/**
 * The `.data/serialization_id` record: 20 digits of a combined hash of the
 * record names (sorted, as PyTorch's std::set holds them), then 20 of the
 * combined CRC-32s of their data in write order. Readers only compare ids.
 */
function serializationId(records: readonly ZipInput[]): string {
  let names = 0n;
  for (const name of records.map((r) => r.name).sort()) names = hashCombine(names, nameHash(name));
  let crcs = 0n;
  for (const r of records) crcs = hashCombine(crcs, BigInt(crc32(r.data)));
  return names.toString().padStart(20, "0") + crcs.toString().padStart(20, "0");
}

/** The folder PyTorch names the records after: a saved file's stem ("model" for "model.pt"), else "archive". */
export function archiveNameFor(path: string | undefined): string {
  if (path === undefined) return "archive";
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  // PyTorch's file writer takes ASCII names only (others go through a stream, named "archive").
  return stem.length > 0 && /^[\x20-\x7e]+$/.test(stem) ? stem : "archive";
}

/** Serialises `obj` into PyTorch's torch.save format. */
export function encodePytorch(obj: unknown, archiveName = "archive", zipOptions: ZipWriteOptions = {}): Uint8Array {
  const pickler = new CheckpointPickler();
  pickler.w.proto();
  pickler.value(obj, "the saved object");
  pickler.w.stop();
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const records: ZipInput[] = [
    { name: "data.pkl", data: pickler.w.finish() },
    { name: ".format_version", data: text("1") },
    { name: ".storage_alignment", data: text(STORAGE_ALIGNMENT) },
    { name: "byteorder", data: text("little") },
  ];
  for (const [storage, key] of pickler.storages) records.push({ name: `data/${key}`, data: storageBytes(storage) });
  records.push({ name: "version", data: text(FILE_FORMAT_VERSION) });
  records.push({ name: ".data/serialization_id", data: text(serializationId(records)) });
  return writeZip(records.map((r) => ({ name: `${archiveName}/${r.name}`, data: r.data })), zipOptions);
}
