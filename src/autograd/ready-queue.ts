import type { Node } from "./node.js";

/**
 * The engine's ready nodes, later-created first (PyTorch's ready queue orders
 * by sequence number; AccumulateGrad nodes before all others, see Node.priority): a binary max-heap, so a graph of n nodes schedules in
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
      if (h[parent]!.priority >= node.priority) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = node;
  }

  /** Removes and returns the node of highest priority (the latest-created one, leaves' accumulators first). */
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
      if (r < h.length && h[r]!.priority > h[l]!.priority) child = r;
      if (h[child]!.priority <= last.priority) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }
}
