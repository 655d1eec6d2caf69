/**
 * `optim.lrScheduler`: learning-rate schedules with PyTorch's positional
 * arguments and its recursive (chainable) update forms, so values match
 * PyTorch's step by step.
 */
import type { Optimizer } from "./optimizer.js";

type Group = Record<string, unknown> & { lr: number };

/**
 * The base of the epoch-driven schedulers: it records each group's
 * `initialLr`, and each `step()` sets every group's `lr` from `getLr()`.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<any>;
  readonly baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer<any>, lastEpoch = -1) {
    this.optimizer = optimizer;
    for (const g of this.groups()) {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) throw new Error("param 'initial_lr' is not specified in param_groups when resuming an optimizer");
    }
    this.baseLrs = this.groups().map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /**
   * Restarts the step count and takes the first step (PyTorch's
   * `_initial_step`): subclasses call it at the end of their constructor, and
   * SequentialLR calls it on its first scheduler.
   *
   * @internal
   */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected groups(): Group[] {
    return this.optimizer.paramGroups;
  }

  /** The learning rates for `lastEpoch`, from the current ones. */
  protected abstract getLr(): number[];

  /**
   * The learning rates at `lastEpoch` from the base lrs alone, for
   * `step(epoch)`; null where a schedule has no closed form (then `getLr`).
   */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /**
   * Advances one epoch (or batch, for OneCycleLR and CyclicLR) and sets each
   * group's `lr`. `step(epoch)` (deprecated in PyTorch, used by SequentialLR)
   * jumps to `epoch` instead, with the closed form where the schedule has one.
   *
   * @example
   * for (let epoch = 0; epoch < 20; epoch++) { train(); scheduler.step(); }
   */
  step(epoch?: number): void {
    this.stepCount++;
    let lrs: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      lrs = this.getLr();
    } else {
      this.lastEpoch = epoch;
      lrs = this.closedFormLr() ?? this.getLr();
    }
    this.setLrs(lrs);
  }

  /** Writes `lrs` to the groups and remembers them for `getLastLr`. */
  protected setLrs(lrs: readonly number[]): void {
    this.groups().forEach((g, i) => (g.lr = lrs[i]!));
    this.lastLr = this.groups().map((g) => g.lr);
  }

  /** The learning rates set by the last `step()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The scheduler's counters and settings (not the optimizer), to resume a
   * schedule. Functions (lr lambdas, a custom scale function) are left out,
   * as PyTorch leaves out lambdas; schedulers it holds (SequentialLR,
   * ChainedScheduler) are saved as their own state dicts.
   */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === "optimizer" || holdsFunctions(v)) continue;
      out[k] = isSchedulerList(v) ? v.map((s) => s.stateDict()) : structuredClone(v);
    }
    return out;
  }

  /** Restores what `stateDict()` saved (the held schedulers' states into those schedulers). */
  loadStateDict(sd: Record<string, unknown>): void {
    const self = this as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) {
      const mine = self[k];
      if (isSchedulerList(mine)) mine.forEach((s, i) => s.loadStateDict((v as Record<string, unknown>[])[i]!));
      else self[k] = structuredClone(v);
    }
  }
}

/** A function, or an array with one: code, not state. */
function holdsFunctions(v: unknown): boolean {
  return typeof v === "function" || (Array.isArray(v) && v.some((x) => typeof x === "function"));
}

function isSchedulerList(v: unknown): v is LRScheduler[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof LRScheduler);
}

/** PyTorch's `_format_param`: one value per param group, from one value or a list of them. */
function perGroup(name: string, optimizer: Optimizer<any>, value: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (typeof value === "number") return new Array<number>(n).fill(value);
  if (value.length !== n) {
    throw new Error(`${name} must have the same length as optimizer.param_groups. ${name} has ${value.length} values, param_groups has ${n}.`);
  }
  return [...value];
}

/** bisect_right: how many of the sorted `xs` are <= `x`. */
function countAtMost(xs: readonly number[], x: number): number {
  let n = 0;
  while (n < xs.length && xs[n]! <= x) n++;
  return n;
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs.
 *
 * @example
 * const sched = new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer<any>, readonly stepSize: number, options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups().map((g) => g.lr);
    return this.groups().map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch.
 *
 * @example
 * new optim.lrScheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer<any>, milestones: readonly number[], options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groups().map((g) => g.lr);
    return this.groups().map((g) => g.lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** countAtMost(this.milestones, this.lastEpoch));
  }
}

