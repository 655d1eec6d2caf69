/**
 * Reading PyTorch's own checkpoint format (what Python's `torch.save` writes
 * since 1.6): a zip archive with one top-level folder holding `data.pkl` (a
 * protocol-2 pickle of the saved object), `data/<key>` (each storage's raw
 * little-endian bytes), `version` and, since 1.10, `byteorder`.
 *
 * It loads as `torch.load(path, weights_only=True)` does (the default since
 * PyTorch 2.6): the pickle may name only an allowlist of globals (tensor
 * rebuild functions, storage classes, OrderedDict, torch.Size, ...), anything
 * else fails with PyTorch's "Weights only load failed ... Unsupported global"
 * error, and nothing is ever looked up by name or run. Tensors that share a
 * storage in the file share one torchlet Storage, each with the file's
 * offset, shape and strides.
 */
import { Tensor } from "../tensor/tensor.js";
import { Storage } from "../tensor/storage.js";
import { Parameter } from "../nn/parameter.js";
import { isInferenceModeEnabled } from "../autograd/grad-mode.js";
import { decodeElements, HOST_IS_LITTLE_ENDIAN } from "./dtypes.js";
import { readZip, type ZipEntry } from "./zip.js";
import {
  describeValue, isPickledDict, isTuple, newPickledDict, setDictItem, unpickle, UnpicklingError, type UnpickleHooks,
} from "./pickle-read.js";
import { storageTypeOf, type StorageType } from "./torch-storage-types.js";

/** What a checkpoint can hold once loaded: tensors inside plain JavaScript containers. */
export type CheckpointValue =
  | Tensor
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | readonly CheckpointValue[]
  | { [key: string]: CheckpointValue };

/** The magic that starts a pre-1.6 (non-zip) torch.save file: PROTO 2, then LONG1 of 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/**
 * True when `bytes` start like a zip archive: `PK\x03\x04` (a first entry), as every
 * torch.save file since 1.6 does, or an end record (`PK\x05\x06`, `PK\x06\x06`: an empty archive).
 */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  return (bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06) || (bytes[2] === 0x06 && bytes[3] === 0x06);
}

/** True for a pre-1.6 torch.save file (a bare pickle stream). */
export function isLegacyTorchSave(bytes: Uint8Array): boolean {
  return bytes.length >= LEGACY_MAGIC.length && LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * True for a bare pickle stream (PROTO 2-5 then an opcode). A safetensors file
 * can start with 0x80 0x02 too (a 640-byte header), but then a zero follows.
 */
export function isBarePickle(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5 && bytes[2] !== 0;
}

export const BARE_PICKLE_MESSAGE =
  "this is a bare Python pickle, not a torch.save checkpoint (a zip archive) or safetensors; torchlet reads only those two: " +
  "in Python, save the tensors with torch.save(obj, path) or safetensors.torch.save_file(state_dict, path)";

export const LEGACY_MESSAGE =
  "this is a legacy PyTorch checkpoint (torch.save before PyTorch 1.6, or _use_new_zipfile_serialization=False), which torchlet does not read; " +
  "re-save it in Python with a current PyTorch: torch.save(torch.load(path, weights_only=True), new_path)";

const TORCHSCRIPT_MESSAGE =
  "this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint, and torchlet cannot run TorchScript; " +
  "in Python, load it with m = torch.jit.load(path) and save its weights with torch.save(m.state_dict(), new_path)";

const WEIGHTS_ONLY_MESSAGE =
  "Weights only load failed. torchlet loads PyTorch checkpoints as torch.load(path, weights_only=True) does and never runs or rebuilds " +
  "other Python objects; re-save the file in Python with only tensors, numbers, strings and containers in it " +
  "(e.g. torch.save(model.state_dict(), path)).\n\tWeightsUnpickler error: ";

/** Python modules PyTorch never allows, whatever the allowlist. */
const BLOCKED_MODULES = new Set(["sys", "os", "posix", "nt"]);

/** An allowed global, as the VM holds it: what it is, never a function to call. */
class Global {
  constructor(
    readonly path: string,
    readonly kind: "rebuild_tensor_v2" | "rebuild_tensor" | "rebuild_parameter" | "rebuild_parameter_with_state" | "rebuild_from_type_v2"
      | "OrderedDict" | "Counter" | "Size" | "device" | "codecs_encode" | "Parameter" | "Tensor" | "dtype" | "storage" | "unsupported",
    readonly storageType?: StorageType,
  ) {}

  toString(): string {
    return this.path;
  }
}

const TORCH_DTYPES = new Set([
  "float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64", "complex128",
  "float8_e5m2", "float8_e4m3fn", "uint16", "uint32", "uint64", "qint8", "quint8", "qint32", "quint4x2", "quint2x4",
]);

/** Globals PyTorch's weights-only loader allows but torchlet has nothing to build them into. */
const UNSUPPORTED = new Set([
  "builtins.set", "builtins.bytearray", "builtins.complex", "torch.serialization._get_layout",
  "torch._utils._rebuild_qtensor", "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_sparse_tensor",
  "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_wrapper_subclass",
  "torch._utils._rebuild_device_tensor_from_numpy", "torch._utils._rebuild_device_tensor_from_cpu_tensor",
]);

function findGlobal(module: string, name: string): Global {
  const path = `${module}.${name}`;
  if (BLOCKED_MODULES.has(module)) throw new UnpicklingError(`Trying to load unsupported GLOBAL ${path} whose module ${module} is blocked.`);
  const storage = storageTypeOf(module, name);
  if (storage !== undefined) return new Global(path, "storage", storage);
  switch (path) {
    case "torch._utils._rebuild_tensor_v2": return new Global(path, "rebuild_tensor_v2");
    case "torch._utils._rebuild_tensor": return new Global(path, "rebuild_tensor");
    case "torch._utils._rebuild_parameter": return new Global(path, "rebuild_parameter");
    case "torch._utils._rebuild_parameter_with_state": return new Global(path, "rebuild_parameter_with_state");
    case "torch._tensor._rebuild_from_type_v2": return new Global(path, "rebuild_from_type_v2");
    case "collections.OrderedDict": return new Global(path, "OrderedDict");
    case "collections.Counter": return new Global(path, "Counter");
    case "torch.Size": return new Global(path, "Size");
    case "torch.device": return new Global(path, "device");
    case "_codecs.encode": return new Global(path, "codecs_encode");
    case "torch.nn.parameter.Parameter": return new Global(path, "Parameter");
    case "torch.Tensor": return new Global(path, "Tensor");
  }
  if (module === "torch" && TORCH_DTYPES.has(name)) return new Global(path, "dtype");
  if (UNSUPPORTED.has(path)) return new Global(path, "unsupported");
  // PyTorch names builtins without their module ("set", not "builtins.set").
  const shown = path.startsWith("builtins.") ? path.slice("builtins.".length) : path;
  throw new UnpicklingError(`Unsupported global: GLOBAL ${shown} was not an allowed global by default.`);
}

function int(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 0) throw new UnpicklingError(`${what} must be a non-negative int, got ${describeValue(x)} ${String(x)}`);
  return x;
}

