/**
 * `optim.lrScheduler`: learning-rate schedules with PyTorch's positional
 * arguments and its recursive (chainable) update forms, so values match
 * PyTorch's step by step.
 */
import type { Optimizer } from "./optimizer.js";

type Group = Record<string, unknown> & { lr: number };

export abstract class LRScheduler {
  readonly optimizer: Optimizer<any>;
  readonly baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  private lastLr: number[] = [];

  constructor(optimizer: Optimizer<any>, lastEpoch = -1) {
    this.optimizer = optimizer;
    for (const g of this.groups()) {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) throw new Error("param 'initial_lr' is not specified in param_groups when resuming an optimizer");
    }
    this.baseLrs = this.groups().map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected groups(): Group[] {
    return this.optimizer.paramGroups;
  }

  /** The learning rates for `lastEpoch`, from the current ones. */
  protected abstract getLr(): number[];

  /**
   * Advances one epoch (or batch, for OneCycleLR) and sets each group's `lr`.
   *
   * @example
   * for (let epoch = 0; epoch < 20; epoch++) { train(); scheduler.step(); }
   */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.getLr();
    this.groups().forEach((g, i) => (g.lr = lrs[i]!));
    this.lastLr = this.groups().map((g) => g.lr);
  }

  /** The learning rates set by the last `step()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's counters and settings (not the optimizer), to resume a schedule. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === "optimizer" || typeof v === "function") continue;
      out[k] = structuredClone(v);
    }
    return out;
  }

  loadStateDict(sd: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(sd)) (this as Record<string, unknown>)[k] = structuredClone(v);
  }
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
}

export interface OneCycleOptions {
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
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
    if (options.totalSteps != null) {
      if (options.totalSteps <= 0) throw new Error(`Expected positive integer total_steps, but got ${options.totalSteps}`);
      total = options.totalSteps;
    } else if (options.epochs != null && options.stepsPerEpoch != null) {
      total = options.epochs * options.stepsPerEpoch;
    } else throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    const pct = options.pctStart ?? 0.3;
    if (pct < 0 || pct > 1) throw new Error(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const lastEpoch = options.lastEpoch ?? -1;
    const divFactor = options.divFactor ?? 25, finalDiv = options.finalDivFactor ?? 1e4;
    const cycle = options.cycleMomentum ?? true;
    const defaults = optimizer.defaults as Record<string, unknown>;
    if (cycle && !("momentum" in defaults) && !("betas" in defaults)) {
      throw new Error("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
    }
    const useBetas = "betas" in defaults;
    groups.forEach((g, i) => {
      if (lastEpoch === -1) {
        const m = typeof maxLr === "number" ? maxLr : maxLr[i]!;
        g.initialLr = m / divFactor;
        g.maxLr = m;
        g.minLr = (g.initialLr as number) / finalDiv;
      }
      if (cycle) {
        g.maxMomentum = options.maxMomentum ?? 0.95;
        g.baseMomentum = options.baseMomentum ?? 0.85;
        if (lastEpoch === -1) setMomentum(g, useBetas, options.maxMomentum ?? 0.95);
      }
    });
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.cycleMomentum = cycle;
    this.useBetas = useBetas;
    this.anneal = (options.annealStrategy ?? "cos") === "cos"
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

function setMomentum(g: Group, useBetas: boolean, m: number): void {
  if (useBetas) {
    const betas = g.betas as [number, number];
    g.betas = [m, betas[1]];
  } else g.momentum = m;
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
  readonly minLrs: number[];
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
      (this.optimizer.paramGroups as Group[]).forEach((g, i) => {
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