/**
 * Multiplies the lr by `gamma` every epoch.
 *
 * @example
 * new optim.lrScheduler.ExponentialLR(opt, 0.9);
 */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer<any>, readonly gamma: number, options: { lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups().map((g) => g.lr);
    return this.groups().map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/**
 * Cosine annealing from the base lr to `etaMin` over `TMax` epochs, in
 * PyTorch's recursive form (it keeps going as a cosine wave after `TMax`).
 *
 * @example
 * new optim.lrScheduler.CosineAnnealingLR(opt, 20, { etaMin: 1e-4 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly etaMin: number;

  constructor(optimizer: Optimizer<any>, readonly TMax: number, options: { etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const e = this.lastEpoch, T = this.TMax, eta = this.etaMin;
    const groups = this.groups();
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => eta + ((b - eta) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    const m = 2 * T;
    if ((((e - 1 - T) % m) + m) % m === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - eta) + eta);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}

/**
 * Scales the lr linearly from `startFactor` to `endFactor` over `totalIters` epochs.
 *
 * @example
 * new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer<any>, options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    if (this.startFactor > 1 || this.startFactor <= 0) {
      throw new Error("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    }
    if (this.endFactor > 1 || this.endFactor < 0) throw new Error("Ending multiplicative factor expected to be between 0 and 1.");
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.groups();
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const s = this.startFactor, d = this.endFactor - this.startFactor;
    return groups.map((g) => g.lr * (1 + d / (this.totalIters * s + (this.lastEpoch - 1) * d)));
  }

  protected override closedFormLr(): number[] {
    const s = this.startFactor, d = this.endFactor - this.startFactor;
    return this.baseLrs.map((b) => b * (s + (d * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters));
  }
}

/** An lr factor (LambdaLR) or multiplier (MultiplicativeLR) as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/** One lambda per param group: the same one for all, or a list with one per group. */
function lambdasPerGroup(optimizer: Optimizer<any>, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (typeof lrLambda === "function") return new Array<LrLambda>(n).fill(lrLambda);
  if (lrLambda.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
  return [...lrLambda];
}

/** A scheduler driven by one function of the epoch per param group (LambdaLR, MultiplicativeLR). */
abstract class LambdaScheduler extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<any>, lrLambda: LrLambda | readonly LrLambda[], options: { lastEpoch?: number } = {}) {
    const lambdas = lambdasPerGroup(optimizer, lrLambda);
    super(optimizer, options.lastEpoch ?? -1);
    this.lrLambdas = lambdas;
    this.initialStep();
  }
}

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)` (one
 * function for all groups, or one per group). The lambdas are not part of
 * the state dict.
 *
 * @example
 * // linear warm-up over 5 epochs, then 0.95 per epoch
 * new optim.lrScheduler.LambdaLR(opt, (epoch) => (epoch < 5 ? (epoch + 1) / 5 : 0.95 ** (epoch - 4)));
 */
export class LambdaLR extends LambdaScheduler {

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
}

/**
 * Multiplies each group's lr by `lrLambda(epoch)` every epoch after the
 * first (one function for all groups, or one per group).
 *
 * @example
 * new optim.lrScheduler.MultiplicativeLR(opt, () => 0.95);
 */
export class MultiplicativeLR extends LambdaScheduler {

  protected getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups().map((g, i) => g.lr * this.lrLambdas[i]!(this.lastEpoch));
    return this.groups().map((g) => g.lr);
  }
}

/**
 * Multiplies the lr by `factor` (default 1/3) for the first `totalIters`
 * epochs (default 5), then restores it.
 *
 * @example
 * new optim.lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer<any>, options: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    const factor = options.factor ?? 1 / 3;
    if (factor > 1 || factor < 0) throw new Error("Constant multiplicative factor expected to be between 0 and 1.");
    super(optimizer, options.lastEpoch ?? -1);
    this.factor = factor;
    this.totalIters = options.totalIters ?? 5;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.groups();
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const after = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + after * (1 - this.factor)));
  }
}

/**
 * Decays the lr as `(1 − epoch / totalIters)^power` down to 0 at `totalIters`
 * (defaults 5 and 1), and keeps it there.
 *
 * @example
 * new optim.lrScheduler.PolynomialLR(opt, { totalIters: 100, power: 2 });
 */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: Optimizer<any>, options: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const e = this.lastEpoch, T = this.totalIters;
    if (e === 0 || e > T) return this.groups().map((g) => g.lr);
    const factor = ((1 - e / T) / (1 - (e - 1) / T)) ** this.power;
    return this.groups().map((g) => g.lr * factor);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/**
 * SGDR: cosine annealing from the initial lr to `etaMin` over `T0` epochs,
 * then a restart at the initial lr, each period `TMult` times longer than
 * the last. `step()` advances one epoch; `step(epoch)` jumps to `epoch`,
 * which may be fractional (e.g. `epoch + batch / batches` every batch).
 *
 * @example
 * const sched = new optim.lrScheduler.CosineAnnealingWarmRestarts(opt, 10, { TMult: 2, etaMin: 1e-5 });
 * for (let epoch = 0; epoch < 30; epoch++) {
 *   for (let i = 0; i < batches; i++) { trainBatch(i); sched.step(epoch + i / batches); }
 * }
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  readonly TMult: number;
  readonly etaMin: number;
  /** The length of the current period. */
  Ti: number;
  /** Epochs since the last restart (fractional after `step(epoch)` with a fractional epoch). */
  TCur: number;

  constructor(optimizer: Optimizer<any>, T0: number, options: { TMult?: number; etaMin?: number; lastEpoch?: number } = {}) {
    const TMult = options.TMult ?? 1;
    if (!(T0 > 0 && Number.isInteger(T0))) throw new Error(`Expected positive integer T_0, but got ${T0}`);
    if (!(TMult >= 1 && Number.isInteger(TMult))) throw new Error(`Expected integer T_mult >= 1, but got ${TMult}`);
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = options.etaMin ?? 0;
    this.TCur = lastEpoch;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2);
  }

  /** One more epoch, or (with `epoch`) the point `epoch` of the schedule, fractional or not. */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (epoch < 0) throw new Error(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch < this.T0) {
        this.Ti = this.T0;
        this.TCur = epoch;
      } else if (this.TMult === 1) {
        this.TCur = epoch % this.T0;
      } else {
        // restarts so far: the n with T0·(TMult^n − 1)/(TMult − 1) <= epoch (PyTorch's int(math.log(x, TMult)))
        const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
        this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
        this.Ti = this.T0 * this.TMult ** n;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }
}

export interface OneCycleOptions {
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  /** One number, or one per param group. */
  baseMomentum?: number | readonly number[];
  /** One number, or one per param group. */
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: "initialLr" | "maxLr" | "minLr";
  endLr: "initialLr" | "maxLr" | "minLr";
  startMomentum: "maxMomentum" | "baseMomentum";
  endMomentum: "maxMomentum" | "baseMomentum";
}

/**
 * The 1cycle policy: lr rises from `maxLr / divFactor` to `maxLr`, then anneals
 * to `initialLr / finalDivFactor`; momentum (or Adam's beta1) cycles inversely.
 * Step it once per batch.
 *
 * @example
 * new optim.lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 1000 });
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly cycleMomentum: boolean;
  private readonly useBetas: boolean;

  constructor(optimizer: Optimizer<any>, maxLr: number | readonly number[], options: OneCycleOptions = {}) {
    const groups = optimizer.paramGroups as unknown as Group[];
    let total: number;
    const positiveInteger = (v: number, name: string) => {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Expected positive integer ${name}, but got ${v}`);
      return v;
    };
    if (options.totalSteps != null) {
      total = positiveInteger(options.totalSteps, "total_steps");
    } else if (options.epochs != null && options.stepsPerEpoch != null) {
      total = positiveInteger(options.epochs, "epochs") * positiveInteger(options.stepsPerEpoch, "steps_per_epoch");
    } else throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    const strategy = options.annealStrategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear") throw new Error(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    const pct = options.pctStart ?? 0.3;
    if (pct < 0 || pct > 1) throw new Error(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const lastEpoch = options.lastEpoch ?? -1;
    const divFactor = options.divFactor ?? 25, finalDiv = options.finalDivFactor ?? 1e4;
    const cycle = options.cycleMomentum ?? true;
    const useBetas = cycle && cyclesBetas(optimizer);
    const maxLrs = perGroup("max_lr", optimizer, maxLr);
    const maxMomenta = perGroup("max_momentum", optimizer, options.maxMomentum ?? 0.95);
    const baseMomenta = perGroup("base_momentum", optimizer, options.baseMomentum ?? 0.85);
    groups.forEach((g, i) => {
      if (lastEpoch === -1) {
        const m = maxLrs[i]!;
        g.initialLr = m / divFactor;
        g.maxLr = m;
        g.minLr = (g.initialLr as number) / finalDiv;
      }
      if (cycle) {
        g.maxMomentum = maxMomenta[i]!;
        g.baseMomentum = baseMomenta[i]!;
        if (lastEpoch === -1) setMomentum(g, useBetas, maxMomenta[i]!);
      }
    });
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.cycleMomentum = cycle;
    this.useBetas = useBetas;
    this.anneal = strategy === "cos"
      ? (s, e, p) => e + ((s - e) / 2) * (Math.cos(Math.PI * p) + 1)
      : (s, e, p) => (e - s) * p + s;
    this.phases = options.threePhase
      ? [
        { endStep: pct * total - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: 2 * pct * total - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        { endStep: total - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
      ]
      : [
        { endStep: pct * total - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: total - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
      ];
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups().map((g) => {
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (ph.endStep - start);
          if (this.cycleMomentum) {
            setMomentum(g, this.useBetas, this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct));
          }
          return this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
        }
        start = ph.endStep;
      }
      return g.lr;
    });
  }
}