function ints(x: unknown, what: string): number[] {
  if (!isTuple(x) && !Array.isArray(x)) throw new UnpicklingError(`${what} must be a tuple of ints, got ${describeValue(x)}`);
  return (x as unknown[]).map((v, i) => int(v, `${what}[${i}]`));
}

/** Formats whose bytes are already the elements of a torchlet dtype (bool: after normalising to 0/1, done in place). */
const SAME_IN_TORCHLET = new Set(["F32", "F64", "I32", "BOOL"]);

/** A storage read from `data/<key>`, shared by every tensor that names the key. */
interface LoadedStorage {
  type: StorageType;
  storage: Storage;
}

class CheckpointHooks implements UnpickleHooks {
  private readonly storages = new Map<string, LoadedStorage>();

  constructor(private readonly records: ReadonlyMap<string, ZipEntry>, private readonly prefix: string, private readonly ownsBytes: boolean) {}

  findGlobal(module: string, name: string): unknown {
    const g = findGlobal(module, name);
    return g.kind === "dtype" ? name : g; // a dtype stored as a value (torch.float32) loads as its name
  }

  persistentLoad(pid: unknown): unknown {
    if (!isTuple(pid)) throw new UnpicklingError(`persistent_load id must be tuple or int, but got ${describeValue(pid)}`);
    if (pid[0] !== "storage") throw new UnpicklingError(`Only persistent_load of storage is allowed, but got ${describeValue(pid[0])} ${String(pid[0])}`);
    // The location ('cpu', 'cuda:0', ...) is not used: every tensor loads on the CPU, as with map_location="cpu".
    const [, type, key, , numelValue] = pid;
    if (!(type instanceof Global) || type.kind !== "storage") throw new UnpicklingError(`a storage's persistent id must name a storage class, got ${String(type)}`);
    if (typeof key !== "string") throw new UnpicklingError(`a storage's key must be a str, got ${describeValue(key)}`);
    const numel = int(numelValue, `the element count of storage ${key}`);
    const storageType = type.storageType!;
    const cached = this.storages.get(key);
    if (cached !== undefined) {
      if (cached.type !== storageType) throw new UnpicklingError(`storage ${key} is used as both ${cached.type.className} and ${storageType.className}`);
      return cached;
    }
    if (storageType.format === undefined) throw new UnpicklingError(`storage ${key} holds ${storageType.torchDtype}, a dtype torchlet does not support`);
    const record = this.records.get(`data/${key}`);
    if (record === undefined) throw new UnpicklingError(`PytorchStreamReader failed locating file data/${key}: file not found (${this.prefix}data/${key})`);
    const nbytes = numel * storageType.elementSize;
    if (record.data.length < nbytes) {
      throw new UnpicklingError(`storage data/${key} should hold ${numel} ${storageType.torchDtype} elements (${nbytes} bytes) but the record has ${record.data.length} bytes`);
    }
    // Elements torchlet holds as they are stored can stay in the archive's bytes when those are ours (a file read
    // for this load) and aligned, as torch.save aligns them to 64; otherwise a private, aligned copy.
    const inPlace = this.ownsBytes && SAME_IN_TORCHLET.has(storageType.format) && record.data.byteOffset % storageType.elementSize === 0;
    const raw = inPlace ? record.data.subarray(0, nbytes) : new Uint8Array(nbytes);
    if (!inPlace) raw.set(record.data.subarray(0, nbytes));
    let elements;
    try {
      elements = decodeElements(storageType.format, raw, `data/${key}`);
    } catch (e) {
      throw new Error(`storage data/${key} (${storageType.torchDtype}): ${(e as Error).message.replace(/^tensor "[^"]*": [A-Z0-9]+ /, "")}`, { cause: e });
    }
    const loaded: LoadedStorage = { type: storageType, storage: new Storage(elements) };
    this.storages.set(key, loaded);
    return loaded;
  }

