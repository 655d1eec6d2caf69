import * as torch from "../src/index.js";

/** The backends every backend-sensitive test runs on. */
export const BACKENDS = ["reference", "native"] as const;

/**
 * Why a backend can't run here (false when it can), for node:test's `skip`
 * option; leaves the active backend as it was.
 */
export function backendSkip(name: "reference" | "native"): string | false {
  const previous = torch.getBackend();
  try {
    torch.setBackend(name);
    return false;
  } catch (e) {
    return `${name} backend not available: ${(e as Error).message}`;
  } finally {
    torch.setBackend(previous);
  }
}
