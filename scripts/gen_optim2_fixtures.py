"""Writes the golden fixtures of the optimizers and lr schedulers added after
gen_nn_fixtures.py: test/fixtures/nn/optimizers2.json and schedulers2.json.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_optim2_fixtures.py
The tests only read the JSON; CI never runs Python.

PyTorch 1.13 is the oracle, and torchlet follows 2.x. Where they differ the
goldens come from the 2.x algorithm, checked against 1.13 where they overlap:
- NAdam: 1.13 multiplies mu into mu_product_next twice (2.0 fixed it) and has
  no maximize / decoupled_weight_decay. RAdam: 1.13 has no maximize /
  decoupled_weight_decay. Both come from the reference classes below, written
  from 2.x's _single_tensor_nadam / _single_tensor_radam; the script asserts
  they reproduce 1.13 on the options 1.13 has (NAdam with its bug put back).
- CyclicLR: 1.13 cycles only `momentum`; 2.x also cycles Adam's betas[0] with
  the same values. Adam's goldens come from the same schedule run on an SGD
  twin (its lrs and momenta).
Adagrad, Adamax and Adadelta have the same math in 1.13 and 2.x.
"""
import os
import warnings

import torch

from gen_nn_fixtures import OUT, A, P0, P1, L, objective, write

STEPS = 10  # RAdam's rectified branch starts at step 6 with the default betas


