/**
 * `torch.optim.swa_utils` of PyTorch 2.x: stochastic weight averaging and
 * exponential moving averages of a model's weights (`AveragedModel` with the
 * `get*AvgFn` helpers), the SWA learning-rate schedule (`SWALR`) and the
 * recomputation of BatchNorm statistics for the averaged weights (`updateBn`).
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { isFloatingPoint } from "../ops/dtype-utils.js";
import { tensor } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "../nn/module.js";
import { BatchNormBase } from "../nn/layers/norm.js";
import { copyModule } from "../nn/utils/copy-module.js";
import { LRScheduler } from "./lr-scheduler.js";
import type { Optimizer } from "./optimizer.js";

/** Averages one parameter: returns the new average of `averaged` and `current` after `numAveraged` models. */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: Tensor) => Tensor;
/** Averages lists of parameters (of one dtype) in place. */
export type MultiAvgFn = (averaged: Tensor[], current: Tensor[], numAveraged: Tensor) => void;

/**
 * The in-place EMA update `ema = decay · ema + (1 - decay) · current` for
 * lists of parameters (PyTorch's `get_ema_multi_avg_fn`), for `AveragedModel`'s
 * `multiAvgFn`.
 *
 * @example
 * const ema = new torch.optim.swaUtils.AveragedModel(model, { multiAvgFn: torch.optim.swaUtils.getEmaMultiAvgFn(0.99) });
 */
export function getEmaMultiAvgFn(decay = 0.999): MultiAvgFn {
  if (decay < 0 || decay > 1) throw new Error(`Invalid decay value ${decay} provided. Please provide a value in [0,1] range.`);
  return (averaged, current) =>
    noGrad(() => {
      if (averaged.length === 0) return;
      if (isFloatingPoint(averaged[0]!)) averaged.forEach((a, i) => a.lerp_(current[i]!, 1 - decay));
      else averaged.forEach((a, i) => a.copy_(a.mul(decay).add(current[i]!.mul(1 - decay))));
    });
}

/** The in-place running mean `avg += (current - avg) / (n + 1)` for lists of parameters (PyTorch's `get_swa_multi_avg_fn`). */
export function getSwaMultiAvgFn(): MultiAvgFn {
  return (averaged, current, numAveraged) =>
    noGrad(() => {
      if (averaged.length === 0) return;
      const n = numAveraged.item();
      if (isFloatingPoint(averaged[0]!)) averaged.forEach((a, i) => a.lerp_(current[i]!, 1 / (n + 1)));
      else averaged.forEach((a, i) => a.copy_(a.add(current[i]!.sub(a).div(n + 1))));
    });
}

/** One parameter's EMA, `decay · ema + (1 - decay) · current` (PyTorch's `get_ema_avg_fn`). */
export function getEmaAvgFn(decay = 0.999): AvgFn {
  if (decay < 0 || decay > 1) throw new Error(`Invalid decay value ${decay} provided. Please provide a value in [0,1] range.`);
  return (averaged, current) => noGrad(() => averaged.mul(decay).add(current.mul(1 - decay)));
}

/** One parameter's running mean, `avg + (current - avg) / (n + 1)` (PyTorch's `get_swa_avg_fn`). */
export function getSwaAvgFn(): AvgFn {
  return (averaged, current, numAveraged) => noGrad(() => averaged.add(current.sub(averaged).div(numAveraged.add(1))));
}

export interface AveragedModelOptions {
  /** Averages one parameter at a time; by default the running mean (SWA). Exclusive with `multiAvgFn`. */
  avgFn?: AvgFn;
  /** Averages the parameters of one dtype at once (e.g. `getEmaMultiAvgFn(0.999)`). */
  multiAvgFn?: MultiAvgFn;
  /** Average the buffers too (BatchNorm statistics); by default they are copied from the model. */
  useBuffers?: boolean;
}

/**
 * PyTorch 2.x's `AveragedModel`: a copy of `model` whose parameters are the
 * average of the ones passed to `updateParameters` (SWA by default, EMA with
 * `getEmaMultiAvgFn`). `forward` runs the copy; `nAveraged` counts updates.
 *
 * @example
 * const swa = new torch.optim.swaUtils.AveragedModel(model);
 * // after each epoch: swa.updateParameters(model)
 */
export class AveragedModel<M extends Module = Module> extends Module {
  /** The averaged copy of the model. */
  readonly module: M;
  readonly avgFn: AvgFn | null;
  readonly multiAvgFn: MultiAvgFn | null;
  readonly useBuffers: boolean;

  constructor(model: M, options: AveragedModelOptions = {}) {
    super();
    if (options.avgFn !== undefined && options.multiAvgFn !== undefined) throw new Error("Only one of avg_fn and multi_avg_fn should be provided");
    this.module = copyModule(model);
    this.registerBuffer("n_averaged", tensor(0, { dtype: "int32" }));
    this.avgFn = options.avgFn ?? null;
    this.multiAvgFn = options.multiAvgFn ?? null;
    this.useBuffers = options.useBuffers ?? false;
  }

