/**
 * Saving and loading checkpoints in the two formats PyTorch users share them
 * in: safetensors (Hugging Face's, `safetensors.torch.save_file` /
 * `load_file`) and PyTorch's own `torch.save` format (a zip of a pickle and
 * the tensors' bytes, what `torch.save(model.state_dict(), "model.pth")`
 * writes). Loading tells them apart by their first bytes; saving picks by the
 * file name's extension or the `format` option.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { decodeSafetensors, encodeSafetensors, type SafetensorsContents, type TensorRecord } from "./safetensors.js";
import {
  BARE_PICKLE_MESSAGE, decodePytorch, isBarePickle, isLegacyTorchSave, isZip, LEGACY_MESSAGE, type CheckpointValue,
} from "./pytorch-read.js";
import { archiveNameFor, encodePytorch, type SaveableValue } from "./pytorch-write.js";
import type { Tensor } from "../tensor/tensor.js";

export type { SafetensorsContents, TensorRecord, CheckpointValue, SaveableValue };

/** The two checkpoint formats: safetensors, or PyTorch's torch.save zip format. */
export type CheckpointFormat = "safetensors" | "pytorch";

/** Options for {@link save} and {@link saveToBytes}. */
export interface SaveOptions {
  /**
   * "pytorch" writes PyTorch's torch.save format (Python loads it with `torch.load(path)`),
   * "safetensors" the safetensors format. Default: "pytorch" for a path ending in .pt, .pth,
   * .bin or .ckpt, "safetensors" otherwise and for {@link saveToBytes}.
   */
  format?: CheckpointFormat;
  /** safetensors only: free-form strings stored in the header's `__metadata__` (e.g. `{ format: "pt" }`). */
  metadata?: Readonly<Record<string, string>> | null;
}

const PYTORCH_EXTENSIONS = [".pt", ".pth", ".bin", ".ckpt"];

function formatFor(options: SaveOptions, path: string | undefined): CheckpointFormat {
  if (options.format !== undefined) {
    if (options.format !== "pytorch" && options.format !== "safetensors") {
      throw new Error(`save: format must be "pytorch" or "safetensors", got ${JSON.stringify(options.format)}`);
    }
    return options.format;
  }
  return path !== undefined && PYTORCH_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext)) ? "pytorch" : "safetensors";
}

function encode(obj: SaveableValue | TensorRecord, options: SaveOptions, path: string | undefined): Uint8Array {
  if (formatFor(options, path) === "safetensors") return encodeSafetensors(obj as TensorRecord, options.metadata);
  if (options.metadata !== undefined && options.metadata !== null) {
    throw new Error("save: metadata is a safetensors feature; PyTorch's format has no place for it (save it inside the object instead)");
  }
  return encodePytorch(obj, archiveNameFor(path));
}

function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    throw new TypeError(`load: expected the file's bytes as a Uint8Array (a Buffer) or an ArrayBuffer, got ${input === null ? "null" : typeof input}`);
  }
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

function decode(bytes: Uint8Array, ownsBytes = false): CheckpointValue {
  if (isZip(bytes)) return decodePytorch(bytes, ownsBytes);
  if (isLegacyTorchSave(bytes)) throw new Error(LEGACY_MESSAGE);
  if (isBarePickle(bytes)) throw new Error(BARE_PICKLE_MESSAGE);
  return decodeSafetensors(bytes).tensors;
}

/**
 * Serialises a checkpoint to bytes, for code without files (browsers, network,
 * tests): safetensors by default (a state dict only, like `safetensors.torch.save`),
 * or with `{ format: "pytorch" }` what Python's `torch.save(obj, buffer)` writes.
 *
 * @example
 * const bytes = torch.saveToBytes({ w: torch.ones([2, 2]) }, { metadata: { step: "10" } });
 * const { w } = torch.loadFromBytes(bytes);
 * const pt = torch.saveToBytes({ model: { w: torch.ones([2]) }, epoch: 3 }, { format: "pytorch" });
 */
