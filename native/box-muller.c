/*
 * PyTorch's normal_fill_16 for src/ops/random.ts (randn, normal_):
 *
 *   boxMuller16(values, mean, std)
 *     values (a Float64Array, length a multiple of 16) holds uniforms in
 *     [0, 1); each block of 16 becomes normals in place: for j < 8,
 *     radius = sqrt(-2 log(1 - u[j])), theta = 2 pi u[j + 8],
 *     u[j] = radius cos(theta) std + mean, u[j + 8] = radius sin(theta) std + mean.
 *
 * Why here: the JS loop spends ~15 ms per million values in Math.log, cos
 * and sin, one value at a time. These are the same operations on eight
 * lanes at once, with log, sin and cos computed as fdlibm computes them
 * (its reduction and polynomials, the kernels' forms without branches), so
 * each is within an ulp of the true value, as V8's are: a result can differ
 * from the JS loop's in its last bit, which rounding to float32 all but
 * never shows (none in 8M draws). So the generator uses it for float32 only.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "args.h"

/* log(x) for a normal 0 < x <= 1: x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, then fdlibm's series in s = f / (2 + f) */
static inline double bm_log(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  const uint64_t hx = (bits >> 32) & 0x000fffff;
  const uint64_t i = (hx + 0x95f64) & 0x100000; /* m would be >= sqrt(2): halve it */
  const uint64_t mbits = ((hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffu);
  double m;
  memcpy(&m, &mbits, sizeof m);
  const double dk = (double)((int64_t)(bits >> 52) - 1023 + (int64_t)(i >> 20));
  const double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
  const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double R = t2 + t1, hfsq = 0.5 * f * f;
  return dk * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);
}

/* the biased exponent of x */
static inline int64_t bm_exponent(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return (int64_t)((bits >> 52) & 0x7ff);
}

/* pi/2 in 33-bit parts (fdlibm's pio2_1, pio2_2, pio2_3) and what each leaves (pio2_1t, ...) */
#define PIO2_1 1.57079632673412561417e+00
#define PIO2_1T 6.07710050650619224932e-11
#define PIO2_2 6.07710050630396597660e-11
#define PIO2_2T 2.02226624879595063154e-21
#define PIO2_3 2.02226624871116645580e-21
#define PIO2_3T 8.47842766036889956997e-32

/*
 * sin and cos of 0 <= x < 2 pi: x = k pi/2 + (y0 + y1) with |y0 + y1| <= pi/4
 * by fdlibm's reduction (a second and a third part of pi/2 where x is so
 * close to k pi/2 that the first leaves too few bits), then fdlibm's kernels
 * on [-pi/4, pi/4]. k * PIO2_1 is exact (k < 8), and so is x minus it.
 */
