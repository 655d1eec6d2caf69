/*
 * Elementwise kernels: copy, fill, unary, binary, clamp, where.
 * Every op has a generic path that computes in double with the reference
 * backend's JS semantics and stores like a typed array; the common dtype/op
 * pairs get tight loops (contiguous and broadcast rows vectorise).
 */
#include <string.h>

#include "rows.h"
#include "torchlet.h"

const char *const tl_unary_names[U_COUNT] = {
    "neg",   "abs",  "exp",   "log",        "sqrt", "sin",   "cos",   "tanh",  "sigmoid", "relu",
    "sign",  "erf",  "floor", "ceil",       "round", "reciprocal", "not", "log1p", "expm1", "isnan",
    "log2",  "log10", "trunc", "sinh",      "cosh",  "asin",  "acos",  "atan",  "asinh",   "acosh",
    "atanh", "erfinv"};
const char *const tl_binary_names[B_COUNT] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne",
                                              "lt",  "le",  "gt",  "ge",  "and", "or",      "remainder", "atan2",
                                              "threshold_backward", "fmod", "hypot", "logaddexp", "xlogy", "div_floor"};

/* ---- scalar semantics (the reference backend's scalar-ops.ts) -------------- */

/* The inverse of erf on (-1, 1), as the reference's erfinv: Winitzki's estimate, then three Newton steps on erf. */
static double erfinv_scalar(double y) {
  if (y <= -1) return y == -1 ? -INFINITY : NAN;
  if (y >= 1) return y == 1 ? INFINITY : NAN;
  if (y == 0 || y != y) return y;
  const double pi = 3.14159265358979323846, c = 0.147, w = log(1 - y * y), h = 2 / (pi * c) + w / 2;
  double x = (y > 0 ? 1 : -1) * sqrt(sqrt(h * h - w / c) - h);
  for (int i = 0; i < 3; i++) x -= (erf(x) - y) / ((2 / sqrt(pi)) * exp(-x * x));
  return x;
}

/* log(exp(a) + exp(b)) without overflow; equal infinities give themselves (not inf - inf = NaN) */
static double logaddexp_scalar(double a, double b) {
  if (a == b && isinf(a)) return a;
  const double m = a > b ? a : b;
  return m + log1p(exp(-fabs(a - b)));
}

