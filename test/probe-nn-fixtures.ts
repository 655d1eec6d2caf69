/**
 * Reading test/fixtures/nn/probe_nn.json (scripts/gen_probe_nn_fixtures.py):
 * PyTorch's answers for the differences a differential probe of the newer
 * nn, distributions and optim pieces found. Tensors decode as nn_extra's.
 */
import type { Encoded } from "./fixture-values.js";
import type { ExtraTensor } from "./nn-extra-cases.js";
import { readFixture } from "./nn-helpers.js";

/** One function case: input, options (PyTorch's keyword names), output, upstream gradient and input gradient. */
export interface ProbeCase {
  name: string;
  options: Record<string, unknown>;
  input: ExtraTensor;
  output: ExtraTensor;
  gradOutput: ExtraTensor;
  grad: ExtraTensor;
}

export interface ProbePoolCase extends ProbeCase {
  indices: ExtraTensor;
}

export interface ProbeRpropCase {
  options: { lr: number; etas: [number, number]; step_sizes: [number, number]; maximize?: boolean };
  a: ExtraTensor;
  p0: ExtraTensor;
  trajectory: { p: ExtraTensor; prev: ExtraTensor; step_size: ExtraTensor }[];
}

export interface ProbeGumbelCase {
  dtype: "float32" | "float64";
  loc: ExtraTensor;
  scale: ExtraTensor;
  u: ExtraTensor;
  icdf: ExtraTensor;
  icdfGrads: ExtraTensor[];
  x: ExtraTensor;
  cdf: ExtraTensor;
  cdfGrads: ExtraTensor[];
}

export const PROBE = readFixture<{
  antialias: ProbeCase[];
  sameSizeBicubic: ProbeCase[];
  maxPool3dPadding: ProbePoolCase[];
  rprop: ProbeRpropCase[];
  gumbel: ProbeGumbelCase[];
}>("probe_nn.json");

/** Python keyword options as torchlet's camelCase ones. */
export function camelOptions(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

export type { Encoded };
