/* Shared by the 3-d kernels (vol3d.c, maxpool3d.c, upsample3d.c): a 3-d window geometry and its reading. */
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

#endif
