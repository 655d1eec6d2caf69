import type { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

/**
 * A new AsyncLocalStorage, with node:async_hooks loaded only now: the grad
 * mode and saved-tensor-hook scopes create theirs when the first async scope
 * needs one, so importing torchlet constructs none.
 */
export function newAsyncStorage<T>(): AsyncLocalStorage<T> {
  const require = createRequire(import.meta.url);
  const hooks = require("node:async_hooks") as typeof import("node:async_hooks");
  return new hooks.AsyncLocalStorage<T>();
}
