/**
 * `npm run bench:ops-extra [-- name-filter ...]`: the newer nn ops (grid
 * sampling, 3-d convolutions and pools, fractional max pooling, CTC and
 * multi-label margin losses, trilinear and area interpolation) at realistic
 * sizes, forward alone and forward + backward, torchlet against PyTorch
 * (bench/pytorch_ops_extra.py, run with /usr/bin/python3 on 2 threads when
 * torch is installed) as a table of medians and ratios. Arguments keep only
 * the cases whose name contains one of them; `--rounds=N` alternates N
 * rounds of both sides and reports each cell's median over the rounds (the
 * host is shared: a burst of load then hits one round of each side, not one
 * side); `--json` prints the results as JSON instead of the table;
 * `--no-pytorch` runs torchlet's side only. Never part of `npm test`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { medianOf } from "./timing.js";

const F = torch.nn.functional;
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
type Tensor = torch.Tensor;

/** One op at one size: its inputs (those that take a gradient listed) and the call; `forwardOnly` for ops without a gradient (in-place writes, index results). */
interface Case {
  name: string;
  forwardOnly?: boolean;
  setup: () => { inputs: Tensor[]; call: (...xs: Tensor[]) => Tensor | Tensor[] };
}

const ac = { alignCorners: false } as const;

/** Positions a little outside [-1, 1], so padding rules take part. */
const gridOf = (shape: number[]) => torch.rand(shape).mul(2.2).sub(1.1);

