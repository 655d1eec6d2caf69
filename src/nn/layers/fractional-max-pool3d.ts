/** `nn.FractionalMaxPool3d`: the layer form of `F.fractionalMaxPool3d`. */
import type { Triple } from "../../ops/conv3d.js";
import { fractionalMaxPool3d, type FractionalMaxPool3dOptions } from "../../ops/fractional-max-pool3d.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module, pyTuple } from "../module.js";

/** The layer's options: the functional's, without a generator (PyTorch draws the samples with the global one). */
export type FractionalMaxPool3dLayerOptions = Omit<FractionalMaxPool3dOptions, "generator">;

const three = (v: Triple): [number, number, number] => (typeof v === "number" ? [v, v, v] : [v[0], v[1], v[2]]);

/**
 * Fractional max pooling over T, H and W to `outputSize`, or to
 * `outputRatio` (each in (0, 1)) of the input's size. `_randomSamples`
 * [N, C, 3], when given, is a buffer that fixes the windows; otherwise each
 * forward draws new ones. With `returnIndices`, forward returns
 * `[values, indices]`.
 *
 * @example
 * const pool = new nn.FractionalMaxPool3d(2, { outputRatio: 0.5 });
 * const y = pool.forward(torch.randn([1, 4, 10, 12, 14])); // [1, 4, 5, 6, 7]
 */
export class FractionalMaxPool3d extends Module {
  readonly kernelSize: [number, number, number];
  readonly outputSize: [number, number, number] | null;
  readonly outputRatio: [number, number, number] | null;
  readonly returnIndices: boolean;

  constructor(kernelSize: Triple, options: FractionalMaxPool3dLayerOptions = {}) {
    super();
    this.kernelSize = three(kernelSize);
    this.returnIndices = options.returnIndices ?? false;
    this.registerBuffer("_random_samples", options._randomSamples ?? null);
    this.outputSize = options.outputSize != null ? three(options.outputSize) : null;
    this.outputRatio = options.outputRatio != null ? three(options.outputRatio) : null;
    if (this.outputSize === null && this.outputRatio === null) throw new Error("FractionalMaxPool3d requires specifying either an output size, or a pooling ratio");
    if (this.outputSize !== null && this.outputRatio !== null) throw new Error("only one of output_size and output_ratio may be specified");
    const ratio = this.outputRatio;
    if (ratio !== null && !ratio.every((r) => r > 0 && r < 1)) {
      const given = options.outputRatio!;
      throw new Error(`output_ratio must be between 0 and 1 (got ${typeof given === "number" ? given : pyTuple(given)})`);
    }
  }

  /** The fixed samples (PyTorch's `_random_samples` buffer), or null. */
  get _randomSamples(): Tensor | null {
    return this._buffers.get("_random_samples") ?? null;
  }

  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return fractionalMaxPool3d(input, this.kernelSize, {
      outputSize: this.outputSize, outputRatio: this.outputRatio, returnIndices: this.returnIndices, _randomSamples: this._randomSamples,
    });
  }
}
