"""Writes the golden fixtures of the distance functions, the losses that came
after losses.json, InstanceNorm and RMSNorm:
test/fixtures/nn/distance.json, losses_more.json and norms_more.json.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_loss2_fixtures.py
The tests only read the JSON. PyTorch 1.13 is the oracle; where PyTorch 2.x
defines an op differently (cosine_similarity, kl_div, gaussian_nll_loss,
instance norm's momentum=None) or 1.13 lacks it (rms_norm), the 2.x definition
is written out below with 1.13's tensor ops, autograd included, and checked
against 1.13's own op wherever the two agree.

Each function case holds its inputs, PyTorch's output, a random upstream
gradient and the gradient of every input PyTorch can differentiate (null for
the others: integer targets, or targets only compared against). Non-finite
numbers are written as "nan", "inf" and "-inf" (JSON has no literals for them).
"""
import json
import math
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

# F.kl_div's reduction='mean' warning: the cases ask for 'mean' on purpose
warnings.filterwarnings("ignore", message="reduction: 'mean' divides")

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn")


def num(v):
    if isinstance(v, bool) or isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # 8 significant digits are well inside the tests' float32 tolerance
    return float(f"{v:.8g}")


def flat(t):
    return [num(v) for v in t.detach().flatten().tolist()]


def tj(t):
    kind = "int32" if t.dtype in (torch.int64, torch.int32) else "float32"
    return {"shape": list(t.shape), "dtype": kind, "data": flat(t)}


def option(v):
    """Options as JSON: tensors as {"tensor": ...}, infinite p as "inf"."""
    if isinstance(v, torch.Tensor):
        return {"tensor": tj(v)}
    if isinstance(v, float) and math.isinf(v):
        return num(v)
    return v


def write(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)


def agree(a, b, what):
    """The 2.x definition and 1.13's op give the same values (where they should)."""
    assert torch.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True), f"{what}: 2.x formula {a} != 1.13 {b}"


# ---------------------------------------------------------------- 2.x definitions
def cosine_similarity_2x(x1, x2, dim=1, eps=1e-8):
    # 2.x divides each operand by its own norm, each clamped to eps under no_grad
    # (so the clamp changes the value but not the gradient's path), then sums
    # the products; 1.13 clamps the product of the squared norms instead
    a, b = torch.broadcast_tensors(x1, x2)
    na = torch.linalg.vector_norm(a, 2, dim=dim, keepdim=True).clone()
    nb = torch.linalg.vector_norm(b, 2, dim=dim, keepdim=True).clone()
    with torch.no_grad():
        na.clamp_min_(eps)
        nb.clamp_min_(eps)
    return ((a / na) * (b / nb)).sum(dim)


def reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def kl_div_2x(inp, tgt, reduction="mean", log_target=False):
    # 2.x: composite of xlogy (its target gradient is NaN at target 0, where
    # 1.13's kl_div_target_backward gives 0); 'batchmean' sums, then divides by size(0)
    loss = torch.exp(tgt) * (tgt - inp) if log_target else torch.xlogy(tgt, tgt) - tgt * inp
    if reduction == "batchmean":
        return loss.sum() / inp.size(0) if inp.dim() > 0 else loss.sum()
    return reduce(loss, reduction)


