/**
 * The default generator's state as a tensor (to save and restore a random
 * stream, as torch.get_rng_state / set_rng_state), and its seeding by time.
 */
import type { Tensor } from "../tensor/tensor.js";
import { fromTypedArray } from "./factories.js";
import { defaultGenerator } from "./random.js";

/**
 * The default generator's state, a float64 tensor to pass to `setRngState`
 * (torchlet's own layout: PyTorch's byte states do not carry over).
 *
 * @example
 * const state = torch.getRngState();
 * const a = torch.rand([3]);
 * torch.setRngState(state);
 * const b = torch.rand([3]); // the same values as a
 */
export function getRngState(): Tensor {
  return fromTypedArray(Float64Array.from(defaultGenerator.getState()));
}

/** Restores the default generator to a state from `getRngState`. */
export function setRngState(state: Tensor): void {
  const expected = defaultGenerator.getState().length;
  if (state.dtype !== "float64" || state.dim() !== 1 || state.numel() !== expected) {
    throw new Error(`setRngState: expected a state from torch.getRngState() (a float64 tensor of ${expected} values), got ${state.dtype} of shape [${state.shape.join(", ")}]`);
  }
  defaultGenerator.setState(Array.from(state.toArray()));
}

/** The seed the default generator was last seeded with. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** Seeds the default generator from the clock and returns the seed (torch.seed). */
export function seed(): number {
  const s = Math.floor(Math.random() * 2 ** 32) ^ (Date.now() % 2 ** 31);
  defaultGenerator.manualSeed(s >>> 0);
  return s >>> 0;
}
