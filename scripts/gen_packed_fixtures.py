"""Writes test/fixtures/nn/packed.json: goldens for packed sequences (torch.nn.utils.rnn's
pack_padded_sequence, pad_packed_sequence, pack_sequence, unpack_sequence) and for nn.RNN / nn.LSTM /
nn.GRU reading a PackedSequence, read by test/nn-packed-sequence.test.ts.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_packed_fixtures.py
PyTorch 1.13 is the oracle; these functions compute the same in 2.x (where messages differ, the test says).
Gradients are those of sum(output * gradOutput) over every output, with random gradOutputs stored here.
"""
import json
import math
import os

import torch
import torch.nn as nn
from torch.nn.utils import rnn

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn", "packed.json")


def L(t):
    return t.detach().tolist()


def enc(t):
    dtype = "int32" if t.dtype in (torch.int64, torch.int32) else "float32"
    return {"shape": list(t.shape), "data": L(t.flatten()), "dtype": dtype}


def enc_opt(t):
    return None if t is None else enc(t)


def rounded(obj):
    # 8 significant digits keep float32 results well inside the tests' tolerance and the file small
    if isinstance(obj, float):
        return obj if not math.isfinite(obj) else float(f"{obj:.8g}")
    if isinstance(obj, list):
        return [rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    return obj


def enc_packed(p):
    return {"data": enc(p.data), "batchSizes": enc(p.batch_sizes), "sortedIndices": enc_opt(p.sorted_indices),
            "unsortedIndices": enc_opt(p.unsorted_indices)}


def backward(outs):
    """Random output gradients, and the backward pass of sum(out * g)."""
    gs = [torch.randn(t.shape) for t in outs]
    sum((t * g).sum() for t, g in zip(outs, gs)).backward()
    return [L(g.flatten()) for g in gs]


def pack_cases():
    torch.manual_seed(31)
    cases = []
    for name, shape, lengths, batch_first, enforce_sorted, pad_kwargs in [
        ("sorted, time-major", [4, 3, 2], [4, 2, 1], False, True, {}),
        ("unsorted, batch-first, trailing dims, padding value and total length", [4, 5, 2, 3], [2, 5, 1, 3], True, False,
         {"padding_value": -1.5, "total_length": 7}),
        ("unsorted with equal lengths, time-major", [3, 3, 2], [2, 3, 2], False, False, {"total_length": 3}),
        ("one sequence", [3, 1, 2], [2], False, True, {}),
    ]:
        x = torch.randn(*shape, requires_grad=True)
        p = rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        # pad_packed_sequence of a leaf copy of the data: its gradient is the one of padPackedSequence alone
        data = p.data.detach().requires_grad_(True)
        padded, out_lengths = rnn.pad_packed_sequence(
            rnn.PackedSequence(data, p.batch_sizes, p.sorted_indices, p.unsorted_indices), batch_first=batch_first, **pad_kwargs)
        g_pack = backward([p.data])
        g_pad = backward([padded])
        cases.append({
            "name": name, "input": enc(x), "lengths": lengths, "batchFirst": batch_first, "enforceSorted": enforce_sorted,
            "paddingValue": pad_kwargs.get("padding_value"), "totalLength": pad_kwargs.get("total_length"),
            "packed": enc_packed(p), "gradPacked": g_pack[0], "inputGrad": L(x.grad.flatten()),
            "padded": enc(padded), "paddedLengths": L(out_lengths), "gradPadded": g_pad[0], "dataGrad": L(data.grad.flatten()),
        })
    return cases


def pack_sequence_case():
    torch.manual_seed(32)
    seqs = [torch.randn(n, 3, requires_grad=True) for n in (2, 5, 3)]
    p = rnn.pack_sequence(seqs, enforce_sorted=False)
    unpacked = rnn.unpack_sequence(p)
    g = backward([p.data])
    return {"sequences": [enc(s) for s in seqs], "packed": enc_packed(p), "gradPacked": g[0],
            "grads": [L(s.grad.flatten()) for s in seqs], "unpacked": [enc(u) for u in unpacked]}


def errors():
    x = torch.zeros(4, 3, 2)
    out = {}
    for key, f in [
        ("unsorted", lambda: rnn.pack_padded_sequence(x, [2, 3, 2])),
        ("zeroUnsorted", lambda: rnn.pack_padded_sequence(x, [4, 0, 1], enforce_sorted=False)),
        ("zeroLast", lambda: rnn.pack_padded_sequence(x, [4, 2, 0])),
        ("zeroFirstSorted", lambda: rnn.pack_padded_sequence(x, [0, 3, 2])),
        ("count", lambda: rnn.pack_padded_sequence(x, [3, 2, 1, 1])),
        ("empty", lambda: rnn.pack_padded_sequence(torch.zeros(0, 3, 2), [1, 1, 1])),
        ("totalLength", lambda: rnn.pad_packed_sequence(rnn.pack_padded_sequence(x, [3, 2, 1]), total_length=2)),
        ("emptyList", lambda: rnn.pack_sequence([])),
        ("lstmHidden", lambda: nn.LSTM(2, 4)(rnn.pack_padded_sequence(x, [3, 2, 1]), (torch.zeros(1, 2, 4), torch.zeros(1, 3, 4)))),
        ("lstmCell", lambda: nn.LSTM(2, 4)(rnn.pack_padded_sequence(x, [3, 2, 1]), (torch.zeros(1, 3, 4), torch.zeros(1, 3, 5)))),
        ("gruHidden2d", lambda: nn.GRU(2, 4)(rnn.pack_padded_sequence(x, [3, 2, 1]), torch.zeros(3, 4))),
        ("inputSize", lambda: nn.GRU(3, 4)(rnn.pack_padded_sequence(x, [3, 2, 1]))),
        ("dataDims", lambda: nn.GRU(1, 4)(rnn.pack_padded_sequence(torch.zeros(4, 3, 2, 1), [3, 2, 1]))),
    ]:
        try:
            f()
            raise AssertionError(f"{key} did not raise")
        except (RuntimeError, ValueError) as e:
            out[key] = str(e)
    return out


def module_cases():
    torch.manual_seed(33)
    cases = []
    # (name, class, args, kwargs, lengths, batch_first, enforce_sorted, with_hx)
    for name, cls, args, kwargs, options, lengths, batch_first, enforce_sorted, with_hx in [
        ("LSTM, sorted lengths, time-major, no hx", nn.LSTM, [3, 4], {}, {}, [5, 3, 2], False, True, False),
        ("GRU, unsorted, batch-first, 2 layers, with hx", nn.GRU, [3, 4], {"num_layers": 2, "batch_first": True},
         {"numLayers": 2, "batchFirst": True}, [2, 5, 1, 3], True, False, True),
        ("RNN tanh, unsorted, bidirectional, with hx", nn.RNN, [2, 3], {"bidirectional": True}, {"bidirectional": True},
         [3, 1, 4], False, False, True),
        ("LSTM proj_size, 2 layers, bidirectional, unsorted with a tie, batch-first, with h0 and c0", nn.LSTM, [3, 5],
         {"num_layers": 2, "bidirectional": True, "proj_size": 2, "batch_first": True},
         {"numLayers": 2, "bidirectional": True, "projSize": 2, "batchFirst": True}, [3, 5, 2, 5], True, False, True),
        ("GRU, bidirectional, sorted with equal lengths, no hx", nn.GRU, [2, 3], {"bidirectional": True}, {"bidirectional": True},
         [4, 4, 2], False, True, False),
        ("RNN relu, 2 layers, bidirectional, unsorted, no bias, no hx", nn.RNN, [2, 3],
         {"num_layers": 2, "bidirectional": True, "nonlinearity": "relu", "bias": False},
         {"numLayers": 2, "bidirectional": True, "nonlinearity": "relu", "bias": False}, [1, 3, 2], False, False, False),
        ("LSTM, 2 layers, unsorted, time-major, with h0 and c0", nn.LSTM, [2, 3], {"num_layers": 2}, {"numLayers": 2},
         [2, 4, 3], False, False, True),
    ]:
        m = cls(*args, **kwargs)
        state = {k: enc(v) for k, v in m.state_dict().items()}
        B, T = len(lengths), max(lengths) + 1  # one step of padding past the longest
        x = torch.randn(*([B, T] if batch_first else [T, B]), args[0], requires_grad=True)
        layers = m.num_layers * (2 if m.bidirectional else 1)
        h_size = m.proj_size if isinstance(m, nn.LSTM) and m.proj_size > 0 else m.hidden_size
        hx = None
        if with_hx:
            hx = [torch.randn(layers, B, h_size, requires_grad=True)]
            if isinstance(m, nn.LSTM):
                hx.append(torch.randn(layers, B, m.hidden_size, requires_grad=True))
        packed = rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        if hx is None:
            out, h = m(packed)
        else:
            out, h = m(packed, tuple(hx) if isinstance(m, nn.LSTM) else hx[0])
        finals = list(h) if isinstance(m, nn.LSTM) else [h]
        padded, _ = rnn.pad_packed_sequence(out, batch_first=batch_first)
        outs = [out.data] + finals
        gs = backward(outs)
        cases.append({
            "name": name, "kind": cls.__name__, "args": args, "options": options, "stateDict": state,
            "lengths": lengths, "batchFirst": batch_first, "enforceSorted": enforce_sorted,
            "input": enc(x), "hx": None if hx is None else [enc(t) for t in hx],
            "outputData": enc(out.data), "padded": enc(padded), "finals": [enc(t) for t in finals], "gradOutputs": gs,
            "inputGrad": L(x.grad.flatten()), "hxGrads": None if hx is None else [L(t.grad.flatten()) for t in hx],
            "paramGrads": {n: L(p.grad.flatten()) for n, p in m.named_parameters()},
        })
    return cases


def main():
    fixture = {"pack": pack_cases(), "packSequence": pack_sequence_case(), "errors": errors(), "modules": module_cases()}
    with open(OUT, "w") as f:
        json.dump(rounded(fixture), f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
