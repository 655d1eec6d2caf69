/**
 * The pointwise and bitwise additions, the dtype utilities and the default
 * dtype, against PyTorch (fixtures: scripts/gen_tensor_fns_fixtures.py,
 * PyTorch 1.13): values, result dtypes, gradients (float64 gradcheck where
 * the op is smooth), PyTorch's errors; 2.x's rules where they differ.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { check, checkError, gradcheckCase } from "./tensor-fns-fixtures.js";

const int = (v: number[]) => torch.tensor(v, { dtype: "int32" });

test("tan, exp2, sinc, erfc, i0: values (float32 and float64, erfc's and i0's tails), gradients and gradcheck", () => {
  check("tan", (x) => torch.tan(x));
  check("exp2", (x) => x.exp2());
  check("exp2 int", (x) => torch.exp2(x));
  check("sinc", (x) => torch.sinc(x));
  check("erfc", (x) => x.erfc());
  check("erfc float64", (x) => torch.erfc(x), 1e-7, 0);
  check("i0", (x) => torch.i0(x));
  check("i0 float64", (x) => x.i0(), 1e-7, 0);
  for (const [name, f] of [["tan", torch.tan], ["exp2", torch.exp2], ["sinc", torch.sinc], ["erfc", torch.erfc], ["i0", torch.i0]] as const) {
    gradcheckCase(name, f);
  }
  assert.equal(torch.tan(torch.tensor([0.5], { requiresGrad: true })).gradFn!.name, "TanBackward0");
  assert.equal(torch.i0(torch.tensor([0.5], { requiresGrad: true })).gradFn!.name, "I0Backward0");
  // i0's gradient (I1) is differentiable again: the second derivative is I0(x) - I1(x)/x
  const x = torch.tensor([0.7, 2.0], { dtype: "float64", requiresGrad: true });
  const [g] = torch.autograd.grad([torch.i0(x).sum()], [x], { createGraph: true });
  const [gg] = torch.autograd.grad([g!.sum()], [x]);
  // PyTorch (create_graph=True): i0'' at 0.7 and 2.0 = 0.5950463357682256, 1.484266875017402
  assert.ok(Math.abs(gg!.toArray()[0]! - 0.5950463357682256) < 1e-12 && Math.abs(gg!.toArray()[1]! - 1.484266875017402) < 1e-12);
});

test("copysign, fmax / fmin (NaN ignored, ties to self), float_power, ldexp, logaddexp2, clamp_min / clamp_max / clip", () => {
  check("copysign tensor", (a, b) => torch.copysign(a, b));
  check("copysign scalar", (a) => a.copysign(-1));
  check("copysign int", (a, b) => torch.copysign(a, b));
  check("fmax", (a, b) => torch.fmax(a, b));
  check("fmin", (a, b) => a.fmin(b));
  check("fmax int", (a, b) => torch.fmax(a, b));
  check("float_power", (a, b) => torch.floatPower(a, b));
  check("float_power scalar", (a) => a.floatPower(2.5));
  check("float_power int", (a, b) => torch.floatPower(a, b));
  check("frexp", (x) => {
    const { mantissa, exponent } = torch.frexp(x);
    return [mantissa, exponent];
  });
  check("ldexp", (x, e) => torch.ldexp(x, e));
  check("logaddexp2", (a, b) => torch.logaddexp2(a, b));
  check("clamp_min tensor", (a, b) => torch.clampMin(a, b));
  check("clamp_max scalar", (a) => a.clampMax(0.5));
  check("clip", (a) => torch.clip(a, -0.5, 0.5));
  gradcheckCase("logaddexp2", (a, b) => torch.logaddexp2(a, b));
  gradcheckCase("float_power", (a, b) => torch.floatPower(a, b));
});

test("heaviside and floor_divide have no derivative (backward throws PyTorch's error); nanToNum, signbit, logicalXor, isposinf / isneginf / isreal", () => {
  check("heaviside", (x, v) => torch.heaviside(x, v));
  check("floor_divide", (x) => torch.floorDivide(x, 2));
  check("floor_divide int", (a, b) => a.floorDivide(b));
  check("true_divide int", (a) => torch.trueDivide(a, 2));
  assert.equal(torch.heaviside(torch.tensor([1], { requiresGrad: true }), torch.tensor([0])).gradFn!.name, "NotImplemented");
  check("nan_to_num", (x) => torch.nanToNum(x));
  check("nan_to_num options", (x) => x.nanToNum({ nan: 1, posinf: 100, neginf: -50 }));
  check("nan_to_num float64", (x) => torch.nanToNum(x));
  check("signbit", (x) => torch.signbit(x));
  check("signbit int", (x) => x.signbit());
  check("logical_xor", (a, b) => torch.logicalXor(a, b));
  check("isposinf", (x) => torch.isposinf(x));
  check("isneginf", (x) => x.isneginf());
  assert.deepEqual(torch.isreal(torch.tensor([1, NaN])).tolist(), [true, true]);
  assert.deepEqual(torch.isposinf(int([1, 2])).tolist(), [false, false]);
  // the sign bit of a NaN, as C's signbit (JS arithmetic cannot see it)
  const nan = new Float32Array([NaN, NaN]);
  new Uint32Array(nan.buffer)[1]! |= 0x80000000;
  assert.deepEqual(torch.signbit(torch.fromTypedArray(nan)).tolist(), [false, true]);
});

test("bitwise ops and gcd / lcm on int32 and bool, with PyTorch's dtype rules and errors; shifts past 31 follow PyTorch 2.x", () => {
  check("bitwise_and", (a, b) => torch.bitwiseAnd(a, b));
  check("bitwise_or", (a, b) => a.bitwiseOr(b));
  check("bitwise_xor", (a, b) => torch.bitwiseXor(a, b));
  check("bitwise_and scalar", (a) => torch.bitwiseAnd(a, 6));
  check("bitwise_or bool", (a, b) => torch.bitwiseOr(a, b));
  check("bitwise_xor bool int", (a, b) => torch.bitwiseXor(a, b));
  check("bitwise_not", (a) => torch.bitwiseNot(a));
  check("bitwise_not bool", (a) => a.bitwiseNot());
  check("bitwise_left_shift", (a, b) => torch.bitwiseLeftShift(a, b));
  check("bitwise_right_shift", (a, b) => a.bitwiseRightShift(b));
  check("gcd", (a, b) => torch.gcd(a, b));
  check("lcm", (a, b) => torch.lcm(a, b));
  check("gcd broadcast", (a, b) => a.gcd(b));
  // PyTorch 2.x: a count below 0 or from the bit width up shifts everything out (1.13 wrapped the count)
  assert.deepEqual(torch.bitwiseLeftShift(int([1, -3, 5]), int([32, 40, -1])).tolist(), [0, 0, 0]);
  assert.deepEqual(torch.bitwiseRightShift(int([7, -3, -8]), int([32, 40, -1])).tolist(), [0, -1, -1]);
  assert.equal(torch.bitwiseAnd(torch.tensor([true]), 3).dtype, "int32"); // PyTorch: int64
  checkError("bitwise_and float", () => torch.bitwiseAnd(torch.tensor([1]), torch.tensor([1])));
  checkError("bitwise_left_shift bool", () => torch.bitwiseLeftShift(torch.tensor([true]), torch.tensor([true])));
  checkError("gcd bool", () => torch.gcd(torch.tensor([true]), torch.tensor([true])));
  checkError("heaviside dtypes", () => torch.heaviside(torch.tensor([1]), torch.tensor([1], { dtype: "float64" })));
  checkError("frexp int", () => torch.frexp(int([1])));
  checkError("floor_divide bool", () => torch.floorDivide(torch.tensor([true]), torch.tensor([true])));
  checkError("positive bool", () => torch.positive(torch.tensor([true])));
});

test("aliases: absolute, negative, positive, arc*, multiply / subtract / divide, comparisons by name, fix, swapdims, moveaxis, concat, rowStack", () => {
  const x = torch.tensor([[-0.5, 0.25], [0.75, -1]]);
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.tolist(), b.tolist());
  same(torch.absolute(x), x.abs());
  same(x.negative(), x.neg());
  assert.equal(torch.positive(x), x);
  same(torch.arcsin(x), x.asin());
  same(x.arccos(), x.acos());
  same(torch.arctan(x), x.atan());
  same(x.arcsinh(), x.asinh());
  same(torch.arctanh(x), x.atanh());
  same(torch.arctan2(x, x.t()), x.atan2(x.t()));
  same(torch.multiply(x, 2), x.mul(2));
  same(x.subtract(1, { alpha: 2 }), x.sub(1, { alpha: 2 }));
  same(torch.divide(x, 4, { roundingMode: "floor" }), x.div(4, { roundingMode: "floor" }));
  same(torch.greater(x, 0), x.gt(0));
  same(x.greaterEqual(0.25), x.ge(0.25));
  same(torch.less(x, 0), x.lt(0));
  same(x.lessEqual(-1), x.le(-1));
  same(torch.notEqual(x, 0.25), x.ne(0.25));
  same(torch.fix(x), x.trunc());
  same(x.swapdims(0, 1), x.t());
  same(torch.moveaxis(x, 0, 1), x.t());
  same(torch.concat([x, x]), torch.cat([x, x]));
  same(torch.rowStack([x, x]), torch.vstack([x, x]));
  assert.equal(torch.absolute(torch.tensor([-1], { requiresGrad: true })).gradFn!.name, "AbsBackward0");
});

test("resultType, promoteTypes, canCast, isTensor, numel, isFloatingPoint, isNonzero, isSameSize, typeAs, type()", () => {
  // PyTorch: result_type(int32 tensor, 1.5) float32; (int32 tensor, 0-d float64) float64; (float32 [2], 0-d float64) float32
  assert.equal(torch.resultType(int([1, 2]), 1.5), "float32");
  assert.equal(torch.resultType(int([1, 2]), torch.tensor(1, { dtype: "float64" })), "float64");
  assert.equal(torch.resultType(torch.tensor([1, 2]), torch.tensor(1, { dtype: "float64" })), "float32");
  assert.equal(torch.resultType(torch.tensor([true]), true), "bool");
  assert.equal(torch.resultType(torch.tensor([true]), 2), "int32");
  assert.equal(torch.promoteTypes("int32", "float32"), "float32");
  assert.equal(torch.promoteTypes("bool", "int32"), "int32");
  assert.equal(torch.promoteTypes("float64", "float32"), "float64");
  // PyTorch: can_cast(double, float) True, (float, int) False, (int, bool) False, (bool, float) True
  assert.equal(torch.canCast("float64", "float32"), true);
  assert.equal(torch.canCast("float32", "int32"), false);
  assert.equal(torch.canCast("int32", "bool"), false);
  assert.equal(torch.canCast("bool", "float32"), true);
  assert.throws(() => torch.canCast("int64" as torch.DType, "int32"), /unsupported dtype "int64"/);
  assert.equal(torch.isTensor(torch.zeros([1])), true);
  assert.equal(torch.isTensor([1]), false);
  assert.equal(torch.numel(torch.zeros([2, 3])), 6);
  assert.equal(torch.isFloatingPoint(int([1])), false);
  assert.equal(torch.zeros([1], { dtype: "float64" }).isFloatingPoint(), true);
  assert.equal(torch.isSigned(torch.tensor([true])), false);
  assert.equal(torch.isNonzero(torch.tensor([NaN])), true);
  assert.equal(torch.tensor([[0]]).isNonzero(), false);
  assert.throws(() => torch.isNonzero(torch.zeros([2])), { message: "Boolean value of Tensor with more than one value is ambiguous" });
  assert.throws(() => torch.isNonzero(torch.zeros([0])), { message: "Boolean value of Tensor with no values is ambiguous" });
  assert.equal(torch.isSameSize(torch.zeros([2, 3]), torch.ones([2, 3])), true);
  assert.equal(torch.zeros([2, 3]).isSameSize(torch.ones([3, 2])), false);
  const x = torch.tensor([1.5, -2], { requiresGrad: true });
  const y = x.typeAs(torch.zeros([1], { dtype: "float64" }));
  assert.equal(y.dtype, "float64");
  assert.equal(y.gradFn!.name, "ToCopyBackward0");
  assert.equal(x.typeAs(x), x);
  assert.equal(x.type(), "torch.FloatTensor");
  assert.equal(int([1]).type(), "torch.IntTensor");
  assert.equal(x.type("int32").dtype, "int32");
  assert.equal(x.cpu(), x);
  assert.equal(torch.zeros([2, 3, 4]).ndim, 3);
  assert.equal(torch.zeros([2, 3]).ndimension(), 2);
  assert.deepEqual(torch.arange(6).reshapeAs(torch.zeros([2, 3])).shape, [2, 3]);
});

test("isin, broadcastShapes, scalarTensor, randintLike (PyTorch's answers inline)", () => {
  // PyTorch: isin([[1, 2], [3, 4]], [2, 3]) -> [[False, True], [True, False]]; NaN matches nothing; invert
  assert.deepEqual(torch.isin(torch.tensor([[1, 2], [3, 4]]), torch.tensor([2, 3])).tolist(), [[false, true], [true, false]]);
  assert.deepEqual(torch.isin(torch.tensor([1, NaN]), torch.tensor([NaN, 1])).tolist(), [true, false]);
  assert.deepEqual(torch.isin(int([1, 2]), 2, { invert: true }).tolist(), [true, false]);
  assert.deepEqual(torch.isin(2, int([1, 2])).tolist(), true);
  assert.deepEqual(torch.isin(torch.tensor([1]), int([1])).tolist(), [true]);
  // PyTorch: broadcast_shapes((2, 1), (3,)) -> (2, 3); () for no shapes; its mismatch message
  assert.deepEqual(torch.broadcastShapes([2, 1], [3]), [2, 3]);
  assert.deepEqual(torch.broadcastShapes(), []);
  assert.deepEqual(torch.broadcastShapes([0, 1], [1, 4]), [0, 4]);
  assert.throws(() => torch.broadcastShapes([2], [3]), { message: /^Shape mismatch: objects cannot be broadcast to a single shape/ });
  const s = torch.scalarTensor(3);
  assert.deepEqual([s.shape, s.dtype, s.item()], [[], "float32", 3]);
  const r = torch.randintLike(torch.zeros([50], { dtype: "float64" }), 5);
  assert.equal(r.dtype, "float64");
  assert.ok(r.toArray().every((v) => Number.isInteger(v) && v >= 0 && v < 5));
  assert.ok(torch.randintLike(int([0, 0, 0]), 3, 4).toArray().every((v) => v === 3));
});

test("setDefaultDtype: factories and integer-to-float promotion take it, as PyTorch's; float32 and float64 only", () => {
  assert.equal(torch.getDefaultDtype(), "float32");
  torch.setDefaultDtype("float64");
  try {
    assert.equal(torch.getDefaultDtype(), "float64");
    // PyTorch with set_default_dtype(torch.float64): each of these is float64 (torchlet's numbers are floats, so tensor([1]) too)
    for (const t of [torch.tensor([1.5]), torch.tensor([1]), torch.zeros([2]), torch.ones([1]), torch.full([2], 1.5), torch.arange(0.5, 2), torch.linspace(0, 1, 3),
      torch.randn([2]), torch.rand([1]), torch.eye(2), torch.arange(3).exp(), int([1, 2]).add(0.5), torch.trueDivide(int([3]), 2), torch.exp2(int([1]))]) {
      assert.equal(t.dtype, "float64");
    }
    // what has its own dtype keeps it
    assert.equal(torch.arange(3).dtype, "int32");
    assert.equal(torch.tensor([1]).float().dtype, "float32");
    assert.equal(torch.fromTypedArray(new Float32Array([1])).dtype, "float32");
    assert.equal(torch.zeros([1], { dtype: "float32" }).add(0.5).dtype, "float32");
  } finally {
    torch.setDefaultDtype("float32");
  }
  assert.equal(torch.zeros([1]).dtype, "float32");
  checkError("set_default_dtype int", () => torch.setDefaultDtype("int32"));
  assert.throws(() => torch.setDefaultDtype("float16" as torch.DType), /unsupported dtype "float16"/);
});

test("differential-probe regressions: logaddexp2's promotion and integer refusal, bool rounding, square, remainder node names, 0-d moveaxis, shape before dtype errors", () => {
  // torch.logaddexp2(torch.tensor([-8, 3], dtype=torch.int32), torch.tensor([-1433.5568679481325, -0.013014329436880766], dtype=torch.float64))
  // = [-8.0, 3.1684847488389356]: the int32 operand is read as float64, not through float32
  const l = torch.logaddexp2(int([-8, 3]), torch.tensor([-1433.5568679481325, -0.013014329436880766], { dtype: "float64" }));
  assert.equal(l.dtype, "float64");
  assert.equal(l.toArray()[0], -8);
  assert.ok(Math.abs(l.toArray()[1]! - 3.1684847488389356) < 1e-14);
  // torch.logaddexp2 / logaddexp / hypot of two int32 tensors: "<op>_cpu" not implemented for 'Int' (atan2 and xlogy promote)
  assert.throws(() => torch.logaddexp2(int([1]), int([2])), { message: /^"logaddexp2_cpu" not implemented for 'Int'/ });
  assert.throws(() => torch.logaddexp(int([1]), int([2])), { message: /^"logaddexp_cpu" not implemented for 'Int'/ });
  assert.throws(() => torch.hypot(int([1]), 2), { message: /^"hypot_cpu" not implemented for 'Int'/ });
  assert.equal(torch.atan2(int([1]), int([2])).dtype, "float32");
  // abs / trunc / ceil / floor / round of a bool tensor: PyTorch has no Bool kernel ("abs_cpu", "trunc_vml_cpu", ...)
  const b = torch.tensor([true, false]);
  assert.throws(() => torch.absolute(b), { message: /^"abs_cpu" not implemented for 'Bool'/ });
  assert.throws(() => torch.fix(b), { message: /^"trunc_vml_cpu" not implemented for 'Bool'/ });
  assert.throws(() => b.ceil(), { message: /^"ceil_vml_cpu" not implemented for 'Bool'/ });
  assert.throws(() => torch.floor(b), { message: /^"floor_vml_cpu" not implemented for 'Bool'/ });
  assert.throws(() => torch.round(b), { message: /^"round_vml_cpu" not implemented for 'Bool'/ });
  // torch.square(torch.tensor([True, False])) = tensor([1, 0]) (an integer result); square's node is PowBackward0
  const sq = torch.square(b);
  assert.deepEqual([sq.dtype, sq.tolist()], ["int32", [1, 0]]);
  assert.equal(torch.square(torch.tensor([1.5], { requiresGrad: true })).gradFn!.name, "PowBackward0");
  // fmod / remainder by a number are the .Scalar overloads (FmodBackward0, RemainderBackward0), by a tensor .Tensor (...1)
  const x = torch.tensor([1.5], { requiresGrad: true });
  assert.equal(torch.fmod(x, 2).gradFn!.name, "FmodBackward0");
  assert.equal(torch.fmod(x, torch.tensor(2)).gradFn!.name, "FmodBackward1");
  assert.equal(x.remainder(2).gradFn!.name, "RemainderBackward0");
  // torch.moveaxis(torch.tensor(3.), 0, -1).shape == torch.movedim(torch.tensor(3.), [0], [0]).shape == torch.Size([])
  assert.deepEqual(torch.moveaxis(torch.tensor(3), 0, -1).shape, []);
  assert.deepEqual(torch.tensor(3).moveaxis([0], [0]).shape, []);
  // torch.bitwise_xor(torch.ones(2), torch.ones(3)): the shapes are checked before the dtype
  assert.throws(() => torch.bitwiseXor(torch.ones([2]), torch.ones([3])), { message: /^The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0/ });
});

test("abs's gradient is grad · sgn(x), as PyTorch's: a NaN gradient stays NaN at 0, a NaN input passes 0", () => {
  // x = torch.tensor([0., nan, -2., 3.]); x.abs().backward(torch.tensor([nan, 1., nan, 2.])): x.grad == [nan, 0., nan, 2.]
  const x = torch.tensor([0, NaN, -2, 3], { requiresGrad: true });
  x.abs().backward(torch.tensor([NaN, 1, NaN, 2]));
  assert.deepEqual(Array.from(x.grad!.toArray()), [NaN, 0, NaN, 2]);
});