export function saveToBytes(obj: SaveableValue | TensorRecord, options: SaveOptions = {}): Uint8Array {
  return encode(obj, options, undefined);
}

/**
 * Reads a checkpoint from its bytes: PyTorch's torch.save format (told by its
 * zip signature, loaded as `torch.load(f, weights_only=True)` does) or
 * safetensors. Integer tensors come back as int32 (an int64 value that does not
 * fit throws), float16 and bfloat16 as float32. The type parameter (a state
 * dict by default) is not checked: name the shape of other checkpoints.
 *
 * @example
 * const sd = torch.loadFromBytes(torch.saveToBytes({ bias: torch.zeros([3]) }));
 * sd.bias!.shape; // [3]
 */
export function loadFromBytes(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor>;
export function loadFromBytes<T extends CheckpointValue>(bytes: Uint8Array | ArrayBuffer): T;
export function loadFromBytes(bytes: Uint8Array | ArrayBuffer): CheckpointValue {
  return decode(toBytes(bytes));
}

/**
 * Like {@link loadFromBytes} for safetensors bytes, and also returns the header's `__metadata__`.
 *
 * @example
 * const { tensors, metadata } = torch.loadFromBytesWithMetadata(bytes);
 */
export function loadFromBytesWithMetadata(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  return decodeSafetensors(bytes);
}

/**
 * Saves a checkpoint to a file, as PyTorch's `torch.save(obj, path)`. A path
 * ending in .pt, .pth, .bin or .ckpt (or `{ format: "pytorch" }`) gets
 * PyTorch's own format, which Python loads with `torch.load(path)`: a state
 * dict becomes an OrderedDict, other objects nest tensors, numbers, strings,
 * booleans, null, arrays (lists) and plain objects (dicts), and tensors that
 * share memory are stored once. Any other path gets safetensors (a state dict
 * only; non-contiguous tensors are written contiguous), which Python loads
 * with `safetensors.torch.load_file(path)`.
 *
 * @example
 * torch.save(model.stateDict(), "model.pth");                      // PyTorch: model.load_state_dict(torch.load("model.pth"))
 * torch.save(model.stateDict(), "model.safetensors", { metadata: { epochs: "5" } });
 */
export function save(obj: SaveableValue | TensorRecord, path: string, options: SaveOptions = {}): void {
  writeFileSync(path, encode(obj, options, path));
}

/**
 * Loads a checkpoint file, PyTorch's torch.save format or safetensors (told
 * apart by their first bytes, whatever the extension), ready for
 * `model.loadStateDict(...)`. PyTorch files load as `torch.load(path,
 * weights_only=True)` does: only tensors and plain containers, never other
 * Python objects; tensors saved on a GPU load on the CPU (as with
 * `map_location="cpu"`). The type parameter (a state dict by default) is not checked.
 *
 * @example
 * model.loadStateDict(torch.load("model.pth"));
 * const ckpt = torch.load<{ model: Record<string, torch.Tensor>; epoch: number }>("checkpoint.pt");
 */
export function load(path: string): Record<string, Tensor>;
export function load<T extends CheckpointValue>(path: string): T;
export function load(path: string): CheckpointValue {
  const bytes = readFileSync(path);
  try {
    return decode(bytes, true); // the file's bytes are this load's alone: tensors may keep their elements there
  } catch (e) {
    throw new (e instanceof Error ? (e.constructor as ErrorConstructor) : Error)(`load("${path}"): ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Loads a safetensors file's tensors and its `__metadata__` strings
 * (Python's `safe_open(path, "pt").metadata()`).
 *
 * @example
 * const { tensors, metadata } = torch.loadWithMetadata("model.safetensors");
 */
export function loadWithMetadata(path: string): SafetensorsContents {
  const bytes = readFileSync(path);
  try {
    return decodeSafetensors(bytes);
  } catch (e) {
    throw new Error(`load("${path}"): ${(e as Error).message}`, { cause: e });
  }
}
