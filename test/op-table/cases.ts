/**
 * THE op table: every case the golden, backend and gradcheck tests run.
 * Adding an op (or an awkward input for one) is one entry here, then
 * `npm run build && /usr/bin/python3 scripts/gen_op_fixtures.py`.
 */
import type { InputSpec, NestedValues, OpCase } from "./spec.js";

const T = (t: number) => ({ t });
const f = (shape: number[], more: Partial<InputSpec> = {}): InputSpec => ({ shape, ...more });
const idx = (shape: number[], hi: number): InputSpec => ({ shape, dtype: "int32", gen: `int:0:${hi}` });
const trans = (shape: number[], more: Partial<InputSpec> = {}): InputSpec => ({
  shape: [...shape.slice(0, -2), shape[shape.length - 1]!, shape[shape.length - 2]!],
  view: [["transpose", -1, -2]],
  ...more,
});
const SPECIAL: NestedValues[] = ["nan", "inf", "-inf", 0, -1.5, 2];

const factories: OpCase[] = [
  { id: "tensor/nested", op: "tensor", inputs: [], args: [[[1, 2.5, -3], [4, 5, 6]]] },
  { id: "tensor/float64", op: "tensor", inputs: [], args: [[0.1, 0.2]], options: { dtype: "float64" } },
  { id: "tensor/bool", op: "tensor", inputs: [], args: [[true, false, true]] },
  { id: "zeros/basic", op: "zeros", inputs: [], args: [[2, 3]] },
  { id: "ones/float64", op: "ones", inputs: [], args: [[3]], options: { dtype: "float64" } },
  { id: "full/basic", op: "full", inputs: [], args: [[2, 2], 3.5] },
  { id: "arange/int", op: "arange", inputs: [], args: [5] },
  { id: "arange/step", op: "arange", inputs: [], args: [1, 4, 0.5] },
  { id: "arange/negative", op: "arange", inputs: [], args: [5, -1, -2] },
  { id: "linspace/basic", op: "linspace", inputs: [], args: [-1, 1, 7] },
  { id: "eye/square", op: "eye", inputs: [], args: [3] },
  { id: "eye/rect", op: "eye", inputs: [], args: [2, 4] },
  { id: "zerosLike/basic", op: "zerosLike", inputs: [f([2, 3], { grad: false })], args: [T(0)] },
  { id: "onesLike/float64", op: "onesLike", inputs: [f([2], { dtype: "float64", grad: false })], args: [T(0)] },
  { id: "fullLike/basic", op: "fullLike", inputs: [f([3], { grad: false })], args: [T(0), -2] },
];

const views: OpCase[] = [
  { id: "reshape/basic", op: "reshape", inputs: [f([2, 3])], args: [T(0), [3, 2]] },
  { id: "reshape/infer", op: "reshape", inputs: [f([2, 3, 2])], args: [T(0), [-1, 4]] },
  { id: "reshape/transposed", op: "reshape", inputs: [trans([3, 2])], args: [T(0), [6]] },
  { id: "reshape/0d", op: "reshape", inputs: [f([])], args: [T(0), [1, 1]] },
  { id: "view/basic", op: "view", inputs: [f([4, 3])], args: [T(0), [2, 6]], py: "a0.view([2, 6])" },
  { id: "view/narrowed", op: "view", inputs: [f([3, 4], { view: [["narrow", 0, 1, 2]] })], args: [T(0), [8]], py: "a0.view([8])" },
  { id: "transpose/basic", op: "transpose", inputs: [f([2, 3, 4])], args: [T(0), 0, 2] },
  { id: "transpose/negative", op: "transpose", inputs: [f([2, 3])], args: [T(0), -1, -2] },
  { id: "permute/basic", op: "permute", inputs: [f([2, 3, 4])], args: [T(0), [2, 0, 1]] },
  { id: "permute/expanded", op: "permute", inputs: [f([1, 3], { view: [["expand", [2, 3]]] })], args: [T(0), [1, 0]] },
  { id: "unsqueeze/middle", op: "unsqueeze", inputs: [f([2, 3])], args: [T(0), 1] },
  { id: "unsqueeze/negative", op: "unsqueeze", inputs: [f([2, 3])], args: [T(0), -1] },
  { id: "unsqueeze/0d", op: "unsqueeze", inputs: [f([])], args: [T(0), 0] },
  { id: "squeeze/all", op: "squeeze", inputs: [f([1, 3, 1])], args: [T(0)] },
  { id: "squeeze/dim", op: "squeeze", inputs: [f([1, 3, 1])], args: [T(0), 2] },
  { id: "squeeze/nonsingleton", op: "squeeze", inputs: [f([2, 3])], args: [T(0), 0] },
  { id: "flatten/all", op: "flatten", inputs: [f([2, 3, 2])], args: [T(0)] },
  { id: "flatten/range", op: "flatten", inputs: [trans([2, 3, 2])], args: [T(0), 1, 2] },
  { id: "flatten/0d", op: "flatten", inputs: [f([])], args: [T(0)] },
  { id: "expand/basic", op: "expand", inputs: [f([3, 1])], args: [T(0), [3, 4]], py: "a0.expand([3, 4])" },
  { id: "expand/newdims", op: "expand", inputs: [f([3])], args: [T(0), [2, -1]], py: "a0.expand([2, -1])" },
  { id: "expand/0d", op: "expand", inputs: [f([])], args: [T(0), [2, 2]], py: "a0.expand([2, 2])" },
  { id: "narrow/basic", op: "narrow", inputs: [f([4, 3])], args: [T(0), 0, 1, 2] },
  { id: "narrow/negstart", op: "narrow", inputs: [f([3, 5])], args: [T(0), 1, -3, 2] },
  { id: "select/basic", op: "select", inputs: [f([3, 4])], args: [T(0), 1, 2] },
  { id: "select/negative", op: "select", inputs: [trans([3, 4])], args: [T(0), 0, -1] },
];

const unaryOps: [string, string][] = [
  ["exp", "randn"], ["log", "pos"], ["sqrt", "pos"], ["abs", "randn"], ["neg", "randn"], ["sin", "randn"],
  ["cos", "randn"], ["tanh", "randn"], ["sigmoid", "randn"], ["relu", "randn"],
];
const unary: OpCase[] = unaryOps.flatMap(([op, gen]): OpCase[] => [
  { id: `${op}/basic`, op, inputs: [f([2, 3], { gen })], args: [T(0)] },
  { id: `${op}/0d`, op, inputs: [f([], { gen })], args: [T(0)] },
  { id: `${op}/transposed`, op, inputs: [trans([3, 4], { gen })], args: [T(0)] },
  { id: `${op}/special`, op, inputs: [f([6], { values: SPECIAL })], args: [T(0)], gradcheck: false },
]);
unary.push(
  { id: "relu/kink", op: "relu", inputs: [f([4], { values: [0, -0, 1, -1] })], args: [T(0)], gradcheck: false },
  { id: "sign/special", op: "sign", inputs: [f([6], { values: ["nan", -0, 0, 2, -1.5, "-inf"] })], args: [T(0)], gradcheck: false },
  { id: "abs/kink", op: "abs", inputs: [f([3], { values: [0, 2, -2] })], args: [T(0)], gradcheck: false },
  { id: "exp/float64", op: "exp", inputs: [f([3], { dtype: "float64" })], args: [T(0)] },
  { id: "neg/int", op: "neg", inputs: [idx([4], 5)], args: [T(0)] },
  { id: "abs/int", op: "abs", inputs: [{ shape: [4], dtype: "int32", gen: "int:-3:3" }], args: [T(0)] },
  { id: "sqrt/int", op: "sqrt", inputs: [idx([4], 9)], args: [T(0)] },
);

const clampCases: OpCase[] = [
  { id: "clamp/both", op: "clamp", inputs: [f([3, 4])], args: [T(0), -0.5, 0.5] },
  { id: "clamp/min", op: "clamp", inputs: [f([5])], args: [T(0), 0] },
  { id: "clamp/max", op: "clamp", inputs: [trans([2, 3])], args: [T(0), null, 0.25] },
  { id: "clamp/bounds", op: "clamp", inputs: [f([5], { values: [-1, -0.5, 0, 0.5, 1] })], args: [T(0), -0.5, 0.5], gradcheck: false },
  { id: "clamp/nan", op: "clamp", inputs: [f([3], { values: ["nan", "inf", "-inf"] })], args: [T(0), -1, 1], gradcheck: false },
  { id: "clamp/int", op: "clamp", inputs: [{ shape: [5], dtype: "int32", gen: "int:-5:5" }], args: [T(0), -2, 2] },
];

