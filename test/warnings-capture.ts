/** Capturing the Node warnings (torchlet's PyTorch-style UserWarnings) that code emits, for the tests. */

/** The warnings emitted while `fn` runs (Node delivers them on the next tick). */
export async function warningsDuring(fn: () => void): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (w: Error) => seen.push(w);
  process.on("warning", listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

/** The messages of the warnings emitted while `fn` runs. */
export const warningMessagesDuring = async (fn: () => void): Promise<string[]> => (await warningsDuring(fn)).map((w) => w.message);