/* Python's a // b, as PyTorch's div_floor (the reference's divFloor) */
static double div_floor_scalar(double a, double b) {
  if (b == 0) return a / b;
  const double mod = fmod(a, b);
  double q = (a - mod) / b;
  if (mod != 0 && (b < 0) != (mod < 0)) q -= 1;
  if (q == 0) return copysign(0.0, a / b);
  const double f = floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

static double unary_scalar(int op, double x) {
  switch (op) {
    case U_NEG: return -x;
    case U_ABS: return fabs(x);
    case U_EXP: return exp(x);
    case U_LOG: return log(x);
    case U_SQRT: return sqrt(x);
    case U_SIN: return sin(x);
    case U_COS: return cos(x);
    case U_TANH: return tanh(x);
    case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case U_RELU: return x < 0 ? 0.0 : x;                /* NaN and -0 stay, as in PyTorch */
    case U_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; /* NaN and -0 give 0, as in PyTorch */
    case U_ERF: return erf(x);
    case U_FLOOR: return floor(x);
    case U_CEIL: return ceil(x);
    case U_ROUND: return nearbyint(x); /* half to even in the default rounding mode */
    case U_RECIPROCAL: return 1.0 / x;
    case U_NOT: return tl_truthy(x) ? 0.0 : 1.0;
    case U_LOG1P: return log1p(x);
    case U_EXPM1: return expm1(x);
    case U_ISNAN: return x != x ? 1.0 : 0.0;
    case U_LOG2: return log2(x);
    case U_LOG10: return log10(x);
    case U_TRUNC: return trunc(x);
    case U_SINH: return sinh(x);
    case U_COSH: return cosh(x);
    case U_ASIN: return asin(x);
    case U_ACOS: return acos(x);
    case U_ATAN: return atan(x);
    case U_ASINH: return asinh(x);
    case U_ACOSH: return acosh(x);
    case U_ATANH: return atanh(x);
    default: return erfinv_scalar(x);
  }
}

static inline int is_comparison(int op) { return op >= B_EQ && op <= B_OR; }

static double binary_scalar(int op, double a, double b) {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return pow(a, b); /* C's pow, as PyTorch (and the reference): 1 ** NaN is 1 */
    case B_MAXIMUM: return a != a || b != b ? NAN : a > b ? a : b;
    case B_MINIMUM: return a != a || b != b ? NAN : a < b ? a : b;
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_AND: return tl_truthy(a) && tl_truthy(b);
    case B_OR: return tl_truthy(a) || tl_truthy(b);
    case B_REMAINDER: {
      /* Python's modulo: the result takes the divisor's sign */
      double r = fmod(a, b);
      return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }
    case B_THRESHOLD_BACKWARD: return b <= 0 ? 0 : a;
    case B_ATAN2: return atan2(a, b);
    case B_FMOD: return fmod(a, b); /* C's fmod: the result takes the dividend's sign */
    case B_HYPOT: return hypot(a, b);
    case B_LOGADDEXP: return logaddexp_scalar(a, b);
    case B_DIV_FLOOR: return div_floor_scalar(a, b);
    default: return b != b ? NAN : a == 0 ? 0 : a * log(b); /* xlogy: 0 where x is 0, unless y is NaN */
  }
}

/* int32 add/sub/mul wrap like `(a + b) | 0` and Math.imul */
static inline double int_binary(int op, int32_t a, int32_t b) {
  switch (op) {
    case B_ADD: return (int32_t)((uint32_t)a + (uint32_t)b);
    case B_SUB: return (int32_t)((uint32_t)a - (uint32_t)b);
    default: return (int32_t)((uint32_t)a * (uint32_t)b);
  }
}

/* floor, ceil and trunc from nearbyint (round half to even) and a +-1 fix-up: GCC vectorizes nearbyint but, keeping
 * the inexact flag's semantics, not floor/ceil/trunc (a scalar call per element, 2.5x slower). Each of the three
 * keeps its input's sign (floor(-0) = -0, ceil(-0.5) = -0, trunc(-0.5) = -0), which copysign restores where the
 * fix-up crossed zero; NaN and the infinities pass through nearbyint unchanged. */
#define FLOOR_VIA_RINT(T, RINT, COPYSIGN, x) ({ const T r_ = RINT(x); COPYSIGN(r_ > (x) ? r_ - 1 : r_, x); })
#define CEIL_VIA_RINT(T, RINT, COPYSIGN, x) ({ const T r_ = RINT(x); COPYSIGN(r_ < (x) ? r_ + 1 : r_, x); })
#define TRUNC_VIA_RINT(T, RINT, FABS, COPYSIGN, x) \
  ({ const T a_ = FABS(x), r_ = RINT(a_); COPYSIGN(r_ > a_ ? r_ - 1 : r_, x); })

/* ---- copy ------------------------------------------------------------------ */

typedef struct {
  tl_dtype din, dout;
} cast_ctx;

static void copy_same_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int es = tl_esize(((const cast_ctx *)c)->din);
  if (s[0] == 1 && s[1] == 1) {
    memmove(p[0], p[1], (size_t)(n * es));
    return;
  }
  switch (es) {
    case 8: ROW2(uint64_t, uint64_t, x); break;
    case 4: ROW2(uint32_t, uint32_t, x); break;
    default: ROW2(uint8_t, uint8_t, x); break;
  }
}

