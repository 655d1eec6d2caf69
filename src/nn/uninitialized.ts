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

/** Where torchlet's own compiled files live (this file is nn/uninitialized.js under it). */
const SOURCE_ROOT = new URL("..", import.meta.url).href;
/** The files of the op layer: an op there reading the shape is "using" the parameter. */
const OP_FILES = /^(ops\/|tensor\/|linalg|special|nn\/functional)/;

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The op whose call reached an uninitialized tensor's shape, named as
 * PyTorch's `__torch_function__` prints it (`<method 'add' of
 * 'torch._C.TensorBase' objects>` for a method, `<built-in method conv2d of
 * type object>` for a function), or null when no op of torchlet's did (the
 * user, or a module such as loadStateDict, read `.shape` itself). Read from
 * the call stack: the outermost op-layer frame of the run of torchlet frames
 * that ends at the shape getter. Only runs on this error path.
 */
function usingOp(): string | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  let op: string | null = null, name = "";
  // (the first two lines are the message and this function; the getter follows)
  for (const line of stack.split("\n").slice(3)) {
    const m = /^\s*at (?:(.*?) \()?(.*?):\d+:\d+\)?$/.exec(line);
    // (a built-in's frame, `at Array.some (<anonymous>)`, has no position: it runs a callback of the op's, so it is passed over)
    if (m === null) continue;
    const file = m[2]!;
    if (file.startsWith("node:") || file === "<anonymous>") continue;
    if (!file.startsWith(SOURCE_ROOT)) break;
    if (!OP_FILES.test(file.slice(SOURCE_ROOT.length))) continue;
    op = "";
    name = m[1] ?? "";
  }
  if (op === null) return null;
  const method = /^(?:Tensor|Parameter|UninitializedParameter|UninitializedBuffer)\.(\w+)$/.exec(name);
  const fn = /^(?:Module\.|Object\.)?(\w+)$/.exec(name);
  // (an op made by a factory runs as an anonymous function: no name to give)
  return method ? `<method '${snakeCase(method[1]!)}' of 'torch._C.TensorBase' objects>` : fn ? `<built-in method ${snakeCase(fn[1]!)} of type object>` : "a torch function";
}

/** Hides `t`'s shape behind PyTorch's errors, so that an op on an uninitialized tensor fails clearly. */
function hideShape(t: Tensor): void {
  Object.defineProperty(t, "shape", {
    get(): never {
      const op = usingOp();
      if (op === null) throw new Error(SHAPE_ERROR);
      const cls = t instanceof UninitializedParameter ? "UninitializedParameter" : "UninitializedBuffer";
      // (a ValueError in PyTorch)
      throw new Error(
        `Attempted to use an uninitialized parameter in ${op}. This error happens when you are using a \`LazyModule\` or explicitly manipulating ` +
          `\`torch.nn.parameter.${cls}\` objects. When using LazyModules Call \`forward\` with a dummy batch to initialize the parameters before calling torch functions`,
      );
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
