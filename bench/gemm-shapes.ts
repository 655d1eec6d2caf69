/**
 * `npm run bench:gemm-shapes [-- name-filter ...]`: float32 matrix products
 * of wide, narrow and small shapes (a.matmul(b)), torchlet against PyTorch
 * (bench/pytorch_gemm_shapes.py, run with /usr/bin/python3 on 2 threads when
 * torch is installed), as a table of medians, GFLOPS and ratios.
 * `--all` adds the products and workloads `npm run bench` depends on (square
 * matmuls, the MLP's forward and backward products, the MLP and CNN steps,
 * batched products with a broadcast B, float64), timed in ms.
 * `--json` prints torchlet's results as JSON instead (for scripts that
 * alternate builds of the addon), with `--min` the fastest run of each case
 * rather than the median (steadier on a loaded host); `--no-pytorch` skips
 * PyTorch. Arguments
 * keep only the cases whose name contains one of them. Never part of
 * `npm test`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { medianOf } from "./timing.js";
import { cnnWorkload } from "./workloads.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
type Tensor = torch.Tensor;

/** One timed call; `flops` > 0 reports GFLOPS, 0 reports ms. bench/pytorch_gemm_shapes.py has a case of each name. */
interface Case {
  name: string;
  flops: number;
  extra: boolean;
  setup: () => () => unknown;
}

const randn = (shape: number[], dtype: "float32" | "float64" = "float32"): Tensor => torch.randn(shape, { dtype });

/** M x K times K x N, float32 (or float64), both contiguous. */
function mm(m: number, k: number, n: number, extra = false, dtype: "float32" | "float64" = "float32"): Case {
  const name = `${m}x${k}x${n}${dtype === "float64" ? " f64" : ""}`;
  return {
    name, flops: 2 * m * k * n, extra, setup: () => {
      const a = randn([m, k], dtype), b = randn([k, n], dtype);
      return () => a.matmul(b);
    },
  };
}

/** A product with transposed operands: `ta` means A is stored [K, M] and used as its transpose (same for B). */
function mmT(m: number, k: number, n: number, ta: boolean, tb: boolean): Case {
  const name = `${ta ? `(${k}x${m})^T` : `${m}x${k}`} @ ${tb ? `(${n}x${k})^T` : `${k}x${n}`}`;
  return {
    name, flops: 2 * m * k * n, extra: true, setup: () => {
      const a = ta ? randn([k, m]).t() : randn([m, k]);
      const b = tb ? randn([n, k]).t() : randn([k, n]);
      return () => a.matmul(b);
    },
  };
}

function mlpParams(requiresGrad: boolean): Tensor[] {
  const p = [
    randn([784, 1024]).mul(0.03), torch.zeros([1024]),
    randn([1024, 1024]).mul(0.03), torch.zeros([1024]),
    randn([1024, 10]).mul(0.03), torch.zeros([10]),
  ];
  return p.map((t) => t.requiresGrad_(requiresGrad));
}

function mlp(x: Tensor, p: Tensor[]): Tensor {
  const h1 = x.matmul(p[0]!).add(p[1]!).relu();
  const h2 = h1.matmul(p[2]!).add(p[3]!).relu();
  return h2.matmul(p[4]!).add(p[5]!);
}