/** add/sub/mul/div share these operand layouts. */
function binaryCases(op: string, py: string, gen: string, denom = false): OpCase[] {
  const b = (shape: number[], more: Partial<InputSpec> = {}) => f(shape, denom ? { gen: "pos", ...more } : more);
  return [
    { id: `${op}/same`, op, inputs: [f([2, 3], { gen }), b([2, 3])], args: [T(0), T(1)] },
    { id: `${op}/broadcast`, op, inputs: [f([2, 1, 3], { gen }), b([4, 1])], args: [T(0), T(1)] },
    { id: `${op}/0d`, op, inputs: [f([2, 3], { gen }), b([])], args: [T(0), T(1)] },
    { id: `${op}/0d-left`, op, inputs: [f([], { gen }), b([3])], args: [T(0), T(1)] },
    { id: `${op}/scalar`, op, inputs: [f([2, 3], { gen })], args: [T(0), 2.5] },
    { id: `${op}/scalar-left`, op, inputs: [b([2, 3])], args: [-1.5, T(0)], py: `-1.5 ${py} a0` },
    { id: `${op}/transposed`, op, inputs: [trans([3, 4], { gen }), b([3, 4])], args: [T(0), T(1)] },
    { id: `${op}/expanded`, op, inputs: [f([1, 4], { gen, view: [["expand", [3, 4]]] }), trans([3, 4], denom ? { gen: "pos" } : {})], args: [T(0), T(1)] },
    { id: `${op}/narrowed`, op, inputs: [f([3, 6], { gen, view: [["narrow", 1, 2, 3]] }), b([3])], args: [T(0), T(1)] },
    { id: `${op}/float64-mixed`, op, inputs: [f([3], { gen }), b([3], { dtype: "float64" })], args: [T(0), T(1)] },
    { id: `${op}/int`, op, inputs: [{ shape: [4], dtype: "int32", gen: "int:1:9" }, { shape: [4], dtype: "int32", gen: "int:1:5" }], args: [T(0), T(1)] },
    { id: `${op}/int-scalar`, op, inputs: [{ shape: [4], dtype: "int32", gen: "int:-4:4" }], args: [T(0), 3] },
    { id: `${op}/special`, op, inputs: [f([6], { values: SPECIAL }), f([6], { values: [1, "nan", "inf", 0, "-inf", 0] })], args: [T(0), T(1)], gradcheck: false },
  ];
}

const arithmetic: OpCase[] = [
  ...binaryCases("add", "+", "randn"),
  ...binaryCases("sub", "-", "randn"),
  ...binaryCases("mul", "*", "randn"),
  ...binaryCases("div", "/", "randn", true),
  { id: "add/alpha", op: "add", inputs: [f([3]), f([3])], args: [T(0), T(1)], options: { alpha: 2 } },
  { id: "pow/scalar2", op: "pow", inputs: [f([2, 3])], args: [T(0), 2] },
  { id: "pow/scalar3", op: "pow", inputs: [trans([2, 3])], args: [T(0), 3] },
  { id: "pow/half", op: "pow", inputs: [f([4], { gen: "pos" })], args: [T(0), 0.5] },
  { id: "pow/negative", op: "pow", inputs: [f([4], { gen: "pos" })], args: [T(0), -1] },
  { id: "pow/zero", op: "pow", inputs: [f([4])], args: [T(0), 0] },
  { id: "pow/tensor", op: "pow", inputs: [f([2, 3], { gen: "pos" }), f([3])], args: [T(0), T(1)] },
  { id: "pow/tensor-0d", op: "pow", inputs: [f([3], { gen: "pos" }), f([])], args: [T(0), T(1)] },
  { id: "pow/scalar-left", op: "pow", inputs: [f([2, 3])], args: [2, T(0)] },
  { id: "pow/special", op: "pow", inputs: [f([6], { values: SPECIAL })], args: [T(0), 2], gradcheck: false },
  { id: "pow/zero-base", op: "pow", inputs: [f([3], { values: [0, 0, 1] }), f([3], { values: [2, 0.5, 0] })], args: [T(0), T(1)], gradcheck: false },
  // a number base of 0: the exponent's gradient is 0 where it is >= 0 (PyTorch's pow_backward_exponent)
  { id: "pow/number-zero-base", op: "pow", inputs: [f([4], { values: [0, 1, 2, -1] })], args: [0, T(0)], gradcheck: false },
  // C's pow: 1 ** anything and (-1) ** ±inf are 1
  { id: "pow/unit-base", op: "pow", inputs: [f([4], { values: [1, -1, 1, 2] }), f([4], { values: ["inf", "-inf", "nan", "inf"] })], args: [T(0), T(1)], gradcheck: false },
  { id: "pow/int", op: "pow", inputs: [{ shape: [4], dtype: "int32", gen: "int:-3:4" }], args: [T(0), 2] },
];

const matmuls: OpCase[] = [
  { id: "matmul/1d-1d", op: "matmul", inputs: [f([4]), f([4])], args: [T(0), T(1)] },
  { id: "matmul/2d-1d", op: "matmul", inputs: [f([3, 4]), f([4])], args: [T(0), T(1)] },
  { id: "matmul/1d-2d", op: "matmul", inputs: [f([3]), f([3, 2])], args: [T(0), T(1)] },
  { id: "matmul/2d-2d", op: "matmul", inputs: [f([2, 3]), f([3, 4])], args: [T(0), T(1)] },
  { id: "matmul/transposed", op: "matmul", inputs: [trans([2, 3]), trans([3, 4])], args: [T(0), T(1)] },
  { id: "matmul/batched", op: "matmul", inputs: [f([2, 3, 4]), f([2, 4, 2])], args: [T(0), T(1)] },
  { id: "matmul/broadcast", op: "matmul", inputs: [f([2, 1, 2, 3]), f([3, 3, 2])], args: [T(0), T(1)] },
  { id: "matmul/batched-2d", op: "matmul", inputs: [f([2, 2, 3]), f([3, 2])], args: [T(0), T(1)] },
  { id: "matmul/1d-3d", op: "matmul", inputs: [f([3]), f([2, 3, 2])], args: [T(0), T(1)] },
  { id: "matmul/3d-1d", op: "matmul", inputs: [f([2, 2, 3]), f([3])], args: [T(0), T(1)] },
  { id: "matmul/expanded", op: "matmul", inputs: [f([1, 3], { view: [["expand", [4, 3]]] }), f([3, 2])], args: [T(0), T(1)] },
  { id: "matmul/float64", op: "matmul", inputs: [f([2, 3], { dtype: "float64" }), f([3, 2], { dtype: "float64" })], args: [T(0), T(1)] },
  {
    id: "matmul/long", op: "matmul", inputs: [f([2, 300]), f([300, 2])], args: [T(0), T(1)], gradcheck: false,
    tol: { rtol: 1e-4, atol: 1e-4, why: "a 300-term float32 dot product: summation order differs from PyTorch's BLAS" },
  },
];

function reductions(op: string): OpCase[] {
  const mean = op === "mean";
  return [
    { id: `${op}/all`, op, inputs: [f([3, 4])], args: [T(0)] },
    { id: `${op}/dim`, op, inputs: [f([3, 4])], args: [T(0), 1] },
    { id: `${op}/keepdim`, op, inputs: [f([2, 3, 4])], args: [T(0), 1], options: { keepdim: true } },
    { id: `${op}/negdim`, op, inputs: [trans([3, 4])], args: [T(0), -1] },
    { id: `${op}/dims`, op, inputs: [f([2, 3, 4])], args: [T(0), [0, 2]] },
    { id: `${op}/dims-keepdim`, op, inputs: [f([2, 3, 4])], args: [T(0), [2, 0]], options: { keepdim: true } },
    { id: `${op}/0d`, op, inputs: [f([])], args: [T(0)] },
    { id: `${op}/expanded`, op, inputs: [f([3, 1], { view: [["expand", [3, 5]]] })], args: [T(0), 0] },
    { id: `${op}/special`, op, inputs: [f([2, 3], { values: [[1, "nan", 2], ["inf", 1, 2]] })], args: [T(0), 1], gradcheck: false },
    {
      id: `${op}/long`, op, inputs: [f([1000])], args: [T(0)], gradcheck: false,
      tol: { rtol: 1e-4, atol: 1e-4, why: "a 1000-term float32 sum: PyTorch sums pairwise, so rounding differs" },
    },
    { id: `${op}/empty`, op, inputs: [f([0, 3])], args: [T(0), 0], gradcheck: false },
    ...(mean ? [] : [{ id: `${op}/int`, op, inputs: [idx([3, 4], 10)], args: [T(0), 1] }]),
  ];
}

