/*
 * gridSample's backward (GridSampler2DBackward0 / 3D), as backward() in src/ops/grid-sampler.ts:
 *
 *   gridSampleBackward(gx, gg, g, x, grid, mode, padding, alignCorners)
 *     adds the input's gradient into gx (x's shape, zero-filled by the
 *     caller; null when not needed) and writes the grid's into gg (grid's
 *     shape; null when not needed) from the output gradient g (out's shape).
 *
 * Split over the batch items only: the points of one item scatter into the
 * same input planes (in point order, as the JS adds them), and a point's
 * grid gradient sums over the channels in order.
 */
#include "grid-sample.h"

typedef struct {
  gs_job j;
  const char *g;
  char *gx, *gg;
} gsb_job;

/* the input gradient's plane of channel c */
#define GXC (gx + c * S)
#define BACKWARD(T)                                                                                         \
  static void backward_##T(const gsb_job *b, int64_t n, plan_t *pl) {                                       \
    const gs_job *j = &b->j;                                                                                \
    const int dims = j->dims, nearest = j->mode == M_NEAREST;                                               \
    const int64_t C = j->C, S = j->S, P = j->P;                                                             \
    T *gx = b->gx ? (T *)b->gx + n * C * S : NULL;                                                          \
    T *gg = b->gg ? (T *)b->gg + n * P * dims : NULL;                                                       \
    const T *grid = (const T *)j->grid + n * P * dims;                                                      \
    const int with_grid = gg != NULL && !nearest;                                                           \
    double g[BLOCK * 3], grad[BLOCK * 3];                                                                   \
    unsigned char skip[BLOCK];                                                                              \
    if (nearest && gg) memset(gg, 0, (size_t)(P * dims) * sizeof(T)); /* nearest: the grid's gradient is 0 */ \
    if (nearest && !gx) return;                                                                             \
    for (int64_t p0 = 0; p0 < P; p0 += BLOCK) {                                                             \
      const int64_t B = P - p0 < BLOCK ? P - p0 : BLOCK;                                                    \
      for (int64_t i = 0; i < B * dims; i++) g[i] = grid[p0 * dims + i];                                    \
      if (dims == 3)                                                                                        \
        for (int64_t q = 0; q < B; q++) {                                                                   \
          int bad = 0;                                                                                      \
          for (int k = 0; k < 3; k++) {                                                                     \
            const double v = g[3 * q + k];                                                                  \
            if (v != v || (j->padding == P_REFLECTION && !isfinite(v))) bad = 1;                            \
          }                                                                                                 \
          skip[q] = (unsigned char)bad;                                                                     \
        }                                                                                                   \
      if (with_grid) memset(grad, 0, (size_t)(B * dims) * sizeof(double));                                  \
      const T *x = (const T *)j->x + n * C * S, *go = (const T *)b->g + n * C * P + p0;                     \
      if (nearest) {                                                                                        \
        tl_gs_plan_nearest(j, g, B, pl);                                                                          \
        if (dims == 3)                                                                                      \
          for (int64_t q = 0; q < B; q++)                                                                   \
            if (skip[q]) pl->at[q] = -1;                                                                    \
        for (int64_t c = 0; c < C; c++, go += P)                                                  \
          for (int64_t q = 0; q < B; q++) {                                                                 \
            const int64_t i = pl->at[q];                                                                    \
            if (i >= 0) GXC[i] = (T)((double)GXC[i] + (double)go[q]);                                       \
          }                                                                                                 \
        continue;                                                                                           \
      }                                                                                                     \
      if (j->mode == M_BICUBIC) {                                                                           \
        tl_gs_plan_bicubic(j, g, B, pl, 1);                                                                       \
        for (int64_t c = 0; c < C; c++, x += S, go += P)                                          \
          for (int64_t q = 0; q < B; q++) {                                                                 \
            const double gv = go[q];                                                                        \
            const int64_t o = 16 * q;                                                                       \
            const double w0 = pl->w[o], w1 = pl->w[o + 1], w2 = pl->w[o + 2], w3 = pl->w[o + 3];            \
            if (gx)                                                                                        \
              for (int64_t r = 0, k = o; r < 4; r++, k += 4) {                                              \
                const double grow = gv * pl->w[o + 4 + r];                                                  \
                const int64_t i0 = pl->at[k], i1 = pl->at[k + 1], i2 = pl->at[k + 2], i3 = pl->at[k + 3];   \
                if (i0 >= 0) GXC[i0] = (T)((double)GXC[i0] + grow * w0);                                    \
                if (i1 >= 0) GXC[i1] = (T)((double)GXC[i1] + grow * w1);                                    \
                if (i2 >= 0) GXC[i2] = (T)((double)GXC[i2] + grow * w2);                                    \
                if (i3 >= 0) GXC[i3] = (T)((double)GXC[i3] + grow * w3);                                    \
              }                                                                                             \
            if (with_grid) {                                                                                \
              const double d0 = pl->w[o + 8], d1 = pl->w[o + 9], d2 = pl->w[o + 10], d3 = pl->w[o + 11];    \
              double gtx = 0, gty = 0;                                                                      \
              for (int64_t r = 0, k = o; r < 4; r++, k += 4) {                                              \
                const int64_t i0 = pl->at[k], i1 = pl->at[k + 1], i2 = pl->at[k + 2], i3 = pl->at[k + 3];   \
                const double v0 = i0 >= 0 ? x[i0] : 0, v1 = i1 >= 0 ? x[i1] : 0, v2 = i2 >= 0 ? x[i2] : 0, \
                             v3 = i3 >= 0 ? x[i3] : 0;                                                      \
                gtx += pl->w[o + 4 + r] * (d0 * v0 + d1 * v1 + d2 * v2 + d3 * v3);                         \
                gty += pl->w[o + 12 + r] * (w0 * v0 + w1 * v1 + w2 * v2 + w3 * v3);                         \
              }                                                                                             \
              grad[2 * q] = grad[2 * q] + gv * gtx;                                                         \
              grad[2 * q + 1] = grad[2 * q + 1] + gv * gty;                                                 \
            }                                                                                               \
          }                                                                                                 \
      } else if (dims == 2) {                                                                               \
        tl_gs_plan_bilinear(j, g, B, pl, 1);                                                                      \
        for (int64_t c = 0; c < C; c++, x += S, go += P)                                          \
          for (int64_t q = 0, k = 0; q < B; q++, k += 4) {                                                  \
            const double gv = go[q];                                                                        \
            const int64_t i0 = pl->at[k], i1 = pl->at[k + 1], i2 = pl->at[k + 2], i3 = pl->at[k + 3];       \
            if (gx) {                                                                                      \
              if (i0 >= 0) GXC[i0] = (T)((double)GXC[i0] + gv * pl->w[k]);                                  \
              if (i1 >= 0) GXC[i1] = (T)((double)GXC[i1] + gv * pl->w[k + 1]);                              \
              if (i2 >= 0) GXC[i2] = (T)((double)GXC[i2] + gv * pl->w[k + 2]);                              \
              if (i3 >= 0) GXC[i3] = (T)((double)GXC[i3] + gv * pl->w[k + 3]);                              \
            }                                                                                               \
            if (with_grid) {                                                                                \
              const double v0 = i0 >= 0 ? x[i0] : 0, v1 = i1 >= 0 ? x[i1] : 0, v2 = i2 >= 0 ? x[i2] : 0,   \
                           v3 = i3 >= 0 ? x[i3] : 0;                                                        \
              const double *pp = pl->partial;                                                               \
              grad[2 * q] = grad[2 * q] + gv * ((v1 - v0) * pp[k + 2] + (v3 - v2) * pp[k + 3]);             \
              grad[2 * q + 1] = grad[2 * q + 1] + gv * ((v2 - v0) * pp[k] + (v3 - v1) * pp[k + 1]);         \
            }                                                                                               \
          }                                                                                                 \
      } else {                                                                                              \
        tl_gs_plan_trilinear(j, g, B, pl, 1);                                                                     \
        for (int64_t c = 0; c < C; c++, x += S, go += P)                                          \
          for (int64_t q = 0; q < B; q++) {                                                                 \
            if (skip[q]) continue;                                                                          \
            const double gv = go[q];                                                                        \
            double gpx = 0, gpy = 0, gpz = 0;                                                               \
            for (int64_t k = 8 * q; k < 8 * q + 8; k++) {                                                   \
              const int64_t i = pl->at[k];                                                                  \
              if (i < 0) continue;                                                                          \
              if (gx) GXC[i] = (T)((double)GXC[i] + gv * pl->w[k]);                                        \
              if (with_grid) {                                                                              \
                const double gw = gv * x[i];                                                                \
                gpx += gw * pl->partial[3 * k];                                                             \
                gpy += gw * pl->partial[3 * k + 1];                                                         \
                gpz += gw * pl->partial[3 * k + 2];                                                         \
              }                                                                                             \
            }                                                                                               \
            if (with_grid) {                                                                                \
              grad[3 * q] = grad[3 * q] + gpx;                                                              \
              grad[3 * q + 1] = grad[3 * q + 1] + gpy;                                                      \
              grad[3 * q + 2] = grad[3 * q + 2] + gpz;                                                      \
            }                                                                                               \
          }                                                                                                 \
      }                                                                                                     \
      if (with_grid)                                                                                        \
        for (int64_t i = 0; i < B * dims; i++) {                                                            \
          const double d = pl->deriv[i];                                                                    \
          /* a masked position passes no gradient, not even a NaN one; nor does a skipped point */          \
          gg[p0 * dims + i] = d == 0 || (dims == 3 && skip[i / 3]) ? (T)0 : (T)(grad[i] * d);               \
        }                                                                                                   \
    }                                                                                                       \
  }
