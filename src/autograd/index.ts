/** `torch.autograd`: the engine's entry points and custom Functions. */
export { backward, grad, type BackwardOptions, type GradOptions } from "./engine.js";
export { Function, FunctionCtx } from "./function.js";
export { gradcheck, type GradcheckOptions } from "./gradcheck.js";
export { Node } from "./node.js";
export * as functional from "./functional.js";
export { onceDifferentiable, type Backward } from "./once-differentiable.js";
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled, AnomalyGuard, type AnomalyOptions } from "./anomaly-mode.js";