function extremes(op: "max" | "min"): OpCase[] {
  return [
    { id: `${op}/all`, op, inputs: [f([3, 4])], args: [T(0)] },
    { id: `${op}/all-ties`, op, inputs: [f([2, 3], { values: [[1, 3, 3], [0, 3, -1]] })], args: [T(0)], gradcheck: false },
    { id: `${op}/all-nan`, op, inputs: [f([4], { values: [1, "nan", 3, "inf"] })], args: [T(0)], gradcheck: false },
    { id: `${op}/0d`, op, inputs: [f([])], args: [T(0)] },
    { id: `${op}/dim-values`, op, inputs: [f([3, 4])], args: [T(0), 1], out: "values" },
    { id: `${op}/dim-indices`, op, inputs: [f([3, 4])], args: [T(0), 1], out: "indices" },
    { id: `${op}/keepdim-values`, op, inputs: [trans([3, 4])], args: [T(0), 0], options: { keepdim: true }, out: "values" },
    { id: `${op}/keepdim-indices`, op, inputs: [trans([3, 4])], args: [T(0), 0], options: { keepdim: true }, out: "indices" },
    { id: `${op}/dim-ties`, op, inputs: [f([2, 4], { values: [[2, 5, 5, 1], [7, 7, 7, 7]] })], args: [T(0), 1], out: "values", gradcheck: false },
    { id: `${op}/dim-ties-indices`, op, inputs: [f([2, 4], { values: [[2, 5, 5, 1], [7, 7, 7, 7]] })], args: [T(0), 1], out: "indices" },
    { id: `${op}/dim-nan`, op, inputs: [f([2, 3], { values: [[1, "nan", 2], ["-inf", 0, "inf"]] })], args: [T(0), 1], out: "values", gradcheck: false },
    { id: `${op}/int`, op, inputs: [idx([3, 4], 10)], args: [T(0), 0], out: "values" },
  ];
}

const argmaxes: OpCase[] = [
  { id: "argmax/all", op: "argmax", inputs: [f([3, 4])], args: [T(0)] },
  { id: "argmax/dim", op: "argmax", inputs: [f([3, 4])], args: [T(0), 1] },
  { id: "argmax/keepdim", op: "argmax", inputs: [trans([3, 4])], args: [T(0), 0], options: { keepdim: true } },
  { id: "argmax/ties", op: "argmax", inputs: [f([2, 4], { values: [[2, 5, 5, 1], [7, 7, 7, 7]] })], args: [T(0), 1] },
  { id: "argmax/nan", op: "argmax", inputs: [f([4], { values: [1, "nan", 3, "inf"] })], args: [T(0)] },
  { id: "argmax/0d", op: "argmax", inputs: [f([])], args: [T(0)] },
];

const softmaxes: OpCase[] = ["softmax", "logSoftmax"].flatMap((op): OpCase[] => [
  { id: `${op}/last`, op, inputs: [f([3, 4])], args: [T(0), 1] },
  { id: `${op}/first`, op, inputs: [f([3, 4])], args: [T(0), 0] },
  { id: `${op}/middle`, op, inputs: [f([2, 3, 4])], args: [T(0), 1] },
  { id: `${op}/transposed`, op, inputs: [trans([3, 4])], args: [T(0), -1] },
  { id: `${op}/0d`, op, inputs: [f([])], args: [T(0), 0] },
  { id: `${op}/large`, op, inputs: [f([2, 3], { values: [[1000, 1001, 1002], [-1000, 0, 1000]] })], args: [T(0), 1], gradcheck: false },
  { id: `${op}/neginf`, op, inputs: [f([2, 3], { values: [[0, "-inf", 1], [2, 2, "-inf"]] })], args: [T(0), 1], gradcheck: false },
  { id: `${op}/float64`, op, inputs: [f([2, 5], { dtype: "float64" })], args: [T(0), 1] },
]);

const joins: OpCase[] = [
  { id: "cat/dim0", op: "cat", inputs: [f([2, 3]), f([1, 3])], args: [[T(0), T(1)], 0] },
  { id: "cat/dim1", op: "cat", inputs: [f([2, 3]), trans([2, 2]), f([2, 1])], args: [[T(0), T(1), T(2)], 1] },
  { id: "cat/negdim", op: "cat", inputs: [f([2, 2, 1]), f([2, 2, 3])], args: [[T(0), T(1)], -1] },
  { id: "cat/one", op: "cat", inputs: [f([3])], args: [[T(0)], 0] },
  { id: "cat/nograd", op: "cat", inputs: [f([2]), f([3], { grad: false })], args: [[T(0), T(1)], 0] },
  { id: "cat/mixed-dtype", op: "cat", inputs: [f([2]), f([2], { dtype: "float64" })], args: [[T(0), T(1)], 0] },
  { id: "stack/dim0", op: "stack", inputs: [f([2, 3]), f([2, 3])], args: [[T(0), T(1)], 0] },
  { id: "stack/last", op: "stack", inputs: [f([2, 3]), trans([2, 3]), f([2, 3])], args: [[T(0), T(1), T(2)], 2] },
  { id: "stack/0d", op: "stack", inputs: [f([]), f([])], args: [[T(0), T(1)], 0] },
];

const indexing: OpCase[] = [
  { id: "where/basic", op: "where", inputs: [{ shape: [2, 3], dtype: "bool", gen: "bool" }, f([2, 3]), f([2, 3])], args: [T(0), T(1), T(2)] },
  { id: "where/broadcast", op: "where", inputs: [{ shape: [3, 1], dtype: "bool", gen: "bool" }, f([1, 4]), f([])], args: [T(0), T(1), T(2)] },
  { id: "where/scalar", op: "where", inputs: [{ shape: [4], dtype: "bool", gen: "bool" }, f([4])], args: [T(0), T(1), 0] },
  { id: "where/transposed", op: "where", inputs: [{ shape: [3, 2], dtype: "bool", gen: "bool" }, trans([3, 2]), f([2])], args: [T(0), T(1), T(2)] },
  { id: "gather/dim0", op: "gather", inputs: [f([3, 4]), idx([2, 4], 3)], args: [T(0), 0, T(1)] },
  { id: "gather/dim1", op: "gather", inputs: [f([3, 4]), idx([3, 5], 4)], args: [T(0), 1, T(1)] },
  { id: "gather/smaller", op: "gather", inputs: [trans([3, 4]), idx([2, 2], 3)], args: [T(0), 1, T(1)] },
  { id: "gather/repeat", op: "gather", inputs: [f([4]), { shape: [5], dtype: "int32", values: [1, 1, 3, 1, 0] }], args: [T(0), 0, T(1)] },
  { id: "indexSelect/dim0", op: "indexSelect", inputs: [f([4, 3]), { shape: [3], dtype: "int32", values: [3, 0, 3] }], args: [T(0), 0, T(1)] },
  { id: "indexSelect/dim1", op: "indexSelect", inputs: [trans([4, 3]), idx([5], 3)], args: [T(0), 1, T(1)] },
  { id: "indexSelect/empty", op: "indexSelect", inputs: [f([4, 3]), { shape: [0], dtype: "int32", values: [] }], args: [T(0), 0, T(1)], gradcheck: false },
];

const extremum: OpCase[] = ["maximum", "minimum"].flatMap((op): OpCase[] => [
  { id: `${op}/same`, op, inputs: [f([2, 3]), f([2, 3])], args: [T(0), T(1)] },
  { id: `${op}/broadcast`, op, inputs: [f([2, 1]), trans([2, 3])], args: [T(0), T(1)] },
  { id: `${op}/0d`, op, inputs: [f([3]), f([])], args: [T(0), T(1)] },
  { id: `${op}/ties`, op, inputs: [f([4], { values: [1, 2, 3, "nan"] }), f([4], { values: [1, 3, 3, 0] })], args: [T(0), T(1)], gradcheck: false },
  { id: `${op}/random-ties`, op, inputs: [f([3, 4], { gen: "ties" }), f([4], { gen: "ties" })], args: [T(0), T(1)], gradcheck: false },
]);

const comparisons: OpCase[] = ["eq", "ne", "lt", "le", "gt", "ge"].flatMap((op): OpCase[] => [
  { id: `${op}/ties`, op, inputs: [f([3, 4], { gen: "ties" }), f([3, 4], { gen: "ties" })], args: [T(0), T(1)] },
  { id: `${op}/broadcast`, op, inputs: [f([3, 1], { gen: "ties" }), trans([3, 4], { gen: "ties" })], args: [T(0), T(1)] },
  { id: `${op}/scalar`, op, inputs: [f([5], { gen: "ties" })], args: [T(0), 0] },
  { id: `${op}/special`, op, inputs: [f([6], { values: SPECIAL }), f([6], { values: ["nan", "inf", 0, 0, -1.5, "nan"] })], args: [T(0), T(1)] },
  { id: `${op}/int-float`, op, inputs: [idx([4], 3), f([4], { gen: "ties" })], args: [T(0), T(1)] },
]);