# ---------------------------------------------------------------- 2.x references
class OneTensorAdam(torch.optim.Optimizer):
    """What the two references share, one tensor at a time: maximize, the step count and 2.x's weight decay
    (decoupled, or added to the gradient); `update` does the rest."""

    def initial_state(self, p):
        return dict(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, wd = group["lr"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st.update(self.initial_state(p))
                grad = -p.grad if group["maximize"] else p.grad
                st["step"] += 1
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(p, alpha=wd)
                self.update(p, grad, st, group)


class NAdam2x(OneTensorAdam):
    """PyTorch 2.x's NAdam; `legacy_113` puts back 1.13's mu_product_next."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, maximize=False, legacy_113=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))
        self.legacy_113 = legacy_113

    def initial_state(self, p):
        return dict(super().initial_state(p), mu_product=1.0)

    def update(self, p, grad, st, group):
        beta1, beta2 = group["betas"]
        lr, step = group["lr"], st["step"]
        bias_correction2 = 1 - beta2 ** step
        mu = beta1 * (1. - 0.5 * (0.96 ** (step * group["momentum_decay"])))
        mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * group["momentum_decay"])))
        st["mu_product"] *= mu
        mu_product_next = st["mu_product"] * mu_next * (mu if self.legacy_113 else 1.0)
        st["exp_avg"].lerp_(grad, 1 - beta1)
        st["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = st["exp_avg_sq"].div(bias_correction2).sqrt().add_(group["eps"])
        p.addcdiv_(grad, denom, value=-lr * (1. - mu) / (1. - st["mu_product"]))
        p.addcdiv_(st["exp_avg"], denom, value=-lr * mu_next / (1. - mu_product_next))


class RAdam2x(OneTensorAdam):
    """PyTorch 2.x's RAdam."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def update(self, p, grad, st, group):
        beta1, beta2 = group["betas"]
        lr, step = group["lr"], st["step"]
        st["exp_avg"].lerp_(grad, 1 - beta1)
        st["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = st["exp_avg"] / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = (bias_correction2 ** 0.5) / st["exp_avg_sq"].sqrt().add_(group["eps"])
            p.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            p.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


REFERENCE_2X = {"NAdam": NAdam2x, "RAdam": RAdam2x}
ONLY_2X = {"maximize", "decoupled_weight_decay"}


def camel(k):
    return "".join(w.capitalize() if i else w for i, w in enumerate(k.split("_")))


def ts_options(py):
    return {camel(k): list(v) if isinstance(v, tuple) else v for k, v in py.items()}


def trajectory(make, groups):
    """Parameters after each of STEPS steps of the shared objective; the second group (when used) triples the lr."""
    p = P0.clone().requires_grad_(True)
    q = P1.clone().requires_grad_(True)
    opt = make([{"params": [p]}, {"params": [q], "lr": opt_lr(make) * 3}] if groups else [p, q])
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        objective(p, q).backward()
        opt.step()
        out.append({"p": L(p.flatten()), "q": L(q)})
    return out, opt, p


def opt_lr(make):
    return make([torch.zeros(1, requires_grad=True)]).defaults["lr"]


def max_diff(a, b):
    return max(abs(x - y) for sa, sb in zip(a, b) for k in ("p", "q") for x, y in zip(sa[k], sb[k]))


def optimizers():
    specs = [
        ("Adagrad", {"lr": 0.1}),
        ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
        ("Adagrad", {"lr": 0.05, "eps": 1e-3, "maximize": True}),
        ("Adamax", {"lr": 0.1}),
        ("Adamax", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-4, "weight_decay": 0.1}),
        ("Adamax", {"lr": 0.02, "maximize": True}),
        ("NAdam", {"lr": 0.1}),
        ("NAdam", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "momentum_decay": 0.01}),
        ("NAdam", {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True}),
        ("NAdam", {"lr": 0.01, "maximize": True}),
        ("RAdam", {"lr": 0.1}),
        ("RAdam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.1}),
        ("RAdam", {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True}),
        ("RAdam", {"lr": 0.02, "betas": (0.9, 0.99), "maximize": True}),
        ("Adadelta", {}),
        ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
        ("Adadelta", {"lr": 2.0, "maximize": True}),
    ]
    cases = []
    for kind, py in specs:
        ref = REFERENCE_2X.get(kind)
        for groups in [False, True]:
            if ref is None:
                traj, opt, p = trajectory(lambda params: getattr(torch.optim, kind)(params, **py), groups)
                source = "torch " + torch.__version__
            else:
                traj, opt, p = trajectory(lambda params: ref(params, **py), groups)
                source = "2.x reference"
                if not ONLY_2X & set(py):
                    # where 1.13 has the options: the reference (with 1.13's NAdam bug put back) must reproduce it
                    legacy = {"legacy_113": True} if kind == "NAdam" else {}
                    old, _, _ = trajectory(lambda params: ref(params, **py, **legacy), groups)
                    torch_113, _, _ = trajectory(lambda params: getattr(torch.optim, kind)(params, **py), groups)
                    assert max_diff(old, torch_113) < 1e-6, (kind, py, max_diff(old, torch_113))
                    if kind == "NAdam":
                        print(f"NAdam {py}: 2.x differs from 1.13 by up to {max_diff(traj, torch_113):.2e}")
            cases.append({"optimizer": kind, "options": ts_options(py), "groups": groups,
                          "group2": {"lr": py.get("lr", opt.defaults["lr"]) * 3} if groups else None,
                          "source": source, "trajectory": traj})

    # defaults, state keys and option errors, as PyTorch has them
    defaults, state_keys = {}, {}
    for kind in ["Adagrad", "Adamax", "NAdam", "RAdam", "Adadelta"]:
        make = REFERENCE_2X.get(kind, getattr(torch.optim, kind))
        x = torch.ones(2, requires_grad=True)
        opt = make([x])
        defaults[kind] = {camel(k): list(v) if isinstance(v, tuple) else v for k, v in opt.defaults.items()
                          if k not in ("foreach", "differentiable", "capturable", "fused")}
        real = getattr(torch.optim, kind)([x])  # 1.13's own class: its defaults and state keys (the same in 2.x)
        for k, v in real.defaults.items():
            assert k in ("foreach", "differentiable", "capturable", "fused") or opt.defaults[k] == v, (kind, k)
        x.sum().backward()
        real.step()
        state_keys[kind] = sorted(real.state[x].keys())
    errors = []
    bad = [
        ("Adagrad", {"lr": -1}), ("Adagrad", {"lr_decay": -0.5}), ("Adagrad", {"weight_decay": -0.1}),
        ("Adagrad", {"initial_accumulator_value": -2}), ("Adagrad", {"eps": -0.001}),
        ("Adamax", {"lr": -1}), ("Adamax", {"betas": (-0.5, 0.999)}), ("Adamax", {"betas": (0.9, 1)}), ("Adamax", {"eps": -0.5}),
        ("NAdam", {"momentum_decay": -0.5}), ("NAdam", {"betas": (1.5, 0.9)}), ("NAdam", {"weight_decay": -0.25}),
        ("RAdam", {"lr": -0.5}), ("RAdam", {"eps": -1}), ("RAdam", {"betas": (0.9, -0.25)}),
        ("Adadelta", {"rho": 1.5}), ("Adadelta", {"rho": -0.5}), ("Adadelta", {"lr": -1}), ("Adadelta", {"weight_decay": -1}),
        ("SGD", {"lr": 0.1, "momentum": -0.5}), ("SGD", {"lr": 0.1, "weight_decay": -0.5}),
        ("RMSprop", {"alpha": -0.5}), ("RMSprop", {"weight_decay": -0.5}), ("Adam", {"betas": (0.9, 1.5)}), ("AdamW", {"eps": -1}),
    ]
    for kind, py in bad:
        try:
            getattr(torch.optim, kind)([torch.ones(1, requires_grad=True)], **py)
        except ValueError as e:
            errors.append({"optimizer": kind, "options": ts_options(py), "message": str(e)})
        else:
            raise AssertionError(f"{kind} accepted {py}")

    write("optimizers2.json", {"torch": torch.__version__, "steps": STEPS, "p0": L(P0.flatten()), "q0": L(P1), "a": L(A.flatten()),
                               "cases": cases, "defaults": defaults, "stateKeys": state_keys, "errors": errors})


# ---------------------------------------------------------------- schedulers
S = torch.optim.lr_scheduler

# the functions a spec names as {"fn": name}; test/lr-scheduler-more.test.ts defines the same ones
FNS = {
    "pow095": lambda e: 0.95 ** e,
    "warmup4": lambda e: min(1.0, (e + 1) / 4),
    "inverse": lambda e: 1 / (1 + 0.5 * e),
    "times09": lambda e: 0.9,
    "every3": lambda e: 1.1 if e % 3 == 0 else 0.95,
    "shrink": lambda x: 1 / (1 + 0.1 * x),
}


def fn(name):
    return {"fn": name}


def sched(kind, args=(), kwargs=None):
    """A scheduler to build: what PyTorch calls, and the spec the test builds from (the options camelCased)."""
    kwargs = kwargs or {}
    return {"kind": kind, "args": list(args), "kwargs": kwargs, "ts": {"type": kind, "args": list(args), "options": ts_options(kwargs)}}


def composite(kind, children, milestones=None):
    ts = {"type": kind, "schedulers": [c["ts"] for c in children]}
    if milestones is not None:
        ts["milestones"] = milestones
    return {"kind": kind, "children": children, "milestones": milestones, "ts": ts}


def resolve(v):
    if isinstance(v, dict) and set(v) == {"fn"}:
        return FNS[v["fn"]]
    if isinstance(v, list):
        return [resolve(x) for x in v]
    return v


def build(opt, spec):
    if spec["kind"] == "SequentialLR":
        return S.SequentialLR(opt, [build(opt, c) for c in spec["children"]], spec["milestones"])
    if spec["kind"] == "ChainedScheduler":
        return S.ChainedScheduler([build(opt, c) for c in spec["children"]])
    kwargs = {k: resolve(v) for k, v in spec["kwargs"].items()}
    return getattr(S, spec["kind"])(opt, *[resolve(a) for a in spec["args"]], **kwargs)


def make_optimizer(kind, two_groups):
    p, q = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
    groups = [{"params": [p]}, {"params": [q], "lr": 0.05}] if two_groups else [{"params": [p, q]}]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9) if kind == "SGD" else torch.optim.Adam(groups, lr=0.1)


def run_schedule(spec, opt_kind, two_groups, epochs):
    opt = make_optimizer(opt_kind, two_groups)
    s = build(opt, spec)
    moment = (lambda g: g["momentum"]) if opt_kind == "SGD" else (lambda g: g["betas"][0])
    lrs, momenta = [s.get_last_lr()], [[moment(g) for g in opt.param_groups]]
    for e in epochs:
        opt.step()
        if e is None:
            s.step()
        else:
            s.step(e)
        lrs.append(s.get_last_lr())
        momenta.append([moment(g) for g in opt.param_groups])
    return lrs, momenta


def schedulers():
    restarts = [0.5, 1.0, 1.75, 2, 3.5, None, None, 6, 6.5, 13.99, 14, None, 20.25, 0.3, None, 30, 31.5, None, 45, 62]
    jumps = [1, 2, 5, 5, 9, 3, None, None, 12, 0, None, 7, 20, None, 4, 4, 15, None, 8, 2]
    specs = [
        (sched("LambdaLR", [fn("pow095")]), False, None),
        (sched("LambdaLR", [[fn("warmup4"), fn("inverse")]]), True, None),
        (sched("LambdaLR", [fn("warmup4")]), False, jumps),
        (sched("MultiplicativeLR", [fn("times09")]), False, None),
        (sched("MultiplicativeLR", [[fn("every3"), fn("times09")]]), True, None),
        (sched("MultiplicativeLR", [fn("every3")]), False, jumps),
        (sched("ConstantLR", [], {"factor": 0.5, "total_iters": 4}), False, None),
        (sched("ConstantLR"), True, None),
        (sched("ConstantLR", [], {"factor": 0.25, "total_iters": 5}), False, jumps),
        (sched("PolynomialLR", [], {"total_iters": 8, "power": 2.0}), False, None),
        (sched("PolynomialLR"), True, None),
        (sched("PolynomialLR", [], {"total_iters": 10, "power": 0.5}), False, jumps),
        (sched("CosineAnnealingWarmRestarts", [5]), False, None),
        (sched("CosineAnnealingWarmRestarts", [3], {"T_mult": 2, "eta_min": 0.01}), True, None),
        (sched("CosineAnnealingWarmRestarts", [2], {"T_mult": 2, "eta_min": 0.001}), False, restarts),
        (sched("CosineAnnealingWarmRestarts", [4], {"eta_min": 0.005}), False, restarts),
        (sched("CosineAnnealingWarmRestarts", [3], {"T_mult": 3}), False, [None, 2.5, None, 12, 12.5, None, 39, 40.2] + [None] * 12),
        # step(epoch) on the existing schedules: their closed forms
        (sched("StepLR", [3], {"gamma": 0.5}), False, jumps),
        (sched("MultiStepLR", [[2, 5, 5, 9]], {"gamma": 0.3}), False, jumps),
        (sched("ExponentialLR", [0.9]), False, jumps),
        (sched("CosineAnnealingLR", [8], {"eta_min": 0.01}), False, jumps),
        (sched("LinearLR", [], {"start_factor": 0.25, "total_iters": 6}), False, jumps),
        (composite("SequentialLR", [sched("ConstantLR", [], {"factor": 0.1, "total_iters": 2}), sched("ExponentialLR", [0.9])], [2]), False, None),
        (composite("SequentialLR", [sched("LinearLR", [], {"start_factor": 0.2, "total_iters": 4}),
                                    sched("CosineAnnealingLR", [6], {"eta_min": 0.01}), sched("StepLR", [3], {"gamma": 0.5})], [5, 11]), True, None),
        (composite("SequentialLR", [sched("LambdaLR", [fn("warmup4")]), sched("MultiStepLR", [[3, 6]], {"gamma": 0.5}),
                                    sched("PolynomialLR", [], {"total_iters": 6, "power": 2.0})], [4, 12]), False, None),
        (composite("SequentialLR", [sched("ExponentialLR", [0.9]), sched("ConstantLR", [], {"factor": 0.5, "total_iters": 3})], [4]), False, None),
        # MultiplicativeLR has no closed form: at its milestone it keeps the lr it finds
        (composite("SequentialLR", [sched("ExponentialLR", [0.8]), sched("MultiplicativeLR", [fn("times09")])], [5]), False, None),
        (composite("SequentialLR", [sched("ConstantLR", [], {"factor": 0.5, "total_iters": 3}),
                                    sched("CosineAnnealingWarmRestarts", [4], {"T_mult": 2})], [3]), False, None),
        (composite("ChainedScheduler", [sched("ConstantLR", [], {"factor": 0.1, "total_iters": 2}), sched("ExponentialLR", [0.9])]), False, None),
        (composite("ChainedScheduler", [sched("LinearLR", [], {"start_factor": 0.5, "total_iters": 5}), sched("StepLR", [4], {"gamma": 0.5}),
                                        sched("MultiplicativeLR", [fn("times09")])]), True, None),
        (sched("CyclicLR", [0.01, 0.1], {"step_size_up": 4}), False, None),
        (sched("CyclicLR", [0.01, 0.1], {"step_size_up": 3, "step_size_down": 5, "mode": "triangular2"}), False, None),
        (sched("CyclicLR", [0.01, 0.1], {"step_size_up": 2, "mode": "exp_range", "gamma": 0.9, "base_momentum": 0.7, "max_momentum": 0.95}), False, None),
        (sched("CyclicLR", [0.01, 0.1], {"step_size_up": 4, "cycle_momentum": False}), False, None),
        (sched("CyclicLR", [[0.01, 0.02], [0.1, 0.05]], {"step_size_up": 3, "base_momentum": [0.8, 0.7], "max_momentum": [0.9, 0.85]}), True, None),
        (sched("CyclicLR", [0.01, 0.1], {"step_size_up": 2, "scale_fn": fn("shrink"), "scale_mode": "iterations"}), False, None),
        (sched("CyclicLR", [0.01, 0.1], {"step_size_up": 2, "scale_fn": fn("shrink")}), False, None),
    ]
    cases = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step(epoch) and the lr-before-optimizer order warn in PyTorch
        for spec, two_groups, epochs in specs:
            epochs = epochs or [None] * 20
            for opt_kind in ["SGD", "Adam"]:
                via = None
                if opt_kind == "Adam" and spec["kind"] == "CyclicLR" and spec["kwargs"].get("cycle_momentum", True):
                    # 1.13 refuses beta1 cycling; 2.x writes the momentum schedule into betas[0]
                    lrs, momenta = run_schedule(spec, "SGD", two_groups, epochs)
                    via = "SGD twin (1.13 cycles no betas; 2.x puts the same momenta in betas[0])"
                else:
                    lrs, momenta = run_schedule(spec, opt_kind, two_groups, epochs)
                cases.append({"spec": spec["ts"], "optimizer": opt_kind, "twoGroups": two_groups, "epochs": epochs,
                              "lrs": lrs, "momenta": momenta, **({"via": via} if via else {})})

    # argument errors whose messages 1.13 shares with 2.x
    bad = [
        (sched("LambdaLR", [[fn("pow095")]]), True, None),
        (sched("MultiplicativeLR", [[fn("times09"), fn("times09"), fn("times09")]]), True, None),
        (sched("ConstantLR", [], {"factor": 1.5}), False, None),
        (sched("ConstantLR", [], {"factor": -0.5}), False, None),
        (sched("CosineAnnealingWarmRestarts", [0]), False, None),
        (sched("CosineAnnealingWarmRestarts", [1.5]), False, None),
        (sched("CosineAnnealingWarmRestarts", [3], {"T_mult": 0}), False, None),
        (sched("CosineAnnealingWarmRestarts", [3], {"T_mult": 1.5}), False, None),
        (sched("CosineAnnealingWarmRestarts", [3]), False, -1),
        (composite("SequentialLR", [sched("StepLR", [2]), sched("ExponentialLR", [0.9])], [2, 4]), False, None),
        (sched("CyclicLR", [0.01, 0.1], {"mode": "sawtooth"}), False, None),
    ]
    errors = []
    for spec, two_groups, bad_epoch in bad:
        try:
            opt = make_optimizer("SGD", two_groups)
            s = build(opt, spec)
            s.step(bad_epoch)
        except ValueError as e:
            errors.append({"spec": spec["ts"], "twoGroups": two_groups, "stepEpoch": bad_epoch, "message": str(e)})
        else:
            raise AssertionError(f"accepted {spec['ts']}")
    # learning rates are computed in doubles on both sides: keep every digit
    write("schedulers2.json", {"torch": torch.__version__, "cases": cases, "errors": errors}, exact=True)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    optimizers()
    schedulers()
    print("wrote optimizers2.json, schedulers2.json")
