/**
 * The safetensors format, both ways, on bytes:
 *
 *   [8 bytes: header length N, u64 little-endian]
 *   [N bytes: JSON header, padded with spaces to a multiple of 8]
 *   [data: every tensor's bytes, little-endian, back to back]
 *
 * The header maps each name to `{ dtype, shape, data_offsets: [begin, end] }`
 * (offsets relative to the data section) plus an optional `__metadata__`
 * object of strings. Writing follows the reference implementation byte for
 * byte (compact JSON, tensors sorted by dtype alignment then name, no gaps);
 * reading checks everything before touching the data, so a damaged file gives
 * a clear error and nothing is read past its end.
 */
import { bytesPerElement, type DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { fromTypedArray } from "../ops/factories.js";
import {
  decodeElements, formatDtypeOf, formatElementSize, HOST_IS_LITTLE_ENDIAN, READABLE_DTYPES, readDtypeOf, swapBytes, writeRank,
} from "./dtypes.js";

/** Tensors by name, as `module.stateDict()` returns them. */
export type TensorRecord = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/** The same cap as the reference implementation: a header above 100 MB is rejected unread. */
const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";

/** Thrown for every malformed file; the message names the problem and the tensor. */
function invalid(problem: string): Error {
  return new Error(`invalid safetensors data: ${problem}`);
}

interface Entry {
  name: string;
  format: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** Compares names as the reference implementation does: by UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function tensorEntries(record: TensorRecord): [string, Tensor][] {
  if (typeof (record as { stateDict?: unknown }).stateDict === "function") {
    throw new Error("save: got a module; save its state dict instead: torch.save(model.stateDict(), path)");
  }
  const entries: [string, Tensor][] = record instanceof Map ? [...record.entries()] : Object.entries(record);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) {
      throw new Error(`save: the value for "${name}" is not a Tensor (got ${t === null ? "null" : typeof t}); safetensors holds tensors only: save other checkpoints in PyTorch's format (a .pt path, or { format: "pytorch" })`);
    }
    if (name === METADATA_KEY) throw new Error(`save: "${METADATA_KEY}" is reserved for the metadata and cannot name a tensor`);
  }
  return entries;
}

function checkMetadata(metadata: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") throw new Error(`save: metadata values must be strings, but "${key}" is ${typeof value}`);
  }
}

/**
 * Serialises tensors (and optional string metadata) into safetensors bytes.
 * Non-contiguous tensors are written as their contiguous copy.
 */
