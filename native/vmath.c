/*
 * Vectorised exp/log/tanh/sigmoid for float32 arrays. Each lane is widened to
 * double and evaluated with ~1e-14 relative error before rounding back, so the
 * result is the correctly rounded float32 in all but rare ties: the same value
 * the reference backend gets from Math.exp in doubles. GCC vector extensions
 * keep this portable: with -march=native they become AVX-512 or AVX2 code.
 */
#include <string.h>

#include "torchlet.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));

static inline v8d splat(double x) { return (v8d){x, x, x, x, x, x, x, x}; }

/* a * b + c, fused where the hardware has it: the polynomial chains are latency-bound */
static inline v8d fma8(v8d a, v8d b, v8d c) {
#if defined(__AVX512F__)
  return (v8d)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#else
  return a * b + c;
#endif
}
static inline v8d sel(v8l mask, v8d a, v8d b) { return (v8d)(((v8l)a & mask) | ((v8l)b & ~mask)); }

/* float32 <-> double eight at a time: with AVX-512 one convert each way (GCC splits __builtin_convertvector's
 * into halves and reinserts them, which doubled the work of the loads and stores) */
static inline v8d load8(const float *p) {
#if defined(__AVX512F__)
  return (v8d)_mm512_cvtps_pd(_mm256_loadu_ps(p));
#else
  v8f f;
  memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, v8d);
#endif
}
static inline void store8(float *p, v8d x) {
#if defined(__AVX512F__)
  _mm256_storeu_ps(p, _mm512_cvtpd_ps((__m512d)x));
#else
  v8f f = __builtin_convertvector(x, v8f);
  memcpy(p, &f, sizeof f);
#endif
}

/* 1 / n! for the Taylor series of exp */
static const double inverse_factorial[] = {1.0, 1.0, 1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 720.0,
                                           1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 362880.0, 1.0 / 3628800.0,
                                           1.0 / 39916800.0, 1.0 / 479001600.0};

/* exp, accurate on [-200, 200]; beyond that 0 or +Inf (exact for float32 results and for the shifted sums of
 * softmax); NaN passes through. After the reduction |r| <= 0.347, and the Taylor series to `degree` (a constant
 * at each call, so the loop unrolls) leaves a truncation error below 3e-13 at degree 10, 2e-16 at degree 12. */
static inline v8d vexp_degree(v8d x0, const int degree) {
  v8d x = sel(x0 > splat(200.0), splat(200.0), x0);
  x = sel(x < splat(-200.0), splat(-200.0), x);
  const v8d shifter = splat(6755399441055744.0); /* 1.5 * 2^52: adding it rounds to an integer */
  v8d t = fma8(x, splat(1.4426950408889634), shifter);
  v8d k = t - shifter;
  v8d r = x - k * splat(6.93147180369123816490e-01); /* ln2 hi: k * hi is exact */
  r = r - k * splat(1.90821492927058770002e-10);     /* ln2 lo */
  v8d p = splat(inverse_factorial[degree]);
  for (int n = degree - 1; n >= 0; n--) p = fma8(p, r, splat(inverse_factorial[n]));
  v8l ki = __builtin_convertvector(k, v8l);
  v8d scale = (v8d)((ki + 1023) << 52);
  v8d res = p * scale;
  res = sel(x0 > splat(200.0), splat(INFINITY), res);
  return sel(x0 < splat(-200.0), splat(0.0), res);
}

static inline v8d vexp(v8d x0) { return vexp_degree(x0, 10); }