/**
 * Whether momentum cycling writes Adam's `betas[0]` (true) or `momentum`
 * (false); throws for an optimizer with neither, as PyTorch 2.x.
 */
function cyclesBetas(optimizer: Optimizer<any>): boolean {
  const defaults = optimizer.defaults as Record<string, unknown>;
  if (!("momentum" in defaults) && !("betas" in defaults)) {
    throw new Error("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
  }
  return "betas" in defaults;
}

function setMomentum(g: Group, useBetas: boolean, m: number): void {
  if (useBetas) {
    const betas = g.betas as [number, number];
    g.betas = [m, betas[1]];
  } else g.momentum = m;
}

export interface CyclicLROptions {
  /** Iterations from the low to the high end of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Iterations back down (default: `stepSizeUp`). */
  stepSizeDown?: number | null;
  /** "triangular": constant amplitude; "triangular2": halved every cycle; "exp_range": times gamma^iteration. */
  mode?: "triangular" | "triangular2" | "exp_range";
  /** The base of "exp_range" (default 1). */
  gamma?: number;
  /** A custom amplitude scale (overrides `mode`), of the cycle number or the iteration per `scaleMode`. */
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: "cycle" | "iterations";
  /** Cycle momentum (or Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  lastEpoch?: number;
}

/**
 * The cyclical learning rate policy: the lr goes from `baseLr` up to `maxLr`
 * and back in cycles of `stepSizeUp + stepSizeDown` iterations, while the
 * momentum (or Adam's `betas[0]`, as PyTorch 2.x) goes the other way between
 * `maxMomentum` and `baseMomentum`. Step it once per batch.
 *
 * @example
 * new optim.lrScheduler.CyclicLR(opt, 0.001, 0.01, { stepSizeUp: 500, mode: "triangular2" });
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  /** The fraction of a cycle spent going up. */
  readonly stepRatio: number;
  readonly mode: "triangular" | "triangular2" | "exp_range";
  readonly gamma: number;
  readonly scaleMode: "cycle" | "iterations";
  readonly cycleMomentum: boolean;
  readonly baseMomentums: number[];
  readonly maxMomentums: number[];
  private readonly useBetas: boolean;
  private readonly scaleFn: ((x: number) => number) | null;

  constructor(optimizer: Optimizer<any>, baseLr: number | readonly number[], maxLr: number | readonly number[], options: CyclicLROptions = {}) {
    const lastEpoch = options.lastEpoch ?? -1;
    const groups = optimizer.paramGroups as unknown as Group[];
    const baseLrs = perGroup("base_lr", optimizer, baseLr);
    if (lastEpoch === -1) groups.forEach((g, i) => (g.lr = baseLrs[i]!));
    const maxLrs = perGroup("max_lr", optimizer, maxLr);
    const mode = options.mode ?? "triangular";
    const scaleFn = options.scaleFn ?? null;
    if (!["triangular", "triangular2", "exp_range"].includes(mode) && scaleFn === null) throw new Error("mode is invalid and scale_fn is None");
    const cycle = options.cycleMomentum ?? true;
    const useBetas = cycle && cyclesBetas(optimizer);
    const baseMomentums = cycle ? perGroup("base_momentum", optimizer, options.baseMomentum ?? 0.8) : [];
    const maxMomentums = cycle ? perGroup("max_momentum", optimizer, options.maxMomentum ?? 0.9) : [];
    if (cycle && lastEpoch === -1) {
      groups.forEach((g, i) => {
        setMomentum(g, useBetas, maxMomentums[i]!);
        g.maxMomentum = maxMomentums[i];
        g.baseMomentum = baseMomentums[i];
      });
    }
    super(optimizer, lastEpoch);
    // the schedule runs from baseLr whatever initialLr an earlier scheduler recorded
    baseLrs.forEach((b, i) => (this.baseLrs[i] = b));
    this.maxLrs = maxLrs;
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = options.gamma ?? 1;
    this.scaleFn = scaleFn;
    // the built-in modes fix what they scale by; a custom function says
    this.scaleMode = scaleFn !== null ? options.scaleMode ?? "cycle" : mode === "exp_range" ? "iterations" : "cycle";
    this.cycleMomentum = cycle;
    this.useBetas = useBetas;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this.initialStep();
  }

  /** The amplitude factor at cycle number or iteration `x`. */
  private scale(x: number): number {
    if (this.scaleFn !== null) return this.scaleFn(x);
    if (this.mode === "triangular2") return 1 / 2 ** (x - 1);
    if (this.mode === "exp_range") return this.gamma ** x;
    return 1;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    // the position in the cycle, 0..1, and how far up the triangle that is
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const height = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleMode === "cycle" ? cycle : this.lastEpoch);
    if (this.cycleMomentum) {
      this.groups().forEach((g, i) => {
        const max = this.maxMomentums[i]!;
        setMomentum(g, this.useBetas, max - (max - this.baseMomentums[i]!) * height * s);
      });
    }
    return this.baseLrs.map((b, i) => b + (this.maxLrs[i]! - b) * height * s);
  }
}

