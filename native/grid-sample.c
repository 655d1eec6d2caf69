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
/* GCC's SLP vectorizer (-O3 -march=native, GCC 12) merged the four corner
 * weights' float roundings, (double)(float)(a * b), into vector code that
 * left two of them unrounded: off here, the planning loops are scalar. */
#pragma GCC optimize("no-tree-slp-vectorize")
#include <math.h>
#include <string.h>

#include "args.h"

#define BLOCK 128

enum { M_BILINEAR = 0, M_NEAREST = 1, M_BICUBIC = 2 };
enum { P_ZEROS = 0, P_BORDER = 1, P_REFLECTION = 2 };

typedef struct {
  int mode, padding, align, f32, dims; /* dims: 2 or 3 */
  int64_t N, C, S, P;
  int64_t size[3]; /* W, H, D */
  const char *x, *grid;
  char *out;
  int64_t blocks; /* per batch item */
} gs_job;

/* Math.fround where the JS rounds (f32), else the double itself */
static inline double R(double v, int f32) { return f32 ? (double)(float)v : v; }

/* JS Math.round: the nearest integer, halves up (a -0 may come out +0: only compared and converted after).
 * Branch-free: at random positions the fraction test would mispredict half the time. */
static inline double js_round(double v) {
  const double r = floor(v);
  return r + (double)(v - r >= 0.5);
}

/* JS Math.min: NaN when either is */
static inline double js_min(double a, double b) { return a != a || b != b ? NAN : a < b ? a : b; }

/* the unnormalized position; *d gets d(position)/d(x) */
static inline double unnormalize(double x, double size, int align, int vectorized, int f32, double *d) {
  if (vectorized) {
    if (align) {
      *d = (size - 1) / 2;
      return R(R(x + 1, f32) * ((size - 1) / 2), f32);
    }
    *d = size / 2;
    return R(R(R(x + 1, f32) * (size / 2), f32) - 0.5, f32);
  }
  if (align) {
    *d = 0.5 * (size - 1);
    return R(R(R(x + 1, f32) * 0.5, f32) * (size - 1), f32);
  }
  *d = 0.5 * size;
  return R(R(R(R(x + 1, f32) * size, f32) - 1, f32) * 0.5, f32);
}

/* clipped into [0, size - 1]; the gradient passes only strictly inside */
static inline double clip(double x, double size, int vectorized, double *d) {
  const double hi = size - 1;
  if (!(x > 0 && x < hi)) *d = 0;
  if (vectorized) return x > 0 ? (x < hi ? x : hi) : 0;
  return x <= 0 ? 0 : x < hi ? x : hi;
}

/* reflected until inside; the gradient is ±1 */
static inline double reflect(double x, double size, int align, int f32, double *d) {
  const double twice = align ? 2 * (size - 1) : 2 * size;
  if (twice == 0) {
    *d = 0;
    return 0;
  }
  const double shifted = align ? x : R(x + 0.5, f32);
  const double sign = shifted < 0 ? -1 : 1;
  const double a = fabs(shifted);
  const double flipped = R(trunc(R(a / twice, f32)) * twice, f32);
  const double extra = R(a - flipped, f32), mirrored = R(twice - extra, f32);
  const double inside = extra > mirrored ? mirrored : extra;
  *d = *d * (extra > mirrored ? -sign : sign);
  return align ? inside : R(inside - 0.5, f32);
}

/* the position coordinate x reads along a dim of size (3-d: -100 when not an int32); *d its derivative */
static inline double source_position(const gs_job *j, double x, double size, int vectorized, double *d) {
  double pos = unnormalize(x, size, j->align, vectorized, j->f32, d);
  if (j->padding == P_BORDER) pos = clip(pos, size, vectorized, d);
  else if (j->padding == P_REFLECTION) pos = clip(reflect(pos, size, j->align, j->f32, d), size, vectorized, d);
  if (!vectorized && !(isfinite(pos) && pos <= 2147483646.0 && pos >= -2147483648.0)) {
    *d = 0;
    return -100;
  }
  return pos;
}

static inline double half_even(double v) {
  const double r = js_round(v);
  /* a half rounded up to an odd r goes back down; r odd: r - 2 floor(r / 2), exact below 2^53 (where alone a
   * half can be); branch-free as js_round */
  return r - (double)((r - v == 0.5) & (r - 2 * floor(r * 0.5) != 0));
}

static inline double tap_position(const gs_job *j, double v, double size) {
  if (j->padding == P_ZEROS) return js_round(v);
  const double hi = size - 1;
  double p = v;
  if (j->padding == P_REFLECTION) {
    const double twice = j->align ? 2 * hi : 2 * size;
    if (twice == 0) return 0;
    const double a = fabs(j->align ? p : p + 0.5);
    const double extra = a - trunc(a / twice) * twice;
    p = js_min(extra, twice - extra) - (j->align ? 0 : 0.5);
  }
  return js_round(p > 0 ? (p < hi ? p : hi) : 0);
}

