/** PyTorch's fixed-mode upsampling layers: `nn.Upsample` with nearest, or bilinear with aligned corners. */
import { Upsample } from "./upsample.js";

/** The size or factor of an UpsamplingNearest2d / UpsamplingBilinear2d (one of the two). */
export interface Upsampling2dOptions {
  /** The output's height and width (one number for both). */
  size?: number | readonly [number, number] | null;
  /** Or a factor for both or for each. */
  scaleFactor?: number | readonly [number, number] | null;
}

/**
 * Nearest-neighbour upsampling of `[N, C, H, W]` input: `nn.Upsample` with mode "nearest".
 *
 * @example
 * const up = new nn.UpsamplingNearest2d({ scaleFactor: 2 }); // [1, 3, 4, 4] -> [1, 3, 8, 8]
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: Upsampling2dOptions = {}) {
    super({ size: options.size ?? null, scaleFactor: options.scaleFactor ?? null, mode: "nearest" });
  }
}

/**
 * Bilinear upsampling of `[N, C, H, W]` input with the corner pixels aligned:
 * `nn.Upsample` with mode "bilinear" and `alignCorners: true`.
 *
 * @example
 * const up = new nn.UpsamplingBilinear2d({ size: [8, 8] });
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: Upsampling2dOptions = {}) {
    super({ size: options.size ?? null, scaleFactor: options.scaleFactor ?? null, mode: "bilinear", alignCorners: true });
  }
}
