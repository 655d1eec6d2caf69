/**
 * `torch.func`: PyTorch 2.x's function transforms (grad, vjp, jvp, jacrev,
 * jacfwd, hessian, linearize, vmap) and `functionalCall`.
 */
export { functionalCall, type FunctionalCallOptions, type NamedTensors } from "../nn/utils/stateless.js";
export { grad, gradAndValue, type GradOptions } from "./grad.js";
export { vjp, jvp, linearize, type VjpOptions, type VjpFnOptions, type VjpFn, type LinearizeFn } from "./vjp.js";
export { jacrev, jacfwd, hessian, type JacOptions, type JacfwdOptions, type JacobianResult } from "./jacobian.js";
export type { ArgAt, ArgnumsResult, AuxOf, JacobianOf, OutputOf } from "./types.js";
export { vmap, type VmapOptions, type InDims } from "./vmap.js";
export type { Argnums } from "./argnums.js";
export type { TensorTree } from "./pytree.js";
