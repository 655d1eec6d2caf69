/*
 * F.interpolate(mode="trilinear") forward and its adjoint, the native twin
 * of the separable loops in src/ops/interpolate.ts step for step:
 *
 *   upsampleTrilinear(out, x, scales, alignCorners)
 *     x [N, C, D, H, W] (any strides) -> out [N, C, mD, mH, mW] (contiguous);
 *     each dim whose size changes is resampled in turn (depth, height, then
 *     width): out[j] = x[lo]·wLo + x[hi]·wHi with the source position
 *     j·scale (alignCorners) or max((j + 0.5)·scale - 0.5, 0) in double,
 *     lo = min(floor(src), n - 1), hi = min(lo + 1, n - 1), wHi = src - lo,
 *     wLo = 1 - wHi, the weights rounded to the dtype and each product and
 *     sum rounded as the ops there round them (-ffp-contract=off keeps
 *     a*b + c two roundings), so float32 and float64 results are bit-equal.
 *   upsampleTrilinearBackward(gx, g, scales, alignCorners)
 *     the adjoint: g [N, C, mD, mH, mW] (any strides) -> gx [N, C, D, H, W]
 *     (contiguous, overwritten), the passes in reverse order, each adding
 *     g[j]·wLo into lo and g[j]·wHi into hi.
 *
 * scales: the three source steps per output step (PyTorch's
 * area_pixel_compute_scale, computed by the caller). float32 or float64.
 * Work splits over (n, c) volumes.
 */
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

typedef struct {
  int64_t n, m; /* input and output size; m == n: copied */
  int64_t *lo, *hi;
  double *wlo, *whi;
} axis_t;

typedef struct {
  const tl_tensor *dst, *src; /* forward: out, x; backward: gx, g */
  axis_t ax[3];
  int64_t C, big; /* elements of the largest intermediate volume */
} up_job;

/* a volume: base pointer and element strides over 3 dims */
#define DEFINE_UP(NAME, T)                                                                                     \
  /* dst (contiguous, sizes `sz` with sz[dim] = m) from src resampled along dim */                            \
  static void NAME##_pass(const T *src, const int64_t *ss, const int64_t *sz, int dim, const axis_t *a, T *dst) { \
    const int64_t n0 = dim == 0 ? a->m : sz[0], n1 = dim == 1 ? a->m : sz[1], n2 = dim == 2 ? a->m : sz[2];    \
    for (int64_t i = 0; i < n0; i++)                                                                           \
      for (int64_t j = 0; j < n1; j++, dst += n2) {                                                            \
        if (dim == 2) {                                                                                        \
          const T *row = src + i * ss[0] + j * ss[1];                                                          \
          for (int64_t k = 0; k < n2; k++) {                                                                   \
            const T p = row[a->lo[k] * ss[2]] * (T)a->wlo[k];                                                  \
            const T q = row[a->hi[k] * ss[2]] * (T)a->whi[k];                                                  \
            dst[k] = p + q;                                                                                    \
          }                                                                                                    \
          continue;                                                                                            \
        }                                                                                                      \
        const int64_t t = dim == 0 ? i : j;                                                                    \
        const T wl = (T)a->wlo[t], wh = (T)a->whi[t];                                                          \
        const T *rl = src + (dim == 0 ? a->lo[t] * ss[0] + j * ss[1] : i * ss[0] + a->lo[t] * ss[1]);          \
        const T *rh = src + (dim == 0 ? a->hi[t] * ss[0] + j * ss[1] : i * ss[0] + a->hi[t] * ss[1]);          \
        if (ss[2] == 1) {                                                                                      \
          for (int64_t k = 0; k < n2; k++) {                                                                   \
            const T p = rl[k] * wl, q = rh[k] * wh;                                                            \
            dst[k] = p + q;                                                                                    \
          }                                                                                                    \
        } else {                                                                                               \
          for (int64_t k = 0; k < n2; k++) {                                                                   \
            const T p = rl[k * ss[2]] * wl, q = rh[k * ss[2]] * wh;                                            \
            dst[k] = p + q;                                                                                    \
          }                                                                                                    \
        }                                                                                                      \
      }                                                                                                        \
  }                                                                                                            \
  /* the adjoint: dst (contiguous, sizes `sz` with sz[dim] = n, overwritten) from src (sz[dim] = m) */        \
  static void NAME##_adjoint(const T *src, const int64_t *ss, const int64_t *sz, int dim, const axis_t *a, T *dst) { \
    const int64_t n0 = sz[0], n1 = sz[1], n2 = sz[2];                                                          \
    memset(dst, 0, (size_t)(n0 * n1 * n2) * sizeof(T));                                                        \
    const int64_t m0 = dim == 0 ? a->m : n0, m1 = dim == 1 ? a->m : n1, m2 = dim == 2 ? a->m : n2;             \
    for (int64_t i = 0; i < m0; i++)                                                                           \
      for (int64_t j = 0; j < m1; j++) {                                                                       \
        const T *row = src + i * ss[0] + j * ss[1];                                                            \
        if (dim == 2) {                                                                                        \
          T *d = dst + (i * n1 + j) * n2;                                                                      \
          for (int64_t k = 0; k < m2; k++) {                                                                   \
            const T v = row[k * ss[2]];                                                                        \
            d[a->lo[k]] += v * (T)a->wlo[k];                                                                   \
            d[a->hi[k]] += v * (T)a->whi[k];                                                                   \
          }                                                                                                    \
          continue;                                                                                            \
        }                                                                                                      \
        const int64_t t = dim == 0 ? i : j;                                                                    \
        const T wl = (T)a->wlo[t], wh = (T)a->whi[t];                                                          \
        T *dl = dst + (dim == 0 ? a->lo[t] * n1 + j : i * n1 + a->lo[t]) * n2;                                 \
        T *dh = dst + (dim == 0 ? a->hi[t] * n1 + j : i * n1 + a->hi[t]) * n2;                                 \
        for (int64_t k = 0; k < m2; k++) {                                                                     \
          const T v = row[k * ss[2]];                                                                          \
          dl[k] += v * wl;                                                                                     \
          dh[k] += v * wh;                                                                                     \
        }                                                                                                      \
      }                                                                                                        \
  }                                                                                                            \
  static void NAME##_volume(const up_job *j, int64_t v, int backward, T *buf0, T *buf1) {                      \
    TL_SEPARABLE_VOLUME(T, axis_t, NAME##_pass, NAME##_adjoint);                                               \
  }
