/**
 * Programs of the second graph-probe run (scripts/probe_graphs.py, PyTorch
 * 1.13 records) replayed like test/graph-probe-fixtures.test.ts: 15 that
 * showed the differences fixed then (backward from a no_grad view, NaN
 * through an in-place op on a view, bool alpha, bool kernels, cumprod of one
 * element, copy_ into bool views, fmod's saved operands, relu of bools and its
 * double backward, empty integer division) and 30 with torch.nn.functional
 * activations, chosen among those torchlet passes:
 *
 *     /usr/bin/python3 scripts/probe_graphs.py 707 1500 /tmp/gp707.json
 *     node dist/test/graph-probe-cli.js /tmp/gp707.json --select 30 /tmp/sel.json
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { describeOnBackends } from "./backends.js";
import { runProgram, type Program } from "./graph-probe-runner.js";

const file = join(import.meta.dirname, "..", "..", "test", "fixtures", "graph-probe", "rerun-programs.json");
const programs = (JSON.parse(readFileSync(file, "utf8")) as { programs: Program[] }).programs;

describeOnBackends((b) => `graph probe rerun programs (${b})`, () => {
  test(`${programs.length} programs agree with PyTorch`, () => {
    assert.equal(programs.length, 45);
    const differences = programs.flatMap((p) => runProgram(p));
    assert.deepEqual(differences.slice(0, 5).map((d) => `seed ${d.seed}: ${d.what}`), []);
  });

  test("the set has activations, errors and every backward kind", () => {
    const ops = new Set(programs.flatMap((p) => p.steps.map((s) => s.op)));
    for (const op of ["F.softplus", "F.mish", "F.hardswish", "F.elu", "F.rrelu", "relu", "fmod", "topk", "cumprod", "copy_"]) assert.ok(ops.has(op), op);
    assert.ok(programs.some((p) => p.result.error !== undefined));
    assert.ok(programs.some((p) => p.result.berror !== undefined));
    const kinds = new Set(programs.map((p) => p.backward?.kind));
    for (const k of ["once", "twice", "grad2"] as const) assert.ok(kinds.has(k), k);
  });
});