BACKWARD(float)
BACKWARD(double)

static void run_backward(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const gsb_job *job = arg;
  plan_t pl;
  for (int64_t n = b; n < e; n++) {
    if (job->j.f32) backward_float(job, n, &pl);
    else backward_double(job, n, &pl);
  }
}

napi_value tl_js_grid_sample_backward(napi_env env, napi_callback_info info) {
  static const char *const K = "gridSampleBackward";
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 8)
    return tl_fail(env, K, "expected 8 arguments (gx, gg, g, x, grid, mode, padding, alignCorners), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  napi_valuetype t0, t1;
  if (napi_typeof(env, argv[0], &t0) != napi_ok || napi_typeof(env, argv[1], &t1) != napi_ok)
    return tl_fail(env, K, "bad call");
  const bool has_gx = t0 != napi_null, has_gg = t1 != napi_null;
  tl_raw raw[5];
  int64_t mode = 0, padding = 0, align = 0;
  if ((has_gx && !tl_read_tensor(env, &k, K, "gx", argv[0], &raw[0])) ||
      (has_gg && !tl_read_tensor(env, &k, K, "gg", argv[1], &raw[1])) ||
      !tl_read_tensor(env, &k, K, "g", argv[2], &raw[2]) || !tl_read_tensor(env, &k, K, "x", argv[3], &raw[3]) ||
      !tl_read_tensor(env, &k, K, "grid", argv[4], &raw[4]) || !tl_get_integer(env, K, "mode", argv[5], 0, 2, &mode) ||
      !tl_get_integer(env, K, "padding", argv[6], 0, 2, &padding) ||
      !tl_get_integer(env, K, "alignCorners", argv[7], 0, 1, &align))
    return NULL;
  tl_tensor gx, gg, g, x, grid;
  if ((has_gx && !tl_bind_tensor(env, K, &raw[0], &gx)) || (has_gg && !tl_bind_tensor(env, K, &raw[1], &gg)) ||
      !tl_bind_tensor(env, K, &raw[2], &g) || !tl_bind_tensor(env, K, &raw[3], &x) ||
      !tl_bind_tensor(env, K, &raw[4], &grid))
    return NULL;
  gsb_job b;
  memset(&b, 0, sizeof b);
  /* g plays out's part: the same checks as the forward's */
  if (!tl_gs_setup(env, K, &b.j, &g, &x, &grid, mode, padding, align)) return NULL;
  if (has_gx && (!tl_same_dtype(env, K, &gx, "gx", &x, "x") || !tl_same_shape(env, K, &gx, "gx", &x, "x")))
    return NULL;
  if (has_gg && (!tl_same_dtype(env, K, &gg, "gg", &x, "x") || !tl_same_shape(env, K, &gg, "gg", &grid, "grid")))
    return NULL;
  if ((has_gx && !tl_gs_contiguous(&gx)) || (has_gg && !tl_gs_contiguous(&gg))) return tl_fail(env, K, "gx and gg must be contiguous");
  b.g = tl_first(&g);
  b.gx = has_gx ? tl_first(&gx) : NULL;
  b.gg = has_gg ? tl_first(&gg) : NULL;
  if (b.j.P == 0 || (has_gx && gx.numel == 0 && !has_gg)) return NULL;
  const double taps = mode == M_NEAREST ? 1 : mode == M_BICUBIC ? 32 : b.j.dims == 3 ? 16 : 8;
  const int threads = tl_threads_for((double)g.numel * taps);
  tl_parallel_for(b.j.N, 1, threads, run_backward, &b);
  return NULL;
}
