import { provideGradMath } from "../autograd/grad-math.js";
import { castData, kernels, broadcastView } from "./core.js";
import { add, toDtype } from "./elementwise.js";
import { onesLike, zerosLike } from "./factories.js";
import { clone, sumToShape } from "./views.js";

provideGradMath({
  sumToShape,
  add: (a, b) => add(a, b),
  cast: toDtype,
  onesLike: (t) => onesLike(t),
  zerosLike: (t) => zerosLike(t),
  clone: (t) => (t.requiresGrad ? clone(t) : castData(t, t.dtype)),
  addInPlace: (a, b) => {
    kernels().binary("add", a, a, broadcastView(b.dtype === a.dtype ? b : castData(b, a.dtype), a.shape));
    a.storage.version++;
  },
  detach: (t) => t.detach(),
});
