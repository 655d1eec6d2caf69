/*
 * Reductions: reduce (sum/prod/max/min over axes), argReduce, softmax.
 * Like the reference, reduce accumulates in doubles into a dense buffer of
 * out's shape (reduced axes stride 0) while walking `a` in its own order, then
 * casts into out. Rows that fold into one accumulator use 8 partial sums;
 * rows that run along the accumulator vectorise as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "torchlet.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

const char *const tl_reduce_names[R_COUNT] = {"sum", "prod", "max", "min"};

typedef double v8d __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef int64_t v8l __attribute__((vector_size(64)));

static const double REDUCE_INIT[R_COUNT] = {0.0, 1.0, -INFINITY, INFINITY};

/* reference step: max keeps a NaN once seen and takes the first NaN */
#define MAXSTEP(acc, v) ((acc) != (acc) ? (acc) : ((v) > (acc) || (v) != (v)) ? (v) : (acc))
#define MINSTEP(acc, v) ((acc) != (acc) ? (acc) : ((v) < (acc) || (v) != (v)) ? (v) : (acc))

typedef struct {
  int op;
  tl_dtype d;
} red_ctx;

static inline v8d load8d(const char *p, tl_dtype d) {
  if (d == TL_F64) {
    v8d v;
    memcpy(&v, p, sizeof v);
    return v;
  }
#if defined(__AVX512F__)
  /* one widening convert (GCC splits __builtin_convertvector's into halves and reinserts them: ~2x the work) */
  return (v8d)_mm512_cvtps_pd(_mm256_loadu_ps((const float *)p));
#else
  v8f f;
  memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, v8d);
#endif
}

/* fold n contiguous float elements into *acc */
static void fold_contig(int op, tl_dtype d, const char *p, int64_t n, double *acc) {
  const int es = tl_esize(d);
  int64_t i = 0;
  if (op == R_SUM) {
    /* four independent sums hide the add latency */
    v8d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    for (; i + 32 <= n; i += 32) {
      s0 += load8d(p + i * es, d);
      s1 += load8d(p + (i + 8) * es, d);
      s2 += load8d(p + (i + 16) * es, d);
      s3 += load8d(p + (i + 24) * es, d);
    }
    for (; i + 8 <= n; i += 8) s0 += load8d(p + i * es, d);
    v8d s = (s0 + s1) + (s2 + s3);
    double t = *acc;
    for (int l = 0; l < 8; l++) t += s[l];
    for (; i < n; i++) t += tl_load(p + i * es, d);
    *acc = t;
  } else { /* max / min: lane extremes plus a NaN flag, four vectors apart so their blends overlap */
    if (*acc != *acc) return;
    const double init = *acc;
    v8d m0 = {init, init, init, init, init, init, init, init}, m1 = m0, m2 = m0, m3 = m0;
    v8l nan = {0};
#define TAKE(m, v)                                                  \
  do {                                                              \
    v8l take = op == R_MAX ? (v > m) : (v < m);                     \
    m = (v8d)(((v8l)v & take) | ((v8l)m & ~take));                  \
    nan |= v != v;                                                  \
  } while (0)
    for (; i + 32 <= n; i += 32) {
      v8d v0 = load8d(p + i * es, d), v1 = load8d(p + (i + 8) * es, d);
      v8d v2 = load8d(p + (i + 16) * es, d), v3 = load8d(p + (i + 24) * es, d);
      TAKE(m0, v0);
      TAKE(m1, v1);
      TAKE(m2, v2);
      TAKE(m3, v3);
    }
    for (; i + 8 <= n; i += 8) {
      v8d v = load8d(p + i * es, d);
      TAKE(m0, v);
    }
#undef TAKE
    double t = init;
    int anynan = 0;
    for (int l = 0; l < 8; l++) {
      anynan |= nan[l] != 0;
      const double lane[4] = {m0[l], m1[l], m2[l], m3[l]};
      for (int q = 0; q < 4; q++) t = op == R_MAX ? (lane[q] > t ? lane[q] : t) : (lane[q] < t ? lane[q] : t);
    }
    if (anynan) {
      *acc = NAN;
      return;
    }
    for (; i < n; i++) {
      double v = tl_load(p + i * es, d);
      t = op == R_MAX ? MAXSTEP(t, v) : MINSTEP(t, v);
    }
    *acc = t;
  }
}

