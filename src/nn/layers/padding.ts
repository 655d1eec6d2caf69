/**
 * The 2-d padding layers: `F.pad` of the last two dims by (left, right, top,
 * bottom), one int meaning the same on every side, as in PyTorch.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { pad, type PadMode } from "../functional.js";
import { Module, pyTuple } from "../module.js";

export type Padding2d = number | readonly [number, number, number, number];

/** Shared by the 2-d padding layers: the four amounts and the mode. */
abstract class Pad2d extends Module {
  /** (left, right, top, bottom), as PyTorch stores it. */
  readonly padding: readonly [number, number, number, number];

  protected constructor(padding: Padding2d, private readonly mode: PadMode, readonly value = 0) {
    super();
    if (typeof padding !== "number" && padding.length !== 4) {
      throw new Error(`${this.constructor.name}: padding must be an int or 4 ints (left, right, top, bottom), got [${padding.join(", ")}]`);
    }
    this.padding = typeof padding === "number" ? [padding, padding, padding, padding] : [...padding] as [number, number, number, number];
  }

  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, this.mode, this.mode === "constant" ? this.value : null);
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/**
 * Pads with zeros.
 *
 * @example
 * const y = new nn.ZeroPad2d([1, 1, 2, 0]).forward(torch.ones([1, 1, 3, 3])); // [1, 1, 5, 5]
 */
export class ZeroPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, "constant");
  }
}

/**
 * Pads with `value`.
 *
 * @example
 * const y = new nn.ConstantPad2d(1, -1).forward(torch.ones([1, 3, 3])); // [1, 5, 5]
 */
export class ConstantPad2d extends Pad2d {
  constructor(padding: Padding2d, value: number) {
    super(padding, "constant", value);
  }

  override extraRepr(): string {
    return `padding=${super.extraRepr()}, value=${this.value}`;
  }
}

/**
 * Pads with the input mirrored at its border (the border itself not repeated).
 *
 * @example
 * const y = new nn.ReflectionPad2d(2).forward(torch.randn([1, 1, 4, 4])); // [1, 1, 8, 8]
 */
export class ReflectionPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, "reflect");
  }
}

/**
 * Pads with copies of the border.
 *
 * @example
 * const y = new nn.ReplicationPad2d([1, 0, 0, 1]).forward(torch.randn([1, 1, 4, 4])); // [1, 1, 5, 5]
 */
export class ReplicationPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, "replicate");
  }
}
