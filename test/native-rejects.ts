import assert from "node:assert/strict";

/** Runs fn, which must throw an Error whose message starts with "native <kernel>:" and matches `what`. */
export function rejects(kernel: string, what: RegExp, fn: () => void): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, "throws an Error");
    assert.match(e.message, new RegExp(`^native ${kernel}: `));
    assert.match(e.message, what);
    return true;
  });
}