export interface ReduceLROnPlateauOptions {
  /** "min": lower metrics are better (a loss); "max": higher (an accuracy). */
  mode?: "min" | "max";
  /** The lr is multiplied by this on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4), relative or absolute per `thresholdMode`. */
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again. */
  cooldown?: number;
  /** A floor for the lr: one for every group, or one per group. */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` once the metric passed to `step`
 * stops improving for more than `patience` epochs, as PyTorch's
 * ReduceLROnPlateau.
 *
 * @example
 * const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 3 });
 * for (const epoch of epochs) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<any>;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  minLrs: number[];
  /** minLr when it was one number: groups added to the optimizer later get it too (PyTorch 2.x) */
  private readonly defaultMinLr: number | null;
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer<any>, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.mode = options.mode ?? "min";
    this.factor = options.factor ?? 0.1;
    if (this.factor >= 1) throw new Error("Factor should be < 1.0.");
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? "rel";
    if (this.mode !== "min" && this.mode !== "max") throw new Error(`mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") throw new Error(`threshold mode ${String(this.thresholdMode)} is unknown!`);
    this.cooldown = options.cooldown ?? 0;
    const groups = optimizer.paramGroups as Group[];
    const minLr = options.minLr ?? 0;
    if (typeof minLr !== "number" && minLr.length !== groups.length) throw new Error(`expected ${groups.length} min_lrs, got ${minLr.length}`);
    this.minLrs = typeof minLr === "number" ? groups.map(() => minLr) : [...minLr];
    this.defaultMinLr = typeof minLr === "number" ? minLr : null;
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.lastLr = groups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const t = this.threshold, best = this.best;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === "rel" ? a > best * (t + 1) : a > best + t;
  }

  /** Records this epoch's metric and reduces the lr after more than `patience` epochs without improvement. */
  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown are ignored
    }
    if (this.numBadEpochs > this.patience) {
      const groups = this.optimizer.paramGroups as Group[];
      if (groups.length !== this.minLrs.length) {
        if (this.defaultMinLr === null) {
          throw new Error(`The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized (${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`min_lrs\` field to match the length of the \`optimizer\` param groups.`);
        }
        this.minLrs = groups.map(() => this.defaultMinLr!);
      }
      groups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = (this.optimizer.paramGroups as Group[]).map((g) => g.lr);
  }

  /** The learning rates after the last `step()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The counters that resume the schedule (with the optimizer's own state dict for the lrs). */
  stateDict(): { best: number; numBadEpochs: number; cooldownCounter: number; lastEpoch: number } {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch };
  }

  loadStateDict(sd: ReturnType<ReduceLROnPlateau["stateDict"]>): void {
    ({ best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch } = sd);
  }
}