DEFINE_UP(up_f32, float)
DEFINE_UP(up_f64, double)

typedef struct {
  const up_job *j;
  int backward;
  char *bufs; /* two volumes of j->big elements per thread */
} up_run;

static void up_part(void *arg, int64_t v0, int64_t v1, int tid) {
  const up_run *r = arg;
  const up_job *j = r->j;
  const size_t es = (size_t)tl_esize(j->dst->dtype);
  char *buf = r->bufs + (size_t)tid * 2 * (size_t)j->big * es;
  for (int64_t v = v0; v < v1; v++) {
    if (j->dst->dtype == TL_F32) up_f32_volume(j, v, r->backward, (float *)buf, (float *)buf + j->big);
    else up_f64_volume(j, v, r->backward, (double *)buf, (double *)buf + j->big);
  }
}

static napi_value run(napi_env env, napi_callback_info info, int backward) {
  const char *const K = backward ? "upsampleTrilinearBackward" : "upsampleTrilinear";
  const char *const dn = backward ? "gx" : "out", *const sn = backward ? "g" : "x";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (%s, %s, scales, alignCorners), got %zu", dn, sn, argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  tl_raw raw[2];
  double scales[3];
  int64_t align;
  if (!tl_read_tensor(env, &k, K, dn, argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, sn, argv[1], &raw[1])) return NULL;
  bool is_array = false;
  uint32_t len = 0;
  if (napi_is_array(env, argv[2], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[2], &len) != napi_ok || len != 3)
    return tl_fail(env, K, "scales must be an array of 3 numbers");
  for (uint32_t i = 0; i < 3; i++) {
    napi_value e;
    if (napi_get_element(env, argv[2], i, &e) != napi_ok || !tl_get_number(env, K, "scales[i]", e, &scales[i])) return NULL;
    if (!(scales[i] >= 0 && scales[i] < 1e15)) return tl_fail(env, K, "scales[%u] = %g must be finite and >= 0", i, scales[i]);
  }
  if (!tl_get_integer(env, K, "alignCorners", argv[3], 0, 1, &align)) return NULL;
  tl_tensor dst, src;
  if (!tl_bind_tensor(env, K, &raw[0], &dst) || !tl_bind_tensor(env, K, &raw[1], &src)) return NULL;
  if (!tl_float_dtype(env, K, &src, sn) || !tl_same_dtype(env, K, &dst, dn, &src, sn)) return NULL;
  char sd[160], ssz[160];
  tl_format_shape(sd, sizeof sd, dst.ndim, dst.shape);
  tl_format_shape(ssz, sizeof ssz, src.ndim, src.shape);
  if (dst.ndim != 5 || src.ndim != 5 || dst.shape[0] != src.shape[0] || dst.shape[1] != src.shape[1])
    return tl_fail(env, K, "%s %s and %s %s must both be [N, C, D, H, W] of the same N and C", dn, sd, sn, ssz);
  if (!tl_contiguous3(&dst)) return tl_fail(env, K, "%s must be contiguous", dn);
  up_job j;
  memset(&j, 0, sizeof j);
  j.dst = &dst;
  j.src = &src;
  j.C = src.shape[1];
  const tl_tensor *in = backward ? &dst : &src, *outv = backward ? &src : &dst;
  for (int d = 0; d < 3; d++)
    if ((in->shape[2 + d] == 0) != (outv->shape[2 + d] == 0))
      return tl_fail(env, K, "%s %s and %s %s: a size of 0 must be 0 on both sides", dn, sd, sn, ssz);
  if (dst.numel == 0 || src.numel == 0) {
    if (dst.numel) memset(tl_first(&dst), 0, (size_t)dst.numel * (size_t)tl_esize(dst.dtype));
    return NULL;
  }
  double big = 1;
  for (int d = 0; d < 3; d++) big *= (double)(in->shape[2 + d] > outv->shape[2 + d] ? in->shape[2 + d] : outv->shape[2 + d]);
  if (big > 1e9) return tl_fail(env, K, "%s %s: a volume is too large", dn, sd);
  j.big = (int64_t)big;
  int64_t *ints = NULL;
  double *dbls = NULL;
  int64_t total = 0;
  for (int d = 0; d < 3; d++) total += outv->shape[2 + d];
  ints = malloc(sizeof(int64_t) * 2 * (size_t)total);
  dbls = malloc(sizeof(double) * 2 * (size_t)total);
  if (!ints || !dbls) {
    free(ints);
    free(dbls);
    return tl_fail(env, K, "out of memory");
  }
  const int f32 = src.dtype == TL_F32;
  int64_t at = 0;
  for (int d = 0; d < 3; d++) {
    axis_t *a = &j.ax[d];
    a->n = in->shape[2 + d];
    a->m = outv->shape[2 + d];
    a->lo = ints + at, a->hi = ints + total + at;
    a->wlo = dbls + at, a->whi = dbls + total + at;
    at += a->m;
    for (int64_t t = 0; t < a->m; t++) {
      double s = align ? (double)t * scales[d] : ((double)t + 0.5) * scales[d] - 0.5;
      if (!align && s < 0) s = 0;
      int64_t lo = s < (double)(a->n - 1) ? (int64_t)floor(s) : a->n - 1;
      a->lo[t] = lo;
      a->hi[t] = lo + 1 < a->n ? lo + 1 : a->n - 1;
      const double wh = s - (double)lo, wl = 1 - wh;
      /* the weights as the dtype holds them */
      a->whi[t] = f32 ? (double)(float)wh : wh;
      a->wlo[t] = f32 ? (double)(float)wl : wl;
    }
  }
  const int64_t vols = src.shape[0] * src.shape[1];
  const double per = (double)(dst.numel / vols + src.numel / vols) * 4;
  const int nt = tl_threads_for(per * (double)vols);
  char *bufs = malloc((size_t)nt * 2 * (size_t)j.big * (size_t)tl_esize(src.dtype));
  if (!bufs) {
    free(ints);
    free(dbls);
    return tl_fail(env, K, "out of memory");
  }
  up_run r = {&j, backward, bufs};
  tl_parallel_for(vols, 1, nt, up_part, &r);
  free(bufs);
  free(ints);
  free(dbls);
  return NULL;
}

napi_value tl_js_upsample_trilinear(napi_env env, napi_callback_info info) { return run(env, info, 0); }
napi_value tl_js_upsample_trilinear_backward(napi_env env, napi_callback_info info) { return run(env, info, 1); }