/** Corners: 0-d with a dim, empty tensors, bool and integer dtypes. */
const corners: OpCase[] = [
  { id: "sum/0d-dim", op: "sum", inputs: [f([])], args: [T(0), 0] },
  { id: "mean/0d-dim", op: "mean", inputs: [f([])], args: [T(0), -1], options: { keepdim: true } },
  { id: "max/0d-dim", op: "max", inputs: [f([])], args: [T(0), 0], out: "values" },
  { id: "argmax/0d-dim", op: "argmax", inputs: [f([])], args: [T(0), 0] },
  { id: "sum/bool", op: "sum", inputs: [{ shape: [2, 3], dtype: "bool", gen: "bool" }], args: [T(0), 1] },
  { id: "transpose/0d", op: "transpose", inputs: [f([])], args: [T(0), 0, -1] },
  { id: "squeeze/0d", op: "squeeze", inputs: [f([])], args: [T(0), 0] },
  { id: "narrow/empty", op: "narrow", inputs: [f([3, 2])], args: [T(0), 0, 1, 0], gradcheck: false },
  { id: "expand/keep", op: "expand", inputs: [f([2, 1])], args: [T(0), [3, -1, 4]], py: "a0.expand([3, -1, 4])" },
  { id: "indexSelect/0d-index", op: "indexSelect", inputs: [f([3, 2]), { shape: [], dtype: "int32", values: 2 }], args: [T(0), 0, T(1)] },
  { id: "gather/0d", op: "gather", inputs: [f([]), { shape: [], dtype: "int32", values: 0 }], args: [T(0), 0, T(1)] },
  { id: "cat/empty", op: "cat", inputs: [f([0, 3]), f([2, 3])], args: [[T(0), T(1)], 0] },
  { id: "cat/int", op: "cat", inputs: [idx([2], 5), idx([3], 5)], args: [[T(0), T(1)], 0] },
  { id: "stack/negdim", op: "stack", inputs: [f([2, 3]), f([2, 3])], args: [[T(0), T(1)], -1] },
  { id: "where/0d-cond", op: "where", inputs: [{ shape: [], dtype: "bool", values: true }, f([3]), f([2, 1])], args: [T(0), T(1), T(2)] },
  { id: "where/int-float", op: "where", inputs: [{ shape: [3], dtype: "bool", gen: "bool" }, idx([3], 5), f([3])], args: [T(0), T(1), T(2)] },
  { id: "softmax/empty", op: "softmax", inputs: [f([0, 3])], args: [T(0), 1], gradcheck: false },
  { id: "logSoftmax/all-neginf", op: "logSoftmax", inputs: [f([2, 2], { values: [["-inf", "-inf"], [0, 1]] })], args: [T(0), 1], gradcheck: false },
  { id: "softmax/all-neginf", op: "softmax", inputs: [f([2, 2], { values: [["-inf", "-inf"], [0, 1]] })], args: [T(0), 1], gradcheck: false },
  { id: "clamp/min-above-max", op: "clamp", inputs: [f([4])], args: [T(0), 1, -1], gradcheck: false },
  { id: "clamp/float64", op: "clamp", inputs: [f([4], { dtype: "float64" })], args: [T(0), -0.5, 0.5] },
  { id: "matmul/empty-k", op: "matmul", inputs: [f([2, 0]), f([0, 3])], args: [T(0), T(1)], gradcheck: false },
  { id: "add/bool", op: "add", inputs: [{ shape: [4], dtype: "bool", values: [true, true, false, false] }, { shape: [4], dtype: "bool", values: [true, false, true, false] }], args: [T(0), T(1)] },
  { id: "mul/bool", op: "mul", inputs: [{ shape: [4], dtype: "bool", values: [true, true, false, false] }, { shape: [4], dtype: "bool", values: [true, false, true, false] }], args: [T(0), T(1)] },
  { id: "add/bool-int", op: "add", inputs: [{ shape: [3], dtype: "bool", gen: "bool" }, idx([3], 4)], args: [T(0), T(1)] },
  { id: "relu/int", op: "relu", inputs: [{ shape: [5], dtype: "int32", gen: "int:-3:3" }], args: [T(0)] },
  { id: "sigmoid/int", op: "sigmoid", inputs: [{ shape: [5], dtype: "int32", gen: "int:-3:3" }], args: [T(0)] },
  { id: "exp/int", op: "exp", inputs: [{ shape: [3], dtype: "int32", gen: "int:-3:3" }], args: [T(0)] },
  { id: "maximum/int-float", op: "maximum", inputs: [idx([4], 3), f([4], { gen: "ties" })], args: [T(0), T(1)], gradcheck: false },
  { id: "eq/bool", op: "eq", inputs: [{ shape: [4], dtype: "bool", values: [true, true, false, false] }, { shape: [4], dtype: "bool", values: [true, false, true, false] }], args: [T(0), T(1)] },
  { id: "div/int-int-scalar", op: "div", inputs: [{ shape: [4], dtype: "int32", gen: "int:-9:9" }], args: [T(0), 4] },
  // rounding modes: Python's // from fmod (1 // 0.1 is 9, 1 // -inf is -1), zero gradients (derivatives.yaml: grad * 0)
  { id: "div/floor-edges", op: "div", inputs: [f([6], { values: [1, -1, 5, -5, 0, 1] }), f([6], { values: ["-inf", "inf", 0, 0, 0, 0.1] })], args: [T(0), T(1)], options: { roundingMode: "floor" }, gradcheck: false },
  { id: "div/floor-f64", op: "div", inputs: [f([3], { values: [1, -7.5, 2.5], dtype: "float64" }), f([3], { values: [0.1, 2, -0.5], dtype: "float64" })], args: [T(0), T(1)], options: { roundingMode: "floor" }, gradcheck: false },
  { id: "div/trunc-broadcast", op: "div", inputs: [f([2, 3]), f([3], { gen: "pos" })], args: [T(0), T(1)], options: { roundingMode: "trunc" }, gradcheck: false },
  { id: "div/floor-int", op: "div", inputs: [{ shape: [4], dtype: "int32", gen: "int:-9:9" }], args: [T(0), -4], options: { roundingMode: "floor" } },
  { id: "pow/int-float-exp", op: "pow", inputs: [idx([4], 5)], args: [T(0), 0.5] },
  { id: "mul/0d-0d", op: "mul", inputs: [f([]), f([])], args: [T(0), T(1)] },
  { id: "add/0d-float64-with-float32", op: "add", inputs: [f([3]), f([], { dtype: "float64" })], args: [T(0), T(1)] },
  // int tensor + 0-d float tensor computes in the default float32 even when the 0-d one is float64: no float64 gradcheck
  { id: "add/0d-float-with-int", op: "add", inputs: [idx([3], 5), f([])], args: [T(0), T(1)], gradcheck: false },
];

/** In-place ops on non-leaf copies (clone), as methods: values and gradients through the write. */
const cl = (shape: number[], more: Partial<InputSpec> = {}): InputSpec => ({ shape, view: [["clone"]], ...more });
const inplaceOps: OpCase[] = [
  { id: "add_/tensor", op: "add_", method: true, inputs: [cl([2, 3]), f([3])], args: [T(0), T(1)] },
  { id: "add_/alpha", op: "add_", method: true, inputs: [cl([3]), f([3])], args: [T(0), T(1)], options: { alpha: -2 } },
  { id: "add_/int", op: "add_", method: true, inputs: [idx([3], 5), idx([3], 5)], args: [T(0), T(1)] },
  { id: "sub_/scalar", op: "sub_", method: true, inputs: [cl([2, 2])], args: [T(0), 1.5] },
  { id: "mul_/broadcast", op: "mul_", method: true, inputs: [cl([2, 3]), f([2, 1])], args: [T(0), T(1)] },
  { id: "mul_/scalar", op: "mul_", method: true, inputs: [cl([3])], args: [T(0), -3] },
  { id: "div_/tensor", op: "div_", method: true, inputs: [cl([2, 3]), f([3], { gen: "pos" })], args: [T(0), T(1)] },
  { id: "clamp_/both", op: "clamp_", method: true, inputs: [cl([6])], args: [T(0), -0.5, 0.5] },
  { id: "relu_/basic", op: "relu_", method: true, inputs: [cl([6])], args: [T(0)] },
  { id: "copy_/broadcast", op: "copy_", method: true, inputs: [cl([2, 3]), f([3])], args: [T(0), T(1)] },
  { id: "copy_/float64-src", op: "copy_", method: true, inputs: [cl([3]), f([3], { dtype: "float64" })], args: [T(0), T(1)] },
  { id: "copy_/into-constant", op: "copy_", method: true, inputs: [f([2, 3], { grad: false }), trans([2, 3])], args: [T(0), T(1)], gradcheck: false },
  { id: "mul_/view-of-constant", op: "mul_", method: true, inputs: [f([3, 4], { grad: false, view: [["narrow", 0, 1, 2]] }), f([4])], args: [T(0), T(1)], gradcheck: false },
  { id: "mul_/view-of-nonleaf", op: "mul_", method: true, inputs: [f([3, 4], { view: [["clone"], ["narrow", 0, 1, 2]] }), f([4])], args: [T(0), T(1)] },
  { id: "add_/transposed-view", op: "add_", method: true, inputs: [f([2, 3], { view: [["clone"], ["transpose", 0, 1]] }), f([2])], args: [T(0), T(1)] },
  { id: "fill_/view-of-nonleaf", op: "fill_", method: true, inputs: [f([3, 2], { view: [["clone"], ["select", 1, 0]] })], args: [T(0), -1] },
  { id: "fill_/nonleaf", op: "fill_", method: true, inputs: [cl([2, 3])], args: [T(0), 2] },
  { id: "zero_/nonleaf", op: "zero_", method: true, inputs: [cl([4])], args: [T(0)] },
];

