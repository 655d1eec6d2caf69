/**
 * Saving and loading tensors in the safetensors format, the format that
 * Hugging Face and PyTorch users share checkpoints in. A file written here
 * loads in Python with `safetensors.torch.load_file(path)` and then
 * `model.load_state_dict(...)`; a file written by `safetensors.torch.save_file`
 * loads here with `torch.load(path)` and `model.loadStateDict(...)`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { decodeSafetensors, encodeSafetensors, type SafetensorsContents, type TensorRecord } from "./safetensors.js";
import type { Tensor } from "../tensor/tensor.js";

export type { SafetensorsContents, TensorRecord };

/** Options for {@link save} and {@link saveToBytes}. */
export interface SaveOptions {
  /** Free-form strings stored in the header's `__metadata__` (e.g. `{ format: "pt" }`). */
  metadata?: Readonly<Record<string, string>> | null;
}

/**
 * Serialises a state dict (tensors by name) to safetensors bytes, for code
 * without files (browsers, network, tests). Like `safetensors.torch.save`.
 *
 * @example
 * const bytes = torch.saveToBytes({ w: torch.ones([2, 2]) }, { metadata: { step: "10" } });
 * const { w } = torch.loadFromBytes(bytes);
 */
export function saveToBytes(record: TensorRecord, options: SaveOptions = {}): Uint8Array {
  return encodeSafetensors(record, options.metadata);
}

/**
 * Reads the tensors from safetensors bytes. Integer tensors come back as int32
 * (an I64 value that does not fit throws), F16 and BF16 as float32.
 *
 * @example
 * const sd = torch.loadFromBytes(torch.saveToBytes({ bias: torch.zeros([3]) }));
 * sd.bias!.shape; // [3]
 */
export function loadFromBytes(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  return decodeSafetensors(bytes).tensors;
}

/**
 * Like {@link loadFromBytes}, and also returns the header's `__metadata__`.
 *
 * @example
 * const { tensors, metadata } = torch.loadFromBytesWithMetadata(bytes);
 */
export function loadFromBytesWithMetadata(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  return decodeSafetensors(bytes);
}

/**
 * Saves a state dict to a safetensors file, PyTorch's `torch.save(model.state_dict(), path)`
 * in the format of `safetensors.torch.save_file`. Non-contiguous tensors are written contiguous.
 *
 * @example
 * torch.save(model.stateDict(), "model.safetensors", { metadata: { epochs: "5" } });
 */
export function save(record: TensorRecord, path: string, options: SaveOptions = {}): void {
  writeFileSync(path, saveToBytes(record, options));
}

/**
 * Loads the tensors of a safetensors file into a plain object (a state dict),
 * ready for `model.loadStateDict(...)`.
 *
 * @example
 * model.loadStateDict(torch.load("model.safetensors"));
 */
export function load(path: string): Record<string, Tensor> {
  return loadWithMetadata(path).tensors;
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
