// Round trips with PyTorch: models trained in PyTorch load and match its outputs;
// models trained here load in PyTorch (checked by scripts/check_torchlet_export.py when PyTorch is installed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.js";
import { makeModel } from "../examples/pytorch-models.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "io");
const PYTHON = "/usr/bin/python3";

interface Reference {
  arch: "mlp" | "cnn";
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
  state_dict: Record<string, { shape: number[]; dtype: string }>;
}

function readReference(arch: string): Reference {
  return JSON.parse(readFileSync(join(FIXTURES, `${arch}.json`), "utf8")) as Reference;
}

/** Largest |a - b| / (atol + rtol |b|): at most 1 means within float32 tolerance. */
function worstError(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): number {
  assert.equal(got.length, want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (atol + rtol * Math.abs(want[i]!)));
  return worst;
}

for (const arch of ["mlp", "cnn"] as const) {
  test(`a ${arch} trained in PyTorch loads with loadStateDict and gives PyTorch's outputs`, () => {
    const ref = readReference(arch);
    const sd = torch.load(join(FIXTURES, `${arch}.safetensors`));
    assert.deepEqual(Object.keys(sd).sort(), Object.keys(ref.state_dict).sort());
    for (const [name, info] of Object.entries(ref.state_dict)) assert.deepEqual(sd[name]!.shape, info.shape, name);

    const model = makeModel(arch);
    const { missingKeys, unexpectedKeys } = model.loadStateDict(sd); // strict: throws on any mismatch
    assert.deepEqual([missingKeys, unexpectedKeys], [[], []]);
    model.eval();
    const x = torch.tensor(ref.input).reshape(ref.input_shape);
    const out = torch.inferenceMode(() => model.forward(x));
    assert.deepEqual(out.shape, ref.output_shape);
    const err = worstError(out.toArray(), ref.output);
    assert.ok(err <= 1, `outputs differ from PyTorch's (worst error ${err.toFixed(3)} tolerances)`);
    if (arch === "cnn") {
      // PyTorch's int64 counter arrives as int32, and BatchNorm's running stats were trained (not the defaults).
      const bn = sd["bn1.num_batches_tracked"]!;
      assert.equal(bn.dtype, "int32");
      assert.equal(bn.item(), 30);
      assert.notDeepEqual(sd["bn1.running_var"]!.tolist(), [1, 1, 1, 1]);
    }
  });
}

let pyTorchFound: boolean | undefined;
function hasPyTorch(): boolean {
  pyTorchFound ??= spawnSync(PYTHON, ["-c", "import torch, numpy"], { timeout: 60_000, stdio: "ignore" }).status === 0;
  return pyTorchFound;
}

function trainHere(arch: "mlp" | "cnn", inputShape: number[], classes: number): ReturnType<typeof makeModel> {
  torch.manualSeed(arch === "mlp" ? 11 : 12);
  const model = makeModel(arch);
  const x = torch.randn([16, ...inputShape]);
  const y = torch.randint(0, classes, [16]);
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    optimizer.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  assert.ok(losses.at(-1)! < losses[0]!, `training did not lower the loss: ${losses.join(", ")}`);
  model.eval();
  return model;
}

for (const [arch, inputShape, classes] of [["mlp", [8], 4], ["cnn", [1, 8, 8], 3]] as const) {
  test(`a ${arch} trained in torchlet and saved loads in PyTorch with the same outputs`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), "torchlet-export-"));
    try {
      const model = trainHere(arch, [...inputShape], classes);
      const x = torch.randn([4, ...inputShape]);
      const out = torch.noGrad(() => model.forward(x));
      const path = join(dir, `${arch}.safetensors`);
      torch.save(model.stateDict(), path, { metadata: { format: "pt", producer: "torchlet" } });

      // The torchlet side: the file loads back into a fresh model with the same outputs.
      const fresh = makeModel(arch);
      fresh.loadStateDict(torch.load(path));
      fresh.eval();
      assert.deepEqual(Array.from(torch.noGrad(() => fresh.forward(x)).toArray()), Array.from(out.toArray()));

      const reference = join(dir, `${arch}.json`);
      writeFileSync(reference, JSON.stringify({ arch, input_shape: x.shape, input: Array.from(x.toArray()), output: Array.from(out.toArray()) }));
      if (!hasPyTorch()) {
        t.skip(`PyTorch side skipped: ${PYTHON} with torch and numpy is not installed (the committed fixtures cover the other direction)`);
        return;
      }
      const r = spawnSync(PYTHON, [join(ROOT, "scripts", "check_torchlet_export.py"), path, reference], { encoding: "utf8", timeout: 120_000 });
      assert.equal(r.status, 0, `check_torchlet_export.py failed:\n${r.stdout}\n${r.stderr}`);
      const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { ok: boolean; same_bytes: boolean; outputs_match: boolean; max_abs_diff: number; metadata: Record<string, string> };
      assert.deepEqual([result.ok, result.same_bytes, result.outputs_match], [true, true, true]);
      assert.deepEqual(result.metadata, { format: "pt", producer: "torchlet" });
      t.diagnostic(`PyTorch's outputs differ from torchlet's by at most ${result.max_abs_diff.toExponential(2)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
