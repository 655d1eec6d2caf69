import type { Backend } from "./backend.js";
import { referenceBackend } from "./reference/index.js";
import { loadNativeBackend } from "./native/load.js";

/**
 * Which backend runs the kernels. Native when its addon loads, the reference
 * backend otherwise; the reason is printed once, at first use.
 */
let active: Backend | null = null;
let native: Backend | null | undefined;
let nativeError = "";

function tryNative(): Backend | null {
  if (native === undefined) {
    const loaded = loadNativeBackend();
    native = loaded.backend;
    nativeError = loaded.error;
  }
  return native;
}

/** The backend every op calls; chosen lazily on first use. */
export function kernels(): Backend {
  if (active) return active;
  const n = tryNative();
  if (n) active = n;
  else {
    active = referenceBackend;
    if (process.env.TORCHLET_QUIET !== "1") console.warn(`torchlet: using the reference backend (${nativeError})`);
  }
  return active;
}

/**
 * Switches the backend used by every later op.
 *
 * @example
 * torch.setBackend("reference");
 */
export function setBackend(name: "native" | "reference"): void {
  if (name === "reference") {
    active = referenceBackend;
    return;
  }
  const n = tryNative();
  if (!n) throw new Error(`setBackend: the native backend is not available (${nativeError})`);
  active = n;
}

/** The name of the backend in use: "native" or "reference". */
export function getBackend(): "native" | "reference" {
  return kernels().name;
}
