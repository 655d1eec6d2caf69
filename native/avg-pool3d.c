/*
 * avg_pool3d forward and its adjoint in one pass each (src/ops/pool3d.ts's
 * composition of two 2-d window sums and a division is the specification;
 * these sum in double, so they agree with it to rounding):
 *
 *   avgPool3d(out, x, geometry, divisors)
 *     x [N, C, D, H, W] (any strides) -> out [N, C, oD, oH, oW] (contiguous):
 *     the sum of each window's elements inside the input (zero padding), in
 *     double, divided by divisors[o] (float64
 *     [oD·oH·oW], the caller's count or override), rounded to the dtype.
 *   avgPool3dBackward(gx, g, geometry, divisors)
 *     the adjoint: g [N, C, oD, oH, oW] (any strides) -> gx [N, C, D, H, W]
 *     (contiguous, overwritten): each element the sum, in double, of
 *     g[o] / divisors[o] over the windows holding it.
 *
 * geometry as tl_read_geom3 reads it; dilation must be 1. The output sizes
 * are floor or ceil mode's. float32 or float64; work splits over volumes.
 */
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

typedef struct {
  const tl_geom3 *g;
  const tl_tensor *dst, *src;
  const double *div;
  int64_t *bounds; /* per dim: start[out], end[out], clipped to the input */
  double *acc;     /* per thread: (backward) one volume of doubles, then a row of W */
} ap_job;

/*
 * Both passes go one output row (i, y) at a time through a row of W
 * doubles: the forward first sums the window's depth and rows elementwise
 * along the row (the compiler vectorizes it), then each window's columns;
 * the backward first gathers each column's share of the row's windows, then
 * adds it to every input row of the window.
 */
#define DEFINE_AP(NAME, T)                                                                                     \
  static void NAME##_forward(const ap_job *j, int64_t v, double *line) {                                       \
    const tl_geom3 *g = j->g;                                                                                   \
    const tl_tensor *s = j->src;                                                                                \
    const T *x = (const T *)tl_first(s) + v / g->c * s->strides[0] + v % g->c * s->strides[1];                 \
    const int64_t s0 = s->strides[2], s1 = s->strides[3], s2 = s->strides[4], W = g->in[2];                     \
    const int64_t oD = g->out[0], oH = g->out[1], oW = g->out[2];                                               \
    const int64_t *ds = j->bounds, *de = ds + oD, *hs = de + oD, *he = hs + oH, *ws = he + oH, *we = ws + oW;     \
    T *o = (T *)tl_first(j->dst) + v * oD * oH * oW;                                                            \
    const double *dv = j->div;                                                                                  \
    for (int64_t i = 0; i < oD; i++)                                                                            \
      for (int64_t y = 0; y < oH; y++) {                                                                        \
        memset(line, 0, sizeof(double) * (size_t)W);                                                            \
        for (int64_t z = ds[i]; z < de[i]; z++)                                                                 \
          for (int64_t r = hs[y]; r < he[y]; r++) {                                                             \
            const T *row = x + z * s0 + r * s1;                                                                 \
            if (s2 == 1)                                                                                        \
              for (int64_t w = 0; w < W; w++) line[w] += row[w];                                                \
            else                                                                                                \
              for (int64_t w = 0; w < W; w++) line[w] += row[w * s2];                                           \
          }                                                                                                     \
        for (int64_t q = 0; q < oW; q++) {                                                                      \
          double sum = 0;                                                                                       \
          for (int64_t w = ws[q]; w < we[q]; w++) sum += line[w];                                               \
          *o++ = (T)(sum / *dv++);                                                                              \
        }                                                                                                       \
      }                                                                                                         \
  }                                                                                                             \
  static void NAME##_backward(const ap_job *j, int64_t v, double *acc, double *line) {                         \
    const tl_geom3 *g = j->g;                                                                                   \
    const tl_tensor *s = j->src;                                                                                \
    const T *gv = (const T *)tl_first(s) + v / g->c * s->strides[0] + v % g->c * s->strides[1];                \
    const int64_t s0 = s->strides[2], s1 = s->strides[3], s2 = s->strides[4];                                   \
    const int64_t oD = g->out[0], oH = g->out[1], oW = g->out[2], H = g->in[1], W = g->in[2];                   \
    const int64_t vol = g->in[0] * H * W;                                                                       \
    const int64_t *ds = j->bounds, *de = ds + oD, *hs = de + oD, *he = hs + oH, *ws = he + oH, *we = ws + oW;     \
    memset(acc, 0, sizeof(double) * (size_t)vol);                                                               \
    const double *dv = j->div;                                                                                  \
    for (int64_t i = 0; i < oD; i++)                                                                            \
      for (int64_t y = 0; y < oH; y++, dv += oW) {                                                              \
        memset(line, 0, sizeof(double) * (size_t)W);                                                            \
        for (int64_t q = 0; q < oW; q++) {                                                                      \
          const double share = (double)gv[i * s0 + y * s1 + q * s2] / dv[q];                                    \
          for (int64_t w = ws[q]; w < we[q]; w++) line[w] += share;                                             \
        }                                                                                                       \
        for (int64_t z = ds[i]; z < de[i]; z++)                                                                 \
          for (int64_t r = hs[y]; r < he[y]; r++) {                                                             \
            double *row = acc + (z * H + r) * W;                                                                \
            for (int64_t w = 0; w < W; w++) row[w] += line[w];                                                  \
          }                                                                                                     \
      }                                                                                                         \
    T *o = (T *)tl_first(j->dst) + v * vol;                                                                     \
    for (int64_t e = 0; e < vol; e++) o[e] = (T)acc[e];                                                         \
  }