def gaussian_nll_2x(inp, tgt, var, full=False, eps=1e-6, reduction="mean"):
    # the variance rules of 2.x: a float is a variance for every element; a var
    # one dim short of the input gets a trailing 1; a var of the input's rank may
    # differ from it in exactly one dim, where it is 1 (1.13 allows only the last)
    if isinstance(var, float):
        var = torch.full_like(inp, var)
    if tuple(var.shape) != tuple(inp.shape):
        if tuple(inp.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif var.dim() != inp.dim() or sum(v for i, v in zip(inp.shape, var.shape) if i != v) != 1:
            raise ValueError("var is of incorrect size")
    var = var.clone()
    with torch.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (torch.log(var) + (inp - tgt) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce(loss, reduction)


def rms_norm_2x(x, shape, weight=None, eps=None):
    # torch.nn.functional.rms_norm (2.4+), from its documented formula:
    # x / sqrt(mean(x², over the normalized dims) + eps) · weight, eps defaulting
    # to the machine epsilon of x's dtype
    dims = tuple(range(x.dim() - len(shape), x.dim()))
    e = torch.finfo(x.dtype).eps if eps is None else eps
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + e)
    return y if weight is None else y * weight


# ---------------------------------------------------------------- function cases
def fn_case(name, fn_name, fn, inputs, options):
    """Runs fn on the inputs; gradients of each float input, one at a time (None
    where PyTorch does not differentiate that input)."""
    def run(grad_index):
        leaves = []
        for i, x in enumerate(inputs):
            if isinstance(x, torch.Tensor):
                x = x.clone()
                if i == grad_index:
                    x.requires_grad_(True)
            leaves.append(x)
        return leaves, fn(*leaves)

    _, y = run(-1)
    gy = torch.randn(y.shape)
    grads = []
    for i, x in enumerate(inputs):
        g = None
        if isinstance(x, torch.Tensor) and x.is_floating_point():
            try:
                leaves, out = run(i)
                if out.requires_grad:
                    (g,) = torch.autograd.grad((out * gy).sum(), [leaves[i]], allow_unused=True)
            except RuntimeError:  # "not differentiable with respect to argument 'target'"
                g = None
        grads.append(None if g is None else flat(g))
    return {
        "name": name, "fn": fn_name, "options": {k: option(v) for k, v in options.items()},
        "inputs": [tj(x) if isinstance(x, torch.Tensor) else {"scalar": x} for x in inputs],
        "output": tj(y), "gradOutput": flat(gy), "grads": grads,
    }


def distances():
    torch.manual_seed(20)
    cases = []
    x = torch.randn(4, 5)
    x[1] = 0.0  # normalize and cosine similarity of a zero vector: the eps clamp
    x[2] *= 1e-9  # a norm below cosine similarity's eps (the 2.x clamp under no_grad)
    for opts in [{}, {"p": 1.0, "dim": 0}, {"p": math.inf, "dim": -1}, {"p": 3.0, "dim": 1, "eps": 0.5}]:
        torch_opts = {k: v for k, v in opts.items()}
        cases.append(fn_case(f"normalize {opts}", "normalize", lambda a, o=torch_opts: F.normalize(a, **o), [x], opts))
    x3 = torch.randn(2, 3, 4)
    cases.append(fn_case("normalize 3d dim 1", "normalize", lambda a: F.normalize(a, dim=1), [x3], {"dim": 1}))

    y = torch.randn(4, 5)
    y[3] = x[3]  # equal vectors: cosine 1
    for opts in [{}, {"dim": 1, "eps": 0.5}]:
        cases.append(fn_case(f"cosineSimilarity {opts}", "cosineSimilarity", lambda a, b, o=dict(opts): cosine_similarity_2x(a, b, **o), [x, y], opts))
    agree(cosine_similarity_2x(x[[0, 3]], y[[0, 3]]), F.cosine_similarity(x[[0, 3]], y[[0, 3]]), "cosine_similarity")
    cases.append(fn_case("cosineSimilarity dim 0", "cosineSimilarity", lambda a, b: cosine_similarity_2x(a, b, dim=0), [x, y], {"dim": 0}))
    b1, b2 = torch.randn(3, 1, 4), torch.randn(2, 4)
    cases.append(fn_case("cosineSimilarity broadcast dim -1", "cosineSimilarity", lambda a, b: cosine_similarity_2x(a, b, dim=-1), [b1, b2], {"dim": -1}))
    c1, c2 = torch.randn(1, 3), torch.randn(4, 3)
    cases.append(fn_case("cosineSimilarity broadcast along dim 0", "cosineSimilarity", lambda a, b: cosine_similarity_2x(a, b, dim=0), [c1, c2], {"dim": 0}))
    agree(cosine_similarity_2x(c1, c2, dim=0), F.cosine_similarity(c1, c2, dim=0), "cosine_similarity broadcast")

    z = torch.randn(4, 5)
    z[3] = y[3]  # equal rows: the distance is eps·D^(1/p), or 0 with eps 0
    for opts in [{}, {"p": 1.0}, {"p": math.inf, "keepdim": True}, {"p": 3.0, "eps": 0.0}, {"eps": 0.0}]:
        cases.append(fn_case(f"pairwiseDistance {opts}", "pairwiseDistance", lambda a, b, o=dict(opts): F.pairwise_distance(a, b, **o), [y, z], opts))
    cases.append(fn_case("pairwiseDistance broadcast", "pairwiseDistance", lambda a, b: F.pairwise_distance(a, b), [torch.randn(5), torch.randn(3, 5)], {}))
    cases.append(fn_case("pairwiseDistance 3d keepdim", "pairwiseDistance", lambda a, b: F.pairwise_distance(a, b, keepdim=True), [torch.randn(2, 3, 4), torch.randn(2, 3, 4)], {"keepdim": True}))
    write("distance.json", {"torch": torch.__version__, "cases": cases})


def losses():
    torch.manual_seed(21)
    cases = []
    REDUCTIONS = ["mean", "sum", "none"]

    # KL divergence: log-probabilities against probabilities (one target 0) or log-probabilities
    logp = torch.log_softmax(torch.randn(3, 4), 1)
    q = torch.softmax(torch.randn(3, 4), 1)
    q[0, 1] = 0.0
    q_pos = torch.softmax(torch.randn(3, 4), 1)
    logq = torch.log_softmax(torch.randn(3, 4), 1)
    logp3 = torch.log_softmax(torch.randn(2, 3, 4), 2)
    q3 = torch.softmax(torch.randn(2, 3, 4), 2)
    for red in REDUCTIONS + ["batchmean"]:
        cases.append(fn_case(f"klDiv {red}", "klDiv", lambda a, b, r=red: kl_div_2x(a, b, r), [logp, q], {"reduction": red}))
        cases.append(fn_case(f"klDiv logTarget {red}", "klDiv", lambda a, b, r=red: kl_div_2x(a, b, r, True), [logp, logq], {"reduction": red, "logTarget": True}))
        agree(kl_div_2x(logp, q_pos, red), F.kl_div(logp, q_pos, reduction=red), f"kl_div {red}")
        agree(kl_div_2x(logp, logq, red, True), F.kl_div(logp, logq, reduction=red, log_target=True), f"kl_div log_target {red}")
    cases.append(fn_case("klDiv 3d batchmean", "klDiv", lambda a, b: kl_div_2x(a, b, "batchmean"), [logp3, q3], {"reduction": "batchmean"}))
    cases.append(fn_case("klDiv positive target", "klDiv", lambda a, b: kl_div_2x(a, b, "sum"), [logp, q_pos], {"reduction": "sum"}))

    # margin ranking: element 0 sits exactly on the margin (clamp_min passes the gradient there)
    x1 = torch.randn(6)
    x2 = torch.randn(6)
    x1[0], x2[0] = 0.5, 0.25
    rank_y = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    for red in REDUCTIONS:
        for margin in [0.0, 0.25]:
            cases.append(fn_case(f"marginRankingLoss margin {margin} {red}", "marginRankingLoss",
                                 lambda a, b, t, r=red, m=margin: F.margin_ranking_loss(a, b, t, margin=m, reduction=r),
                                 [x1, x2, rank_y], {"margin": margin, "reduction": red}))
    cases.append(fn_case("marginRankingLoss broadcast", "marginRankingLoss", lambda a, b, t: F.margin_ranking_loss(a, b, t, margin=0.1),
                         [torch.randn(2, 3), torch.randn(1, 3), torch.tensor([[1.0, -1.0, 1.0]])], {"margin": 0.1}))

    # hinge embedding: element 0 on the margin, targets ±1
    hx = torch.randn(8)
    hx[0] = 0.5
    hy = torch.tensor([-1.0, 1.0, -1.0, 1.0, -1.0, -1.0, 1.0, 1.0])
    for red in REDUCTIONS:
        for margin in [1.0, 0.5]:
            cases.append(fn_case(f"hingeEmbeddingLoss margin {margin} {red}", "hingeEmbeddingLoss",
                                 lambda a, t, r=red, m=margin: F.hinge_embedding_loss(a, t, margin=m, reduction=r), [hx, hy], {"margin": margin, "reduction": red}))
    cases.append(fn_case("hingeEmbeddingLoss 2d", "hingeEmbeddingLoss", lambda a, t: F.hinge_embedding_loss(a, t),
                         [torch.randn(2, 4), torch.tensor([[1.0, -1.0, -1.0, 1.0], [-1.0, -1.0, 1.0, 1.0]])], {}))

    # soft margin: log(1 + exp(-y·x)), a zero input included
    sx = torch.randn(3, 4) * 2
    sx[0, 0] = 0.0
    sy = torch.randint(0, 2, (3, 4)).float() * 2 - 1
    for red in REDUCTIONS:
        cases.append(fn_case(f"softMarginLoss {red}", "softMarginLoss", lambda a, t, r=red: F.soft_margin_loss(a, t, reduction=r), [sx, sy], {"reduction": red}))
    # exp overflows to inf as in PyTorch's kernel: an infinite loss and a NaN gradient
    cases.append(fn_case("softMarginLoss overflow", "softMarginLoss", lambda a, t: F.soft_margin_loss(a, t, reduction="none"),
                         [torch.tensor([100.0, -100.0, 3.0]), torch.tensor([-1.0, 1.0, 1.0])], {"reduction": "none"}))

    # cosine embedding: a zero row (the 1e-12 added to the squared norms), equal rows
    e1, e2 = torch.randn(5, 4), torch.randn(5, 4)
    e1[1] = 0.0
    e2[2] = e1[2]
    ey = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0])
    for red in REDUCTIONS:
        for margin in [0.0, 0.3]:
            cases.append(fn_case(f"cosineEmbeddingLoss margin {margin} {red}", "cosineEmbeddingLoss",
                                 lambda a, b, t, r=red, m=margin: F.cosine_embedding_loss(a, b, t, margin=m, reduction=r),
                                 [e1, e2, ey], {"margin": margin, "reduction": red}))
    cases.append(fn_case("cosineEmbeddingLoss 1d", "cosineEmbeddingLoss", lambda a, b, t: F.cosine_embedding_loss(a, b, t, margin=-0.5),
                         [torch.randn(4), torch.randn(4), torch.tensor(-1.0)], {"margin": -0.5}))

    # triplet margin
    ta, tp, tn = torch.randn(5, 4), torch.randn(5, 4), torch.randn(5, 4)
    for red in REDUCTIONS:
        cases.append(fn_case(f"tripletMarginLoss {red}", "tripletMarginLoss", lambda a, p, n, r=red: F.triplet_margin_loss(a, p, n, reduction=r),
                             [ta, tp, tn], {"reduction": red}))
    for opts in [{"swap": True}, {"margin": 0.5, "p": 1.0, "eps": 1e-3}, {"margin": 2.0, "p": 3.0, "swap": True}]:
        torch_opts = {k: v for k, v in opts.items()}
        cases.append(fn_case(f"tripletMarginLoss {opts}", "tripletMarginLoss", lambda a, p, n, o=torch_opts: F.triplet_margin_loss(a, p, n, **o),
                             [ta, tp, tn], opts))
    # p = 1, eps = 0: 1 + 0.5 - 1.5 is exactly 0 in the first row, the margin hit exactly
    ea = torch.tensor([[0.0, 0.0], [0.0, 1.0]])
    ep = torch.tensor([[0.5, 0.0], [0.25, 1.0]])
    en = torch.tensor([[1.5, 0.0], [0.0, 3.0]])
    cases.append(fn_case("tripletMarginLoss on the margin", "tripletMarginLoss", lambda a, p, n: F.triplet_margin_loss(a, p, n, p=1, eps=0.0, reduction="none"),
                         [ea, ep, en], {"p": 1.0, "eps": 0.0, "reduction": "none"}))
    cases.append(fn_case("tripletMarginLoss unbatched", "tripletMarginLoss", lambda a, p, n: F.triplet_margin_loss(a, p, n, reduction="none"),
                         [torch.randn(4), torch.randn(4), torch.randn(4)], {"reduction": "none"}))

    # multi-label soft margin
    mx = torch.randn(3, 4) * 2
    mx[0, 0] = 0.0
    my = torch.randint(0, 2, (3, 4)).float()
    mw = torch.rand(4) + 0.5
    for red in REDUCTIONS:
        cases.append(fn_case(f"multilabelSoftMarginLoss {red}", "multilabelSoftMarginLoss",
                             lambda a, t, r=red: F.multilabel_soft_margin_loss(a, t, reduction=r), [mx, my], {"reduction": red}))
        cases.append(fn_case(f"multilabelSoftMarginLoss weight {red}", "multilabelSoftMarginLoss",
                             lambda a, t, r=red: F.multilabel_soft_margin_loss(a, t, weight=mw, reduction=r), [mx, my], {"reduction": red, "weight": mw}))
    cases.append(fn_case("multilabelSoftMarginLoss 1d", "multilabelSoftMarginLoss", lambda a, t: F.multilabel_soft_margin_loss(a, t, reduction="none"),
                         [torch.randn(5), torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])], {"reduction": "none"}))

    # multi-class margin: row 0 has x[y] - x[1] == margin exactly (no gradient there: the kernel tests z > 0)
    cx = torch.randn(4, 5)
    cx[0, 0], cx[0, 1] = 1.0, 0.0
    cy = torch.tensor([0, 3, 4, 1])
    cw = torch.rand(5) + 0.5
    for red in REDUCTIONS:
        for opts in [{}, {"p": 2}, {"margin": 0.5, "weight": cw}, {"p": 2, "margin": 2.0, "weight": cw}]:
            torch_opts = dict(opts)
            cases.append(fn_case(f"multiMarginLoss {sorted(opts)} {red}", "multiMarginLoss",
                                 lambda a, t, r=red, o=torch_opts: F.multi_margin_loss(a, t, reduction=r, **o), [cx, cy], {**opts, "reduction": red}))
    for red in REDUCTIONS:
        cases.append(fn_case(f"multiMarginLoss 1d input, 1d target {red}", "multiMarginLoss", lambda a, t, r=red: F.multi_margin_loss(a, t, reduction=r),
                             [torch.randn(5), torch.tensor([2])], {"reduction": red}))
    cases.append(fn_case("multiMarginLoss 1d input, 0d target", "multiMarginLoss", lambda a, t: F.multi_margin_loss(a, t, reduction="none"),
                         [torch.randn(5), torch.tensor(2)], {"reduction": "none"}))

    # Poisson NLL: targets 0 and 1 drop the Stirling term (target ≤ 1); a zero rate hits eps
    rate = torch.rand(3, 4) * 3 + 0.1
    rate[0, 0] = 0.0
    counts = torch.tensor([[0.0, 1.0, 2.0, 5.0], [3.0, 0.0, 1.5, 7.0], [1.0, 4.0, 0.5, 2.0]])
    log_rate = torch.randn(3, 4)
    counts_pos = counts + 1.5  # above 1: the Stirling term everywhere, a finite target gradient
    for red in REDUCTIONS:
        for opts in [{}, {"full": True}]:
            cases.append(fn_case(f"poissonNllLoss log input {sorted(opts)} {red}", "poissonNllLoss",
                                 lambda a, t, r=red, o=dict(opts): F.poisson_nll_loss(a, t, reduction=r, **o), [log_rate, counts], {**opts, "reduction": red}))
        for opts in [{"log_input": False}, {"log_input": False, "full": True, "eps": 0.1}]:
            js = {("logInput" if k == "log_input" else k): v for k, v in opts.items()}
            cases.append(fn_case(f"poissonNllLoss rate {sorted(opts)} {red}", "poissonNllLoss",
                                 lambda a, t, r=red, o=dict(opts): F.poisson_nll_loss(a, t, reduction=r, **o), [rate, counts], {**js, "reduction": red}))
    cases.append(fn_case("poissonNllLoss full, targets above 1", "poissonNllLoss", lambda a, t: F.poisson_nll_loss(a, t, full=True, reduction="sum"),
                         [log_rate, counts_pos], {"full": True, "reduction": "sum"}))

    # Gaussian NLL: every variance shape 2.x accepts; a zero variance is clamped to eps
    gi, gt = torch.randn(4, 3), torch.randn(4, 3)
    gv = torch.rand(4, 3) + 0.1
    gv[0, 0] = 0.0
    for red in REDUCTIONS:
        cases.append(fn_case(f"gaussianNllLoss {red}", "gaussianNllLoss", lambda a, t, v, r=red: gaussian_nll_2x(a, t, v, reduction=r), [gi, gt, gv], {"reduction": red}))
        cases.append(fn_case(f"gaussianNllLoss full eps {red}", "gaussianNllLoss", lambda a, t, v, r=red: gaussian_nll_2x(a, t, v, full=True, eps=0.2, reduction=r),
                             [gi, gt, gv], {"full": True, "eps": 0.2, "reduction": red}))
        agree(gaussian_nll_2x(gi, gt, gv, reduction=red), F.gaussian_nll_loss(gi, gt, gv, reduction=red), f"gaussian_nll_loss {red}")
    gv_short = torch.rand(4) + 0.5
    cases.append(fn_case("gaussianNllLoss var one dim short", "gaussianNllLoss", lambda a, t, v: gaussian_nll_2x(a, t, v, reduction="none"),
                         [gi, gt, gv_short], {"reduction": "none"}))
    agree(gaussian_nll_2x(gi, gt, gv_short), F.gaussian_nll_loss(gi, gt, gv_short), "gaussian_nll_loss var one dim short")
    cases.append(fn_case("gaussianNllLoss var last dim 1", "gaussianNllLoss", lambda a, t, v: gaussian_nll_2x(a, t, v, full=True),
                         [gi, gt, gv_short.unsqueeze(1)], {"full": True}))
    g3i, g3t = torch.randn(2, 3, 4), torch.randn(2, 3, 4)
    cases.append(fn_case("gaussianNllLoss var 1 in a middle dim (2.x)", "gaussianNllLoss", lambda a, t, v: gaussian_nll_2x(a, t, v, reduction="none"),
                         [g3i, g3t, torch.rand(2, 1, 4) + 0.5], {"reduction": "none"}))
    cases.append(fn_case("gaussianNllLoss float var (2.x)", "gaussianNllLoss", lambda a, t, v: gaussian_nll_2x(a, t, v, reduction="sum"),
                         [gi, gt, 0.7], {"reduction": "sum"}))
    write("losses_more.json", {"torch": torch.__version__, "cases": cases})


