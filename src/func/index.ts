/** `torch.func`: function transforms over modules. So far `functionalCall`. */
export { functionalCall, type FunctionalCallOptions, type NamedTensors } from "../nn/utils/stateless.js";
