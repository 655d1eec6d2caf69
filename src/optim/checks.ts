/**
 * Option validation shared by the optimizers: PyTorch's checks and messages
 * ("Invalid learning rate: -1"), followed by the optimizer's name in
 * parentheses so an error says which optimizer got the bad value (messages
 * start with PyTorch's, as everywhere in torchlet).
 */

/** The options PyTorch validates wherever an optimizer has them: the test, and the words of its message. */
const RULES: Record<string, { ok: (v: number) => boolean; what: string }> = {
  // `!(v >= 0)` rather than `v < 0`: NaN fails too, as PyTorch's `not 0.0 <= v`
  lr: { ok: (v) => v >= 0, what: "learning rate" },
  lrDecay: { ok: (v) => v >= 0, what: "lr_decay value" },
  eps: { ok: (v) => v >= 0, what: "epsilon value" },
  weightDecay: { ok: (v) => v >= 0, what: "weight_decay value" },
  momentum: { ok: (v) => v >= 0, what: "momentum value" },
  alpha: { ok: (v) => v >= 0, what: "alpha value" },
  initialAccumulatorValue: { ok: (v) => v >= 0, what: "initial_accumulator_value value" },
  momentumDecay: { ok: (v) => v >= 0, what: "momentum_decay value" },
  rho: { ok: (v) => v >= 0 && v <= 1, what: "rho value" },
};

/**
 * Throws `"Invalid <what>: <value> (<optimizer>)"` for the first option of
 * `options` outside PyTorch's range (and for betas outside [0, 1)).
 */
export function checkOptions(optimizer: string, options: object): void {
  for (const [key, value] of Object.entries(options)) {
    const rule = RULES[key];
    if (rule !== undefined && typeof value === "number" && !rule.ok(value)) {
      throw new Error(`Invalid ${rule.what}: ${value} (${optimizer})`);
    }
    if (key === "betas") {
      (value as readonly number[]).forEach((b, i) => {
        if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${b} (${optimizer})`);
      });
    }
  }
}
