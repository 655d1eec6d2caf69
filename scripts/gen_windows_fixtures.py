#!/usr/bin/python3
"""Golden windows (test/windows.test.ts):

    /usr/bin/python3 scripts/gen_windows_fixtures.py

Writes test/fixtures/ops/windows.json: each window function at several
lengths, periodic and symmetric, float32 and float64, with its extra
parameters; then the error messages of bad calls.
"""
import json
import os

import torch

from fixture_numbers import error_text, tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "windows.json")
FNS = {"hann_window": {}, "hamming_window": {"alpha": 0.6, "beta": 0.35}, "blackman_window": {}, "bartlett_window": {}, "kaiser_window": {"beta": 5.5}}


def main():
    cases = []
    for name, extra in FNS.items():
        fn = getattr(torch, name)
        for length in [0, 1, 2, 3, 8, 17]:
            for periodic in [True, False]:
                for dtype in [torch.float32, torch.float64]:
                    for kw in [{}, extra] if extra else [{}]:
                        w = fn(length, periodic=periodic, dtype=dtype, **kw)
                        cases.append({"fn": name, "length": length, "periodic": periodic, "options": kw, "out": tensor_json(w)})
    errors = {
        "hann_window int32": error_text(lambda: torch.hann_window(4, dtype=torch.int32)),
        "kaiser_window bool": error_text(lambda: torch.kaiser_window(4, dtype=torch.bool)),
        "bartlett_window -2": error_text(lambda: torch.bartlett_window(-2)),
        "hamming_window 2.5": error_text(lambda: torch.hamming_window(2.5)),
    }
    with open(OUT, "w") as f:
        json.dump({"cases": cases, "errors": errors}, f)
        f.write("\n")


main()
