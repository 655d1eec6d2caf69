/*
 * max_pool3d forward (F.max_pool3d / max_pool3d_with_indices):
 *
 *   maxPool3d(out, x, indices, geom)  x [N, C, D, H, W] (any strides) ->
 *     out [N, C, oD, oH, oW] (contiguous) and, unless null, indices (int32,
 *     out's shape, contiguous): each window's maximum and its position
 *     (d*H + h)*W + w in its input volume.
 *
 * The window's first real element (PyTorch's clipped start) starts the scan,
 * which runs over depth, rows, then columns; a larger value or a NaN takes
 * over, so ties keep the first maximum and the last NaN wins. A window that
 * lies wholly in the padding (dilation can do that) is refused: the caller
 * takes its own path there. out's sizes may be ceil mode's (a last window
 * may start in the padding). Work splits over (n, c) volumes; the gradient is
 * maxPool2dBackward's over volumes seen as planes.
 */
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

typedef struct {
  const tl_geom3 *g;
  const tl_tensor *out, *x, *ix;
  int64_t *bounds; /* per dim: start[out], end[out] */
} mp3_job;

/*
 * One output row (i, y) at a time: every output starts from its window's
 * first real element, then the taps run in the window's order (depth, rows,
 * columns) with the outputs as the inner loop where the window is not
 * clipped along the row (so the compiler vectorizes it: each output still
 * sees its taps in order), and per output where it is.
 */
#define DEFINE_MP3(NAME, T)                                                                                    \
  static void NAME(const mp3_job *j, int64_t v) {                                                              \
    const tl_geom3 *g = j->g;                                                                                   \
    const int64_t n = v / g->c, c = v % g->c;                                                                   \
    const int64_t H = g->in[1], W = g->in[2], oD = g->out[0], oH = g->out[1], oW = g->out[2];                   \
    const int64_t *xs = j->x->strides, dd = g->d[0], dh = g->d[1], dw = g->d[2], sw = g->s[2], pw = g->p[2];   \
    const int64_t xs4 = xs[4];                                                                                  \
    const T *plane = (const T *)tl_first(j->x) + n * xs[0] + c * xs[1];                                         \
    T *dst = (T *)tl_first(j->out) + v * oD * oH * oW;                                                          \
    int32_t *idst = j->ix ? (int32_t *)tl_first(j->ix) + v * oD * oH * oW : NULL;                               \
    const int64_t *ds = j->bounds, *de = ds + oD, *hs = de + oD, *he = hs + oH, *ws = he + oH, *we = ws + oW;     \
    /* the outputs whose windows are whole along the row: [xa, xb) */                                          \
    int64_t xa = pw > 0 ? (pw + sw - 1) / sw : 0, xb = oW;                                                      \
    while (xb > xa && (xb - 1) * sw - pw + (g->k[2] - 1) * dw >= W) xb--;                                       \
    if (xa > xb) xa = xb;                                                                                       \
    for (int64_t i = 0; i < oD; i++)                                                                            \
      for (int64_t y = 0; y < oH; y++, dst += oW, idst = idst ? idst + oW : NULL) {                             \
        for (int64_t x0 = 0; x0 < oW; x0++) {                                                                   \
          dst[x0] = plane[ds[i] * xs[2] + hs[y] * xs[3] + ws[x0] * xs4];                                        \
          if (idst) idst[x0] = (int32_t)((ds[i] * H + hs[y]) * W + ws[x0]);                                     \
        }                                                                                                       \
        for (int64_t z = ds[i]; z < de[i]; z += dd)                                                             \
          for (int64_t h = hs[y]; h < he[y]; h += dh) {                                                         \
            const T *row = plane + z * xs[2] + h * xs[3];                                                       \
            const int32_t base = (int32_t)((z * H + h) * W);                                                    \
            for (int64_t x0 = 0; x0 < oW; x0++) {                                                               \
              if (x0 == xa) x0 = xb;                                                                            \
              if (x0 >= oW) break;                                                                              \
              for (int64_t w = ws[x0]; w < we[x0]; w += dw) {                                                   \
                const T val = row[w * xs4];                                                                     \
                const int take = (val > dst[x0]) | (val != val);                                                \
                dst[x0] = take ? val : dst[x0];                                                                 \
                if (idst) idst[x0] = take ? base + (int32_t)w : idst[x0];                                       \
              }                                                                                                 \
            }                                                                                                   \
            for (int64_t e = 0; e < g->k[2]; e++) {                                                             \
              const int64_t off = e * dw - pw;                                                                  \
              if (idst) {                                                                                       \
                for (int64_t x0 = xa; x0 < xb; x0++) {                                                          \
                  const T val = row[(x0 * sw + off) * xs4];                                                     \
                  const int take = (val > dst[x0]) | (val != val);                                              \
                  dst[x0] = take ? val : dst[x0];                                                               \
                  idst[x0] = take ? base + (int32_t)(x0 * sw + off) : idst[x0];                                 \
                }                                                                                               \
              } else {                                                                                          \
                for (int64_t x0 = xa; x0 < xb; x0++) {                                                          \
                  const T val = row[(x0 * sw + off) * xs4];                                                     \
                  const int take = (val > dst[x0]) | (val != val);                                              \
                  dst[x0] = take ? val : dst[x0];                                                               \
                }                                                                                               \
              }                                                                                                 \
            }                                                                                                   \
          }                                                                                                     \
      }                                                                                                         \
  }
