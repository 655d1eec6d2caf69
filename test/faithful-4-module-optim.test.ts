/**
 * nn.Module's state-dict API and the optimizers' state_dict layout against
 * PyTorch: state_dict keys (prefix, non-persistent buffers left out),
 * load_state_dict's strict errors in PyTorch's order and words (shapes as
 * torch.Size prints them), named_modules with remove_duplicate, and each
 * optimizer's per-parameter state keys, in PyTorch's order, after two steps
 * of two parameter groups. Fixtures: scripts/gen_faithful_4_module_fixtures.py
 * (PyTorch 1.13).
 *
 * Param-group options are camelCase by design (`weightDecay`). Scalar state
 * (`step`, NAdam's `mu_product`, ASGD's `eta` / `mu`) is a 0-d tensor, as
 * 2.x keeps it for every optimizer (1.13 still had a number for Adadelta's,
 * RMSprop's and Rprop's `step`).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { errorOf } from "./faithful-3-fixtures.js";

const nn = torch.nn;
interface Fixture {
  keys: string[]; prefixKeys: string[]; buffers: string[]; loadErrors: Record<string, string | null>;
  notStrictResult: { missing: string[]; unexpected: string[] }; namedModules: string[]; namedModulesAll: string[];
  sharedParameters: string[]; sharedStateKeys: string[]; hookOrder: string[]; applyOrder: string[]; trainingFlags: boolean[][]; requiresGrad: boolean[];
  optimizers: Record<string, { groups: { lr: number; params: number[] }[]; state: Record<string, [string, number[] | null][]> }>;
}
const FX = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "faithful-4", "module-optim.json"), "utf8")) as Fixture;

const net = () => {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.BatchNorm1d(3));
  m.registerBuffer("extra", torch.zeros([2]), { persistent: false });
  return m;
};

test("state_dict keys: order, prefix, a non-persistent buffer left out (named_buffers keeps it)", () => {
  const m = net();
  assert.deepEqual(Object.keys(m.stateDict()), FX.keys);
  assert.deepEqual(Object.keys(m.stateDict({ prefix: "p." })), FX.prefixKeys);
  assert.deepEqual(m.namedBuffers().map(([n]) => n), FX.buffers);
});

test("load_state_dict: PyTorch's errors (missing, unexpected, then size mismatches as torch.Size) and the non-strict result", () => {
  const load = (edit: (sd: Record<string, Tensor>) => void, strict = true) => {
    const sd = { ...net().stateDict() } as Record<string, Tensor>;
    edit(sd);
    return errorOf(() => net().loadStateDict(sd, { strict }));
  };
  const cases: Record<string, () => string | null> = {
    allWrong: () => load((sd) => {
      delete sd["0.bias"];
      sd["foo"] = torch.zeros([1]);
      sd["0.weight"] = torch.zeros([4, 2]);
      sd["2.running_mean"] = torch.zeros([5]);
    }),
    twoEach: () => load((sd) => {
      delete sd["0.weight"];
      delete sd["0.bias"];
      sd["x"] = torch.zeros([1]);
      sd["y"] = torch.zeros([1]);
    }),
    mismatchNotStrict: () => load((sd) => (sd["0.weight"] = torch.zeros([4, 2])), false),
    unexpectedNotStrict: () => load((sd) => (sd["zz"] = torch.zeros([1])), false),
  };
  for (const [name, run] of Object.entries(cases)) assert.equal(run(), FX.loadErrors[name], name);
  const r = net().loadStateDict({ ...net().stateDict(), zz: torch.zeros([1]) }, { strict: false });
  assert.deepEqual({ missing: r.missingKeys, unexpected: r.unexpectedKeys }, FX.notStrictResult);
});

test("a module shared three times: named_modules with and without remove_duplicate, named_parameters, state_dict keys", () => {
  const l = new nn.Linear(2, 2);
  const s = new nn.Sequential(l, l, new nn.Sequential(l));
  assert.deepEqual(s.namedModules().map(([n]) => n), FX.namedModules);
  assert.deepEqual(s.namedModules({ removeDuplicate: false }).map(([n]) => n), FX.namedModulesAll);
  assert.deepEqual(s.namedParameters().map(([n]) => n), FX.sharedParameters);
  assert.deepEqual(Object.keys(s.stateDict()), FX.sharedStateKeys);
});

test("optimizer state_dict: groups' lr and params, each parameter's state keys in PyTorch's order and tensor shapes", () => {
  const options: Record<string, Record<string, unknown>> = {
    SGD: { momentum: 0.9 }, AdamW: { amsgrad: true }, RMSprop: { centered: true, momentum: 0.5 },
  };
  for (const [name, want] of Object.entries(FX.optimizers)) {
    const w = new nn.Parameter(torch.tensor([1, -2])), b = new nn.Parameter(torch.tensor([0.5]));
    const Cls = (torch.optim as unknown as Record<string, new (p: unknown, o: unknown) => torch.optim.Optimizer>)[name]!;
    const opt = new Cls([{ params: [w] }, { params: [b], lr: 0.5 }], { lr: 0.1, ...(options[name] ?? {}) });
    for (const g of [[0.1, -0.3], [0.2, 0.4]]) {
      w.grad = torch.tensor(g);
      b.grad = torch.tensor([0.7]);
      opt.step();
    }
    const sd = opt.stateDict();
    assert.deepEqual(sd.paramGroups.map((g) => ({ lr: g["lr"], params: g["params"] })), want.groups, `${name} groups`);
    for (const [id, entries] of Object.entries(want.state)) {
      const st = (sd.state as Record<string, Record<string, unknown>>)[id]!;
      assert.deepEqual(Object.keys(st), entries.map(([k]) => k), `${name} state ${id} keys`);
      for (const [k, shape] of entries) {
        const v = st[k];
        // (a number in 1.13's fixture is a 0-d float32 tensor in 2.x: see the header)
        assert.ok(v instanceof torch.Tensor, `${name} ${k}: a tensor`);
        assert.deepEqual(v.shape, shape ?? [], `${name} ${k}`);
        if (shape === null || shape.length === 0) assert.equal(v.dtype, "float32", `${name} ${k}: _get_scalar_dtype()`);
      }
    }
  }
});

test("hooks run in registration order (pre-hooks, forward hooks, then full backward hooks), as PyTorch", () => {
  const log: string[] = [];
  const lin = new nn.Linear(2, 2);
  lin.registerForwardPreHook(() => void log.push("pre1"));
  lin.registerForwardPreHook(() => void log.push("pre2"));
  lin.registerForwardHook(() => void log.push("f1"));
  lin.registerForwardHook(() => void log.push("f2"));
  lin.registerFullBackwardHook(() => void log.push("b1"));
  lin.registerFullBackwardHook(() => void log.push("b2"));
  (lin.forward(torch.ones([1, 2], { requiresGrad: true }))).sum().backward();
  assert.deepEqual(log, FX.hookOrder);
});

test("prepend: a hook registered with { prepend: true } runs before those already there (PyTorch 2.x)", () => {
  // 2.x's register_*_hook(hook, prepend=True) does `hooks.move_to_end(handle.id, last=False)`, so of two
  // prepended hooks the later runs first, and removing a handle removes just that hook
  const log: string[] = [];
  const lin = new nn.Linear(2, 2);
  lin.registerForwardPreHook(() => void log.push("pre1"));
  lin.registerForwardPreHook(() => void log.push("preA"), { prepend: true });
  const h = lin.registerForwardPreHook(() => void log.push("preB"), { prepend: true });
  lin.registerForwardHook(() => void log.push("f1"));
  lin.registerForwardHook(() => void log.push("fA"), { prepend: true });
  lin.registerFullBackwardPreHook(() => void log.push("bp1"));
  lin.registerFullBackwardPreHook(() => void log.push("bpA"), { prepend: true });
  lin.registerFullBackwardHook(() => void log.push("b1"));
  lin.registerFullBackwardHook(() => void log.push("bA"), { prepend: true });
  (lin.forward(torch.ones([1, 2], { requiresGrad: true }))).sum().backward();
  assert.deepEqual(log, ["preB", "preA", "pre1", "fA", "f1", "bpA", "bp1", "bA", "b1"]);
  h.remove();
  log.length = 0;
  lin.forward(torch.ones([1, 2]));
  assert.deepEqual(log, ["preA", "pre1", "fA", "f1"]);
});

test("apply visits children first, then the module; train / eval flags; requires_grad_", () => {
  const tree = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.ReLU(), new nn.Linear(2, 1)));
  const visited: string[] = [];
  tree.apply((m) => void visited.push(m.constructor.name));
  assert.deepEqual(visited, FX.applyOrder);
  tree.eval();
  const flags = [tree.modules().map((m) => m.training)];
  tree.at(1).train();
  flags.push(tree.modules().map((m) => m.training));
  assert.deepEqual(flags, FX.trainingFlags);
  tree.requiresGrad_(false);
  assert.deepEqual(tree.parameters().map((p) => p.requiresGrad), FX.requiresGrad);
});

test("a state dict whose step is a number (an older torchlet's, or 1.13's Adadelta) still loads; the step goes on as a 0-d tensor", () => {
  const w = new nn.Parameter(torch.tensor([1, -2]));
  const opt = new torch.optim.Adam([w], { lr: 0.1 });
  w.grad = torch.tensor([0.1, -0.3]);
  opt.step();
  const sd = opt.stateDict();
  const state = sd.state as Record<string, Record<string, unknown>>;
  state["0"] = { ...state["0"], step: 1 };
  const w2 = new nn.Parameter(w.detach().clone());
  const opt2 = new torch.optim.Adam([w2], { lr: 0.1 });
  opt2.loadStateDict(sd);
  w2.grad = torch.tensor([0.1, -0.3]);
  opt2.step();
  w.grad = torch.tensor([0.1, -0.3]);
  opt.step();
  const step = opt2.state.get(w2)!.step as Tensor;
  assert.ok(step instanceof torch.Tensor && step.dim() === 0 && step.item() === 2);
  assert.deepEqual(w2.tolist(), w.tolist());
});
