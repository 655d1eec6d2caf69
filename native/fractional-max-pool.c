/*
 * fractionalMaxPool2d(values, indices, x, startsH, startsW, kH, kW)
 *
 * F.fractional_max_pool2d's forward once its windows are placed (the JS
 * side computes each plane's window starts, as PyTorch's
 * generate_intervals, in src/ops/fractional-max-pool.ts):
 *
 *   values [P, oH, oW], indices (int32) [P, oH, oW] = the max of each
 *   kH x kW window of x [P, H, W] and its position h * W + w in the plane,
 *   window (h, w) of plane p starting at row startsH[p, h], column
 *   startsW[p, w]. Each window is scanned in row-major order from its first
 *   element: a larger value or a NaN takes over (so the last NaN wins), and
 *   a window of nothing but -Infinity keeps its first position.
 *
 * x, values and indices contiguous; x and values both float32 or both
 * float64; startsH int32 [P, oH] and startsW int32 [P, oW], contiguous, each
 * start in [0, H - kH] (or [0, W - kW]). Every operand is read and checked,
 * starts included, before any memory is touched. Planes go over the pool.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

typedef struct {
  int f32;
  int64_t H, W, oH, oW, kH, kW;
  const char *x;
  char *values;
  int32_t *indices;
  const int32_t *sh, *sw;
  int failed; /* a thread could not get its scratch */
} fmp_job;

/*
 * The scan's winner, found in two vectorizable passes instead of one
 * sequential (and, on random data, mispredicted) compare per element. The
 * row-major scan keeps, when the window holds no NaN, the first element
 * equal to its max, and otherwise its last NaN. So each column of the
 * window's rows first gives its own winner (value and row: the first row
 * equal to the column's max, or the last NaN row), over all W columns at
 * once; then each window takes among its kW column winners the last NaN in
 * row-major order (largest row, then largest column) if any, else the max
 * with the smallest row, then the smallest column. Same value bits and
 * position as the scan.
 */
typedef struct {
  void *cv, *bv;            /* column winners' values [W], window winners' values [oW] */
  int32_t *cr, *br, *bc;    /* their rows [W] / [oW], and the window winners' columns [oW] */
} fmp_scratch;

#define PLANE(T)                                                                                   \
  static void plane_##T(const fmp_job *j, const fmp_scratch *sc, int64_t p) {                    \
    const T *x = (const T *)j->x + p * j->H * j->W;                                               \
    T *v = (T *)j->values + p * j->oH * j->oW;                                                    \
    int32_t *ix = j->indices + p * j->oH * j->oW;                                                 \
    const int32_t *sh = j->sh + p * j->oH, *sw = j->sw + p * j->oW;                               \
    const int64_t W = j->W, kH = j->kH, kW = j->kW, oW = j->oW;                                   \
    T *restrict cv = sc->cv, *restrict bv = sc->bv;                                               \
    int32_t *restrict cr = sc->cr, *restrict br = sc->br, *restrict bc = sc->bc;                  \
    for (int64_t h = 0; h < j->oH; h++) {                                                         \
      const int64_t h0 = sh[h];                                                                   \
      const T *top = x + h0 * W;                                                                  \
      for (int64_t c = 0; c < W; c++) {                                                           \
        cv[c] = top[c];                                                                           \
        cr[c] = 0;                                                                                \
      }                                                                                           \
      for (int32_t r = 1; r < kH; r++) {                                                          \
        const T *row = top + r * W;                                                               \
        for (int64_t c = 0; c < W; c++) {                                                         \
          const T e = row[c], b = cv[c];                                                          \
          const int take = (e > b) | (e != e);                                                    \
          cv[c] = take ? e : b;                                                                   \
          cr[c] = take ? r : cr[c];                                                               \
        }                                                                                         \
      }                                                                                           \
      for (int64_t w = 0; w < oW; w++) {                                                          \
        const int32_t c = sw[w];                                                                  \
        bv[w] = cv[c];                                                                            \
        br[w] = cr[c];                                                                            \
        bc[w] = c;                                                                                \
      }                                                                                           \
      for (int32_t dc = 1; dc < kW; dc++) {                                                       \
        for (int64_t w = 0; w < oW; w++) {                                                        \
          const int32_t c = sw[w] + dc;                                                           \
          const T e = cv[c], b = bv[w];                                                           \
          const int32_t r = cr[c], rb = br[w];                                                    \
          const int en = e != e, bn = b != b;                                                     \
          const int take = (en & ((bn ^ 1) | (r >= rb))) |                                        \
                           ((en ^ 1) & (bn ^ 1) & ((e > b) | ((e == b) & (r < rb))));             \
          bv[w] = take ? e : b;                                                                   \
          br[w] = take ? r : rb;                                                                  \
          bc[w] = take ? c : bc[w];                                                               \
        }                                                                                         \
      }                                                                                           \
      for (int64_t w = 0; w < oW; w++) {                                                          \
        v[h * oW + w] = bv[w];                                                                    \
        ix[h * oW + w] = (int32_t)((h0 + br[w]) * W + bc[w]);                                     \
      }                                                                                           \
    }                                                                                             \
  }
PLANE(float)
PLANE(double)

