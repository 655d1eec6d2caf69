/*
 * gridSample's forward (F.grid_sample), the native twin of the loops in
 * src/ops/grid-sampler.ts, step for step:
 *
 *   gridSample(out, x, grid, mode, padding, alignCorners)
 *     x [N, C, H, W] (or [N, C, D, H, W]) sampled at grid [N, Ho, Wo, 2]
 *     (or [N, Do, Ho, Wo, 3]) into out [N, C, Ho, Wo] (or [N, C, Do, Ho, Wo]);
 *     mode 0 bilinear (trilinear in 3-d), 1 nearest, 2 bicubic (2-d only);
 *     padding 0 zeros, 1 border, 2 reflection. All three float32 or all
 *     float64, contiguous.
 *
 * Every position and weight is computed in double and, for float32, rounded
 * to float after each step exactly where the JS loops call Math.fround (so
 * the results are bit-equal: -ffp-contract=off keeps a*b+c two roundings);
 * channels are mixed in double and rounded once when stored. Work is split
 * into (batch item, block of points) units over the pool: each unit finds
 * its points' reads and weights once, then mixes every channel.
 */
#include "grid-sample.h"

/* inside(v, size) without a branch */
static inline int64_t within(double v, double size) { return (int64_t)(v >= 0) & (int64_t)(v < size); }

void tl_gs_plan_nearest(const gs_job *j, const double *g, int64_t B, plan_t *pl) {
  double dd;
  const int dims = j->dims;
  if (dims == 2) {
    const double W = (double)j->size[0], H = (double)j->size[1];
    const int64_t Wi = j->size[0];
    for (int64_t q = 0; q < B; q++) {
      const double x = half_even(source_position(j, g[2 * q], W, 1, &dd));
      const double y = half_even(source_position(j, g[2 * q + 1], H, 1, &dd));
      const int64_t in = within(x, W) & within(y, H);
      /* converted only where inside (0 elsewhere): no out-of-range conversion */
      const int64_t flat = (int64_t)(in ? y : 0) * Wi + (int64_t)(in ? x : 0);
      pl->at[q] = in ? flat : -1;
    }
    return;
  }
  for (int64_t q = 0; q < B; q++) {
    int64_t flat = 0, stride = 1;
    for (int k = 0; k < dims; k++) {
      const double size = (double)j->size[k];
      const double v = half_even(source_position(j, g[q * dims + k], size, 0, &dd));
      if (!inside(v, size)) {
        flat = -1;
        break;
      }
      flat += (int64_t)v * stride;
      stride *= j->size[k];
    }
    pl->at[q] = flat;
  }
}

void tl_gs_plan_bilinear(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back) {
  const int f = j->f32;
  const double W = (double)j->size[0], H = (double)j->size[1];
  const int64_t Wi = j->size[0];
  for (int64_t q = 0; q < B; q++) {
    double dx, dy;
    const double px = source_position(j, g[2 * q], W, 1, &dx), py = source_position(j, g[2 * q + 1], H, 1, &dy);
    const double x0 = floor(px), y0 = floor(py);
    const double e1 = R(px - x0, f), e0 = R(1 - e1, f), n1 = R(py - y0, f), n0 = R(1 - n1, f);
    const int inX0 = inside(x0, W), inX1 = inside(x0 + 1, W), inY0 = inside(y0, H), inY1 = inside(y0 + 1, H);
    const int64_t at = (inX0 || inX1) && (inY0 || inY1) ? (int64_t)y0 * Wi + (int64_t)x0 : 0;
    const int64_t k = 4 * q;
    pl->at[k] = inX0 && inY0 ? at : -1;
    pl->at[k + 1] = inX1 && inY0 ? at + 1 : -1;
    pl->at[k + 2] = inX0 && inY1 ? at + Wi : -1;
    pl->at[k + 3] = inX1 && inY1 ? at + Wi + 1 : -1;
    pl->w[k] = R(n0 * e0, f);
    pl->w[k + 1] = R(n0 * e1, f);
    pl->w[k + 2] = R(n1 * e0, f);
    pl->w[k + 3] = R(n1 * e1, f);
    if (back) {
      pl->partial[k] = e0;
      pl->partial[k + 1] = e1;
      pl->partial[k + 2] = n0;
      pl->partial[k + 3] = n1;
      pl->deriv[2 * q] = dx;
      pl->deriv[2 * q + 1] = dy;
    }
  }
}

