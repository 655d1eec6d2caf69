"""Fixtures for test/autograd-faithful*.test.ts, from PyTorch (run with /usr/bin/python3).

Writes test/fixtures/autograd-faithful/*.json:
- views.json: the error texts of in-place changes that a view's creation (no_grad mode,
  inference mode, split/chunk/unbind) forbids, per named scenario (the test builds the same ones);
- activations.json: the activations' values, gradients, node names and, in place, the
  version error when the result is changed afterwards;
- slogdet.json, triangle.json: linalg.slogdet's sign output, tril_/triu_ on expanded tensors.
Non-finite numbers are written as "nan", "inf", "-inf".
"""
import json, math, os
import torch
import torch.nn.functional as F

from fixture_numbers import error_text as err, flat_exact as enc

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "autograd-faithful")
os.makedirs(OUT, exist_ok=True)

def write(name, obj):
    with open(os.path.join(OUT, name), "w") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")

# ---- views -------------------------------------------------------------------------------
rgc = lambda n: torch.zeros(n, requires_grad=True).clone()
def s_nograd_view_inplace_rg_operand():
    a = torch.zeros(3); w = torch.ones(2, requires_grad=True)
    with torch.no_grad(): v = a[:2]
    v.mul_(w)
def s_nograd_view_of_rg_inplace():
    a = rgc(3)
    with torch.no_grad(): v = a[:2]
    v.mul_(2)
def s_nograd_view_base_gains_graph_gradfn():
    a = torch.zeros(3); w = torch.ones(3, requires_grad=True)
    with torch.no_grad(): v = a[:2]
    a.mul_(w)
    v.grad_fn
def s_nograd_view_base_gains_graph_used():
    a = torch.zeros(3); w = torch.ones(3, requires_grad=True)
    with torch.no_grad(): v = a[:2]
    a.mul_(w)
    v * 2
def s_nograd_view_base_inplace_in_nograd():
    a = rgc(3)
    with torch.no_grad():
        v = a[:2]
        a.mul_(2)
    v.grad_fn
def s_nograd_view_of_leaf_inplace_in_nograd():
    l = torch.zeros(3, requires_grad=True)
    with torch.no_grad():
        v = l[:2]
        v.mul_(2)
    v.grad_fn
def s_view_of_nograd_view_no_graph():
    a = torch.zeros(3)
    with torch.no_grad(): v = a[:2]
    u = v[:1]
    u.mul_(torch.ones(1, requires_grad=True))
def s_inference_view_inplace():
    a = rgc(3)
    with torch.inference_mode(): v = a[:2]
    v.mul_(2)
def s_inference_view_rg_operand():
    a = torch.zeros(3)
    with torch.inference_mode(): v = a[:2]
    v.mul_(torch.ones(2, requires_grad=True))
def s_inference_view_base_inplace():
    a = rgc(3)
    with torch.inference_mode(): v = a[:2]
    a.mul_(2)
    v.grad_fn
def multi(fn):
    def s():
        a = torch.zeros(4, 4, requires_grad=True).clone()
        outs = fn(a)
        outs[1].mul_(2)
    return s
def s_split_no_graph_rg_operand():
    a = torch.zeros(4); w = torch.ones(2, requires_grad=True)
    x, y = a.split(2)
    x.mul_(w)
def s_split_base_inplace():
    a = rgc(4)
    x, y = a.split(2)
    a.mul_(2)
    x.grad_fn
def s_view_of_split_inplace():
    a = rgc(4)
    x, y = a.split(2)
    x[:1].mul_(2)
def s_split_inplace_in_nograd():
    a = rgc(4)
    x, y = a.split(2)
    with torch.no_grad(): x.mul_(2)
    x.grad_fn
def s_split_single():
    a = rgc(2)
    (x,) = a.split(2)
    x.mul_(2)
def s_view_of_leaf():
    a = torch.zeros(3, requires_grad=True)
    a[:2].mul_(2)