static void copy_cast_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const cast_ctx *cx = c;
  const tl_dtype di = cx->din, dout = cx->dout;
  if (dout == TL_F64 && di == TL_F32) ROW2(double, float, (double)x);
  else if (dout == TL_F32 && di == TL_F64) ROW2(float, double, (float)x);
  else if (dout == TL_F32 && di == TL_I32) ROW2(float, int32_t, (float)x);
  else if (dout == TL_F64 && di == TL_I32) ROW2(double, int32_t, (double)x);
  else if (dout == TL_F32 && di == TL_BOOL) ROW2(float, uint8_t, (float)x);
  else if (dout == TL_F64 && di == TL_BOOL) ROW2(double, uint8_t, (double)x);
  else if (dout == TL_I32 && di == TL_BOOL) ROW2(int32_t, uint8_t, (int32_t)x);
  else if (dout == TL_I32 && di == TL_F32) ROW2(int32_t, float, tl_to_int32(x));
  else if (dout == TL_I32 && di == TL_F64) ROW2(int32_t, double, tl_to_int32(x));
  else if (dout == TL_BOOL && di == TL_F32) ROW2(uint8_t, float, x != 0);
  else if (dout == TL_BOOL && di == TL_F64) ROW2(uint8_t, double, x != 0);
  else if (dout == TL_BOOL && di == TL_I32) ROW2(uint8_t, int32_t, x != 0);
  else if (dout == TL_BOOL && di == TL_BOOL) ROW2(uint8_t, uint8_t, x != 0);
  else {
    const int eo = tl_esize(dout), ei = tl_esize(di);
    for (int64_t i = 0; i < n; i++) tl_store_cast(p[0] + i * s[0] * eo, dout, tl_load(p[1] + i * s[1] * ei, di));
  }
}

#if defined(__AVX__)
#include <immintrin.h>

