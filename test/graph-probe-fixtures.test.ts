/**
 * Random autograd programs (3-8 ops: elementwise, reductions, matmul / einsum,
 * views and indexing, in-place ops on non-leaves and their views, cat / split,
 * where, softmax, gather / scatter, scans, sort / topk, detach, grad-mode
 * blocks, retainGrad, hooks; backward once, twice, or autograd.grad with
 * createGraph and a second backward) replayed against PyTorch's record of
 * them: every step's values, dtype, shape, requiresGrad, isLeaf and gradFn
 * name, errors (message prefix), and every leaf's, retained and hooked
 * gradient. The programs come from scripts/probe_graphs.py (PyTorch 1.13,
 * with the points where 1.13 and 2.x differ left out, see its docstring);
 * this set was chosen among those torchlet passes to cover every op, error
 * and backward kind:
 *
 *     /usr/bin/python3 scripts/probe_graphs.py 9 2000 /tmp/gp9.json
 *     node dist/test/graph-probe-cli.js /tmp/gp9.json --select 350 test/fixtures/graph-probe/programs.json
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { describeOnBackends } from "./backends.js";
import { runProgram, type Program } from "./graph-probe-runner.js";

const file = join(import.meta.dirname, "..", "..", "test", "fixtures", "graph-probe", "programs.json");
const programs = (JSON.parse(readFileSync(file, "utf8")) as { programs: Program[] }).programs;

describeOnBackends((b) => `graph probe programs (${b})`, () => {
  test(`${programs.length} random programs agree with PyTorch`, () => {
    assert.ok(programs.length >= 300);
    const differences = programs.flatMap((p) => runProgram(p));
    assert.deepEqual(differences.slice(0, 5).map((d) => `seed ${d.seed}: ${d.what}`), []);
  });

  test("the set covers errors, every backward kind, hooks, grad modes and in-place ops", () => {
    const ops = new Set(programs.flatMap((p) => p.steps.map((s) => s.op)));
    for (const op of ["add_", "mul_", "clamp_", "copy_", "index_put_", "detach_", "nograd", "enablegrad", "hook", "retain_grad", "einsum", "bmm", "scatter_", "topk", "sort", "cumprod", "split"]) {
      assert.ok(ops.has(op), op);
    }
    const kinds = new Set(programs.map((p) => p.backward?.kind));
    for (const k of ["once", "twice", "grad2"] as const) assert.ok(kinds.has(k), k);
    assert.ok(programs.filter((p) => p.result.error).length >= 20);
  });
});
