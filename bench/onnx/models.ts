/**
 * The bench's workloads as ONNX models (ir_version 8, default-domain opset
 * 17), encoded by hand. Field numbers follow onnx.proto.
 */
import { ProtoWriter, floatBytes } from "./protobuf.js";

/** A float32 array with its shape; weights are in PyTorch's layout. */
export interface Weight {
  dims: readonly number[];
  data: Float32Array;
}

const FLOAT = 1; // TensorProto.DataType
const ATTR_INT = 2, ATTR_INTS = 7; // AttributeProto.AttributeType

function tensorProto(name: string, w: Weight): Uint8Array {
  if (w.data.length !== w.dims.reduce((a, b) => a * b, 1)) throw new Error(`initializer ${name}: data does not match [${w.dims.join(", ")}]`);
  return new ProtoWriter().packedInts(1, w.dims).int(2, FLOAT).string(8, name).bytes(9, floatBytes(w.data)).finish();
}

function valueInfo(name: string, dims: readonly number[]): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of dims) shape.bytes(1, new ProtoWriter().int(1, d).finish());
  const tensorType = new ProtoWriter().int(1, FLOAT).bytes(2, shape.finish()).finish();
  const type = new ProtoWriter().bytes(1, tensorType).finish();
  return new ProtoWriter().string(1, name).bytes(2, type).finish();
}

type Attr = number | readonly number[];

function node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}): Uint8Array {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, outputs[0]!).string(4, opType);
  for (const [name, value] of Object.entries(attrs)) {
    const a = new ProtoWriter().string(1, name);
    if (typeof value === "number") a.int(20, ATTR_INT).int(3, value);
    else a.int(20, ATTR_INTS).packedInts(8, value);
    w.bytes(5, a.finish());
  }
  return w.finish();
}

interface Graph {
  nodes: Uint8Array[];
  initializers?: Record<string, Weight>;
  inputs: Record<string, readonly number[]>;
  outputs: Record<string, readonly number[]>;
}

function model({ nodes, initializers = {}, inputs, outputs }: Graph): Uint8Array {
  const g = new ProtoWriter();
  for (const n of nodes) g.bytes(1, n);
  g.string(2, "torchlet_bench");
  for (const [name, w] of Object.entries(initializers)) g.bytes(5, tensorProto(name, w));
  for (const [name, dims] of Object.entries(inputs)) g.bytes(11, valueInfo(name, dims));
  for (const [name, dims] of Object.entries(outputs)) g.bytes(12, valueInfo(name, dims));
  const opset = new ProtoWriter().int(2, 17).finish(); // domain "" (the default) is left out
  return new ProtoWriter().int(1, 8).string(2, "torchlet-bench").bytes(7, g.finish()).bytes(8, opset).finish();
}

/** y = a @ b for two n×n inputs. */
export function matmulModel(n: number): Uint8Array {
  return model({
    nodes: [node("MatMul", ["a", "b"], ["y"])],
    inputs: { a: [n, n], b: [n, n] },
    outputs: { y: [n, n] },
  });
}

/** y = a + b or y = relu(a) over n floats. */
export function elementwiseModel(op: "Add" | "Relu", n: number): Uint8Array {
  const inputs = op === "Add" ? { a: [n], b: [n] } : { a: [n] };
  return model({ nodes: [node(op, Object.keys(inputs), ["y"])], inputs, outputs: { y: [n] } });
}

/** x @ W + b per layer, ReLU between layers; each W is [in, out] as in bench.ts. */
export function mlpModel(batch: number, layers: { weight: Weight; bias: Weight }[]): Uint8Array {
  const nodes: Uint8Array[] = [], initializers: Record<string, Weight> = {};
  let h = "x";
  layers.forEach(({ weight, bias }, i) => {
    initializers[`w${i}`] = weight;
    initializers[`b${i}`] = bias;
    if (i === layers.length - 1) {
      nodes.push(node("Gemm", [h, `w${i}`, `b${i}`], ["y"]));
    } else {
      nodes.push(node("Gemm", [h, `w${i}`, `b${i}`], [`z${i}`]), node("Relu", [`z${i}`], [`h${i}`]));
      h = `h${i}`;
    }
  });
  return model({
    nodes, initializers,
    inputs: { x: [batch, layers[0]!.weight.dims[0]!] },
    outputs: { y: [batch, layers.at(-1)!.weight.dims[1]!] },
  });
}

/** bench/workloads.ts's CNN: conv3x3, ReLU, conv3x3, ReLU, maxpool 2, flatten, linear (weight [out, in]). */
export function cnnModel(inputDims: readonly number[], conv1: { weight: Weight; bias: Weight }, conv2: { weight: Weight; bias: Weight }, fc: { weight: Weight; bias: Weight }): Uint8Array {
  const k = (w: Weight) => ({ kernel_shape: w.dims.slice(2) });
  return model({
    nodes: [
      node("Conv", ["x", "c1w", "c1b"], ["c1"], k(conv1.weight)),
      node("Relu", ["c1"], ["r1"]),
      node("Conv", ["r1", "c2w", "c2b"], ["c2"], k(conv2.weight)),
      node("Relu", ["c2"], ["r2"]),
      node("MaxPool", ["r2"], ["p"], { kernel_shape: [2, 2], strides: [2, 2] }),
      node("Flatten", ["p"], ["f"], { axis: 1 }),
      node("Gemm", ["f", "fcw", "fcb"], ["y"], { transB: 1 }),
    ],
    initializers: {
      c1w: conv1.weight, c1b: conv1.bias, c2w: conv2.weight, c2b: conv2.bias, fcw: fc.weight, fcb: fc.bias,
    },
    inputs: { x: inputDims },
    outputs: { y: [inputDims[0]!, fc.weight.dims[0]!] },
  });
}
