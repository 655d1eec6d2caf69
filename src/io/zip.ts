/**
 * The subset of the zip format that PyTorch's checkpoints use, both ways:
 * every entry STORED (uncompressed), found through the central directory,
 * with zip64 records for sizes and offsets past 4 GiB.
 *
 * Writing follows PyTorch's writer (miniz as caffe2/serialize/inline_container.cc
 * drives it): each local header carries an "FB" extra field of padding so that
 * the entry's data starts on a 64-byte boundary (so a reader can map the
 * tensors in place), sizes and CRC-32 go in a data descriptor after the data
 * (general-purpose flag bit 3), names are flagged UTF-8 (bit 11), and the
 * archive always ends with the zip64 end records before the classic one.
 *
 * Reading trusts the central directory (local headers written this way hold
 * zeros for the sizes) and checks every offset and size against the file
 * before touching data. Like PyTorch's reader, it does not verify CRC-32s.
 * Compressed entries are listed (TorchScript archives have some) but their
 * bytes are left to the caller to refuse.
 */

import * as zlib from "node:zlib";

/** Data offsets in the archive are multiples of this (PyTorch's kFieldAlignment). */
export const ZIP_ALIGNMENT = 64;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END_OF_CENTRAL = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const DATA_DESCRIPTOR = 0x08074b50;
const ZIP64_EXTRA = 0x0001;
const MAX32 = 0xffffffff;
const FLAGS = 0x0808; // bit 3: sizes in a data descriptor; bit 11: UTF-8 names
const ZIP64_VERSION = 45;

/** Thrown for every malformed archive. */
function invalid(problem: string): Error {
  return new Error(`invalid zip archive: ${problem}`);
}

/** One entry of an archive: its full name and where its bytes lie. */
export interface ZipEntry {
  name: string;
  /** The entry's bytes, a view into the archive (not a copy). */
  data: Uint8Array;
  /** Offset of the data in the archive. */
  dataOffset: number;
  /** The compression method: 0 (stored) is the only one whose `data` holds the entry's bytes. */
  method: number;
}

let crcTable: Uint32Array | null = null;

/** zlib's CRC-32 where Node has it (20.15+), about 10 times faster than the table below. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (the zip polynomial). */
export function crc32(bytes: Uint8Array): number {
  return nativeCrc32 !== undefined ? nativeCrc32(bytes) >>> 0 : tableCrc32(bytes);
}

/** CRC-32, table-driven, for Node versions without zlib.crc32. */
export function tableCrc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u64(view: DataView, at: number, what: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`${what} ${v} is too large`);
  return Number(v);
}

/** The end-of-central-directory record: where the directory is and how many entries it lists. */
function findDirectory(bytes: Uint8Array, view: DataView): { count: number; offset: number; size: number } {
  // The classic record is 22 bytes plus a comment of at most 65535; search backwards for its signature.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  let at = -1;
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL && i + 22 + view.getUint16(i + 20, true) === bytes.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw invalid(`no end of central directory record in the last ${bytes.length - lowest} bytes (truncated file?)`);
  let count = view.getUint16(at + 10, true);
  let size = view.getUint32(at + 12, true);
  let offset = view.getUint32(at + 16, true);
  const locator = at - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR) {
    const record = u64(view, locator + 8, "zip64 end record offset");
    if (record + 56 > locator || view.getUint32(record, true) !== ZIP64_END_OF_CENTRAL) {
      throw invalid(`the zip64 locator points at offset ${record}, where there is no zip64 end of central directory record`);
    }
    count = u64(view, record + 32, "entry count");
    size = u64(view, record + 40, "central directory size");
    offset = u64(view, record + 48, "central directory offset");
  }
  if (offset + size > at) throw invalid(`the central directory [${offset}, ${offset + size}) runs past its end record at ${at} (truncated file?)`);
  return { count, offset, size };
}