/** More layouts (permuted, narrowed, expanded operands and indices), NaN through more ops, empty tensors. */
const layouts: OpCase[] = [
  { id: "gather/transposed-index", op: "gather", inputs: [f([3, 3]), { shape: [3, 2], dtype: "int32", gen: "int:0:3", view: [["transpose", 0, 1]] }], args: [T(0), 1, T(1)] },
  { id: "where/expanded-cond", op: "where", inputs: [{ shape: [1, 4], dtype: "bool", gen: "bool", view: [["expand", [3, 4]]] }, f([3, 4]), trans([3, 4])], args: [T(0), T(1), T(2)] },
  { id: "where/nan-unchosen", op: "where", inputs: [{ shape: [4], dtype: "bool", values: [true, false, true, false] }, f([4], { values: [1, "nan", 2, "inf"] }), f([4])], args: [T(0), T(1), T(2)], gradcheck: false },
  { id: "cat/narrowed", op: "cat", inputs: [f([4, 3], { view: [["narrow", 0, 1, 2]] }), f([3, 5], { view: [["narrow", 1, 1, 3]] })], args: [[T(0), T(1)], 0] },
  { id: "softmax/narrowed", op: "softmax", inputs: [f([3, 6], { view: [["narrow", 1, 1, 4]] })], args: [T(0), 1] },
  { id: "softmax/nan", op: "softmax", inputs: [f([2, 3], { values: [[1, "nan", 2], [0, 1, 2]] })], args: [T(0), 1], gradcheck: false },
  { id: "matmul/narrowed", op: "matmul", inputs: [f([3, 5], { view: [["narrow", 1, 1, 3]] }), f([4, 3], { view: [["narrow", 0, 0, 3]] })], args: [T(0), T(1)] },
  { id: "matmul/permuted-batch", op: "matmul", inputs: [f([3, 2, 4], { view: [["permute", [1, 0, 2]]] }), f([2, 4, 2])], args: [T(0), T(1)] },
  { id: "matmul/nan", op: "matmul", inputs: [f([2, 2], { values: [[1, "nan"], [2, 3]] }), f([2, 2])], args: [T(0), T(1)], gradcheck: false },
  { id: "sum/permuted", op: "sum", inputs: [f([2, 3, 4], { view: [["permute", [2, 0, 1]]] })], args: [T(0), [0, 2]] },
  { id: "max/permuted", op: "max", inputs: [f([2, 3, 4], { view: [["permute", [1, 2, 0]]] })], args: [T(0), 1], out: "values" },
  { id: "mean/selected", op: "mean", inputs: [f([3, 4], { view: [["select", 1, 2]] })], args: [T(0)] },
  { id: "mul/expanded-both", op: "mul", inputs: [f([3, 1], { view: [["expand", [3, 4]]] }), f([1, 4], { view: [["expand", [3, 4]]] })], args: [T(0), T(1)] },
  { id: "add/empty", op: "add", inputs: [f([0, 3]), f([3])], args: [T(0), T(1)], gradcheck: false },
  { id: "max/empty-other-dim", op: "max", inputs: [f([0, 3])], args: [T(0), 1], out: "values", gradcheck: false },
  { id: "matmul/empty-batch", op: "matmul", inputs: [f([0, 2, 3]), f([3, 2])], args: [T(0), T(1)], gradcheck: false },
  { id: "pow/scalar-left-int", op: "pow", inputs: [idx([4], 4)], args: [3, T(0)] },
  { id: "sum/empty-dims", op: "sum", inputs: [f([2, 3])], args: [T(0), []] },
  { id: "exp/empty", op: "exp", inputs: [f([2, 0])], args: [T(0)], gradcheck: false },
];

const bools = (shape: number[]): InputSpec => ({ shape, dtype: "bool", gen: "bool", grad: false });

/** Masks, scans, orderings, norms and other tensor utilities. */
const utilities: OpCase[] = [
  { id: "square/basic", op: "square", inputs: [f([2, 3])], args: [T(0)] },
  { id: "rsqrt/basic", op: "rsqrt", inputs: [f([4], { gen: "pos" })], args: [T(0)] },
  { id: "maskedFill/basic", op: "maskedFill", inputs: [f([2, 3]), bools([2, 3])], args: [T(0), T(1), -2.5] },
  { id: "maskedFill/broadcast", op: "maskedFill", inputs: [trans([3, 4]), bools([4])], args: [T(0), T(1), 7] },
  { id: "maskedFill/int", op: "maskedFill", inputs: [idx([2, 3], 9), bools([2, 3])], args: [T(0), T(1), -1] },
  { id: "tril/basic", op: "tril", inputs: [f([3, 4])], args: [T(0)] },
  { id: "tril/diagonal", op: "tril", inputs: [f([2, 3, 3])], args: [T(0), 1] },
  { id: "triu/negative", op: "triu", inputs: [trans([4, 3])], args: [T(0), -1] },
  { id: "cumsum/dim1", op: "cumsum", inputs: [f([3, 4])], args: [T(0), 1] },
  { id: "cumsum/transposed", op: "cumsum", inputs: [trans([3, 4])], args: [T(0), 0] },
  { id: "cumsum/int", op: "cumsum", inputs: [idx([2, 5], 7)], args: [T(0), -1] },
  { id: "flip/dims", op: "flip", inputs: [f([2, 3, 4])], args: [T(0), [0, 2]] },
  { id: "logsumexp/dim", op: "logsumexp", inputs: [f([3, 4])], args: [T(0), 1] },
  { id: "logsumexp/int", op: "logsumexp", inputs: [idx([2, 3], 5)], args: [T(0), 1] },
  { id: "logsumexp/dims-keepdim", op: "logsumexp", inputs: [f([2, 3, 4])], args: [T(0), [0, 2]], options: { keepdim: true } },
  { id: "logsumexp/large", op: "logsumexp", inputs: [f([2, 3], { values: [[1000, 1001, 999], [-1000, -1002, -1001]] })], args: [T(0), 1] },
  {
    id: "logsumexp/infinite", op: "logsumexp", inputs: [f([3, 3], { values: [[1, 2, 3], ["-inf", "-inf", "-inf"], ["inf", 0, 1]] })],
    args: [T(0), 1], gradcheck: false,
  },
  { id: "any/all-elements", op: "any", inputs: [f([2, 3], { gen: "ties" })], args: [T(0)] },
  { id: "any/dim", op: "any", inputs: [f([3, 4], { gen: "ties" })], args: [T(0), 1] },
  { id: "all/dim-keepdim", op: "all", inputs: [f([3, 4], { values: [[1, 2, 3, 4], [1, 0, 3, 4], ["nan", 1, 1, 1]] })], args: [T(0), 1], options: { keepdim: true } },
  { id: "norm/2", op: "norm", inputs: [f([3, 4])], args: [T(0)] },
  { id: "norm/1-dim", op: "norm", inputs: [f([3, 4])], args: [T(0), 1, 1] },
  { id: "norm/3-dim-keepdim", op: "norm", inputs: [trans([3, 4])], args: [T(0), 3, 0], options: { keepdim: true } },
  { id: "norm/inf", op: "norm", inputs: [f([3, 4])], args: [T(0), Infinity], py: "torch.norm(a0, float('inf'))" },
  { id: "norm/2-zero-row", op: "norm", inputs: [f([2, 3], { values: [[0, 0, 0], [3, -4, 0]] })], args: [T(0), 2, 1], gradcheck: false },
  { id: "norm/half-zeros", op: "norm", inputs: [f([3, 3], { values: [[0, 2, -2], [0, 0, 0], [1, 0, -3]] })], args: [T(0), 0.5, 1], py: "torch.linalg.vector_norm(a0, 0.5, 1)", gradcheck: false },
  { id: "norm/1.5-zeros", op: "norm", inputs: [f([3, 3], { values: [[0, 2, -2], [0, 0, 0], [1, 0, -3]] })], args: [T(0), 1.5, 1], py: "torch.linalg.vector_norm(a0, 1.5, 1)", gradcheck: false },
  { id: "norm/3-zero-row", op: "norm", inputs: [f([2, 3], { values: [[0, 0, 0], [1, 0, -3]] })], args: [T(0), 3, 1], py: "torch.linalg.vector_norm(a0, 3, 1)", gradcheck: false },
  { id: "norm/negative-p", op: "norm", inputs: [f([2, 3], { gen: "pos" })], args: [T(0), -1.5, 1], py: "torch.linalg.vector_norm(a0, -1.5, 1)" },
  { id: "norm/zero-p", op: "norm", inputs: [f([2, 4], { values: [[0, 2, -0.5, 0], [1, 1, 0, 3]] })], args: [T(0), 0, 1], py: "torch.linalg.vector_norm(a0, 0, 1)" },
  { id: "norm/inf-ties-dims", op: "norm", inputs: [f([2, 3, 2], { gen: "ties" })], args: [T(0), Infinity, [0, 2]], py: "torch.linalg.vector_norm(a0, float('inf'), [0, 2])", gradcheck: false },
  { id: "norm/-inf-dim", op: "norm", inputs: [trans([3, 4])], args: [T(0), -Infinity, 1], options: { keepdim: true }, py: "torch.linalg.vector_norm(a0, float('-inf'), 1, keepdim=True)" },
  { id: "amax/all", op: "amax", inputs: [f([3, 4])], args: [T(0)] },
  { id: "amax/ties-dims", op: "amax", inputs: [f([2, 3, 4], { gen: "ties" })], args: [T(0), [0, 2]], gradcheck: false },
  { id: "amin/dim-keepdim", op: "amin", inputs: [trans([3, 4])], args: [T(0), 1], options: { keepdim: true } },
  { id: "amin/int", op: "amin", inputs: [idx([3, 4], 9)], args: [T(0), 0] },
  { id: "amax/nan", op: "amax", inputs: [f([2, 3], { values: [[1, "nan", 2], [0, -1, 5]] })], args: [T(0), 1], gradcheck: false },
  { id: "sort/values", op: "sort", inputs: [f([3, 5])], args: [T(0)], options: { dim: 1, descending: true }, out: "values" },
  { id: "sort/indices", op: "sort", inputs: [trans([4, 3])], args: [T(0)], options: { dim: 0 }, out: "indices" },
  { id: "sort/nan", op: "sort", inputs: [f([5], { values: [2, "nan", -1, "inf", 0] })], args: [T(0)], out: "values", gradcheck: false },
  { id: "topk/values", op: "topk", inputs: [f([3, 6])], args: [T(0), 2], out: "values" },
  { id: "topk/smallest-indices", op: "topk", inputs: [f([5, 3])], args: [T(0), 3], options: { dim: 0, largest: false }, out: "indices" },
  { id: "repeat/tile", op: "repeat", method: true, inputs: [f([2, 3])], args: [T(0), [2, 1, 3]] },
  { id: "isclose/equal-nan", op: "isclose", inputs: [f([5], { values: [1, "nan", "inf", 1e-3, 2], grad: false }), f([5], { values: [1.000001, "nan", "inf", 1.1e-3, 2.1], grad: false })], args: [T(0), T(1)], options: { equalNan: true } },
];

