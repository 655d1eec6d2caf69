/**
 * Inference with a model trained in PyTorch. scripts/gen_io_fixtures.py
 * trained a small CNN (with BatchNorm) and an MLP in PyTorch and saved their
 * state dicts with safetensors; here the same architectures load them with
 * `loadStateDict(torch.load(path))` and run under `inferenceMode`, the
 * fastest grad mode: no graph, no version counters.
 *
 *   node dist/examples/pytorch-inference.js            (the CNN)
 *   node dist/examples/pytorch-inference.js --mlp 1
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { isMain, numberFlags } from "./cli.js";
import { makeModel } from "./pytorch-models.js";

/** test/fixtures/io, from examples/ in the sources or dist/examples/ once built. */
function fixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  if (dir.endsWith(join("dist", "examples"))) dir = join(dir, "..", "..");
  else dir = join(dir, "..");
  return join(dir, "test", "fixtures", "io");
}

export interface InferenceResult {
  arch: "mlp" | "cnn";
  /** torchlet's outputs for PyTorch's fixed inputs, `[batch, classes]`. */
  outputs: number[][];
  /** PyTorch's outputs for the same inputs. */
  pytorchOutputs: number[][];
  maxAbsDifference: number;
  predictedClasses: number[];
  /** True: the outputs are inference tensors and record nothing. */
  isInference: boolean;
  /** The `__metadata__` PyTorch's side stored in the file. */
  metadata: Record<string, string>;
}

export function main(options: { arch?: "mlp" | "cnn"; log?: (line: string) => void } = {}): InferenceResult {
  const { arch = "cnn", log = () => {} } = options;
  const dir = fixturesDir();
  const ref = JSON.parse(readFileSync(join(dir, `${arch}.json`), "utf8")) as { input: number[]; input_shape: number[]; output: number[]; output_shape: number[] };

  const model = makeModel(arch);
  const { tensors, metadata } = torch.loadWithMetadata(join(dir, `${arch}.safetensors`));
  model.loadStateDict(tensors);
  model.eval(); // BatchNorm: use the running statistics trained in PyTorch

  const x = torch.tensor(ref.input).reshape(ref.input_shape);
  const { out, predicted } = torch.inferenceMode(() => {
    const out = model.forward(x);
    return { out, predicted: out.argmax(1) };
  });
  const expected = torch.tensor(ref.output).reshape(ref.output_shape);
  const maxAbsDifference = out.sub(expected).abs().max().item();
  log(`${arch}: loaded ${Object.keys(tensors).length} tensors written by PyTorch (${JSON.stringify(metadata)})`);
  log(`predicted classes ${JSON.stringify(predicted.tolist())}; largest difference from PyTorch's outputs ${maxAbsDifference.toExponential(2)}`);
  return {
    arch,
    outputs: out.tolist() as number[][],
    pytorchOutputs: expected.tolist() as number[][],
    maxAbsDifference,
    predictedClasses: predicted.tolist() as number[],
    isInference: out.isInference() && !out.requiresGrad,
    metadata,
  };
}

if (isMain(import.meta.url)) {
  const { mlp } = numberFlags({ mlp: 0 });
  main({ arch: mlp ? "mlp" : "cnn", log: console.log });
}