/** Reads the entries listed in the central directory. */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dir = findDirectory(bytes, view);
  const entries: ZipEntry[] = [];
  const end = dir.offset + dir.size;
  let at = dir.offset;
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < dir.count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== CENTRAL_HEADER) throw invalid(`central directory entry ${i} at offset ${at} is damaged`);
    const method = view.getUint16(at + 10, true);
    let compressed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let local = view.getUint32(at + 42, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > end) throw invalid(`central directory entry ${i} runs past the directory's end`);
    let name: string;
    try {
      name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    } catch {
      throw invalid(`the name of entry ${i} is not valid UTF-8`);
    }
    // zip64: each field that holds 0xFFFFFFFF continues in the extra field, in this order.
    const extraEnd = at + 46 + nameLength + extraLength;
    for (let e = at + 46 + nameLength; e + 4 <= extraEnd;) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (e + 4 + length > extraEnd) throw invalid(`entry "${name}": an extra field of ${length} bytes runs past the entry's extra data`);
      if (id === ZIP64_EXTRA) {
        let f = e + 4;
        const take = (what: string): number => {
          if (f + 8 > e + 4 + length) throw invalid(`entry "${name}": the zip64 extra field lacks the ${what}`);
          const v = u64(view, f, what);
          f += 8;
          return v;
        };
        if (size === MAX32) size = take("uncompressed size");
        if (compressed === MAX32) compressed = take("compressed size");
        if (local === MAX32) local = take("local header offset");
      }
      e += 4 + length;
    }
    if (method === 0 && compressed !== size) throw invalid(`entry "${name}" is stored but its compressed size ${compressed} differs from its size ${size}`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) {
      throw invalid(`entry "${name}": no local header at offset ${local} (truncated file?)`);
    }
    const dataOffset = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataOffset + compressed > bytes.length) {
      throw invalid(`entry "${name}": its ${compressed} bytes at offset ${dataOffset} run past the end of the file (${bytes.length} bytes; truncated file?)`);
    }
    entries.push({ name, data: bytes.subarray(dataOffset, dataOffset + compressed), dataOffset, method });
    at = next;
  }
  return entries;
}

/** What {@link writeZip} needs of each entry. */
export interface ZipInput {
  name: string;
  data: Uint8Array;
}

/** @internal for tests: write zip64 fields even for small archives, as PyTorch does past 4 GiB. */
export interface ZipWriteOptions {
  forceZip64?: boolean;
}

