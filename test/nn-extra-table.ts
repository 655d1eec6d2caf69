/** The functions of nn_extra.json's cases (scripts/gen_nn_extra_fixtures.py), by the `fn` names the script writes. */
import * as torch from "../src/index.js";
import type { CaseFunction } from "./nn-extra-cases.js";

const F = torch.nn.functional;
type T = torch.Tensor;

/** The distances the triplet cases name. */
export const DISTANCES: Record<string, torch.nn.functional.DistanceFunction | null> = {
  pairwise: null,
  cosine: (u, v) => torch.sub(1, F.cosineSimilarity(u, v)),
  l1: (u, v) => u.sub(v).abs().sum(-1),
};

const lengths = (x: unknown) => x as T | number[];

export const FUNCTIONS: Record<string, CaseFunction> = {
  ctcLoss: ([lp, targets, il, tl], o) => F.ctcLoss(lp as T, targets as T, lengths(il), lengths(tl), o),
  multilabelMarginLoss: ([x, y], o) => F.multilabelMarginLoss(x as T, y as T, o),
  tripletMarginWithDistanceLoss: ([a, p, n], o) => {
    const { distance, ...rest } = o as { distance?: string };
    return F.tripletMarginWithDistanceLoss(a as T, p as T, n as T, { ...rest, distanceFunction: DISTANCES[distance ?? "pairwise"] ?? null });
  },
  nllLoss: ([x, y], o) => F.nllLoss(x as T, y as T, o),
  gridSample: ([x, g], o) => F.gridSample(x as T, g as T, o),
  affineGrid: ([theta, size], o) => F.affineGrid(theta as T, size as number[], o),
  spatialTransformer: ([theta, img], o) => {
    const grid = F.affineGrid(theta as T, [2, 3, 5, 4], { alignCorners: false });
    return F.gridSample(img as T, grid, { mode: o.mode as "bilinear", paddingMode: "border", alignCorners: false });
  },
  fractionalMaxPool2d: ([x], o) => {
    const { kernelSize, ...rest } = o as { kernelSize: number };
    return F.fractionalMaxPool2d(x as T, kernelSize, rest);
  },
  fractionalMaxPool2dIndices: ([x], o) => {
    const { kernelSize, ...rest } = o as { kernelSize: number };
    return F.fractionalMaxPool2d(x as T, kernelSize, { ...rest, returnIndices: true });
  },
};
