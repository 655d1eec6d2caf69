/**
 * The padding layers: `F.pad` of the last one, two or three dims, each by
 * (before, after) amounts listed from the last dim backwards ((left, right,
 * top, bottom, front, back)), one int meaning the same on every side, as in
 * PyTorch.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { pad, type PadMode } from "../functional.js";
import { Module, pyTuple } from "../module.js";

export type Padding1d = number | readonly [number, number];
export type Padding2d = number | readonly [number, number, number, number];
export type Padding3d = number | readonly [number, number, number, number, number, number];

/** What every padding layer shares: the amounts (2 per padded dim), the mode and the repr. */
abstract class PadNd extends Module {
  /** As PyTorch stores it: (left, right[, top, bottom[, front, back]]). */
  readonly padding: readonly number[];

  protected constructor(dims: 1 | 2 | 3, padding: number | readonly number[], private readonly mode: PadMode, readonly value = 0) {
    super();
    if (typeof padding !== "number" && padding.length !== 2 * dims) {
      throw new Error(`${this.constructor.name}: padding must be an int or ${2 * dims} ints (${["left, right", "top, bottom", "front, back"].slice(0, dims).join(", ")}), got [${padding.join(", ")}]`);
    }
    this.padding = typeof padding === "number" ? new Array<number>(2 * dims).fill(padding) : [...padding];
  }

  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, this.mode, this.mode === "constant" ? this.value : null);
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/** ConstantPadNd's repr: PyTorch names both arguments. */
const constantRepr = (padding: readonly number[], value: number) => `padding=${pyTuple(padding)}, value=${value}`;

/** Pads the last dim with zeros. @example new nn.ZeroPad1d([1, 2]).forward(torch.ones([1, 2, 3])) // [1, 2, 6] */
export class ZeroPad1d extends PadNd {
  constructor(padding: Padding1d) {
    super(1, padding, "constant");
  }
}

/**
 * Pads with zeros.
 *
 * @example
 * const y = new nn.ZeroPad2d([1, 1, 2, 0]).forward(torch.ones([1, 1, 3, 3])); // [1, 1, 5, 5]
 */
export class ZeroPad2d extends PadNd {
  constructor(padding: Padding2d) {
    super(2, padding, "constant");
  }
}

/** Pads the last three dims with zeros. @example new nn.ZeroPad3d(1).forward(torch.ones([1, 1, 2, 2, 2])) // [1, 1, 4, 4, 4] */
export class ZeroPad3d extends PadNd {
  constructor(padding: Padding3d) {
    super(3, padding, "constant");
  }
}

/** Pads the last dim with `value`. @example new nn.ConstantPad1d(2, 3.5).forward(torch.ones([2, 3])) // [2, 7] */
export class ConstantPad1d extends PadNd {
  constructor(padding: Padding1d, value: number) {
    super(1, padding, "constant", value);
  }

  override extraRepr(): string {
    return constantRepr(this.padding, this.value);
  }
}

/**
 * Pads with `value`.
 *
 * @example
 * const y = new nn.ConstantPad2d(1, -1).forward(torch.ones([1, 3, 3])); // [1, 5, 5]
 */
export class ConstantPad2d extends PadNd {
  constructor(padding: Padding2d, value: number) {
    super(2, padding, "constant", value);
  }

  override extraRepr(): string {
    return constantRepr(this.padding, this.value);
  }
}

/** Pads the last three dims with `value`. @example new nn.ConstantPad3d(1, 2).forward(torch.ones([1, 2, 2, 2])) // [1, 4, 4, 4] */
export class ConstantPad3d extends PadNd {
  constructor(padding: Padding3d, value: number) {
    super(3, padding, "constant", value);
  }

  override extraRepr(): string {
    return constantRepr(this.padding, this.value);
  }
}

/** Pads the last dim with its mirror image (the border not repeated). @example new nn.ReflectionPad1d(2).forward(torch.randn([1, 2, 5])) // [1, 2, 9] */
export class ReflectionPad1d extends PadNd {
  constructor(padding: Padding1d) {
    super(1, padding, "reflect");
  }
}

/**
 * Pads with the input mirrored at its border (the border itself not repeated).
 *
 * @example
 * const y = new nn.ReflectionPad2d(2).forward(torch.randn([1, 1, 4, 4])); // [1, 1, 8, 8]
 */
export class ReflectionPad2d extends PadNd {
  constructor(padding: Padding2d) {
    super(2, padding, "reflect");
  }
}

/** Mirrors the last three dims at their borders. @example new nn.ReflectionPad3d(1).forward(torch.randn([1, 1, 3, 3, 3])) // [1, 1, 5, 5, 5] */
export class ReflectionPad3d extends PadNd {
  constructor(padding: Padding3d) {
    super(3, padding, "reflect");
  }
}

/** Pads the last dim with copies of its border. @example new nn.ReplicationPad1d([1, 2]).forward(torch.randn([2, 4])) // [2, 7] */
export class ReplicationPad1d extends PadNd {
  constructor(padding: Padding1d) {
    super(1, padding, "replicate");
  }
}

/**
 * Pads with copies of the border.
 *
 * @example
 * const y = new nn.ReplicationPad2d([1, 0, 0, 1]).forward(torch.randn([1, 1, 4, 4])); // [1, 1, 5, 5]
 */
export class ReplicationPad2d extends PadNd {
  constructor(padding: Padding2d) {
    super(2, padding, "replicate");
  }
}

/** Pads the last three dims with copies of their borders. @example new nn.ReplicationPad3d(1).forward(torch.randn([1, 1, 2, 2, 2])) // [1, 1, 4, 4, 4] */
export class ReplicationPad3d extends PadNd {
  constructor(padding: Padding3d) {
    super(3, padding, "replicate");
  }
}

/** Pads the last dim by wrapping around (as PyTorch 2.1+'s). @example new nn.CircularPad1d([2, 1]).forward(torch.randn([1, 2, 4])) // [1, 2, 7] */
export class CircularPad1d extends PadNd {
  constructor(padding: Padding1d) {
    super(1, padding, "circular");
  }
}

/** Pads the last two dims by wrapping around (as PyTorch 2.1+'s). @example new nn.CircularPad2d(1).forward(torch.randn([1, 1, 3, 3])) // [1, 1, 5, 5] */
export class CircularPad2d extends PadNd {
  constructor(padding: Padding2d) {
    super(2, padding, "circular");
  }
}

/** Pads the last three dims by wrapping around (as PyTorch 2.1+'s). @example new nn.CircularPad3d(1).forward(torch.randn([1, 1, 2, 2, 2])) // [1, 1, 4, 4, 4] */
export class CircularPad3d extends PadNd {
  constructor(padding: Padding3d) {
    super(3, padding, "circular");
  }
}
