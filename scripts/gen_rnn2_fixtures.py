"""Writes the golden fixtures of the recurrent cells, nn.RNN, nn.utils.rnn.pad_sequence,
parameters_to_vector and the transformer decoder (test/fixtures/nn/{rnn_cells,rnn_elman,nn_utils2,transformer_decoder}.json).

Run with the system PyTorch: /usr/bin/python3 scripts/gen_rnn2_fixtures.py
The tests only read the JSON; CI never runs Python. Sizes stay small.
PyTorch 1.13 is the oracle here; where 2.x differs the tests follow 2.x (noted in the tests).
Same conventions as scripts/gen_nn_fixtures.py: state dicts exported, then outputs, final
states, the inputs' and every parameter's gradients under random output gradients.
"""
import json
import math
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn")


def L(t):
    return t.detach().tolist()


def enc(t):
    # JSON has no infinities: they travel as the strings "Infinity" / "-Infinity", which the tests' Number() reads back
    data = [x if isinstance(x, bool) or math.isfinite(x) else str(x).replace("inf", "Infinity") for x in L(t.flatten())]
    return {"shape": list(t.shape), "data": data, "dtype": "bool" if t.dtype == torch.bool else "float32"}


def sd(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


def rounded(obj):
    # 8 significant digits keep float32 results well inside the tests' tolerance and the files small
    if isinstance(obj, float):
        return obj if not math.isfinite(obj) else float(f"{obj:.8g}")
    if isinstance(obj, list):
        return [rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    return obj


def write(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(rounded(obj), f, separators=(",", ":"))


def backward_all(outs):
    gs = [torch.randn(t.shape) for t in outs]
    sum((t * g).sum() for t, g in zip(outs, gs)).backward()
    return [L(g.flatten()) for g in gs]


# ---------------------------------------------------------------- cells
def cell_case(name, kind, args, kwargs, options, x, states=None):
    m = getattr(nn, kind)(*args, **kwargs)
    state = sd(m)
    x = x.clone().requires_grad_(True)
    out = m(x, states) if states is not None else m(x)
    outs = list(out) if kind == "LSTMCell" else [out]
    return {
        "name": name, "kind": kind, "args": args, "options": options, "repr": repr(m),
        "stateDict": state, "input": enc(x),
        "states": None if states is None else [enc(t) for t in (states if kind == "LSTMCell" else [states])],
        "outputs": [enc(t) for t in outs], "gradOutputs": backward_all(outs),
        "inputGrad": L(x.grad.flatten()),
        "paramGrads": {k: L(p.grad.flatten()) for k, p in m.named_parameters()},
    }


def cells():
    torch.manual_seed(11)
    cases = [
        cell_case("RNNCell", "RNNCell", [3, 4], {}, {}, torch.randn(2, 3)),
        cell_case("RNNCell relu with state", "RNNCell", [3, 4], {"nonlinearity": "relu"}, {"nonlinearity": "relu"}, torch.randn(3, 3), torch.randn(3, 4)),
        cell_case("RNNCell unbatched no bias", "RNNCell", [2, 3], {"bias": False}, {"bias": False}, torch.randn(2), torch.randn(3)),
        cell_case("LSTMCell", "LSTMCell", [3, 4], {}, {}, torch.randn(2, 3)),
        cell_case("LSTMCell with state", "LSTMCell", [3, 2], {}, {}, torch.randn(4, 3), (torch.randn(4, 2), torch.randn(4, 2))),
        cell_case("LSTMCell unbatched no bias with state", "LSTMCell", [2, 3], {"bias": False}, {"bias": False}, torch.randn(2), (torch.randn(3), torch.randn(3))),
        cell_case("GRUCell", "GRUCell", [3, 4], {}, {}, torch.randn(2, 3)),
        cell_case("GRUCell with state", "GRUCell", [3, 2], {}, {}, torch.randn(4, 3), torch.randn(4, 2)),
        cell_case("GRUCell unbatched no bias", "GRUCell", [2, 3], {"bias": False}, {"bias": False}, torch.randn(2), torch.randn(3)),
    ]
    write("rnn_cells.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- nn.RNN
def rnn_case(name, args, kwargs, x, h0=None):
    m = nn.RNN(*args, **kwargs)
    state = sd(m)
    x = x.clone().requires_grad_(True)
    out, hn = m(x, h0) if h0 is not None else m(x)
    options = {"nonlinearity": kwargs.get("nonlinearity", "tanh"), "numLayers": kwargs.get("num_layers", 1),
               "batchFirst": kwargs.get("batch_first", False), "bidirectional": kwargs.get("bidirectional", False),
               "bias": kwargs.get("bias", True)}
    return {
        "name": name, "args": args, "options": options, "repr": repr(m), "stateDict": state,
        "input": enc(x), "h0": None if h0 is None else enc(h0),
        "outputs": [enc(out), enc(hn)], "gradOutputs": backward_all([out, hn]),
        "inputGrad": L(x.grad.flatten()),
        "paramGrads": {k: L(p.grad.flatten()) for k, p in m.named_parameters()},
    }


def elman():
    torch.manual_seed(12)
    cases = [
        rnn_case("RNN", [3, 4], {}, torch.randn(5, 2, 3)),
        rnn_case("RNN relu two layers batch_first with h0", [3, 4], {"nonlinearity": "relu", "num_layers": 2, "batch_first": True},
                 torch.randn(2, 5, 3), torch.randn(2, 2, 4)),
        rnn_case("RNN bidirectional no bias", [2, 3], {"bidirectional": True, "bias": False}, torch.randn(4, 2, 2)),
        rnn_case("RNN two layers bidirectional with h0", [3, 2], {"num_layers": 2, "bidirectional": True}, torch.randn(4, 3, 3), torch.randn(4, 3, 2)),
        rnn_case("RNN unbatched with h0", [3, 2], {}, torch.randn(6, 3), torch.randn(1, 2)),
    ]
    write("rnn_elman.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- nn.utils
def pad_case(name, shapes, batch_first, padding_value):
    seqs = [torch.randn(*s).requires_grad_(True) for s in shapes]
    out = nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=padding_value)
    g = torch.randn(out.shape)
    (out * g).sum().backward()
    return {"name": name, "sequences": [enc(s) for s in seqs], "batchFirst": batch_first, "paddingValue": padding_value,
            "output": enc(out), "gradOutput": L(g.flatten()), "grads": [L(s.grad.flatten()) for s in seqs]}


def utils():
    torch.manual_seed(13)
    pads = [
        pad_case("1-D sequences", [[3], [5], [1]], False, 0.0),
        pad_case("batch_first with trailing dims and a padding value", [[2, 3], [4, 3], [4, 3]], True, -1.5),
        pad_case("one sequence", [[2, 2, 2]], False, 7.0),
    ]
    m = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1, bias=False))
    vec = nn.utils.parameters_to_vector(m.parameters())
    write("nn_utils2.json", {"torch": torch.__version__, "padSequence": pads,
                             "parametersToVector": {"stateDict": sd(m), "vector": L(vec)}})


# ---------------------------------------------------------------- transformer decoder
def decoder_case(name, kind, make, options, inputs, **call):
    # dropout 0 and training mode: no dropout, and no 1.13 inference fast path
    m = make()
    state = sd(m)
    xs = [t.clone().requires_grad_(True) for t in inputs]
    out = m(*xs, **call)
    return {
        "name": name, "kind": kind, "options": options, "stateDict": state,
        "inputs": [enc(t) for t in xs],
        "call": {k: enc(v) for k, v in call.items()},
        "output": enc(out), "gradOutput": backward_all([out])[0],
        "inputGrads": [L(t.grad.flatten()) for t in xs],
        "paramGrads": {k: L(p.grad.flatten()) for k, p in m.named_parameters()},
    }


def decoder():
    torch.manual_seed(14)
    E, H, FF = 8, 2, 16
    causal4 = nn.Transformer.generate_square_subsequent_mask(4)
    mem_pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    tgt_pad = torch.tensor([[False] * 4, [False, False, False, True]])
    layer_opts = {"dimFeedforward": FF, "dropout": 0.0}
    cases = [
        decoder_case("TransformerDecoderLayer: causal float tgt mask, memory key padding", "layer",
                     lambda: nn.TransformerDecoderLayer(E, H, dim_feedforward=FF, dropout=0.0), {"args": [E, H], **layer_opts},
                     [torch.randn(4, 2, E), torch.randn(5, 2, E)], tgt_mask=causal4, memory_key_padding_mask=mem_pad),
        decoder_case("TransformerDecoderLayer: norm_first, gelu, batch_first, tgt key padding, bool memory mask", "layer",
                     lambda: nn.TransformerDecoderLayer(E, H, dim_feedforward=FF, dropout=0.0, activation="gelu", norm_first=True, batch_first=True),
                     {"args": [E, H], **layer_opts, "activation": "gelu", "normFirst": True, "batchFirst": True},
                     [torch.randn(2, 4, E), torch.randn(2, 5, E)], tgt_key_padding_mask=tgt_pad,
                     memory_mask=torch.rand(4, 5) > 0.7),
        decoder_case("TransformerDecoder: two layers and a final norm, unbatched", "decoder",
                     lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(E, H, dim_feedforward=FF, dropout=0.0), 2, nn.LayerNorm(E)),
                     {"args": [E, H], **layer_opts, "numLayers": 2},
                     [torch.randn(3, E), torch.randn(5, E)], tgt_mask=nn.Transformer.generate_square_subsequent_mask(3)),
        decoder_case("Transformer: batch_first, source padding, causal target", "transformer",
                     lambda: nn.Transformer(E, H, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=FF, dropout=0.0, batch_first=True),
                     {"args": [E, H], **layer_opts, "numEncoderLayers": 2, "numDecoderLayers": 1, "batchFirst": True},
                     [torch.randn(2, 5, E), torch.randn(2, 4, E)], src_key_padding_mask=mem_pad, tgt_mask=causal4,
                     memory_key_padding_mask=mem_pad),
    ]
    write("transformer_decoder.json", {"torch": torch.__version__, "cases": cases})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    cells()
    elman()
    utils()
    decoder()
    print("wrote rnn_cells.json, rnn_elman.json, nn_utils2.json, transformer_decoder.json")
