import { flatten } from "../../ops/views.js";
import type { Tensor } from "../../tensor/tensor.js";
import { dropout, elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, softplus, tanh } from "../functional.js";
import { Module, pyFloat } from "../module.js";

/** `max(x, 0)`; with `inplace`, written over the input (`input.relu_()`). @example new nn.ReLU({ inplace: true }).forward(x) */
export class ReLU extends Module {
  readonly inplace: boolean;

  constructor(options: { inplace?: boolean } = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : relu(input);
  }

  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/** `x` where positive, `negativeSlope * x` elsewhere. @example new nn.LeakyReLU(0.2).forward(x) */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/** `x` where positive, `alpha·(exp(x) - 1)` elsewhere. @example new nn.ELU().forward(x) */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return elu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** `log(1 + exp(beta·x)) / beta` (linear past `threshold`). @example new nn.Softplus().forward(x) */
export class Softplus extends Module {
  constructor(readonly options: { beta?: number; threshold?: number } = {}) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softplus(input, this.options);
  }

  override extraRepr(): string {
    return `beta=${pyFloat(this.options.beta ?? 1)}, threshold=${pyFloat(this.options.threshold ?? 20)}`;
  }
}

/** `x * sigmoid(x)`. @example new nn.SiLU().forward(x) */
export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return silu(input);
  }
}

/**
 * GELU, exact (erf) by default or `"tanh"`-approximated.
 *
 * @example
 * const act = new nn.GELU({ approximate: "tanh" });
 */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";

  constructor(options: { approximate?: "none" | "tanh" } = {}) {
    super();
    this.approximate = options.approximate ?? "none";
  }

  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** @example new nn.Tanh().forward(x) */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

/** @example new nn.Sigmoid().forward(x) */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/** Softmax along `dim`. @example new nn.Softmax(1).forward(logits) */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** logSoftmax along `dim`. @example new nn.LogSoftmax(1).forward(logits) */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Returns its input. @example new nn.Identity().forward(x) === x */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * Flattens dims `startDim..endDim` (default 1..-1), keeping the batch dim.
 *
 * @example
 * new nn.Flatten().forward(torch.zeros([2, 1, 8, 8])).shape; // [2, 64]
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Zeroes elements with probability `p` in training mode (scaling the rest by
 * 1/(1-p)); the identity in eval mode. The grad mode plays no part (rule 6).
 *
 * @example
 * const drop = new nn.Dropout(0.2);
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