# ---------------------------------------------------------------- layers
def sd(m):
    return {k: tj(v) for k, v in m.state_dict().items()}


def layer_case(name, m, ctor, x, train=True, forward=None):
    """One forward and backward of module m (its state dict taken first)."""
    state = sd(m)
    m.train(train)
    x = x.clone().requires_grad_(True)
    y = (forward or m)(x)
    gy = torch.randn(y.shape)
    (y * gy).sum().backward()
    return {
        "name": name, "ctor": ctor, "train": train, "stateDict": state,
        "input": tj(x), "output": tj(y), "gradOutput": flat(gy), "inputGrad": flat(x.grad),
        "paramGrads": {k: flat(p.grad) for k, p in m.named_parameters()},
        "stateAfter": sd(m),
    }


def randomised(m):
    with torch.no_grad():
        if m.weight is not None:
            m.weight.uniform_(0.5, 1.5)
        if getattr(m, "bias", None) is not None:
            m.bias.uniform_(-0.5, 0.5)
        if getattr(m, "running_mean", None) is not None:
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
    return m


class RMSNormRef(nn.Module):
    """The 2.x RMSNorm (absent from 1.13): a `weight` of ones and rms_norm_2x."""

    def __init__(self, shape, eps=None, elementwise_affine=True):
        super().__init__()
        self.shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(self.shape)) if elementwise_affine else None

    def forward(self, x):
        return rms_norm_2x(x, self.shape, self.weight, self.eps)


