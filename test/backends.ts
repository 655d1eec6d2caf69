import { after, before, describe } from "node:test";
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

/**
 * One `describe` block per backend, titled `title(backend)`, whose tests run
 * with that backend active (the previous one is restored after the block);
 * skipped where the backend is not available.
 */
export function describeOnBackends(title: (backend: "reference" | "native") => string, body: (backend: "reference" | "native") => void): void {
  for (const backend of BACKENDS) {
    describe(title(backend), { skip: backendSkip(backend) }, () => {
      let previous: "reference" | "native" = "reference";
      before(() => {
        previous = torch.getBackend();
        torch.setBackend(backend);
      });
      after(() => torch.setBackend(previous));
      body(backend);
    });
  }
}

/** `fn` on each backend (the active one restored after); returns [reference, native]. */
export function onBoth<T>(fn: () => T): [T, T] {
  const previous = torch.getBackend();
  try {
    torch.setBackend("reference");
    const r = fn();
    torch.setBackend("native");
    return [r, fn()];
  } finally {
    torch.setBackend(previous);
  }
}
