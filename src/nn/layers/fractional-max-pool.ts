/** `nn.FractionalMaxPool2d`: the layer form of `F.fractionalMaxPool2d`. */
import type { Pair } from "../../ops/conv.js";
import { fractionalMaxPool2d, type FractionalMaxPool2dOptions } from "../../ops/fractional-max-pool.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module, pyTuple } from "../module.js";

/** The layer's options: the functional's, without a generator (PyTorch draws the samples with the global one). */
export type FractionalMaxPool2dLayerOptions = Omit<FractionalMaxPool2dOptions, "generator">;

/**
 * Fractional max pooling to `outputSize`, or to `outputRatio` (each in
 * (0, 1)) of the input's size. `_randomSamples` [N, C, 2], when given, is a
 * buffer that fixes the windows (as PyTorch's `_random_samples`); otherwise
 * each forward draws new ones. With `returnIndices`, forward returns
 * `[values, indices]`.
 *
 * @example
 * const pool = new nn.FractionalMaxPool2d(3, { outputRatio: [0.5, 0.5] });
 * const y = pool.forward(torch.randn([1, 16, 50, 32])); // [1, 16, 25, 16]
 */
export class FractionalMaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly outputSize: [number, number] | null;
  readonly outputRatio: [number, number] | null;
  readonly returnIndices: boolean;

  constructor(kernelSize: Pair, options: FractionalMaxPool2dLayerOptions = {}) {
    super();
    const two = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);
    this.kernelSize = two(kernelSize);
    this.returnIndices = options.returnIndices ?? false;
    this.registerBuffer("_random_samples", options._randomSamples ?? null);
    this.outputSize = options.outputSize != null ? two(options.outputSize) : null;
    this.outputRatio = options.outputRatio != null ? two(options.outputRatio) : null;
    if (this.outputSize === null && this.outputRatio === null) throw new Error("FractionalMaxPool2d requires specifying either an output size, or a pooling ratio");
    if (this.outputSize !== null && this.outputRatio !== null) throw new Error("only one of output_size and output_ratio may be specified");
    const ratio = this.outputRatio;
    if (ratio !== null && !(ratio[0] > 0 && ratio[0] < 1 && ratio[1] > 0 && ratio[1] < 1)) {
      const given = options.outputRatio!;
      throw new Error(`output_ratio must be between 0 and 1 (got ${typeof given === "number" ? given : pyTuple(given)})`);
    }
  }

  /** The fixed samples (PyTorch's `_random_samples` buffer), or null. */
  get _randomSamples(): Tensor | null {
    return this._buffers.get("_random_samples") ?? null;
  }

  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return fractionalMaxPool2d(input, this.kernelSize, {
      outputSize: this.outputSize, outputRatio: this.outputRatio, returnIndices: this.returnIndices, _randomSamples: this._randomSamples,
    });
  }
}
