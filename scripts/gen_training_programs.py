"""Writes the whole-program fixtures of test/training-programs-*.test.ts
(test/fixtures/programs/*.json): eight small training programs, each run in
PyTorch from its initial weights (exported with the data) for a few steps,
with the per-step losses (and the other numbers a user would print), the final
state dict and some gradients recorded. The TypeScript twins load the same
weights and data, train the same way and compare.

Most programs run twice: in float32 (<name>.json: inputs and results), and
again from the same float32 weights and data cast to float64 (<name>_f64.json:
results only, all 17 digits), which the tests compare to 1e-8 so that a
difference of formula can't hide in float32 rounding.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_training_programs.py
The tests only read the JSON; CI never runs Python.

PyTorch 1.13 is the oracle; where 2.x behaves differently the programs are
written the 2.x way (noted where it happens):
- optimizer.zero_grad() sets gradients to None in 2.x (1.13: zeros), so every
  program here calls zero_grad(set_to_none=True);
- 1.13 has no public F.scaled_dot_product_attention: sdpa() below is the
  formula that 2.x documents (a bool attn_mask is True where attention is allowed).
"""
import copy
import csv
import gzip
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint

sys.path.insert(0, os.path.dirname(__file__))
from fixture_numbers import enc  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "programs")


# the float64 pass: each program again from the same float32 initial weights and data, cast to float64
# (float64 while training), recording its results with all 17 digits in <name>_f64.json
F64 = False
INPUT_KEYS = {"init", "data", "masks", "eps", "real", "z", "zEval", "alpha", "stream", "x", "pad", "y", "bias",
              "inputLengths", "targetLengths", "targets", "tokens", "src", "srcPad", "tgt",
              "anchor", "positive", "negative", "same"}


def num(v):
    return float(v) if F64 else enc(float(v))


def cast(x):
    """In the float64 pass, a float32 module or tensor (or a list of them) as float64; as it is otherwise."""
    if not F64:
        return x
    if isinstance(x, nn.Module):
        return x.double()
    if torch.is_tensor(x):
        return x.double() if x.is_floating_point() else x
    if isinstance(x, (list, tuple)):
        return type(x)(cast(v) for v in x)
    return x


def training():
    """Model and data are built: from here on, float64 in the float64 pass."""
    if F64:
        torch.set_default_dtype(torch.float64)


def T(t):
    """A tensor as {shape, data, dtype?}: 9 significant digits for float32, all 17 for float64."""
    t = t.detach()
    shape = list(t.shape)
    if t.dtype == torch.float64:
        return {"shape": shape, "data": t.reshape(-1).tolist(), "dtype": "float64"}
    if t.dtype == torch.bool:
        return {"shape": shape, "data": [bool(v) for v in t.reshape(-1).tolist()], "dtype": "bool"}
    if not t.is_floating_point():
        return {"shape": shape, "data": [int(v) for v in t.reshape(-1).tolist()], "dtype": "int32"}
    return {"shape": shape, "data": [num(v) for v in t.reshape(-1).tolist()]}


def sd(m):
    return {k: T(v) for k, v in m.state_dict().items()}


def grads(m, names=None):
    return {k: T(p.grad) for k, p in m.named_parameters() if p.grad is not None and (names is None or k in names)}


def write(name, obj):
    if F64:
        name, obj = name + "_f64", {k: v for k, v in obj.items() if k not in INPUT_KEYS}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def digits():
    """The shipped digits (datasets/digits.csv.gz): pixels / 16 as [n, 64] and labels."""
    with gzip.open(os.path.join(ROOT, "datasets", "digits.csv.gz"), "rt") as f:
        rows = [[int(v) for v in r] for r in csv.reader(f)]
    x = torch.tensor([r[:64] for r in rows], dtype=torch.float32) / 16
    y = torch.tensor([r[64] for r in rows])
    return x, y


def sdpa(q, k, v, attn_mask=None, is_causal=False):
    """PyTorch 2.x's F.scaled_dot_product_attention, written out."""
    L, S = q.size(-2), k.size(-2)
    s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if is_causal:
        s = s.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        s = s.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else s + attn_mask
    return s.softmax(-1) @ v


def scalar(x):
    return num(float(x))


# ------------------------------------------------------------ 1. transformer
def sinusoid(length, d, dtype=torch.float32):
    pos = torch.arange(length, dtype=dtype).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=dtype) * (-math.log(10000.0) / d))
    return torch.stack([torch.sin(pos * div), torch.cos(pos * div)], -1).reshape(length, d)


class TransformerClassifier(nn.Module):
    def __init__(self, vocab, d, heads, ff, length, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, d, padding_idx=0)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2)
        self.head = nn.Linear(d, classes)
        self.pe = sinusoid(length, d)
        self.d = d

    def forward(self, tokens, pad):
        x = self.embed(tokens) * math.sqrt(self.d) + self.pe
        h = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(torch.get_default_dtype())
        return self.head((h * keep).sum(1) / keep.sum(1))