DEFINE_MP3(mp3_f32, float)
DEFINE_MP3(mp3_f64, double)

static void mp3_part(void *arg, int64_t v0, int64_t v1, int tid) {
  (void)tid;
  const mp3_job *j = arg;
  for (int64_t v = v0; v < v1; v++) {
    if (j->x->dtype == TL_F32) mp3_f32(j, v);
    else mp3_f64(j, v);
  }
}

napi_value tl_js_max_pool3d(napi_env env, napi_callback_info info) {
  static const char *const K = "maxPool3d";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (out, x, indices, geometry), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  napi_valuetype type;
  if (napi_typeof(env, argv[2], &type) != napi_ok) return tl_fail(env, K, "bad call");
  const bool with_indices = !(type == napi_null || type == napi_undefined);
  tl_raw raw[3];
  tl_geom3 g;
  if (!tl_read_tensor(env, &k, K, "out", argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, "x", argv[1], &raw[1]) ||
      (with_indices && !tl_read_tensor(env, &k, K, "indices", argv[2], &raw[2])) || !tl_read_geom3(env, K, argv[3], &g))
    return NULL;
  tl_tensor out, x, ix;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &x) ||
      (with_indices && !tl_bind_tensor(env, K, &raw[2], &ix)))
    return NULL;
  char sx[160], so[160];
  tl_format_shape(sx, sizeof sx, x.ndim, x.shape);
  tl_format_shape(so, sizeof so, out.ndim, out.shape);
  if (!tl_float_dtype(env, K, &x, "x") || !tl_same_dtype(env, K, &out, "out", &x, "x") ||
      (with_indices && !tl_expect_dtype(env, K, &ix, "indices", TL_I32)))
    return NULL;
  if (x.ndim != 5 || out.ndim != 5 || out.shape[0] != x.shape[0] || out.shape[1] != x.shape[1])
    return tl_fail(env, K, "x %s and out %s must be [N, C, D, H, W] and [N, C, oD, oH, oW]", sx, so);
  if (with_indices && !tl_same_shape(env, K, &ix, "indices", &out, "out")) return NULL;
  if (!tl_contiguous3(&out) || (with_indices && !tl_contiguous3(&ix))) return tl_fail(env, K, "out and indices must be contiguous");
  g.n = x.shape[0];
  g.c = x.shape[1];
  for (int d = 0; d < 3; d++) {
    g.in[d] = x.shape[2 + d];
    g.out[d] = out.shape[2 + d];
    /* floor mode's size or ceil mode's (one more): every window starts at most a stride past the last full one */
    const int64_t fl = tl_window_out(g.in[d], g.k[d], g.s[d], g.p[d], g.d[d]);
    if (out.numel > 0 && (fl < 1 || g.out[d] < fl || g.out[d] > fl + 1))
      return tl_fail(env, K, "out %s does not fit x %s and the window along dim %d", so, sx, 2 + d);
  }
  if ((double)g.in[0] * (double)g.in[1] * (double)g.in[2] > 2147483647.0)
    return tl_fail(env, K, "x %s: a volume is too large for int32 indices", sx);
  if (out.numel == 0) return NULL;
  int64_t *bounds = malloc(sizeof(int64_t) * 2 * (size_t)(g.out[0] + g.out[1] + g.out[2]));
  if (!bounds) return tl_fail(env, K, "out of memory");
  int64_t at = 0;
  for (int d = 0; d < 3; d++) {
    for (int64_t o = 0; o < g.out[d]; o++) {
      int64_t s = o * g.s[d] - g.p[d], e = s + (g.k[d] - 1) * g.d[d] + 1;
      if (e > g.in[d]) e = g.in[d];
      /* the first tap at or past 0 */
      if (s < 0) s += (-s + g.d[d] - 1) / g.d[d] * g.d[d];
      bounds[at + o] = s;
      bounds[at + g.out[d] + o] = e;
    }
    for (int64_t o = 0; o < g.out[d]; o++)
      if (bounds[at + o] >= bounds[at + g.out[d] + o]) {
        free(bounds);
        return tl_fail(env, K, "a window along dim %d lies wholly in the padding (output %lld)", 2 + d, (long long)o);
      }
    at += 2 * g.out[d];
  }
  mp3_job j = {&g, &out, &x, with_indices ? &ix : NULL, bounds};
  const double per = (double)(g.out[0] * g.out[1] * g.out[2]) * (double)(g.k[0] * g.k[1] * g.k[2]);
  const int nt = tl_threads_for(per * (double)(g.n * g.c));
  int64_t grain = (int64_t)(16384 / (per + 1)) + 1, planes = g.n * g.c;
  if (nt > 1 && grain > planes / (4 * nt)) grain = planes / (4 * nt) > 0 ? planes / (4 * nt) : 1;
  tl_parallel_for(planes, grain, nt, mp3_part, &j);
  free(bounds);
  return NULL;
}
