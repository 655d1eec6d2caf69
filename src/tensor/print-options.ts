/**
 * `torch.set_printoptions`: how tensors print (precision, summarization,
 * line width, scientific notation), process-wide, as in PyTorch.
 */

/** The print options; `sciMode` undefined means chosen per tensor. */
export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Tensors with more elements than this are summarized (default 1000). */
  threshold: number;
  /** Items kept at each end of each dimension when summarizing (default 3). */
  edgeitems: number;
  /** Characters per line before wrapping (default 80). */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; undefined decides per tensor. */
  sciMode: boolean | undefined;
}

/** `setPrintoptions`'s argument: any option, and a `profile` applied first. */
export interface SetPrintOptions extends Partial<PrintOptions> {
  /** "default", "short" (precision 2, 2 edge items) or "full" (never summarize). */
  profile?: "default" | "short" | "full";
}

const PROFILES = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
} as const;

/** The options in force; read by the formatter at each print. */
export const printOptions: PrintOptions = { ...PROFILES.default, sciMode: undefined };

/**
 * Sets how tensors print, as `torch.set_printoptions`: the profile first,
 * then each option given. Like PyTorch's, `sciMode` is reset to automatic
 * unless given.
 *
 * @example
 * torch.setPrintoptions({ precision: 2 });
 * String(torch.tensor([1 / 3])); // "tensor([0.33])"
 */
export function setPrintoptions(options: SetPrintOptions = {}): void {
  const { profile, sciMode, ...rest } = options;
  // checked in full before anything changes, so a bad call leaves the options as they were
  const next: PrintOptions = { ...printOptions, sciMode };
  if (profile !== undefined) {
    if (!(profile in PROFILES)) throw new Error(`setPrintoptions: profile must be "default", "short" or "full", got ${JSON.stringify(profile)}`);
    Object.assign(next, PROFILES[profile]);
  }
  for (const [key, value] of Object.entries(rest)) {
    if (!(key in PROFILES.default)) throw new Error(`setPrintoptions: unknown option "${key}"`);
    if (value === undefined) continue;
    const least = key === "linewidth" ? 1 : 0;
    if (typeof value !== "number" || Number.isNaN(value) || value < least || (!Number.isInteger(value) && value !== Infinity)) {
      throw new Error(`setPrintoptions: ${key} must be an integer >= ${least}, got ${String(value)}`);
    }
    next[key as keyof typeof PROFILES.default] = value;
  }
  if (sciMode !== undefined && typeof sciMode !== "boolean") throw new Error(`setPrintoptions: sciMode must be a boolean or undefined, got ${String(sciMode)}`);
  Object.assign(printOptions, next);
}

/** A copy of the print options in force (PyTorch's `torch._tensor_str.get_printoptions()`). */
export function getPrintoptions(): PrintOptions {
  return { ...printOptions };
}
