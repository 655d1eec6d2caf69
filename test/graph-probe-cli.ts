/**
 * Replays a file of programs from scripts/probe_graphs.py and prints the
 * differences, grouped by kind:
 *
 *     /usr/bin/python3 scripts/probe_graphs.py 1 2000 /tmp/gp.json
 *     node dist/test/graph-probe-cli.js /tmp/gp.json [--no-gradfn] [--all]
 *
 * With `--select N OUT.json` it also writes N programs that torchlet passes
 * (gradFn names included), chosen to cover every op, error and backward kind:
 * the committed test/fixtures/graph-probe/programs.json is made that way.
 *
 * Without a file argument (as when the test runner loads it) it does nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { runProgram, type Difference, type Program } from "./graph-probe-runner.js";

const file = process.argv[2];
if (file?.endsWith(".json")) {
  const programs = (JSON.parse(readFileSync(file, "utf8")) as { programs: Program[] }).programs;
  const gradFnNames = !process.argv.includes("--no-gradfn");
  const all = process.argv.includes("--all");
  const groups = new Map<string, Difference[]>();
  let bad = 0;
  for (const p of programs) {
    let diffs: Difference[];
    try {
      diffs = runProgram(p, { gradFnNames });
    } catch (e) {
      diffs = [{ seed: p.seed, where: "runner", what: `runner crashed: ${e instanceof Error ? e.stack : String(e)}` }];
    }
    if (diffs.length) bad++;
    // the first difference of a program is its cause; later ones usually follow from it
    const d = diffs[0];
    if (!d) continue;
    const key = d.what.replace(/^[^:]*: /, "").replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "N").slice(0, 90) + " @" + d.where.replace(/^step \d+ |#\d+$/g, "");
    const list = groups.get(key) ?? [];
    list.push(d);
    groups.set(key, list);
  }
  console.log(`${programs.length} programs, ${bad} with differences`);
  const sel = process.argv.indexOf("--select");
  if (sel > 0) select(programs, Number(process.argv[sel + 1]), process.argv[sel + 2]!);
  for (const [k, list] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`${String(list.length).padStart(5)}  ${k}`);
    for (const d of list.slice(0, all ? list.length : 2)) console.log(`         seed ${d.seed}: ${d.what.slice(0, 220)}`);
  }
}

/** The features of a program that the selection tries to cover. */
function features(p: Program): string[] {
  const f = p.steps.map((s) => s.op);
  if (p.result.error) f.push(`error:${p.steps[p.result.error.step]!.op}`);
  if (p.result.berror) f.push("backward error");
  if (p.backward) f.push(`backward:${p.backward.kind}`);
  for (const s of p.steps) {
    for (const [k, v] of Object.entries(s.kw ?? {})) if (k === "dtype" || k === "accumulate" || k === "keepdim") f.push(`${s.op}:${k}=${String(v)}`);
  }
  return f;
}

/** Writes `n` programs that torchlet passes, greedily covering the most features not yet covered. */
function select(programs: Program[], n: number, out: string): void {
  const passing = programs.filter((p) => {
    try {
      return runProgram(p).length === 0;
    } catch {
      return false;
    }
  });
  const counts = new Map<string, number>();
  const chosen: Program[] = [];
  const pool = [...passing];
  while (chosen.length < n && pool.length > 0) {
    let best = 0, bestScore = -1;
    pool.forEach((p, i) => {
      // rare features count most; a feature seen k times scores 1 / (k + 1)
      const score = [...new Set(features(p))].reduce((acc, f) => acc + 1 / ((counts.get(f) ?? 0) + 1), 0);
      if (score > bestScore) [best, bestScore] = [i, score];
    });
    const p = pool.splice(best, 1)[0]!;
    chosen.push(p);
    for (const f of new Set(features(p))) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  writeFileSync(out, JSON.stringify({ note: "written by test/graph-probe-cli.ts --select from scripts/probe_graphs.py's output", programs: chosen }));
  console.log(`selected ${chosen.length} of ${passing.length} passing programs, ${counts.size} features`);
}