const CASES: Case[] = [
  {
    name: "gridSample bilinear [8,16,64,64]",
    setup: () => ({ inputs: [torch.randn([8, 16, 64, 64]), gridOf([8, 64, 64, 2])], call: (x, g) => F.gridSample(x, g, ac) }),
  },
  {
    name: "gridSample nearest [8,16,64,64]",
    setup: () => ({ inputs: [torch.randn([8, 16, 64, 64]), gridOf([8, 64, 64, 2])], call: (x, g) => F.gridSample(x, g, { ...ac, mode: "nearest" }) }),
  },
  {
    name: "gridSample bicubic [8,16,64,64]",
    setup: () => ({ inputs: [torch.randn([8, 16, 64, 64]), gridOf([8, 64, 64, 2])], call: (x, g) => F.gridSample(x, g, { ...ac, mode: "bicubic" }) }),
  },
  {
    name: "gridSample bilinear reflection [8,16,64,64]",
    setup: () => ({ inputs: [torch.randn([8, 16, 64, 64]), gridOf([8, 64, 64, 2])], call: (x, g) => F.gridSample(x, g, { ...ac, paddingMode: "reflection" }) }),
  },
  {
    name: "gridSample trilinear [2,8,16,32,32]",
    setup: () => ({ inputs: [torch.randn([2, 8, 16, 32, 32]), gridOf([2, 16, 32, 32, 3])], call: (x, g) => F.gridSample(x, g, ac) }),
  },
  {
    name: "affineGrid [8,16,64,64]",
    setup: () => ({ inputs: [torch.randn([8, 2, 3])], call: (t) => F.affineGrid(t, [8, 16, 64, 64], ac) }),
  },
  {
    name: "conv3d [2,16,16,32,32] -> 32, k3 p1",
    setup: () => ({ inputs: [torch.randn([2, 16, 16, 32, 32]), torch.randn([32, 16, 3, 3, 3]).mul(0.05), torch.randn([32])], call: (x, w, b) => F.conv3d(x, w, b, { padding: 1 }) }),
  },
  {
    name: "conv3d [2,16,16,32,32] -> 32, k3 s2",
    setup: () => ({ inputs: [torch.randn([2, 16, 16, 32, 32]), torch.randn([32, 16, 3, 3, 3]).mul(0.05), torch.randn([32])], call: (x, w, b) => F.conv3d(x, w, b, { stride: 2 }) }),
  },
  {
    name: "convTranspose3d [2,32,8,16,16] -> 16, k3 s2",
    setup: () => ({
      inputs: [torch.randn([2, 32, 8, 16, 16]), torch.randn([32, 16, 3, 3, 3]).mul(0.05), torch.randn([16])],
      call: (x, w, b) => F.convTranspose3d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    }),
  },
  {
    name: "maxPool3d k2 [4,16,16,32,32]",
    setup: () => ({ inputs: [torch.randn([4, 16, 16, 32, 32])], call: (x) => F.maxPool3d(x, 2) }),
  },
  {
    name: "maxPool3d k3 s2 p1 [4,16,16,32,32]",
    setup: () => ({ inputs: [torch.randn([4, 16, 16, 32, 32])], call: (x) => F.maxPool3d(x, 3, { stride: 2, padding: 1 }) }),
  },
  {
    name: "avgPool3d k2 [4,16,16,32,32]",
    setup: () => ({ inputs: [torch.randn([4, 16, 16, 32, 32])], call: (x) => F.avgPool3d(x, 2) }),
  },
  {
    name: "adaptiveAvgPool3d ->[5,5,5] [4,16,16,32,32]",
    setup: () => ({ inputs: [torch.randn([4, 16, 16, 32, 32])], call: (x) => F.adaptiveAvgPool3d(x, 5) }),
  },
  {
    name: "adaptiveMaxPool3d ->[5,5,5] [4,16,16,32,32]",
    setup: () => ({ inputs: [torch.randn([4, 16, 16, 32, 32])], call: (x) => F.adaptiveMaxPool3d(x, 5) }),
  },
  {
    name: "lpPool3d p2 k2 [4,16,16,32,32]",
    setup: () => ({ inputs: [torch.randn([4, 16, 16, 32, 32])], call: (x) => F.lpPool3d(x, 2, 2) }),
  },
  {
    name: "maxUnpool3d k2 [4,16,8,16,16]",
    setup: () => {
      const [v, i] = F.maxPool3d(torch.randn([4, 16, 16, 32, 32]), 2, { returnIndices: true });
      return { inputs: [v], call: (x) => F.maxUnpool3d(x, i, 2) };
    },
  },
  {
    name: "fractionalMaxPool2d k3 ->32 [8,16,64,64]",
    setup: () => {
      const samples = torch.rand([8, 16, 2]);
      return { inputs: [torch.randn([8, 16, 64, 64])], call: (x) => F.fractionalMaxPool2d(x, 3, { outputSize: 32, _randomSamples: samples }) };
    },
  },
  {
    name: "ctcLoss T100 N16 C30 S30",
    setup: () => {
      const targets = torch.randint(1, 30, [16, 30], { dtype: "int32" });
      const il = Array.from({ length: 16 }, (_, i) => 100 - i), tl = Array.from({ length: 16 }, (_, i) => 30 - i);
      return { inputs: [torch.randn([100, 16, 30]).logSoftmax(2)], call: (lp) => F.ctcLoss(lp, targets, il, tl) };
    },
  },
  {
    name: "multilabelMarginLoss [256,100]",
    setup: () => {
      const t = torch.randint(0, 100, [256, 100], { dtype: "int32" });
      // about 5 labels per row, then the -1 that ends the list
      const cut = torch.randint(1, 10, [256, 1], { dtype: "int32" });
      const target = torch.where(torch.arange(100).unsqueeze(0).lt(cut), t, torch.full([256, 100], -1, { dtype: "int32" }));
      return { inputs: [torch.randn([256, 100])], call: (x) => F.multilabelMarginLoss(x, target) };
    },
  },
  {
    name: "interpolate trilinear x2 [2,8,16,32,32]",
    setup: () => ({ inputs: [torch.randn([2, 8, 16, 32, 32])], call: (x) => F.interpolate(x, { scaleFactor: 2, mode: "trilinear", alignCorners: false }) }),
  },
  {
    name: "interpolate area ->[8,16,16] [2,8,16,32,32]",
    setup: () => ({ inputs: [torch.randn([2, 8, 16, 32, 32])], call: (x) => F.interpolate(x, { size: [8, 16, 16], mode: "area" }) }),
  },
  // indexing: x = randn(100000, 64) and 10000 int32 row indices (the backward of x[idx] is index_put with accumulate)
  {
    name: "index x[idx] [100000,64] idx 10000",
    setup: () => {
      const idx = torch.randint(0, 100000, [10000], { dtype: "int32" });
      return { inputs: [torch.randn([100000, 64])], call: (x) => x.index([idx]) };
    },
  },
  {
    name: "indexSelect dim0 [100000,64] idx 10000",
    setup: () => {
      const idx = torch.randint(0, 100000, [10000], { dtype: "int32" });
      return { inputs: [torch.randn([100000, 64])], call: (x) => x.indexSelect(0, idx) };
    },
  },
  {
    name: "indexPut_ x[idx]=v [100000,64] idx 10000",
    forwardOnly: true,
    setup: () => {
      const idx = torch.randint(0, 100000, [10000], { dtype: "int32" }), v = torch.randn([10000, 64]), x = torch.randn([100000, 64]);
      return { inputs: [], call: () => x.indexPut_([idx], v) };
    },
  },
  {
    name: "indexPut_ accumulate x[idx]+=v [100000,64] idx 10000",
    forwardOnly: true,
    setup: () => {
      const idx = torch.randint(0, 100000, [10000], { dtype: "int32" }), v = torch.randn([10000, 64]), x = torch.randn([100000, 64]);
      return { inputs: [], call: () => x.indexPut_([idx], v, { accumulate: true }) };
    },
  },
  {
    name: "index x[idx,i2] [100000,64] idx 10000",
    setup: () => {
      const idx = torch.randint(0, 100000, [10000], { dtype: "int32" }), i2 = torch.randint(0, 64, [10000], { dtype: "int32" });
      return { inputs: [torch.randn([100000, 64])], call: (x) => x.index([idx, i2]) };
    },
  },
  {
    name: "index x[:,idx] [4096,512] idx 256",
    setup: () => {
      const idx = torch.randint(0, 512, [256], { dtype: "int32" });
      return { inputs: [torch.randn([4096, 512])], call: (x) => x.index([torch.indexing.Slice(), idx]) };
    },
  },
  {
    name: "index x[rowmask] [100000,64]",
    setup: () => {
      const mask = torch.rand([100000]).gt(0.5);
      return { inputs: [torch.randn([100000, 64])], call: (x) => x.index([mask]) };
    },
  },
  {
    name: "index x[mask] full mask [1000,1000]",
    setup: () => {
      const mask = torch.rand([1000, 1000]).gt(0.5);
      return { inputs: [torch.randn([1000, 1000])], call: (x) => x.index([mask]) };
    },
  },
  {
    name: "indexPut_ x[mask]=0 full mask [1000,1000]",
    forwardOnly: true,
    setup: () => {
      const mask = torch.rand([1000, 1000]).gt(0.5), x = torch.randn([1000, 1000]);
      return { inputs: [], call: () => x.indexPut_([mask], 0) };
    },
  },
  {
    name: "maskedFill [1000,1000]",
    setup: () => {
      const mask = torch.rand([1000, 1000]).gt(0.5);
      return { inputs: [torch.randn([1000, 1000])], call: (x) => x.maskedFill(mask, 0) };
    },
  },
  {
    name: "where(c, x, y) [1000,1000]",
    setup: () => {
      const c = torch.rand([1000, 1000]).gt(0.5);
      return { inputs: [torch.randn([1000, 1000]), torch.randn([1000, 1000])], call: (x, y) => torch.where(c, x, y) };
    },
  },
  {
    name: "nonzero bool [1000,1000]",
    forwardOnly: true,
    setup: () => {
      const m = torch.rand([1000, 1000]).gt(0.5);
      return { inputs: [], call: () => torch.nonzero(m) };
    },
  },
  {
    name: "maskedSelect [1000,1000]",
    setup: () => {
      const mask = torch.rand([1000, 1000]).gt(0.5);
      return { inputs: [torch.randn([1000, 1000])], call: (x) => torch.maskedSelect(x, mask) };
    },
  },
  {
    name: "embedding [50000,128] idx 4096",
    setup: () => {
      const idx = torch.randint(0, 50000, [4096], { dtype: "int32" });
      return { inputs: [torch.randn([50000, 128])], call: (w) => F.embedding(idx, w) };
    },
  },
  {
    name: "oneHot 100000 idx, 100 classes",
    forwardOnly: true,
    setup: () => {
      const idx = torch.randint(0, 100, [100000], { dtype: "int32" });
      return { inputs: [], call: () => F.oneHot(idx, 100) };
    },
  },
];

