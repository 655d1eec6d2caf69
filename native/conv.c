/*
 * im2col / col2im for NCHW input and a contiguous [N, C*kh*kw, oh*ow] column
 * matrix, in the reference's element order. Work splits over (n, c) planes,
 * which touch disjoint parts of both sides, so col2im's adds need no locks.
 */
#include <string.h>

#include "torchlet.h"

typedef struct {
  const tl_tensor *img, *cols;
  const tl_conv_geom *g;
  double pad;
} conv_job;

/* ceil(a / b) for b > 0 and any a */
static inline int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

/* the output columns x whose input column x * sw + off lies in [0, w) */
static inline void x_range(const tl_conv_geom *g, int64_t off, int64_t *lo, int64_t *hi) {
  int64_t l = ceil_div(-off, g->sw), h = ceil_div(g->w - off, g->sw);
  if (l < 0) l = 0;
  if (l > g->ow) l = g->ow;
  if (h > g->ow) h = g->ow;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

#define IM2COL(T, PADV)                                                                   \
  do {                                                                                    \
    const T pad = (PADV);                                                                 \
    const T *src = (const T *)tl_first(j->img) + n * sn + c * sc;                         \
    T *o = (T *)tl_first(j->cols) + ((n * g->c + c) * g->kh * g->kw) * g->oh * g->ow;     \
    for (int64_t i = 0; i < g->kh; i++)                                                   \
      for (int64_t jj = 0; jj < g->kw; jj++) {                                            \
        const int64_t off = jj * g->dw - g->pw;                                           \
        int64_t xlo, xhi;                                                                 \
        x_range(g, off, &xlo, &xhi);                                                      \
        for (int64_t y = 0; y < g->oh; y++, o += g->ow) {                                 \
          const int64_t h = y * g->sh - g->ph + i * g->dh;                                \
          if (h < 0 || h >= g->h) {                                                       \
            for (int64_t x = 0; x < g->ow; x++) o[x] = pad;                               \
            continue;                                                                     \
          }                                                                               \
          const T *row = src + h * sh;                                                    \
          for (int64_t x = 0; x < xlo; x++) o[x] = pad;                                   \
          if (g->sw == 1 && sw == 1) {                                                    \
            memcpy(o + xlo, row + xlo + off, (size_t)(xhi - xlo) * sizeof(T));            \
          } else {                                                                        \
            for (int64_t x = xlo; x < xhi; x++) o[x] = row[(x * g->sw + off) * sw];       \
          }                                                                               \
          for (int64_t x = xhi; x < g->ow; x++) o[x] = pad;                               \
        }                                                                                 \
      }                                                                                   \
  } while (0)

static void im2col_part(void *arg, int64_t p0, int64_t p1, int tid) {
  (void)tid;
  const conv_job *j = arg;
  const tl_conv_geom *g = j->g;
  const int64_t sn = j->img->strides[0], sc = j->img->strides[1], sh = j->img->strides[2], sw = j->img->strides[3];
  for (int64_t pl = p0; pl < p1; pl++) {
    const int64_t n = pl / g->c, c = pl % g->c;
    switch (j->img->dtype) {
      case TL_F32: IM2COL(float, (float)j->pad); break;
      case TL_F64: IM2COL(double, j->pad); break;
      case TL_I32: IM2COL(int32_t, tl_to_int32(j->pad)); break;
      default: IM2COL(uint8_t, tl_to_uint8(j->pad)); break;
    }
  }
}

#define COL2IM(T, ADD)                                                                    \
  do {                                                                                    \
    T *dst = (T *)tl_first(j->img) + n * sn + c * sc;                                     \
    const T *in = (const T *)tl_first(j->cols) + ((n * g->c + c) * g->kh * g->kw) * g->oh * g->ow; \
    for (int64_t i = 0; i < g->kh; i++)                                                   \
      for (int64_t jj = 0; jj < g->kw; jj++) {                                            \
        const int64_t off = jj * g->dw - g->pw;                                           \
        int64_t xlo, xhi;                                                                 \
        x_range(g, off, &xlo, &xhi);                                                      \
        for (int64_t y = 0; y < g->oh; y++, in += g->ow) {                                \
          const int64_t h = y * g->sh - g->ph + i * g->dh;                                \
          if (h < 0 || h >= g->h) continue;                                               \
          T *row = dst + h * sh;                                                          \
          for (int64_t x = xlo; x < xhi; x++) {                                           \
            T *d = row + (x * g->sw + off) * sw;                                          \
            *d = ADD(*d, in[x]);                                                          \
          }                                                                               \
        }                                                                                 \
      }                                                                                   \
  } while (0)

#define PLAIN(u, v) ((u) + (v))
#define WRAP32(u, v) ((int32_t)((uint32_t)(u) + (uint32_t)(v)))
#define WRAP8(u, v) ((uint8_t)((u) + (v)))

static void col2im_part(void *arg, int64_t p0, int64_t p1, int tid) {
  (void)tid;
  const conv_job *j = arg;
  const tl_conv_geom *g = j->g;
  const int64_t sn = j->img->strides[0], sc = j->img->strides[1], sh = j->img->strides[2], sw = j->img->strides[3];
  for (int64_t pl = p0; pl < p1; pl++) {
    const int64_t n = pl / g->c, c = pl % g->c;
    switch (j->img->dtype) {
      case TL_F32: COL2IM(float, PLAIN); break;
      case TL_F64: COL2IM(double, PLAIN); break;
      case TL_I32: COL2IM(int32_t, WRAP32); break;
      default: COL2IM(uint8_t, WRAP8); break;
    }
  }
}

static void run(const tl_conv_geom *g, tl_range_fn fn, conv_job *j) {
  const int64_t planes = g->n * g->c;
  const double per_plane = (double)(g->kh * g->kw) * (double)(g->oh * g->ow);
  const int nt = tl_threads_for(per_plane * (double)planes);
  /* chunks of at least ~16k elements */
  int64_t grain = (int64_t)(16384 / (per_plane + 1)) + 1;
  if (nt > 1 && grain > planes / (2 * nt)) grain = planes / (2 * nt) > 0 ? planes / (2 * nt) : 1;
  tl_parallel_for(planes, grain, nt, fn, j);
}

void tl_im2col(const tl_tensor *out, const tl_tensor *a, const tl_conv_geom *g, double pad_value) {
  conv_job j = {a, out, g, pad_value};
  if (out->numel == 0) return;
  run(g, im2col_part, &j);
}

void tl_col2im(const tl_tensor *out, const tl_tensor *cols, const tl_conv_geom *g) {
  conv_job j = {out, cols, g, 0};
  if (cols->numel == 0) return;
  run(g, col2im_part, &j);
}