#define CA (-0.75)
static inline double cubic_near(double x, int f) {
  return R(R(R(R(R(x * (CA + 2), f) - (CA + 3), f) * x, f) * x, f) + 1, f);
}
static inline double cubic_far(double x, int f) {
  return R(R(R(R(R(R(x * CA, f) - 5 * CA, f) * x, f) + 8 * CA, f) * x, f) - 4 * CA, f);
}

static inline int inside(double v, double size) { return v >= 0 && v < size; }

/* the derivatives of the cubic weights */
static inline double near_derivative(double x) { return (3 * (CA + 2) * x - 2 * (CA + 3)) * x; }
static inline double far_derivative(double x) { return (3 * CA * x - 10 * CA) * x + 8 * CA; }

/* per unit: the reads (flat positions in a channel plane, -1 outside) and weights of its points */
typedef struct {
  int64_t at[BLOCK * 16];
  /* bicubic: per point the 4 x weights, the 4 y weights, then (backward) their derivatives */
  double w[BLOCK * 16];
  /* backward: what the grid's gradient needs (bilinear: the 4 axis weights; trilinear: per corner and axis
   * ±(the other two weights)), and d(position)/d(grid) per point and axis */
  double partial[BLOCK * 24];
  double deriv[BLOCK * 3];
} plan_t;

static void plan_nearest(const gs_job *j, const double *g, int64_t B, plan_t *pl) {
  double dd;
  const int dims = j->dims;
  for (int64_t q = 0; q < B; q++) {
    int64_t flat = 0, stride = 1;
    for (int k = 0; k < dims; k++) {
      const double size = (double)j->size[k];
      const double v = half_even(source_position(j, g[q * dims + k], size, dims == 2, &dd));
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

static void plan_bilinear(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back) {
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

static void plan_trilinear(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back) {
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

static void plan_bicubic(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back) {
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
    if (j->mode == M_NEAREST) plan_nearest(j, g, B, &pl);
    else if (j->mode == M_BICUBIC) plan_bicubic(j, g, B, &pl, 0);
    else if (dims == 2) plan_bilinear(j, g, B, &pl, 0);
    else plan_trilinear(j, g, B, &pl, 0);
    const int64_t xo = n * j->C * j->S, oo = n * j->C * j->P + p0;
    if (j->f32) mix_float(j, &pl, (const float *)j->x + xo, (float *)j->out + oo, B);
    else mix_double(j, &pl, (const double *)j->x + xo, (double *)j->out + oo, B);
  }
}

static bool contiguous(const tl_tensor *t) {
  int64_t expect = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return false;
    expect *= t->shape[d];
  }
  return true;
}

/* checks x, grid and out (the output or its gradient) as the kernels need them and fills j */
static bool setup(napi_env env, const char *K, gs_job *j, const tl_tensor *out, const tl_tensor *x, const tl_tensor *grid,
                  int64_t mode, int64_t padding, int64_t align) {
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
  if (!contiguous(x) || !contiguous(grid) || !contiguous(out))
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
  if (!setup(env, K, &j, &out, &x, &grid, mode, padding, align)) return NULL;
  if (out.numel == 0) return NULL;
  const int64_t units = j.N * j.blocks;
  const double taps = mode == M_NEAREST ? 1 : mode == M_BICUBIC ? 16 : j.dims == 3 ? 8 : 4;
  const int threads = tl_threads_for((double)out.numel * taps);
  tl_parallel_for(units, 1, threads, run_units, &j);
  return NULL;
}

/*
 * The backward (GridSampler2DBackward0 / 3D), as backward() in the JS:
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
        plan_nearest(j, g, B, pl);                                                                          \
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
        plan_bicubic(j, g, B, pl, 1);                                                                       \
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
        plan_bilinear(j, g, B, pl, 1);                                                                      \
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
        plan_trilinear(j, g, B, pl, 1);                                                                     \
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
  if (!setup(env, K, &b.j, &g, &x, &grid, mode, padding, align)) return NULL;
  if (has_gx && (!tl_same_dtype(env, K, &gx, "gx", &x, "x") || !tl_same_shape(env, K, &gx, "gx", &x, "x")))
    return NULL;
  if (has_gg && (!tl_same_dtype(env, K, &gg, "gg", &x, "x") || !tl_same_shape(env, K, &gg, "gg", &grid, "grid")))
    return NULL;
  if ((has_gx && !contiguous(&gx)) || (has_gg && !contiguous(&gg))) return tl_fail(env, K, "gx and gg must be contiguous");
  b.g = tl_first(&g);
  b.gx = has_gx ? tl_first(&gx) : NULL;
  b.gg = has_gg ? tl_first(&gg) : NULL;
  if (b.j.P == 0 || (has_gx && gx.numel == 0 && !has_gg)) return NULL;
  const double taps = mode == M_NEAREST ? 1 : mode == M_BICUBIC ? 32 : b.j.dims == 3 ? 16 : 8;
  const int threads = tl_threads_for((double)g.numel * taps);
  tl_parallel_for(b.j.N, 1, threads, run_backward, &b);
  return NULL;
}
