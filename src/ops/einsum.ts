/**
 * torch.einsum: Einstein summation over labelled dims, with `...` for
 * broadcast dims, repeated labels for diagonals and an implicit output
 * (the labels used once, in alphabetical order) when there is no `->`.
 * Operands are contracted left to right, each pair as one batched matmul
 * (batch, kept and summed labels grouped into three dims), so the gradient
 * comes from matmul, permute, reshape and sum.
 */
import type { Tensor } from "../tensor/tensor.js";
import { diagonal } from "./diagonal.js";
import { matmul } from "./linalg.js";
import { sum } from "./reduce.js";
import { expand, permute, reshape } from "./views.js";

/** An operand with one label per dim; ellipsis dims get labels "0", "1", … counted from the right end. */
interface Labelled {
  t: Tensor;
  labels: string[];
}

const LETTER = /^[a-zA-Z]$/;

/** Splits one subscript term into labels, expanding "..." to `ndim - letters` numbered labels. */
function termLabels(term: string, ndim: number | null, equation: string, at: number): { labels: string[]; ellipsis: boolean } {
  const parts = term.split("...");
  if (parts.length > 2) throw new Error(`einsum(): found more than one '...' in the equation string (${equation})`);
  for (let i = 0; i < term.length; i++) {
    if (term[i] === ".") continue;
    if (!LETTER.test(term[i]!)) throw new Error(`einsum(): invalid subscript given at index ${at + i} in the equation string, subscripts must be in [a-zA-Z] (${equation})`);
  }
  if (term.replace(/\.\.\./g, "").includes(".")) throw new Error(`einsum(): found '.' for operand that is not part of any ellipsis (${equation})`);
  const before = [...parts[0]!], after = parts.length === 2 ? [...parts[1]!] : [];
  if (parts.length === 1) return { labels: before, ellipsis: false };
  const count = ndim === null ? 0 : ndim - before.length - after.length;
  return { labels: [...before, ...Array.from({ length: count }, (_, i) => String(count - 1 - i)), ...after], ellipsis: true };
}

/** Takes the diagonal of every label that appears twice in one operand, until each appears once. */
function mergeRepeated(op: Labelled): Labelled {
  let { t, labels } = op;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i < 0) return { t, labels };
    const first = labels.indexOf(labels[i]!);
    if (t.shape[first] !== t.shape[i]) {
      throw new Error(`einsum(): subscript ${labels[i]} is repeated for operand but the sizes don't match, ${t.shape[first]} != ${t.shape[i]}`);
    }
    t = diagonal(t, 0, first, i);
    labels = [...labels.filter((_, k) => k !== first && k !== i), labels[i]!];
  }
}

/** Sums away the labels of `op` that `keep` does not contain. */
function sumAway(op: Labelled, keep: (label: string) => boolean): Labelled {
  const gone = op.labels.map((l, i) => (keep(l) ? -1 : i)).filter((i) => i >= 0);
  if (gone.length === 0) return op;
  return { t: sum(op.t, gone), labels: op.labels.filter((l) => keep(l)) };
}

/** `op` permuted to `order` (a list of its labels) and expanded to `sizes` (size-1 dims broadcast), then reshaped to `groups`. */
function arrange(op: Labelled, order: string[], sizes: Map<string, number>, groups: string[][]): Tensor {
  const moved = permute(op.t, order.map((l) => op.labels.indexOf(l)));
  const full = expand(moved, order.map((l) => sizes.get(l)!));
  return reshape(full, groups.map((g) => g.reduce((n, l) => n * sizes.get(l)!, 1)));
}

/** Contracts two operands over the labels that neither the output nor a later operand needs. */
function contract(a: Labelled, b: Labelled, needed: Set<string>, sizes: Map<string, number>): Labelled {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => needed.has(l)), summed = shared.filter((l) => !needed.has(l));
  const left = a.labels.filter((l) => !shared.includes(l)), right = b.labels.filter((l) => !shared.includes(l));
  const x = arrange(a, [...batch, ...left, ...summed], sizes, [batch, left, summed]);
  const y = arrange(b, [...batch, ...summed, ...right], sizes, [batch, summed, right]);
  const labels = [...batch, ...left, ...right];
  return { t: reshape(matmul(x, y), labels.map((l) => sizes.get(l)!)), labels };
}