/* 8 x 8 floats: dst[i * ds + j] = src[j * ss + i] */
static inline void transpose8(const float *src, int64_t ss, float *dst, int64_t ds) {
  __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + ss), r2 = _mm256_loadu_ps(src + 2 * ss),
         r3 = _mm256_loadu_ps(src + 3 * ss), r4 = _mm256_loadu_ps(src + 4 * ss), r5 = _mm256_loadu_ps(src + 5 * ss),
         r6 = _mm256_loadu_ps(src + 6 * ss), r7 = _mm256_loadu_ps(src + 7 * ss);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
         t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
         t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
         u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
         u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
         u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(dst + ds, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(dst + 2 * ds, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(dst + 3 * ds, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(dst + 4 * ds, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(dst + 5 * ds, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(dst + 6 * ds, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(dst + 7 * ds, _mm256_permute2f128_ps(u3, u7, 0x31));
}
#endif

/* a tile of a 4-byte copy whose source is transposed: out steps 1 along cols, a steps 1 along rows */
static void copy_transposed_tile(const void *c, int64_t rows, int64_t cols, char **p, const int64_t *srow,
                                 const int64_t *scol) {
  (void)c;
  float *o = (float *)p[0];
  const float *a = (const float *)p[1];
  const int64_t os = srow[0], as = scol[1];
  int64_t i = 0;
#if defined(__AVX__)
  for (; i + 8 <= rows; i += 8) {
    int64_t j = 0;
    for (; j + 8 <= cols; j += 8) transpose8(a + i + j * as, as, o + i * os + j, os);
    for (; j < cols; j++)
      for (int64_t r = i; r < i + 8; r++) o[r * os + j] = a[r + j * as];
  }
#endif
  for (; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) o[i * os + j] = a[i + j * as];
}

void tl_copy(const tl_tensor *out, const tl_tensor *a) {
  const tl_tensor *ops[2] = {out, a};
  tl_iter it;
  tl_iter_init(&it, 2, out->ndim, out->shape, ops, NULL);
  cast_ctx c = {a->dtype, out->dtype};
  /* bool to bool still normalises (the reference stores v !== 0) */
  const int plain = a->dtype == out->dtype && out->dtype != TL_BOOL;
  const int nd = it.ndim;
  if (plain && tl_esize(a->dtype) == 4 && nd >= 2 && it.strides[0][nd - 1] == 1 && it.strides[1][nd - 2] == 1 &&
      tl_iter_transposed(&it)) {
    /* out contiguous along cols, a along rows: a transpose, done in 8 x 8 register blocks (bit copies) */
    tl_iter_run_tiles(&it, copy_transposed_tile, &c, 1.0);
    return;
  }
  tl_iter_run(&it, plain ? copy_same_row : copy_cast_row, &c, 1.0);
}

/* ---- fill ------------------------------------------------------------------ */

typedef struct {
  tl_dtype d;
  float f;
  double v;
  int32_t i;
  uint8_t b;
} fill_ctx;

static void fill_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const fill_ctx *f = c;
  const int64_t so = s[0];
  switch (f->d) {
    case TL_F32: { float *o = (float *)p[0]; for (int64_t i = 0; i < n; i++) o[i * so] = f->f; break; }
    case TL_F64: { double *o = (double *)p[0]; for (int64_t i = 0; i < n; i++) o[i * so] = f->v; break; }
    case TL_I32: { int32_t *o = (int32_t *)p[0]; for (int64_t i = 0; i < n; i++) o[i * so] = f->i; break; }
    default:
      if (so == 1) memset(p[0], f->b, (size_t)n);
      else for (int64_t i = 0; i < n; i++) ((uint8_t *)p[0])[i * so] = f->b;
  }
}

void tl_fill(const tl_tensor *out, double value) {
  const tl_tensor *ops[1] = {out};
  tl_iter it;
  tl_iter_init(&it, 1, out->ndim, out->shape, ops, NULL);
  /* bool storage holds 0 / 1: any nonzero value (NaN too) is true, as the reference's fill */
  fill_ctx c = {out->dtype, (float)value, value, tl_to_int32(value), (uint8_t)(value != 0)};
  tl_iter_run(&it, fill_row, &c, 0.5);
}

/* ---- unary ----------------------------------------------------------------- */

typedef struct {
  int op;
  tl_dtype din, dout;
} op_ctx;

typedef void (*vec_fn)(float *, const float *, int64_t);

/* float32 ops done by the double-precision vector routines; strided rows go through a buffer */
static void unary_vec_f32(vec_fn fn, int64_t n, char **p, const int64_t *s) {
  if (s[0] == 1 && s[1] == 1) {
    fn((float *)p[0], (const float *)p[1], n);
    return;
  }
  float buf[256];
  for (int64_t i = 0; i < n; i += 256) {
    int64_t m = n - i < 256 ? n - i : 256;
    const float *a = (const float *)p[1] + i * s[1];
    float *o = (float *)p[0] + i * s[0];
    for (int64_t k = 0; k < m; k++) buf[k] = a[k * s[1]];
    fn(buf, buf, m);
    for (int64_t k = 0; k < m; k++) o[k * s[0]] = buf[k];
  }
}

static void unary_f32_row(const void *c, int64_t n, char **p, const int64_t *s) {
  switch (((const op_ctx *)c)->op) {
    case U_NEG: ROW2(float, float, -x); break;
    case U_ABS: ROW2(float, float, fabsf(x)); break;
    case U_SQRT: ROW2(float, float, sqrtf(x)); break;
    case U_RELU: ROW2(float, float, x < 0 ? 0.0f : x); break;
    case U_SIGN: ROW2(float, float, x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f); break;
    case U_FLOOR: ROW2(float, float, FLOOR_VIA_RINT(float, nearbyintf, copysignf, x)); break;
    case U_TRUNC: ROW2(float, float, TRUNC_VIA_RINT(float, nearbyintf, fabsf, copysignf, x)); break;
    case U_CEIL: ROW2(float, float, CEIL_VIA_RINT(float, nearbyintf, copysignf, x)); break;
    case U_ROUND: ROW2(float, float, nearbyintf(x)); break;
    case U_RECIPROCAL: ROW2(float, float, 1.0f / x); break;
    case U_EXP: unary_vec_f32(tl_vexp_f32, n, p, s); break;
    case U_LOG: unary_vec_f32(tl_vlog_f32, n, p, s); break;
    case U_TANH: unary_vec_f32(tl_vtanh_f32, n, p, s); break;
    case U_SIGMOID: unary_vec_f32(tl_vsigmoid_f32, n, p, s); break;
    case U_EXPM1: unary_vec_f32(tl_vexpm1_f32, n, p, s); break;
    case U_LOG1P: unary_vec_f32(tl_vlog1p_f32, n, p, s); break;
    case U_ERF: unary_vec_f32(tl_verf_f32, n, p, s); break;
    default: {
      const int op = ((const op_ctx *)c)->op;
      ROW2(float, float, (float)unary_scalar(op, x));
    }
  }
}

static void unary_f64_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  switch (op) {
    case U_NEG: ROW2(double, double, -x); break;
    case U_ABS: ROW2(double, double, fabs(x)); break;
    case U_SQRT: ROW2(double, double, sqrt(x)); break;
    case U_RELU: ROW2(double, double, x < 0 ? 0.0 : x); break;
    case U_SIGN: ROW2(double, double, x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0); break;
    case U_FLOOR: ROW2(double, double, FLOOR_VIA_RINT(double, nearbyint, copysign, x)); break;
    case U_TRUNC: ROW2(double, double, TRUNC_VIA_RINT(double, nearbyint, fabs, copysign, x)); break;
    case U_CEIL: ROW2(double, double, CEIL_VIA_RINT(double, nearbyint, copysign, x)); break;
    case U_ROUND: ROW2(double, double, nearbyint(x)); break;
    case U_RECIPROCAL: ROW2(double, double, 1.0 / x); break;
    case U_EXP: ROW2(double, double, exp(x)); break;
    case U_LOG: ROW2(double, double, log(x)); break;
    case U_TANH: ROW2(double, double, tanh(x)); break;
    default: ROW2(double, double, unary_scalar(op, x));
  }
}

/* isnan and not (to bool) for each input dtype, without the generic row's per-element load/store switches; the
 * results are 0/1 comparisons the compiler vectorizes (not: NaN is nonzero, so true gives false, as the reference) */
static void unary_to_bool_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const op_ctx *ctx = c;
  const int isnan_op = ctx->op == U_ISNAN;
  switch (ctx->din) {
    case TL_F32:
      if (isnan_op) ROW2(uint8_t, float, x != x);
      else ROW2(uint8_t, float, x == 0);
      break;
    case TL_F64:
      if (isnan_op) ROW2(uint8_t, double, x != x);
      else ROW2(uint8_t, double, x == 0);
      break;
    case TL_I32:
      if (isnan_op) ROW2(uint8_t, int32_t, 0 * x);
      else ROW2(uint8_t, int32_t, x == 0);
      break;
    default:
      if (isnan_op) ROW2(uint8_t, uint8_t, 0 * x);
      else ROW2(uint8_t, uint8_t, x == 0);
  }
}

static void unary_generic_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const op_ctx *x = c;
  const int eo = tl_esize(x->dout), ei = tl_esize(x->din);
  for (int64_t i = 0; i < n; i++)
    tl_store(p[0] + i * s[0] * eo, x->dout, unary_scalar(x->op, tl_load(p[1] + i * s[1] * ei, x->din)));
}

static double unary_cost(int op) {
  switch (op) {
    case U_NEG: case U_ABS: case U_RELU: case U_SIGN: case U_FLOOR: case U_CEIL: case U_ROUND: case U_TRUNC:
    case U_NOT: case U_ISNAN: return 1.0;
    case U_SQRT: case U_RECIPROCAL: return 2.0;
    default: return 16.0;
  }
}

void tl_unary(int op, const tl_tensor *out, const tl_tensor *a) {
  const tl_tensor *ops[2] = {out, a};
  tl_iter it;
  tl_iter_init(&it, 2, out->ndim, out->shape, ops, NULL);
  op_ctx c = {op, a->dtype, out->dtype};
  tl_row_fn fn = unary_generic_row;
  if ((op == U_NOT || op == U_ISNAN) && out->dtype == TL_BOOL) {
    fn = unary_to_bool_row;
  } else if (op != U_NOT && op != U_ISNAN && out->dtype == a->dtype) {
    if (a->dtype == TL_F32) fn = unary_f32_row;
    else if (a->dtype == TL_F64) fn = unary_f64_row;
  }
  tl_iter_run(&it, fn, &c, unary_cost(op));
}

/* ---- binary ---------------------------------------------------------------- */

#define FMAXNAN(x, y) ((x) != (x) || (y) != (y) ? (x) + (y) : (x) > (y) ? (x) : (y))
#define FMINNAN(x, y) ((x) != (x) || (y) != (y) ? (x) + (y) : (x) < (y) ? (x) : (y))

#define FLOAT_BINARY(T)                                      \
  switch (op) {                                              \
    case B_ADD: ROW3(T, T, x + y); return;                   \
    case B_SUB: ROW3(T, T, x - y); return;                   \
    case B_MUL: ROW3(T, T, x * y); return;                   \
    case B_DIV: ROW3(T, T, x / y); return;                   \
    case B_MAXIMUM: ROW3(T, T, FMAXNAN(x, y)); return;       \
    case B_MINIMUM: ROW3(T, T, FMINNAN(x, y)); return;       \
    case B_THRESHOLD_BACKWARD: ROW3(T, T, y <= 0 ? 0 : x); return; \
    default: ROW3(T, T, (T)binary_scalar(op, x, y)); return; \
  }

#define COMPARE(T)                                                        \
  switch (op) {                                                           \
    case B_EQ: ROW3(uint8_t, T, x == y); return;                          \
    case B_NE: ROW3(uint8_t, T, x != y); return;                          \
    case B_LT: ROW3(uint8_t, T, x < y); return;                           \
    case B_LE: ROW3(uint8_t, T, x <= y); return;                          \
    case B_GT: ROW3(uint8_t, T, x > y); return;                           \
    case B_GE: ROW3(uint8_t, T, x >= y); return;                          \
    /* & and | of 0/1 rather than && and ||: no branch per element */      \
    case B_AND: ROW3(uint8_t, T, (x != 0) & (y != 0)); return;            \
    case B_OR: ROW3(uint8_t, T, (x != 0) | (y != 0)); return;             \
    default: ROW3(uint8_t, T, (uint8_t)binary_scalar(op, x, y)); return;  \
  }

static void binary_f32_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  /* float32 in double neither overflows nor loses digits, and skips libm's slow generic paths;
     fmod is exact, so fmodf gives what fmod on the doubles would */
  if (op == B_HYPOT) {
    ROW3(float, float, isinf(x) || isinf(y) ? INFINITY : (float)sqrt((double)x * x + (double)y * y));
    return;
  }
  if (op == B_FMOD) {
    ROW3(float, float, fmodf(x, y));
    return;
  }
  FLOAT_BINARY(float)
}
static void binary_f64_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  FLOAT_BINARY(double)
}
static void compare_f32_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  COMPARE(float)
}
static void compare_f64_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  COMPARE(double)
}
static void compare_i32_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  COMPARE(int32_t)
}
static void compare_u8_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const int op = ((const op_ctx *)c)->op;
  COMPARE(uint8_t)
}
static void binary_i32_row(const void *c, int64_t n, char **p, const int64_t *s) {
  switch (((const op_ctx *)c)->op) {
    case B_ADD: ROW3(int32_t, int32_t, (int32_t)((uint32_t)x + (uint32_t)y)); return;
    case B_SUB: ROW3(int32_t, int32_t, (int32_t)((uint32_t)x - (uint32_t)y)); return;
    case B_MUL: ROW3(int32_t, int32_t, (int32_t)((uint32_t)x * (uint32_t)y)); return;
    case B_MAXIMUM: ROW3(int32_t, int32_t, x > y ? x : y); return;
    default: ROW3(int32_t, int32_t, x < y ? x : y); return; /* minimum */
  }
}

