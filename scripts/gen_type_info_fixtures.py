#!/usr/bin/python3
"""Golden torch.finfo / torch.iinfo (test/type-info.test.ts):

    /usr/bin/python3 scripts/gen_type_info_fixtures.py

Writes test/fixtures/ops/type-info.json: each attribute (exact) and the repr
for float32, float64 and int32, and the errors of the wrong kind of dtype.
"""
import json
import os

import torch

from fixture_numbers import error_text

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "type-info.json")


def main():
    finfo = {}
    for name, d in [("float32", torch.float32), ("float64", torch.float64)]:
        f = torch.finfo(d)
        finfo[name] = {"bits": f.bits, "eps": f.eps, "max": f.max, "min": f.min, "tiny": f.tiny,
                       "smallestNormal": f.smallest_normal, "resolution": f.resolution, "repr": repr(f)}
    i = torch.iinfo(torch.int32)
    iinfo = {"int32": {"bits": i.bits, "max": i.max, "min": i.min, "repr": repr(i)}}
    errors = {
        "finfo int32": error_text(lambda: torch.finfo(torch.int32)),
        "iinfo float32": error_text(lambda: torch.iinfo(torch.float32)),
        "iinfo bool": error_text(lambda: torch.iinfo(torch.bool)),
        "set_num_threads 0": error_text(lambda: torch.set_num_threads(0)),
    }
    with open(OUT, "w") as f:
        json.dump({"finfo": finfo, "iinfo": iinfo, "errors": errors}, f, indent=1)
        f.write("\n")


main()
