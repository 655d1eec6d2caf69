/** The 8x8 digits shipped with torchlet, shuffled with a seed and split into train and test sets. */
import * as torch from "../src/index.js";

export interface DigitsSplit {
  trainX: torch.Tensor;
  trainY: torch.Tensor;
  testX: torch.Tensor;
  testY: torch.Tensor;
}

/**
 * `samples` digits (all 1797 by default) in random order, pixels scaled to [0, 1];
 * the last `testFraction` of them are the test set.
 */
export function digitsSplit(options: { samples?: number; testFraction?: number; asImages?: boolean; seed?: number } = {}): DigitsSplit {
  const { images, labels } = torch.datasets.loadDigits({ asImages: options.asImages ?? false });
  const n = Math.min(options.samples ?? images.shape[0]!, images.shape[0]!);
  const generator = new torch.Generator().manualSeed(options.seed ?? 0);
  const order = torch.randperm(images.shape[0]!, { generator }).narrow(0, 0, n);
  const x = images.indexSelect(0, order).div(16);
  const y = labels.indexSelect(0, order);
  const nTest = Math.max(1, Math.round(n * (options.testFraction ?? 0.2)));
  return { trainX: x.narrow(0, 0, n - nTest), trainY: y.narrow(0, 0, n - nTest), testX: x.narrow(0, n - nTest, nTest), testY: y.narrow(0, n - nTest, nTest) };
}

/** Fraction of correct predictions, computed without recording a graph and in eval mode. */
export function accuracy(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor): number {
  const wasTraining = model.training;
  model.eval();
  const correct = torch.noGrad(() => (model.forward(x) as torch.Tensor).argmax(1).eq(y).sum().item());
  model.train(wasTraining);
  return correct / y.shape[0]!;
}