static void binary_generic_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const op_ctx *x = c;
  const int op = x->op;
  const int eo = tl_esize(x->dout), ei = tl_esize(x->din);
  const int int_op = x->din == TL_I32 && (op == B_ADD || op == B_SUB || op == B_MUL);
  for (int64_t i = 0; i < n; i++) {
    const char *pa = p[1] + i * s[1] * ei, *pb = p[2] + i * s[2] * ei;
    double v = int_op ? int_binary(op, *(const int32_t *)pa, *(const int32_t *)pb)
                      : binary_scalar(op, tl_load(pa, x->din), tl_load(pb, x->din));
    tl_store(p[0] + i * s[0] * eo, x->dout, v);
  }
}

void tl_binary(int op, const tl_tensor *out, const tl_tensor *a, const tl_tensor *b) {
  const tl_tensor *ops[3] = {out, a, b};
  tl_iter it;
  tl_iter_init(&it, 3, out->ndim, out->shape, ops, NULL);
  op_ctx c = {op, a->dtype, out->dtype};
  const tl_dtype d = a->dtype;
  tl_row_fn fn = binary_generic_row;
  double cost = 1.0;
  if (is_comparison(op) && out->dtype == TL_BOOL) {
    if (d == TL_F32) fn = compare_f32_row;
    else if (d == TL_F64) fn = compare_f64_row;
    else if (d == TL_I32) fn = compare_i32_row;
    else fn = compare_u8_row;
  } else if (out->dtype == d) {
    if (d == TL_F32) fn = binary_f32_row;
    else if (d == TL_F64) fn = binary_f64_row;
    else if (d == TL_I32 && (op == B_ADD || op == B_SUB || op == B_MUL || op == B_MAXIMUM || op == B_MINIMUM))
      fn = binary_i32_row;
  }
  if (op == B_POW || op == B_ATAN2 || op == B_REMAINDER || op == B_FMOD || op == B_HYPOT || op == B_LOGADDEXP ||
      op == B_XLOGY || op == B_DIV_FLOOR)
    cost = 16.0; /* libm calls: worth threads at fewer elements */
  tl_iter_run(&it, fn, &c, cost);
}

