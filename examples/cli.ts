/** The few lines every example shares to run as a script: `node dist/examples/<name>.js --epochs 5`. */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** True when the module with this `import.meta.url` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === metaUrl;
}

/** Numeric `--name value` flags, with the defaults' names and values. */
export function numberFlags<K extends string>(defaults: Record<K, number>): Record<K, number> {
  const options: Record<string, { type: "string" }> = {};
  for (const k of Object.keys(defaults)) options[k] = { type: "string" };
  const { values } = parseArgs({ options, strict: true });
  const out = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    const x = Number(v);
    if (typeof v !== "string" || !Number.isFinite(x)) throw new Error(`--${k}: expected a number, got ${String(v)}`);
    out[k as K] = x;
  }
  return out;
}
