import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setLargeAllocator } from "../../tensor/dtype.js";
import type { Backend } from "../backend.js";
import type { NativeAddon } from "./addon.js";
import { makeNativeBackend } from "./native-backend.js";
import { youngCollector } from "./young-gc.js";

export type { AllocStats, NativeAddon } from "./addon.js";

/** The directory holding torchlet's package.json, found by walking up from this file. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
        if (name === "torchlet") return dir;
      } catch {
        // an unreadable manifest is not ours: keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

let addon: NativeAddon | null | undefined;
let loadError = "";

function load(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env.TORCHLET_NO_NATIVE === "1") {
    loadError = "TORCHLET_NO_NATIVE=1";
    return null;
  }
  const root = packageRoot();
  if (!root) {
    loadError = "cannot find torchlet's package.json above " + dirname(fileURLToPath(import.meta.url));
    return null;
  }
  const file = join(root, "build", "Release", "torchlet_native.node");
  if (!existsSync(file)) {
    loadError = `the native addon is not built (no ${file}; run \`npm install\` or \`npx node-gyp rebuild\`)`;
    return null;
  }
  try {
    const loaded = createRequire(import.meta.url)(file) as NativeAddon;
    if (typeof loaded.call !== "function" || !Array.isArray(loaded.kernels) || !Array.isArray(loaded.unaryOps)) {
      loadError = `${file} is not this version of torchlet's addon (rebuild it with \`npx node-gyp rebuild\`)`;
      return null;
    }
    addon = loaded;
    // large storages come from the addon's caching allocator from now on
    // (TORCHLET_NO_ALLOC_CACHE=1 keeps plain typed arrays, like PYTORCH_NO_CUDA_MEMORY_CACHING)
    if (typeof loaded.allocate === "function" && process.env.TORCHLET_NO_ALLOC_CACHE !== "1") {
      // V8 frees dead ArrayBuffers on a helper thread by default; measured
      // here, that handoff costs ~2 µs per buffer (more than a small op) and
      // returns blocks to the pool late. Sweeping them during the GC itself
      // makes small storages ~5x cheaper. (TORCHLET_NO_ALLOC_CACHE=1 skips it,
      // and the minor collections of young-gc.ts.)
      setFlagsFromString("--no-concurrent-array-buffer-sweeping");
      const young = youngCollector(() => loaded.allocStats().liveBytes);
      setLargeAllocator({
        allocate: (bytes, zero, tracked) => {
          young.note(bytes);
          return loaded.allocate(bytes, zero, tracked);
        },
        counts: (resetPeak) => loaded.memoryCounts(resetPeak === true),
      });
    }
  } catch (e) {
    loadError = `loading ${file} failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  return addon;
}

/**
 * The raw addon (every kernel checks its arguments and throws on bad ones),
 * or null when it is not built or failed to load. Tests and fused
 * accelerators use it; ops go through the Backend from loadNativeBackend().
 */
export function nativeAddon(): NativeAddon | null {
  return load();
}

let backend: Backend | null = null;

/**
 * Loads the native addon and wraps it as the "native" Backend: small work and
 * dtype combinations the addon does not take go to the reference backend.
 */
export function loadNativeBackend(): { backend: Backend | null; error: string } {
  const a = load();
  if (!a) return { backend: null, error: loadError };
  try {
    backend ??= makeNativeBackend(a);
  } catch (e) {
    return { backend: null, error: e instanceof Error ? e.message : String(e) };
  }
  return { backend, error: "" };
}
