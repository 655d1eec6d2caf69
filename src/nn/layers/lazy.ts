/**
 * PyTorch's lazy modules: layers that take their input size (in_features,
 * in_channels, num_features) from the first input they see. Until then their
 * parameters are UninitializedParameters; the first forward materializes
 * them, runs the layer's usual init under noGrad, and the module becomes the
 * ordinary layer (a LazyLinear becomes a Linear, repr and all). Loading a
 * state dict into a lazy module materializes its parameters to the
 * checkpoint's shapes.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { zeros } from "../../ops/factories.js";
import type { Pair } from "../../ops/conv.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { warn } from "../../warnings.js";
import type { Module } from "../module.js";
import { isUninitialized, UninitializedBuffer, UninitializedParameter } from "../uninitialized.js";
import { Conv1d, Conv2d, ConvBase, ConvTranspose1d, ConvTranspose2d, type Conv1dLayerOptions, type Conv2dLayerOptions, type ConvTranspose1dLayerOptions, type ConvTranspose2dLayerOptions } from "./conv.js";
import { Conv3d, ConvTranspose3d, type Conv3dLayerOptions, type ConvTranspose3dLayerOptions } from "./conv3d.js";
import { Linear, type LayerOptions } from "./linear.js";
import { BatchNorm1d, BatchNorm2d, InstanceNorm1d, InstanceNorm2d, NormBase, type BatchNormOptions, type InstanceNormLayerOptions } from "./norm.js";
import { BatchNorm3d, InstanceNorm3d } from "./volume-layers.js";

/** The kernel sizes of 1-, 2- and 3-d convs. */
type ConvSizes = [number] | [number, number] | [number, number, number];

const LAZY_WARNING = "Lazy modules are a new feature under heavy development so changes to the API or functionality can happen at any moment.";

/** Whether any of the module's own parameters or buffers is still uninitialized. */
function ownUninitialized(m: Module): boolean {
  for (const t of m._parameters.values()) if (isUninitialized(t)) return true;
  for (const t of m._buffers.values()) if (isUninitialized(t)) return true;
  return false;
}

/**
 * Makes `m` lazy (PyTorch's LazyModuleMixin): warns as PyTorch does, and
 * registers the first forward pre-hook, which calls `initialize(input)` under
 * noGrad, checks that nothing is left uninitialized, removes itself and
 * gives the module the class `becomes`.
 */
function makeLazy(m: Module, initialize: (input: Tensor) => void, becomes: abstract new (...args: never[]) => Module): void {
  warn(LAZY_WARNING);
  const handle = m.registerForwardPreHook((module, args) => {
    noGrad(() => initialize(args[0] as Tensor));
    if (ownUninitialized(module)) throw new Error(`module ${module.constructor.name} has not been fully initialized`);
    handle.remove();
    Object.setPrototypeOf(module, becomes.prototype);
  });
}

/** Writes a field TypeScript declares readonly (the size a lazy layer learns from its input). */
function setField<T extends object>(target: T, name: keyof T & string, value: unknown): void {
  (target as Record<string, unknown>)[name] = value;
}

/**
 * `nn.Linear` whose `inFeatures` is the last dimension of the first input.
 *
 * @example
 * const fc = new nn.LazyLinear(10);
 * fc.forward(torch.randn([8, 64])); // fc is now Linear(in_features=64, out_features=10, bias=True)
 */
export class LazyLinear extends Linear {
  constructor(outFeatures: number, options: LayerOptions = {}) {
    super(0, 0, { ...options, bias: false });
    setField(this, "outFeatures", outFeatures);
    const dtype = options.dtype;
    this.weight = new UninitializedParameter(true, { dtype });
    this.bias = options.bias ?? true ? new UninitializedParameter(true, { dtype }) : null;
    makeLazy(this, (input) => {
      if (!ownUninitialized(this)) return;
      setField(this, "inFeatures", input.shape[input.shape.length - 1]);
      (this.weight as UninitializedParameter).materialize([this.outFeatures, this.inFeatures]);
      if (this.bias !== null) (this.bias as UninitializedParameter).materialize([this.outFeatures]);
      this.resetParameters();
    }, Linear);
  }

  override resetParameters(): void {
    if (!ownUninitialized(this) && this.inFeatures !== 0) super.resetParameters();
  }
}

/** The number of channels of a conv input: dim 1 when batched, dim 0 when not (PyTorch's _get_in_channels). */
function inChannelsOf(input: Tensor, spatial: number, layer: string): number {
  const dims = input.shape.length;
  if (dims !== spatial + 1 && dims !== spatial + 2) {
    throw new Error(`Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${layer}, but got input of size: torch.Size([${input.shape.join(", ")}])`);
  }
  return dims === spatial + 2 ? input.shape[1]! : input.shape[0]!;
}

