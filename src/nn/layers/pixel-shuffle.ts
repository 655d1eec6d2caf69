/**
 * Pixel shuffle (sub-pixel convolution) and its inverse: moving `r²`
 * channels into an `r×r` block of pixels and back, by reshape and permute
 * (so the gradient is the inverse rearrangement, for free).
 */
import { shapeStr } from "../../ops/core.js";
import { permute, reshape } from "../../ops/views.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/** PyTorch's checks shared by both directions: at least 3 dims and a positive factor. */
function checkInput(op: string, input: Tensor, factorName: string, factor: number): void {
  if (input.dim() < 3) {
    throw new Error(`${op} expects input to have at least 3 dimensions, but got input with ${input.dim()} dimension(s) (input of shape ${shapeStr(input.shape)})`);
  }
  if (!Number.isInteger(factor) || factor <= 0) throw new Error(`${op} expects a positive ${factorName}, but got ${factor}`);
}

/**
 * `[*, C·r², H, W]` to `[*, C, H·r, W·r]`: each group of `r²` channels
 * becomes an `r×r` block of pixels, as `torch.nn.functional.pixel_shuffle`.
 *
 * @example
 * F.pixelShuffle(torch.zeros([1, 8, 3, 3]), 2).shape; // [1, 2, 6, 6]
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  checkInput("pixel_shuffle", input, "upscale_factor", upscaleFactor);
  const r = upscaleFactor, n = input.dim();
  const batch = input.shape.slice(0, n - 3);
  const [c, h, w] = input.shape.slice(n - 3) as [number, number, number];
  if (c % (r * r) !== 0) {
    throw new Error(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
  }
  const b = batch.length;
  // [*, C, r, r, H, W] -> [*, C, H, r, W, r]
  const split = reshape(input, [...batch, c / (r * r), r, r, h, w]);
  const moved = permute(split, [...batch.keys(), b, b + 3, b + 1, b + 4, b + 2]);
  return reshape(moved, [...batch, c / (r * r), h * r, w * r]);
}

/**
 * `[*, C, H·r, W·r]` to `[*, C·r², H, W]`, the inverse of `pixelShuffle`, as
 * `torch.nn.functional.pixel_unshuffle`.
 *
 * @example
 * F.pixelUnshuffle(torch.zeros([1, 2, 6, 6]), 2).shape; // [1, 8, 3, 3]
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  checkInput("pixel_unshuffle", input, "downscale_factor", downscaleFactor);
  const r = downscaleFactor, n = input.dim();
  const batch = input.shape.slice(0, n - 3);
  const [c, h, w] = input.shape.slice(n - 3) as [number, number, number];
  if (h % r !== 0) throw new Error(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new Error(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const b = batch.length;
  // [*, C, H, r, W, r] -> [*, C, r, r, H, W]
  const split = reshape(input, [...batch, c, h / r, r, w / r, r]);
  const moved = permute(split, [...batch.keys(), b, b + 2, b + 4, b + 1, b + 3]);
  return reshape(moved, [...batch, c * r * r, h / r, w / r]);
}

/**
 * Rearranges `[*, C·r², H, W]` into `[*, C, H·r, W·r]` (see `F.pixelShuffle`).
 *
 * @example
 * new nn.PixelShuffle(3).forward(torch.zeros([1, 9, 4, 4])).shape; // [1, 1, 12, 12]
 */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return pixelShuffle(input, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/**
 * Rearranges `[*, C, H·r, W·r]` into `[*, C·r², H, W]` (see `F.pixelUnshuffle`).
 *
 * @example
 * new nn.PixelUnshuffle(2).forward(torch.zeros([1, 1, 4, 4])).shape; // [1, 4, 2, 2]
 */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return pixelUnshuffle(input, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
