"""Writes the golden fixtures of Rprop, ASGD and LBFGS: test/fixtures/nn/optimizers3.json.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_optim3_fixtures.py
The tests only read the JSON; CI never runs Python.

PyTorch 1.13 is the oracle. Its single-tensor Rprop, ASGD and LBFGS are the
algorithms 2.x runs on CPU (2.x adds capturable/differentiable paths, tensor
step counters and LBFGS's "Invalid learning rate" check, which the test
checks by hand). 2.x's foreach ASGD (used on GPUs only) computes eta as
lr / (1 + lambd·lr·step^alpha), unlike its single-tensor path and the docs;
torchlet follows the single-tensor path.

LBFGS runs in float64 on the Rosenbrock function, so the trajectories compare
to ~1e-10 whatever the order of float32 roundings.
"""
import os

import torch

from gen_nn_fixtures import OUT, A, P0, P1, L, objective, write
from gen_optim2_fixtures import camel, ts_options

STEPS = 10


def state_json(st):
    out = {}
    for k, v in st.items():
        if torch.is_tensor(v):
            out[k] = L(v.flatten()) if v.dim() > 0 else v.item()
        else:
            out[k] = v
    return out


def first_order():
    """Rprop and ASGD on the shared objective: parameters and state after each step."""
    specs = [
        ("Rprop", {}),
        ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}),
        ("Rprop", {"lr": 0.02, "maximize": True}),
        ("ASGD", {}),
        ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 3}),
        ("ASGD", {"lr": 0.1, "t0": 0, "weight_decay": 0.1}),
        ("ASGD", {"lr": 0.02, "t0": 4, "lambd": 0.1, "maximize": True}),
    ]
    cases = []
    for kind, py in specs:
        for groups in [False, True]:
            p = P0.clone().requires_grad_(True)
            q = P1.clone().requires_grad_(True)
            make = getattr(torch.optim, kind)
            lr = py.get("lr", make([torch.zeros(1, requires_grad=True)]).defaults["lr"])
            opt = make([{"params": [p]}, {"params": [q], "lr": lr * 3}] if groups else [p, q], **py)
            traj = []
            for _ in range(STEPS):
                opt.zero_grad()
                loss = objective(p, q)
                if py.get("maximize"):
                    loss = -loss
                loss.backward()
                opt.step()
                traj.append({"p": L(p.flatten()), "q": L(q), "stateP": state_json(opt.state[p]), "stateQ": state_json(opt.state[q])})
            cases.append({"optimizer": kind, "options": ts_options(py), "groups": groups,
                          "group2": {"lr": lr * 3} if groups else None, "trajectory": traj})
    return cases


def rosenbrock(x):
    """The n-dimensional Rosenbrock function of a flat vector."""
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def lbfgs_run(x0s, py, steps, split=None):
    """LBFGS on the Rosenbrock function of the parameters concatenated (float64); what each step() leaves."""
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in x0s]
    opt = torch.optim.LBFGS(xs, **py)

    def closure():
        opt.zero_grad()
        loss = rosenbrock(torch.cat([x.reshape(-1) for x in xs]))
        loss.backward()
        return loss

    out = []
    for _ in range(steps):
        loss = opt.step(closure)
        st = opt.state[xs[0]]
        out.append({
            "x": [L(x.flatten()) for x in xs],
            "loss": loss.item(),
            "funcEvals": st["func_evals"],
            "nIter": st["n_iter"],
            "historyLength": len(st.get("old_dirs", [])),
            "t": float(st["t"]) if "t" in st else None,
            "keys": sorted(st.keys()),
        })
    return out


def lbfgs():
    start = [[-1.5, 2.0]]
    specs = [
        (start, {"line_search_fn": "strong_wolfe"}, 4),
        (start, {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 6}, 6),
        (start, {"lr": 0.5, "max_iter": 5}, 6),
        (start, {"lr": 0.1, "history_size": 2, "max_iter": 7}, 5),
        (start, {"line_search_fn": "strong_wolfe", "max_iter": 20, "max_eval": 7}, 3),
        (start, {"line_search_fn": "strong_wolfe", "tolerance_grad": 1e-2}, 3),
        (start, {"line_search_fn": "strong_wolfe", "tolerance_change": 1e-3}, 3),
        (start, {"line_search_fn": "strong_wolfe", "lr": 0.3, "max_iter": 4}, 4),
        ([[[0.5, -0.3], [1.2, 0.8]], [-1.0, 0.3, 1.5]], {"line_search_fn": "strong_wolfe", "max_iter": 10}, 3),
        ([[[0.5, -0.3], [1.2, 0.8]], [-1.0, 0.3, 1.5]], {"lr": 0.2, "max_iter": 10, "history_size": 4}, 3),
    ]
    cases = []
    for x0s, py, steps in specs:
        cases.append({"x0": x0s, "options": ts_options(py), "steps": lbfgs_run(x0s, py, steps)})
    # a minimum already: the first check returns before any iteration
    cases.append({"x0": [[1.0, 1.0]], "options": {}, "steps": lbfgs_run([[1.0, 1.0]], {}, 2)})
    return cases


def defaults_and_errors():
    defaults, state_keys = {}, {}
    for kind in ["Rprop", "ASGD", "LBFGS"]:
        x = torch.ones(2, requires_grad=True)
        opt = getattr(torch.optim, kind)([x])
        defaults[kind] = {camel(k): list(v) if isinstance(v, tuple) else v for k, v in opt.defaults.items()
                          if k not in ("foreach", "differentiable", "capturable", "fused")}
        if kind == "LBFGS":
            def closure():
                opt.zero_grad()
                loss = (x * x).sum()
                loss.backward()
                return loss
            opt.step(closure)
        else:
            x.sum().backward()
            opt.step()
        state_keys[kind] = sorted(opt.state[x].keys())
    errors = []
    bad = [
        ("Rprop", {"lr": -0.5}), ("Rprop", {"etas": (1.5, 1.2)}), ("Rprop", {"etas": (0.5, 0.9)}), ("Rprop", {"etas": (0, 1.2)}),
        ("ASGD", {"lr": -0.01}), ("ASGD", {"weight_decay": -0.5}),
    ]
    for kind, py in bad:
        try:
            getattr(torch.optim, kind)([torch.ones(1, requires_grad=True)], **py)
        except ValueError as e:
            errors.append({"optimizer": kind, "options": ts_options(py), "message": str(e)})
        else:
            raise AssertionError(f"{kind} accepted {py}")
    try:
        torch.optim.LBFGS([{"params": [torch.ones(1, requires_grad=True)]}, {"params": [torch.ones(1, requires_grad=True)]}])
    except ValueError as e:
        groups_error = str(e)
    return defaults, state_keys, errors, groups_error


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    defaults, state_keys, errors, groups_error = defaults_and_errors()
    write("optimizers3.json", {
        "torch": torch.__version__, "steps": STEPS, "p0": L(P0.flatten()), "q0": L(P1), "a": L(A.flatten()),
        "cases": first_order(), "defaults": defaults, "stateKeys": state_keys, "errors": errors,
        "lbfgsGroupsError": groups_error,
    })
    # LBFGS in float64: keep every digit
    write("lbfgs.json", {"torch": torch.__version__, "cases": lbfgs()}, exact=True)
    print("wrote optimizers3.json, lbfgs.json")
