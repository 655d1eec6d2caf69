/** `torch.optim`: optimizers and `lrScheduler`. */
export { Optimizer, type ParamGroup, type ParamState, type Params, type OptimizerStateDict } from "./optimizer.js";
export { SGD, sgdUpdate, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, adamUpdate, type AdamOptions } from "./adam.js";
export { RMSprop, rmspropUpdate, type RMSpropOptions } from "./rmsprop.js";
export * as lrScheduler from "./lr-scheduler.js";