/**
 * The checks SequentialLR and ChainedScheduler make on the schedulers they
 * get (PyTorch 2.x's messages; PyTorch prints the optimizer, here its class).
 */
function checkSchedulers(kind: string, optimizer: Optimizer<any> | undefined, schedulers: readonly LRScheduler[], emptyWhat: string): void {
  if (schedulers.length < 1) throw new Error(`${kind} expects at least one scheduler${emptyWhat}, but got no scheduler.`);
  schedulers.forEach((s: unknown, i) => {
    if (typeof s !== "object" || s === null || !("optimizer" in s)) throw new TypeError(`${kind} at index ${i} should have \`optimizer\` as its attribute.`);
    if (s instanceof ReduceLROnPlateau) {
      throw new Error(`${kind} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`);
    }
    const sched = s as LRScheduler;
    if (sched.optimizer !== optimizer) {
      throw new Error(`${kind} expects all schedulers to belong to the same optimizer, but got scheduler ${sched.constructor.name} at index ${i} has ${sched.optimizer.constructor.name}, which is different from ${optimizer?.constructor.name}.`);
    }
  });
}

/** Takes back the initial step of `s` (and of the schedulers it holds). */
function undoInitialStep(s: LRScheduler): void {
  if (s instanceof SequentialLR || s instanceof ChainedScheduler) s.schedulers.forEach(undoInitialStep);
  else s.lastEpoch -= 1;
}

