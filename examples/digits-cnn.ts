/**
 * Handwritten digits with a small convolutional network: two conv blocks
 * (Conv2d, BatchNorm2d, ReLU, MaxPool2d) and a linear head, trained with Adam.
 * BatchNorm uses batch statistics in `train()` and its running ones in `eval()`.
 *
 *   node dist/examples/digits-cnn.js --epochs 5
 */
import * as torch from "../src/index.js";
import { isMain, numberFlags } from "./cli.js";
import { accuracy, digitsSplit } from "./digits-data.js";
import type { DigitsOptions, DigitsResult } from "./digits-mlp.js";

const { nn, optim, data } = torch;

/** [N, 1, 8, 8] -> [N, c, 4, 4] -> [N, 2c, 2, 2] -> 10 classes. */
export class DigitsCNN extends nn.Module {
  features: torch.nn.Sequential;
  head: torch.nn.Linear;

  constructor(channels = 8) {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(1, channels, 3, { padding: 1 }), new nn.BatchNorm2d(channels), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(channels, 2 * channels, 3, { padding: 1 }), new nn.BatchNorm2d(2 * channels), new nn.ReLU(), new nn.MaxPool2d(2),
    );
    this.head = new nn.Linear(2 * channels * 2 * 2, 10);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    return this.head.forward(this.features.forward(x).flatten(1));
  }
}

export function main(options: DigitsOptions & { channels?: number } = {}): DigitsResult {
  const { epochs = 5, samples = 1797, batchSize = 32, lr = 0.01, channels = 8, seed = 0, log = () => {} } = options;
  torch.manualSeed(seed);
  const { trainX, trainY, testX, testY } = digitsSplit({ samples, seed, asImages: true });

  const model = new DigitsCNN(channels);
  const optimizer = new optim.Adam(model.parameters(), { lr });
  const loader = new data.DataLoader(new data.TensorDataset(trainX, trainY), { batchSize, shuffle: true });

  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let total = 0;
    let batches = 0;
    for (const [x, y] of loader as Iterable<[torch.Tensor, torch.Tensor]>) {
      optimizer.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
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
  const flags = numberFlags({ epochs: 5, samples: 1797, "batch-size": 32, lr: 0.01, channels: 8, seed: 0 });
  const r = main({ ...flags, batchSize: flags["batch-size"], log: console.log });
  console.log(`train accuracy ${(100 * r.trainAccuracy).toFixed(1)}%, test accuracy ${(100 * r.testAccuracy).toFixed(1)}%`);
}