def token_batch(g, batch, length, vocab, min_len):
    lengths = torch.randint(min_len, length + 1, (batch,), generator=g)
    tokens = torch.randint(1, vocab, (batch, length), generator=g)
    pad = torch.arange(length).unsqueeze(0) >= lengths.unsqueeze(1)
    tokens = tokens.masked_fill(pad, 0)
    return tokens, pad, lengths


def transformer_program():
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(11)
    V, D, H, FF, L, C, B, N = 16, 16, 2, 32, 7, 3, 6, 12
    model = TransformerClassifier(V, D, H, FF, L, C)
    init = sd(model)
    batches = []
    for _ in range(2):
        tokens, pad, _ = token_batch(g, B, L, V, 3)
        y = ((tokens > 0) & (tokens < 6)).sum(1) % C
        batches.append((tokens, pad, y))
    model = cast(model)
    if F64:
        model.pe = sinusoid(L, D, torch.float64)  # computed in float64 (float32's sin and exp differ by an ulp between libraries)
    training()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 4))
    losses, norms, lrs = [], [], []
    for step in range(N):
        tokens, pad, y = batches[step % 2]
        loss = F.cross_entropy(model(tokens, pad), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norms.append(scalar(nn.utils.clip_grad_norm_(model.parameters(), 1.0)))
        lrs.append(num(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
        losses.append(scalar(loss))
    model.eval()
    with torch.no_grad():
        logits = model(batches[0][0], batches[0][1])
    write("transformer", {
        "init": init, "data": [{"tokens": T(t), "pad": T(p), "labels": T(y)} for t, p, y in batches],
        "losses": losses, "norms": norms, "lrs": lrs, "final": sd(model),
        "grads": grads(model, ["head.weight", "encoder.layers.0.self_attn.in_proj_weight", "embed.weight"]),
        "evalLogits": T(logits),
    })


# ------------------------------------------------------------ 2. LSTM on packed sequences
class SeqModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(12, 6, padding_idx=0)
        self.lstm = nn.LSTM(6, 8, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(32, 4)

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, (h, _) = self.lstm(packed)
        padded, lens = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        mean = padded.sum(1) / lens.unsqueeze(1).to(torch.get_default_dtype())
        return self.head(torch.cat([mean, h[-2], h[-1]], 1))


def lstm_program():
    torch.manual_seed(2)
    g = torch.Generator().manual_seed(22)
    model = SeqModel()
    init = sd(model)
    batches = []
    for _ in range(2):
        tokens, _, lengths = token_batch(g, 5, 6, 12, 1)
        y = tokens[:, 0] % 4
        batches.append((tokens, lengths, y))
    model = cast(model)
    training()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for step in range(10):
        tokens, lengths, y = batches[step % 2]
        loss = F.cross_entropy(model(tokens, lengths), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(scalar(loss))
    with torch.no_grad():
        logits = model(batches[1][0], batches[1][1])
    write("lstm", {
        "init": init, "data": [{"tokens": T(t), "lengths": T(n), "labels": T(y)} for t, n, y in batches],
        "losses": losses, "final": sd(model), "grads": grads(model), "evalLogits": T(logits),
    })


# ------------------------------------------------------------ 3. CNN with BatchNorm and dropout
class MaskDropout(nn.Module):
    """Dropout whose mask is given (PyTorch's and torchlet's random streams differ): x * mask / (1 - p) in training, x in eval."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.mask = None

    def forward(self, x):
        return x * self.mask / (1 - self.p) if self.training else x


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.bn2 = nn.BatchNorm2d(8)
        self.drop = MaskDropout(0.25)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.relu(self.bn2(self.conv2(x)))
        return self.fc(self.drop(F.adaptive_avg_pool2d(x, 1).flatten(1)))


def cnn_program():
    torch.manual_seed(3)
    g = torch.Generator().manual_seed(33)
    X, Y = digits()
    X = X.reshape(-1, 1, 8, 8)
    model = ConvNet()
    init = sd(model)
    B, N = 16, 12
    masks = (torch.rand(N, B, 8, generator=g) >= 0.25).to(torch.get_default_dtype())
    X, masks, model = cast(X), cast(masks), cast(model)
    training()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, 4, gamma=0.5)
    losses, lrs = [], []
    for step in range(N):
        x, y = X[step * B:(step + 1) * B], Y[step * B:(step + 1) * B]
        model.drop.mask = masks[step]
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lrs.append(num(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
        losses.append(scalar(loss))
    model.eval()
    with torch.no_grad():
        logits = model(X[500:532])
        eval_loss = F.cross_entropy(logits, Y[500:532])
    write("cnn", {
        "init": init, "batchSize": B, "masks": T(masks), "losses": losses, "lrs": lrs, "final": sd(model),
        "grads": grads(model), "evalRows": [500, 532], "evalLogits": T(logits), "evalLoss": scalar(eval_loss),
    })


# ------------------------------------------------------------ 4. VAE
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(64, 16)
        self.mu = nn.Linear(16, 2)
        self.logvar = nn.Linear(16, 2)
        self.dec1 = nn.Linear(2, 16)
        self.dec2 = nn.Linear(16, 64)

    def encode(self, x):
        h = F.relu(self.enc(x))
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z))))

    def forward(self, x, eps):
        mu, logvar = self.encode(x)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def vae_program():
    torch.manual_seed(4)
    g = torch.Generator().manual_seed(44)
    X, _ = digits()
    model = VAE()
    init = sd(model)
    B, N, start = 16, 10, 200
    eps = torch.randn(N, B, 2, generator=g)
    X, eps, model = cast(X), cast(eps), cast(model)
    training()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    losses, bces, klds = [], [], []
    for step in range(N):
        x = X[start + step * B:start + (step + 1) * B]
        recon, mu, logvar = model(x, eps[step])
        bce = F.binary_cross_entropy(recon, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        loss = (bce + kld) / B
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(scalar(loss))
        bces.append(scalar(bce))
        klds.append(scalar(kld))
    model.eval()
    with torch.no_grad():
        mu, _ = model.encode(X[:4])
        recon = model.decode(mu)
    write("vae", {
        "init": init, "batchSize": B, "start": start, "eps": T(eps), "losses": losses, "bce": bces, "kld": klds,
        "final": sd(model), "grads": grads(model), "evalMu": T(mu), "evalRecon": T(recon),
    })


# ------------------------------------------------------------ 5. GAN
def gan_nets():
    G = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 2))
    D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
    return G, D


def ring(g, n, b):
    angle = torch.rand(n, b, generator=g) * 2 * math.pi
    return torch.stack([angle.cos(), angle.sin()], -1) * 2 + 0.05 * torch.randn(n, b, 2, generator=g)


def gan_program():
    torch.manual_seed(5)
    g = torch.Generator().manual_seed(55)
    G, D = gan_nets()
    init = {"G": sd(G), "D": sd(D)}
    N, B = 8, 12
    real, z, z_eval = ring(g, N, B), torch.randn(N, B, 4, generator=g), torch.randn(6, 4, generator=g)
    real, z, z_eval, G, D = cast([real, z, z_eval, G, D])
    training()
    optG = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    loss_d, loss_g, samples, d_grads = [], [], [], []
    for step in range(N):
        fake = G(z[step])
        ld = bce(D(real[step]), torch.ones(B, 1)) + bce(D(fake.detach()), torch.zeros(B, 1))
        optD.zero_grad(set_to_none=True)
        ld.backward()
        optD.step()
        D.requires_grad_(False)
        lg = bce(D(fake), torch.ones(B, 1))
        optG.zero_grad(set_to_none=True)
        lg.backward()
        optG.step()
        D.requires_grad_(True)
        G.eval()
        with torch.no_grad():
            samples.append(T(G(z_eval)))
        G.train()
        loss_d.append(scalar(ld))
        loss_g.append(scalar(lg))
    write("gan", {
        "init": init, "real": T(real), "z": T(z), "zEval": T(z_eval), "lossD": loss_d, "lossG": loss_g,
        "samples": samples, "final": {"G": sd(G), "D": sd(D)}, "grads": {"G": grads(G), "D": grads(D)},
    })


# ------------------------------------------------------------ 6. WGAN-GP: a gradient penalty through autograd.grad(create_graph=True)
def wgan_program():
    torch.manual_seed(6)
    g = torch.Generator().manual_seed(66)
    C = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1))
    G = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 2))
    init = {"C": sd(C), "G": sd(G)}
    N, B, lam = 10, 8, 10.0
    real, z, alpha = ring(g, N, B), torch.randn(N, B, 3, generator=g), torch.rand(N, B, 1, generator=g)
    real, z, alpha, C, G = cast([real, z, alpha, C, G])
    training()
    optC = torch.optim.Adam(C.parameters(), lr=1e-3, betas=(0.5, 0.9))
    optG = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.9))
    loss_c, gps, loss_g = [], [], []
    for step in range(N):
        fake = G(z[step]).detach()
        xh = (alpha[step] * real[step] + (1 - alpha[step]) * fake).requires_grad_(True)
        (gx,) = torch.autograd.grad(C(xh).sum(), xh, create_graph=True)
        gp = ((gx.norm(2, dim=1) - 1) ** 2).mean()
        lc = C(fake).mean() - C(real[step]).mean() + lam * gp
        optC.zero_grad(set_to_none=True)
        lc.backward()
        optC.step()
        xh_grad = xh.grad  # the penalty's backward also reaches the interpolates (a leaf)
        loss_c.append(scalar(lc))
        gps.append(scalar(gp))
        if step % 2 == 1:
            C.requires_grad_(False)
            lg = -C(G(z[step])).mean()
            optG.zero_grad(set_to_none=True)
            lg.backward()
            optG.step()
            C.requires_grad_(True)
            loss_g.append(scalar(lg))
    write("wgan_gp", {
        "init": init, "real": T(real), "z": T(z), "alpha": T(alpha), "lambda": lam, "lossC": loss_c, "gp": gps,
        "lossG": loss_g, "xhatGrad": T(xh_grad), "final": {"C": sd(C), "G": sd(G)}, "grads": {"C": grads(C), "G": grads(G)},
    })


# ------------------------------------------------------------ 7. ResNet-ish, ReduceLROnPlateau, checkpoint and resume
class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.gn1 = nn.GroupNorm(2, c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.gn2 = nn.GroupNorm(2, c)

    def forward(self, x):
        return F.relu(x + self.gn2(self.conv2(F.relu(self.gn1(self.conv1(x))))))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        # no bias before a norm layer: its gradient would be zero in exact arithmetic, rounding noise in
        # practice, which Adam's normalised steps turn into lr-sized moves in both libraries alike
        self.stem = nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.gn = nn.GroupNorm(2, 8)
        self.block = Block(8)
        self.fc1 = nn.Linear(128, 16, bias=False)
        self.bn = nn.BatchNorm1d(16, momentum=0.5)
        self.ln = nn.LayerNorm(16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.block(F.relu(self.gn(self.stem(x))))
        x = F.max_pool2d(x, 2).flatten(1)
        return self.fc2(self.ln(F.relu(self.bn(self.fc1(x)))))


def plateau(opt):
    return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=0, threshold=0.1)


def resnet_program():
    torch.manual_seed(7)
    X, Y = digits()
    X = X.reshape(-1, 1, 8, 8)
    model = ResNet()
    init = sd(model)
    B, steps_per_epoch, epochs, resume_at = 16, 2, 6, 3
    X, model = cast(X), cast(model)
    training()
    val_x, val_y = X[1000:1064], Y[1000:1064]
    # SGD rather than Adam: train-mode BatchNorm1d leaves the loss nearly blind to batch-constant shifts
    # upstream (the GroupNorm biases), and Adam's normalised steps would turn the rounding noise of those
    # near-zero gradients into lr-sized moves, differently in every library
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = plateau(opt)
    losses, val_losses, lrs, row = [], [], [], 0
    checkpoint = None
    for epoch in range(epochs):
        if epoch == resume_at:
            # what a user does: save everything, build fresh objects, load, go on
            checkpoint = {"model": sd(model)}
            state = copy.deepcopy({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()})
            model = cast(ResNet())
            model.load_state_dict(state["model"])
            opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            opt.load_state_dict(state["opt"])
            sched = plateau(opt)
            sched.load_state_dict(state["sched"])
        model.train()
        for _ in range(steps_per_epoch):
            x, y = X[row:row + B], Y[row:row + B]
            row += B
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(scalar(loss))
        model.eval()
        with torch.no_grad():
            val = F.cross_entropy(model(val_x), val_y).item()
        sched.step(val)
        val_losses.append(num(val))
        lrs.append(num(opt.param_groups[0]["lr"]))
    write("resnet", {
        "init": init, "batchSize": B, "stepsPerEpoch": steps_per_epoch, "epochs": epochs, "resumeAt": resume_at,
        "valRows": [1000, 1064], "losses": losses, "valLosses": val_losses, "lrs": lrs, "checkpoint": checkpoint,
        "final": sd(model), "grads": grads(model),
    })


# ------------------------------------------------------------ 8. EmbeddingBag + masked attention, RMSprop
class BagAttention(nn.Module):
    def __init__(self, vocab, d, heads, classes):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab, d, mode="mean")
        self.embed = nn.Embedding(vocab, d)
        self.qkv1 = nn.Linear(d, 3 * d)
        self.qkv2 = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.head = nn.Linear(2 * d, classes)
        self.heads = heads

    def split(self, x):
        b, length, d3 = x.shape
        return [t.reshape(b, length, self.heads, d3 // 3 // self.heads).transpose(1, 2) for t in x.chunk(3, -1)]

    def merge(self, x):
        b, _, length, _ = x.shape
        return x.transpose(1, 2).reshape(b, length, -1)

    def forward(self, tokens, keep, flat, offsets):
        x = self.embed(tokens)
        x = x + self.proj(self.merge(sdpa(*self.split(self.qkv1(x)), is_causal=True)))
        x = x + self.merge(sdpa(*self.split(self.qkv2(x)), attn_mask=keep[:, None, None, :]))
        k = keep.unsqueeze(-1).to(torch.get_default_dtype())
        pooled = (x * k).sum(1) / k.sum(1)
        return self.head(torch.cat([self.bag(flat, offsets), pooled], 1))


def bag_attention_program():
    torch.manual_seed(8)
    g = torch.Generator().manual_seed(88)
    V, D, L, B, N = 20, 8, 6, 5, 10
    model = BagAttention(V, D, 2, 3)
    init = sd(model)
    batches = []
    for _ in range(2):
        tokens, pad, lengths = token_batch(g, B, L, V, 2)
        keep = ~pad
        flat = tokens[keep]
        offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
        y = tokens[:, 0] % 3
        batches.append((tokens, keep, flat, offsets, y))
    model = cast(model)
    training()
    opt = torch.optim.RMSprop(model.parameters(), lr=5e-3, alpha=0.9, momentum=0.5, centered=True, weight_decay=1e-4)
    losses = []
    for step in range(N):
        tokens, keep, flat, offsets, y = batches[step % 2]
        loss = F.cross_entropy(model(tokens, keep, flat, offsets), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(scalar(loss))
    with torch.no_grad():
        logits = model(*batches[0][:4])
    write("bag_attention", {
        "init": init,
        "data": [{"tokens": T(t), "keep": T(k), "flat": T(f), "offsets": T(o), "labels": T(y)} for t, k, f, o, y in batches],
        "losses": losses, "final": sd(model), "grads": grads(model), "evalLogits": T(logits),
    })


# ------------------------------------------------------------ 9. character LM: tied weights, truncated BPTT, accumulation, two param groups, OneCycleLR, EMA
class CharLM(nn.Module):
    def __init__(self, vocab, d):
        super().__init__()
        self.embed = nn.Embedding(vocab, d, padding_idx=0)
        self.gru = nn.GRU(d, d, num_layers=2, batch_first=True)
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, vocab)
        self.out.weight = self.embed.weight  # tied

    def forward(self, x, h):
        y, h = self.gru(self.embed(x), h)
        return self.out(self.norm(y)), h


def charlm_program():
    torch.manual_seed(9)
    g = torch.Generator().manual_seed(99)
    V, D, B, L, chunks = 14, 12, 4, 6, 3
    model = CharLM(V, D)
    ema = copy.deepcopy(model)
    init = sd(model)
    stream = torch.randint(1, V, (B, L * chunks + 1), generator=g)
    stream[torch.rand(B, L * chunks + 1, generator=g) < 0.1] = 0  # some padding, ignored as targets
    model, ema = cast(model), cast(ema)
    training()
    decay = [p for _, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for _, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-2)
    N = chunks * 2
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[1e-2, 5e-3], total_steps=N, pct_start=0.3)
    lossfn = nn.CrossEntropyLoss(ignore_index=0, label_smoothing=0.1)
    hidden = [None, None]
    losses, lrs, betas, norms = [], [], [], []
    for step in range(N):
        c = step % chunks
        if c == 0:
            hidden = [None, None]
        x, y = stream[:, c * L:(c + 1) * L], stream[:, c * L + 1:(c + 1) * L + 1]
        opt.zero_grad(set_to_none=True)
        total = 0.0
        for m in range(2):  # two micro-batches, gradients accumulated
            rows = slice(2 * m, 2 * m + 2)
            logits, h = model(x[rows], hidden[m])
            hidden[m] = h.detach()
            loss = lossfn(logits.reshape(-1, V), y[rows].reshape(-1)) / 2
            loss.backward()
            total += loss.item()
        norms.append(scalar(nn.utils.clip_grad_norm_(model.parameters(), float("inf"))))
        nn.utils.clip_grad_value_(model.parameters(), 0.05)
        lrs.append([num(gr["lr"]) for gr in opt.param_groups])
        betas.append(num(opt.param_groups[0]["betas"][0]))
        opt.step()
        sched.step()
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), model.parameters()):
                pe.mul_(0.8).add_(p, alpha=0.2)
        losses.append(num(total))
    ema.eval()
    with torch.no_grad():
        logits, _ = ema(stream[:, :L], None)
        eval_loss = lossfn(logits.reshape(-1, V), stream[:, 1:L + 1].reshape(-1))
    write("charlm", {
        "init": init, "stream": T(stream), "seqLen": L, "chunks": chunks, "losses": losses, "lrs": lrs, "beta1": betas,
        "gradNorms": norms, "final": sd(model), "ema": sd(ema), "grads": grads(model), "evalLoss": scalar(eval_loss),
    })


# ------------------------------------------------------------ 10. set regression: MultiheadAttention (padding + float mask, weights), checkpointed FF, NAdam, warm restarts, SWA
class SetEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(3, 8)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.norm = nn.LayerNorm(8)
        self.ff = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 8))
        self.head = nn.Linear(8, 1)

    def forward(self, x, pad, bias):
        h = self.proj(x)
        a, w = self.attn(h, h, h, key_padding_mask=pad, attn_mask=bias, need_weights=True)
        h = self.norm(h + a)
        h = h + torch.utils.checkpoint.checkpoint(self.ff, h, use_reentrant=False)
        keep = (~pad).unsqueeze(-1).to(torch.get_default_dtype())
        return self.head((h * keep).sum(1) / keep.sum(1)).squeeze(-1), w


class NAdam2x(torch.optim.Optimizer):
    """NAdam as PyTorch 2.x steps it (no weight decay): 1.13's mu_product_next is mu_product * mu * mu_next,
    one mu too many, fixed in 2.x to mu_product * mu_next (torchlet follows 2.x)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, momentum_decay=momentum_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), eps, md = group["lr"], group["betas"], group["eps"], group["momentum_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st.update(step=0, mu_product=1.0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                st["step"] += 1
                step, g = st["step"], p.grad
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * md))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * md))
                st["mu_product"] *= mu
                st["exp_avg"].lerp_(g, 1 - beta1)
                st["exp_avg_sq"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                denom = st["exp_avg_sq"].div(1 - beta2 ** step).sqrt().add(eps)
                p.addcdiv_(g, denom, value=-lr * (1.0 - mu) / (1.0 - st["mu_product"]))
                p.addcdiv_(st["exp_avg"], denom, value=-lr * mu_next / (1.0 - st["mu_product"] * mu_next))


def set_program():
    torch.manual_seed(10)
    g = torch.Generator().manual_seed(1010)
    B, S, N = 6, 5, 10
    model = SetEncoder()
    init = sd(model)
    x = torch.randn(2, B, S, 3, generator=g)
    lengths = torch.randint(2, S + 1, (2, B), generator=g)
    pad = torch.arange(S) >= lengths.unsqueeze(-1)
    y = (x.sum(-1) * (~pad)).sum(-1) / lengths  # mean of the set's coordinate sums
    idx = torch.arange(S, dtype=torch.float32)
    bias = -0.5 * (idx.unsqueeze(0) - idx.unsqueeze(1)).abs()  # a float attention mask: nearer items count more
    x, y, bias, model = cast([x, y, bias, model])
    training()
    opt = NAdam2x(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 3, T_mult=2, eta_min=1e-3)
    swa = torch.optim.swa_utils.AveragedModel(model)
    losses, entropies, lrs = [], [], []
    for step in range(N):
        b = step % 2
        pred, w = model(x[b], pad[b], bias)
        keep = (~pad[b]).to(torch.get_default_dtype())
        entropy = -((w * torch.log(w + 1e-9)).sum(-1) * keep).sum() / keep.sum()
        loss = F.mse_loss(pred, y[b]) + 0.01 * entropy
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lrs.append(num(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
        if step >= 4:
            swa.update_parameters(model)
        losses.append(scalar(loss))
        entropies.append(scalar(entropy))
    with torch.no_grad():
        pred, w = swa(x[0], pad[0], bias)
    write("set_attention", {
        "init": init, "x": T(x), "pad": T(pad), "y": T(y), "bias": T(bias), "losses": losses, "entropies": entropies,
        "lrs": lrs, "final": sd(model), "swa": sd(swa), "grads": grads(model), "swaPred": T(pred), "swaWeights": T(w),
    })


# ------------------------------------------------------------ 11. iris: weight norm, full-batch L-BFGS with strong Wolfe line search
def iris():
    """The shipped iris (datasets/iris.csv; header line first): features [150, 4] and labels."""
    with open(os.path.join(ROOT, "datasets", "iris.csv")) as f:
        rows = [r for r in csv.reader(f)][1:]
    return torch.tensor([[float(v) for v in r[:4]] for r in rows]), torch.tensor([int(r[4]) for r in rows])


class IrisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.utils.weight_norm(nn.Linear(4, 8))
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def iris_program():
    torch.manual_seed(11)
    X, Y = iris()
    X = (X - X.mean(0)) / X.std(0)
    model = IrisNet()
    init = sd(model)
    opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=5, history_size=4, line_search_fn="strong_wolfe")
    losses, evals = [], []

    def closure():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X), Y) + 1e-3 * sum(p.pow(2).sum() for p in model.parameters())
        loss.backward()
        return loss

    for _ in range(4):  # each step is up to 5 quasi-Newton iterations: rounding differences grow ~3x per step
        losses.append(scalar(opt.step(closure)))
        evals.append(opt.state[opt._params[0]]["func_evals"])
    with torch.no_grad():
        acc = (model(X).argmax(1) == Y).to(torch.get_default_dtype()).mean()
    write("iris_lbfgs", {"init": init, "losses": losses, "funcEvals": evals, "final": sd(model), "grads": grads(model), "accuracy": scalar(acc)})


# ------------------------------------------------------------ 12. convolutional autoencoder: strided convs, ConvTranspose2d, Upsample, RAdam, ExponentialLR
class ConvAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ELU(), nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ELU())
        self.dec = nn.Sequential(
            nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ELU(),
            nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), nn.Conv2d(4, 1, 3, padding=1), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.dec(self.enc(x))