/**
 * Runs `schedulers` one after another: the first until `milestones[0]`, the
 * next until `milestones[1]`, and so on. At each milestone the next scheduler
 * starts over from epoch 0 (`step(0)`: its closed form from the base lrs
 * where it has one, else its update on the current lr).
 *
 * @example
 * // 5 epochs of linear warm-up, then cosine annealing
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const cosine = new optim.lrScheduler.CosineAnnealingLR(opt, 95);
 * const sched = new optim.lrScheduler.SequentialLR(opt, [warmup, cosine], [5]);
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: Optimizer<any>, schedulers: readonly LRScheduler[], milestones: readonly number[], options: { lastEpoch?: number } = {}) {
    checkSchedulers("SequentialLR", optimizer, schedulers, "");
    if (milestones.length !== schedulers.length - 1) {
      throw new Error(
        "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, " +
        `but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // each scheduler stepped once when it was built: back to the initial lrs and epochs, then start the first
    for (const g of this.groups()) g.lr = g.initialLr as number;
    this.schedulers.forEach(undoInitialStep);
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /** The lrs are whatever the active scheduler set (`step` delegates to it). */
  protected getLr(): number[] {
    return this.groups().map((g) => g.lr);
  }

  /** Steps the scheduler of the current epoch, restarting it at its milestone. */
  override step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const idx = countAtMost(this.milestones, this.lastEpoch);
    const active = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) active.step(0);
    else active.step();
    this.lastLr = active.getLastLr();
  }
}

/**
 * Steps every scheduler in `schedulers` at each `step()`, so their changes
 * to the lr compound (for chainable schedules: StepLR, ExponentialLR,
 * ConstantLR, LinearLR, MultiplicativeLR, ...). `optimizer` defaults to the
 * first scheduler's.
 *
 * @example
 * const warm = new optim.lrScheduler.ConstantLR(opt, { factor: 0.1, totalIters: 2 });
 * const decay = new optim.lrScheduler.ExponentialLR(opt, 0.9);
 * const sched = new optim.lrScheduler.ChainedScheduler([warm, decay]);
 */
export class ChainedScheduler extends LRScheduler {
  readonly schedulers: LRScheduler[];

  constructor(schedulers: readonly LRScheduler[], optimizer?: Optimizer<any>) {
    const opt = optimizer ?? schedulers[0]?.optimizer;
    checkSchedulers("ChainedScheduler", opt, schedulers, " to be chained");
    super(opt!);
    this.schedulers = [...schedulers];
    this.lastLr = this.groups().map((g) => g.lr);
  }

  /** The lrs are whatever the schedulers set (`step` delegates to them). */
  protected getLr(): number[] {
    return this.groups().map((g) => g.lr);
  }

  /** Steps every scheduler, in order. */
  override step(): void {
    this.stepCount++;
    for (const s of this.schedulers) s.step();
    this.lastLr = this.groups().map((g) => g.lr);
  }
}
