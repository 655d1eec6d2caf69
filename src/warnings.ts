/**
 * PyTorch's `warnings.warn`, the Node way: a warning goes through
 * `process.emitWarning` (so `node --no-warnings` silences it and
 * `process.on("warning")` sees it), once per distinct message, as Python's
 * default filter shows a warning once per place that raises it: a training
 * loop that hits the same mistake every step prints it one time.
 */

const shown = new Set<string>();

/** Emits `message` as a Node `UserWarning`, unless this exact message was emitted before. */
export function warn(message: string): void {
  if (shown.has(message)) return;
  shown.add(message);
  process.emitWarning(message, { type: "UserWarning" });
}