void tl_gs_plan_trilinear(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back) {
  const int f = j->f32;
  const int64_t W = j->size[0], H = j->size[1], D = j->size[2];
  for (int64_t q = 0; q < B; q++) {
    double dx, dy, dz;
    const double px = source_position(j, g[3 * q], (double)W, 0, &dx);
    const double py = source_position(j, g[3 * q + 1], (double)H, 0, &dy);
    const double pz = source_position(j, g[3 * q + 2], (double)D, 0, &dz);
    const double x0 = floor(px), y0 = floor(py), z0 = floor(pz);
    const double wx[2] = {R(R(x0 + 1, f) - px, f), R(px - x0, f)};
    const double wy[2] = {R(R(y0 + 1, f) - py, f), R(py - y0, f)};
    const double wz[2] = {R(R(z0 + 1, f) - pz, f), R(pz - z0, f)};
    for (int corner = 0; corner < 8; corner++) {
      const int bx = corner & 1, by = (corner >> 1) & 1, bz = corner >> 2;
      const double x = x0 + bx, y = y0 + by, z = z0 + bz;
      const int64_t k = 8 * q + corner;
      pl->at[k] = inside(x, (double)W) && inside(y, (double)H) && inside(z, (double)D)
                      ? ((int64_t)z * H + (int64_t)y) * W + (int64_t)x
                      : -1;
      pl->w[k] = R(R(wx[bx] * wy[by], f) * wz[bz], f);
      if (back) {
        const double a = wx[bx], b = wy[by], c = wz[bz];
        pl->partial[3 * k] = (bx ? 1 : -1) * b * c;
        pl->partial[3 * k + 1] = (by ? 1 : -1) * a * c;
        pl->partial[3 * k + 2] = (bz ? 1 : -1) * a * b;
      }
    }
    if (back) {
      pl->deriv[3 * q] = dx;
      pl->deriv[3 * q + 1] = dy;
      pl->deriv[3 * q + 2] = dz;
    }
  }
}

void tl_gs_plan_bicubic(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back) {
  const int f = j->f32;
  const double W = (double)j->size[0], H = (double)j->size[1];
  const int64_t Wi = j->size[0];
  for (int64_t q = 0; q < B; q++) {
    const int64_t o = 16 * q;
    double taps[2][4];
    for (int k = 0; k < 2; k++) {
      const double size = k == 0 ? W : H;
      double d;
      const double pos = unnormalize(g[2 * q + k], size, j->align, 1, f, &d);
      if (back) pl->deriv[2 * q + k] = d;
      const double fl = floor(pos), t = R(pos - fl, f);
      const double t0 = R(t + 1, f), t2 = R(1 - t, f), t3 = R(2 - t, f);
      pl->w[o + 4 * k] = cubic_far(t0, f);
      pl->w[o + 4 * k + 1] = cubic_near(t, f);
      pl->w[o + 4 * k + 2] = cubic_near(t2, f);
      pl->w[o + 4 * k + 3] = cubic_far(t3, f);
      if (back) {
        pl->w[o + 8 + 4 * k] = far_derivative(t0);
        pl->w[o + 8 + 4 * k + 1] = near_derivative(t);
        pl->w[o + 8 + 4 * k + 2] = -near_derivative(t2);
        pl->w[o + 8 + 4 * k + 3] = -far_derivative(t3);
      }
      for (int i = 0; i < 4; i++) taps[k][i] = tap_position(j, fl - 1 + i, size);
    }
    /* the weights take slots o..o+7 of w; the reads all 16 of at */
    for (int i = 0; i < 4; i++) {
      const double y = taps[1][i];
      for (int jx = 0; jx < 4; jx++) {
        const double x = taps[0][jx];
        pl->at[o + i * 4 + jx] = inside(x, W) && inside(y, H) ? (int64_t)y * Wi + (int64_t)x : -1;
      }
    }
  }
}

