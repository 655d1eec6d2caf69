/**
 * `npm start`: trains a digit classifier on the 8x8 digits shipped with the
 * package, then shows what `noGrad` and `inferenceMode` save at evaluation.
 *
 * Flags: --epochs N  --batch-size N  --lr X  --seed N  --model mlp|cnn  --backend native|reference
 */
import { parseArgs } from "node:util";
import * as torch from "../index.js";
import type { Tensor } from "../index.js";

const { nn, optim, data } = torch;

interface Config {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  model: "mlp" | "cnn";
  backend: "native" | "reference" | null;
}

function readConfig(): Config {
  const { values } = parseArgs({
    options: {
      epochs: { type: "string", default: "20" },
      "batch-size": { type: "string", default: "64" },
      lr: { type: "string", default: "0.01" },
      seed: { type: "string", default: "0" },
      model: { type: "string", default: "mlp" },
      backend: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log("usage: npm start -- [--epochs 20] [--batch-size 64] [--lr 0.01] [--seed 0] [--model mlp|cnn] [--backend native|reference]");
    process.exit(0);
  }
  const num = (name: string, v: string, int: boolean) => {
    const x = Number(v);
    if (!Number.isFinite(x) || (int && (!Number.isInteger(x) || x <= 0))) throw new Error(`--${name}: expected a ${int ? "positive integer" : "number"}, got "${v}"`);
    return x;
  };
  if (values.model !== "mlp" && values.model !== "cnn") throw new Error(`--model: expected mlp or cnn, got "${values.model}"`);
  const backend = values.backend ?? null;
  if (backend !== null && backend !== "native" && backend !== "reference") throw new Error(`--backend: expected native or reference, got "${backend}"`);
  return {
    backend,
    epochs: num("epochs", values.epochs, true),
    batchSize: num("batch-size", values["batch-size"], true),
    lr: num("lr", values.lr, false),
    seed: Number.isInteger(Number(values.seed)) ? Number(values.seed) : num("seed", values.seed, true),
    model: values.model,
  };
}

function buildModel(kind: "mlp" | "cnn"): torch.nn.Module {
  if (kind === "mlp") return new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
  // [N, 1, 8, 8] -> [N, 16, 4, 4] -> [N, 32, 2, 2] -> 10
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(128, 10),
  );
}

/** ANSI "erase to end of line": a shorter update must not leave the tail of the longer one. */
const CLEAR_TO_END = "\x1b[K";

/** One line of progress: a bar, then loss, accuracy and throughput so far. */
function progressLine(epoch: number, epochs: number, done: number, total: number, loss: number, acc: number, rate: number): string {
  const width = 24;
  const filled = Math.round((done / total) * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const e = String(epoch).padStart(String(epochs).length);
  return `epoch ${e}/${epochs} ${bar} loss ${loss.toFixed(4)}  acc ${acc.toFixed(3)}  ${Math.round(rate)} samples/s`;
}

function accuracy(logits: Tensor, labels: Tensor): number {
  return logits.argmax(1).eq(labels).sum().item() / labels.shape[0]!;
}

interface EvalRow {
  mode: string;
  ms: number;
  retained: number;
  acc: number;
}

/** Runs of each evaluation timed; the table shows their median (one sub-millisecond run is mostly noise). */
const TIMED_RUNS = 51;
/**
 * Warm-up per mode (ms): until the tensor allocator's pool holds enough
 * freed blocks, runs get fresh memory, and a page fault here costs ~25 µs
 * (a 0.1 ms evaluation took 1.1 ms while the pool filled).
 */
const WARMUP_MS = 100;

/** Times an evaluation and counts the tensor bytes its result keeps alive (the graph, under grad mode). */
async function measure(mode: string, run: () => Tensor, labels: Tensor): Promise<EvalRow> {
  // collect what came before (training's garbage) first, or its collection lands in these timings
  await torch.settleMemory();
  for (const start = performance.now(); performance.now() - start < WARMUP_MS; ) run();
  const times = Array.from({ length: TIMED_RUNS }, () => {
    const t0 = performance.now();
    run();
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  const ms = times[TIMED_RUNS >> 1]!;
  const before = (await torch.settleMemory()).liveBytes;
  let out: Tensor | null = run();
  const acc = accuracy(out, labels);
  const retained = (await torch.settleMemory()).liveBytes - before;
  out = null;
  return { mode, ms, retained, acc };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const cfg = readConfig();
  if (cfg.backend !== null) torch.setBackend(cfg.backend);
  const started = performance.now();
  torch.manualSeed(cfg.seed);
  const digits = torch.datasets.loadDigits({ asImages: cfg.model === "cnn" });
  const images = digits.images.div(16);
  const full = new data.TensorDataset(images, digits.labels);
  const [trainSet, testSet] = data.randomSplit(full, [0.8, 0.2], new torch.Generator(0));
  const loader = new data.DataLoader(trainSet!, { batchSize: cfg.batchSize, shuffle: true, generator: new torch.Generator(cfg.seed) });
  const [testX, testY] = [...new data.DataLoader(testSet!, { batchSize: testSet!.length })][0]! as [Tensor, Tensor];

  const model = buildModel(cfg.model);
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.Adam(model.parameters(), { lr: cfg.lr });
  const tty = process.stdout.isTTY;
  console.log(`torchlet ${torch.getBackend()} backend: ${cfg.model.toUpperCase()} on digits (${trainSet!.length} train / ${testSet!.length} test), ${cfg.epochs} epochs, batch ${cfg.batchSize}, Adam lr ${cfg.lr}, seed ${cfg.seed}`);

  model.train();
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    let seen = 0, lossSum = 0, correct = 0, batch = 0;
    for (const [x, y] of loader as Iterable<[Tensor, Tensor]>) {
      const logits = model.forward(x) as Tensor;
      const loss = lossFn.forward(logits, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      const n = y.shape[0]!;
      seen += n;
      lossSum += loss.item() * n;
      correct += torch.noGrad(() => logits.argmax(1).eq(y).sum().item());
      batch++;
      if (tty) {
        const rate = seen / ((performance.now() - t0) / 1000);
        process.stdout.write(`\r${progressLine(epoch, cfg.epochs, batch, loader.length, lossSum / seen, correct / seen, rate)}${CLEAR_TO_END}`);
      }
    }
    const line = progressLine(epoch, cfg.epochs, batch, loader.length, lossSum / seen, correct / seen, seen / ((performance.now() - t0) / 1000));
    process.stdout.write(tty ? `\r${line}${CLEAR_TO_END}\n` : `${line}\n`);
  }

  model.eval();
  const testAcc = torch.noGrad(() => accuracy(model.forward(testX) as Tensor, testY));
  const trainSeconds = (performance.now() - started) / 1000;
  console.log(`\ntest accuracy: ${testAcc.toFixed(4)}  (${testSet!.length} held-out digits; trained in ${trainSeconds.toFixed(1)} s)`);

  // The same evaluation three ways: the graph kept by grad mode is what noGrad saves.
  const forward = () => model.forward(testX) as Tensor;
  const rows = [
    await measure("grad mode", forward, testY),
    await measure("noGrad", () => torch.noGrad(forward), testY),
    await measure("inferenceMode", () => torch.inferenceMode(forward), testY),
  ];
  const gc = typeof (globalThis as { gc?: unknown }).gc === "function";
  console.log(`\nevaluation of ${testSet!.length} digits (model.eval())${gc ? "" : "  [start node with --expose-gc for exact bytes]"}`);
  console.log(`${"mode".padEnd(14)} ${"time".padStart(9)} ${"retained".padStart(12)}  accuracy`);
  for (const r of rows) {
    console.log(`${r.mode.padEnd(14)} ${`${r.ms.toFixed(2)} ms`.padStart(9)} ${kib(r.retained).padStart(12)}  ${r.acc.toFixed(4)}`);
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// `npm start | head` closes the pipe early: stop quietly instead of crashing on EPIPE
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
