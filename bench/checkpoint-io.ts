/**
 * Loading and saving a ~100 MB state dict in PyTorch's torch.save format and in
 * safetensors, torchlet against PyTorch (bench/pytorch_checkpoint_io.py) on the
 * same files: `node dist/bench/checkpoint-io.js DIR` after the Python script
 * wrote DIR/pytorch.pt. Prints medians of 5 rounds, alternating the cases.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";

const dir = process.argv[2] ?? "/tmp/torchlet-ckpt-bench";
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const fromPyTorch = join(dir, "pytorch.pt");
const sd = torch.load(fromPyTorch);
const cases: Record<string, () => void> = {
  "load pytorch.pt (written by PyTorch)": () => torch.load(fromPyTorch),
  "save torchlet.pt": () => torch.save(sd, join(dir, "torchlet.pt")),
  "load torchlet.pt": () => torch.load(join(dir, "torchlet.pt")),
  "save torchlet.safetensors": () => torch.save(sd, join(dir, "torchlet.safetensors")),
  "load torchlet.safetensors": () => torch.load(join(dir, "torchlet.safetensors")),
  "read the .pt bytes only": () => readFileSync(fromPyTorch),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let round = 0; round < 5; round++) for (const [name, f] of Object.entries(cases)) times[name]!.push(time(f));
console.log(`${(statSync(fromPyTorch).size / 1e6).toFixed(1)} MB state dict, medians of 5 (ms):`);
for (const [name, xs] of Object.entries(times)) console.log(`  ${name.padEnd(40)} ${median(xs).toFixed(1)}`);