  reduce(callable: unknown, args: readonly unknown[]): unknown {
    if (!(callable instanceof Global)) throw new UnpicklingError(`Trying to call reduce for unrecognized function ${describeValue(callable)}`);
    switch (callable.kind) {
      case "rebuild_tensor_v2": return rebuildTensor(args, true);
      case "rebuild_tensor": return rebuildTensor(args, false);
      case "rebuild_parameter":
      case "rebuild_parameter_with_state": {
        const [data, requiresGrad] = args;
        if (!(data instanceof Tensor)) throw new UnpicklingError(`_rebuild_parameter expects a tensor, got ${describeValue(data)}`);
        return new Parameter(data, requiresGrad === true);
      }
      case "rebuild_from_type_v2": {
        // (func, new_type, args, state): tensors with Python attributes (the state, dropped here) or subclasses.
        const [func, newType, inner] = args;
        if (!isTuple(inner)) throw new UnpicklingError(`_rebuild_from_type_v2 expects a tuple of arguments, got ${describeValue(inner)}`);
        const t = this.reduce(func, inner);
        if (!(newType instanceof Global) || (newType.kind !== "Tensor" && newType.kind !== "Parameter")) {
          throw new UnpicklingError(`torchlet cannot load a tensor subclass ${String(newType)}`);
        }
        return newType.kind === "Parameter" && !(t instanceof Parameter) ? new Parameter(t as Tensor, (t as Tensor).requiresGrad) : t;
      }
      case "OrderedDict":
      case "Counter": {
        const d = newPickledDict();
        const items = args[0];
        if (items !== undefined) {
          if (!Array.isArray(items)) throw new UnpicklingError(`${callable.path} expects a list of pairs, got ${describeValue(items)}`);
          for (const pair of items as unknown[]) {
            if (!Array.isArray(pair) || pair.length !== 2) throw new UnpicklingError(`${callable.path} expects key/value pairs`);
            setDictItem(d, pair[0], pair[1]);
          }
        }
        return d;
      }
      case "Size": return Object.freeze(ints(args[0] ?? [], "torch.Size"));
      case "device": {
        if (typeof args[0] !== "string") throw new UnpicklingError(`torch.device expects a str, got ${describeValue(args[0])}`);
        const index = args[1];
        if (index !== undefined && index !== null && typeof index !== "number") throw new UnpicklingError(`torch.device expects an int index, got ${describeValue(index)}`);
        return typeof index === "number" ? `${args[0]}:${index}` : args[0];
      }
      case "codecs_encode": {
        // bytes objects pickle (protocol 2) as _codecs.encode(text, "latin1").
        const [s, encoding] = args;
        if (typeof s !== "string" || encoding !== "latin1") throw new UnpicklingError("_codecs.encode is only allowed as bytes are pickled: (str, 'latin1')");
        return Uint8Array.from(s, (c) => c.charCodeAt(0));
      }
      case "unsupported": throw new UnpicklingError(`${callable.path} is allowed by PyTorch's weights-only loader but torchlet has nothing to load it into`);
      default: throw new UnpicklingError(`Trying to call reduce for unrecognized function ${callable.path}`);
    }
  }

