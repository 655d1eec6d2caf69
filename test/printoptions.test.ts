/**
 * torch.setPrintoptions against PyTorch (test/fixtures/ops/printoptions.json,
 * from scripts/gen_printoptions_fixtures.py): every tensor printed under
 * each set of options is PyTorch's string, character for character.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";
import { decode, type Encoded, readOpsFixture } from "./fixture-values.js";

interface TensorJson {
  shape: number[];
  dtype: DType;
  data: Encoded[];
  requiresGrad: boolean;
}
interface PyOptions {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  sci_mode?: boolean;
  profile?: "default" | "short" | "full";
}

const FIX = readOpsFixture<{
  tensors: Record<string, TensorJson>;
  cases: { options: PyOptions; strings: Record<string, string> }[];
}>("printoptions.json");
const tensors: Record<string, Tensor> = Object.fromEntries(
  Object.entries(FIX.tensors).map(([name, t]) => [name, torch.tensor(t.data.map(decode), { dtype: t.dtype }).reshape(t.shape).requiresGrad_(t.requiresGrad)]),
);

/** Runs `fn` under `options`, restoring PyTorch's defaults after. */
function under(options: torch.SetPrintOptions, fn: () => void): void {
  torch.setPrintoptions(options);
  try {
    fn();
  } finally {
    torch.setPrintoptions({ profile: "default" });
  }
}

for (const c of FIX.cases) {
  const { sci_mode, ...rest } = c.options;
  const options: torch.SetPrintOptions = { ...rest, ...(sci_mode === undefined ? {} : { sciMode: sci_mode }) };
  test(`setPrintoptions ${JSON.stringify(c.options)}: every tensor prints as PyTorch's`, () => {
    under(options, () => {
      for (const [name, want] of Object.entries(c.strings)) assert.equal(String(tensors[name]), want, name);
    });
  });
}

test("setPrintoptions: zero edge items print every summarized dimension as '...' (2.x; 1.13 fails on matrices)", () => {
  // PyTorch 2.x's _tensor_str: `if summarize and not PRINT_OPTS.edgeitems: data = ["..."]`
  under({ threshold: 5, edgeitems: 0 }, () => {
    assert.equal(String(tensors["long-row"]), "tensor([...])");
    assert.equal(String(tensors["small"]), "tensor([...])");
    assert.equal(String(tensors["bool"]), "tensor([ True, False,  True])");
  });
});

test("setPrintoptions: a profile first, then the options; sciMode resets unless given; getPrintoptions copies", () => {
  under({ profile: "short", precision: 6, sciMode: true }, () => {
    assert.deepEqual(torch.getPrintoptions(), { precision: 6, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: true });
    torch.setPrintoptions({ linewidth: 100 });
    assert.deepEqual(torch.getPrintoptions(), { precision: 6, threshold: 1000, edgeitems: 2, linewidth: 100, sciMode: undefined });
    const copy = torch.getPrintoptions();
    copy.precision = 1;
    assert.equal(torch.getPrintoptions().precision, 6);
  });
  assert.deepEqual(torch.getPrintoptions(), { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: undefined });
  under({ profile: "full" }, () => assert.equal(torch.getPrintoptions().threshold, Infinity));
});

test("setPrintoptions: bad options name the option and leave the others as they were", () => {
  assert.throws(() => torch.setPrintoptions({ precision: -1 }), /^Error: setPrintoptions: precision must be an integer >= 0, got -1$/);
  assert.throws(() => torch.setPrintoptions({ linewidth: 0 }), /linewidth must be an integer >= 1, got 0/);
  assert.throws(() => torch.setPrintoptions({ edgeitems: 1.5 }), /edgeitems must be an integer >= 0, got 1.5/);
  assert.throws(() => torch.setPrintoptions({ profile: "long" as "full" }), /profile must be "default", "short" or "full", got "long"/);
  assert.throws(() => torch.setPrintoptions({ precison: 2 } as torch.SetPrintOptions), /unknown option "precison"/);
  assert.throws(() => torch.setPrintoptions({ precision: 2, linewidth: 0 }), /linewidth/);
  assert.equal(torch.getPrintoptions().precision, 4);
});
