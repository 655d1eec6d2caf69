/**
 * A custom autograd Function, PyTorch's way: a static `forward` that computes
 * the result (without recording) and saves what backward needs, and a static
 * `backward` that maps the output's gradient to the inputs'.
 *
 * The example is Swish/SiLU, x * sigmoid(x), whose derivative
 * s + x s (1 - s) reuses the forward's sigmoid. `torch.autograd.gradcheck`
 * compares the hand-written backward with finite differences in float64,
 * and a small model uses the Function as its activation.
 *
 *   node dist/examples/custom-function.js
 */
import * as torch from "../src/index.js";
import { isMain, numberFlags } from "./cli.js";

type Ctx = torch.autograd.FunctionCtx;
const { nn, optim } = torch;

/** SiLU with a hand-written backward. */
export class Swish extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: torch.Tensor): torch.Tensor {
    const s = x.sigmoid();
    ctx.saveForBackward(x, s);
    return x.mul(s);
  }

  static override backward(ctx: Ctx, grad: torch.Tensor): torch.Tensor {
    const [x, s] = ctx.savedTensors as [torch.Tensor, torch.Tensor];
    // d/dx x s(x) = s + x s (1 - s); written in tensor ops, so double backward works too.
    return grad.mul(s.add(x.mul(s).mul(s.neg().add(1))));
  }
}

/** A module that uses the Function, as nn layers use ops. */
export class SwishNet extends nn.Module {
  fc1 = new nn.Linear(2, 16);
  fc2 = new nn.Linear(16, 1);

  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(Swish.apply(this.fc1.forward(x)) as torch.Tensor);
  }
}

export interface CustomFunctionResult {
  /** Whether gradcheck accepted the hand-written backward. */
  gradcheckPassed: boolean;
  /** Largest difference from the autograd gradient of the composed x * sigmoid(x). */
  maxGradDifference: number;
  /** The gradient function's name, as PyTorch would name it. */
  gradFnName: string;
  losses: number[];
}

export function main(options: { steps?: number; samples?: number; seed?: number; log?: (line: string) => void } = {}): CustomFunctionResult {
  const { steps = 100, samples = 128, seed = 0, log = () => {} } = options;
  torch.manualSeed(seed);

  const x64 = torch.randn([4, 3], { dtype: "float64", requiresGrad: true });
  const gradcheckPassed = torch.autograd.gradcheck((t: torch.Tensor) => Swish.apply(t) as torch.Tensor, [x64]);

  const x = torch.randn([5, 3], { requiresGrad: true });
  const y = Swish.apply(x) as torch.Tensor;
  const [mine] = torch.autograd.grad(y.sum(), [x]);
  const [reference] = torch.autograd.grad(x.mul(x.sigmoid()).sum(), [x]);
  const maxGradDifference = mine!.sub(reference!).abs().max().item();
  log(`gradcheck ${gradcheckPassed ? "passed" : "failed"}; largest difference from autograd's own gradient ${maxGradDifference.toExponential(2)}`);

  // Fit y = sin(x0) + x1^2 with the Function as the activation.
  const inputs = torch.randn([samples, 2]);
  const targets = inputs.select(1, 0).sin().add(inputs.select(1, 1).pow(2)).unsqueeze(1);
  const model = new SwishNet();
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = nn.functional.mseLoss(model.forward(inputs), targets);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  log(`mse ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)} in ${steps} steps`);
  return { gradcheckPassed, maxGradDifference, gradFnName: y.gradFn?.name ?? "", losses };
}

if (isMain(import.meta.url)) {
  main({ ...numberFlags({ steps: 100, samples: 128, seed: 0 }), log: console.log });
}
