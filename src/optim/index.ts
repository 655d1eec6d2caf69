/** `torch.optim`: optimizers and `lrScheduler`. */
export { Optimizer, type ParamGroup, type ParamState, type StateValue, type Params, type OptimizerStateDict } from "./optimizer.js";
export { SGD, sgdUpdate, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, adamUpdate, type AdamOptions } from "./adam.js";
export { RMSprop, rmspropUpdate, type RMSpropOptions } from "./rmsprop.js";
export { Adagrad, adagradUpdate, type AdagradOptions } from "./adagrad.js";
export { Adamax, adamaxUpdate, type AdamaxOptions } from "./adamax.js";
export { NAdam, nadamUpdate, type NAdamOptions } from "./nadam.js";
export { RAdam, radamUpdate, type RAdamOptions } from "./radam.js";
export { Adadelta, adadeltaUpdate, type AdadeltaOptions } from "./adadelta.js";
export { Rprop, rpropUpdate, type RpropOptions } from "./rprop.js";
export { ASGD, asgdUpdate, type ASGDOptions } from "./asgd.js";
export { LBFGS, type LBFGSOptions, type LBFGSConstructorOptions } from "./lbfgs.js";
export * as lrScheduler from "./lr-scheduler.js";
export * as swaUtils from "./swa-utils.js";
