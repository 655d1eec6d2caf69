/** Reading test/fixtures/ops/pool2.json (scripts/gen_pool2_fixtures.py), which keeps one list of cases per op. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The fixture file's lists of cases, by op. */
export function readPool2(): Record<string, unknown[]> {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "pool2.json"), "utf8")) as Record<string, unknown[]>;
}
