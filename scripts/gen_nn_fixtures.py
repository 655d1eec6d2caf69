"""Writes the golden fixtures of nn, optim and lr schedulers (test/fixtures/nn/*.json).

Run with the system PyTorch: /usr/bin/python3 scripts/gen_nn_fixtures.py
The tests only read the JSON; CI never runs Python. Sizes stay small.
PyTorch 1.13 is the oracle here; where 2.x differs the tests follow 2.x (noted in the JSON).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn")
torch.manual_seed(0)


def L(t):
    return t.detach().tolist()


def sd(m):
    return {k: {"shape": list(v.shape), "dtype": "int32" if v.dtype == torch.int64 else "float32", "data": L(v.flatten())}
            for k, v in m.state_dict().items()}


def rounded(obj):
    # 8 significant digits keep float32 results well inside the tests' tolerance and the files small
    if isinstance(obj, float):
        return obj if not math.isfinite(obj) else float(f"{obj:.8g}")
    if isinstance(obj, list):
        return [rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    return obj


def write(name, obj, exact=False):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj if exact else rounded(obj), f, separators=(",", ":"))


# ---------------------------------------------------------------- layers
def layer_case(name, make, ctor, x, train=True, int_input=False):
    m = make()
    state = sd(m)
    m.train(train)
    if not int_input:
        x = x.clone().requires_grad_(True)
    y = m(x)
    gy = torch.randn(y.shape)
    (y * gy).sum().backward()
    case = {
        "name": name, "ctor": ctor, "train": train,
        "stateDict": state,
        "input": {"shape": list(x.shape), "data": L(x.flatten()), "dtype": "int32" if int_input else "float32"},
        "output": {"shape": list(y.shape), "data": L(y.flatten())},
        "gradOutput": L(gy.flatten()),
        "inputGrad": None if int_input else L(x.grad.flatten()),
        "paramGrads": {k: L(p.grad.flatten()) for k, p in m.named_parameters() if p.grad is not None},
        "stateAfter": sd(m),
    }
    return case


def layers():
    cases = []
    cases.append(layer_case("Linear", lambda: nn.Linear(4, 3), {"type": "Linear", "args": [4, 3]}, torch.randn(5, 4)))
    cases.append(layer_case("Linear no bias 3d", lambda: nn.Linear(4, 2, bias=False), {"type": "Linear", "args": [4, 2], "options": {"bias": False}}, torch.randn(2, 3, 4)))
    cases.append(layer_case("Conv2d", lambda: nn.Conv2d(2, 3, 3), {"type": "Conv2d", "args": [2, 3, 3]}, torch.randn(2, 2, 5, 5)))
    cases.append(layer_case("Conv2d stride padding", lambda: nn.Conv2d(2, 4, (3, 2), stride=2, padding=1),
                            {"type": "Conv2d", "args": [2, 4, [3, 2]], "options": {"stride": 2, "padding": 1}}, torch.randn(1, 2, 6, 5)))
    cases.append(layer_case("Conv2d dilation groups", lambda: nn.Conv2d(4, 2, 2, dilation=2, groups=2, bias=False),
                            {"type": "Conv2d", "args": [4, 2, 2], "options": {"dilation": 2, "groups": 2, "bias": False}}, torch.randn(2, 4, 5, 5)))
    cases.append(layer_case("MaxPool2d", lambda: nn.MaxPool2d(2), {"type": "MaxPool2d", "args": [2]}, torch.randn(2, 2, 4, 5)))
    cases.append(layer_case("MaxPool2d stride padding", lambda: nn.MaxPool2d(3, stride=2, padding=1),
                            {"type": "MaxPool2d", "args": [3], "options": {"stride": 2, "padding": 1}}, torch.randn(1, 2, 5, 5)))
    cases.append(layer_case("AvgPool2d", lambda: nn.AvgPool2d(2), {"type": "AvgPool2d", "args": [2]}, torch.randn(2, 1, 4, 4)))
    cases.append(layer_case("AvgPool2d padding exclude", lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
                            {"type": "AvgPool2d", "args": [3], "options": {"stride": 2, "padding": 1, "countIncludePad": False}}, torch.randn(1, 2, 5, 5)))
    cases.append(layer_case("AvgPool2d padding include", lambda: nn.AvgPool2d(3, stride=2, padding=1),
                            {"type": "AvgPool2d", "args": [3], "options": {"stride": 2, "padding": 1}}, torch.randn(1, 1, 5, 5)))

    def bn1():
        m = nn.BatchNorm1d(3)
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
        return m
    cases.append(layer_case("BatchNorm1d train", bn1, {"type": "BatchNorm1d", "args": [3]}, torch.randn(6, 3) * 2 + 1))
    cases.append(layer_case("BatchNorm1d eval", bn1, {"type": "BatchNorm1d", "args": [3]}, torch.randn(6, 3), train=False))
    cases.append(layer_case("BatchNorm1d 3d momentum", lambda: nn.BatchNorm1d(2, momentum=0.3, eps=1e-3),
                            {"type": "BatchNorm1d", "args": [2], "options": {"momentum": 0.3, "eps": 1e-3}}, torch.randn(3, 2, 4)))
    cases.append(layer_case("BatchNorm1d cumulative", lambda: nn.BatchNorm1d(2, momentum=None),
                            {"type": "BatchNorm1d", "args": [2], "options": {"momentum": None}}, torch.randn(4, 2)))

    def bn2():
        m = nn.BatchNorm2d(2)
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        return m
    cases.append(layer_case("BatchNorm2d train", bn2, {"type": "BatchNorm2d", "args": [2]}, torch.randn(2, 2, 3, 3)))
    cases.append(layer_case("BatchNorm2d eval", bn2, {"type": "BatchNorm2d", "args": [2]}, torch.randn(2, 2, 3, 3), train=False))

    def ln():
        m = nn.LayerNorm([2, 3])
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        return m
    cases.append(layer_case("LayerNorm", ln, {"type": "LayerNorm", "args": [[2, 3]]}, torch.randn(4, 2, 3)))
    cases.append(layer_case("LayerNorm last dim", lambda: nn.LayerNorm(5, eps=1e-3), {"type": "LayerNorm", "args": [5], "options": {"eps": 1e-3}}, torch.randn(3, 5)))
    cases.append(layer_case("Embedding", lambda: nn.Embedding(6, 3), {"type": "Embedding", "args": [6, 3]},
                            torch.tensor([[1, 2, 1], [5, 0, 3]]), int_input=True))
    cases.append(layer_case("Embedding padding", lambda: nn.Embedding(5, 2, padding_idx=1), {"type": "Embedding", "args": [5, 2], "options": {"paddingIdx": 1}},
                            torch.tensor([1, 2, 1, 4]), int_input=True))
    x = torch.randn(3, 4)
    cases.append(layer_case("ReLU", nn.ReLU, {"type": "ReLU", "args": []}, x))
    cases.append(layer_case("GELU", nn.GELU, {"type": "GELU", "args": []}, x))
    cases.append(layer_case("GELU tanh", lambda: nn.GELU(approximate="tanh"), {"type": "GELU", "args": [{"approximate": "tanh"}]}, x))
    cases.append(layer_case("Tanh", nn.Tanh, {"type": "Tanh", "args": []}, x))
    cases.append(layer_case("Sigmoid", nn.Sigmoid, {"type": "Sigmoid", "args": []}, x))
    cases.append(layer_case("Softmax", lambda: nn.Softmax(1), {"type": "Softmax", "args": [1]}, x))
    cases.append(layer_case("Softmax dim0", lambda: nn.Softmax(0), {"type": "Softmax", "args": [0]}, x))
    cases.append(layer_case("Flatten", nn.Flatten, {"type": "Flatten", "args": []}, torch.randn(2, 2, 2, 2)))
    cases.append(layer_case("Sequential MLP", lambda: nn.Sequential(nn.Linear(4, 5), nn.GELU(), nn.Linear(5, 2)),
                            {"type": "MLP", "args": []}, torch.randn(3, 4)))
    cases.append(layer_case("Small CNN", lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3)),
                            {"type": "CNN", "args": []}, torch.randn(2, 1, 4, 4)))
    # cases added later draw from their own seed, so that every fixture after them stays as it was
    rng = torch.get_rng_state()
    torch.manual_seed(1)
    x = torch.randn(3, 4)
    x[0, 0] = 0.0  # the gradient of LeakyReLU at 0 is the slope
    cases.append(layer_case("LeakyReLU", nn.LeakyReLU, {"type": "LeakyReLU", "args": []}, x))
    cases.append(layer_case("LeakyReLU 0.2", lambda: nn.LeakyReLU(0.2), {"type": "LeakyReLU", "args": [0.2]}, x))
    cases.append(layer_case("SiLU", nn.SiLU, {"type": "SiLU", "args": []}, x))
    cases.append(layer_case("ELU", nn.ELU, {"type": "ELU", "args": []}, x))
    cases.append(layer_case("ELU 0.5", lambda: nn.ELU(0.5), {"type": "ELU", "args": [0.5]}, x))
    cases.append(layer_case("Softplus", nn.Softplus, {"type": "Softplus", "args": []}, x * 15))
    cases.append(layer_case("Softplus beta threshold", lambda: nn.Softplus(beta=2, threshold=1),
                            {"type": "Softplus", "args": [{"beta": 2, "threshold": 1}]}, x))
    cases.append(layer_case("AdaptiveAvgPool2d global", lambda: nn.AdaptiveAvgPool2d((1, 1)),
                            {"type": "AdaptiveAvgPool2d", "args": [[1, 1]]}, torch.randn(2, 3, 4, 5)))
    cases.append(layer_case("AdaptiveAvgPool2d uneven", lambda: nn.AdaptiveAvgPool2d(3),
                            {"type": "AdaptiveAvgPool2d", "args": [3]}, torch.randn(2, 2, 7, 5)))
    cases.append(layer_case("AdaptiveAvgPool2d keep width, unbatched", lambda: nn.AdaptiveAvgPool2d((4, None)),
                            {"type": "AdaptiveAvgPool2d", "args": [[4, None]]}, torch.randn(2, 6, 3)))
    cases.append(layer_case("AdaptiveAvgPool2d even", lambda: nn.AdaptiveAvgPool2d((2, 3)),
                            {"type": "AdaptiveAvgPool2d", "args": [[2, 3]]}, torch.randn(1, 2, 8, 6)))
    cases.append(layer_case("ConvTranspose2d stride 2", lambda: nn.ConvTranspose2d(4, 2, 3, stride=2),
                            {"type": "ConvTranspose2d", "args": [4, 2, 3], "options": {"stride": 2}}, torch.randn(2, 4, 3, 3)))
    cases.append(layer_case("ConvTranspose2d padding output_padding groups", lambda: nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=1, output_padding=(1, 0), groups=2),
                            {"type": "ConvTranspose2d", "args": [4, 6, [3, 2]], "options": {"stride": [2, 1], "padding": 1, "outputPadding": [1, 0], "groups": 2}},
                            torch.randn(1, 4, 4, 3)))
    cases.append(layer_case("ConvTranspose2d dilation output_padding no bias", lambda: nn.ConvTranspose2d(2, 3, 2, dilation=2, output_padding=1, bias=False),
                            {"type": "ConvTranspose2d", "args": [2, 3, 2], "options": {"dilation": 2, "outputPadding": 1, "bias": False}}, torch.randn(1, 2, 3, 3)))
    cases.append(layer_case("ConvTranspose2d unbatched", lambda: nn.ConvTranspose2d(2, 2, 2, stride=2),
                            {"type": "ConvTranspose2d", "args": [2, 2, 2], "options": {"stride": 2}}, torch.randn(2, 3, 3)))
    cases.append(layer_case("Conv1d", lambda: nn.Conv1d(3, 4, 3), {"type": "Conv1d", "args": [3, 4, 3]}, torch.randn(2, 3, 8)))
    cases.append(layer_case("Conv1d stride padding dilation groups", lambda: nn.Conv1d(4, 6, 2, stride=2, padding=1, dilation=2, groups=2),
                            {"type": "Conv1d", "args": [4, 6, 2], "options": {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}}, torch.randn(1, 4, 9)))
    cases.append(layer_case("Conv1d unbatched no bias", lambda: nn.Conv1d(2, 3, 3, bias=False),
                            {"type": "Conv1d", "args": [2, 3, 3], "options": {"bias": False}}, torch.randn(2, 7)))
    def gn():
        m = nn.GroupNorm(2, 4)
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        return m
    cases.append(layer_case("GroupNorm", gn, {"type": "GroupNorm", "args": [2, 4]}, torch.randn(3, 4, 3, 2) * 2 + 1))
    cases.append(layer_case("GroupNorm 1-d, no affine", lambda: nn.GroupNorm(3, 6, eps=1e-3, affine=False),
                            {"type": "GroupNorm", "args": [3, 6], "options": {"eps": 1e-3, "affine": False}}, torch.randn(2, 6, 5)))
    cases.append(layer_case("MaxPool1d", lambda: nn.MaxPool1d(2), {"type": "MaxPool1d", "args": [2]}, torch.randn(2, 3, 7)))
    cases.append(layer_case("TransformerEncoderLayer", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
                            {"type": "TransformerEncoderLayer", "args": [8, 2], "options": {"dimFeedforward": 16, "dropout": 0}}, torch.randn(5, 3, 8)))
    cases.append(layer_case("TransformerEncoderLayer pre-norm gelu batch_first", lambda: nn.TransformerEncoderLayer(
        8, 4, dim_feedforward=12, dropout=0.0, activation="gelu", batch_first=True, norm_first=True),
        {"type": "TransformerEncoderLayer", "args": [8, 4], "options": {"dimFeedforward": 12, "dropout": 0, "activation": "gelu", "batchFirst": True, "normFirst": True}},
        torch.randn(3, 4, 8)))
    cases.append(layer_case("TransformerEncoder two layers and a norm", lambda: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(6, 2, dim_feedforward=10, dropout=0.0), 2, norm=nn.LayerNorm(6)),
        {"type": "TransformerEncoder", "args": [6, 2, 10, 2]}, torch.randn(4, 2, 6)))
    cases.append(layer_case("MaxPool1d stride padding ceil", lambda: nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True),
                            {"type": "MaxPool1d", "args": [3], "options": {"stride": 2, "padding": 1, "ceilMode": True}}, torch.randn(1, 2, 8)))
    cases.append(layer_case("MaxPool1d unbatched", lambda: nn.MaxPool1d(2, dilation=2), {"type": "MaxPool1d", "args": [2], "options": {"dilation": 2}},
                            torch.randn(3, 6)))
    cases.append(layer_case("AvgPool1d", lambda: nn.AvgPool1d(3, stride=2), {"type": "AvgPool1d", "args": [3], "options": {"stride": 2}}, torch.randn(2, 2, 9)))
    cases.append(layer_case("AvgPool1d padding ceil exclude", lambda: nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                            {"type": "AvgPool1d", "args": [3], "options": {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}},
                            torch.randn(1, 2, 8)))
    # string paddings: "same" with an even (asymmetric) total, "valid"
    cases.append(layer_case("Conv2d padding same", lambda: nn.Conv2d(2, 3, 3, padding="same"),
                            {"type": "Conv2d", "args": [2, 3, 3], "options": {"padding": "same"}}, torch.randn(1, 2, 5, 4)))
    cases.append(layer_case("Conv2d padding same even kernel dilation", lambda: nn.Conv2d(2, 2, (2, 4), padding="same", dilation=(1, 2)),
                            {"type": "Conv2d", "args": [2, 2, [2, 4]], "options": {"padding": "same", "dilation": [1, 2]}}, torch.randn(2, 2, 5, 7)))
    cases.append(layer_case("Conv2d padding valid", lambda: nn.Conv2d(2, 2, 3, padding="valid"),
                            {"type": "Conv2d", "args": [2, 2, 3], "options": {"padding": "valid"}}, torch.randn(1, 2, 5, 5)))
    cases.append(layer_case("Conv1d padding same even kernel", lambda: nn.Conv1d(2, 3, 4, padding="same"),
                            {"type": "Conv1d", "args": [2, 3, 4], "options": {"padding": "same"}}, torch.randn(2, 2, 9)))
    torch.set_rng_state(rng)
    write("layers.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- losses
def losses():
    cases = []
    N, C = 5, 4
    logits = torch.randn(N, C)
    target = torch.tensor([0, 3, 1, 3, 2])
    target_ign = torch.tensor([0, -100, 1, 3, 2])
    target_ign2 = torch.tensor([0, 2, 1, 2, 3])
    w = torch.tensor([0.5, 1.0, 2.0, 1.5])
    logits3 = torch.randn(2, 3, 2)  # [N, C, d]
    target3 = torch.tensor([[0, 2], [1, 1]])
    probs = torch.softmax(torch.randn(N, C), 1)

    def add(name, fn, fname, inp, tgt, opts, tgt_int=True):
        x = inp.clone().requires_grad_(True)
        y = fn(x)
        gy = torch.randn(y.shape) if y.dim() > 0 else torch.tensor(1.0)
        (y * gy).sum().backward()
        cases.append({
            "name": name, "fn": fname, "options": opts,
            "input": {"shape": list(inp.shape), "data": L(inp.flatten())},
            "target": {"shape": list(tgt.shape), "data": L(tgt.flatten()), "dtype": "int32" if tgt_int else "float32"},
            "output": {"shape": list(y.shape), "data": L(y.flatten())},
            "gradOutput": L(gy.flatten()),
            "inputGrad": L(x.grad.flatten()),
        })

    for red in ["mean", "sum", "none"]:
        add(f"ce {red}", lambda x: F.cross_entropy(x, target, reduction=red), "crossEntropy", logits, target, {"reduction": red})
        add(f"ce weight {red}", lambda x: F.cross_entropy(x, target, weight=w, reduction=red), "crossEntropy", logits, target, {"reduction": red, "weight": L(w)})
        add(f"ce ignore {red}", lambda x: F.cross_entropy(x, target_ign, reduction=red), "crossEntropy", logits, target_ign, {"reduction": red})
        add(f"ce ignore=2 weight {red}", lambda x: F.cross_entropy(x, target_ign2, weight=w, ignore_index=2, reduction=red), "crossEntropy", logits, target_ign2,
            {"reduction": red, "weight": L(w), "ignoreIndex": 2})
        add(f"ce smoothing {red}", lambda x: F.cross_entropy(x, target, label_smoothing=0.2, reduction=red), "crossEntropy", logits, target,
            {"reduction": red, "labelSmoothing": 0.2})
        add(f"ce smoothing weight ignore {red}", lambda x: F.cross_entropy(x, target_ign, weight=w, label_smoothing=0.1, reduction=red), "crossEntropy", logits, target_ign,
            {"reduction": red, "labelSmoothing": 0.1, "weight": L(w)})
        add(f"ce 3d {red}", lambda x: F.cross_entropy(x, target3, reduction=red), "crossEntropy", logits3, target3, {"reduction": red})
        add(f"ce probs weight smoothing {red}", lambda x: F.cross_entropy(x, probs, weight=w, label_smoothing=0.1, reduction=red), "crossEntropy", logits, probs,
            {"reduction": red, "weight": L(w), "labelSmoothing": 0.1}, tgt_int=False)
        logp = torch.log_softmax(logits, 1)
        add(f"nll weight ignore {red}", lambda x: F.nll_loss(x, target_ign, weight=w, reduction=red), "nllLoss", logp, target_ign, {"reduction": red, "weight": L(w)})
        a, b = torch.randn(3, 4), torch.randn(3, 4)
        add(f"mse {red}", lambda x: F.mse_loss(x, b, reduction=red), "mseLoss", a, b, {"reduction": red}, tgt_int=False)
        add(f"l1 {red}", lambda x: F.l1_loss(x, b, reduction=red), "l1Loss", a, b, {"reduction": red}, tgt_int=False)
        yb = torch.rand(3, 4).round()
        za = torch.randn(3, 4) * 3
        add(f"bce logits {red}", lambda x: F.binary_cross_entropy_with_logits(x, yb, reduction=red), "binaryCrossEntropyWithLogits", za, yb, {"reduction": red}, tgt_int=False)
        pw = torch.tensor([1.0, 2.0, 0.5, 3.0])
        bw = torch.rand(3, 4)
        add(f"bce logits posWeight weight {red}", lambda x: F.binary_cross_entropy_with_logits(x, yb, weight=bw, pos_weight=pw, reduction=red),
            "binaryCrossEntropyWithLogits", za, yb, {"reduction": red, "posWeight": L(pw), "weight": {"shape": [3, 4], "data": L(bw.flatten())}}, tgt_int=False)
    # cases added later draw from their own seed, so that every fixture after them stays as it was
    rng = torch.get_rng_state()
    torch.manual_seed(3)
    px = torch.rand(3, 4) * 0.98 + 0.01
    py = torch.rand(3, 4).round()
    px[0, 0], py[0, 0] = 0.0, 0.0  # at the ends of [0, 1]: PyTorch's clamped logs and 1e-12 floor
    px[0, 1], py[0, 1] = 1.0, 1.0
    px[0, 2], py[0, 2] = 0.0, 1.0
    bw = torch.rand(3, 4)
    a, b = torch.randn(3, 4) * 2, torch.randn(3, 4)
    for red in ["mean", "sum", "none"]:
        add(f"bce {red}", lambda x: F.binary_cross_entropy(x, py, reduction=red), "binaryCrossEntropy", px, py, {"reduction": red}, tgt_int=False)
        add(f"bce weight {red}", lambda x: F.binary_cross_entropy(x, py, weight=bw, reduction=red), "binaryCrossEntropy", px, py,
            {"reduction": red, "weight": {"shape": [3, 4], "data": L(bw.flatten())}}, tgt_int=False)
        for beta in [1.0, 0.5, 0.0]:
            add(f"smooth l1 beta {beta} {red}", lambda x: F.smooth_l1_loss(x, b, reduction=red, beta=beta), "smoothL1Loss", a, b,
                {"reduction": red, "beta": beta}, tgt_int=False)
        for delta in [1.0, 2.0]:
            add(f"huber delta {delta} {red}", lambda x: F.huber_loss(x, b, reduction=red, delta=delta), "huberLoss", a, b,
                {"reduction": red, "delta": delta}, tgt_int=False)
    torch.set_rng_state(rng)
    write("losses.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- optimizers
P0 = torch.tensor([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]])
P1 = torch.tensor([0.3, -0.6])
A = torch.tensor([[1.0, 2.0], [0.5, 3.0], [1.5, 0.2]])


def objective(p, q):
    # quadratic plus a quartic term and a coupling between the two parameters
    return (A * (p - 0.5) ** 2).sum() + 0.1 * (p ** 4).sum() + ((q - 1.0) ** 2).sum() + (p.sum(0) * q).sum() * 0.3


def optimizers():
    cases = []
    specs = [
        ("SGD", {"lr": 0.1}, {"lr": 0.1}),
        ("SGD", {"lr": 0.05, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.9}),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weightDecay": 0.1}),
        ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
        ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}, {"lr": 0.01, "momentum": 0.5, "maximize": True}),
        ("Adam", {"lr": 0.1}, {"lr": 0.1}),
        ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.1}, {"lr": 0.05, "betas": [0.8, 0.9], "eps": 1e-6, "weightDecay": 0.1}),
        ("Adam", {"lr": 0.1, "amsgrad": True}, {"lr": 0.1, "amsgrad": True}),
        ("Adam", {"lr": 0.01, "maximize": True}, {"lr": 0.01, "maximize": True}),
        ("AdamW", {"lr": 0.1}, {"lr": 0.1}),
        ("AdamW", {"lr": 0.1, "weight_decay": 0.5, "amsgrad": True}, {"lr": 0.1, "weightDecay": 0.5, "amsgrad": True}),
        ("RMSprop", {"lr": 0.01}, {"lr": 0.01}),
        ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.1}, {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "weightDecay": 0.1}),
        ("RMSprop", {"lr": 0.01, "centered": True, "eps": 1e-4}, {"lr": 0.01, "centered": True, "eps": 1e-4}),
        ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "maximize": True}, {"lr": 0.01, "centered": True, "momentum": 0.9, "maximize": True}),
    ]
    for kind, py, ts in specs:
        for groups in [False, True]:
            p = P0.clone().requires_grad_(True)
            q = P1.clone().requires_grad_(True)
            cls = getattr(torch.optim, kind)
            if groups:
                # the second group overrides lr (and momentum where the optimizer has one)
                g2 = {"params": [q], "lr": py["lr"] * 3}
                ts_g2 = {"lr": ts["lr"] * 3}
                if "momentum" in py:
                    g2["momentum"] = 0.3
                    ts_g2["momentum"] = 0.3
                opt = cls([{"params": [p]}, g2], **py)
            else:
                opt = cls([p, q], **py)
            traj = []
            for _ in range(5):
                opt.zero_grad()
                loss = objective(p, q)
                loss.backward()
                opt.step()
                traj.append({"p": L(p.flatten()), "q": L(q)})
            cases.append({"optimizer": kind, "options": ts, "groups": groups, "group2": ts_g2 if groups else None, "trajectory": traj})
    write("optimizers.json", {"torch": torch.__version__, "p0": L(P0.flatten()), "q0": L(P1), "a": L(A.flatten()), "cases": cases})


# ---------------------------------------------------------------- schedulers
def schedulers():
    S = torch.optim.lr_scheduler
    specs = [
        ("StepLR", lambda o: S.StepLR(o, 5, gamma=0.5), {"args": [5], "options": {"gamma": 0.5}}),
        ("MultiStepLR", lambda o: S.MultiStepLR(o, [3, 7, 7, 15], gamma=0.3), {"args": [[3, 7, 7, 15]], "options": {"gamma": 0.3}}),
        ("ExponentialLR", lambda o: S.ExponentialLR(o, 0.9), {"args": [0.9], "options": {}}),
        ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 7, eta_min=0.01), {"args": [7], "options": {"etaMin": 0.01}}),
        ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 20), {"args": [20], "options": {}}),
        ("LinearLR", lambda o: S.LinearLR(o, start_factor=0.25, total_iters=8), {"args": [], "options": {"startFactor": 0.25, "totalIters": 8}}),
        ("LinearLR", lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10), {"args": [], "options": {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 10}}),
        ("OneCycleLR", lambda o: S.OneCycleLR(o, 0.5, total_steps=21), {"args": [0.5], "options": {"totalSteps": 21}}),
        ("OneCycleLR", lambda o: S.OneCycleLR(o, 0.5, epochs=3, steps_per_epoch=7, anneal_strategy="linear", three_phase=True, pct_start=0.25),
         {"args": [0.5], "options": {"epochs": 3, "stepsPerEpoch": 7, "annealStrategy": "linear", "threePhase": True, "pctStart": 0.25}}),
    ]
    cases = []
    for kind, make, ts in specs:
        for opt_kind in ["SGD", "Adam"]:
            p = torch.zeros(2, requires_grad=True)
            opt = torch.optim.SGD([p], lr=0.1, momentum=0.9) if opt_kind == "SGD" else torch.optim.Adam([p], lr=0.1)
            sched = make(opt)
            lrs, moms = [sched.get_last_lr()[0]], []
            for _ in range(20):
                opt.step()
                sched.step()
                lrs.append(sched.get_last_lr()[0])
                g = opt.param_groups[0]
                moms.append(g["momentum"] if opt_kind == "SGD" else g["betas"][0])
            cases.append({"scheduler": kind, "optimizer": opt_kind, **ts, "lrs": lrs, "momenta": moms})
    # learning rates are computed in doubles on both sides: keep every digit
    write("schedulers.json", {"torch": torch.__version__, "cases": cases}, exact=True)


def plateau():
    # a metric that improves, stalls, improves a little (below threshold) and stalls again
    losses = [1.0, 0.8, 0.7, 0.7, 0.71, 0.69, 0.7, 0.7, 0.6999, 0.5, 0.5, 0.52, 0.5, 0.49, 0.49, 0.49, 0.49, 0.3, 0.3, 0.3]
    specs = [
        ({"patience": 2, "factor": 0.5}, {}, losses),
        ({"patience": 1, "factor": 0.3, "cooldown": 2, "min_lr": 0.02}, {}, losses),
        ({"mode": "max", "patience": 1, "threshold": 0.05, "threshold_mode": "abs"}, {}, [0.1, 0.3, 0.32, 0.33, 0.4, 0.41, 0.41, 0.6, 0.6, 0.6, 0.61]),
        ({"patience": 0, "factor": 0.5, "min_lr": [0.05, 0.001]}, {"two_groups": True}, losses),
    ]
    cases = []
    for kwargs, extra, metrics in specs:
        p, q = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
        groups = [{"params": [p]}, {"params": [q], "lr": 0.01}] if extra.get("two_groups") else [{"params": [p]}]
        opt = torch.optim.SGD(groups, lr=0.1)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        lrs = []
        for m in metrics:
            opt.step()
            sched.step(m)
            lrs.append([g["lr"] for g in opt.param_groups])
        options = {"".join(w.capitalize() if i else w for i, w in enumerate(k.split("_"))): v for k, v in kwargs.items()}
        cases.append({"options": options, "twoGroups": bool(extra.get("two_groups")), "metrics": metrics, "lrs": lrs})
    write("plateau.json", {"torch": torch.__version__, "cases": cases}, exact=True)


# ---------------------------------------------------------------- state-dict keys
class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8), nn.Dropout(0.1))
        self.blocks = nn.ModuleList([nn.Linear(8, 8), nn.LayerNorm(8), Inner()])
        self.emb = nn.Embedding(3, 2)
        self.head = nn.Linear(8, 2, bias=False)
        self.register_buffer("scale", torch.ones(2))
        self.register_buffer("tmp", torch.ones(2), persistent=False)
        self.loss = nn.CrossEntropyLoss(weight=torch.ones(2))


def keys():
    m = Net()
    write("state_dict_keys.json", {
        "torch": torch.__version__,
        "stateDict": {k: list(v.shape) for k, v in m.state_dict().items()},
        "parameters": [k for k, _ in m.named_parameters()],
        "buffers": [k for k, _ in m.named_buffers()],
        "modules": [k for k, _ in m.named_modules()],
        "children": [k for k, _ in m.named_children()],
    })


# ---------------------------------------------------------------- gradient clipping
def clipping():
    torch.manual_seed(2)
    shapes = [[3, 4], [4], [2, 2, 3]]
    cases = []
    for name, max_norm, norm_type, value in [("norm 2", 1.0, 2.0, None), ("norm 2, under the limit", 100.0, 2.0, None),
                                              ("norm inf", 0.5, math.inf, None), ("norm 1", 2.0, 1.0, None),
                                              ("norm 3", 0.3, 3.0, None), ("value", None, None, 0.4)]:
        params = [torch.randn(s, requires_grad=True) for s in shapes]
        for p in params:
            p.grad = torch.randn(p.shape)
        frozen = torch.randn(2, requires_grad=True)  # no gradient: skipped
        before = [L(p.grad.flatten()) for p in params]
        if value is None:
            total = torch.nn.utils.clip_grad_norm_(params + [frozen], max_norm, norm_type).item()
        else:
            torch.nn.utils.clip_grad_value_(params + [frozen], value)
            total = None
        cases.append({"name": name, "maxNorm": max_norm, "normType": "inf" if norm_type == math.inf else norm_type,
                      "clipValue": value, "shapes": shapes, "grads": before, "total": total,
                      "clipped": [L(p.grad.flatten()) for p in params]})
    write("clip.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- recurrent layers
def rnn_case(name, kind, ctor_args, options, x, states=None):
    m = (nn.LSTM if kind == "LSTM" else nn.GRU)(*ctor_args, **options)
    state = sd(m)
    x = x.clone().requires_grad_(True)
    out, hn = m(x, states) if states is not None else m(x)
    finals = list(hn) if kind == "LSTM" else [hn]
    grads_out = [torch.randn(t.shape) for t in [out] + finals]
    sum((t * g).sum() for t, g in zip([out] + finals, grads_out)).backward()
    return {
        "name": name, "kind": kind, "args": ctor_args,
        "options": {"numLayers": options.get("num_layers", 1), "batchFirst": options.get("batch_first", False),
                    "bidirectional": options.get("bidirectional", False), "bias": options.get("bias", True)},
        "stateDict": state,
        "input": {"shape": list(x.shape), "data": L(x.flatten())},
        "states": None if states is None else [{"shape": list(t.shape), "data": L(t.flatten())} for t in (states if kind == "LSTM" else [states])],
        "outputs": [{"shape": list(t.shape), "data": L(t.flatten())} for t in [out] + finals],
        "gradOutputs": [L(g.flatten()) for g in grads_out],
        "inputGrad": L(x.grad.flatten()),
        "paramGrads": {k: L(p.grad.flatten()) for k, p in m.named_parameters()},
    }


def recurrent():
    torch.manual_seed(4)
    cases = [
        rnn_case("LSTM", "LSTM", [3, 4], {}, torch.randn(5, 2, 3)),
        rnn_case("LSTM batch_first two layers with states", "LSTM", [3, 4], {"num_layers": 2, "batch_first": True}, torch.randn(2, 5, 3),
                 (torch.randn(2, 2, 4), torch.randn(2, 2, 4))),
        rnn_case("LSTM bidirectional no bias", "LSTM", [2, 3], {"bidirectional": True, "bias": False}, torch.randn(4, 2, 2)),
        rnn_case("LSTM unbatched", "LSTM", [3, 2], {}, torch.randn(6, 3)),
        rnn_case("GRU", "GRU", [3, 4], {}, torch.randn(5, 2, 3)),
        rnn_case("GRU two layers bidirectional with state", "GRU", [3, 2], {"num_layers": 2, "bidirectional": True}, torch.randn(4, 3, 3),
                 torch.randn(4, 3, 2)),
        rnn_case("GRU unbatched batch_first", "GRU", [2, 3], {"batch_first": True}, torch.randn(5, 2)),
    ]
    write("rnn.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- attention
def mha_case(name, ctor, query, key, value, **call):
    m = nn.MultiheadAttention(*ctor["args"], **ctor.get("kwargs", {}))
    state = sd(m)
    q, k, v = (t.clone().requires_grad_(True) for t in (query, key, value))
    out, w = m(q, k if key is not query else q, v if value is not query else q, **call)
    outs = [out] + ([w] if w is not None else [])
    gs = [torch.randn(t.shape) for t in outs]
    sum((t * g).sum() for t, g in zip(outs, gs)).backward()
    enc = lambda t: {"shape": list(t.shape), "data": L(t.flatten()), "dtype": "bool" if t.dtype == torch.bool else "float32"}
    return {
        "name": name, "kind": "mha", "args": ctor["args"], "options": ctor.get("options", {}),
        "call": {k_: enc(v_) if isinstance(v_, torch.Tensor) else v_ for k_, v_ in call.items()},
        "selfAttention": key is query,
        "stateDict": state,
        "inputs": [enc(t) for t in (query, key, value)],
        "outputs": [enc(t) for t in outs], "gradOutputs": [L(g.flatten()) for g in gs],
        "inputGrads": [L(t.grad.flatten()) if t.grad is not None else None for t in (q, k, v)],
        "paramGrads": {n: L(p.grad.flatten()) for n, p in m.named_parameters()},
    }


def sdpa_case(name, q, k, v, mask=None, causal=False, scale=None):
    # torch 1.13 has no F.scaled_dot_product_attention: this is its documented definition
    q, k, v = (t.clone().requires_grad_(True) for t in (q, k, v))
    s = q @ k.transpose(-2, -1) * (scale if scale is not None else 1 / math.sqrt(q.shape[-1]))
    if causal:
        s = s.masked_fill(torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).triu(1), float("-inf"))
    if mask is not None:
        s = s.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else s + mask
    out = torch.softmax(s, -1) @ v
    g = torch.randn(out.shape)
    (out * g).sum().backward()
    enc = lambda t: {"shape": list(t.shape), "data": L(t.flatten()), "dtype": "bool" if t.dtype == torch.bool else "float32"}
    return {"name": name, "kind": "sdpa", "inputs": [enc(t) for t in (q, k, v)], "mask": None if mask is None else enc(mask),
            "isCausal": causal, "scale": scale, "outputs": [enc(out)], "gradOutputs": [L(g.flatten())],
            "inputGrads": [L(t.grad.flatten()) for t in (q, k, v)]}


def attention():
    torch.manual_seed(5)
    x = torch.randn(5, 3, 8)
    cross_q, cross_kv = torch.randn(3, 4, 8), torch.randn(3, 6, 8)
    padding = torch.tensor([[False] * 6, [False] * 4 + [True] * 2, [False, True] + [False] * 4])
    causal = torch.ones(5, 5, dtype=torch.bool).triu(1)
    cases = [
        mha_case("self-attention", {"args": [8, 2]}, x, x, x),
        mha_case("batch_first cross-attention, key padding, per-head weights", {"args": [8, 4], "kwargs": {"batch_first": True}, "options": {"batchFirst": True}},
                 cross_q, cross_kv, cross_kv, key_padding_mask=padding, average_attn_weights=False),
        mha_case("causal bool mask, no weights", {"args": [8, 2]}, x, x, x, attn_mask=causal, need_weights=False),
        mha_case("unbatched float mask, no bias", {"args": [6, 3], "kwargs": {"bias": False}, "options": {"bias": False}},
                 torch.randn(4, 6), torch.randn(4, 6), torch.randn(4, 6), attn_mask=torch.randn(4, 4)),
        sdpa_case("sdpa", torch.randn(2, 3, 5, 4), torch.randn(2, 3, 6, 4), torch.randn(2, 3, 6, 4)),
        sdpa_case("sdpa causal", torch.randn(2, 4, 4), torch.randn(2, 4, 4), torch.randn(2, 4, 4), causal=True),
        sdpa_case("sdpa bool mask, scale", torch.randn(3, 5, 4), torch.randn(3, 5, 4), torch.randn(3, 5, 4),
                  mask=(torch.rand(5, 5) > 0.3) | torch.eye(5, dtype=torch.bool), scale=0.3),
        sdpa_case("sdpa float mask", torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 4), mask=torch.randn(3, 5)),
    ]
    write("attention.json", {"torch": torch.__version__, "cases": cases})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    layers()
    losses()
    optimizers()
    schedulers()
    keys()
    clipping()
    recurrent()
    attention()
    plateau()
    print("wrote", sorted(os.listdir(OUT)))
