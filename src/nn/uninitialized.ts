/**
 * PyTorch's UninitializedParameter and UninitializedBuffer: placeholders of
 * the lazy modules (nn.LazyLinear, ...) whose shape is not known until the
 * first forward. `materialize(shape)` turns one, in place (the same object,
 * so an optimizer made before keeps working), into a Parameter or a Tensor.
 */
import { empty } from "../ops/factories.js";
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { Parameter } from "./parameter.js";

const SHAPE_ERROR =
  "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.";

/** Hides `t`'s shape behind PyTorch's error, so that an op on an uninitialized tensor fails clearly. */
function hideShape(t: Tensor): void {
  Object.defineProperty(t, "shape", {
    get(): never {
      throw new Error(SHAPE_ERROR);
    },
    configurable: true,
    enumerable: false,
  });
}

/** Gives `t` zero-filled storage of `shape` in `dtype` and the class `becomes`, keeping its identity. */
function materializeInPlace(t: Tensor, shape: readonly number[], dtype: DType, becomes: object): void {
  const fresh = empty(shape, { dtype });
  Object.defineProperty(t, "shape", { value: fresh.shape, writable: true, configurable: true, enumerable: true });
  const fields = t as unknown as { storage: Tensor["storage"]; strides: readonly number[]; offset: number };
  fields.storage = fresh.storage;
  fields.strides = fresh.strides;
  fields.offset = 0;
  Object.setPrototypeOf(t, becomes);
}

/** Whether `t` is an UninitializedParameter or UninitializedBuffer (PyTorch's `is_lazy`). */
export function isUninitialized(t: unknown): t is UninitializedParameter | UninitializedBuffer {
  return t instanceof UninitializedParameter || t instanceof UninitializedBuffer;
}

/**
 * A parameter whose shape is not known yet. Any use of its shape (so any op)
 * throws PyTorch's error until `materialize`.
 *
 * @example
 * const w = new nn.UninitializedParameter();
 * w.materialize([3, 4]); // now a Parameter of zeros, shape [3, 4]
 */
export class UninitializedParameter extends Parameter {
  /** The dtype `materialize` gives it. */
  readonly materializeDtype: DType;

  constructor(requiresGrad = true, options: { dtype?: DType | undefined } = {}) {
    super(empty([0], { dtype: options.dtype ?? "float32" }), requiresGrad);
    this.materializeDtype = options.dtype ?? "float32";
    hideShape(this);
  }

  /** Becomes a Parameter of `shape` (zeros; the module's init fills it), in place. */
  materialize(shape: readonly number[], options: { dtype?: DType | undefined } = {}): void {
    materializeInPlace(this, shape, options.dtype ?? this.materializeDtype, Parameter.prototype);
  }

  override toString(): string {
    return "<UninitializedParameter>";
  }
}

/** A buffer whose shape is not known yet (a lazy norm layer's running statistics); see UninitializedParameter. */
export class UninitializedBuffer extends Tensor {
  /** The dtype `materialize` gives it. */
  readonly materializeDtype: DType;

  constructor(options: { dtype?: DType | undefined } = {}) {
    const t = empty([0], { dtype: options.dtype ?? "float32" });
    super(t.storage, t.shape, t.strides, 0);
    this.materializeDtype = options.dtype ?? "float32";
    hideShape(this);
  }

  /** Becomes a plain tensor of `shape` (zeros), in place. */
  materialize(shape: readonly number[], options: { dtype?: DType | undefined } = {}): void {
    materializeInPlace(this, shape, options.dtype ?? this.materializeDtype, Tensor.prototype);
  }

  override toString(): string {
    return "<UninitializedBuffer>";
  }
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
for (const cls of [UninitializedParameter, UninitializedBuffer]) {
  Object.defineProperty(cls.prototype, INSPECT, {
    value(this: Tensor): string {
      return this.toString();
    },
    configurable: true,
  });
}
