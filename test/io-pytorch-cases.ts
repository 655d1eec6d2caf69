/**
 * Checkpoints torchlet writes in PyTorch's format, for two checks:
 * test/io-pytorch-write.test.ts loads each back in torchlet, and run as a
 * program (`node dist/test/io-pytorch-cases.js DIR`) this writes each as
 * DIR/<name>.pt with DIR/<name>.json describing it, for
 * scripts/check_pytorch_reads.py to load in Python's PyTorch and compare.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.js";
import type { SaveableValue } from "../src/index.js";
import { describeForPython } from "./io-pytorch-describe.js";

const { nn } = torch;

/** PyTorch's SmallNet in scripts/gen_pytorch_checkpoint_fixtures.py: Conv -> BatchNorm -> ReLU -> flatten -> Linear. */
export class SmallNet extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3);
  bn = new nn.BatchNorm2d(2);
  fc = new nn.Linear(2 * 4 * 4, 3);

  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc.forward(this.bn.forward(this.conv.forward(x)).relu().flatten(1));
  }
}

/** A trained-ish SmallNet in eval mode (BatchNorm's running stats moved off their defaults). */
export function smallNet(): SmallNet {
  torch.manualSeed(7);
  const net = new SmallNet();
  torch.noGrad(() => {
    for (let i = 0; i < 3; i++) net.forward(torch.randn([4, 1, 6, 6]));
  });
  net.eval();
  return net;
}

/** The objects to save, by file name. */
export function exportCases(): Record<string, SaveableValue> {
  torch.manualSeed(8);
  const base = torch.arange(0, 24, 1, { dtype: "float32" });
  const grid = base.view([4, 6]);
  const tied = torch.randn([3, 2]);
  const p = new nn.Parameter(torch.tensor([1.5, -2]));
  return {
    dtypes: {
      f32: torch.tensor([[1.5, -2.25], [3e-8, 1e30]]),
      f64: torch.tensor([1 / 3, -1e300], { dtype: "float64" }),
      i32: torch.tensor([2147483647, -2147483648, 0], { dtype: "int32" }),
      b: torch.tensor([true, false, true]),
    },
    views: {
      base, grid, row: grid.select(0, 2), column: grid.select(1, 3), transposed: grid.t(),
      strided: grid.narrow(0, 1, 2).narrow(1, 0, 3), element: grid.select(0, 3).select(0, 5),
      tied_a: tied, tied_b: tied, tied_t: tied.t(),
    },
    shapes: {
      scalar: torch.tensor(3.25), empty: torch.zeros([0]), empty_2d: torch.zeros([2, 0, 3]),
      expanded: torch.tensor([1, 2, 3]).expand([2, 3]), permuted: torch.arange(0, 24, 1, { dtype: "float32" }).reshape([2, 3, 4]).permute([2, 0, 1]),
    },
    nested: {
      int: 3, negative: -300, big: 2 ** 40, beyond: 1e300, minus_zero: -0, huge: -(2n ** 70n), float: 2.5, nan: NaN, text: "héllo ✓", none: null, yes: true, no: false,
      list: [1, 2.5, [3, "x"], []], tuple: Object.freeze([1, "a", null]), pair: Object.freeze([4, 5]), one: Object.freeze([9]),
      dict: { inner: { deep: torch.tensor([1, 2], { dtype: "int32" }) }, n: 0 }, many: Array.from({ length: 1003 }, (_, i) => i),
    },
    params: { param: p, frozen: new nn.Parameter(torch.tensor([2]), false), leaf: torch.tensor([3, 4]).requiresGrad_() },
  };
}

/** The SmallNet case: its state dict, and an input with torchlet's output for Python to reproduce. */
export function modelCase(): { stateDict: Record<string, torch.Tensor>; input: torch.Tensor; output: torch.Tensor } {
  const net = smallNet();
  torch.manualSeed(9);
  const input = torch.randn([2, 1, 6, 6]);
  const output = torch.noGrad(() => net.forward(input));
  return { stateDict: net.stateDict(), input, output };
}

/** Writes every case into `dir` for scripts/check_pytorch_reads.py. */
export function writeCases(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, value] of Object.entries(exportCases())) {
    torch.save(value, join(dir, `${name}.pt`));
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ value: describeForPython(value) }));
    written.push(name);
  }
  const { stateDict, input, output } = modelCase();
  torch.save(stateDict, join(dir, "model.pth"));
  writeFileSync(join(dir, "model.json"), JSON.stringify({
    value: describeForPython(stateDict), model: "SmallNet",
    input_shape: input.shape, input: Array.from(input.toArray()), output_shape: output.shape, output: Array.from(output.toArray()),
  }));
  written.push("model");
  return written;
}

// Run as a program with a directory: write the files. (`node --test dist/test/` also runs this file, with no arguments: then nothing happens.)
const dir = process.argv[2];
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href && dir !== undefined) {
  console.log(`wrote ${writeCases(dir).join(", ")} into ${dir}`);
}
