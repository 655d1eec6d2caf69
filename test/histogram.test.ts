/**
 * torch.histogram against PyTorch (test/fixtures/ops/histogram.json, from
 * scripts/gen_histogram_fixtures.py): counts, weights, density and edges,
 * equal bins and given edges, float32 and float64, and the error messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, decode, values, readOpsFixture, tensorOf, type TensorJson } from "./fixture-values.js";

interface Case {
  name: string;
  input: TensorJson;
  bins: number | TensorJson;
  range: [number, number] | null;
  weight: TensorJson | null;
  density: boolean;
  hist: TensorJson;
  binEdges: TensorJson;
}

const FIX = readOpsFixture<{
  cases: Case[];
  errors: Record<string, string>;
}>("histogram.json");

for (const c of FIX.cases) {
  test(`histogram: ${c.name}`, () => {
    const bins = typeof c.bins === "number" ? c.bins : tensorOf(c.bins);
    const { hist, binEdges } = torch.histogram(tensorOf(c.input), bins, {
      ...(c.range ? { range: c.range } : {}),
      ...(c.weight ? { weight: tensorOf(c.weight) } : {}),
      density: c.density,
    });
    assert.equal(hist.dtype, c.hist.dtype);
    assert.deepEqual(hist.shape, c.hist.shape);
    assert.deepEqual(binEdges.shape, c.binEdges.shape);
    assertClose(values(binEdges), c.binEdges.data, "bin edges");
    // counts are exact; weights and densities are sums of floats
    if (c.weight === null && !c.density) assert.deepEqual(values(hist), c.hist.data.map(decode));
    else assertClose(values(hist), c.hist.data, "hist");
  });
}

test("histogram: the given edges are copied, not aliased, and the result does not require grad", () => {
  const edges = torch.tensor([0, 1, 2]);
  const x = torch.tensor([0.5, 1.5, 1.7], { requiresGrad: true });
  const { hist, binEdges } = torch.histogram(x, edges);
  edges.fill_(9);
  assert.deepEqual(binEdges.tolist(), [0, 1, 2]);
  assert.deepEqual(hist.tolist(), [1, 2]);
  assert.equal(hist.requiresGrad, false);
});

test("histogram: PyTorch's errors", () => {
  const x = torch.tensor([1, 2, 1, 2.5, 4]);
  const calls: Record<string, () => unknown> = {
    "min above max": () => torch.histogram(x, 3, { range: [2, 1] }),
    "zero bins": () => torch.histogram(x, 0),
    "2-d edges": () => torch.histogram(x, torch.tensor([[0, 1]])),
    "edges of another dtype": () => torch.histogram(x, torch.tensor([0, 1], { dtype: "float64" })),
    "infinite range": () => torch.histogram(x, 3, { range: [0, Infinity] }),
    "integer input": () => torch.histogram(torch.tensor([1, 2], { dtype: "int32" }), 3),
    "weight of another size": () => torch.histogram(x, 3, { weight: torch.ones([4]) }),
    "empty edges": () => torch.histogram(x, torch.tensor([])),
    "NaN in the data": () => torch.histogram(torch.tensor([1, NaN]), 3),
    "weight of another dtype": () => torch.histogram(x, 3, { weight: torch.ones([5], { dtype: "float64" }) }),
    "a single edge": () => torch.histogram(x, torch.tensor([0])),
    "zero bins and min above max": () => torch.histogram(x, 0, { range: [2, 1] }),
    "weight of another size and min above max": () => torch.histogram(x, 3, { range: [2, 1], weight: torch.ones([4]) }),
    "single edge and weight of another size": () => torch.histogram(x, torch.tensor([0]), { weight: torch.ones([4]) }),
  };
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(FIX.errors).sort());
  for (const [name, call] of Object.entries(calls)) assert.throws(call, { message: FIX.errors[name] }, name);
});

test("histogram: bins defaults to 100, as in PyTorch's signature (histogram.bin_ct: int bins=100)", () => {
  const x = torch.randn([500]);
  const byDefault = torch.histogram(x), explicit = torch.histogram(x, 100);
  assert.equal(byDefault.hist.shape[0], 100);
  assert.deepEqual(values(byDefault.hist), values(explicit.hist));
  assert.deepEqual(values(x.histogram().binEdges), values(explicit.binEdges));
});
