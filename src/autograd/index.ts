/** `torch.autograd`: the engine's entry points and custom Functions. */
export { backward, grad, type BackwardOptions, type GradOptions } from "./engine.js";
export { Function, FunctionCtx } from "./function.js";
export { gradcheck, type GradcheckOptions } from "./gradcheck.js";
export { gradgradcheck, type GradgradcheckOptions } from "./gradgradcheck.js";
export { Node, type NodePreHook, type NodePostHook, type HookHandle } from "./node.js";
export * as graph from "./graph.js";
export * as functional from "./functional.js";
export { onceDifferentiable, type Backward } from "./once-differentiable.js";
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled, AnomalyGuard, type AnomalyOptions } from "./anomaly-mode.js";
