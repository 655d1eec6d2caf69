/**
 * `npm run bench`: torchlet's workloads side by side with PyTorch
 * (/usr/bin/python3 with torch, when installed) and onnxruntime-node (when
 * installed) in one run, as a table of medians and ratios. Never part of
 * `npm test`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { runOnnxruntime, type SharedWorkloads } from "./onnxruntime.js";
import { elementwiseReps, matmulReps, medianOfSelfTimed, medianTime, perOpMicros } from "./timing.js";
import { cnnWorkload, digitsWorkload } from "./workloads.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const digitsPath = join(root, "datasets", "digits.csv.gz");
type Results = Record<string, number>;

function matmulGflops(n: number): number {
  const a = torch.randn([n, n]), b = torch.randn([n, n]);
  const t = medianTime(() => a.matmul(b), matmulReps(n));
  return (2 * n ** 3) / t / 1e9;
}

function mlpParams(requiresGrad: boolean): torch.Tensor[] {
  const p = [
    torch.randn([784, 1024]).mul(0.03), torch.zeros([1024]),
    torch.randn([1024, 1024]).mul(0.03), torch.zeros([1024]),
    torch.randn([1024, 10]).mul(0.03), torch.zeros([10]),
  ];
  return p.map((t) => t.requiresGrad_(requiresGrad));
}

function mlp(x: torch.Tensor, p: torch.Tensor[]): torch.Tensor {
  const h1 = x.matmul(p[0]!).add(p[1]!).relu();
  const h2 = h1.matmul(p[2]!).add(p[3]!).relu();
  return h2.matmul(p[4]!).add(p[5]!);
}

function crossEntropy(logits: torch.Tensor, target: torch.Tensor): torch.Tensor {
  return logits.logSoftmax(1).gather(1, target.unsqueeze(1)).mean().neg();
}

/** The inference workloads onnxruntime runs too, with the same weights and inputs. */
function sharedWorkloads(): SharedWorkloads {
  const input = torch.randn([256, 784]);
  const params = mlpParams(false);
  return { mlp: { input, params, forward: () => mlp(input, params) }, cnn: cnnWorkload() };
}

function runTorchlet(shared: SharedWorkloads): Results {
  const out: Results = {};
  for (const n of [128, 256, 512, 1024]) out[`matmul n=${n} (GFLOPS)`] = matmulGflops(n);
  const x = shared.mlp.input;
  const y = torch.randint(0, 10, [256]);
  out["MLP inference, batch 256 (ms)"] = torch.noGrad(() => medianTime(shared.mlp.forward, 20)) * 1e3;
  const params = mlpParams(true);
  const step = () => {
    for (const p of params) p.grad = null;
    crossEntropy(mlp(x, params), y).backward();
    torch.noGrad(() => { for (const p of params) p.sub_(p.grad!.mul(0.01)); });
  };
  out["MLP training step, batch 256 (ms)"] = medianTime(step, 15) * 1e3;
  out["CNN inference, batch 64 (ms)"] = torch.noGrad(() => medianTime(shared.cnn.forward, 15)) * 1e3;
  for (const [n, label] of [[1 << 20, "1M"], [1 << 24, "16M"]] as const) {
    const a = torch.randn([n]), b = torch.randn([n]);
    const reps = elementwiseReps(n);
    out[`add ${label} floats (GB/s)`] = (3 * 4 * n) / medianTime(() => a.add(b), reps) / 1e9;
    out[`relu ${label} floats (GB/s)`] = (2 * 4 * n) / medianTime(() => a.relu(), reps) / 1e9;
  }
  const s1 = torch.randn([4]), s2 = torch.randn([4]);
  out["4-element add, no grad (us)"] = perOpMicros(() => s1.add(s2));
  const g1 = torch.randn([4], { requiresGrad: true });
  out["4-element add, with grad (us)"] = perOpMicros(() => g1.add(s2));
  out["digits MLP, 20 epochs (s)"] = medianOfSelfTimed(digitsWorkload(), 3);
  return out;
}

function runPyTorch(): Results | null {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return null;
  // Debian's OpenBLAS is pinned to an old core type here for safety; unset it so PyTorch runs its best kernel.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [join(root, "bench", "pytorch_bench.py"), "2"];
  if (existsSync(digitsPath)) args.push(digitsPath);
  const r = spawnSync(python, args, { env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) {
    console.log(`PyTorch bench skipped: ${(r.stderr || "").trim().split("\n").pop() ?? "failed"}`);
    return null;
  }
  return JSON.parse(r.stdout) as Results;
}

function higherIsBetter(name: string): boolean {
  return name.includes("GFLOPS") || name.includes("GB/s");
}

/** "1.23x faster" / "0.50x slower" for torchlet against `other`, or "-" without a number. */
function ratio(name: string, ours: number, other: number | undefined): string {
  if (other === undefined) return "-";
  const speedup = higherIsBetter(name) ? ours / other : other / ours;
  return `${speedup.toFixed(2)}x ${speedup >= 1 ? "faster" : "slower"}`;
}

/** One value column and one "torchlet vs X" column per other framework. */
function printTable(ours: Results, others: [string, Results | null][]): void {
  const head = ["workload", "torchlet"];
  for (const [label] of others) head.push(label, `torchlet vs ${label}`);
  const lines = Object.keys(ours).map((name) => {
    const a = ours[name]!;
    const cells = [name, a.toFixed(3)];
    for (const [, results] of others) {
      const b = results?.[name];
      cells.push(b === undefined ? "-" : b.toFixed(3), ratio(name, a, b));
    }
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(fmt(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const l of lines) console.log(fmt(l));
}

console.log(`torchlet backend: ${torch.getBackend()}`);
torch.manualSeed(0);
const shared = sharedWorkloads();
const ours = runTorchlet(shared);
const onnx = await runOnnxruntime(shared);
const pytorch = runPyTorch();
printTable(ours, [["PyTorch", pytorch], ["onnxruntime", onnx]]);
