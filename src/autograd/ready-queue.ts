import type { Node } from "./node.js";

/**
 * The engine's ready nodes, later-created first (PyTorch's ready queue orders
 * by sequence number): a binary max-heap, so a graph of n nodes schedules in
 * O(n log n) rather than the O(n²) of scanning a list.
 */
export class ReadyQueue {
  private readonly heap: Node[] = [];

  get size(): number {
    return this.heap.length;
  }

  has(node: Node): boolean {
    return this.heap.includes(node);
  }

  push(node: Node): void {
    const h = this.heap;
    let i = h.push(node) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.sequenceNr >= node.sequenceNr) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = node;
  }

  /** Removes and returns the latest-created node. */
  pop(): Node {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let child = l;
      if (l >= h.length) break;
      if (r < h.length && h[r]!.sequenceNr > h[l]!.sequenceNr) child = r;
      if (h[child]!.sequenceNr <= last.sequenceNr) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }
}
