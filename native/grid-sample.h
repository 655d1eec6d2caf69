/*
 * gridSample kernels (grid-sample.c: forward, grid-sample-backward.c:
 * backward), shared part: the job, the position and weight math of the
 * JS loops in src/ops/grid-sampler.ts (each float32 rounding where they
 * call Math.fround), and the per-block plan of reads and weights.
 */
#ifndef TORCHLET_GRID_SAMPLE_H
#define TORCHLET_GRID_SAMPLE_H

/* GCC's SLP vectorizer (-O3 -march=native, GCC 12) merged the four corner
 * weights' float roundings, (double)(float)(a * b), into vector code that
 * left two of them unrounded: off in both kernel files (the plans stay scalar). */
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

/* round half to even: exactly rint(v) in the default rounding mode (JS's Math.round, then halves that went up
 * to an odd integer back down), one instruction without a branch (a compare there compiled to a branch that
 * random positions mispredicted half the time); a -0 may come out +0 or -0: only compared and converted after */
static inline double half_even(double v) { return rint(v); }

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

/* each point's reads and weights for B points of grid values g (as doubles); back: also what the backward needs */
void tl_gs_plan_nearest(const gs_job *j, const double *g, int64_t B, plan_t *pl);
void tl_gs_plan_bilinear(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back);
void tl_gs_plan_trilinear(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back);
void tl_gs_plan_bicubic(const gs_job *j, const double *g, int64_t B, plan_t *pl, int back);

/* checks x, grid and out (the output or its gradient) as the kernels need them and fills j; false with an
 * error thrown otherwise */
bool tl_gs_setup(napi_env env, const char *K, gs_job *j, const tl_tensor *out, const tl_tensor *x,
                 const tl_tensor *grid, int64_t mode, int64_t padding, int64_t align);
bool tl_gs_contiguous(const tl_tensor *t);

#endif