static void reduce_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const red_ctx *r = c;
  const tl_dtype d = r->d;
  const int es = tl_esize(d);
  const int64_t sa = s[0], sc = s[1];
  double *acc = (double *)p[1];
  if (sc == 0) {
    if (sa == 1 && (d == TL_F32 || d == TL_F64) && r->op != R_PROD) {
      fold_contig(r->op, d, p[0], n, acc);
      return;
    }
    double t = *acc;
    switch (r->op) {
      case R_SUM: for (int64_t i = 0; i < n; i++) t += tl_load(p[0] + i * sa * es, d); break;
      case R_PROD: for (int64_t i = 0; i < n; i++) t *= tl_load(p[0] + i * sa * es, d); break;
      case R_MAX: for (int64_t i = 0; i < n; i++) { double v = tl_load(p[0] + i * sa * es, d); t = MAXSTEP(t, v); } break;
      default: for (int64_t i = 0; i < n; i++) { double v = tl_load(p[0] + i * sa * es, d); t = MINSTEP(t, v); } break;
    }
    *acc = t;
    return;
  }
#define ALONG(T)                                                                                  \
  do {                                                                                            \
    const T *a = (const T *)p[0];                                                                 \
    switch (r->op) {                                                                              \
      case R_SUM: for (int64_t i = 0; i < n; i++) acc[i * sc] += a[i * sa]; break;                \
      case R_PROD: for (int64_t i = 0; i < n; i++) acc[i * sc] *= a[i * sa]; break;               \
      case R_MAX: for (int64_t i = 0; i < n; i++) { double v = a[i * sa], t = acc[i * sc]; acc[i * sc] = MAXSTEP(t, v); } break; \
      default: for (int64_t i = 0; i < n; i++) { double v = a[i * sa], t = acc[i * sc]; acc[i * sc] = MINSTEP(t, v); } break;   \
    }                                                                                             \
  } while (0)
  if (sa == 1 && sc == 1) {
    /* the contiguous case separately, so that it vectorises */
    switch (d) {
      case TL_F32: ALONG(float); break;
      case TL_F64: ALONG(double); break;
      case TL_I32: ALONG(int32_t); break;
      default: ALONG(uint8_t); break;
    }
    return;
  }
  switch (d) {
    case TL_F32: ALONG(float); break;
    case TL_F64: ALONG(double); break;
    case TL_I32: ALONG(int32_t); break;
    default: ALONG(uint8_t); break;
  }
#undef ALONG
}

typedef struct {
  const tl_iter *it;
  red_ctx rc;
  int64_t inner;   /* elements per step of the outermost iteration dim */
  int64_t outer;   /* size of that dim */
  int64_t pieces;  /* > 0: piece p folds outer range p into its own accumulator copy */
  double *acc;     /* [pieces][nacc] */
  int64_t nacc;
} red_job;

/* outer-dim range [b, e) into the shared accumulator: the outer dim is kept, so ranges touch disjoint outputs */
static void reduce_rows(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const red_job *j = arg;
  tl_iter_range(j->it, b * j->inner, e * j->inner, reduce_row, &j->rc);
}

/* pieces [b, e): the outer dim is reduced, so each piece sums into its own copy */
static void reduce_pieces(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const red_job *j = arg;
  for (int64_t p = b; p < e; p++) {
    tl_iter it = *j->it;
    it.base[1] = (char *)(j->acc + p * j->nacc);
    const int64_t r0 = j->outer * p / j->pieces, r1 = j->outer * (p + 1) / j->pieces;
    tl_iter_range(&it, r0 * j->inner, r1 * j->inner, reduce_row, &j->rc);
  }
}