DEFINE_AP(ap_f32, float)
DEFINE_AP(ap_f64, double)

typedef struct {
  const ap_job *j;
  int backward;
} ap_run;

static void ap_part(void *arg, int64_t v0, int64_t v1, int tid) {
  const ap_run *r = arg;
  const ap_job *j = r->j;
  const int f32 = j->dst->dtype == TL_F32;
  const size_t per = (size_t)(r->backward ? j->g->in[0] * j->g->in[1] * j->g->in[2] : 0) + (size_t)j->g->in[2];
  double *acc = j->acc + (size_t)tid * per, *line = acc + per - (size_t)j->g->in[2];
  for (int64_t v = v0; v < v1; v++) {
    if (r->backward) {
      if (f32) ap_f32_backward(j, v, acc, line);
      else ap_f64_backward(j, v, acc, line);
    } else if (f32) {
      ap_f32_forward(j, v, line);
    } else {
      ap_f64_forward(j, v, line);
    }
  }
}

static napi_value run(napi_env env, napi_callback_info info, int backward) {
  const char *const K = backward ? "avgPool3dBackward" : "avgPool3d";
  const char *const dn = backward ? "gx" : "out", *const sn = backward ? "g" : "x";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (%s, %s, geometry, divisors), got %zu", dn, sn, argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  tl_raw raw[3];
  tl_geom3 g;
  if (!tl_read_tensor(env, &k, K, dn, argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, sn, argv[1], &raw[1]) ||
      !tl_read_geom3(env, K, argv[2], &g) || !tl_read_tensor(env, &k, K, "divisors", argv[3], &raw[2]))
    return NULL;
  tl_tensor dst, src, dv;
  if (!tl_bind_tensor(env, K, &raw[0], &dst) || !tl_bind_tensor(env, K, &raw[1], &src) || !tl_bind_tensor(env, K, &raw[2], &dv)) return NULL;
  if (!tl_float_dtype(env, K, &src, sn) || !tl_same_dtype(env, K, &dst, dn, &src, sn) || !tl_expect_dtype(env, K, &dv, "divisors", TL_F64)) return NULL;
  const tl_tensor *in = backward ? &dst : &src, *outv = backward ? &src : &dst;
  char si[160], so[160];
  tl_format_shape(si, sizeof si, in->ndim, in->shape);
  tl_format_shape(so, sizeof so, outv->ndim, outv->shape);
  if (in->ndim != 5 || outv->ndim != 5 || in->shape[0] != outv->shape[0] || in->shape[1] != outv->shape[1])
    return tl_fail(env, K, "input %s and output %s must be [N, C, D, H, W] and [N, C, oD, oH, oW]", si, so);
  if (!tl_contiguous3(&dst)) return tl_fail(env, K, "%s must be contiguous", dn);
  if (g.d[0] != 1 || g.d[1] != 1 || g.d[2] != 1) return tl_fail(env, K, "dilation must be 1");
  g.n = in->shape[0];
  g.c = in->shape[1];
  for (int d = 0; d < 3; d++) {
    g.in[d] = in->shape[2 + d];
    g.out[d] = outv->shape[2 + d];
    const int64_t fl = tl_window_out(g.in[d], g.k[d], g.s[d], g.p[d], 1);
    /* floor mode's size, or ceil mode's one more whose last window starts inside the input or its left padding */
    if (outv->numel > 0 && (fl < 1 || g.out[d] < fl || g.out[d] > fl + 1 || (g.out[d] - 1) * g.s[d] >= g.in[d] + g.p[d]))
      return tl_fail(env, K, "output %s does not fit input %s and the window along dim %d", so, si, 2 + d);
  }
  const int64_t L = g.out[0] * g.out[1] * g.out[2];
  if (dv.ndim != 1 || dv.shape[0] != L || !tl_contiguous3(&dv)) return tl_fail(env, K, "divisors must be a contiguous float64 vector of %lld elements", (long long)L);
  if (dst.numel == 0) return NULL;
  if (src.numel == 0) {
    memset(tl_first(&dst), 0, (size_t)dst.numel * (size_t)tl_esize(dst.dtype));
    return NULL;
  }
  const double vol = (double)g.in[0] * (double)g.in[1] * (double)g.in[2];
  if (vol > 1e9) return tl_fail(env, K, "input %s: a volume is too large", si);
  int64_t *bounds = malloc(sizeof(int64_t) * 2 * (size_t)(g.out[0] + g.out[1] + g.out[2]));
  if (!bounds) return tl_fail(env, K, "out of memory");
  for (int d = 0, at = 0; d < 3; at += 2 * (int)g.out[d], d++)
    for (int64_t o = 0; o < g.out[d]; o++) {
      int64_t s = o * g.s[d] - g.p[d], e = s + g.k[d];
      bounds[at + o] = s < 0 ? 0 : s;
      bounds[at + g.out[d] + o] = e > g.in[d] ? g.in[d] : e;
    }
  const double per = (double)L * (double)(g.k[0] * g.k[1] * g.k[2]) + vol;
  const int nt = tl_threads_for(per * (double)(g.n * g.c));
  ap_job j = {&g, &dst, &src, (const double *)tl_first(&dv), bounds, NULL};
  /* per thread: a volume of doubles (backward) and a row of W */
  j.acc = malloc(sizeof(double) * (size_t)nt * ((size_t)(backward ? vol : 0) + (size_t)g.in[2]));
  if (!j.acc) {
    free(bounds);
    return tl_fail(env, K, "out of memory");
  }
  ap_run r = {&j, backward};
  tl_parallel_for(g.n * g.c, 1, nt, ap_part, &r);
  free(j.acc);
  free(bounds);
  return NULL;
}

napi_value tl_js_avg_pool3d(napi_env env, napi_callback_info info) { return run(env, info, 0); }
napi_value tl_js_avg_pool3d_backward(napi_env env, napi_callback_info info) { return run(env, info, 1); }
