"""A small safetensors reader and writer on numpy, following the format
(https://github.com/huggingface/safetensors): 8-byte little-endian header
length, compact JSON header padded with spaces to a multiple of 8, then the
tensors' little-endian bytes back to back, sorted by dtype (largest alignment
first) and then by name. Used where the `safetensors` package is missing.
"""
import json
import struct

import numpy as np
import torch

# The format's dtype enum, in its declaration order: writers sort descending.
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
               "I32", "U32", "F32", "F64", "I64", "U64"]

TORCH_TO_FORMAT = {
    torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16",
    torch.float16: "F16", torch.bfloat16: "BF16", torch.int32: "I32",
    torch.float32: "F32", torch.float64: "F64", torch.int64: "I64",
}
FORMAT_TO_TORCH = {v: k for k, v in TORCH_TO_FORMAT.items()}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: write its 16 bits
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def serialize(tensors, metadata=None):
    """dict name -> torch.Tensor (+ optional dict of strings) -> bytes."""
    items = sorted(tensors.items(), key=lambda kv: kv[0].encode("utf-8"))
    items.sort(key=lambda kv: -DTYPE_ORDER.index(TORCH_TO_FORMAT[kv[1].dtype]))  # stable
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    chunks, offset = [], 0
    for name, t in items:
        b = tensor_bytes(t)
        header[name] = {"dtype": TORCH_TO_FORMAT[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save_file(tensors, path, metadata=None):
    with open(path, "wb") as f:
        f.write(serialize(tensors, metadata))


def deserialize(data):
    """bytes -> (dict name -> torch.Tensor, metadata dict). Strict about layout."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + n:]
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    end = 0
    out = {}
    for name, info in entries:
        begin, stop = info["data_offsets"]
        assert begin == end, f"tensor {name}: offsets {info['data_offsets']} not contiguous"
        end = stop
        fmt = info["dtype"]
        raw = body[begin:stop]
        if fmt == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16)
        else:
            np_dtype = {"BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "F16": "<f2", "I32": "<i4",
                        "F32": "<f4", "F64": "<f8", "I64": "<i8"}[fmt]
            arr = np.frombuffer(raw, dtype=np_dtype)
            t = torch.from_numpy(arr.astype(arr.dtype.newbyteorder("=")))
        out[name] = t.reshape(info["shape"])
    assert end == len(body), "data section not fully covered"
    return out, metadata


def load_file(path):
    with open(path, "rb") as f:
        return deserialize(f.read())
