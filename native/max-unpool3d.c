/*
 * F.max_unpool3d and its gradient, the native twin of the loops in
 * src/ops/max-unpool3d.ts:
 *
 *   maxUnpool3d(out, x, indices) -> the last invalid index met, or null
 *     x and indices (int32) [N, C, d, h, w] (any strides) -> out
 *     [N, C, oD, oH, oW] (contiguous, overwritten): zeros, then each value
 *     written at its index (flat within its output volume) in the input's
 *     order, so a later duplicate wins. An index outside the volume is
 *     skipped and reported (PyTorch's kernel keeps going and names the last
 *     one it met), the caller throws.
 *   maxUnpool3dBackward(gx, g, indices)
 *     gx [N, C, d, h, w] (contiguous, overwritten) = g [N, C, oD, oH, oW]
 *     (any strides) read at the indices; an index outside the volume is
 *     refused before anything is written.
 *
 * float32 or float64. Work splits over (n, c) volumes.
 */
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

typedef struct {
  const tl_tensor *dst, *src, *ix;
  int64_t C, in_vol, out_vol;
  int64_t *bad; /* per volume: the last invalid index, or INT64_MIN */
} mu_job;

/* the element offsets of volume v's (i, j, k) over a [., ., a, b, c] tensor t */
#define VOL_BASE(t, v, C) ((v) / (C) * (t)->strides[0] + (v) % (C) * (t)->strides[1])

#define DEFINE_MU(NAME, T)                                                                                     \
  static void NAME##_forward(const mu_job *j, int64_t v) {                                                     \
    const tl_tensor *x = j->src, *ix = j->ix;                                                                  \
    const T *xv = (const T *)tl_first(x) + VOL_BASE(x, v, j->C);                                               \
    const int32_t *iv = (const int32_t *)tl_first(ix) + VOL_BASE(ix, v, j->C);                                 \
    T *o = (T *)tl_first(j->dst) + v * j->out_vol;                                                             \
    memset(o, 0, sizeof(T) * (size_t)j->out_vol);                                                              \
    int64_t bad = INT64_MIN;                                                                                   \
    const int64_t a = x->shape[2], b = x->shape[3], c = x->shape[4], vol = j->out_vol;                         \
    for (int64_t p = 0; p < a; p++)                                                                            \
      for (int64_t q = 0; q < b; q++) {                                                                        \
        const T *xr = xv + p * x->strides[2] + q * x->strides[3];                                              \
        const int32_t *ir = iv + p * ix->strides[2] + q * ix->strides[3];                                      \
        const int64_t xs = x->strides[4], is = ix->strides[4];                                                 \
        for (int64_t r = 0; r < c; r++) {                                                                      \
          const int64_t at = ir[r * is];                                                                       \
          if (at >= 0 && at < vol) o[at] = xr[r * xs];                                                         \
          else bad = at;                                                                                       \
        }                                                                                                      \
      }                                                                                                        \
    j->bad[v] = bad;                                                                                           \
  }                                                                                                            \
  static void NAME##_backward(const mu_job *j, int64_t v) {                                                    \
    const tl_tensor *g = j->src, *ix = j->ix;                                                                  \
    const T *gv = (const T *)tl_first(g) + VOL_BASE(g, v, j->C);                                               \
    const int32_t *iv = (const int32_t *)tl_first(ix) + VOL_BASE(ix, v, j->C);                                \
    T *o = (T *)tl_first(j->dst) + v * j->in_vol;                                                              \
    const int64_t a = ix->shape[2], b = ix->shape[3], c = ix->shape[4];                                        \
    const int64_t oH = g->shape[3], oW = g->shape[4], gs0 = g->strides[2], gs1 = g->strides[3], gs2 = g->strides[4]; \
    const int contiguous = gs2 == 1 && gs1 == oW && gs0 == oH * oW;                                            \
    for (int64_t p = 0; p < a; p++)                                                                            \
      for (int64_t q = 0; q < b; q++) {                                                                        \
        const int32_t *ir = iv + p * ix->strides[2] + q * ix->strides[3];                                      \
        const int64_t is = ix->strides[4];                                                                     \
        if (contiguous)                                                                                        \
          for (int64_t r = 0; r < c; r++) *o++ = gv[ir[r * is]];                                               \
        else                                                                                                   \
          for (int64_t r = 0; r < c; r++) {                                                                    \
            const int64_t at = ir[r * is], z = at / (oH * oW), y = at / oW % oH, w = at % oW;                  \
            *o++ = gv[z * gs0 + y * gs1 + w * gs2];                                                            \
          }                                                                                                    \
      }                                                                                                        \
  }
DEFINE_MU(mu_f32, float)
DEFINE_MU(mu_f64, double)

/* volume v's indices all inside [0, out_vol): j->bad[v] the first that is not, or INT64_MIN */
static void mu_check(const mu_job *j, int64_t v) {
  const tl_tensor *ix = j->ix;
  const int32_t *iv = (const int32_t *)tl_first(ix) + VOL_BASE(ix, v, j->C);
  const int64_t is = ix->strides[4], c = ix->shape[4];
  const uint64_t vol = (uint64_t)j->out_vol;
  j->bad[v] = INT64_MIN;
  for (int64_t p = 0; p < ix->shape[2]; p++)
    for (int64_t q = 0; q < ix->shape[3]; q++) {
      const int32_t *ir = iv + p * ix->strides[2] + q * ix->strides[3];
      /* one unsigned compare per index (a negative one wraps past vol), branch-free so it vectorizes */
      int out = 0;
      if (is == 1)
        for (int64_t r = 0; r < c; r++) out |= (uint64_t)(int64_t)ir[r] >= vol;
      else
        for (int64_t r = 0; r < c; r++) out |= (uint64_t)(int64_t)ir[r * is] >= vol;
      if (!out) continue;
      for (int64_t r = 0; r < c; r++)
        if ((uint64_t)(int64_t)ir[r * is] >= vol) {
          j->bad[v] = ir[r * is];
          return;
        }
    }
}

