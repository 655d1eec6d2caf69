/**
 * ceil_mode pooling and max_pool2d's returned indices against PyTorch on both
 * backends (fixtures: scripts/gen_pad_fixtures.py): output sizes, values,
 * indices and input gradients, for max and avg pooling with padding,
 * strides, dilation, countIncludePad and divisorOverride; and the layers'
 * options and repr.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkGolden, type Encoded, type GoldenCase, readOpsCases, values } from "./fixture-values.js";

const F = torch.nn.functional;
type Pair = number | [number, number];

interface CeilPoolCase extends GoldenCase {
  op: "max" | "avg";
  kernel: Pair;
  stride: Pair | null;
  padding: Pair;
  dilation?: Pair;
  count_include_pad?: boolean;
  divisor_override?: number;
  input: { shape: number[]; data: Encoded[] };
  output: { shape: number[]; data: Encoded[] };
  indices?: number[];
  gradOutput: Encoded[];
  inputGrad: Encoded[];
}

const CASES = readOpsCases<CeilPoolCase>("ceil-pool.json");

function pool(c: CeilPoolCase, x: Tensor): [Tensor, Tensor | null] {
  const common = { stride: c.stride, padding: c.padding, ceilMode: true };
  if (c.op === "avg") {
    return [F.avgPool2d(x, c.kernel, { ...common, countIncludePad: c.count_include_pad ?? true, divisorOverride: c.divisor_override ?? null }), null];
  }
  return F.maxPool2d(x, c.kernel, { ...common, dilation: c.dilation ?? 1, returnIndices: true });
}

for (const backend of BACKENDS) {
  test(`ceil-mode max and avg pooling match PyTorch: sizes, values, indices, gradients (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of CASES) {
      let indices: Tensor | null = null;
      checkGolden(c, (x) => {
        const [y, i] = pool(c, x);
        indices = i;
        return y;
      });
      if (c.indices) {
        assert.equal(indices!.dtype, "int32");
        assert.equal(indices!.requiresGrad, false);
        assert.deepEqual(indices!.shape, c.output.shape, `${c.name} indices shape`);
        assert.deepEqual(values(indices!), c.indices, `${c.name} indices`);
      }
    }
  });
}

test("returnIndices without a graph, and floor mode's indices, agree with the pooled values", () => {
  const x = torch.randn([2, 3, 6, 7]);
  const [v, i] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
  assert.deepEqual(v.tolist(), F.maxPool2d(x, 3, { stride: 2, padding: 1 }).tolist());
  // each index points at its window's maximum in the input plane
  const picked = x.reshape([2, 3, 42]).gather(2, i.reshape([2, 3, -1])).reshape(v.shape);
  assert.deepEqual(picked.tolist(), v.tolist());
});

test("MaxPool2d and AvgPool2d layers take ceilMode and returnIndices", () => {
  const x = torch.randn([1, 2, 5, 5]);
  const pool = new torch.nn.MaxPool2d(2, { ceilMode: true });
  assert.deepEqual(pool.forward(x).shape, [1, 2, 3, 3]);
  assert.equal(String(pool), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)");
  const withIndices = new torch.nn.MaxPool2d(2, { returnIndices: true });
  const [v, i] = withIndices.forward(x);
  assert.deepEqual([v.shape, i.shape], [[1, 2, 2, 2], [1, 2, 2, 2]]);
  assert.deepEqual(new torch.nn.AvgPool2d(2, { ceilMode: true }).forward(x).shape, [1, 2, 3, 3]);
  // floor mode drops the last row and column, as before
  assert.deepEqual(new torch.nn.AvgPool2d(2).forward(x).shape, [1, 2, 2, 2]);
});