def norms():
    torch.manual_seed(22)
    cases = []

    def inorm(kind, c, **o):
        return {"type": kind, "args": [c], "options": o}

    cases.append(layer_case("InstanceNorm1d", nn.InstanceNorm1d(3), inorm("InstanceNorm1d", 3), torch.randn(2, 3, 5) * 2 + 1))
    cases.append(layer_case("InstanceNorm1d affine eps", randomised(nn.InstanceNorm1d(3, affine=True, eps=1e-3)),
                            inorm("InstanceNorm1d", 3, affine=True, eps=1e-3), torch.randn(2, 3, 4)))
    cases.append(layer_case("InstanceNorm1d tracked, train", randomised(nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.2)),
                            inorm("InstanceNorm1d", 3, trackRunningStats=True, momentum=0.2), torch.randn(4, 3, 6) * 3 - 1))
    cases.append(layer_case("InstanceNorm1d tracked affine, eval", randomised(nn.InstanceNorm1d(3, affine=True, track_running_stats=True)),
                            inorm("InstanceNorm1d", 3, affine=True, trackRunningStats=True), torch.randn(2, 3, 5), train=False))
    cases.append(layer_case("InstanceNorm1d untracked, eval (batch statistics)", nn.InstanceNorm1d(2), inorm("InstanceNorm1d", 2),
                            torch.randn(2, 2, 3), train=False))
    cases.append(layer_case("InstanceNorm1d unbatched affine tracked", randomised(nn.InstanceNorm1d(3, affine=True, track_running_stats=True)),
                            inorm("InstanceNorm1d", 3, affine=True, trackRunningStats=True), torch.randn(3, 5)))
    cases.append(layer_case("InstanceNorm2d", nn.InstanceNorm2d(2), inorm("InstanceNorm2d", 2), torch.randn(2, 2, 3, 3)))
    cases.append(layer_case("InstanceNorm2d affine tracked, train", randomised(nn.InstanceNorm2d(2, affine=True, track_running_stats=True)),
                            inorm("InstanceNorm2d", 2, affine=True, trackRunningStats=True), torch.randn(3, 2, 2, 3) + 0.5))
    cases.append(layer_case("InstanceNorm2d tracked, eval", randomised(nn.InstanceNorm2d(2, track_running_stats=True)),
                            inorm("InstanceNorm2d", 2, trackRunningStats=True), torch.randn(2, 2, 3, 2), train=False))
    cases.append(layer_case("InstanceNorm2d unbatched", randomised(nn.InstanceNorm2d(3, affine=True)), inorm("InstanceNorm2d", 3, affine=True),
                            torch.randn(3, 2, 4)))
    # 2.x passes momentum=None to F.instance_norm as 0.0 (1.13 fails on it): the running statistics stay as they are
    cases.append(layer_case("InstanceNorm2d momentum None (2.x)", randomised(nn.InstanceNorm2d(2, track_running_stats=True, momentum=0.0)),
                            inorm("InstanceNorm2d", 2, trackRunningStats=True, momentum=None), torch.randn(2, 2, 2, 2)))

    def rms(shape, **o):
        return {"type": "RMSNorm", "args": [shape], "options": o}

    x = torch.randn(3, 4)
    x[1] = 0.0  # a zero row: only eps keeps it finite
    cases.append(layer_case("RMSNorm default eps", randomised(RMSNormRef(4)), rms(4), x))
    cases.append(layer_case("RMSNorm 2 dims eps", randomised(RMSNormRef([2, 3], eps=1e-3)), rms([2, 3], eps=1e-3), torch.randn(2, 2, 3) * 3))
    cases.append(layer_case("RMSNorm no affine", RMSNormRef(5, elementwise_affine=False), rms(5, elementwiseAffine=False), torch.randn(2, 3, 5)))
    write("norms_more.json", {"torch": torch.__version__, "cases": cases})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    distances()
    losses()
    norms()
    print("wrote distance.json, losses_more.json, norms_more.json")