export function encodeSafetensors(record: TensorRecord, metadata?: Readonly<Record<string, string>> | null): Uint8Array {
  const entries = tensorEntries(record);
  metadata ??= undefined; // null is "no metadata", as Python's None
  entries.sort(([na, a], [nb, b]) => writeRank(a.dtype) - writeRank(b.dtype) || compareUtf8(na, nb));

  // The JSON is assembled by hand: a JS object would move integer-like keys ("0.weight" is fine, "0" is not) to the front.
  const parts: string[] = [];
  if (metadata !== undefined) {
    checkMetadata(metadata);
    const fields = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${fields.join(",")}}`);
  }
  const arrays: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    const values = t.toArray();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    arrays.push(bytes);
    const info = { dtype: formatDtypeOf(t.dtype), shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset += bytes.byteLength;
  }
  const json = Buffer.from(`{${parts.join(",")}}`, "utf8");
  const headerLength = Math.ceil(json.byteLength / 8) * 8;

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let at = 8 + headerLength;
  for (let i = 0; i < arrays.length; i++) {
    const bytes = arrays[i]!;
    out.set(bytes, at);
    if (!HOST_IS_LITTLE_ENDIAN) swapBytes(out.subarray(at, at + bytes.byteLength), bytesPerElement(entries[i]![1].dtype));
    at += bytes.byteLength;
  }
  return out;
}

/** Tensors and metadata read from a safetensors file. */
export interface SafetensorsContents {
  /** The tensors, by name, in the order the header lists them. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` strings (an empty object when there are none). */
  metadata: Record<string, string>;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  return x === null ? "null" : Array.isArray(x) ? "an array" : typeof x === "object" ? "an object" : `${typeof x} ${JSON.stringify(x)}`;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.byteLength < 8) {
    throw invalid(`the data is ${bytes.byteLength} bytes long, too short for the 8-byte header length (truncated file?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw invalid("this is a zip archive (a PyTorch checkpoint from torch.save?), not safetensors; read it with torch.load(path) or torch.loadFromBytes(bytes)");
  }
  if (declared > BigInt(bytes.byteLength - 8)) {
    throw invalid(`the header length ${declared} runs past the end of the data (${bytes.byteLength - 8} bytes follow the length prefix; truncated file?)`);
  }
  const n = Number(declared);
  if (n > MAX_HEADER_BYTES) throw invalid(`the header length ${n} is above the ${MAX_HEADER_BYTES}-byte limit`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw invalid("the header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw invalid(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw invalid(`the header must be a JSON object, got ${describe(header)}`);
  return { header, dataStart: 8 + n };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) throw invalid(`"${METADATA_KEY}" must be an object of strings, got ${describe(value)}`);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw invalid(`"${METADATA_KEY}" value "${k}" must be a string, got ${describe(v)}`);
    Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

function parseEntry(name: string, value: unknown): Entry {
  const where = `tensor "${name}"`;
  if (!isPlainObject(value)) throw invalid(`${where}: expected an object with dtype, shape and data_offsets, got ${describe(value)}`);
  const { dtype: format, shape, data_offsets: offsets } = value;
  if (typeof format !== "string") throw invalid(`${where}: dtype must be a string, got ${describe(format)}`);
  const size = formatElementSize(format);
  if (size === undefined) throw invalid(`${where}: unknown dtype "${format}"`);
  const dtype = readDtypeOf(format);
  if (dtype === undefined) throw invalid(`${where}: dtype ${format} is not supported by torchlet (it reads ${READABLE_DTYPES.join(", ")})`);
  if (!Array.isArray(shape)) throw invalid(`${where}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  let numel = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw invalid(`${where}: shape ${JSON.stringify(shape)} must hold non-negative integers, got ${describe(d)}`);
    }
    numel *= d;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) throw invalid(`${where}: data_offsets must be [begin, end], got ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as unknown[];
  if (typeof begin !== "number" || typeof end !== "number" || !Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin) {
    throw invalid(`${where}: data_offsets ${JSON.stringify(offsets)} must be integers with 0 <= begin <= end`);
  }
  const needed = numel * size;
  if (!Number.isSafeInteger(needed) || needed !== end - begin) {
    throw invalid(`${where}: shape ${JSON.stringify(shape)} of ${format} needs ${needed} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, format, dtype, shape: shape as number[], begin, end };
}

/**
 * Checks that the tensors tile the data section exactly: sorted by offset,
 * each starts where the previous one ends, and the last ends at the end.
 */
function checkLayout(entries: readonly Entry[], dataBytes: number): void {
  for (const e of entries) {
    if (e.end > dataBytes) {
      throw invalid(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] run past the end of the data section (${dataBytes} bytes; truncated file?)`);
    }
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < expected) {
      throw invalid(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap tensor "${previous!.name}" [${previous!.begin}, ${previous!.end}]`);
    }
    if (e.begin > expected) {
      throw invalid(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - expected} bytes after ${previous ? `tensor "${previous.name}"` : "the header"}`);
    }
    expected = e.end;
    previous = e;
  }
  if (expected !== dataBytes) {
    throw invalid(`the data section has ${dataBytes} bytes but the tensors cover ${expected}${previous ? ` (the last is "${previous.name}")` : ""}: ${dataBytes - expected} bytes are unaccounted for`);
  }
}

/**
 * Parses safetensors bytes into tensors (each with its own memory) and
 * metadata. Throws before reading any data if the file is malformed.
 */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer): SafetensorsContents {
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    throw new TypeError(`load: expected the file's bytes as a Uint8Array (a Buffer) or an ArrayBuffer, got ${input === null ? "null" : typeof input}`);
  }
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { header, dataStart } = parseHeader(bytes);
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value));
  }
  checkLayout(entries, bytes.byteLength - dataStart);

  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    // A fresh, aligned copy that the tensor then owns (Buffer#slice would share and misalign).
    const raw = new Uint8Array(e.end - e.begin);
    raw.set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
    const t = fromTypedArray(decodeElements(e.format, raw, e.name), e.shape);
    Object.defineProperty(tensors, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}