def autoencoder_program():
    torch.manual_seed(12)
    X, _ = digits()
    X = X.reshape(-1, 1, 8, 8)
    model = ConvAE()
    init = sd(model)
    B, N, start = 16, 10, 300
    X, model = cast(X), cast(model)
    training()
    opt = torch.optim.RAdam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, 0.9)
    losses, lrs = [], []
    for step in range(N):
        x = X[start + step * B:start + (step + 1) * B]
        r = model(x)
        loss = F.smooth_l1_loss(r, x, beta=0.1) + 0.1 * F.l1_loss(r, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lrs.append(num(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
        losses.append(scalar(loss))
    with torch.no_grad():
        recon = model(X[:2])
    write("autoencoder", {"init": init, "batchSize": B, "start": start, "losses": losses, "lrs": lrs, "final": sd(model), "grads": grads(model), "recon": T(recon)})


# ------------------------------------------------------------ 13. CTC: bidirectional GRU on variable-length inputs, Adagrad, MultiStepLR
class CtcNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(5, 8, bidirectional=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        y, _ = self.gru(x)
        return F.log_softmax(self.fc(y), 2)


def ctc_program():
    torch.manual_seed(13)
    g = torch.Generator().manual_seed(1313)
    T_, B, N = 10, 3, 8
    model = CtcNet()
    init = sd(model)
    x = torch.randn(T_, B, 5, generator=g)
    input_lengths = torch.tensor([10, 8, 9])
    target_lengths = torch.tensor([3, 2, 4])
    targets = torch.randint(1, 4, (int(target_lengths.sum()),), generator=g)
    x, model = cast(x), cast(model)
    training()
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    opt = torch.optim.Adagrad(model.parameters(), lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [3, 6], gamma=0.5)
    losses = []
    for _ in range(N):
        loss = ctc(model(x), targets, input_lengths, target_lengths)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(scalar(loss))
    with torch.no_grad():
        best = model(x).argmax(2)
    write("ctc", {
        "init": init, "x": T(x), "inputLengths": T(input_lengths), "targetLengths": T(target_lengths), "targets": T(targets),
        "losses": losses, "final": sd(model), "grads": grads(model), "bestPath": T(best),
    })


# ------------------------------------------------------------ 14. float64 fine-tuning: frozen backbone, add_param_group, amsgrad, SequentialLR, max_norm
class TextCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 6, max_norm=1.0)
        self.conv = nn.Conv1d(6, 8, 3, padding=2, dilation=2)
        self.conv2 = nn.Conv1d(8, 8, 3, padding=1, groups=2)
        self.pool = nn.AdaptiveMaxPool1d(1)
        self.head = nn.Linear(8, 4)

    def backbone(self):
        return [p for n, p in self.named_parameters() if not n.startswith("head.")]

    def forward(self, tokens):
        x = F.gelu(self.conv(self.embed(tokens).transpose(1, 2)))
        x = F.silu(self.conv2(x)) + x
        return self.head(self.pool(x).squeeze(-1))


def finetune_program():
    torch.manual_seed(14)
    g = torch.Generator().manual_seed(1414)
    model = TextCNN().double()
    init = sd(model)
    tokens = torch.randint(0, 20, (2, 6, 7), generator=g)
    targets = (torch.rand(2, 6, 4, generator=g) < 0.4).double()
    lossfn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64))
    for p in model.backbone():
        p.requires_grad_(False)
    opt = torch.optim.Adam(model.head.parameters(), lr=1e-2, amsgrad=True, weight_decay=1e-4)
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.2, total_iters=3)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 9, eta_min=1e-4)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[3])
    N, unfreeze_at = 10, 4
    losses, lrs, embed_after_first = [], [], None
    for step in range(N):
        if step == unfreeze_at:
            for p in model.backbone():
                p.requires_grad_(True)
            opt.add_param_group({"params": model.backbone(), "lr": 1e-3})
        loss = lossfn(model(tokens[step % 2]), targets[step % 2])
        if step == 0:
            embed_after_first = T(model.embed.weight)  # max_norm renormalised the looked-up rows, in place
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lrs.append([gr["lr"] for gr in opt.param_groups])
        opt.step()
        sched.step()
        losses.append(loss.item())
    write("finetune_f64", {
        "init": init, "tokens": T(tokens), "targets": T(targets), "unfreezeAt": unfreeze_at, "losses": losses, "lrs": lrs,
        "embedAfterFirst": embed_after_first, "final": sd(model), "grads": grads(model),
    })