int tl_reduce(int op, const tl_tensor *out, const tl_tensor *a, const int *reduced) {
  const int64_t nacc = out->numel;
  int64_t acc_strides[TL_MAXDIM];
  int64_t st = 1;
  for (int d = a->ndim - 1; d >= 0; d--) {
    acc_strides[d] = reduced[d] ? 0 : st;
    st *= out->shape[d];
  }
  tl_tensor acct;
  memset(&acct, 0, sizeof acct);
  acct.dtype = TL_F64;
  acct.ndim = a->ndim;
  const tl_tensor *ops[2] = {a, &acct};
  const int64_t *strides[2] = {NULL, acc_strides};
  tl_iter it;
  tl_iter_init(&it, 2, a->ndim, a->shape, ops, strides);

  /*
   * Large reductions split the outermost dim. When it is kept, ranges of it
   * own disjoint outputs. When it is reduced, it is cut into pieces that
   * depend on the shape alone, each summed into its own accumulator and
   * combined in order: the result does not depend on thread count or timing.
   * prod stays sequential (like the reference, in a's order).
   */
  const int big = op != R_PROD && it.numel >= 65536 && it.shape[0] >= 2;
  const int outer_reduced = it.strides[1][0] == 0;
  int64_t pieces = 1;
  if (big && outer_reduced) {
    pieces = it.shape[0] < 8 ? it.shape[0] : 8;
    const int64_t cap = ((int64_t)1 << 22) / (nacc > 0 ? nacc : 1); /* at most 32 MB of copies */
    if (pieces > cap) pieces = cap < 1 ? 1 : cap;
  }
  double *acc = malloc(sizeof(double) * (size_t)(nacc > 0 ? nacc : 1) * (size_t)pieces);
  if (!acc) return -1;
  for (int64_t i = 0; i < nacc * pieces; i++) acc[i] = REDUCE_INIT[op];
  it.base[1] = (char *)acc;

  if (it.numel > 0) {
    red_job j = {&it, {op, a->dtype}, it.numel / it.shape[0], it.shape[0], pieces, acc, nacc};
    const int nt = tl_threads_for((double)it.numel);
    if (pieces > 1) {
      tl_parallel_for(pieces, 1, nt, reduce_pieces, &j);
      for (int64_t p = 1; p < pieces; p++) {
        const double *o = acc + p * nacc;
        for (int64_t i = 0; i < nacc; i++) {
          double x = acc[i], y = o[i];
          if (op == R_SUM) acc[i] = x + y;
          else if (op == R_MAX) acc[i] = MAXSTEP(x, y);
          else acc[i] = MINSTEP(x, y);
        }
      }
    } else if (big && !outer_reduced && nt > 1) {
      int64_t grain = it.shape[0] / (4 * nt);
      tl_parallel_for(it.shape[0], grain < 1 ? 1 : grain, nt, reduce_rows, &j);
    } else {
      tl_iter_range(&it, 0, it.numel, reduce_row, &j.rc);
    }
  }
  tl_tensor dense;
  memset(&dense, 0, sizeof dense);
  dense.data = (char *)acc;
  dense.dtype = TL_F64;
  dense.ndim = out->ndim;
  dense.length = nacc;
  dense.numel = nacc;
  st = 1;
  for (int d = out->ndim - 1; d >= 0; d--) {
    dense.shape[d] = out->shape[d];
    dense.strides[d] = st;
    st *= out->shape[d];
  }
  tl_copy(out, &dense);
  free(acc);
  return 0;
}

/* ---- argReduce --------------------------------------------------------------- */

typedef struct {
  int is_max;
  tl_dtype d, dv;
  int has_values;
  int64_t len, step; /* along the axis, in elements of a */
} arg_ctx;

#define ARGSCAN(T)                                                        \
  do {                                                                    \
    const T *x = (const T *)pa;                                           \
    double best = x[0];                                                   \
    if (c->is_max) {                                                      \
      for (int64_t k = 1; k < len && best == best; k++) {                 \
        double v = x[k * step];                                           \
        if (v != v || v > best) { best = v; at = k; }                     \
      }                                                                   \
    } else {                                                              \
      for (int64_t k = 1; k < len && best == best; k++) {                 \
        double v = x[k * step];                                           \
        if (v != v || v < best) { best = v; at = k; }                     \
      }                                                                   \
    }                                                                     \
    bestv = best;                                                         \
  } while (0)

/*
 * The reference's answer for a contiguous float line, in two vectorized
 * passes: its extreme (NaN if it holds one), then the first element equal
 * to it (or the first NaN). That is the element the sequential scan ends
 * on, since it only moves to a strictly better value, and -0 == 0 makes the
 * first of a tie of zeros win either way. Returns its index, its value in *best.
 */