/**
 * Einstein summation, as torch.einsum.
 *
 * @example
 * torch.einsum("bij,bjk->bik", a, b); // a batched matmul
 * torch.einsum("ii", m);              // the trace
 * torch.einsum("i,j->ij", u, v);      // the outer product
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  const ops = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  if (ops.length === 0) throw new Error("einsum(): must provide at least one operand");
  const eq = equation.replace(/\s/g, "");
  const arrow = eq.indexOf("->");
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(",");
  if (terms.length < ops.length) throw new Error(`einsum(): more operands were provided than specified in the equation (${equation})`);
  if (terms.length > ops.length) throw new Error(`einsum(): fewer operands were provided than specified in the equation (${equation})`);

  // label every operand; numbered ellipsis labels line up from the right
  let at = 0, ellipsisDims = 0;
  const labelled = terms.map((term, i) => {
    const t = ops[i]!;
    const { labels, ellipsis } = termLabels(term, t.dim(), equation, at);
    at += term.length + 1;
    const letters = labels.filter((l) => LETTER.test(l)).length;
    if (ellipsis ? letters > t.dim() : letters !== t.dim()) {
      throw new Error(`einsum(): the number of subscripts in the equation (${letters}) ${ellipsis ? "is more than" : "does not match"} the number of dimensions (${t.dim()}) for operand ${i}${ellipsis ? "" : " and no ellipsis was given"}`);
    }
    ellipsisDims = Math.max(ellipsisDims, t.dim() - letters);
    return mergeRepeated({ t, labels });
  });

  // every label's size: equal across operands, or 1 (which broadcasts)
  const sizes = new Map<string, number>();
  labelled.forEach(({ t, labels }, i) => labels.forEach((l, d) => {
    const n = t.shape[d]!, seen = sizes.get(l);
    if (seen === undefined || seen === 1) sizes.set(l, n);
    else if (n !== 1 && n !== seen) {
      throw new Error(`einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript ${LETTER.test(l) ? l : "..."} has size ${n} for operand ${i} which does not broadcast with previously seen size ${seen}`);
    }
  }));

  const ellipsisLabels = Array.from({ length: ellipsisDims }, (_, i) => String(ellipsisDims - 1 - i));
  let output: string[];
  if (arrow < 0) {
    const letters = [...lhs].filter((c) => LETTER.test(c));
    const once = [...new Set(letters)].filter((l) => letters.indexOf(l) === letters.lastIndexOf(l)).sort();
    output = [...ellipsisLabels, ...once];
  } else {
    const term = eq.slice(arrow + 2);
    termLabels(term, null, equation, arrow + 2); // validates the characters
    const [before, after] = term.split("...");
    output = after === undefined ? [...before!] : [...before!, ...ellipsisLabels, ...after];
    for (const l of output) {
      if (output.indexOf(l) !== output.lastIndexOf(l)) throw new Error(`einsum(): output subscript ${l} appears more than once in the output (${equation})`);
      if (!sizes.has(l) && LETTER.test(l)) throw new Error(`einsum(): output subscript ${l} does not appear in the equation for any input operand (${equation})`);
    }
  }

  // contract left to right; a label is summed as soon as nothing after needs it
  const neededAfter = (k: number) => new Set([...output, ...labelled.slice(k + 1).flatMap((o) => o.labels)]);
  let acc = sumAway(labelled[0]!, (l) => neededAfter(0).has(l));
  for (let k = 1; k < labelled.length; k++) {
    const next = sumAway(labelled[k]!, (l) => neededAfter(k).has(l) || acc.labels.includes(l));
    acc = contract(acc, next, neededAfter(k), sizes);
  }
  acc = sumAway(acc, (l) => output.includes(l));
  const order = output.map((l) => acc.labels.indexOf(l));
  // no identity permute: the result is the reduction's own output (not a view), as PyTorch's
  return order.every((d, i) => d === i) && !ops.includes(acc.t) ? acc.t : permute(acc.t, order);
}