/* ---- clamp ----------------------------------------------------------------- */

typedef struct {
  tl_dtype din, dout;
  double lo, hi;
} clamp_ctx;

#define CLAMP(x) ((x) != (x) ? (x) : (x) < lo ? lo : (x) > hi ? hi : (x))
/* the same where lo <= hi (or a bound is NaN), without branches: a NaN x fails both tests and stays; vectorized (a
 * branch per element, mispredicted on random data, made clamp ~50x slower than relu) */
#define CLAMP_LH(T, x, l, h) ({ const T v_ = (x) < (l) ? (l) : (x); v_ > (h) ? (h) : v_; })

static void clamp_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const clamp_ctx *cc = c;
  const double lo = cc->lo, hi = cc->hi;
  if (!(lo > hi) && cc->din == TL_F32 && cc->dout == TL_F32) {
    ROW2(float, float, (float)CLAMP_LH(double, (double)x, lo, hi));
  } else if (!(lo > hi) && cc->din == TL_F64 && cc->dout == TL_F64) {
    ROW2(double, double, CLAMP_LH(double, x, lo, hi));
  } else if (cc->din == TL_F32 && cc->dout == TL_F32) {
    ROW2(float, float, (float)CLAMP((double)x));
  } else if (cc->din == TL_F64 && cc->dout == TL_F64) {
    ROW2(double, double, CLAMP(x));
  } else {
    const int eo = tl_esize(cc->dout), ei = tl_esize(cc->din);
    for (int64_t i = 0; i < n; i++) {
      double v = tl_load(p[1] + i * s[1] * ei, cc->din);
      tl_store(p[0] + i * s[0] * eo, cc->dout, CLAMP(v));
    }
  }
}

