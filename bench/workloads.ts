/** The bench workloads that use nn, optim and the shipped digits. */
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const { nn, optim } = torch;

/** The CNN bench workload; its layers and input are exposed so the onnxruntime side can use the same weights. */
export interface CnnWorkload {
  forward: () => Tensor;
  input: Tensor;
  conv1: torch.nn.Conv2d;
  conv2: torch.nn.Conv2d;
  fc: torch.nn.Linear;
}

/** conv3x3 1→32, ReLU, conv3x3 32→64, ReLU, maxpool 2, linear → 10, on a 64x1x28x28 batch. */
export function cnnWorkload(): CnnWorkload {
  const conv1 = new nn.Conv2d(1, 32, 3), conv2 = new nn.Conv2d(32, 64, 3), fc = new nn.Linear(64 * 12 * 12, 10);
  const model = new nn.Sequential(
    conv1, new nn.ReLU(),
    conv2, new nn.ReLU(),
    new nn.MaxPool2d(2), new nn.Flatten(), fc,
  );
  const input = torch.randn([64, 1, 28, 28]);
  return { forward: () => model.forward(input) as Tensor, input, conv1, conv2, fc };
}

/**
 * The same training as bench/pytorch_bench.py: MLP 64-128-10, Adam lr 1e-2,
 * batch 64, 20 epochs on 80% of digits. Returns a function that runs it and
 * gives the seconds the training loop took.
 */
export function digitsWorkload(): () => number {
  const digits = torch.datasets.loadDigits();
  const xs = digits.images.div(16), ys = digits.labels;
  const n = xs.shape[0]!, nTrain = n - Math.floor(n / 5);
  const g = new torch.Generator(0);
  const perm = torch.randperm(n, { generator: g });
  const trainIdx = perm.narrow(0, 0, nTrain);
  const xtr = xs.indexSelect(0, trainIdx), ytr = ys.indexSelect(0, trainIdx);
  return () => {
    const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const lossFn = new nn.CrossEntropyLoss();
    const t0 = performance.now();
    for (let epoch = 0; epoch < 20; epoch++) {
      const order = torch.randperm(nTrain, { generator: g });
      for (let i = 0; i < nTrain; i += 64) {
        const idx = order.narrow(0, i, Math.min(64, nTrain - i));
        opt.zeroGrad();
        lossFn.forward(model.forward(xtr.indexSelect(0, idx)) as Tensor, ytr.indexSelect(0, idx)).backward();
        opt.step();
      }
    }
    return (performance.now() - t0) / 1000;
  };
}
