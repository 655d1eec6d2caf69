/**
 * `torch.autograd.graph`: hooks on what the graph saves and on its nodes.
 * (Re-exports only; each name lives in the module that owns it.)
 */
export { savedTensorsHooks, disableSavedTensorsHooks, SavedTensorsHooksGuard, type SavedTensorsHookPair } from "./saved-tensor-hooks.js";
export { saveOnCpu, type SaveOnCpuOptions } from "./save-on-cpu.js";
export { registerMultiGradHook, type MultiGradHookOptions, type MultiGradHookAll, type MultiGradHookAny } from "./multi-grad-hook.js";
export { Node, type NodePreHook, type NodePostHook, type HookHandle } from "./node.js";