  build(instance: unknown, state: unknown): unknown {
    // OrderedDict's state is its __dict__ (a state dict's `_metadata`, module versions), a tensor's its Python attributes:
    // torchlet's objects have no place for them, and they change no values.
    if (isPickledDict(instance) || instance instanceof Tensor) return instance;
    throw new UnpicklingError(`Can only build Tensor, Parameter, OrderedDict or types allowlisted via \`add_safe_globals\`, but got ${describeValue(instance)} (state ${describeValue(state)})`);
  }

  newObject(cls: unknown, args: readonly unknown[]): unknown {
    if (cls instanceof Global && cls.kind === "Parameter") {
      const [data, requiresGrad] = args;
      if (!(data instanceof Tensor)) throw new UnpicklingError(`Parameter expects a tensor, got ${describeValue(data)}`);
      return new Parameter(data, requiresGrad !== false);
    }
    throw new UnpicklingError(`Can only create new object for nn.Parameter or classes allowlisted via \`add_safe_globals\` but got ${String(cls)}`);
  }
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None)` and v1's first four. */
function rebuildTensor(args: readonly unknown[], v2: boolean): Tensor {
  const [loaded, offsetValue, sizeValue, strideValue, requiresGrad] = args;
  if (typeof loaded !== "object" || loaded === null || !("storage" in loaded) || !((loaded as LoadedStorage).storage instanceof Storage)) {
    throw new UnpicklingError(`_rebuild_tensor expects a storage, got ${describeValue(loaded)}`);
  }
  const { storage } = loaded as LoadedStorage;
  const offset = int(offsetValue, "storage_offset");
  const shape = ints(sizeValue, "size");
  const strides = ints(strideValue, "stride");
  if (strides.length !== shape.length) throw new UnpicklingError(`size ${JSON.stringify(shape)} and stride ${JSON.stringify(strides)} differ in length`);
  // The last element a tensor reaches must lie in its storage (an empty tensor reaches none).
  const numel = shape.reduce((a, b) => a * b, 1);
  const last = numel === 0 ? offset - 1 : shape.reduce((at, n, i) => at + (n - 1) * strides[i]!, offset);
  if (last >= storage.data.length || offset > storage.data.length) {
    throw new UnpicklingError(`a tensor of size ${JSON.stringify(shape)}, stride ${JSON.stringify(strides)} and offset ${offset} reaches past its storage of ${storage.data.length} elements`);
  }
  const t = new Tensor(storage, shape, strides, offset);
  if (isInferenceModeEnabled()) t._inference = true;
  if (v2 && requiresGrad === true) t.requiresGrad = true;
  return t;
}

/**
 * Reads a torch.save checkpoint from its bytes (a zip archive). With
 * `ownsBytes` (the caller will not use `bytes` again) tensors may keep their
 * elements in `bytes` instead of copies.
 */
export function decodePytorch(bytes: Uint8Array, ownsBytes = false): CheckpointValue {
  const entries = readZip(bytes);
  if (entries.length === 0) throw new Error("invalid PyTorch checkpoint: the archive does not contain any files");
  // Every record sits in one folder, named after the first entry's ("archive", or the saved file's stem before PyTorch 2).
  const first = entries[0]!.name;
  const slash = first.indexOf("/");
  if (slash < 0) throw new Error(`invalid PyTorch checkpoint: file in archive is not in a subdirectory: ${first}`);
  const prefix = first.slice(0, slash + 1);
  const records = new Map<string, ZipEntry>();
  for (const e of entries) if (e.name.startsWith(prefix)) records.set(e.name.slice(prefix.length), e);
  for (const [name, e] of records) {
    if (e.method !== 0 && (name === "data.pkl" || name === "byteorder" || name.startsWith("data/"))) {
      throw new Error(`invalid PyTorch checkpoint: record ${name} is compressed (zip method ${e.method}); torch.save stores records uncompressed`);
    }
  }
  if (records.has("constants.pkl") || records.has("code/") || [...records.keys()].some((k) => k.startsWith("code/"))) throw new Error(TORCHSCRIPT_MESSAGE);
  const pickle = records.get("data.pkl");
  if (pickle === undefined) throw new Error(`invalid PyTorch checkpoint: PytorchStreamReader failed locating file data.pkl: file not found (${prefix}data.pkl)`);
  const byteorder = records.get("byteorder");
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(byteorder.data);
    if (order === "big") throw new Error("the checkpoint was written on a big-endian machine; torchlet reads little-endian checkpoints only (load and re-save it on a little-endian machine)");
    if (order !== "little") throw new Error(`invalid PyTorch checkpoint: the byteorder record holds ${JSON.stringify(order)}, not "little" or "big"`);
  }
  try {
    return unpickle(pickle.data, new CheckpointHooks(records, prefix, ownsBytes && HOST_IS_LITTLE_ENDIAN)) as CheckpointValue;
  } catch (e) {
    if (e instanceof UnpicklingError) throw new UnpicklingError(WEIGHTS_ONLY_MESSAGE + e.message, { cause: e });
    throw e;
  }
}
