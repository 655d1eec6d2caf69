"""Fixtures for test/faithful-4-schedulers.test.ts, from PyTorch 1.13 (run with /usr/bin/python3).

Writes test/fixtures/faithful-4/schedulers.json: every LR scheduler on SGD with
momentum and two param groups (lr 0.1 and 0.05): get_last_lr() after
construction and after each of 14 steps (optimizer.step() then
scheduler.step()), the groups' momentum where the scheduler cycles it, and the
same run resumed from the scheduler's and optimizer's state_dicts after step 6
on fresh objects. ReduceLROnPlateau takes a fixed metric sequence; 1.13 has no
get_last_lr for it, so the groups' lrs are recorded (what 2.x's get_last_lr
returns). The test builds the same schedulers.
"""
import json, os
import torch
import torch.optim.lr_scheduler as S

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "faithful-4")
os.makedirs(OUT, exist_ok=True)
STEPS, RESUME_AT = 14, 6
METRICS = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.7, 0.71]

SPECS = {
    "StepLR": lambda o: S.StepLR(o, 3, gamma=0.5),
    "MultiStepLR": lambda o: S.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda o: S.ExponentialLR(o, 0.8),
    "CosineAnnealingLR": lambda o: S.CosineAnnealingLR(o, 5, eta_min=0.01),
    "CosineAnnealingWarmRestarts": lambda o: S.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.005),
    "CyclicLR": lambda o: S.CyclicLR(o, [0.01, 0.02], [0.1, 0.2], step_size_up=2, step_size_down=3, mode="exp_range", gamma=0.9),
    "CyclicLRTriangular2": lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="triangular2", base_momentum=0.7, max_momentum=0.95),
    "OneCycleLR": lambda o: S.OneCycleLR(o, [0.5, 0.25], total_steps=STEPS, pct_start=0.3, anneal_strategy="linear", three_phase=True),
    "OneCycleLRCos": lambda o: S.OneCycleLR(o, 0.4, epochs=2, steps_per_epoch=7, div_factor=10, final_div_factor=100),
    "LambdaLR": lambda o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 / (1 + e)]),
    "MultiplicativeLR": lambda o: S.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 0.95),
    "LinearLR": lambda o: S.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=6),
    "ConstantLR": lambda o: S.ConstantLR(o, factor=0.25, total_iters=4),
    "PolynomialLR": lambda o: S.PolynomialLR(o, total_iters=8, power=2.0),
    "SequentialLR": lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, 0.7)], milestones=[4]),
    "ChainedScheduler": lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, 0.9)]),
    "ReduceLROnPlateau": lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=1, threshold=0.05, cooldown=1, min_lr=[0.02, 0.001]),
    "ReduceLROnPlateauMaxAbs": lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.2, patience=0, threshold=0.02, threshold_mode="abs"),
}

def optimizer():
    w = torch.nn.Parameter(torch.ones(2)); b = torch.nn.Parameter(torch.ones(1))
    return torch.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.05}], lr=0.1, momentum=0.9), (w, b)

def lrs(o, s):
    return [g["lr"] for g in o.param_groups] if isinstance(s, S.ReduceLROnPlateau) else list(s.get_last_lr())

def advance(o, s, params, t):
    for p in params:
        p.grad = torch.ones_like(p)
    o.step()
    s.step(METRICS[t]) if isinstance(s, S.ReduceLROnPlateau) else s.step()

def run(make):
    o, ps = optimizer()
    s = make(o)
    out, moms = [lrs(o, s)], [[g["momentum"] for g in o.param_groups]]
    for t in range(STEPS):
        advance(o, s, ps, t)
        out.append(lrs(o, s)); moms.append([g["momentum"] for g in o.param_groups])
    # resumed: the same run to RESUME_AT, then fresh objects loaded from the state dicts
    o, ps = optimizer(); s = make(o)
    for t in range(RESUME_AT):
        advance(o, s, ps, t)
    osd, ssd = o.state_dict(), s.state_dict()
    o2, ps2 = optimizer(); s2 = make(o2)
    o2.load_state_dict(osd); s2.load_state_dict(ssd)
    resumed = []
    for t in range(RESUME_AT, STEPS):
        advance(o2, s2, ps2, t)
        resumed.append(lrs(o2, s2))
    return {"lrs": out, "momenta": moms, "resumed": resumed}

with open(os.path.join(OUT, "schedulers.json"), "w") as fh:
    json.dump({"metrics": METRICS, "steps": STEPS, "resumeAt": RESUME_AT, "cases": {k: run(v) for k, v in SPECS.items()}}, fh, indent=1)
    fh.write("\n")