/* log of values that came from float32 (so no double subnormals). */
static inline v8d vlog(v8d x) {
  v8l bits = (v8l)x;
  v8l eb = (bits >> 52) & 0x7ff;
  v8d e = __builtin_convertvector(eb - 1023, v8d);
  v8d m = (v8d)((bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL); /* [1, 2) */
  v8l big = m > splat(1.4142135623730951);
  m = sel(big, m * splat(0.5), m);
  e = sel(big, e + splat(1.0), e);
  v8d s = (m - splat(1.0)) / (m + splat(1.0));
  v8d s2 = s * s;
  /* log(m) = 2 atanh(s) = 2 (s + s^3/3 + ...), |s| <= 0.1716 */
  v8d p = splat(1.0 / 17.0);
  p = fma8(p, s2, splat(1.0 / 15.0));
  p = fma8(p, s2, splat(1.0 / 13.0));
  p = fma8(p, s2, splat(1.0 / 11.0));
  p = fma8(p, s2, splat(1.0 / 9.0));
  p = fma8(p, s2, splat(1.0 / 7.0));
  p = fma8(p, s2, splat(1.0 / 5.0));
  p = fma8(p, s2, splat(1.0 / 3.0));
  p = fma8(p, s2, splat(1.0));
  v8d res = e * splat(6.93147180369123816490e-01) + (e * splat(1.90821492927058770002e-10) + splat(2.0) * s * p);
  res = sel(x == splat(INFINITY), splat(INFINITY), res);
  res = sel(x == splat(0.0), splat(-INFINITY), res);
  res = sel((x < splat(0.0)) | (x != x), splat(NAN), res);
  return res;
}

static inline v8d vtanh(v8d x) {
  v8l sign = (v8l)x & (int64_t)0x8000000000000000ULL;
  v8d ax = (v8d)((v8l)x & 0x7fffffffffffffffLL);
  v8d x2 = x * x;
  /* odd Taylor polynomial near 0, where 1 - 2/(e+1) would cancel */
  v8d ps = splat(62.0 / 2835.0);
  ps = fma8(ps, x2, splat(-17.0 / 315.0));
  ps = fma8(ps, x2, splat(2.0 / 15.0));
  ps = fma8(ps, x2, splat(-1.0 / 3.0));
  ps = x + x * (x2 * ps);
  v8d e = vexp(ax + ax);
  v8d t = splat(1.0) - splat(2.0) / (e + splat(1.0));
  t = (v8d)((v8l)t | sign);
  return sel(ax < splat(0.04), ps, t);
}

static inline v8d vsigmoid(v8d x) { return splat(1.0) / (splat(1.0) + vexp(-x)); }

/* expm1: near 0, where exp(x) - 1 would cancel, x times its Taylor series (degree 12 in x: |x| < 0.35 leaves a
 * truncation error under 2e-17 relative); elsewhere exp(x) - 1, which loses at most a factor 3.4 there. x times the
 * series keeps -0 (and tiny inputs) exact; NaN and the infinities come through exp. */
static inline v8d vexpm1(v8d x) {
  v8d p = splat(1.0 / 6227020800.0);
  p = fma8(p, x, splat(1.0 / 479001600.0));
  p = fma8(p, x, splat(1.0 / 39916800.0));
  p = fma8(p, x, splat(1.0 / 3628800.0));
  p = fma8(p, x, splat(1.0 / 362880.0));
  p = fma8(p, x, splat(1.0 / 40320.0));
  p = fma8(p, x, splat(1.0 / 5040.0));
  p = fma8(p, x, splat(1.0 / 720.0));
  p = fma8(p, x, splat(1.0 / 120.0));
  p = fma8(p, x, splat(1.0 / 24.0));
  p = fma8(p, x, splat(1.0 / 6.0));
  p = fma8(p, x, splat(0.5));
  p = fma8(p, x, splat(1.0));
  v8d ax = (v8d)((v8l)x & 0x7fffffffffffffffLL);
  /* exp to degree 12: the subtraction would magnify degree 10's error past float32's rounding more often */
  return sel(ax < splat(0.35), x * p, vexp_degree(x, 12) - splat(1.0));
}

/* log1p of values from float32: u = 1 + x rounds in double only when |x| < 2^-29, and log(u) - ((u - 1) - x) / u
 * takes that rounding back out (to second order). The correction is skipped where u is 0 or infinite (log gives
 * -Inf, +Inf) and at x = +-0, which stays itself; below -1 and at NaN log(u) is already NaN. */
static inline v8d vlog1p(v8d x) {
  const v8d u = splat(1.0) + x, lu = vlog(u);
  const v8d corrected = lu - ((u - splat(1.0)) - x) / u;
  const v8l finite_u = (u > splat(0.0)) & (u < splat(INFINITY));
  return sel(x == splat(0.0), x, sel(finite_u, corrected, lu));
}

/* erf's Maclaurin series, 2/sqrt(pi) (-1)^n / (n! (2n + 1)) for the power x^(2n+1), n = 0..18: on |x| < 1 the
 * first term left out is below 5e-18 of the sum */
static const double erf_series[19] = {
    1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252, 0.0052239776254421879,
    -0.00085483270234508533, 0.00012055332981789664, -1.492565035840625e-05, 1.6462114365889248e-06,
    -1.6365844691234924e-07, 1.4807192815879218e-08, -1.2290555301717928e-09, 9.4227590646504113e-11,
    -6.7113668551641105e-12, 4.4632242632864775e-13, -2.7835162072109215e-14, 1.6342614095367152e-15,
    -9.0639708428086728e-17, 4.7633480405150683e-18,
};

/* erfcx(x) = exp(x^2) erfc(x) on [1, 4] as a Chebyshev series in t = (2x - 5) / 3, degree 24: interpolated at the
 * Chebyshev nodes from 40-digit values (mpmath); evaluated in double it is within 5e-16 (relative) of erfcx there */
static const double erfcx_chebyshev[25] = {
    0.24442575284923573, -0.13589862891594598, 0.035635114148534972, -0.0088840986182224906, 0.0021184239975531771,
    -0.00048539876408003704, 0.00010727375453771771, -2.2936634481904863e-05, 4.7568746915755546e-06,
    -9.5899448326627693e-07, 1.8829006882958966e-07, -3.6063206621430913e-08, 6.7476020519374555e-09,
    -1.2349070423339859e-09, 2.2131501193372671e-10, -3.887955444797815e-11, 6.7013882532745021e-12,
    -1.1342374261032895e-12, 1.8865559201718085e-13, -3.0857804889828145e-14, 4.9667102653170587e-15,
    -7.8711529239667038e-16, 1.2288745382467138e-16, -1.8901614585436611e-17, 2.8062588492721175e-18,
};

/* erf of values from float32, for float32 results: the series below 1; 1 - exp(-x^2) erfcx(x) on [1, 4] (x^2 is
 * exact in double, and exp's series is taken to degree 12); from 4 on erfc < 1.6e-8, under half of float32's last
 * step below 1, so the result rounds to +-1 and is that. -0 stays -0 (x times the series), NaN stays NaN. */
static inline v8d verf(v8d x) {
  const v8l sign = (v8l)x & (int64_t)0x8000000000000000ULL;
  const v8d ax = (v8d)((v8l)x & 0x7fffffffffffffffLL), x2 = x * x;
  v8d series = splat(erf_series[18]);
  /* unrolled, so the four vectors VMAP hands over at a time interleave through these latency-bound chains */
#pragma GCC unroll 32
  for (int n = 17; n >= 0; n--) series = fma8(series, x2, splat(erf_series[n]));
  const v8d t = (ax + ax - splat(5.0)) * splat(1.0 / 3.0), t2 = t + t;
  v8d b1 = splat(0.0), b2 = splat(0.0); /* Clenshaw's recurrence */
#pragma GCC unroll 32
  for (int k = 24; k >= 1; k--) {
    const v8d b0 = fma8(t2, b1, splat(erfcx_chebyshev[k]) - b2);
    b2 = b1;
    b1 = b0;
  }
  const v8d erfcx = fma8(t, b1, splat(erfcx_chebyshev[0]) - b2);
  const v8d tail = sel(ax < splat(4.0), splat(1.0) - vexp_degree(-x2, 12) * erfcx, splat(1.0));
  const v8d result = sel(ax < splat(1.0), x * series, (v8d)((v8l)tail | sign));
  return sel(x != x, x, result);
}

/* four independent vectors per step keep the FMA pipes busy through the polynomial chains */
#define VMAP(name, fn)                                            \
  void name(float *out, const float *in, int64_t n) {            \
    int64_t i = 0;                                                 \
    for (; i + 32 <= n; i += 32) {                                 \
      v8d a = load8(in + i), b = load8(in + i + 8);                \
      v8d c = load8(in + i + 16), d = load8(in + i + 24);          \
      store8(out + i, fn(a));                                      \
      store8(out + i + 8, fn(b));                                  \
      store8(out + i + 16, fn(c));                                 \
      store8(out + i + 24, fn(d));                                 \
    }                                                              \
    for (; i < n; i += 8) {                                        \
      float buf[8] = {0};                                          \
      int64_t m = n - i < 8 ? n - i : 8;                           \
      memcpy(buf, in + i, (size_t)m * sizeof(float));              \
      store8(buf, fn(load8(buf)));                                 \
      memcpy(out + i, buf, (size_t)m * sizeof(float));              \
    }                                                              \
  }

VMAP(tl_vexp_f32, vexp)
VMAP(tl_vlog_f32, vlog)
VMAP(tl_vtanh_f32, vtanh)
VMAP(tl_vsigmoid_f32, vsigmoid)
VMAP(tl_vexpm1_f32, vexpm1)
VMAP(tl_vlog1p_f32, vlog1p)
VMAP(tl_verf_f32, verf)

double tl_vexp_shift_sum_f32(float *out, const float *in, int64_t n, double shift) {
  v8d acc = splat(0.0), acc1 = splat(0.0), acc2 = splat(0.0), acc3 = splat(0.0), sh = splat(shift);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    v8d e0 = vexp(load8(in + i) - sh), e1 = vexp(load8(in + i + 8) - sh);
    v8d e2 = vexp(load8(in + i + 16) - sh), e3 = vexp(load8(in + i + 24) - sh);
    acc += e0;
    acc1 += e1;
    acc2 += e2;
    acc3 += e3;
    if (out) {
      store8(out + i, e0);
      store8(out + i + 8, e1);
      store8(out + i + 16, e2);
      store8(out + i + 24, e3);
    }
  }
  acc = (acc + acc1) + (acc2 + acc3);
  for (; i + 8 <= n; i += 8) {
    v8d e = vexp(load8(in + i) - sh);
    acc += e;
    if (out) store8(out + i, e);
  }
  double sum = 0;
  for (int l = 0; l < 8; l++) sum += acc[l];
  if (i < n) {
    float buf[8];
    int64_t m = n - i;
    for (int l = 0; l < 8; l++) buf[l] = l < m ? in[i + l] : -INFINITY;
    v8d e = vexp(load8(buf) - sh);
    store8(buf, e);
    for (int l = 0; l < m; l++) {
      sum += e[l];
      if (out) out[i + l] = buf[l];
    }
  }
  return sum;
}