static void run_planes(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  fmp_job *j = arg;
  const size_t es = j->f32 ? sizeof(float) : sizeof(double);
  fmp_scratch sc;
  sc.cv = malloc((size_t)j->W * es);
  sc.bv = malloc((size_t)(j->oW > 0 ? j->oW : 1) * es);
  sc.cr = malloc((size_t)j->W * sizeof(int32_t));
  sc.br = malloc((size_t)(j->oW > 0 ? j->oW : 1) * sizeof(int32_t));
  sc.bc = malloc((size_t)(j->oW > 0 ? j->oW : 1) * sizeof(int32_t));
  if (sc.cv && sc.bv && sc.cr && sc.br && sc.bc) {
    for (int64_t p = b; p < e; p++) {
      if (j->f32) plane_float(j, &sc, p);
      else plane_double(j, &sc, p);
    }
  } else {
    __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
  }
  free(sc.cv);
  free(sc.bv);
  free(sc.cr);
  free(sc.br);
  free(sc.bc);
}

static bool contiguous(const tl_tensor *t) {
  int64_t expect = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return false;
    expect *= t->shape[d];
  }
  return true;
}

/* every start of the [P, o] int32 tensor in [0, limit] */
static bool starts_ok(napi_env env, const char *K, const char *name, const tl_tensor *t, int64_t limit) {
  const int32_t *s = (const int32_t *)tl_first(t);
  for (int64_t i = 0; i < t->numel; i++)
    if (s[i] < 0 || s[i] > limit)
      return tl_fail(env, K, "%s[%lld] = %d is outside [0, %lld]", name, (long long)i, s[i], (long long)limit), false;
  return true;
}

napi_value tl_js_fractional_max_pool2d(napi_env env, napi_callback_info info) {
  static const char *const K = "fractionalMaxPool2d";
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 7)
    return tl_fail(env, K, "expected 7 arguments (values, indices, x, startsH, startsW, kH, kW), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  static const char *const names[5] = {"values", "indices", "x", "startsH", "startsW"};
  tl_raw raw[5];
  for (int i = 0; i < 5; i++)
    if (!tl_read_tensor(env, &k, K, names[i], argv[i], &raw[i])) return NULL;
  int64_t kH = 0, kW = 0;
  if (!tl_get_integer(env, K, "kH", argv[5], 1, 2147483647.0, &kH) ||
      !tl_get_integer(env, K, "kW", argv[6], 1, 2147483647.0, &kW))
    return NULL;
  tl_tensor t[5];
  for (int i = 0; i < 5; i++)
    if (!tl_bind_tensor(env, K, &raw[i], &t[i])) return NULL;
  const tl_tensor *values = &t[0], *indices = &t[1], *x = &t[2], *sh = &t[3], *sw = &t[4];
  if (!tl_float_dtype(env, K, x, "x") || !tl_same_dtype(env, K, values, "values", x, "x") ||
      !tl_expect_dtype(env, K, indices, "indices", TL_I32) || !tl_expect_dtype(env, K, sh, "startsH", TL_I32) ||
      !tl_expect_dtype(env, K, sw, "startsW", TL_I32) || !tl_same_shape(env, K, indices, "indices", values, "values"))
    return NULL;
  if (x->ndim != 3 || values->ndim != 3 || sh->ndim != 2 || sw->ndim != 2)
    return tl_fail(env, K, "x and values must be 3-d, startsH and startsW 2-d");
  const int64_t P = x->shape[0], H = x->shape[1], W = x->shape[2], oH = values->shape[1], oW = values->shape[2];
  char sx[160], sv[160], s1[160], s2[160];
  tl_format_shape(sx, sizeof sx, x->ndim, x->shape);
  tl_format_shape(sv, sizeof sv, values->ndim, values->shape);
  tl_format_shape(s1, sizeof s1, sh->ndim, sh->shape);
  tl_format_shape(s2, sizeof s2, sw->ndim, sw->shape);
  if (values->shape[0] != P || sh->shape[0] != P || sh->shape[1] != oH || sw->shape[0] != P || sw->shape[1] != oW)
    return tl_fail(env, K, "x %s, values %s, startsH %s and startsW %s do not agree", sx, sv, s1, s2);
  if (kH > H || kW > W) return tl_fail(env, K, "a %lldx%lld window does not fit x %s", (long long)kH, (long long)kW, sx);
  if (H * W > INT32_MAX) return tl_fail(env, K, "x %s: plane positions do not fit int32", sx);
  if (!contiguous(x) || !contiguous(values) || !contiguous(indices) || !contiguous(sh) || !contiguous(sw))
    return tl_fail(env, K, "values, indices, x, startsH and startsW must be contiguous");
  if (!starts_ok(env, K, "startsH", sh, H - kH) || !starts_ok(env, K, "startsW", sw, W - kW)) return NULL;
  if (values->numel == 0) return NULL;
  fmp_job j = {x->dtype == TL_F32, H, W, oH, oW, kH, kW, tl_first(x), tl_first(values),
               (int32_t *)tl_first(indices), (const int32_t *)tl_first(sh), (const int32_t *)tl_first(sw), 0};
  const int threads = tl_threads_for((double)values->numel * (double)(kH * kW));
  tl_parallel_for(P, 1, threads, run_planes, &j);
  if (j.failed) return tl_fail(env, K, "out of memory");
  return NULL;
}
