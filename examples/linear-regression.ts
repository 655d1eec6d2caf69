/**
 * Linear regression from scratch: no nn, no optim, only tensors and autograd.
 * The parameters are leaves with `requiresGrad`; each step computes the loss,
 * calls `backward()`, and updates the parameters under `noGrad` (so the update
 * is not recorded) before zeroing their gradients.
 *
 *   node dist/examples/linear-regression.js --steps 200
 */
import * as torch from "../src/index.js";
import { isMain, numberFlags } from "./cli.js";

export interface RegressionOptions {
  samples?: number;
  features?: number;
  steps?: number;
  lr?: number;
  noise?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface RegressionResult {
  losses: number[];
  trueWeight: number[];
  weight: number[];
  trueBias: number;
  bias: number;
}

export function main(options: RegressionOptions = {}): RegressionResult {
  const { samples = 200, features = 3, steps = 200, lr = 0.1, noise = 0.01, seed = 0, log = () => {} } = options;
  torch.manualSeed(seed);

  // Data from a known line y = x·w* + b* + noise, which the fit should recover.
  const trueW = torch.randn([features, 1]);
  const trueB = 0.5;
  const x = torch.randn([samples, features]);
  const y = x.matmul(trueW).add(trueB).add(torch.randn([samples, 1]).mul(noise));

  const w = torch.zeros([features, 1], { requiresGrad: true });
  const b = torch.zeros([1], { requiresGrad: true });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = x.matmul(w).add(b).sub(y).pow(2).mean();
    loss.backward();
    torch.noGrad(() => {
      w.sub_(w.grad!.mul(lr));
      b.sub_(b.grad!.mul(lr));
    });
    w.grad!.zero_();
    b.grad!.zero_();
    losses.push(loss.item());
    if (step % 50 === 0 || step === steps - 1) log(`step ${step}: mse ${loss.item().toExponential(3)}`);
  }
  return {
    losses,
    trueWeight: Array.from(trueW.toArray()),
    weight: Array.from(w.toArray()),
    trueBias: trueB,
    bias: b.item(),
  };
}

if (isMain(import.meta.url)) {
  const r = main({ ...numberFlags({ samples: 200, features: 3, steps: 200, lr: 0.1, noise: 0.01, seed: 0 }), log: console.log });
  console.log(`true w ${r.trueWeight.map((v) => v.toFixed(3)).join(", ")}  b ${r.trueBias}`);
  console.log(`fit  w ${r.weight.map((v) => v.toFixed(3)).join(", ")}  b ${r.bias.toFixed(3)}`);
}