# ------------------------------------------------------------ 15. seq2seq nn.Transformer (pre-norm, GELU), spectral-normed head, Adamax, CyclicLR
class Seq2Seq(nn.Module):
    def __init__(self, vocab, d):
        super().__init__()
        self.src_embed = nn.Embedding(vocab, d)
        self.tgt_embed = nn.Embedding(vocab, d)
        self.transformer = nn.Transformer(d, 2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16, dropout=0.0,
                                          activation="gelu", batch_first=True, norm_first=True)
        self.head = nn.utils.spectral_norm(nn.Linear(d, vocab))

    def forward(self, src, tgt_in, src_pad):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt_in.size(1))
        h = self.transformer(self.src_embed(src), self.tgt_embed(tgt_in), tgt_mask=mask,
                             src_key_padding_mask=src_pad, memory_key_padding_mask=src_pad)
        return self.head(h)


def seq2seq_program():
    torch.manual_seed(15)
    g = torch.Generator().manual_seed(1515)
    V, D, B, L, N = 10, 8, 4, 5, 8
    model = Seq2Seq(V, D)
    init = sd(model)
    src, src_pad, _ = token_batch(g, B, L, V, 3)
    tgt = torch.cat([torch.full((B, 1), 1), src.flip(1)], 1)  # reverse the source, after a start token
    model = cast(model)
    training()
    opt = torch.optim.Adamax(model.parameters(), lr=5e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CyclicLR(opt, 1e-3, 5e-3, step_size_up=3, mode="triangular2", cycle_momentum=False)
    lossfn = nn.CrossEntropyLoss(ignore_index=0, label_smoothing=0.05)
    losses, lrs = [], []
    for _ in range(N):
        logits = model(src, tgt[:, :-1], src_pad)
        loss = lossfn(logits.reshape(-1, V), tgt[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lrs.append(num(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
        losses.append(scalar(loss))
    model.eval()
    with torch.no_grad():
        logits = model(src, tgt[:, :-1], src_pad)
    write("seq2seq", {
        "init": init, "src": T(src), "srcPad": T(src_pad), "tgt": T(tgt), "losses": losses, "lrs": lrs,
        "final": sd(model), "grads": grads(model), "evalLogits": T(logits),
    })


# ------------------------------------------------------------ 16. metric learning: ReLU RNN + InstanceNorm1d (running stats), triplet + cosine losses, ASGD, ChainedScheduler
class MetricEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 8, nonlinearity="relu", batch_first=True)
        self.inorm = nn.InstanceNorm1d(8, affine=True, track_running_stats=True)
        self.fc = nn.Linear(8, 6)

    def forward(self, x):
        y, _ = self.rnn(x)
        y = self.inorm(y.transpose(1, 2)).transpose(1, 2)
        return self.fc(y[:, -1])  # the last step (the mean over time of an instance-normed sequence is its bias)


def metric_program():
    torch.manual_seed(16)
    g = torch.Generator().manual_seed(1616)
    B, L, N = 6, 5, 8
    model = MetricEncoder()
    init = sd(model)
    anchor = torch.randn(2, B, L, 4, generator=g)
    positive = anchor + 0.1 * torch.randn(2, B, L, 4, generator=g)
    negative = torch.randn(2, B, L, 4, generator=g)
    same = torch.where(torch.rand(2, B, generator=g) < 0.5, 1.0, -1.0)
    anchor, positive, negative, same, model = cast([anchor, positive, negative, same, model])
    training()
    triplet = nn.TripletMarginLoss(margin=0.5, swap=True)
    cosine = nn.CosineEmbeddingLoss(margin=0.2)
    opt = torch.optim.ASGD(model.parameters(), lr=0.05, lambd=1e-3, t0=3)
    sched = torch.optim.lr_scheduler.ChainedScheduler([
        torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2), torch.optim.lr_scheduler.ExponentialLR(opt, 0.95),
    ])
    losses, lrs = [], []
    for step in range(N):
        b = step % 2
        a, p_, n = model(anchor[b]), model(positive[b]), model(negative[b])
        loss = triplet(a, p_, n) + 0.5 * cosine(a, torch.where(same[b].unsqueeze(1) > 0, p_, n), same[b])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lrs.append(num(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
        losses.append(scalar(loss))
    model.eval()
    with torch.no_grad():
        emb = model(anchor[0])
    write("metric", {
        "init": init, "anchor": T(anchor), "positive": T(positive), "negative": T(negative), "same": T(same),
        "losses": losses, "lrs": lrs, "final": sd(model), "grads": grads(model), "evalEmbeddings": T(emb),
        "averaged": {k: T(opt.state[p]["ax"]) for k, p in model.named_parameters()},
    })


# ------------------------------------------------------------ regression: ASGD's eta and mu under a float64 default dtype
def asgd_default_f64():
    """ASGD keeps eta and mu in 0-d tensors of _get_scalar_dtype(): float64 when the default dtype is float64
    (torchlet rounded them to float32 always). Steps a quadratic in float64 under that default, to 17 digits."""
    torch.set_default_dtype(torch.float64)
    p = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    a = torch.tensor([0.3, 1.7, 2.9])
    opt = torch.optim.ASGD([p], lr=0.1, lambd=0.01, alpha=0.75, t0=2)
    trajectory = []
    for _ in range(6):
        opt.zero_grad(set_to_none=True)
        (a * p * p).sum().backward()
        opt.step()
        st = opt.state[p]
        trajectory.append({"p": p.tolist(), "ax": st["ax"].tolist(), "eta": st["eta"].item(), "mu": st["mu"].item()})
    torch.set_default_dtype(torch.float32)
    with open(os.path.join(OUT, "asgd_default_f64.json"), "w") as f:
        json.dump({"trajectory": trajectory}, f, separators=(",", ":"))


if __name__ == "__main__":
    torch.set_num_threads(1)
    for F64 in (False, True):
        for program in [transformer_program, lstm_program, cnn_program, vae_program, gan_program, wgan_program,
                        resnet_program, bag_attention_program, charlm_program, set_program, autoencoder_program, ctc_program,
                        seq2seq_program, metric_program]:
            torch.set_default_dtype(torch.float32)
            program()
    F64 = False
    torch.set_default_dtype(torch.float32)
    iris_program()
    finetune_program()
    asgd_default_f64()
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))
