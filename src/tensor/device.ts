/**
 * `torch.device` and the CPU-only device rules: torchlet runs on the CPU, so
 * "cpu" (and `torch.device("cpu")`) is accepted wherever PyTorch takes a
 * device, and any other device raises what a CPU-only PyTorch raises
 * ("Torch not compiled with CUDA enabled"), so device-generic code such as
 * `x.to(torch.cuda.isAvailable() ? "cuda" : "cpu")` runs unchanged.
 */

/** A device type PyTorch knows. */
export type DeviceType =
  | "cpu" | "cuda" | "ipu" | "xpu" | "mkldnn" | "opengl" | "opencl" | "ideep" | "hip" | "ve" | "fpga" | "maia" | "xla" | "lazy" | "vulkan" | "mps" | "meta"
  | "hpu" | "mtia" | "privateuseone";

/** PyTorch 2.x's device types, in the order its parse error lists them. */
const DEVICE_TYPES: readonly DeviceType[] = [
  "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
  "privateuseone",
];

/** A device, as `torch.device`: a type and an optional index. */
export class Device {
  readonly type: DeviceType;
  readonly index: number | null;

  constructor(type: DeviceType, index: number | null = null) {
    this.type = type;
    this.index = index;
  }

  /** "cpu", or "cuda:1" with an index, as Python's str(). */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }

  /** Python's repr: `device(type='cpu')`. */
  repr(): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }

  /** The same type and index (`torch.device("cpu")` and `"cpu:0"` differ, as in PyTorch). */
  equals(other: Device): boolean {
    return this.type === other.type && this.index === other.index;
  }
}

/** Anything that names a device: "cpu", "cuda:0", or a Device. */
export type DeviceLike = string | Device;

/**
 * A device from a string ("cpu", "cuda:1") or a type and an index, as
 * `torch.device`.
 *
 * @example
 * torch.device("cpu").type; // "cpu"
 */
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) return spec;
  const m = /^([^:]*)(?::(.*))?$/.exec(spec)!;
  const type = m[1]!, rest = m[2];
  if (!(DEVICE_TYPES as readonly string[]).includes(type)) {
    throw new Error(`Expected one of ${DEVICE_TYPES.join(", ")} device type at start of device string: ${type}`);
  }
  if (rest !== undefined && !/^(0|[1-9]\d*)$/.test(rest)) throw new Error(`Invalid device string: '${spec}'`);
  if (rest !== undefined && index !== undefined) throw new Error(`type (string) must not include an index because index was passed explicitly: ${spec}`);
  const i = rest !== undefined ? Number(rest) : (index ?? null);
  if (i !== null && (!Number.isInteger(i) || i < 0)) throw new Error("Device index must not be negative");
  return new Device(type as DeviceType, i);
}

/** The one device torchlet computes on. */
export const CPU = new Device("cpu");

/** Throws PyTorch's CPU-only error unless `spec` is the CPU; returns the device. */
export function requireCpu(spec: DeviceLike): Device {
  const d = device(spec);
  if (d.type === "cpu") return d;
  if (d.type === "cuda") throw new Error("Torch not compiled with CUDA enabled");
  throw new Error(`PyTorch is not linked with support for ${d.type} devices`);
}

/** `torch.cuda`: no CUDA here. `manualSeed` is silently ignored without CUDA, as PyTorch documents. */
export const cuda = {
  /** Always false: torchlet computes on the CPU. */
  isAvailable: (): boolean => false,
  /** Always 0. */
  deviceCount: (): number => 0,
  /** Ignored without CUDA, as in PyTorch. */
  manualSeed: (_seed: number): void => {},
  /** Ignored without CUDA, as in PyTorch. */
  manualSeedAll: (_seed: number): void => {},
};

/** `torch.backends`: which accelerator back ends are built (none). */
export const backends = {
  mps: { isAvailable: (): boolean => false, isBuilt: (): boolean => false },
  cuda: { isBuilt: (): boolean => false },
};
