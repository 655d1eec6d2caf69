// What the grad modes buy: forward time and the tensor memory a graph retains,
// for MLPs of growing depth with grad, under noGrad and under inferenceMode;
// and the per-op cost of recording. Run: `npm run bench:grad-modes`
// (node --expose-gc, so that torch.memory() is exact). Never part of npm test.
import * as torch from "../src/index.js";
import { medianOf, perOpMicros } from "./timing.js";

const WIDTH = 1024;
const BATCH = 256;
const DEPTHS = [2, 8, 16];
/** Seconds of timed forwards per (mode, depth) after the warm-up; at least MIN_REPS forwards each. */
const BUDGET_S = 1.5;
const MIN_REPS = 3;

type Forward = () => torch.Tensor;
const MODES: [string, (f: Forward) => torch.Tensor][] = [
  ["grad", (f) => f()],
  ["noGrad", (f) => torch.noGrad(f)],
  ["inferenceMode", (f) => torch.inferenceMode(f)],
];

interface Layer {
  w: torch.Tensor;
  b: torch.Tensor;
}

/** Linear + ReLU layers as plain ops (no nn), parameters that require grad. */
function makeMlp(depth: number): Layer[] {
  const scale = 1 / Math.sqrt(WIDTH);
  return Array.from({ length: depth }, () => ({
    w: torch.randn([WIDTH, WIDTH]).mul(scale).requiresGrad_(),
    b: torch.zeros([WIDTH], { requiresGrad: true }),
  }));
}

function mlpForward(layers: Layer[], x: torch.Tensor): torch.Tensor {
  let h = x;
  for (const { w, b } of layers) h = h.matmul(w).add(b).relu();
  return h;
}

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

interface Measured {
  medians: number[];
  reps: number;
  /** Tensor bytes alive after each fn's first timed call, above what was alive before it, while holding its output. */
  retained: number[];
  outBytes: number[];
}

/**
 * Median seconds per call of each of `fns`, timed round-robin (one call of
 * each per round) so that load from other processes hits every mode alike.
 * The first round also measures the memory each call leaves behind.
 */
async function measure(fns: (() => torch.Tensor)[], quick: boolean): Promise<Measured> {
  if (!quick) for (const fn of fns) fn(); // warm-up
  const times: number[][] = fns.map(() => []);
  const retained: number[] = [];
  const outBytes: number[] = [];
  const start = performance.now();
  const minReps = quick ? 1 : MIN_REPS;
  const budget = quick ? 0 : BUDGET_S * fns.length;
  let reps = 0;
  // one variable for the output, cleared before each call: a block-scoped one may outlive its
  // iteration in the async function's frame and hold the previous graph
  let out: torch.Tensor | null = null;
  while (reps < minReps || ((performance.now() - start) / 1000 < budget && reps < 50)) {
    for (const [k, fn] of fns.entries()) {
      out = null;
      // collect the previous graph outside the timed region
      const base = reps === 0 ? (await torch.settleMemory()).liveBytes : (gc?.(), 0);
      const t0 = performance.now();
      out = fn();
      times[k]!.push((performance.now() - t0) / 1000);
      if (reps === 0) {
        retained[k] = (await torch.settleMemory()).liveBytes - base;
        outBytes[k] = out.numel() * 4;
      }
    }
    reps++;
  }
  out = null;
  return { medians: times.map(medianOf), reps, retained, outBytes };
}

interface Row {
  mode: string;
  depth: number;
  ms: number;
  reps: number;
  retained: number;
  beyondOutput: number;
}

async function mlpRows(quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  torch.manualSeed(0);
  for (const depth of DEPTHS) {
    let layers: Layer[] | null = makeMlp(depth);
    const x = torch.randn([BATCH, WIDTH]);
    const fwd = () => mlpForward(layers!, x);
    const m = await measure(MODES.map(([, run]) => () => run(fwd)), quick);
    MODES.forEach(([mode], k) => {
      rows.push({ mode, depth, ms: m.medians[k]! * 1000, reps: m.reps, retained: m.retained[k]!, beyondOutput: m.retained[k]! - m.outBytes[k]! });
    });
    layers = null;
    await torch.settleMemory();
  }
  return rows;
}

function pad(s: string, n: number, left = false): string {
  return left ? s.padEnd(n) : s.padStart(n);
}

function printMlpTable(rows: Row[]): void {
  console.log(`\nMLP forward, width ${WIDTH}, batch ${BATCH}, float32 (Linear = matmul + bias + relu, parameters require grad)`);
  console.log("retained = tensor bytes alive while holding only the output, minus parameters and input (torch.memory after settleMemory)\n");
  const head = `${pad("mode", 14, true)}${pad("depth", 6)}${pad("ms/forward", 12)}${pad("reps", 6)}${pad("retained MiB", 14)}${pad("beyond output MiB", 19)}`;
  console.log(head);
  console.log("-".repeat(head.length));
  for (const r of rows) {
    console.log(
      `${pad(r.mode, 14, true)}${pad(String(r.depth), 6)}${pad(r.ms.toFixed(1), 12)}${pad(String(r.reps), 6)}${pad((r.retained / MiB).toFixed(2), 14)}${pad((r.beyondOutput / MiB).toFixed(2), 19)}`,
    );
  }
}

function perOpTable(): void {
  const plainA = torch.randn([4]);
  const plainB = torch.randn([4]);
  const gradA = torch.randn([4], { requiresGrad: true });
  const gradB = torch.randn([4], { requiresGrad: true });
  const INNER = 1000;
  const adds = (a: torch.Tensor, b: torch.Tensor) => () => {
    for (let i = 0; i < INNER; i++) a.add(b);
  };
  // every case runs INNER adds per call (a scope's own cost is amortised over them)
  const cases: [string, () => unknown][] = [
    ["add, inputs don't require grad", adds(plainA, plainB)],
    ["add, inputs require grad (records)", adds(gradA, gradB)],
    ["add, inputs require grad, in noGrad", () => torch.noGrad(adds(gradA, gradB))],
    ["add, inputs require grad, in inferenceMode", () => torch.inferenceMode(adds(gradA, gradB))],
    ["add, inputs don't require grad, in noGrad", () => torch.noGrad(adds(plainA, plainB))],
  ];
  for (const [, fn] of cases) perOpMicros(fn, 20, 3); // warm every path up before timing any
  // batches taken round-robin across the cases, so that load from other processes spreads evenly
  const BATCHES = 9;
  const CALLS = 20;
  const times: number[][] = cases.map(() => []);
  for (let r = 0; r < BATCHES; r++) {
    cases.forEach(([, fn], k) => {
      gc?.();
      const t0 = performance.now();
      for (let c = 0; c < CALLS; c++) fn();
      times[k]!.push(((performance.now() - t0) * 1000) / (CALLS * INNER));
    });
  }
  console.log(`\nPer-op cost of a 4-element add (median of ${BATCHES} batches of ${CALLS * INNER} adds)\n`);
  cases.forEach(([name], k) => console.log(`${pad(name, 46, true)}${pad(medianOf(times[k]!).toFixed(3), 8)} µs`));
}

async function main(): Promise<void> {
  if (!gc) console.warn("run with node --expose-gc: memory numbers are only exact after a collection");
  console.log(`torchlet grad-mode bench, backend: ${torch.getBackend()}, node ${process.version}`);
  // the reference backend takes about a second per 1024x1024 matmul: one timed forward per cell, no warm-up
  const quick = torch.getBackend() === "reference";
  if (quick) console.log("(reference backend: one forward per cell, so the times are single samples)");
  printMlpTable(await mlpRows(quick));
  perOpTable();
}

await main();
