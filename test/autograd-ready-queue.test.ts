/** The engine's ready queue hands out later-created nodes first, as PyTorch's does. */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import { Node } from "../src/autograd/node.js";
import { ReadyQueue } from "../src/autograd/ready-queue.js";

test("ReadyQueue always pops its latest-created node, whatever the push order", () => {
  const nodes = Array.from({ length: 200 }, (_, i) => new Node(`N${i}`, [], [], () => []));
  const order = torch.randperm(nodes.length, { generator: new torch.Generator(3) }).tolist() as number[];
  const q = new ReadyQueue(), pending: Node[] = [];
  const popBoth = () => {
    const want = pending.reduce((a, b) => (b.sequenceNr > a.sequenceNr ? b : a));
    pending.splice(pending.indexOf(want), 1);
    assert.equal(q.pop(), want);
  };
  // interleave pushes and pops, as the engine does, and check each pop against a plain scan
  order.forEach((k, i) => {
    q.push(nodes[k]!);
    pending.push(nodes[k]!);
    if (i % 3 === 2) popBoth();
  });
  assert.ok(q.has(pending[0]!));
  while (q.size > 0) popBoth();
  assert.equal(pending.length, 0);
});

test("backward through a chain of 20000 ops", () => {
  const x = torch.tensor([1.5], { requiresGrad: true });
  let y = x;
  for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
  y.sum().backward();
  assert.ok(Math.abs(x.grad!.item() - 1.0001 ** 20000) < 1e-2 * 1.0001 ** 20000);
});
