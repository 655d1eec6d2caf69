/**
 * The onnxruntime-node side of `npm run bench`: the matmul, MLP, CNN and
 * elementwise workloads as hand-encoded ONNX models, timed like torchlet's.
 * onnxruntime-node is optional (not a dependency), so it is loaded at run
 * time and typed by the few members used here.
 */
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { cnnModel, elementwiseModel, matmulModel, mlpModel, type Weight } from "./onnx/models.js";
import { elementwiseReps, matmulReps, medianTimeAsync } from "./timing.js";
import type { CnnWorkload } from "./workloads.js";

export const ORT_INSTALL = "npm install --no-save --ignore-scripts onnxruntime-node@1.30.0";

interface OrtTensor {
  readonly data: unknown;
}

interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

interface Ort {
  InferenceSession: { create(model: Uint8Array, options: object): Promise<OrtSession> };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions: Record<string, string | undefined> };
}

/** The torchlet workloads whose weights and inputs onnxruntime reuses. */
export interface SharedWorkloads {
  /** params as in bench.ts: W1 [in, out], b1, W2, b2, W3, b3. */
  mlp: { input: Tensor; params: Tensor[]; forward: () => Tensor };
  cnn: CnnWorkload;
}

async function loadOrt(): Promise<Ort | null> {
  const name = "onnxruntime-node"; // a variable, so tsc does not need the optional package
  try {
    const mod = await import(name);
    return (mod.default ?? mod) as Ort;
  } catch (e) {
    const missing = (e as { code?: string }).code === "ERR_MODULE_NOT_FOUND";
    console.log(missing
      ? `onnxruntime bench skipped: onnxruntime-node is not installed (${ORT_INSTALL})`
      : `onnxruntime bench skipped: ${(e as Error).message}`);
    return null;
  }
}

function f32(t: Tensor): Float32Array {
  const data = t.detach().toArray();
  if (!(data instanceof Float32Array)) throw new Error(`expected float32, got ${t.dtype}`);
  return data;
}

const weight = (t: Tensor): Weight => ({ dims: t.shape, data: f32(t) });
const layer = (m: { weight: Tensor; bias: Tensor | null }) => ({ weight: weight(m.weight), bias: weight(m.bias!) });

/** Runs `session` once on `feeds` and throws unless output y matches torchlet's `expected` within 1e-3. */
async function checkAgainstTorchlet(name: string, session: OrtSession, feeds: Record<string, OrtTensor>, expected: Tensor): Promise<void> {
  const got = (await session.run(feeds)).y!.data as Float32Array;
  const want = f32(expected);
  if (got.length !== want.length) throw new Error(`onnxruntime ${name}: ${got.length} outputs, torchlet has ${want.length}`);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
  if (!(maxDiff < 1e-3)) throw new Error(`onnxruntime ${name} differs from torchlet: max |diff| = ${maxDiff}`);
  console.log(`onnxruntime ${name} output matches torchlet (max |diff| ${maxDiff.toExponential(1)})`);
}

/** The workloads' medians in onnxruntime (same keys as bench.ts), or null when onnxruntime-node is absent. */
export async function runOnnxruntime(shared: SharedWorkloads): Promise<Record<string, number> | null> {
  const ort = await loadOrt();
  if (ort === null) return null;
  console.log(`onnxruntime-node ${ort.env.versions.node ?? "?"} (CPU, 2 intra-op threads)`);
  // Two threads like torchlet's native backend and the PyTorch run; "all" turns on ORT's layout and fusion passes.
  const options = { intraOpNumThreads: 2, graphOptimizationLevel: "all" };
  const tensor = (t: Tensor) => new ort.Tensor("float32", f32(t), t.shape);
  const out: Record<string, number> = {};
  const time = async (model: Uint8Array, feeds: Record<string, OrtTensor>, reps: number, check?: [string, Tensor]) => {
    const session = await ort.InferenceSession.create(model, options);
    try {
      if (check) await checkAgainstTorchlet(check[0], session, feeds, check[1]);
      return await medianTimeAsync(() => session.run(feeds), reps);
    } finally {
      await session.release();
    }
  };

  for (const n of [128, 256, 512, 1024]) {
    const feeds = { a: tensor(torch.randn([n, n])), b: tensor(torch.randn([n, n])) };
    out[`matmul n=${n} (GFLOPS)`] = (2 * n ** 3) / (await time(matmulModel(n), feeds, matmulReps(n))) / 1e9;
  }

  const { mlp, cnn } = shared;
  const p = mlp.params;
  const mlpLayers = [0, 2, 4].map((i) => ({ weight: weight(p[i]!), bias: weight(p[i + 1]!) }));
  const mlpExpected = torch.noGrad(mlp.forward);
  out["MLP inference, batch 256 (ms)"] = await time(mlpModel(mlp.input.shape[0]!, mlpLayers), { x: tensor(mlp.input) }, 20, ["MLP", mlpExpected]) * 1e3;

  const cnnBytes = cnnModel(cnn.input.shape, layer(cnn.conv1), layer(cnn.conv2), layer(cnn.fc));
  const cnnExpected = torch.noGrad(cnn.forward);
  out["CNN inference, batch 64 (ms)"] = await time(cnnBytes, { x: tensor(cnn.input) }, 15, ["CNN", cnnExpected]) * 1e3;

  for (const [n, label] of [[1 << 20, "1M"], [1 << 24, "16M"]] as const) {
    const a = tensor(torch.randn([n])), b = tensor(torch.randn([n]));
    const reps = elementwiseReps(n);
    out[`add ${label} floats (GB/s)`] = (3 * 4 * n) / (await time(elementwiseModel("Add", n), { a, b }, reps)) / 1e9;
    out[`relu ${label} floats (GB/s)`] = (2 * 4 * n) / (await time(elementwiseModel("Relu", n), { a }, reps)) / 1e9;
  }
  return out;
}