static inline void bm_sincos(double x, double *sn, double *cs) {
  const double k = nearbyint(x * 6.36619772367581382433e-01);
  const int64_t j = bm_exponent(x);
  double r = x - k * PIO2_1, w = k * PIO2_1T;
  if (j - bm_exponent(r - w) > 16) {
    const double t = r, u = k * PIO2_2;
    r = t - u;
    w = k * PIO2_2T - ((t - r) - u);
    if (j - bm_exponent(r - w) > 49) {
      const double t3 = r, u3 = k * PIO2_3;
      r = t3 - u3;
      w = k * PIO2_3T - ((t3 - r) - u3);
    }
  }
  const double y0 = r - w, y1 = (r - y0) - w;
  const double z = y0 * y0, v = z * y0;
  const double sr = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (2.75573137070700676789e-06 +
                    z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
  const double s = y0 - ((z * (0.5 * y1 - v * sr) - y1) - v * -1.66666666666666324348e-01);
  const double cr = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * (2.48015872894767294178e-05 +
                    z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
  const double hz = 0.5 * z, cw = 1.0 - hz;
  const double c = cw + (((1.0 - cw) - hz) + (z * cr - y0 * y1));
  /* quadrant k mod 4: (sin, cos) = (s, c), (c, -s), (-s, -c), (-c, s) */
  const double q = k - 4.0 * floor(k * 0.25); /* (as a double: no cast of an unbounded k) */
  *sn = q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c;
  *cs = q == 0 ? c : q == 1 ? -s : q == 2 ? -c : s;
}

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#define V __m512d
#define VI __m512i
#define C(x) _mm512_set1_pd(x)
#define CI(x) _mm512_set1_epi64(x)
#define ADD _mm512_add_pd
#define SUB _mm512_sub_pd
#define MUL _mm512_mul_pd

/* bm_log on eight lanes, operation for operation */
static inline V v_log(V x) {
  const VI bits = _mm512_castpd_si512(x);
  const VI hx = _mm512_and_si512(_mm512_srli_epi64(bits, 32), CI(0x000fffff));
  const VI i = _mm512_and_si512(_mm512_add_epi64(hx, CI(0x95f64)), CI(0x100000));
  const VI mhi = _mm512_or_si512(hx, _mm512_xor_si512(i, CI(0x3ff00000)));
  const V m = _mm512_castsi512_pd(_mm512_or_si512(_mm512_slli_epi64(mhi, 32), _mm512_and_si512(bits, CI(0xffffffff))));
  const V dk = _mm512_cvtepi64_pd(_mm512_add_epi64(_mm512_sub_epi64(_mm512_srli_epi64(bits, 52), CI(1023)), _mm512_srli_epi64(i, 20)));
  const V f = SUB(m, C(1.0)), s = _mm512_div_pd(f, ADD(C(2.0), f)), z = MUL(s, s), w = MUL(z, z);
  const V t1 = MUL(w, ADD(C(3.999999999940941908e-01), MUL(w, ADD(C(2.222219843214978396e-01), MUL(w, C(1.531383769920937332e-01))))));
  const V t2 = MUL(z, ADD(C(6.666666666666735130e-01), MUL(w, ADD(C(2.857142874366239149e-01), MUL(w, ADD(C(1.818357216161805012e-01), MUL(w, C(1.479819860511658591e-01))))))));
  const V R = ADD(t2, t1), hfsq = MUL(MUL(C(0.5), f), f);
  return SUB(MUL(dk, C(6.93147180369123816490e-01)), SUB(SUB(hfsq, ADD(MUL(s, ADD(hfsq, R)), MUL(dk, C(1.90821492927058770002e-10)))), f));
}

static inline VI v_exponent(V x) {
  return _mm512_and_si512(_mm512_srli_epi64(_mm512_castpd_si512(x), 52), CI(0x7ff));
}

/* the lanes where j - exponent(r - w) > gap: those take the next part of pi/2 */
static inline __mmask8 v_needs(VI j, V r, V w, int64_t gap) {
  return _mm512_cmpgt_epi64_mask(_mm512_sub_epi64(j, v_exponent(SUB(r, w))), CI(gap));
}

/* bm_sincos on eight lanes, operation for operation (each further part of pi/2 blended in where needed) */
static inline void v_sincos(V x, V *sn, V *cs) {
  const V k = _mm512_roundscale_pd(MUL(x, C(6.36619772367581382433e-01)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const VI j = v_exponent(x);
  V r = SUB(x, MUL(k, C(PIO2_1))), w = MUL(k, C(PIO2_1T));
  const __mmask8 second = v_needs(j, r, w, 16);
  if (second) {
    const V t = r, u = MUL(k, C(PIO2_2)), r2 = SUB(t, u);
    const V w2 = SUB(MUL(k, C(PIO2_2T)), SUB(SUB(t, r2), u));
    r = _mm512_mask_blend_pd(second, r, r2);
    w = _mm512_mask_blend_pd(second, w, w2);
    const __mmask8 third = second & v_needs(j, r, w, 49);
    if (third) {
      const V t3 = r, u3 = MUL(k, C(PIO2_3)), r3 = SUB(t3, u3);
      const V w3 = SUB(MUL(k, C(PIO2_3T)), SUB(SUB(t3, r3), u3));
      r = _mm512_mask_blend_pd(third, r, r3);
      w = _mm512_mask_blend_pd(third, w, w3);
    }
  }
  const V y0 = SUB(r, w), y1 = SUB(SUB(r, y0), w);
  const V z = MUL(y0, y0), v = MUL(z, y0);
  const V sr = ADD(C(8.33333333332248946124e-03), MUL(z, ADD(C(-1.98412698298579493134e-04), MUL(z, ADD(C(2.75573137070700676789e-06),
               MUL(z, ADD(C(-2.50507602534068634195e-08), MUL(z, C(1.58969099521155010221e-10)))))))));
  const V s = SUB(y0, SUB(SUB(MUL(z, SUB(MUL(C(0.5), y1), MUL(v, sr))), y1), MUL(v, C(-1.66666666666666324348e-01))));
  const V cr = MUL(z, ADD(C(4.16666666666666019037e-02), MUL(z, ADD(C(-1.38888888888741095749e-03), MUL(z, ADD(C(2.48015872894767294178e-05),
               MUL(z, ADD(C(-2.75573143513906633035e-07), MUL(z, ADD(C(2.08757232129817482790e-09), MUL(z, C(-1.13596475577881948265e-11))))))))))));
  const V hz = MUL(C(0.5), z), cw = SUB(C(1.0), hz);
  const V c = ADD(cw, ADD(SUB(SUB(C(1.0), cw), hz), SUB(MUL(z, cr), MUL(y0, y1))));
  const V q = SUB(k, MUL(C(4.0), _mm512_roundscale_pd(MUL(k, C(0.25)), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)));
  const V ns = _mm512_xor_pd(s, C(-0.0)), nc = _mm512_xor_pd(c, C(-0.0));
  const __mmask8 q0 = _mm512_cmp_pd_mask(q, C(0.0), _CMP_EQ_OQ), q1 = _mm512_cmp_pd_mask(q, C(1.0), _CMP_EQ_OQ);
  const __mmask8 q2 = _mm512_cmp_pd_mask(q, C(2.0), _CMP_EQ_OQ);
  /* as the scalar chain: q 0, 1, 2, else */
  *sn = _mm512_mask_blend_pd(q0, _mm512_mask_blend_pd(q1, _mm512_mask_blend_pd(q2, nc, ns), c), s);
  *cs = _mm512_mask_blend_pd(q0, _mm512_mask_blend_pd(q1, _mm512_mask_blend_pd(q2, s, nc), ns), c);
}
#define HAVE_V 1
#else
#define HAVE_V 0
#endif

static void box_muller16(double *v, int64_t blocks, double mean, double std) {
#if HAVE_V
  for (; blocks > 0; blocks--, v += 16) {
    const V radius = _mm512_sqrt_pd(MUL(C(-2.0), v_log(SUB(C(1.0), _mm512_loadu_pd(v)))));
    V sn, cs;
    v_sincos(MUL(C(2.0 * 3.14159265358979311600e+00), _mm512_loadu_pd(v + 8)), &sn, &cs);
    _mm512_storeu_pd(v, ADD(MUL(MUL(radius, cs), C(std)), C(mean)));
    _mm512_storeu_pd(v + 8, ADD(MUL(MUL(radius, sn), C(std)), C(mean)));
  }
#endif
  for (int64_t b = 0; b < blocks; b++, v += 16) {
    for (int j = 0; j < 8; j++) {
      const double radius = sqrt(-2.0 * bm_log(1.0 - v[j]));
      double sn, cs;
      bm_sincos(2.0 * 3.14159265358979311600e+00 * v[j + 8], &sn, &cs);
      v[j] = radius * cs * std + mean;
      v[j + 8] = radius * sn * std + mean;
    }
  }
}

napi_value tl_js_box_muller16(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) return tl_fail(env, "boxMuller16", "expected (values, mean, std), got %zu arguments", argc);
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length;
  void *data = NULL;
  if (napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array)
    return tl_fail(env, "boxMuller16", "values must be a Float64Array");
  if (length % 16 != 0) return tl_fail(env, "boxMuller16", "values must hold a multiple of 16 numbers, got %zu", length);
  double mean, std;
  if (!tl_get_number(env, "boxMuller16", "mean", argv[1], &mean) || !tl_get_number(env, "boxMuller16", "std", argv[2], &std))
    return NULL;
  box_muller16(data, (int64_t)(length / 16), mean, std);
  return NULL;
}