const CASES: Case[] = [
  mm(32, 432, 16384), mm(8, 8, 1000000), mm(16, 27, 65536), mm(1, 1024, 1024), mm(32, 432, 2048), mm(256, 256, 256),
  mm(4, 1024, 4096), mm(13, 300, 5000), mm(1, 4096, 4096),
  mm(128, 128, 128, true), mm(512, 512, 512, true), mm(1024, 1024, 1024, true),
  mm(256, 784, 1024, true), mm(256, 1024, 1024, true), mm(256, 1024, 10, true),
  mmT(256, 1024, 784, false, true), mmT(784, 256, 1024, true, false), mmT(1024, 256, 1024, true, false),
  mmT(256, 10, 1024, false, true), mmT(1024, 256, 10, true, false),
  mm(256, 256, 256, true, "float64"), mm(32, 432, 16384, true, "float64"), mm(1, 1024, 1024, true, "float64"),
  {
    name: "bmm [16,128,256] @ [256,256] broadcast", flops: 2 * 16 * 128 * 256 * 256, extra: true, setup: () => {
      const a = randn([16, 128, 256]), b = randn([256, 256]);
      return () => a.matmul(b);
    },
  },
  {
    name: "bmm [64,4,64] @ [64,64,512]", flops: 2 * 64 * 4 * 64 * 512, extra: true, setup: () => {
      const a = randn([64, 4, 64]), b = randn([64, 64, 512]);
      return () => a.matmul(b);
    },
  },
  {
    name: "MLP inference, batch 256", flops: 0, extra: true, setup: () => {
      const x = randn([256, 784]), p = mlpParams(false);
      return () => torch.noGrad(() => mlp(x, p));
    },
  },
  {
    name: "MLP training step, batch 256", flops: 0, extra: true, setup: () => {
      const x = randn([256, 784]), y = torch.randint(0, 10, [256]), p = mlpParams(true);
      return () => {
        for (const t of p) t.grad = null;
        mlp(x, p).logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg().backward();
      };
    },
  },
  {
    name: "CNN inference, batch 64", flops: 0, extra: true, setup: () => {
      const cnn = cnnWorkload();
      return () => torch.noGrad(cnn.forward);
    },
  },
  {
    name: "CNN training step, batch 64", flops: 0, extra: true, setup: () => {
      const cnn = cnnWorkload();
      return () => {
        for (const l of [cnn.conv1, cnn.conv2, cnn.fc]) for (const p of l.parameters()) p.grad = null;
        cnn.forward().sum().backward();
      };
    },
  },
];

/** Seconds of timed runs per case, bounds on their count, and the warm-up; bench/pytorch_gemm_shapes.py uses the same. */
const BUDGET = 0.6, MIN_REPS = 5, MAX_REPS = 200, WARMUP = 0.2;

function medianSeconds(fn: () => unknown, fastest = false): number {
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  for (let start = now(), i = 0; i < 2 || now() - start < WARMUP; i++) fn();
  const times: number[] = [];
  for (let start = now(); times.length < MIN_REPS || (times.length < MAX_REPS && now() - start < BUDGET);) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  return fastest ? Math.min(...times) : medianOf(times);
}

type Results = Record<string, number>;

function runTorchlet(cases: Case[], fastest: boolean): Results {
  const out: Results = {};
  for (const c of cases) {
    torch.manualSeed(0);
    out[c.name] = medianSeconds(c.setup(), fastest);
  }
  return out;
}

function runPyTorch(names: string[]): Results | null {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return null;
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(python, [join(root, "bench", "pytorch_gemm_shapes.py"), "2", ...names], { env, encoding: "utf8", timeout: 1_200_000 });
  if (r.status !== 0) {
    console.log(`PyTorch bench skipped: ${(r.stderr || "").trim().split("\n").pop() ?? "failed"}`);
    return null;
  }
  return JSON.parse(r.stdout) as Results;
}

function show(c: Case, seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  return c.flops > 0 ? `${(c.flops / seconds / 1e9).toFixed(1)} GFLOPS (${(seconds * 1e3).toFixed(3)} ms)` : `${(seconds * 1e3).toFixed(3)} ms`;
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith("--"));
const all = args.includes("--all");
const cases = CASES.filter((c) => (all || !c.extra) && (filters.length === 0 || filters.some((f) => c.name.includes(f))));
console.error(`torchlet backend: ${torch.getBackend()}`);
const ours = runTorchlet(cases, args.includes("--json") && args.includes("--min"));
if (args.includes("--json")) {
  console.log(JSON.stringify(ours));
} else {
  const theirs = args.includes("--no-pytorch") ? null : runPyTorch(cases.map((c) => c.name));
  const rows = cases.map((c) => {
    const a = ours[c.name]!, b = theirs?.[c.name];
    const speedup = b === undefined ? "-" : `${(b / a).toFixed(2)}x`;
    return [c.name, show(c, a), show(c, b), speedup];
  });
  const head = ["M x K x N", "torchlet", "PyTorch", "torchlet speed / PyTorch"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => "| " + cells.map((s, i) => s.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(fmt(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(fmt(r));
}