/** The rest of the pointwise math (src/ops/math.ts). */
const moreMath: OpCase[] = [
  ...([["log2", "pos"], ["log10", "pos"], ["sinh", "randn"], ["cosh", "randn"], ["asin", "uniform"], ["acos", "uniform"], ["atan", "randn"],
    ["asinh", "randn"], ["atanh", "uniform"], ["erfinv", "uniform"], ["deg2rad", "randn"], ["rad2deg", "randn"], ["frac", "randn"]] as const).map(([op, gen]): OpCase => (
    { id: `${op}/basic`, op, inputs: [trans([3, 4], { gen })], args: [T(0)] })),
  { id: "lgamma/basic", op: "lgamma", inputs: [trans([3, 4], { gen: "pos" })], args: [T(0)] },
  { id: "lgamma/special", op: "lgamma", inputs: [f([8], { values: [0.5, 1, 2.5, 30, -0.5, -2.5, 0, -1] })], args: [T(0)], gradcheck: false },
  { id: "digamma/basic", op: "digamma", inputs: [f([2, 3], { gen: "pos" })], args: [T(0)] },
  { id: "digamma/negative", op: "digamma", inputs: [f([5], { values: [-0.5, -2.5, 1e-3, 0, -1], grad: false })], args: [T(0)] },
  { id: "polygamma/trigamma", op: "polygamma", inputs: [f([2, 3], { gen: "pos" })], args: [1, T(0)] },
  { id: "lgamma/infinities", op: "lgamma", inputs: [f([3], { values: ["inf", "-inf", "nan"] })], args: [T(0)], gradcheck: false },
  { id: "digamma/infinities", op: "digamma", inputs: [f([2], { values: ["inf", "-inf"] })], args: [T(0)], gradcheck: false },
  { id: "polygamma/infinities", op: "polygamma", inputs: [f([2], { values: ["inf", "-inf"] })], args: [2, T(0)], gradcheck: false },
  { id: "polygamma/third", op: "polygamma", inputs: [f([5], { values: [0.5, 1.5, -0.5, 7, 30] })], args: [3, T(0)], gradcheck: false },
  { id: "acosh/basic", op: "acosh", inputs: [f([4], { values: [1.5, 2, 3.7, 10] })], args: [T(0)] },
  { id: "trunc/basic", op: "trunc", inputs: [f([6], { values: [-2.5, -0.5, 0.5, 1.7, "inf", "nan"] })], args: [T(0)], gradcheck: false },
  { id: "trunc/int", op: "trunc", inputs: [idx([4], 9)], args: [T(0)] },
  { id: "sgn/special", op: "sgn", inputs: [f([5], { values: ["nan", -0, 0, 2, -1.5], grad: false })], args: [T(0)], gradcheck: false },
  { id: "logit/basic", op: "logit", inputs: [f([5], { values: [0.1, 0.3, 0.5, 0.8, 0.95] })], args: [T(0)] },
  { id: "logit/eps", op: "logit", inputs: [f([5], { values: [0.01, 0.3, 0.5, 0.8, 0.995] })], args: [T(0), 0.05], gradcheck: false },
  // the gradient outside [0, 1] is NaN, at its ends ±inf; with eps, 0 where clamped (PyTorch's logit_backward)
  { id: "logit/outside", op: "logit", inputs: [f([6], { values: [0, 1, -1, 2, -0.5, 0.3] })], args: [T(0)], gradcheck: false },
  { id: "logit/eps-edges", op: "logit", inputs: [f([6], { values: [0, 0.05, 0.1, 0.5, 0.95, 1] })], args: [T(0), 0.1], gradcheck: false },
  { id: "isinf/special", op: "isinf", inputs: [f([6], { values: SPECIAL })], args: [T(0)] },
  { id: "isfinite/special", op: "isfinite", inputs: [f([6], { values: SPECIAL })], args: [T(0)] },
  { id: "isfinite/int", op: "isfinite", inputs: [idx([3], 5)], args: [T(0)] },
  { id: "fmod/signs", op: "fmod", inputs: [f([4], { values: [5.5, -5.5, 5.5, -5.5] }), f([4], { values: [2, 2, -2, -2] })], args: [T(0), T(1)] },
  { id: "fmod/scalar", op: "fmod", inputs: [f([2, 3])], args: [T(0), 0.7] },
  { id: "fmod/int", op: "fmod", inputs: [idx([5], 20)], args: [T(0), 3] },
  { id: "remainder/signs", op: "remainder", inputs: [f([4], { values: [5.5, -5.5, 5.5, -5.5] }), f([4], { values: [2, 2, -2, -2] })], args: [T(0), T(1)] },
  { id: "remainder/broadcast", op: "remainder", inputs: [f([2, 3]), f([3], { gen: "pos" })], args: [T(0), T(1)] },
  { id: "atan2/quadrants", op: "atan2", inputs: [f([2, 3]), trans([2, 3])], args: [T(0), T(1)] },
  { id: "atan2/scalar", op: "atan2", inputs: [f([4])], args: [T(0), -1.5], py: "torch.atan2(a0, torch.tensor(-1.5))" },
  { id: "hypot/basic", op: "hypot", inputs: [f([2, 3]), f([3])], args: [T(0), T(1)] },
  { id: "atan2/promotes", op: "atan2", inputs: [f([3]), f([3], { dtype: "float64" })], args: [T(0), T(1)] },
  { id: "hypot/promotes", op: "hypot", inputs: [f([3], { dtype: "float64" }), f([3])], args: [T(0), T(1)] },
  { id: "logaddexp/basic", op: "logaddexp", inputs: [f([2, 3]), f([2, 3])], args: [T(0), T(1)] },
  { id: "logaddexp/large", op: "logaddexp", inputs: [f([3], { values: [1000, -1000, "-inf"] }), f([3], { values: [999, -1001, "-inf"] })], args: [T(0), T(1)], gradcheck: false },
  { id: "xlogy/zeros", op: "xlogy", inputs: [f([5], { values: [0, 0, 2, 1.5, 0] }), f([5], { values: [0, 3, 0.5, 2, "nan"] })], args: [T(0), T(1)], gradcheck: false },
  { id: "xlogy/basic", op: "xlogy", inputs: [f([2, 3]), f([2, 3], { gen: "pos" })], args: [T(0), T(1)] },
  { id: "lerp/scalar", op: "lerp", inputs: [f([2, 3]), f([2, 3])], args: [T(0), T(1), 0.3] },
  { id: "lerp/high-weight", op: "lerp", inputs: [f([4]), f([4])], args: [T(0), T(1), 0.8] },
  { id: "lerp/tensor-weight", op: "lerp", inputs: [f([2, 3]), f([3]), f([2, 3], { gen: "uniform" })], args: [T(0), T(1), T(2)] },
  // infinite weight or start: derivatives.yaml's whole formulas give ±inf, not where()'s NaN
  { id: "lerp/infinite", op: "lerp", inputs: [f([3], { values: [1, 1, "inf"] }), f([3], { values: [3, 3, 3] }), f([3], { values: ["inf", "-inf", 0.5] })], args: [T(0), T(1), T(2)], gradcheck: false },
  { id: "addcmul/value", op: "addcmul", inputs: [f([2, 3]), f([2, 3]), f([3])], args: [T(0), T(1), T(2)], options: { value: 0.5 } },
  { id: "addcdiv/value", op: "addcdiv", inputs: [f([2, 3]), f([2, 3]), f([2, 3], { gen: "pos" })], args: [T(0), T(1), T(2)], options: { value: -2 } },
];