#define MIX(T)                                                                                          \
  static void mix_##T(const gs_job *j, const plan_t *pl, const T *x, T *out, int64_t B) {               \
    const int64_t C = j->C, S = j->S, P = j->P;                                                         \
    for (int64_t c = 0; c < C; c++, x += S, out += P) {                                                 \
      switch (j->mode == M_BILINEAR && j->dims == 3 ? 3 : j->mode) {                                    \
        case M_NEAREST:                                                                                 \
          for (int64_t q = 0; q < B; q++) { /* branch-free: x[0] is always there */                     \
            const int64_t i = pl->at[q];                                                                \
            const T v = x[i >= 0 ? i : 0];                                                              \
            out[q] = i >= 0 ? v : 0;                                                                    \
          }                                                                                             \
          break;                                                                                        \
        case M_BILINEAR:                                                                                \
          for (int64_t q = 0, k = 0; q < B; q++, k += 4) {                                              \
            const int64_t i0 = pl->at[k], i1 = pl->at[k + 1], i2 = pl->at[k + 2], i3 = pl->at[k + 3];   \
            const T r0 = x[i0 >= 0 ? i0 : 0], r1 = x[i1 >= 0 ? i1 : 0], r2 = x[i2 >= 0 ? i2 : 0],        \
                    r3 = x[i3 >= 0 ? i3 : 0];                                                           \
            const double v0 = i0 >= 0 ? r0 : 0, v1 = i1 >= 0 ? r1 : 0, v2 = i2 >= 0 ? r2 : 0,           \
                         v3 = i3 >= 0 ? r3 : 0;                                                         \
            out[q] = (T)(v0 * pl->w[k] + v1 * pl->w[k + 1] + v2 * pl->w[k + 2] + v3 * pl->w[k + 3]);    \
          }                                                                                             \
          break;                                                                                        \
        case 3: /* trilinear: the corners outside are skipped */                                       \
          for (int64_t q = 0; q < B; q++) {                                                             \
            double acc = 0;                                                                             \
            for (int64_t k = 8 * q; k < 8 * q + 8; k++) {                                               \
              const int64_t i = pl->at[k];                                                              \
              if (i >= 0) acc += x[i] * pl->w[k];                                                       \
            }                                                                                           \
            out[q] = (T)acc;                                                                            \
          }                                                                                             \
          break;                                                                                        \
        default: /* bicubic: along x, then along y */                                                   \
          for (int64_t q = 0; q < B; q++) {                                                             \
            const int64_t o = 16 * q;                                                                   \
            const double w0 = pl->w[o], w1 = pl->w[o + 1], w2 = pl->w[o + 2], w3 = pl->w[o + 3];        \
            double acc = 0;                                                                             \
            for (int64_t r = 0, k = o; r < 4; r++, k += 4) {                                            \
              const int64_t i0 = pl->at[k], i1 = pl->at[k + 1], i2 = pl->at[k + 2], i3 = pl->at[k + 3]; \
              const double row = w0 * (i0 >= 0 ? x[i0] : 0) + w1 * (i1 >= 0 ? x[i1] : 0) +             \
                                 w2 * (i2 >= 0 ? x[i2] : 0) + w3 * (i3 >= 0 ? x[i3] : 0);              \
              acc += pl->w[o + 4 + r] * row;                                                            \
            }                                                                                           \
            out[q] = (T)acc;                                                                            \
          }                                                                                             \
          break;                                                                                        \
      }                                                                                                 \
    }                                                                                                   \
  }
MIX(float)
MIX(double)

/* nearest, every channel: a gather of the element bits (no arithmetic, so float32 and int-sized float64 alike),
 * masked to +0 for points outside: branch-free with 32-bit positions, so it vectorizes (gathers) */
#define MIX_NEAREST(U)                                                                                   \
  static void mix_nearest_##U(const gs_job *j, const int32_t *restrict at, const U *restrict keep,     \
                               const U *restrict x, U *restrict out, int64_t B) {                      \
    const int64_t C = j->C, S = j->S, P = j->P;                                                        \
    for (int64_t c = 0; c < C; c++) {                                                                  \
      const U *restrict xc = x + c * S;                                                                \
      U *restrict oc = out + c * P;                                                                    \
      for (int64_t q = 0; q < B; q++) oc[q] = xc[at[q]] & keep[q];                                     \
    }                                                                                                  \
  }
MIX_NEAREST(uint32_t)
MIX_NEAREST(uint64_t)

static void run_units(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const gs_job *j = arg;
  plan_t pl;
  double g[BLOCK * 3];
  const int es = j->f32 ? 4 : 8, dims = j->dims;
  for (int64_t u = b; u < e; u++) {
    const int64_t n = u / j->blocks, p0 = (u % j->blocks) * BLOCK;
    const int64_t B = j->P - p0 < BLOCK ? j->P - p0 : BLOCK;
    /* the block's grid values, as doubles */
    const char *gp = j->grid + (n * j->P + p0) * dims * es;
    for (int64_t i = 0; i < B * dims; i++) g[i] = j->f32 ? ((const float *)gp)[i] : ((const double *)gp)[i];
    if (j->mode == M_NEAREST) tl_gs_plan_nearest(j, g, B, &pl);
    else if (j->mode == M_BICUBIC) tl_gs_plan_bicubic(j, g, B, &pl, 0);
    else if (dims == 2) tl_gs_plan_bilinear(j, g, B, &pl, 0);
    else tl_gs_plan_trilinear(j, g, B, &pl, 0);
    const int64_t xo = n * j->C * j->S, oo = n * j->C * j->P + p0;
    if (j->mode == M_NEAREST && j->S <= INT32_MAX) {
      /* each point's read (0 for one outside, where its mask then gives +0) and mask, once for all channels */
      int32_t at[BLOCK];
      uint64_t keep64[BLOCK];
      uint32_t keep32[BLOCK];
      for (int64_t q = 0; q < B; q++) {
        const int64_t i = pl.at[q];
        at[q] = (int32_t)(i >= 0 ? i : 0);
        keep64[q] = i >= 0 ? ~(uint64_t)0 : 0;
        keep32[q] = (uint32_t)keep64[q];
      }
      if (j->f32) mix_nearest_uint32_t(j, at, keep32, (const uint32_t *)j->x + xo, (uint32_t *)j->out + oo, B);
      else mix_nearest_uint64_t(j, at, keep64, (const uint64_t *)j->x + xo, (uint64_t *)j->out + oo, B);
      continue;
    }
    if (j->f32) mix_float(j, &pl, (const float *)j->x + xo, (float *)j->out + oo, B);
    else mix_double(j, &pl, (const double *)j->x + xo, (double *)j->out + oo, B);
  }
}