typedef struct {
  const mu_job *j;
  int mode; /* 0 forward, 1 check, 2 backward */
} mu_run;

static void mu_part(void *arg, int64_t v0, int64_t v1, int tid) {
  (void)tid;
  const mu_run *r = arg;
  const int f32 = r->j->dst->dtype == TL_F32;
  for (int64_t v = v0; v < v1; v++) {
    if (r->mode == 1) mu_check(r->j, v);
    else if (r->mode == 0) {
      if (f32) mu_f32_forward(r->j, v);
      else mu_f64_forward(r->j, v);
    } else if (f32) mu_f32_backward(r->j, v);
    else mu_f64_backward(r->j, v);
  }
}

static napi_value run(napi_env env, napi_callback_info info, int backward) {
  const char *const K = backward ? "maxUnpool3dBackward" : "maxUnpool3d";
  const char *const dn = backward ? "gx" : "out", *const sn = backward ? "g" : "x";
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 3) return tl_fail(env, K, "expected 3 arguments (%s, %s, indices), got %zu", dn, sn, argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  tl_raw raw[3];
  if (!tl_read_tensor(env, &k, K, dn, argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, sn, argv[1], &raw[1]) ||
      !tl_read_tensor(env, &k, K, "indices", argv[2], &raw[2]))
    return NULL;
  tl_tensor dst, src, ix;
  if (!tl_bind_tensor(env, K, &raw[0], &dst) || !tl_bind_tensor(env, K, &raw[1], &src) || !tl_bind_tensor(env, K, &raw[2], &ix))
    return NULL;
  if (!tl_float_dtype(env, K, &src, sn) || !tl_same_dtype(env, K, &dst, dn, &src, sn) ||
      !tl_expect_dtype(env, K, &ix, "indices", TL_I32))
    return NULL;
  /* the pooled side (x, or gx) has the indices' shape; the unpooled side is [N, C, oD, oH, oW] */
  const tl_tensor *pooled = backward ? &dst : &src, *unpooled = backward ? &src : &dst;
  if (!tl_same_shape(env, K, &ix, "indices", pooled, backward ? dn : sn)) return NULL;
  char sd[160], ssz[160];
  tl_format_shape(sd, sizeof sd, dst.ndim, dst.shape);
  tl_format_shape(ssz, sizeof ssz, src.ndim, src.shape);
  if (dst.ndim != 5 || src.ndim != 5 || dst.shape[0] != src.shape[0] || dst.shape[1] != src.shape[1])
    return tl_fail(env, K, "%s %s and %s %s must both be [N, C, D, H, W] of the same N and C", dn, sd, sn, ssz);
  if (!tl_contiguous3(&dst)) return tl_fail(env, K, "%s must be contiguous", dn);
  const double out_vol = (double)unpooled->shape[2] * (double)unpooled->shape[3] * (double)unpooled->shape[4];
  if (out_vol > 9e15) return tl_fail(env, K, "%s %s: a volume is too large", backward ? sn : dn, backward ? ssz : sd);
  const int64_t vols = dst.shape[0] * dst.shape[1];
  napi_value result = NULL;
  napi_get_null(env, &result);
  if (dst.numel == 0 || vols == 0) return result;
  mu_job j = {&dst, &src, &ix, dst.shape[1], pooled->shape[2] * pooled->shape[3] * pooled->shape[4], (int64_t)out_vol, NULL};
  j.bad = malloc(sizeof(int64_t) * (size_t)vols);
  if (!j.bad) return tl_fail(env, K, "out of memory");
  const int nt = tl_threads_for((double)(dst.numel + src.numel) * 2);
  if (backward) {
    mu_run check = {&j, 1};
    tl_parallel_for(vols, 1, nt, mu_part, &check);
    for (int64_t v = 0; v < vols; v++)
      if (j.bad[v] != INT64_MIN) {
        const long long at = (long long)j.bad[v];
        free(j.bad);
        return tl_fail(env, K, "index %lld is outside the output volume of %lld elements", at, (long long)j.out_vol);
      }
    mu_run r = {&j, 2};
    tl_parallel_for(vols, 1, nt, mu_part, &r);
  } else {
    mu_run r = {&j, 0};
    tl_parallel_for(vols, 1, nt, mu_part, &r);
    int64_t bad = INT64_MIN;
    for (int64_t v = 0; v < vols; v++)
      if (j.bad[v] != INT64_MIN) bad = j.bad[v];
    if (bad != INT64_MIN) napi_create_double(env, (double)bad, &result);
  }
  free(j.bad);
  return result;
}

napi_value tl_js_max_unpool3d(napi_env env, napi_callback_info info) { return run(env, info, 0); }
napi_value tl_js_max_unpool3d_backward(napi_env env, napi_callback_info info) { return run(env, info, 1); }
