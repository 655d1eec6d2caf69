/** End to end: an MLP on the shipped digits learns, repeatably, and the npm start program runs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as torch from "../src/index.js";

const { nn, optim, data } = torch;

function train(seed: number, epochs: number) {
  torch.manualSeed(seed);
  const { images, labels } = torch.datasets.loadDigits();
  const [trainSet, testSet] = data.randomSplit(new data.TensorDataset(images.div(16), labels), [0.8, 0.2], new torch.Generator(0));
  const loader = new data.DataLoader(trainSet!, { batchSize: 64, shuffle: true, generator: new torch.Generator(seed) });
  const model = new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const lossFn = new nn.CrossEntropyLoss();
  const [tx, ty] = [...new data.DataLoader(testSet!, { batchSize: testSet!.length })][0] as torch.Tensor[];
  const evaluate = () => {
    model.eval();
    const logits = torch.noGrad(() => model.forward(tx!) as torch.Tensor);
    model.train();
    return { loss: lossFn.forward(logits, ty!).item(), acc: logits.argmax(1).eq(ty!).sum().item() / ty!.shape[0]! };
  };
  const history = [evaluate()];
  for (let e = 0; e < epochs; e++) {
    for (const [x, y] of loader as Iterable<torch.Tensor[]>) {
      const loss = lossFn.forward(model.forward(x!) as torch.Tensor, y!);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    history.push(evaluate());
  }
  return { history, weights: Array.from(model.parameters()[0]!.toArray()) };
}

test("training an MLP on digits for a few epochs lowers the loss and raises accuracy; same seed, same result", () => {
  const a = train(0, 3);
  const first = a.history[0]!, last = a.history[a.history.length - 1]!;
  assert.ok(last.loss < first.loss / 3, `loss ${first.loss} -> ${last.loss}`);
  assert.ok(first.acc < 0.3 && last.acc > 0.85, `accuracy ${first.acc} -> ${last.acc}`);
  const b = train(0, 3);
  assert.deepEqual(b.history, a.history);
  assert.deepEqual(b.weights, a.weights);
});

test("npm start's program trains and reports test accuracy and the grad-mode table", () => {
  const script = join(import.meta.dirname, "..", "src", "main", "train-digits.js");
  const run = () => execFileSync(process.execPath, ["--expose-gc", script, "--epochs", "2", "--seed", "5"], { encoding: "utf8", env: { ...process.env, TORCHLET_QUIET: "1" } });
  const out = run();
  const lines = out.split("\n").filter((l) => l.startsWith("epoch "));
  assert.equal(lines.length, 2, out);
  assert.match(lines[1]!, /loss \d+\.\d+ {2}acc 0\.\d+ {2}\d+ samples\/s/);
  const acc = Number(/test accuracy: (\d\.\d+)/.exec(out)?.[1]);
  assert.ok(acc > 0.8, out);
  for (const mode of ["grad mode", "noGrad", "inferenceMode"]) assert.match(out, new RegExp(`^${mode} +\\d+\\.\\d+ ms +\\d+\\.\\d KiB`, "m"));
});