views = {
    "nogradViewInplaceRgOperand": err(s_nograd_view_inplace_rg_operand),
    "nogradViewOfRgInplace": err(s_nograd_view_of_rg_inplace),
    "nogradViewBaseGainsGraphGradFn": err(s_nograd_view_base_gains_graph_gradfn),
    "nogradViewBaseGainsGraphUsed": err(s_nograd_view_base_gains_graph_used),
    "nogradViewBaseInplaceInNograd": err(s_nograd_view_base_inplace_in_nograd),
    "nogradViewOfLeafInplaceInNograd": err(s_nograd_view_of_leaf_inplace_in_nograd),
    "viewOfNogradViewNoGraph": err(s_view_of_nograd_view_no_graph),
    "inferenceViewInplace": err(s_inference_view_inplace),
    "inferenceViewRgOperand": err(s_inference_view_rg_operand),
    "inferenceViewBaseInplace": err(s_inference_view_base_inplace),
    "unbind": err(multi(lambda a: a.unbind(0))),
    "split": err(multi(lambda a: a.split(2))),
    "chunk": err(multi(lambda a: a.chunk(2))),
    "splitWithSizes": err(multi(lambda a: a.split([1, 3]))),
    "tensorSplit": err(multi(lambda a: a.tensor_split(2))),
    "splitNoGraphRgOperand": err(s_split_no_graph_rg_operand),
    "splitBaseInplace": err(s_split_base_inplace),
    "viewOfSplitInplace": err(s_view_of_split_inplace),
    "splitInplaceInNograd": err(s_split_inplace_in_nograd),
    "splitSingle": err(s_split_single),
    "viewOfLeaf": err(s_view_of_leaf),
}
# multi-output pieces: node names, output numbers and gradients
a = torch.arange(1., 13., dtype=torch.float64).reshape(3, 4).requires_grad_()
pieces = {"split": a.split(2, 1), "chunk": a.chunk(3, 0), "splitWithSizes": a.split([1, 3], 1), "unbind": a.unbind(1)}
multi_nodes = {}
for k, outs in pieces.items():
    a.grad = None
    # only the last piece is used: the others get no gradient
    (outs[-1] * torch.arange(1., outs[-1].numel() + 1, dtype=torch.float64).reshape(outs[-1].shape)).sum().backward()
    multi_nodes[k] = {"names": [o.grad_fn.name() for o in outs], "outputNrs": [o.output_nr for o in outs], "grad": enc(a.grad)}
write("views.json", {"errors": views, "multi": multi_nodes})

# ---- activations ---------------------------------------------------------------------------
X = torch.tensor([-2.5, -1.0, -0.7, -0.2, 0.0, 0.3, 0.5, 1.0, 2.0, 6.0, 7.5], dtype=torch.float64)
W = torch.tensor([0.5, -1.0, 2.0, 1.5, 0.25, -0.5, 3.0, 1.0, -2.0, 0.75, 1.25], dtype=torch.float64)
acts = {
    "leakyRelu": (lambda x: F.leaky_relu(x, 0.1), False),
    "leakyRelu_": (lambda x: F.leaky_relu_(x, 0.1), True),
    "elu": (lambda x: F.elu(x, 1.3), False),
    "elu_": (lambda x: F.elu_(x, 1.3), True),
    "celu": (lambda x: F.celu(x, 0.7), False),
    "celu_": (lambda x: F.celu_(x, 0.7), True),
    "selu": (lambda x: F.selu(x), False),
    "selu_": (lambda x: F.selu_(x), True),
    "hardtanh": (lambda x: F.hardtanh(x, -1.0, 1.0), False),
    "hardtanh_": (lambda x: F.hardtanh_(x, -1.0, 1.0), True),
    "relu6": (lambda x: F.relu6(x), False),
    "relu6_": (lambda x: F.relu6(x, inplace=True), True),
    "threshold": (lambda x: F.threshold(x, 0.5, -1.0), False),
    "threshold_": (lambda x: F.threshold_(x, 0.5, -1.0), True),
}
act_out = {}
for k, (f, inpl) in acts.items():
    x = X.clone().requires_grad_()
    y = f(x.clone() if inpl else x)
    name = y.grad_fn.name()
    (y * W).sum().backward()
    x2 = X.clone().requires_grad_()
    y2 = f(x2.clone())
    def later():
        y2.mul_(2)
        y2.sum().backward()
    act_out[k] = {"name": name, "output": enc(y), "grad": enc(x.grad), "versionError": err(later)}
# composed here, one node in PyTorch (recorded as one node whose backward recomputes the composed gradient)
one_node = {
    "gelu": (lambda x: F.gelu(x), False),
    "geluTanh": (lambda x: F.gelu(x, approximate="tanh"), False),
    "silu": (lambda x: F.silu(x), False),
    "silu_": (lambda x: F.silu(x, inplace=True), True),
    "mish": (lambda x: F.mish(x), False),
    "mish_": (lambda x: F.mish(x, inplace=True), True),
    "softplus": (lambda x: F.softplus(x, beta=2.0, threshold=5.0), False),
    "hardswish": (lambda x: F.hardswish(x), False),
    "hardswish_": (lambda x: F.hardswish(x, inplace=True), True),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), False),
    "hardsigmoid_": (lambda x: F.hardsigmoid(x, inplace=True), True),
    "logsigmoid": (lambda x: F.logsigmoid(x), False),
    "softshrink": (lambda x: F.softshrink(x, 0.5), False),
    "hardshrink": (lambda x: F.hardshrink(x, 0.5), False),
}
for k, (f, inpl) in one_node.items():
    x = X.clone().requires_grad_()
    y = f(x.clone() if inpl else x)
    name = y.grad_fn.name()
    (y * W).sum().backward()
    act_out[k] = {"name": name, "output": enc(y), "grad": enc(x.grad), "versionError": None}