/** Builds a STORED archive of `entries`, in order, laid out as PyTorch's writer lays it out. */
export function writeZip(entries: readonly ZipInput[], options: ZipWriteOptions = {}): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let cursor = 0;
  const push = (chunk: Uint8Array): void => {
    chunks.push(chunk);
    cursor += chunk.length;
  };
  const central: { name: Uint8Array; crc: number; size: number; offset: number }[] = [];

  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const size = entry.data.length;
    const offset = cursor;
    const zip64 = options.forceZip64 === true || size >= MAX32 || offset >= MAX32;
    // The local zip64 field holds both sizes (zeros here: the descriptor has them), so that readers know the descriptor's sizes are 64-bit.
    const zip64Length = zip64 ? 4 + 16 : 0;
    const before = offset + 30 + name.length + zip64Length + 4;
    const padding = (ZIP_ALIGNMENT - (before % ZIP_ALIGNMENT)) % ZIP_ALIGNMENT;
    const header = new Uint8Array(30 + name.length + zip64Length + 4 + padding);
    const h = new DataView(header.buffer);
    h.setUint32(0, LOCAL_HEADER, true);
    h.setUint16(4, zip64 ? ZIP64_VERSION : 0, true);
    h.setUint16(6, FLAGS, true);
    // method 0 (stored), time, date, CRC and sizes stay zero: the data descriptor carries them.
    if (zip64) {
      h.setUint32(18, MAX32, true);
      h.setUint32(22, MAX32, true);
    }
    h.setUint16(26, name.length, true);
    h.setUint16(28, zip64Length + 4 + padding, true);
    header.set(name, 30);
    let e = 30 + name.length;
    if (zip64) {
      h.setUint16(e, ZIP64_EXTRA, true);
      h.setUint16(e + 2, 16, true);
      e += 20;
    }
    header[e] = 0x46; // "FB": PyTorch's padding field, filled with "Z"
    header[e + 1] = 0x42;
    h.setUint16(e + 2, padding, true);
    header.fill(0x5a, e + 4);
    push(header);
    push(entry.data);

    const crc = crc32(entry.data);
    const descriptor = new Uint8Array(zip64 ? 24 : 16);
    const d = new DataView(descriptor.buffer);
    d.setUint32(0, DATA_DESCRIPTOR, true);
    d.setUint32(4, crc, true);
    if (zip64) {
      d.setBigUint64(8, BigInt(size), true);
      d.setBigUint64(16, BigInt(size), true);
    } else {
      d.setUint32(8, size, true);
      d.setUint32(12, size, true);
    }
    push(descriptor);
    central.push({ name, crc, size, offset });
  }

  const directoryOffset = cursor;
  for (const c of central) {
    const sizeBig = options.forceZip64 === true || c.size >= MAX32;
    const offsetBig = options.forceZip64 === true || c.offset >= MAX32;
    const extraLength = sizeBig || offsetBig ? 4 + (sizeBig ? 16 : 0) + (offsetBig ? 8 : 0) : 0;
    const record = new Uint8Array(46 + c.name.length + extraLength);
    const r = new DataView(record.buffer);
    r.setUint32(0, CENTRAL_HEADER, true);
    r.setUint16(6, extraLength > 0 ? ZIP64_VERSION : 0, true);
    r.setUint16(8, FLAGS, true);
    r.setUint32(16, c.crc, true);
    r.setUint32(20, sizeBig ? MAX32 : c.size, true);
    r.setUint32(24, sizeBig ? MAX32 : c.size, true);
    r.setUint16(28, c.name.length, true);
    r.setUint16(30, extraLength, true);
    r.setUint32(42, offsetBig ? MAX32 : c.offset, true);
    record.set(c.name, 46);
    if (extraLength > 0) {
      let e = 46 + c.name.length;
      r.setUint16(e, ZIP64_EXTRA, true);
      r.setUint16(e + 2, extraLength - 4, true);
      e += 4;
      if (sizeBig) {
        r.setBigUint64(e, BigInt(c.size), true); // uncompressed, then compressed
        r.setBigUint64(e + 8, BigInt(c.size), true);
        e += 16;
      }
      if (offsetBig) r.setBigUint64(e, BigInt(c.offset), true);
    }
    push(record);
  }
  const directorySize = cursor - directoryOffset;

  const zip64End = cursor;
  const tail = new Uint8Array(56 + 20 + 22);
  const t = new DataView(tail.buffer);
  t.setUint32(0, ZIP64_END_OF_CENTRAL, true);
  t.setBigUint64(4, 44n, true); // size of the rest of this record
  t.setUint16(12, (3 << 8) | 30, true); // made by: Unix, spec 3.0 (what miniz writes)
  t.setUint16(14, ZIP64_VERSION, true);
  t.setBigUint64(24, BigInt(central.length), true);
  t.setBigUint64(32, BigInt(central.length), true);
  t.setBigUint64(40, BigInt(directorySize), true);
  t.setBigUint64(48, BigInt(directoryOffset), true);
  t.setUint32(56, ZIP64_LOCATOR, true);
  t.setBigUint64(64, BigInt(zip64End), true);
  t.setUint32(72, 1, true); // total number of disks
  t.setUint32(76, END_OF_CENTRAL, true);
  const many = central.length >= 0xffff;
  t.setUint16(84, many ? 0xffff : central.length, true);
  t.setUint16(86, many ? 0xffff : central.length, true);
  t.setUint32(88, directorySize >= MAX32 ? MAX32 : directorySize, true);
  t.setUint32(92, directoryOffset >= MAX32 ? MAX32 : directoryOffset, true);
  push(tail);

  const out = new Uint8Array(cursor);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
