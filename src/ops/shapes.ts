/**
 * Shape arithmetic without tensors: `broadcastShapes`, as
 * torch.broadcast_shapes.
 */
import { shapeStr } from "./core.js";

/**
 * The shape that tensors of these shapes broadcast to together, as
 * torch.broadcast_shapes; throws PyTorch's error when they do not.
 *
 * @example
 * torch.broadcastShapes([2, 1], [3]); // [2, 3]
 */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const k = nd - s.length + i, d = s[i]!;
      if (d === out[k] || d === 1) continue;
      if (out[k] !== 1) throw new Error(`Shape mismatch: objects cannot be broadcast to a single shape (broadcast_shapes: ${shapes.map(shapeStr).join(", ")})`);
      out[k] = d;
    }
  }
  return out;
}