neg = {
    "leakyRelu_": err(lambda: F.leaky_relu_(X.clone().requires_grad_().clone(), -0.1).sum().backward()),
    "elu_": err(lambda: F.elu_(X.clone().requires_grad_().clone(), -0.5).sum().backward()),
}
write("activations.json", {"input": enc(X), "weight": enc(W), "cases": act_out, "negativeInplace": neg})

# ---- slogdet ---------------------------------------------------------------------------------
B = torch.tensor([[[1., 2.], [3., 4.]], [[2., 0.], [0., -1.]], [[2., 1.], [1., 3.]]], dtype=torch.float64, requires_grad=True)
s, l = torch.linalg.slogdet(B)
(s * l * torch.tensor([1., 2., 3.], dtype=torch.float64)).sum().backward()
s2, l2 = torch.linalg.slogdet(B.detach().requires_grad_())
write("slogdet.json", {
    "input": enc(B), "sign": enc(s), "logabsdet": enc(l), "signRequiresGrad": s.requires_grad,
    "signNode": s.grad_fn.name(), "sameNode": s.grad_fn is l.grad_fn, "signOutputNr": s.output_nr, "logabsdetOutputNr": l.output_nr,
    "grad": enc(B.grad), "signOnlyGrad": torch.autograd.grad(s2.sum(), B, allow_unused=True)[0] is None,
})

# ---- tril_ / triu_ on expanded tensors -----------------------------------------------------------
tri = []
for (shape, ex, op, d) in [([3], [3, 3], "tril_", 0), ([3], [3, 3], "triu_", 0), ([3], [3, 3], "tril_", -1), ([3, 1], [3, 3], "tril_", 0),
                           ([3, 1], [3, 3], "triu_", 0), ([3, 1], [3, 3], "triu_", 1), ([1, 4], [2, 3, 4], "tril_", 1), ([2, 1, 4], [2, 3, 4], "triu_", -1)]:
    base = torch.arange(1., 1. + math.prod(shape)).reshape(shape)
    e = base.expand(*ex)
    getattr(e, op)(d)
    tri.append({"shape": shape, "expand": ex, "op": op, "diagonal": d, "view": enc(e), "base": enc(base)})
write("triangle.json", {"cases": tri, "mulExpandedError": err(lambda: torch.ones(3).expand(3, 3).mul_(2))})
# ---- node names of ~135 common calls (cases: scripts/autograd_names_cases.txt, "name|expression";
# the test evaluates the same expressions with torchlet's names) ----------------------------------------
import re
torch.manual_seed(0)
def rq(*s): return torch.randn(*s, dtype=torch.float64, requires_grad=True)
env = dict(torch=torch, F=F, x=rq(3,4), y=rq(3,4), z=rq(3,4), m=rq(3,4), n=rq(4,5), v=rq(4), v3=rq(3), v4=rq(5), c=rq(3,5),
  b1=rq(2,3,4), b2=rq(2,4,5), b3=rq(2,3,5), p=rq(2,3), q=rq(2,3), sq=rq(3,3), idx=torch.tensor([0,2]), gidx=torch.tensor([[0,1],[2,3],[1,1]]),
  eidx=torch.tensor([0,2,1]), img=rq(1,4,4,4), k2=rq(2,4,3,3), sig=rq(1,2,8), k1=rq(3,2,3), vol=rq(1,2,4,4,4), k3=rq(2,2,2,2,2),
  tgt=torch.tensor([0,3,1]), pw=rq(1), bias5=rq(5))
RENAME = {"clampMin":"clamp_min","logSoftmax":"log_softmax","indexSelect":"index_select","maskedFill":"masked_fill","layerNorm":"layer_norm",
  "groupNorm":"group_norm","mseLoss":"mse_loss","l1Loss":"l1_loss","smoothL1Loss":"smooth_l1_loss","crossEntropy":"cross_entropy","nllLoss":"nll_loss",
  "binaryCrossEntropyWithLogits":"binary_cross_entropy_with_logits","binaryCrossEntropy":"binary_cross_entropy","klDiv":"kl_div","maxPool2d":"max_pool2d",
  "avgPool2d":"avg_pool2d","adaptiveAvgPool2d":"adaptive_avg_pool2d","cosineSimilarity":"cosine_similarity","pairwiseDistance":"pairwise_distance"}
names = {}
import warnings
warnings.simplefilter("ignore")
for line in open(os.path.join(os.path.dirname(__file__), "autograd_names_cases.txt")):
    name, expr = line.rstrip("\n").split("|", 1)
    e = re.sub(r"\b(" + "|".join(sorted(RENAME, key=len, reverse=True)) + r")\b", lambda mm: RENAME[mm.group(1)], expr)
    e = e.replace("F.gelu(x,tanh)", "F.gelu(x,approximate='tanh')").replace("F.interpolate(img,nearest2)", "F.interpolate(img,scale_factor=2)")
    t = eval(e, env)
    names[name] = t.grad_fn.name() if t.grad_fn is not None else None
write("names.json", names)
print("ok")
