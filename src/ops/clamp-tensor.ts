/**
 * `clamp` with tensor bounds (PyTorch's clamp.Tensor): min(max(x, lo), hi)
 * elementwise with broadcasting and type promotion, NaN in x or in a bound
 * giving NaN. Gradients follow PyTorch's clamp_backward / clamp_backward_min_max:
 * x gets the gradient where lo <= x <= hi; lo where x < lo (and lo < hi when
 * both are given); hi where x > hi (or hi < lo, where hi wins).
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import type { Tensor } from "../tensor/tensor.js";
import { anyNeedsGrad, record } from "./core.js";
import { ge, gt, le, logicalAnd, logicalOr, lt, maximum, minimum, where } from "./elementwise.js";
import { sumToShape } from "./views.js";

export function clampTensor(a: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  const out = noGrad(() => {
    let r = lo === null ? a : maximum(a, lo);
    if (hi !== null) r = minimum(r, hi);
    return r === a ? a.clone() : r;
  });
  const inputs = [a, lo, hi];
  const given = inputs.filter((t): t is Tensor => t !== null);
  if (!anyNeedsGrad(given)) return out;
  const ga = a._requiresGrad, gl = lo?._requiresGrad ?? false, gh = hi?._requiresGrad ?? false;
  const hasLo = lo !== null, hasHi = hi !== null;
  const aShape = a.shape, loShape = lo?.shape ?? [], hiShape = hi?.shape ?? [];
  record("ClampBackward0", inputs, out, ([g], [x, ...bounds]) => {
    const l = hasLo ? bounds[0]! : null, h = hasHi ? bounds[hasLo ? 1 : 0]! : null;
    const inside = l !== null && h !== null ? logicalAnd(ge(x!, l), le(x!, h)) : l !== null ? ge(x!, l) : le(x!, h!);
    const below = l === null ? null : h !== null ? logicalAnd(lt(x!, l), lt(l, h)) : lt(x!, l);
    const above = h === null ? null : l !== null ? logicalOr(gt(x!, h), lt(h, l)) : gt(x!, h);
    return [
      ga ? sumToShape(where(inside, g!, 0), aShape) : null,
      gl ? sumToShape(where(below!, g!, 0), loShape) : null,
      gh ? sumToShape(where(above!, g!, 0), hiShape) : null,
    ];
  }, given);
  return out;
}
