import { provideGradMath } from "../autograd/grad-math.js";
import { Tensor } from "../tensor/tensor.js";
import { castData, kernels, broadcastView } from "./core.js";
import { add, toDtype } from "./elementwise.js";
import { zeros, onesLike } from "./factories.js";
import { clone, sumToShape } from "./views.js";

provideGradMath({
  sumToShape,
  add: (a, b) => add(a, b),
  cast: toDtype,
  onesLike: (t) => onesLike(t),
  zeros: (shape, dtype) => zeros(shape, { dtype }),
  clone: (t) => (t.requiresGrad ? clone(t) : castData(t, t.dtype)),
  addInPlace: (a, b) => {
    kernels().binary("add", a, a, broadcastView(b.dtype === a.dtype ? b : castData(b, a.dtype), a.shape));
  },
  detach: (t) => {
    const out = new Tensor(t.storage, t.shape, t.strides, t.offset);
    out._inference = t._inference;
    return out;
  },
});
