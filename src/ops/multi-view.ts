/**
 * The ops that return several views at once, recorded as PyTorch does: one
 * node for all the pieces (SplitBackward0, SplitWithSizesBackward0,
 * UnbindBackward0), each piece its output `i`, and the pieces marked as
 * outputs of a multi-view function, so that changing one in place while
 * recording raises PyTorch's error (see view-meta.ts).
 */
import type { Tensor } from "../tensor/tensor.js";
import { makeView, needsGrad, record } from "./core.js";
import { zeros } from "./factories.js";
import { cat, stack } from "./indexing.js";

/** The pieces of `a` along dim `d` of lengths `sizes` (which add up to its size there). */
export function splitViews(a: Tensor, d: number, sizes: readonly number[], name: "SplitBackward0" | "SplitWithSizesBackward0"): Tensor[] {
  const outs: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    const shape = [...a.shape];
    shape[d] = s;
    outs.push(makeView(a, shape, a.strides, a.offset + at * a.strides[d]!, true));
    at += s;
  }
  if (needsGrad(a)) {
    const shapes = outs.map((o) => o.shape), dtype = a.dtype;
    // a piece that got no gradient contributes zeros
    record(name, [a], outs, (grads) => [cat(shapes.map((s, i) => grads[i] ?? zeros(s, { dtype })), d)]);
  }
  return outs;
}

/** The slices of `a` along dim `d`, each without that dim. */
export function unbindViews(a: Tensor, d: number): Tensor[] {
  const shape = a.shape.filter((_, i) => i !== d), strides = a.strides.filter((_, i) => i !== d);
  const outs = Array.from({ length: a.shape[d]! }, (_, i) => makeView(a, shape, strides, a.offset + i * a.strides[d]!, true));
  if (needsGrad(a) && outs.length > 0) {
    const dtype = a.dtype;
    record("UnbindBackward0", [a], outs, (grads) => [stack(grads.map((g) => g ?? zeros(shape, { dtype })), d)]);
  }
  return outs;
}