/** The lazy part of every lazy conv layer: uninitialized weight and bias, sized from the input's channels. */
function lazyConv(m: ConvBase<ConvSizes>, outChannels: number, options: LayerOptions, transposed: boolean, becomes: abstract new (...args: never[]) => Module): void {
  setField(m, "outChannels", outChannels);
  const dtype = options.dtype;
  m.weight = new UninitializedParameter(true, { dtype });
  m.bias = options.bias ?? true ? new UninitializedParameter(true, { dtype }) : null;
  const layer = m.constructor.name;
  makeLazy(m, (input) => {
    if (!ownUninitialized(m)) return;
    const inChannels = inChannelsOf(input, m.kernelSize.length, layer);
    setField(m, "inChannels", inChannels);
    if (inChannels % m.groups !== 0) throw new Error("in_channels must be divisible by groups");
    const shape = transposed
      ? [inChannels, Math.floor(m.outChannels / m.groups), ...m.kernelSize]
      : [m.outChannels, Math.floor(inChannels / m.groups), ...m.kernelSize];
    (m.weight as UninitializedParameter).materialize(shape);
    if (m.bias !== null) (m.bias as UninitializedParameter).materialize([m.outChannels]);
    m.resetParameters();
  }, becomes);
}

/** Skips the conv init while the weight is uninitialized (PyTorch's lazy reset_parameters). */
function resetConvIfReady(m: ConvBase<ConvSizes>, reset: () => void): void {
  if (!ownUninitialized(m) && m.inChannels !== 0) reset();
}

/** `nn.Conv1d` whose `inChannels` comes from the first input. */
export class LazyConv1d extends Conv1d {
  constructor(outChannels: number, kernelSize: number, options: Conv1dLayerOptions = {}) {
    super(0, 0, kernelSize, { ...options, bias: false });
    lazyConv(this, outChannels, options, false, Conv1d);
  }
  override resetParameters(): void {
    resetConvIfReady(this, () => super.resetParameters());
  }
}

/**
 * `nn.Conv2d` whose `inChannels` comes from the first input.
 *
 * @example
 * const conv = new nn.LazyConv2d(16, 3);
 * conv.forward(torch.randn([1, 3, 28, 28])); // now Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))
 */
export class LazyConv2d extends Conv2d {
  constructor(outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super(0, 0, kernelSize, { ...options, bias: false });
    lazyConv(this, outChannels, options, false, Conv2d);
  }
  override resetParameters(): void {
    resetConvIfReady(this, () => super.resetParameters());
  }
}

/** `nn.Conv3d` whose `inChannels` comes from the first input. */
export class LazyConv3d extends Conv3d {
  constructor(outChannels: number, kernelSize: number | [number, number, number], options: Conv3dLayerOptions = {}) {
    super(0, 0, kernelSize, { ...options, bias: false });
    lazyConv(this, outChannels, options, false, Conv3d);
  }
  override resetParameters(): void {
    resetConvIfReady(this, () => super.resetParameters());
  }
}

/** `nn.ConvTranspose1d` whose `inChannels` comes from the first input. */
export class LazyConvTranspose1d extends ConvTranspose1d {
  constructor(outChannels: number, kernelSize: number, options: ConvTranspose1dLayerOptions = {}) {
    super(0, 0, kernelSize, { ...options, bias: false });
    lazyConv(this, outChannels, options, true, ConvTranspose1d);
  }
  override resetParameters(): void {
    resetConvIfReady(this, () => super.resetParameters());
  }
}

/** `nn.ConvTranspose2d` whose `inChannels` comes from the first input. */
export class LazyConvTranspose2d extends ConvTranspose2d {
  constructor(outChannels: number, kernelSize: Pair, options: ConvTranspose2dLayerOptions = {}) {
    super(0, 0, kernelSize, { ...options, bias: false });
    lazyConv(this, outChannels, options, true, ConvTranspose2d);
  }
  override resetParameters(): void {
    resetConvIfReady(this, () => super.resetParameters());
  }
}

/** `nn.ConvTranspose3d` whose `inChannels` comes from the first input. */
export class LazyConvTranspose3d extends ConvTranspose3d {
  constructor(outChannels: number, kernelSize: number | [number, number, number], options: ConvTranspose3dLayerOptions = {}) {
    super(0, 0, kernelSize, { ...options, bias: false });
    lazyConv(this, outChannels, options, true, ConvTranspose3d);
  }
  override resetParameters(): void {
    resetConvIfReady(this, () => super.resetParameters());
  }
}

