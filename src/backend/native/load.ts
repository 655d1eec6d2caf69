import type { Backend } from "../backend.js";

/**
 * Loads the native addon. Until the addon exists this reports why it is
 * missing; the native backend's own module replaces this loader.
 */
export function loadNativeBackend(): { backend: Backend | null; error: string } {
  return { backend: null, error: "the native addon is not built" };
}