/** var and std: float64 accumulation for float32, and std's gradient 0 (not 0 / 0) where it is 0. */
const spreads: OpCase[] = [
  { id: "var/all", op: "var", inputs: [f([3, 4])], args: [T(0)] },
  { id: "var/dim-c0", op: "var", inputs: [f([3, 4])], args: [T(0), 1], options: { correction: 0 } },
  { id: "var/dims-keepdim", op: "var", inputs: [f([2, 3, 4])], args: [T(0), [0, 2]], options: { keepdim: true } },
  { id: "var/f64", op: "var", inputs: [f([5], { dtype: "float64" })], args: [T(0), 0] },
  { id: "std/all", op: "std", inputs: [f([3, 4])], args: [T(0)] },
  { id: "std/dim-transposed", op: "std", inputs: [trans([3, 4])], args: [T(0), 0] },
  { id: "std/constant-row", op: "std", inputs: [f([2, 3], { values: [[2, 2, 2], [1, 5, 3]] })], args: [T(0), 1], gradcheck: false },
  { id: "std/one-c0", op: "std", inputs: [f([2, 1], { values: [[1], [2]] })], args: [T(0), 1], options: { correction: 0 }, gradcheck: false },
  { id: "std/huge-f32", op: "std", inputs: [f([2], { values: [1e20, -1e20] })], args: [T(0)], gradcheck: false },
  { id: "std/tiny-f32", op: "std", inputs: [f([2], { values: [1e-30, -1e-30] })], args: [T(0)], gradcheck: false },
];

/** prod over one dim or all; with zeros its gradient is the product of the others, not prod / x. */
const prods: OpCase[] = [
  { id: "prod/all", op: "prod", inputs: [f([3, 4], { gen: "pos" })], args: [T(0)] },
  { id: "prod/dim", op: "prod", inputs: [f([3, 4])], args: [T(0), 1] },
  { id: "prod/keepdim", op: "prod", inputs: [f([2, 3, 4])], args: [T(0), 1], options: { keepdim: true } },
  { id: "prod/negdim", op: "prod", inputs: [trans([3, 4])], args: [T(0), -1] },
  { id: "prod/0d", op: "prod", inputs: [f([])], args: [T(0)] },
  { id: "prod/0d-zero", op: "prod", inputs: [f([], { values: 0 })], args: [T(0)] },
  // one zero, two zeros and a zero at either end of a line
  { id: "prod/zeros-dim", op: "prod", inputs: [f([4, 4], { values: [[2, 0, 3, 1.5], [1, 5, 0, 0], [0, -2, 3, 0.5], [1.5, -2, 3, 0]] })], args: [T(0), 1], gradcheck: false },
  { id: "prod/zeros-dim0", op: "prod", inputs: [f([3, 2], { values: [[2, 0], [0, 5], [-1.5, 3]] })], args: [T(0), 0], options: { keepdim: true }, gradcheck: false },
  { id: "prod/zeros-all", op: "prod", inputs: [f([2, 3], { values: [[2, 0, 3], [1.5, -2, 4]] })], args: [T(0)], gradcheck: false },
  { id: "prod/two-zeros-all", op: "prod", inputs: [f([2, 2], { values: [[0, 2], [3, 0]] })], args: [T(0)], gradcheck: false },
  { id: "prod/empty", op: "prod", inputs: [f([0, 3])], args: [T(0), 0], gradcheck: false },
  { id: "prod/int", op: "prod", inputs: [idx([3, 4], 4)], args: [T(0), 1] },
];

/** Diagonals, rearrangements, products and value-dependent selections. */
const shapes: OpCase[] = [
  { id: "diagonal/offset", op: "diagonal", inputs: [f([3, 4])], args: [T(0), 1] },
  { id: "diagonal/dims", op: "diagonal", inputs: [trans([2, 3, 4])], args: [T(0), -1, 2, 0] },
  { id: "diag/vector", op: "diag", inputs: [f([3])], args: [T(0), -1] },
  { id: "diag/matrix", op: "diag", inputs: [f([3, 4])], args: [T(0), 2] },
  { id: "trace/basic", op: "trace", inputs: [trans([3, 4])], args: [T(0)] },
  { id: "movedim/lists", op: "movedim", inputs: [f([2, 3, 4, 5])], args: [T(0), [0, 3], [2, 0]] },
  { id: "swapaxes/basic", op: "swapaxes", inputs: [f([2, 3, 4])], args: [T(0), 0, -1] },
  { id: "tile/short", op: "tile", inputs: [f([2, 3])], args: [T(0), [2]] },
  { id: "repeatInterleave/flat", op: "repeatInterleave", inputs: [f([2, 2])], args: [T(0), 2] },
  { id: "repeatInterleave/counts", op: "repeatInterleave", inputs: [f([3, 2]), f([3], { dtype: "int32", values: [1, 0, 3], grad: false })], args: [T(0), T(1), 0] },
  { id: "roll/flat", op: "roll", inputs: [f([2, 3])], args: [T(0), 4] },
  { id: "roll/dims", op: "roll", inputs: [trans([3, 4])], args: [T(0), [1, -1], [0, 1]] },
  { id: "outer/basic", op: "outer", inputs: [f([3]), f([4])], args: [T(0), T(1)] },
  { id: "addmm/scaled", op: "addmm", inputs: [f([3]), f([2, 4]), trans([4, 3])], args: [T(0), T(1), T(2)], options: { beta: 0.5, alpha: 2 } },
  { id: "argsort/descending", op: "argsort", inputs: [f([3, 5], { gen: "ties" })], args: [T(0)], options: { dim: 1, descending: true, stable: true } },
  { id: "nonzero/basic", op: "nonzero", inputs: [f([3, 4], { gen: "ties" })], args: [T(0)] },
  { id: "maskedSelect/broadcast", op: "maskedSelect", inputs: [f([3, 4]), bools([4])], args: [T(0), T(1)] },
  { id: "countNonzero/dim", op: "countNonzero", inputs: [f([3, 4], { gen: "ties" })], args: [T(0), 1] },
  { id: "einsum/bmm", op: "einsum", inputs: [f([2, 3, 4]), f([2, 4, 5])], args: ["bij,bjk->bik", T(0), T(1)] },
  { id: "einsum/trace", op: "einsum", inputs: [f([3, 3])], args: ["ii", T(0)] },
  { id: "einsum/diag-keep", op: "einsum", inputs: [f([3, 3])], args: ["ii->i", T(0)] },
  { id: "einsum/implicit-transpose", op: "einsum", inputs: [trans([3, 4])], args: ["ba", T(0)] },
  { id: "einsum/outer", op: "einsum", inputs: [f([3]), f([4])], args: ["i,j->ij", T(0), T(1)] },
  { id: "einsum/ellipsis", op: "einsum", inputs: [f([2, 3, 4]), f([4, 5])], args: ["...ij,jk->...ik", T(0), T(1)] },
  { id: "einsum/ellipsis-summed", op: "einsum", inputs: [f([2, 3, 4])], args: ["...i->i", T(0)] },
  { id: "einsum/three", op: "einsum", inputs: [f([2, 3]), f([3, 4]), f([4, 2])], args: ["ij,jk,kl->il", T(0), T(1), T(2)] },
  { id: "einsum/attention", op: "einsum", inputs: [f([2, 3, 4]), f([2, 5, 4])], args: ["nqd,nkd->nqk", T(0), T(1)] },
  { id: "einsum/broadcast-one", op: "einsum", inputs: [f([1, 3]), f([2, 3])], args: ["ij,ij->ij", T(0), T(1)] },
  { id: "einsum/sum-all", op: "einsum", inputs: [f([2, 3]), f([3])], args: ["ij,j->", T(0), T(1)] },
];

