/**
 * Handwritten digits with a two-layer perceptron: the classic first model.
 * A DataLoader feeds shuffled mini-batches; SGD with momentum trains;
 * accuracy is measured under `noGrad` in eval mode.
 *
 *   node dist/examples/digits-mlp.js --epochs 10 --hidden 64
 */
import * as torch from "../src/index.js";
import { isMain, numberFlags } from "./cli.js";
import { accuracy, digitsSplit } from "./digits-data.js";

const { nn, optim, data } = torch;

export interface DigitsOptions {
  epochs?: number;
  /** How many of the 1797 digits to use (train + test). */
  samples?: number;
  batchSize?: number;
  lr?: number;
  hidden?: number;
  seed?: number;
  /** Where progress lines go (console.log from the command line, nowhere in tests). */
  log?: (line: string) => void;
}

export interface DigitsResult {
  /** Mean training loss of each epoch. */
  epochLosses: number[];
  trainAccuracy: number;
  testAccuracy: number;
  model: torch.nn.Module;
}

export function main(options: DigitsOptions = {}): DigitsResult {
  const { epochs = 10, samples = 1797, batchSize = 32, lr = 0.05, hidden = 64, seed = 0, log = () => {} } = options;
  torch.manualSeed(seed);
  const { trainX, trainY, testX, testY } = digitsSplit({ samples, seed });

  const model = new nn.Sequential(new nn.Linear(64, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
  const optimizer = new optim.SGD(model.parameters(), { lr, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new data.DataLoader(new data.TensorDataset(trainX, trainY), { batchSize, shuffle: true });

  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let total = 0;
    let batches = 0;
    for (const [x, y] of loader as Iterable<[torch.Tensor, torch.Tensor]>) {
      optimizer.zeroGrad();
      const loss = lossFn.forward(model.forward(x), y);
      loss.backward();
      optimizer.step();
      total += loss.item();
      batches++;
    }
    epochLosses.push(total / batches);
    log(`epoch ${epoch + 1}: loss ${(total / batches).toFixed(4)}, test accuracy ${(100 * accuracy(model, testX, testY)).toFixed(1)}%`);
  }
  return { epochLosses, trainAccuracy: accuracy(model, trainX, trainY), testAccuracy: accuracy(model, testX, testY), model };
}

if (isMain(import.meta.url)) {
  const flags = numberFlags({ epochs: 10, samples: 1797, "batch-size": 32, lr: 0.05, hidden: 64, seed: 0 });
  const r = main({ ...flags, batchSize: flags["batch-size"], log: console.log });
  console.log(`train accuracy ${(100 * r.trainAccuracy).toFixed(1)}%, test accuracy ${(100 * r.testAccuracy).toFixed(1)}%`);
}
