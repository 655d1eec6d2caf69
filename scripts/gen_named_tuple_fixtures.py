"""Field names, in order, of the named tuples PyTorch's multi-output ops return
(torch.return_types.*), for test/named-tuple.test.ts.
Run: /usr/bin/python3 scripts/gen_named_tuple_fixtures.py"""
import json
import torch

a = torch.tensor([[4.0, 1.0], [1.0, 3.0]])
x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
ops = {
    "max": lambda: torch.max(x, 1), "min": lambda: torch.min(x, 1),
    "sort": lambda: torch.sort(x), "topk": lambda: torch.topk(x, 2),
    "kthvalue": lambda: torch.kthvalue(x, 2), "median": lambda: torch.median(x, 1),
    "nanmedian": lambda: torch.nanmedian(x, 1), "mode": lambda: torch.mode(x, 1),
    "cummax": lambda: torch.cummax(x, 1), "cummin": lambda: torch.cummin(x, 1),
    "aminmax": lambda: torch.aminmax(x), "frexp": lambda: torch.frexp(x),
    "histogram": lambda: torch.histogram(x, 3),
    "linalg.qr": lambda: torch.linalg.qr(a), "linalg.svd": lambda: torch.linalg.svd(a),
    "linalg.slogdet": lambda: torch.linalg.slogdet(a), "linalg.eigh": lambda: torch.linalg.eigh(a),
    "linalg.luFactor": lambda: torch.linalg.lu_factor(a), "linalg.luFactorEx": lambda: torch.linalg.lu_factor_ex(a),
    "linalg.lu": lambda: torch.linalg.lu(a), "linalg.invEx": lambda: torch.linalg.inv_ex(a),
    "linalg.solveEx": lambda: torch.linalg.solve_ex(a, a), "linalg.choleskyEx": lambda: torch.linalg.cholesky_ex(a),
    "linalg.ldlFactor": lambda: torch.linalg.ldl_factor(a), "linalg.ldlFactorEx": lambda: torch.linalg.ldl_factor_ex(a),
    "triangularSolve": lambda: torch.triangular_solve(a, a.triu()),
}
out = {}
for name, f in ops.items():
    r = f()
    out[name] = list(type(r).__match_args__)  # a structseq: its fields in order
with open("test/fixtures/named-tuple-fields.json", "w") as fh:
    json.dump({"torch": torch.__version__, "fields": out}, fh, indent=1)