void tl_clamp(const tl_tensor *out, const tl_tensor *a, double lo, double hi) {
  const tl_tensor *ops[2] = {out, a};
  tl_iter it;
  tl_iter_init(&it, 2, out->ndim, out->shape, ops, NULL);
  clamp_ctx c = {a->dtype, out->dtype, lo, hi};
  tl_iter_run(&it, clamp_row, &c, 1.0);
}

/* ---- where ----------------------------------------------------------------- */

/* contiguous rows, with a scalar (stride-0) a or b read once: loops the compiler vectorizes (the strided
 * loop below branches on each condition, mispredicted at random: where(c, 0, x) took ~25x longer) */
#define WHERE_ROW(T)                                                                        \
  do {                                                                                      \
    T *restrict o = (T *)p[0];                                                              \
    const uint8_t *restrict cd = (const uint8_t *)p[1];                                     \
    const T *restrict a = (const T *)p[2], *restrict b = (const T *)p[3];                   \
    const int plain = s[0] == 1 && s[1] == 1;                                               \
    if (plain && s[2] == 1 && s[3] == 1) {                                                  \
      for (int64_t i = 0; i < n; i++) o[i] = cd[i] ? a[i] : b[i];                           \
    } else if (plain && s[2] == 0 && s[3] == 1) {                                           \
      const T av = a[0];                                                                    \
      for (int64_t i = 0; i < n; i++) o[i] = cd[i] ? av : b[i];                             \
    } else if (plain && s[2] == 1 && s[3] == 0) {                                           \
      const T bv = b[0];                                                                    \
      for (int64_t i = 0; i < n; i++) o[i] = cd[i] ? a[i] : bv;                             \
    } else if (plain && s[2] == 0 && s[3] == 0) {                                           \
      const T av = a[0], bv = b[0];                                                         \
      for (int64_t i = 0; i < n; i++) o[i] = cd[i] ? av : bv;                               \
    } else {                                                                                \
      for (int64_t i = 0; i < n; i++) o[i * s[0]] = cd[i * s[1]] ? a[i * s[2]] : b[i * s[3]]; \
    }                                                                                       \
  } while (0)

static void where_row(const void *c, int64_t n, char **p, const int64_t *s) {
  switch (*(const int *)c) {
    case 8: WHERE_ROW(uint64_t); break;
    case 4: WHERE_ROW(uint32_t); break;
    default: {
      /* bool: the reference copies a (normalising it to 0/1) and then b where cond is false */
      uint8_t *o = (uint8_t *)p[0];
      const uint8_t *cd = (const uint8_t *)p[1], *a = (const uint8_t *)p[2], *b = (const uint8_t *)p[3];
      for (int64_t i = 0; i < n; i++) o[i * s[0]] = cd[i * s[1]] ? a[i * s[2]] != 0 : b[i * s[3]];
    }
  }
}

void tl_where(const tl_tensor *out, const tl_tensor *cond, const tl_tensor *a, const tl_tensor *b) {
  const tl_tensor *ops[4] = {out, cond, a, b};
  tl_iter it;
  tl_iter_init(&it, 4, out->ndim, out->shape, ops, NULL);
  int es = tl_esize(out->dtype);
  tl_iter_run(&it, where_row, &es, 1.0);
}