bool tl_gs_contiguous(const tl_tensor *t) {
  int64_t expect = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return false;
    expect *= t->shape[d];
  }
  return true;
}

bool tl_gs_setup(napi_env env, const char *K, gs_job *j, const tl_tensor *out, const tl_tensor *x,
                 const tl_tensor *grid, int64_t mode, int64_t padding, int64_t align) {
  if (!tl_float_dtype(env, K, x, "x") || !tl_same_dtype(env, K, grid, "grid", x, "x") ||
      !tl_same_dtype(env, K, out, out == x ? "x" : "out", x, "x"))
    return false;
  const int nd = x->ndim;
  char sx[160], sg[160], so[160];
  tl_format_shape(sx, sizeof sx, x->ndim, x->shape);
  tl_format_shape(sg, sizeof sg, grid->ndim, grid->shape);
  tl_format_shape(so, sizeof so, out->ndim, out->shape);
  if (nd != 4 && nd != 5) return tl_fail(env, K, "x must have 4 or 5 dims, got %s", sx), false;
  if (mode == M_BICUBIC && nd != 4) return tl_fail(env, K, "bicubic takes a 4-d x, got %s", sx), false;
  bool ok = grid->ndim == nd && out->ndim == nd && grid->shape[0] == x->shape[0] && grid->shape[nd - 1] == nd - 2 &&
            out->shape[0] == x->shape[0] && out->shape[1] == x->shape[1];
  for (int d = 2; ok && d < nd; d++) ok = out->shape[d] == grid->shape[d - 1];
  if (!ok) return tl_fail(env, K, "x %s, grid %s and out %s do not agree", sx, sg, so), false;
  if (!tl_gs_contiguous(x) || !tl_gs_contiguous(grid) || !tl_gs_contiguous(out))
    return tl_fail(env, K, "x, grid and out must be contiguous"), false;
  j->mode = (int)mode;
  j->padding = (int)padding;
  j->align = (int)align;
  j->f32 = x->dtype == TL_F32;
  j->dims = nd - 2;
  j->N = x->shape[0];
  j->C = x->shape[1];
  j->S = 1;
  for (int k = 0; k < j->dims; k++) {
    j->size[k] = x->shape[nd - 1 - k];
    j->S *= j->size[k];
  }
  j->P = 1;
  for (int d = 2; d < nd; d++) j->P *= out->shape[d];
  /* the mixing loops read x[0] of each plane for a point outside (and then use 0): an input with no
   * pixels reads this zero instead */
  static const double no_pixels[1] = {0};
  j->x = j->S == 0 ? (const char *)no_pixels : tl_first(x);
  j->grid = tl_first(grid);
  j->out = tl_first(out);
  j->blocks = (j->P + BLOCK - 1) / BLOCK;
  return true;
}

napi_value tl_js_grid_sample(napi_env env, napi_callback_info info) {
  static const char *const K = "gridSample";
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 6) return tl_fail(env, K, "expected 6 arguments (out, x, grid, mode, padding, alignCorners), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  tl_raw raw[3];
  int64_t mode = 0, padding = 0, align = 0;
  if (!tl_read_tensor(env, &k, K, "out", argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, "x", argv[1], &raw[1]) ||
      !tl_read_tensor(env, &k, K, "grid", argv[2], &raw[2]) || !tl_get_integer(env, K, "mode", argv[3], 0, 2, &mode) ||
      !tl_get_integer(env, K, "padding", argv[4], 0, 2, &padding) ||
      !tl_get_integer(env, K, "alignCorners", argv[5], 0, 1, &align))
    return NULL;
  tl_tensor out, x, grid;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &x) ||
      !tl_bind_tensor(env, K, &raw[2], &grid))
    return NULL;
  gs_job j;
  memset(&j, 0, sizeof j);
  if (!tl_gs_setup(env, K, &j, &out, &x, &grid, mode, padding, align)) return NULL;
  if (out.numel == 0) return NULL;
  const int64_t units = j.N * j.blocks;
  const double taps = mode == M_NEAREST ? 1 : mode == M_BICUBIC ? 16 : j.dims == 3 ? 8 : 4;
  const int threads = tl_threads_for((double)out.numel * taps);
  tl_parallel_for(units, 1, threads, run_units, &j);
  return NULL;
}