#define ARG_TWO_PASS_MIN 64
static int64_t arg_two_pass(int is_max, tl_dtype d, const char *p, int64_t n, double *best) {
  double m = is_max ? -INFINITY : INFINITY;
  fold_contig(is_max ? R_MAX : R_MIN, d, p, n, &m);
  int64_t k = 0;
  /* both searches stop inside the line: m is one of its elements (or NaN when one is) */
  if (d == TL_F32) {
    const float *x = (const float *)p;
    if (m != m) {
      while (x[k] == x[k]) k++;
    } else {
      while (x[k] != m) k++;
    }
  } else {
    const double *x = (const double *)p;
    if (m != m) {
      while (x[k] == x[k]) k++;
    } else {
      while (x[k] != m) k++;
    }
  }
  *best = tl_load(p + k * tl_esize(d), d);
  return k;
}

/*
 * Lines side by side (line i + 1 starts one element after line i, the axis
 * strided): ARG_BLOCK of them walk down the axis together, each with the
 * reference's step written as selects (no update once a NaN is held; a NaN
 * or a strictly better value takes over), so the loop over lines vectorizes
 * and reads whole cache lines instead of one element per line per row.
 */
#define ARG_BLOCK 32
#define ARG_COLUMNS(T)                                                                  \
  do {                                                                                  \
    const T *x = (const T *)pa;                                                         \
    double best[ARG_BLOCK];                                                             \
    int32_t at[ARG_BLOCK];                                                              \
    for (int g = 0; g < ARG_BLOCK; g++) {                                               \
      best[g] = g < m ? x[g] : 0;                                                       \
      at[g] = 0;                                                                        \
    }                                                                                   \
    for (int64_t k = 1; k < len; k++) {                                                 \
      const T *xk = x + k * step;                                                       \
      if (m == ARG_BLOCK) {                                                             \
        for (int g = 0; g < ARG_BLOCK; g++) {                                           \
          const double v = xk[g], b = best[g];                                          \
          const int take = (b == b) & ((v != v) | (c->is_max ? v > b : v < b));         \
          best[g] = take ? v : b;                                                       \
          at[g] = take ? (int32_t)k : at[g];                                            \
        }                                                                               \
      } else {                                                                          \
        for (int g = 0; g < m; g++) {                                                   \
          const double v = xk[g], b = best[g];                                          \
          const int take = (b == b) & ((v != v) | (c->is_max ? v > b : v < b));         \
          best[g] = take ? v : b;                                                       \
          at[g] = take ? (int32_t)k : at[g];                                            \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
    for (int g = 0; g < m; g++) {                                                       \
      ((int32_t *)p[0])[(i + g) * s[0]] = at[g];                                        \
      if (c->has_values) tl_store(p[1] + (i + g) * s[1] * ev, c->dv, best[g]);          \
    }                                                                                   \
  } while (0)

static void arg_row(const void *cv, int64_t n, char **p, const int64_t *s) {
  const arg_ctx *c = cv;
  const int64_t len = c->len, step = c->step;
  const int ea = tl_esize(c->d), ev = tl_esize(c->dv);
  if (s[2] == 1 && step != 1 && c->d != TL_BOOL && n >= 8) {
    for (int64_t i = 0; i < n; i += ARG_BLOCK) {
      const char *pa = p[2] + i * ea;
      const int m = n - i < ARG_BLOCK ? (int)(n - i) : ARG_BLOCK;
      switch (c->d) {
        case TL_F32: ARG_COLUMNS(float); break;
        case TL_F64: ARG_COLUMNS(double); break;
        default: ARG_COLUMNS(int32_t); break;
      }
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    const char *pa = p[2] + i * s[2] * ea;
    int64_t at = 0;
    double bestv;
    if (step == 1 && len >= ARG_TWO_PASS_MIN && (c->d == TL_F32 || c->d == TL_F64)) {
      at = arg_two_pass(c->is_max, c->d, pa, len, &bestv);
    } else switch (c->d) {
      case TL_F32: ARGSCAN(float); break;
      case TL_F64: ARGSCAN(double); break;
      case TL_I32: ARGSCAN(int32_t); break;
      default: ARGSCAN(uint8_t); break;
    }
    ((int32_t *)p[0])[i * s[0]] = (int32_t)at;
    if (c->has_values) tl_store(p[1] + i * s[1] * ev, c->dv, bestv);
  }
}

void tl_arg_reduce(int is_max, const tl_tensor *values, const tl_tensor *indices, const tl_tensor *a, int axis) {
  const tl_tensor *ops[3] = {indices, values ? values : indices, a};
  tl_iter it;
  tl_iter_init(&it, 3, indices->ndim, indices->shape, ops, NULL);
  arg_ctx c = {is_max, a->dtype, values ? values->dtype : TL_I32, values != NULL, a->shape[axis], a->strides[axis]};
  if (c.len == 0) return; /* nothing to scan (the caller checked that there is no output either) */
  tl_iter_run(&it, arg_row, &c, (double)c.len);
}

/* ---- softmax ----------------------------------------------------------------- */

typedef struct {
  const tl_tensor *out, *a;
  int log;
} sm_job;

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

/* max of a float row, NaN if it holds one (the reference's sticky NaN) */
static double row_max_f32(const float *x, int64_t n) {
  int64_t i = 0;
  double m = -INFINITY;
#if defined(__AVX512F__)
  if (n >= 64) {
    __m512 m0 = _mm512_set1_ps(-INFINITY), m1 = m0, m2 = m0, m3 = m0;
    __mmask16 nan = 0;
    for (; i + 64 <= n; i += 64) {
      const __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
      const __m512 v2 = _mm512_loadu_ps(x + i + 32), v3 = _mm512_loadu_ps(x + i + 48);
      nan |= _mm512_cmp_ps_mask(v0, v1, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(v2, v3, _CMP_UNORD_Q);
      m0 = _mm512_max_ps(m0, v0);
      m1 = _mm512_max_ps(m1, v1);
      m2 = _mm512_max_ps(m2, v2);
      m3 = _mm512_max_ps(m3, v3);
    }
    if (nan) return NAN;
    m = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(m0, m1), _mm512_max_ps(m2, m3)));
  }
#endif
  for (; i < n; i++) {
    double v = x[i];
    if (v > m || v != v) m = v;
    if (m != m) return m;
  }
  return m;
}

static void softmax_rows(void *arg, int64_t r0, int64_t r1, int tid) {
  (void)tid;
  const sm_job *j = arg;
  const tl_tensor *out = j->out, *a = j->a;
  const int64_t n = a->shape[1];
  const int64_t sa = a->strides[1], so = out->strides[1];
  for (int64_t r = r0; r < r1; r++) {
    if (a->dtype == TL_F32 && sa == 1 && so == 1) {
      const float *x = (const float *)tl_first(a) + r * a->strides[0];
      float *o = (float *)tl_first(out) + r * out->strides[0];
      double m = row_max_f32(x, n);
      if (m == -INFINITY) m = 0;
      if (j->log) {
        double ls = log(tl_vexp_shift_sum_f32(NULL, x, n, m));
        for (int64_t k = 0; k < n; k++) o[k] = (float)((double)x[k] - m - ls);
      } else {
        const double inv = 1.0 / tl_vexp_shift_sum_f32(o, x, n, m);
        for (int64_t k = 0; k < n; k++) o[k] = (float)((double)o[k] * inv);
      }
      continue;
    }
    /* general rows: the reference's three passes in doubles */
    const int ea = tl_esize(a->dtype), eo = tl_esize(out->dtype);
    const char *x = tl_first(a) + r * a->strides[0] * ea;
    char *o = tl_first(out) + r * out->strides[0] * eo;
    double m = -INFINITY;
    for (int64_t k = 0; k < n; k++) {
      double v = tl_load(x + k * sa * ea, a->dtype);
      if (v > m || v != v) m = v;
    }
    if (m == -INFINITY) m = 0;
    double sum = 0;
    for (int64_t k = 0; k < n; k++) sum += exp(tl_load(x + k * sa * ea, a->dtype) - m);
    const double ls = log(sum);
    for (int64_t k = 0; k < n; k++) {
      double z = tl_load(x + k * sa * ea, a->dtype) - m;
      tl_store(o + k * so * eo, out->dtype, j->log ? z - ls : exp(z) / sum);
    }
  }
}

void tl_softmax(const tl_tensor *out, const tl_tensor *a, int log) {
  sm_job j = {out, a, log};
  if (a->numel == 0) return;
  const int nt = tl_threads_for((double)a->numel * 8);
  const int64_t grain = 4096 / (a->shape[1] + 1) + 1;
  tl_parallel_for(a->shape[0], grain, nt, softmax_rows, &j);
}
