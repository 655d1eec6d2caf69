"""How the golden-fixture scripts write numbers: 9 significant digits (float32
round-trips), and the non-finite values JSON has no literals for as "nan",
"inf" and "-inf" (test/fixture-values.ts reads them back).
"""
import math


def enc(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float("%.9g" % v)


def flat(t):
    """A tensor's elements in row-major order, encoded."""
    return [enc(v) for v in t.detach().reshape(-1).tolist()]
