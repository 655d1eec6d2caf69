"""PyTorch's CPU random streams for given seeds, for test/rng-pytorch-stream.test.ts:
torchlet's generator is PyTorch's MT19937 with PyTorch's transformations, so the
same seed must give these values.
Run: /usr/bin/python3 scripts/gen_rng_stream_fixtures.py"""
import json
import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(1)


def stream(seed):
    torch.manual_seed(seed)
    out = {}
    out["rand5"] = torch.rand(5).tolist()
    out["rand3_f64"] = torch.rand(3, dtype=torch.float64).tolist()
    out["randn5"] = torch.randn(5).tolist()
    out["randn20"] = torch.randn(20).tolist()
    out["randn37_f64"] = torch.randn(37, dtype=torch.float64).tolist()
    out["randint6"] = torch.randint(0, 10, (6,)).tolist()
    out["randint_wide"] = torch.randint(-1000, 2**31 - 1, (4,)).tolist()
    out["randperm10"] = torch.randperm(10).tolist()
    out["uniform8"] = torch.empty(8).uniform_(-0.3, 0.7).tolist()
    out["uniform40_f64"] = torch.empty(40, dtype=torch.float64).uniform_(-2, 5).tolist()
    out["normal5"] = torch.empty(5).normal_(2, 3).tolist()
    out["normal18"] = torch.empty(18).normal_(-1, 0.5).tolist()
    out["bernoulli12"] = torch.empty(12).bernoulli_(0.3).tolist()
    out["dropout12"] = F.dropout(torch.ones(12), 0.25).tolist()
    lin = nn.Linear(4, 3)
    out["linear"] = [lin.weight.flatten().tolist(), lin.bias.tolist()]
    conv = nn.Conv2d(2, 3, 3)
    out["conv2d"] = [conv.weight.flatten().tolist(), conv.bias.tolist()]
    out["embedding"] = nn.Embedding(5, 3).weight.flatten().tolist()
    out["exponential6"] = torch.empty(6).exponential_(2.5).tolist()
    probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0]])
    out["multinomial1"] = torch.multinomial(probs, 1).tolist()
    out["multinomial_no_replacement"] = torch.multinomial(probs, 2).tolist()
    out["multinomial_replacement"] = torch.multinomial(probs, 7, replacement=True).tolist()
    out["multinomial_f64"] = torch.multinomial(probs[2].double(), 9, replacement=True).tolist()
    out["bernoulli_tensor"] = torch.bernoulli(torch.full((10,), 0.5)).tolist()
    out["bernoulli_tensor_f64"] = torch.bernoulli(torch.full((10,), 0.5, dtype=torch.float64)).tolist()
    out["bernoulli__tensor"] = torch.zeros(10).bernoulli_(torch.full((10,), 0.3)).tolist()
    D = torch.distributions
    out["dist_normal"] = D.Normal(torch.zeros(3), torch.ones(3) * 2).sample((2,)).tolist()
    out["dist_uniform"] = D.Uniform(torch.zeros(3), torch.ones(3) * 2).sample().tolist()
    out["dist_bernoulli"] = D.Bernoulli(torch.full((5,), 0.4)).sample().tolist()
    out["dist_categorical"] = D.Categorical(torch.tensor([0.2, 0.3, 0.5])).sample((6,)).tolist()
    out["after"] = torch.rand(2).tolist()
    return out


# torch.Generator() starts from PyTorch's default seed (the default generator of a
# fresh process is seeded at random instead; torchlet's starts from that default seed)
g = torch.Generator()
default = {"initialSeed": g.initial_seed(), "rand3": torch.rand(3, generator=g).tolist()}
def data_order():
    from torch.utils.data import DataLoader, RandomSampler, SubsetRandomSampler, random_split
    out = {}
    torch.manual_seed(0)
    dl = DataLoader(list(range(10)), batch_size=4, shuffle=True)
    out["loader_two_epochs"] = [[b.tolist() for b in dl] for _ in range(2)]
    out["loader_after"] = torch.rand(1).tolist()
    torch.manual_seed(1)
    out["sampler_num_samples"] = list(RandomSampler(range(7), num_samples=10))
    out["sampler_replacement"] = list(RandomSampler(range(7), replacement=True, num_samples=40))
    out["subset_sampler"] = list(SubsetRandomSampler([10, 20, 30, 40, 50]))
    out["random_split"] = [list(s.indices) for s in random_split(list(range(10)), [7, 3])]
    g = torch.Generator().manual_seed(3)
    dl = DataLoader(list(range(6)), batch_size=6, shuffle=True, generator=g)
    out["loader_generator_two_epochs"] = [[b.tolist() for b in dl] for _ in range(2)]
    out["after"] = torch.rand(1).tolist()
    return out


def layer_inits():
    """Each layer's parameters, in parameters() order, right after manual_seed(0)."""
    layers = {
        "LSTM(3, 4)": lambda: nn.LSTM(3, 4),
        "GRU(3, 4, num_layers=2, bidirectional)": lambda: nn.GRU(3, 4, num_layers=2, bidirectional=True),
        "RNNCell(3, 4)": lambda: nn.RNNCell(3, 4),
        "MultiheadAttention(4, 2)": lambda: nn.MultiheadAttention(4, 2),
        "TransformerEncoderLayer(4, 2, 8)": lambda: nn.TransformerEncoderLayer(4, 2, dim_feedforward=8),
        "Conv1d(2, 3, 3)": lambda: nn.Conv1d(2, 3, 3),
        "ConvTranspose2d(2, 3, 3)": lambda: nn.ConvTranspose2d(2, 3, 3),
        "Bilinear(2, 3, 4)": lambda: nn.Bilinear(2, 3, 4),
        "Embedding(10, 4)": lambda: nn.Embedding(10, 4),
    }
    out = {}
    for name, make in layers.items():
        torch.manual_seed(0)
        out[name] = [p.detach().flatten().tolist() for p in make().parameters()]
    return out


def training_run():
    """A whole seeded run: data, init, shuffling and dropout all come from the seed."""
    from torch.utils.data import DataLoader, TensorDataset
    torch.manual_seed(0)
    x = torch.randn(64, 8)
    y = torch.randint(0, 3, (64,))
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    losses = []
    for _ in range(3):
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return {"losses": losses, "weight": model[3].weight.flatten().tolist()}


data = {
    "torch": torch.__version__,
    "seeds": {str(s): stream(s) for s in [0, 42, 2**40 + 7, -1]},
    "default": default,
    "data": data_order(),
    "training": training_run(),
    "layers": layer_inits(),
}
with open("test/fixtures/rng-stream.json", "w") as f:
    json.dump(data, f)