/** Seconds of timed runs per measurement, the bounds on their count, and the warm-up (long enough for V8 to settle on its optimized code); bench/pytorch_ops_extra.py states the same rule. */
const BUDGET_S = 1.5, MIN_REPS = 5, MAX_REPS = 30, WARMUP_S = 1;

function seconds(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Median seconds of `fn`: warmed up for WARMUP_S (at least twice), then as many runs as fit BUDGET_S, within [MIN_REPS, MAX_REPS]. */
function adaptiveMedian(fn: () => unknown): number {
  let warm = 0, first = Infinity;
  for (let i = 0; i < 2 || warm < WARMUP_S; i++) {
    const t = seconds(fn);
    warm += t;
    first = Math.min(first, t);
  }
  const reps = Math.max(MIN_REPS, Math.min(MAX_REPS, Math.round(BUDGET_S / first)));
  return medianOf(Array.from({ length: reps }, () => seconds(fn)));
}

type Results = Record<string, { forward: number; backward?: number }>;

function runTorchlet(cases: Case[]): Results {
  const out: Results = {};
  for (const c of cases) {
    torch.manualSeed(0);
    const { inputs, call } = c.setup();
    const forward = torch.noGrad(() => adaptiveMedian(() => call(...inputs)));
    if (c.forwardOnly === true) {
      out[c.name] = { forward: forward * 1e3 };
      continue;
    }
    const leaves = inputs.map((t) => t.detach().requiresGrad_());
    const gradOut = torch.randnLike(torch.noGrad(() => call(...inputs)) as Tensor);
    const backward = adaptiveMedian(() => torch.autograd.grad(call(...leaves), leaves, { gradOutputs: gradOut }));
    out[c.name] = { forward: forward * 1e3, backward: backward * 1e3 };
  }
  return out;
}

function runPyTorch(filters: string[]): Results | null {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return null;
  // Debian's OpenBLAS is pinned to an old core type here for safety; unset it so PyTorch runs its best kernel.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(python, [join(root, "bench", "pytorch_ops_extra.py"), "2", ...filters], { env, encoding: "utf8", timeout: 1_200_000 });
  if (r.status !== 0) {
    console.log(`PyTorch side skipped: ${(r.stderr || "").trim().split("\n").pop() ?? "failed"}`);
    return null;
  }
  return JSON.parse(r.stdout) as Results;
}

function printTable(ours: Results, theirs: Results | null): void {
  const head = ["op", "fwd torchlet (ms)", "fwd PyTorch (ms)", "fwd ratio", "fwd+bwd torchlet (ms)", "fwd+bwd PyTorch (ms)", "fwd+bwd ratio"];
  const fmt = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(2));
  const ratio = (a: number, b: number | undefined) => (b === undefined ? "-" : `${(a / b).toFixed(1)}x`);
  const rows = Object.entries(ours).map(([name, r]) => {
    const p = theirs?.[name];
    const back = r.backward === undefined ? "-" : ratio(r.backward, p?.backward);
    return [name, fmt(r.forward), fmt(p?.forward), ratio(r.forward, p?.forward), fmt(r.backward), fmt(p?.backward), back];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((l) => l[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
  console.log("(ratio: torchlet's time over PyTorch's; lower is better, 1.0x is parity)");
}

/** Each cell's median over the rounds (a cell missing from a round is left out of its median). */
function medianOfRounds(rounds: Results[]): Results {
  const out: Results = {};
  for (const name of Object.keys(rounds[0] ?? {})) {
    const pick = (k: "forward" | "backward") => {
      const xs = rounds.map((r) => r[name]?.[k]).filter((v): v is number => typeof v === "number");
      return xs.length === 0 ? undefined : medianOf(xs);
    };
    const backward = pick("backward");
    out[name] = { forward: pick("forward") ?? NaN, ...(backward === undefined ? {} : { backward }) };
  }
  return out;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const rounds = Number(args.find((a) => a.startsWith("--rounds="))?.slice("--rounds=".length) ?? 1);
const filters = args.filter((a) => !a.startsWith("--"));
const cases = filters.length === 0 ? CASES : CASES.filter((c) => filters.some((f) => c.name.includes(f)));
const oursByRound: Results[] = [], theirsByRound: Results[] = [];
for (let r = 0; r < rounds; r++) {
  oursByRound.push(runTorchlet(cases));
  const theirs = flag("--no-pytorch") ? null : runPyTorch(filters);
  if (theirs !== null) theirsByRound.push(theirs);
}
const ours = medianOfRounds(oursByRound), theirs = theirsByRound.length > 0 ? medianOfRounds(theirsByRound) : null;
if (flag("--json")) console.log(JSON.stringify({ torchlet: ours, pytorch: theirs }));
else {
  console.log(`torchlet backend: ${torch.getBackend()}; medians over ${rounds} round(s)`);
  printTable(ours, theirs);
}