/** Scatter, scans, order statistics, NaN-skipping reductions and searches. */
const more: OpCase[] = [
  { id: "scatter/src", op: "scatter", inputs: [f([3, 4]), f([2, 4], { dtype: "int32", values: [[0, 1, 2, 0], [2, 0, 1, 1]], grad: false }), f([2, 4])], args: [T(0), 0, T(1), T(2)] },
  { id: "scatter/value", op: "scatter", inputs: [f([3, 4]), f([3, 2], { dtype: "int32", values: [[0, 3], [1, 1], [2, 0]], grad: false })], args: [T(0), 1, T(1), -1.5] },
  { id: "cumprod/dim1", op: "cumprod", inputs: [f([3, 4], { gen: "pos" })], args: [T(0), 1] },
  { id: "cumprod/negatives", op: "cumprod", inputs: [trans([4, 3])], args: [T(0), 0] },
  { id: "cumprod/zeros", op: "cumprod", inputs: [f([2, 5], { values: [[2, 0, 3, 0, 4], [1.5, -2, 0, 3, 0.5]] })], args: [T(0), 1], gradcheck: false },
  { id: "cumprod/int", op: "cumprod", inputs: [idx([2, 4], 4)], args: [T(0), 1] },
  { id: "cummax/values", op: "cummax", inputs: [f([3, 5], { gen: "ties" })], args: [T(0), 1], out: "values", gradcheck: false },
  { id: "cummax/indices", op: "cummax", inputs: [f([3, 5], { gen: "ties" })], args: [T(0), 1], out: "indices" },
  { id: "cummin/nan", op: "cummin", inputs: [f([5], { values: [3, 1, "nan", 0, 2] })], args: [T(0), 0], out: "indices" },
  { id: "logcumsumexp/basic", op: "logcumsumexp", inputs: [trans([3, 4])], args: [T(0), 1] },
  { id: "logcumsumexp/large", op: "logcumsumexp", inputs: [f([4], { values: [1000, 1001, "-inf", 999] })], args: [T(0), 0], gradcheck: false },
  // values far apart: exp(x - max) underflows, a running log-add-exp does not
  { id: "logcumsumexp/far-apart", op: "logcumsumexp", inputs: [f([4], { values: [-120, 0, -1e30, 5] })], args: [T(0), 0], gradcheck: false },
  { id: "logcumsumexp/far-apart-f64", op: "logcumsumexp", inputs: [f([3], { values: [-10000, 0, 3], dtype: "float64" })], args: [T(0), 0], gradcheck: false },
  { id: "logcumsumexp/neg-inf-start", op: "logcumsumexp", inputs: [f([3], { values: ["-inf", "-inf", 2] })], args: [T(0), 0], gradcheck: false },
  { id: "logcumsumexp/empty", op: "logcumsumexp", inputs: [f([0, 3])], args: [T(0), 0], gradcheck: false },
  { id: "cummax/nans-values", op: "cummax", inputs: [f([5], { values: [1, "nan", 3, "nan", 5] })], args: [T(0), 0], out: "values", gradcheck: false },
  { id: "cummax/nans-indices", op: "cummax", inputs: [f([5], { values: [1, "nan", 3, "nan", 5] })], args: [T(0), 0], out: "indices" },
  { id: "cummin/leading-nans", op: "cummin", inputs: [f([3], { values: ["nan", "nan", 1] })], args: [T(0), 0], out: "indices" },
  { id: "diff/basic", op: "diff", inputs: [f([3, 5])], args: [T(0)] },
  { id: "diff/second-dim0", op: "diff", inputs: [f([4, 3])], args: [T(0), 2, 0] },
  { id: "median/all", op: "median", inputs: [f([3, 4], { gen: "ties" })], args: [T(0)], gradcheck: false },
  { id: "median/even", op: "median", inputs: [f([6])], args: [T(0)] },
  { id: "median/ties-f64", op: "median", inputs: [f([4], { values: [2, 2, 2, 5], dtype: "float64" })], args: [T(0)], gradcheck: false },
  { id: "median/dim-values", op: "median", inputs: [f([3, 4])], args: [T(0), 1], out: "values" },
  { id: "median/dim-indices-nan", op: "median", inputs: [f([2, 4], { values: [[3, 1, 2, 2], ["nan", 1, 0, 5]] })], args: [T(0), 1], out: "indices" },
  { id: "kthvalue/dim0", op: "kthvalue", inputs: [trans([4, 3])], args: [T(0), 2, 0], out: "values" },
  { id: "quantile/linear-dim", op: "quantile", inputs: [f([3, 5])], args: [T(0), 0.3, 1], options: { keepdim: true } },
  { id: "quantile/q-tensor", op: "quantile", inputs: [f([7]), f([3], { values: [0.1, 0.5, 0.9], grad: false })], args: [T(0), T(1)] },
  ...(["lower", "higher", "midpoint", "nearest"] as const).map((interpolation): OpCase => (
    { id: `quantile/${interpolation}`, op: "quantile", inputs: [f([2, 6])], args: [T(0), 0.45, 1], options: { interpolation }, gradcheck: false })),
  // PyTorch interpolates with lerp from the nearer end: [4, 5, -inf] at 0.3 is -inf; equal infinities give NaN
  { id: "quantile/infinities", op: "quantile", inputs: [f([3, 3], { values: [[4, 5, "-inf"], [1, "inf", 3], ["-inf", "-inf", 2]] })], args: [T(0), 0.3, 1], gradcheck: false },
  { id: "quantile/infinite-ends", op: "quantile", inputs: [f([3], { values: [1, "inf", 3] })], args: [T(0), 1], gradcheck: false },
  { id: "quantile/midpoint-infinities", op: "quantile", inputs: [f([2, 2], { values: [["-inf", "-inf"], [1, 2]] })], args: [T(0), 0.5, 1], options: { interpolation: "midpoint" }, gradcheck: false },
  { id: "quantile/nan", op: "quantile", inputs: [f([2, 4], { values: [[1, 2, 3, "nan"], [1, 2, 3, 4]] })], args: [T(0), 0.5, 1], gradcheck: false },
  { id: "nansum/dim", op: "nansum", inputs: [f([2, 3], { values: [[1, "nan", 2], ["nan", "nan", 3]] })], args: [T(0), 1] },
  { id: "nanmean/all", op: "nanmean", inputs: [f([2, 3], { values: [[1, "nan", 2], ["nan", "nan", 3]] })], args: [T(0)] },
  { id: "takeAlongDim/broadcast", op: "takeAlongDim", inputs: [f([3, 4]), idx([1, 2], 4)], args: [T(0), T(1), 1] },
  { id: "takeAlongDim/flat", op: "takeAlongDim", inputs: [f([2, 3]), idx([4], 6)], args: [T(0), T(1)] },
  {
    id: "searchsorted/rows", op: "searchsorted",
    inputs: [f([2, 4], { values: [[1, 3, 5, 7], [2, 2, 4, 6]], grad: false }), f([2, 3], { values: [[3, 8, 0], [2, 5, "nan"]], grad: false })],
    args: [T(0), T(1)], options: { right: true },
  },
  { id: "bucketize/left", op: "bucketize", inputs: [f([5], { values: [0.5, 1, 2.5, 3, 9], grad: false }), f([3], { values: [1, 2, 3], grad: false })], args: [T(0), T(1)] },
  { id: "triuIndices/offset", op: "triuIndices", inputs: [], args: [3, 4, 1] },
  { id: "trilIndices/negative", op: "trilIndices", inputs: [], args: [4, 3, -1] },
  { id: "unflatten/infer", op: "unflatten", inputs: [f([2, 12])], args: [T(0), 1, [3, -1]] },
];

export const OP_TABLE: OpCase[] = [
  ...layouts,
  ...inplaceOps,
  ...corners,
  ...factories,
  ...views,
  ...unary,
  ...clampCases,
  ...arithmetic,
  ...matmuls,
  ...reductions("sum"),
  ...reductions("mean"),
  ...prods,
  ...spreads,
  ...extremes("max"),
  ...extremes("min"),
  ...argmaxes,
  ...softmaxes,
  ...joins,
  ...indexing,
  ...extremum,
  ...comparisons,
  ...utilities,
  ...moreMath,
  ...shapes,
  ...more,
];