  /** How many models have been averaged (the `n_averaged` buffer). */
  get nAveraged(): Tensor {
    return this._buffers.get("n_averaged")!;
  }

  override forward(...args: any[]): any {
    return this.module.forward(...args);
  }

  /** Folds `model`'s current parameters (and buffers with `useBuffers`) into the average. */
  updateParameters(model: Module): void {
    const mine = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    noGrad(() => {
      const n = this.nAveraged;
      const pairs = mine.slice(0, Math.min(mine.length, theirs.length)).map((p, i) => [p.detach(), theirs[i]!.detach()] as const);
      if (n.item() === 0) for (const [a, b] of pairs) a.copy_(b);
      else if (this.multiAvgFn !== null || this.avgFn === null) {
        // grouped by dtype, as PyTorch groups by device and dtype for its foreach kernels
        const groups = new Map<string, [Tensor[], Tensor[]]>();
        for (const [a, b] of pairs) {
          const g = groups.get(a.dtype) ?? groups.set(a.dtype, [[], []]).get(a.dtype)!;
          g[0].push(a);
          g[1].push(b);
        }
        const fn = this.multiAvgFn ?? getSwaMultiAvgFn();
        for (const [a, b] of groups.values()) fn(a, b, n);
      } else {
        for (const [a, b] of pairs) a.copy_(this.avgFn(a, b, n));
      }
      if (!this.useBuffers) {
        const bufs = this.module.buffers(), src = model.buffers();
        bufs.forEach((b, i) => {
          if (src[i] !== undefined) b.detach().copy_(src[i].detach());
        });
      }
      n.add_(1);
    });
  }
}

/**
 * PyTorch's `update_bn`: recomputes the running statistics of every BatchNorm
 * of `model` with one pass over `loader` (a batch, or an array whose first
 * element is the batch), as a cumulative average. Used after SWA, whose
 * averaged weights need their own statistics.
 *
 * @example
 * torch.optim.swaUtils.updateBn([x1, x2], swaModel);
 */
export function updateBn(loader: Iterable<unknown>, model: Module): void {
  noGrad(() => {
    const momenta = new Map<BatchNormBase, number | null>();
    for (const m of model.modules()) {
      if (m instanceof BatchNormBase) {
        m.resetRunningStats();
        momenta.set(m, m.momentum);
      }
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const m of momenta.keys()) (m as { momentum: number | null }).momentum = null;
    for (let input of loader) {
      if (Array.isArray(input)) input = input[0];
      model.forward(input);
    }
    for (const [m, mom] of momenta) (m as { momentum: number | null }).momentum = mom;
    model.train(wasTraining);
  });
}

export interface SWALROptions {
  /** Epochs of annealing from the optimizer's lr to `swaLr` (default 10). */
  annealEpochs?: number;
  /** The annealing shape (default "cos"). */
  annealStrategy?: "cos" | "linear";
  lastEpoch?: number;
}

/**
 * PyTorch's `SWALR`: anneals each group's learning rate to `swaLr` over
 * `annealEpochs` epochs (cosine or linear), then holds it.
 *
 * @example
 * const sched = new torch.optim.swaUtils.SWALR(opt, 0.05, { annealEpochs: 5, annealStrategy: "linear" });
 */
export class SWALR extends LRScheduler {
  readonly annealEpochs: number;
  readonly annealStrategy: "cos" | "linear";

  constructor(optimizer: Optimizer<any>, swaLr: number | readonly number[], options: SWALROptions = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    const groups = this.optimizer.paramGroups;
    let lrs: readonly number[];
    if (Array.isArray(swaLr)) {
      if (swaLr.length !== groups.length) {
        throw new Error(`swa_lr must have the same length as optimizer.param_groups: swa_lr has ${swaLr.length}, optimizer.param_groups has ${groups.length}`);
      }
      lrs = swaLr;
    } else lrs = groups.map(() => swaLr as number);
    groups.forEach((g, i) => ((g as Record<string, unknown>).swaLr = lrs[i]));
    const strategy = options.annealStrategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear") throw new Error(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    this.annealStrategy = strategy;
    const epochs = options.annealEpochs ?? 10;
    if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`anneal_epochs must be equal or greater than 0, got ${epochs}`);
    this.annealEpochs = epochs;
    this.initialStep();
  }

  private anneal(t: number): number {
    return this.annealStrategy === "cos" ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  }

  protected getLr(): number[] {
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs)));
    const prevAlpha = this.anneal(prevT);
    const groups = this.optimizer.paramGroups as (Record<string, unknown> & { lr: number })[];
    const prevLrs = groups.map((g) => (prevAlpha === 1 ? (g.swaLr as number) : (g.lr - prevAlpha * (g.swaLr as number)) / (1 - prevAlpha)));
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs)));
    const alpha = this.anneal(t);
    return groups.map((g, i) => (g.swaLr as number) * alpha + prevLrs[i]! * (1 - alpha));
  }
}
