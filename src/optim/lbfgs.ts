import { enableGrad, noGrad } from "../autograd/grad-mode-api.js";
import { zeros } from "../ops/factories.js";
import { cat } from "../ops/indexing.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";
import { strongWolfe } from "./strong-wolfe.js";

export interface LBFGSOptions {
  /** The step length of each iteration (the initial one of the line search). */
  lr: number;
  /** Iterations per `step()`. */
  maxIter: number;
  /** Function evaluations per `step()` (default `maxIter · 5/4`, rounded down). */
  maxEval: number;
  /** Stop when every gradient element is at most this in magnitude. */
  toleranceGrad: number;
  /** Stop when the loss or the parameters change less than this. */
  toleranceChange: number;
  /** How many past updates approximate the inverse Hessian. */
  historySize: number;
  /** `"strong_wolfe"`, or null for fixed steps of `lr`. */
  lineSearchFn: "strong_wolfe" | null;
}

/** What the constructor takes: `maxEval` may be null for its default. */
export type LBFGSConstructorOptions = Partial<Omit<LBFGSOptions, "maxEval">> & { maxEval?: number | null };

/**
 * L-BFGS (PyTorch's, after minFunc): a quasi-Newton method that re-evaluates
 * the loss several times per step, so `step` takes a closure that zeroes the
 * gradients, computes the loss, calls `backward()` and returns the loss. One
 * parameter group only; its state (history, last direction) lives under the
 * first parameter, as PyTorch keeps it.
 *
 * @example
 * const opt = new optim.LBFGS([x], { lineSearchFn: "strong_wolfe" });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = rosenbrock(x);
 *   loss.backward();
 *   return loss;
 * });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: Params<LBFGSOptions>, options: LBFGSConstructorOptions = {}) {
    const maxIter = options.maxIter ?? 20;
    const defaults: LBFGSOptions = {
      lr: 1, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null,
      ...options, maxIter, maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4),
    };
    checkOptions("LBFGS", { lr: defaults.lr });
    super(params, defaults);
    if (this.paramGroups.length !== 1) throw new Error("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  /** @internal LBFGS overrides `step`; there is no per-parameter update. */
  protected update(): void {
    throw new Error("LBFGS updates all parameters together in step(closure)");
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  /** All gradients as one flat vector (zeros for a parameter without one). */
  private flatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad === null ? zeros([p.numel()], { dtype: p.dtype }) : p.grad.reshape([-1]))), 0);
  }

  /** `params += t · update` (update flat). */
  private addUpdate(t: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).reshape(p.shape), { alpha: t });
      offset += n;
    }
  }

  /** The closure's loss as a number, run with grad enabled whatever the caller's mode. */
  private static evaluate(closure: () => Tensor): number {
    return Number(enableGrad(closure).item());
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations, calling `closure` to re-evaluate
   * the loss and gradients; returns the loss from its first call.
   */
  override step(closure: () => Tensor): Tensor {
    if (typeof closure !== "function") throw new TypeError("LBFGS.step() missing 1 required positional argument: 'closure'");
    const group = this.paramGroups[0]!;
    const first = this.params[0]!;
    let state = this.state.get(first);
    if (state === undefined) {
      state = {};
      this.state.set(first, state);
    }
    return noGrad(() => this.iterate(closure, group, state));
  }

  private iterate(closure: () => Tensor, group: ParamGroup<LBFGSOptions>, state: ParamState): Tensor {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    if (lineSearchFn !== null && lineSearchFn !== "strong_wolfe") throw new Error("only 'strong_wolfe' is supported");
    state.func_evals ??= 0;
    state.n_iter ??= 0;
    const origLoss = enableGrad(closure);
    let loss = Number(origLoss.item());
    let currentEvals = 1;
    state.func_evals = (state.func_evals as number) + 1;
    let flatGrad = this.flatGrad();
    let optCond = flatGrad.abs().max().item() <= toleranceGrad;
    if (optCond) return origLoss;

    // what the last step left, to carry on from
    let d = (state.d ?? null) as Tensor | null;
    let t = (state.t ?? 0) as number;
    let oldDirs = (state.old_dirs ?? []) as Tensor[];
    let oldStps = (state.old_stps ?? []) as Tensor[];
    let ro = (state.ro ?? []) as number[];
    let hDiag = (state.H_diag ?? 1) as number;
    let prevFlatGrad = (state.prev_flat_grad ?? null) as Tensor | null;
    let prevLoss = (state.prev_loss ?? null) as number | null;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter = (state.n_iter as number) + 1;

      // the descent direction
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t);
        const ys = y.dot(s).item();
        // keep the pair only when the curvature is positive (the update stays positive definite)
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / y.dot(y).item();
        }
        // two-loop recursion: the inverse-Hessian approximation times the negative gradient
        state.al ??= new Array<null>(historySize).fill(null);
        const al = state.al as (number | null)[];
        const q = flatGrad.neg();
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = oldStps[i]!.dot(q).item() * ro[i]!;
          q.add_(oldDirs[i]!, { alpha: -al[i]! });
        }
        const r = q.mul(hDiag);
        for (let i = 0; i < oldDirs.length; i++) {
          const be = oldDirs[i]!.dot(r).item() * ro[i]!;
          r.add_(oldStps[i]!, { alpha: al[i]! - be });
        }
        d = r;
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;

      // the step length: the first iteration ever starts small, the others at lr
      t = state.n_iter === 1 ? Math.min(1, 1 / flatGrad.abs().sum().item()) * lr : lr;
      const gtd = flatGrad.dot(d).item();
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (lineSearchFn === "strong_wolfe") {
        const x = this.params.map((p) => p.clone());
        const evaluateAt = (step: number, dir: Tensor): [number, Tensor] => {
          this.addUpdate(step, dir);
          const f = LBFGS.evaluate(closure);
          const g = this.flatGrad();
          this.params.forEach((p, i) => p.copy_(x[i]!));
          return [f, g];
        };
        const found = strongWolfe(evaluateAt, t, d, loss, flatGrad, gtd);
        ({ loss, flatGrad, t } = found);
        lsEvals = found.evals;
        this.addUpdate(t, d);
        optCond = flatGrad.abs().max().item() <= toleranceGrad;
      } else {
        this.addUpdate(t, d);
        // the last iteration does not re-evaluate (in a stochastic setting it would be wasted)
        if (nIter !== maxIter) {
          loss = LBFGS.evaluate(closure);
          flatGrad = this.flatGrad();
          optCond = flatGrad.abs().max().item() <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.func_evals += lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      // lack of progress
      if (d.mul(t).abs().max().item() <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, { d, t, old_dirs: oldDirs, old_stps: oldStps, ro, H_diag: hDiag, prev_flat_grad: prevFlatGrad, prev_loss: prevLoss });
    return origLoss;
  }
}
