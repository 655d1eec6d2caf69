/**
 * One invocation of a differentiating transform (grad, vjp, jvp, jacrev ...):
 * PyTorch's functorch "level", emulated on torchlet's single autograd graph.
 *
 * The transform differentiates with respect to fresh tensors standing for its
 * inputs: a view of the input when the input is part of the surrounding
 * (outer) graph, so the outer graph stays connected through the result, or a
 * detached leaf otherwise. A result is "connected" when its graph reaches
 * anything made before the transform started or a leaf that is not one of
 * its own; only connected results keep their graph, the rest are detached —
 * which is what PyTorch's unwrapping of a level gives: results depend on the
 * outer tensors (requiring grad, under grad mode) and on nothing else.
 */
import { AccumulateGrad, nextNodeSequenceNr, type Node } from "../autograd/node.js";
import { currentMode, runInMode, withGrad } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor/tensor.js";
import { pyType, treeMap } from "./pytree.js";

export class Level {
  /** Sequence number of the first node made inside this transform. */
  private readonly start = nextNodeSequenceNr();
  /** The detached leaves this level made for its inputs. */
  private readonly leaves = new Set<Tensor>();
  /** Whether grad mode was on around the transform (PyTorch: the outer autograd level records). */
  readonly outerGrad = currentMode().grad;

  /** Runs `fn` with grad mode on, as PyTorch's transforms do (the "case 2" of the torch.func docs). */
  run<R>(fn: () => R): R {
    return runInMode(withGrad(true), fn);
  }

  /** A tensor to differentiate with respect to, standing for `x`. */
  differentiable(x: Tensor): Tensor {
    if (this.outerGrad && x.requiresGrad) return x.viewAs(x);
    const d = x.detach().requiresGrad_(true);
    this.leaves.add(d);
    return d;
  }

  /** `differentiable` over every tensor leaf of a tree. */
  differentiableTree(tree: unknown): unknown {
    return treeMap(tree, (leaf) => {
      if (!(leaf instanceof Tensor)) throw new Error(`Thing passed to transform API must be Tensor, got ${pyType(leaf)}`);
      return this.differentiable(leaf);
    });
  }

  /** Whether `t`'s graph reaches the outer graph (see the file comment). */
  connected(t: Tensor): boolean {
    if (!this.outerGrad || !t.requiresGrad) return false;
    const root = t.gradFn;
    if (root === null) return !this.leaves.has(t);
    const seen = new Set<Node>();
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      if (node instanceof AccumulateGrad) {
        if (!this.leaves.has(node.variable)) return true;
        continue;
      }
      if (node.sequenceNr < this.start) return true;
      for (const e of node.next) if (e !== null && !seen.has(e.node)) stack.push(e.node);
    }
    return false;
  }

  /** `t` itself when connected, else detached. */
  unwrap<T>(t: T): T {
    return (t instanceof Tensor && !this.connected(t) ? t.detach() : t) as T;
  }

  /** `unwrap` over every tensor leaf of a tree (other leaves pass through). */
  unwrapTree<T>(tree: T): T {
    return treeMap(tree, (leaf) => this.unwrap(leaf)) as T;
  }

  /** Whether any of `ts` is connected: the gradient graph then has to be kept (createGraph). */
  anyConnected(ts: readonly unknown[]): boolean {
    return ts.some((t) => t instanceof Tensor && this.connected(t));
  }
}
