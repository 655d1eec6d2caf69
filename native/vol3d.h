/* Shared by the 3-d kernels (vol3d.c, maxpool3d.c, upsample3d.c, adaptive-pool3d.c): a 3-d window geometry and its reading, and the separable per-volume passes. */
#ifndef TORCHLET_VOL3D_H
#define TORCHLET_VOL3D_H

#include "args.h"
#include "torchlet.h"

/* a window op over [n, c, in[0..2]] giving [n, c, out[0..2]]; per dim (depth, height, width) */
typedef struct {
  int64_t k[3], s[3], p[3], d[3];
  int64_t n, c, in[3], out[3];
} tl_geom3;

/*
 * Reads `v`, an array of 12 integers [kd, kh, kw, sd, sh, sw, pd, ph, pw,
 * dd, dh, dw] (kernel, stride, dilation >= 1, padding >= 0), into g.
 */
bool tl_read_geom3(napi_env env, const char *kernel, napi_value v, tl_geom3 *g);
/* Whether t has row-major contiguous strides (dims of size 1 may have any stride; empty t is). */
bool tl_contiguous3(const tl_tensor *t);
/* The output size of one dim of a window op (floor mode), or -1 when not positive. */
int64_t tl_window_out(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d);

/*
 * F.conv3d's forward straight from the input, without columns (conv3d-direct.c): out [N, O, oD, oH, oW]
 * (contiguous) = weight [O, C/groups, kd, kh, kw] (contiguous) over x [N, C, D, H, W] (any strides) plus
 * bias [O] (or NULL), g's sizes filled and every argument checked by the caller. 0 when done, 1 when it
 * leaves the case to the column path (too few output channels per group), -1 when out of memory.
 */
int tl_conv3d_direct(const tl_tensor *out, const tl_tensor *x, const tl_tensor *w, const tl_tensor *bias,
                     const tl_geom3 *g, int64_t groups);
/*
 * conv3d's weight gradient straight from the input (conv3d-direct.c): gw [O, C/groups, kd, kh, kw]
 * (contiguous, overwritten) = gout [N, O, oD, oH, oW] (contiguous) times the windows of x [N, C, D, H, W]
 * (any strides), summed over images and positions; arguments checked by the caller. 0 when done, 1 when
 * it leaves the case to the column path, -1 when out of memory.
 */
int tl_conv3d_direct_grad_weight(const tl_tensor *gw, const tl_tensor *gout, const tl_tensor *x, const tl_geom3 *g,
                                 int64_t groups);

/*
 * The body of a per-volume function `(j, v, backward, buf0, buf1)` that runs volume v (image v / C,
 * channel v % C) of j->src [N, C, *] into j->dst [N, C, *] (contiguous) by separable passes, one per
 * dim whose axis j->ax[d] changes its size (n to m): forward `FORWARD(src, strides, sizes, d, axis,
 * dst[, extra])` low dims first, backward `BACKWARD(src, strides, dst_sizes, d, axis, dst)` high dims
 * first, through buf0 / buf1 (each as big as the largest intermediate volume), the last pass writing
 * j->dst. Shared by trilinear resampling (upsample3d.c) and adaptive average pooling (adaptive-pool3d.c).
 */
#define TL_SEPARABLE_VOLUME(T, AXIS, FORWARD, BACKWARD, ...)                                           \
  const int64_t n = v / j->C, c = v % j->C;                                                           \
  const tl_tensor *s = j->src;                                                                        \
  const T *cur = (const T *)tl_first(s) + n * s->strides[0] + c * s->strides[1];                     \
  int64_t ss[3] = {s->strides[2], s->strides[3], s->strides[4]};                                      \
  int64_t sz[3] = {s->shape[2], s->shape[3], s->shape[4]};                                            \
  const int64_t dvol = j->dst->shape[2] * j->dst->shape[3] * j->dst->shape[4];                        \
  T *out = (T *)tl_first(j->dst) + v * dvol;                                                          \
  /* forward: the last pass is the highest changed dim; backward: the lowest */                      \
  int last = -1;                                                                                      \
  for (int d = 0; d < 3; d++)                                                                         \
    if (j->ax[d].m != j->ax[d].n && (last < 0 || !backward)) last = d;                                \
  if (last < 0) {                                                                                     \
    for (int64_t i = 0, o = 0; i < sz[0]; i++)                                                        \
      for (int64_t k = 0; k < sz[1]; k++)                                                             \
        for (int64_t l = 0; l < sz[2]; l++) out[o++] = cur[i * ss[0] + k * ss[1] + l * ss[2]];        \
    return;                                                                                           \
  }                                                                                                   \
  int flip = 0;                                                                                       \
  for (int step = 0; step < 3; step++) {                                                              \
    const int d = backward ? 2 - step : step;                                                         \
    const AXIS *a = &j->ax[d];                                                                        \
    if (a->m == a->n) continue;                                                                       \
    T *target = d == last ? out : flip ? buf1 : buf0;                                                 \
    if (backward) {                                                                                   \
      int64_t dz[3] = {sz[0], sz[1], sz[2]};                                                          \
      dz[d] = a->n;                                                                                   \
      BACKWARD(cur, ss, dz, d, a, target);                                                            \
      sz[d] = a->n;                                                                                   \
    } else {                                                                                          \
      FORWARD(cur, ss, sz, d, a, target, ##__VA_ARGS__);                                              \
      sz[d] = a->m;                                                                                   \
    }                                                                                                 \
    cur = target;                                                                                     \
    ss[0] = sz[1] * sz[2], ss[1] = sz[2], ss[2] = 1;                                                  \
    flip = !flip;                                                                                     \
  }

#endif
