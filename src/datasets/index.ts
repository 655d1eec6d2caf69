/**
 * `torch.datasets`: small real data sets shipped inside the package
 * (`datasets/` at the package root, see its README for sources and licences),
 * loaded synchronously without a network.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { fromTypedArray } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";

let dataDir: string | null = null;

/** The package's `datasets/` folder: walk up from this file to the folder holding package.json. */
export function datasetsDir(): string {
  if (dataDir !== null) return dataDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "datasets"))) return (dataDir = join(dir, "datasets"));
    const up = dirname(dir);
    if (up === dir) throw new Error("torchlet: could not find the package's datasets/ folder");
    dir = up;
  }
}

function readText(name: string): string {
  const buf = readFileSync(join(datasetsDir(), name));
  return (name.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
}

function rows(text: string): number[][] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => l.split(",").map(Number));
}

export interface Digits {
  /** float32 pixels 0..16: `[1797, 64]`, or `[1797, 1, 8, 8]` with `asImages`. */
  images: Tensor;
  /** int32 labels 0..9, `[1797]`. */
  labels: Tensor;
}

/**
 * The 8x8 handwritten digits (1797 samples, the UCI test set scikit-learn ships).
 *
 * @example
 * const { images, labels } = torch.datasets.loadDigits();
 * const x = images.div(16); // pixels to [0, 1]
 */
export function loadDigits(options: { asImages?: boolean } = {}): Digits {
  const data = rows(readText("digits.csv.gz"));
  const n = data.length;
  const pixels = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  data.forEach((r, i) => {
    if (r.length !== 65) throw new Error(`digits.csv.gz: row ${i} has ${r.length} columns, expected 65`);
    for (let j = 0; j < 64; j++) pixels[i * 64 + j] = r[j]!;
    labels[i] = r[64]!;
  });
  return { images: fromTypedArray(pixels, options.asImages ? [n, 1, 8, 8] : [n, 64]), labels: fromTypedArray(labels, [n]) };
}

export interface Iris {
  /** float32 `[150, 4]`: sepal length, sepal width, petal length, petal width (cm). */
  features: Tensor;
  /** int32 `[150]`: 0 setosa, 1 versicolor, 2 virginica. */
  labels: Tensor;
  featureNames: string[];
  targetNames: string[];
}

/**
 * Fisher's iris (150 samples, 4 features, 3 classes).
 *
 * @example
 * const { features, labels } = torch.datasets.loadIris();
 */
export function loadIris(): Iris {
  const [header, ...body] = readText("iris.csv").split("\n").filter((l) => l.trim() !== "");
  const targetNames = header!.split(",").slice(2);
  const data = rows(body.join("\n"));
  const features = new Float32Array(data.length * 4);
  const labels = new Int32Array(data.length);
  data.forEach((r, i) => {
    for (let j = 0; j < 4; j++) features[i * 4 + j] = r[j]!;
    labels[i] = r[4]!;
  });
  return {
    features: fromTypedArray(features, [data.length, 4]),
    labels: fromTypedArray(labels, [data.length]),
    featureNames: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"],
    targetNames,
  };
}
