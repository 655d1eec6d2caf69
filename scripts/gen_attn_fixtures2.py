"""Writes test/fixtures/nn/attn_rnn2.json: goldens for MultiheadAttention with kdim/vdim,
add_bias_kv and add_zero_attn, LSTM with proj_size, and Transformer layers with a callable activation.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_attn_fixtures2.py
The tests (test/nn-attention-features.test.ts, test/nn-rnn-proj.test.ts) only read the JSON.
PyTorch 1.13 is the oracle; these features compute the same in 1.13 and 2.x.
Each case: the state dict, inputs, outputs, random output gradients, and the gradients of the
inputs and of every parameter under sum(output * gradOutput).
"""
import json
import math
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn", "attn_rnn2.json")


def L(t):
    return t.detach().tolist()


def enc(t):
    return {"shape": list(t.shape), "data": L(t.flatten()), "dtype": "bool" if t.dtype == torch.bool else "float32"}


def rounded(obj):
    # 8 significant digits keep float32 results well inside the tests' tolerance and the file small
    if isinstance(obj, float):
        return obj if not math.isfinite(obj) else float(f"{obj:.8g}")
    if isinstance(obj, list):
        return [rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    return obj


def grads(m, inputs, outs):
    gs = [torch.randn(t.shape) for t in outs]
    sum((t * g).sum() for t, g in zip(outs, gs)).backward()
    return {
        "outputs": [enc(t) for t in outs], "gradOutputs": [L(g.flatten()) for g in gs],
        "inputGrads": [L(t.grad.flatten()) for t in inputs],
        "paramGrads": {n: L(p.grad.flatten()) for n, p in m.named_parameters()},
    }


def module_case(name, m, options, inputs, run, extra=None):
    state = {k: enc(v) for k, v in m.state_dict().items()}
    inputs = [t.clone().requires_grad_(True) for t in inputs]
    outs = run(m, *inputs)
    return {"name": name, "options": options, "repr": repr(m), "stateDict": state,
            "inputs": [enc(t) for t in inputs], **(extra or {}), **grads(m, inputs, outs)}


def mha(name, E, H, kwargs, options, q, k, v, call=None, call_json=None):
    m = nn.MultiheadAttention(E, H, **kwargs)
    # bias_k / bias_v and the biases start at zero or small values: randomise everything so every term shows
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape) * 0.5)

    def run(m, q, k, v):
        out, w = m(q, k, v, **(call or {}))
        return [out] + ([w] if w is not None else [])
    case = module_case(name, m, options, [q, k, v], run, {"args": [E, H], "call": call_json or {}})
    return case


def mha_cases():
    torch.manual_seed(21)
    kpm = torch.tensor([[False, False, True, False], [False, True, False, False]])
    am = torch.tensor([[False, True, False, False], [False, False, False, True], [True, False, False, False]])
    float_mask = torch.randn(4, 2, 3)
    return [
        mha("kdim and vdim, key padding", 8, 2, {"kdim": 5, "vdim": 6}, {"kdim": 5, "vdim": 6},
            torch.randn(3, 2, 8), torch.randn(4, 2, 5), torch.randn(4, 2, 6),
            {"key_padding_mask": kpm}, {"keyPaddingMask": enc(kpm)}),
        mha("add_bias_kv and add_zero_attn, both masks, batch_first, per-head weights", 8, 2,
            {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True},
            {"addBiasKv": True, "addZeroAttn": True, "batchFirst": True},
            torch.randn(2, 3, 8), torch.randn(2, 4, 8), torch.randn(2, 4, 8),
            {"key_padding_mask": kpm, "attn_mask": am, "average_attn_weights": False},
            {"keyPaddingMask": enc(kpm), "attnMask": enc(am), "averageAttnWeights": False}),
        mha("add_bias_kv, kdim, no bias, unbatched with key padding", 6, 3, {"add_bias_kv": True, "kdim": 4, "bias": False},
            {"addBiasKv": True, "kdim": 4, "bias": False},
            torch.randn(3, 6), torch.randn(4, 4), torch.randn(4, 6),
            {"key_padding_mask": kpm[0]}, {"keyPaddingMask": enc(kpm[0])}),
        mha("add_zero_attn, float 3-D mask, need_weights=False", 4, 2, {"add_zero_attn": True}, {"addZeroAttn": True},
            torch.randn(2, 2, 4), torch.randn(3, 2, 4), torch.randn(3, 2, 4),
            {"attn_mask": float_mask, "need_weights": False}, {"attnMask": enc(float_mask), "needWeights": False}),
    ]


def lstm_cases():
    torch.manual_seed(22)
    cases = []
    for name, args, kwargs, options, x, states in [
        ("LSTM proj_size", [3, 4], {"proj_size": 2}, {"projSize": 2}, torch.randn(5, 2, 3), None),
        ("LSTM proj_size, 2 layers, bidirectional, with h0 and c0", [3, 5], {"proj_size": 2, "num_layers": 2, "bidirectional": True},
         {"projSize": 2, "numLayers": 2, "bidirectional": True}, torch.randn(4, 2, 3), (torch.randn(4, 2, 2), torch.randn(4, 2, 5))),
        ("LSTM proj_size, batch_first, no bias, unbatched", [2, 3], {"proj_size": 1, "batch_first": True, "bias": False},
         {"projSize": 1, "batchFirst": True, "bias": False}, torch.randn(3, 2), (torch.randn(1, 1), torch.randn(1, 3))),
    ]:
        m = nn.LSTM(*args, **kwargs)
        extra = {"args": args, "states": None if states is None else [enc(t) for t in states]}

        def run(m, x):
            out, (h, c) = m(x, states) if states is not None else m(x)
            return [out, h, c]
        cases.append(module_case(name, m, options, [x], run, extra))
    return cases


def transformer_cases():
    torch.manual_seed(23)
    cases = []
    for name, cls, options in [
        ("TransformerEncoderLayer with activation=torch.tanh", nn.TransformerEncoderLayer, {"normFirst": False}),
        ("TransformerDecoderLayer pre-norm with activation=torch.tanh", nn.TransformerDecoderLayer, {"normFirst": True}),
    ]:
        m = cls(4, 2, dim_feedforward=6, dropout=0.0, activation=torch.tanh, norm_first=options["normFirst"])
        inputs = [torch.randn(3, 2, 4)] + ([torch.randn(2, 2, 4)] if cls is nn.TransformerDecoderLayer else [])
        cases.append(module_case(name, m, {**options, "dimFeedforward": 6, "dropout": 0}, inputs,
                                 lambda m, *xs: [m(*xs)], {"kind": cls.__name__}))
    return cases


with open(OUT, "w") as f:
    json.dump(rounded({"mha": mha_cases(), "lstm": lstm_cases(), "transformer": transformer_cases()}), f, separators=(",", ":"))