/**
 * The lazy part of the lazy norm layers: uninitialized affine parameters and
 * running statistics, sized by the input's dim 1 (PyTorch's _LazyNormBase).
 */
function lazyNorm(m: NormBase, options: BatchNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }, becomes: abstract new (...args: never[]) => Module): void {
  const affine = options.affine ?? defaults.affine, track = options.trackRunningStats ?? defaults.trackRunningStats;
  setField(m, "affine", affine);
  setField(m, "trackRunningStats", track);
  const dtype: DType | undefined = options.dtype;
  if (affine) {
    m.registerParameter("weight", new UninitializedParameter(true, { dtype }));
    m.registerParameter("bias", new UninitializedParameter(true, { dtype }));
  }
  if (track) {
    m.registerBuffer("running_mean", new UninitializedBuffer({ dtype }));
    m.registerBuffer("running_var", new UninitializedBuffer({ dtype }));
    m.registerBuffer("num_batches_tracked", zeros([], { dtype: "int32" }));
  }
  makeLazy(m, (input) => {
    if (!ownUninitialized(m)) return;
    const n = input.shape[1]!;
    setField(m, "numFeatures", n);
    for (const t of [...m._parameters.values(), ...m._buffers.values()]) if (isUninitialized(t)) t.materialize([n]);
    // PyTorch's _NormBase.reset_parameters
    m.resetRunningStats();
    m.weight?.fill_(1);
    m.bias?.zero_();
  }, becomes);
}

/** What the lazy norm layers take: BatchNorm's options (their defaults differ for instance norm). */
export type LazyNormOptions = BatchNormOptions;

/** `nn.BatchNorm1d` whose `numFeatures` is the first input's dim 1. */
export class LazyBatchNorm1d extends BatchNorm1d {
  constructor(options: LazyNormOptions = {}) {
    super(0, { ...options, affine: false, trackRunningStats: false });
    lazyNorm(this, options, { affine: true, trackRunningStats: true }, BatchNorm1d);
  }
}

/**
 * `nn.BatchNorm2d` whose `numFeatures` is the first input's dim 1.
 *
 * @example
 * const bn = new nn.LazyBatchNorm2d();
 * bn.forward(torch.randn([4, 8, 5, 5])); // now BatchNorm2d(8, eps=1e-05, ...)
 */
export class LazyBatchNorm2d extends BatchNorm2d {
  constructor(options: LazyNormOptions = {}) {
    super(0, { ...options, affine: false, trackRunningStats: false });
    lazyNorm(this, options, { affine: true, trackRunningStats: true }, BatchNorm2d);
  }
}

/** `nn.BatchNorm3d` whose `numFeatures` is the first input's dim 1. */
export class LazyBatchNorm3d extends BatchNorm3d {
  constructor(options: LazyNormOptions = {}) {
    super(0, { ...options, affine: false, trackRunningStats: false });
    lazyNorm(this, options, { affine: true, trackRunningStats: true }, BatchNorm3d);
  }
}

/**
 * `nn.InstanceNorm1d` whose `numFeatures` is the first input's dim 1. As in
 * PyTorch (whose docs say otherwise), `affine` and `trackRunningStats`
 * default to true, unlike InstanceNorm1d's.
 */
export class LazyInstanceNorm1d extends InstanceNorm1d {
  constructor(options: InstanceNormLayerOptions = {}) {
    super(0, { ...options, affine: false, trackRunningStats: false });
    lazyNorm(this, options, { affine: true, trackRunningStats: true }, InstanceNorm1d);
  }
}

/** `nn.InstanceNorm2d` whose `numFeatures` is the first input's dim 1 (`affine`, `trackRunningStats` default true, as LazyInstanceNorm1d). */
export class LazyInstanceNorm2d extends InstanceNorm2d {
  constructor(options: InstanceNormLayerOptions = {}) {
    super(0, { ...options, affine: false, trackRunningStats: false });
    lazyNorm(this, options, { affine: true, trackRunningStats: true }, InstanceNorm2d);
  }
}

/** `nn.InstanceNorm3d` whose `numFeatures` is the first input's dim 1 (`affine`, `trackRunningStats` default true, as LazyInstanceNorm1d). */
export class LazyInstanceNorm3d extends InstanceNorm3d {
  constructor(options: InstanceNormLayerOptions = {}) {
    super(0, { ...options, affine: false, trackRunningStats: false });
    lazyNorm(this, options, { affine: true, trackRunningStats: true }, InstanceNorm3d);
  }
}
