/*
 * max_pool2d forward values (float32, float64) straight from the image, no
 * window columns. The definition is im2col with -Inf padding followed by an
 * argmax over each window in row-major order (first maximum wins, NaN wins
 * over numbers). Padding never beats a real element, so it is skipped; the
 * window is reduced one kernel row at a time (first wins within the row,
 * then across rows: the same element as row-major order, so even -0 / +0
 * ties come out as the reference's).
 * Work splits over (n, c) planes. Windows 2 wide with stride 2 and no
 * column padding (2x2 pooling) have an AVX-512 path; the generic loop below
 * also has a plain loop for them. Also here: the forward that records each
 * maximum's position, and the backward that sends gradients there.
 */
#include "torchlet.h"

#if defined(__AVX512F__)
#include <immintrin.h>

/* b replaces a where b > a or b is NaN: the first maximum of (a, b), NaN winning */
static inline __m512 later_f32(__m512 a, __m512 b) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(b, a, _CMP_GT_OQ) | _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q), a, b);
}
static inline __m512d later_f64(__m512d a, __m512d b) {
  return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(b, a, _CMP_GT_OQ) | _mm512_cmp_pd_mask(b, b, _CMP_UNORD_Q), a, b);
}

/*
 * Whether reading `span` elements from the start of image row h (of H, W
 * wide, xs2 apart) stays inside the image: true when row h + 1 exists and
 * ends past the span. Full loads then replace masked ones, which measured
 * ~2x slower here; the lanes past the row are never used.
 */
#define WHOLE_READ(h, H, xs2, W, span) ((h) < (H) - 1 && (xs2) > 0 && (span) <= (xs2) + (W))

/*
 * The 2-wide, stride-2 window without padding along a row, a vector of
 * outputs at a time: output rows here are often shorter than two vectors,
 * which left the compiler's loop mostly in its scalar remainder. Kernel rows
 * are combined in order, each pair first-wins, so ties go as in row-major.
 */
/*
 * The left and right columns of up to 16 windows 2 wide along a row starting
 * at `row` (cnt of them real): one pair of loads, then even / odd lanes.
 * `whole`: the row's next 32 elements may all be read (see WHOLE_READ).
 */
static inline void split_pairs_f32(const float *row, int64_t cnt, int whole, __m512 *left, __m512 *right) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  __m512 a, b;
  if (whole) {
    a = _mm512_loadu_ps(row);
    b = _mm512_loadu_ps(row + 16);
  } else {
    a = _mm512_maskz_loadu_ps((__mmask16)(cnt >= 8 ? 0xffff : (1u << (2 * cnt)) - 1), row);
    b = _mm512_maskz_loadu_ps((__mmask16)(cnt > 8 ? (1u << (2 * cnt - 16)) - 1 : 0), row + 16);
  }
  *left = _mm512_permutex2var_ps(a, even, b);
  *right = _mm512_permutex2var_ps(a, odd, b);
}

static void pair_rows_f32(float *d, const float *src, int64_t xs2, int64_t ow, int64_t h0, int64_t dh, int64_t kh,
                          int64_t H, int64_t W) {
  for (int64_t x0 = 0; x0 < ow; x0 += 16) {
    const int64_t cnt = ow - x0 < 16 ? ow - x0 : 16;
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (int64_t i = 0; i < kh; i++) {
      const int64_t h = h0 + i * dh;
      if (h < 0 || h >= H) continue;
      __m512 left, right;
      split_pairs_f32(src + h * xs2 + 2 * x0, cnt, WHOLE_READ(h, H, xs2, W, 2 * x0 + 32), &left, &right);
      m = later_f32(m, later_f32(left, right));
    }
    _mm512_mask_storeu_ps(d + x0, (__mmask16)((1u << cnt) - 1), m);
  }
}

static void pair_rows_f64(double *d, const double *src, int64_t xs2, int64_t ow, int64_t h0, int64_t dh, int64_t kh,
                          int64_t H, int64_t W) {
  const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
  const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
  for (int64_t x0 = 0; x0 < ow; x0 += 8) {
    const int64_t cnt = ow - x0 < 8 ? ow - x0 : 8;
    const __mmask8 lo = (__mmask8)(cnt >= 4 ? 0xff : (1u << (2 * cnt)) - 1);
    const __mmask8 hi = (__mmask8)(cnt > 4 ? (1u << (2 * cnt - 8)) - 1 : 0);
    __m512d m = _mm512_set1_pd(-INFINITY);
    for (int64_t i = 0; i < kh; i++) {
      const int64_t h = h0 + i * dh;
      if (h < 0 || h >= H) continue;
      const double *row = src + h * xs2 + 2 * x0;
      const int whole = WHOLE_READ(h, H, xs2, W, 2 * x0 + 16);
      const __m512d a = whole ? _mm512_loadu_pd(row) : _mm512_maskz_loadu_pd(lo, row);
      const __m512d b = whole ? _mm512_loadu_pd(row + 8) : _mm512_maskz_loadu_pd(hi, row + 8);
      m = later_f64(m, later_f64(_mm512_permutex2var_pd(a, even, b), _mm512_permutex2var_pd(a, odd, b)));
    }
    _mm512_mask_storeu_pd(d + x0, (__mmask8)((1u << cnt) - 1), m);
  }
}
/*
 * pair_rows_f32 that also keeps each maximum's index (h * W + w): the two
 * columns of a window row are taken in order, and a value replaces the
 * running maximum, with its index, when larger or NaN. Before any element,
 * the index is the window's first real element's and the maximum -Inf,
 * exactly as the scalar loop starts.
 */
static void pair_rows_indices_f32(float *d, int32_t *id, const float *src, int64_t xs2, int64_t ow, int64_t h0,
                                  int64_t dh, int64_t kh, int64_t H, int64_t W) {
  const __m512i twice = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  int64_t first = h0;
  while (first < 0) first += dh;
  for (int64_t x0 = 0; x0 < ow; x0 += 16) {
    const int64_t cnt = ow - x0 < 16 ? ow - x0 : 16;
    const __m512i cols = _mm512_add_epi32(_mm512_set1_epi32((int32_t)(2 * x0)), twice); /* w of each window's first column */
    __m512 m = _mm512_set1_ps(-INFINITY);
    __m512i at = _mm512_add_epi32(_mm512_set1_epi32((int32_t)(first * W)), cols);
    for (int64_t i = 0; i < kh; i++) {
      const int64_t h = h0 + i * dh;
      if (h < 0 || h >= H) continue;
      __m512 left, right;
      split_pairs_f32(src + h * xs2 + 2 * x0, cnt, WHOLE_READ(h, H, xs2, W, 2 * x0 + 32), &left, &right);
      const __m512i here = _mm512_add_epi32(_mm512_set1_epi32((int32_t)(h * W)), cols);
      __mmask16 k = _mm512_cmp_ps_mask(left, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(left, left, _CMP_UNORD_Q);
      m = _mm512_mask_blend_ps(k, m, left);
      at = _mm512_mask_blend_epi32(k, at, here);
      k = _mm512_cmp_ps_mask(right, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(right, right, _CMP_UNORD_Q);
      m = _mm512_mask_blend_ps(k, m, right);
      at = _mm512_mask_blend_epi32(k, at, _mm512_add_epi32(here, _mm512_set1_epi32(1)));
    }
    const __mmask16 keep = (__mmask16)((1u << cnt) - 1);
    _mm512_mask_storeu_ps(d + x0, keep, m);
    _mm512_mask_storeu_epi32(id + x0, keep, at);
  }
}
#define USE_PAIRS 1
#else
#define USE_PAIRS 0
#define pair_rows_f32(...) ((void)0)
#define pair_rows_f64(...) ((void)0)
#define pair_rows_indices_f32(...) ((void)0)
#endif

typedef struct {
  const tl_tensor *out, *x;
  const tl_conv_geom *g;
  const tl_tensor *indices; /* NULL: values only */
} pool_job;

/* v replaces m when it is larger or NaN (so the first NaN, or a later one, sticks) */
#define BETTER(v, m) ((v) > (m) || (v) != (v))

#define DEFINE_POOL(NAME, T, PAIRS)                                                                \
  static void NAME##_part(void *arg, int64_t q0, int64_t q1, int tid) {                            \
    (void)tid;                                                                                     \
    const pool_job *j = arg;                                                                       \
    const tl_conv_geom *g = j->g;                                                                  \
    const tl_tensor *x = j->x, *out = j->out;                                                      \
    const int64_t xs2 = x->strides[2], xs3 = x->strides[3], os2 = out->strides[2], os3 = out->strides[3]; \
    const int pair = g->kw == 2 && g->sw == 2 && g->dw == 1 && g->pw == 0 && xs3 == 1 && os3 == 1;  \
    for (int64_t q = q0; q < q1; q++) {                                                            \
      const int64_t n = q / g->c, c = q % g->c;                                                    \
      const T *src = (const T *)tl_first(x) + n * x->strides[0] + c * x->strides[1];               \
      T *dst = (T *)tl_first(out) + n * out->strides[0] + c * out->strides[1];                     \
      for (int64_t y = 0; y < g->oh; y++) {                                                        \
        T *d = dst + y * os2;                                                                      \
        if (USE_PAIRS && pair) {                                                                   \
          PAIRS(d, src, xs2, g->ow, y * g->sh - g->ph, g->dh, g->kh, g->h, g->w);                  \
          continue;                                                                                \
        }                                                                                          \
        for (int64_t x0 = 0; x0 < g->ow; x0++) d[x0 * os3] = (T)-INFINITY;                         \
        for (int64_t i = 0; i < g->kh; i++) {                                                      \
          const int64_t h = y * g->sh - g->ph + i * g->dh;                                         \
          if (h < 0 || h >= g->h) continue;                                                        \
          const T *row = src + h * xs2;                                                            \
          if (pair) {                                                                              \
            for (int64_t x0 = 0; x0 < g->ow; x0++) {                                               \
              const T a = row[2 * x0], b = row[2 * x0 + 1];                                        \
              const T hm = BETTER(b, a) ? b : a;                                                   \
              d[x0] = BETTER(hm, d[x0]) ? hm : d[x0];                                              \
            }                                                                                      \
            continue;                                                                              \
          }                                                                                        \
          for (int64_t x0 = 0; x0 < g->ow; x0++) {                                                 \
            T hm = (T)-INFINITY;                                                                   \
            for (int64_t jj = 0; jj < g->kw; jj++) {                                               \
              const int64_t w = x0 * g->sw - g->pw + jj * g->dw;                                   \
              if (w < 0 || w >= g->w) continue;                                                    \
              const T v = row[w * xs3];                                                            \
              if (BETTER(v, hm)) hm = v;                                                           \
            }                                                                                      \
            T *o = d + x0 * os3;                                                                   \
            if (BETTER(hm, *o)) *o = hm;                                                           \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }

DEFINE_POOL(pool_f32, float, pair_rows_f32)
DEFINE_POOL(pool_f64, double, pair_rows_f64)

/*
 * With indices (max_pool2d_with_indices, which autograd needs): PyTorch's
 * CPU loop as it is. Each window is scanned in row-major order from its first
 * real element, which is also the index when nothing beats -Inf; a larger
 * value or a NaN takes over (so of several NaNs the last one's index is kept,
 * as in PyTorch). Indices are flat positions h * W + w in the input plane.
 */
#define DEFINE_POOL_INDICES(NAME, T, PAIRS)                                                        \
  static void NAME##_part(void *arg, int64_t q0, int64_t q1, int tid) {                            \
    (void)tid;                                                                                     \
    const pool_job *j = arg;                                                                       \
    const tl_conv_geom *g = j->g;                                                                  \
    const tl_tensor *x = j->x, *out = j->out, *ix = j->indices;                                    \
    const int pair = PAIRS && g->kw == 2 && g->sw == 2 && g->dw == 1 && g->pw == 0 &&              \
                     x->strides[3] == 1 && out->strides[3] == 1 && ix->strides[3] == 1;            \
    for (int64_t q = q0; q < q1; q++) {                                                            \
      const int64_t n = q / g->c, c = q % g->c;                                                    \
      const T *src = (const T *)tl_first(x) + n * x->strides[0] + c * x->strides[1];               \
      T *dst = (T *)tl_first(out) + n * out->strides[0] + c * out->strides[1];                     \
      int32_t *idst = (int32_t *)tl_first(ix) + n * ix->strides[0] + c * ix->strides[1];           \
      for (int64_t y = 0; y < g->oh; y++) {                                                        \
        if (pair) {                                                                                \
          pair_rows_indices_f32((float *)(dst + y * out->strides[2]), idst + y * ix->strides[2],   \
                                (const float *)src, x->strides[2], g->ow, y * g->sh - g->ph, g->dh, \
                                g->kh, g->h, g->w);                                                \
          continue;                                                                                \
        }                                                                                          \
        int64_t h0 = y * g->sh - g->ph;                                                            \
        while (h0 < 0) h0 += g->dh;                                                                \
        const int64_t h1 = y * g->sh - g->ph + (g->kh - 1) * g->dh + 1;                            \
        for (int64_t x0 = 0; x0 < g->ow; x0++) {                                                   \
          int64_t w0 = x0 * g->sw - g->pw;                                                         \
          while (w0 < 0) w0 += g->dw;                                                              \
          const int64_t w1 = x0 * g->sw - g->pw + (g->kw - 1) * g->dw + 1;                         \
          T m = (T)-INFINITY;                                                                      \
          int64_t at = h0 * g->w + w0;                                                             \
          for (int64_t h = h0; h < h1 && h < g->h; h += g->dh)                                     \
            for (int64_t w = w0; w < w1 && w < g->w; w += g->dw) {                                 \
              const T v = src[h * x->strides[2] + w * x->strides[3]];                              \
              const int better = BETTER(v, m); /* selects, not a branch: random data mispredicts */ \
              m = better ? v : m;                                                                  \
              at = better ? h * g->w + w : at;                                                     \
            }                                                                                      \
          dst[y * out->strides[2] + x0 * out->strides[3]] = m;                                     \
          idst[y * ix->strides[2] + x0 * ix->strides[3]] = (int32_t)at;                            \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }

DEFINE_POOL_INDICES(pool_indices_f32, float, USE_PAIRS)
DEFINE_POOL_INDICES(pool_indices_f64, double, 0)

/* chunks of at least ~16k window elements (or `per_plane` units), several per thread */
static void run_planes(int64_t planes, double per_plane, tl_range_fn fn, void *job) {
  const int nt = tl_threads_for(per_plane * (double)planes);
  int64_t grain = (int64_t)(16384 / (per_plane + 1)) + 1;
  if (nt > 1 && grain > planes / (4 * nt)) grain = planes / (4 * nt) > 0 ? planes / (4 * nt) : 1;
  tl_parallel_for(planes, grain, nt, fn, job);
}

void tl_max_pool2d(const tl_tensor *out, const tl_tensor *x, const tl_conv_geom *g, const tl_tensor *indices) {
  if (out->numel == 0) return;
  pool_job j = {out, x, g, indices};
  const double per_plane = (double)(g->oh * g->ow) * (double)(g->kh * g->kw);
  const int f32 = x->dtype == TL_F32;
  tl_range_fn fn = indices ? (f32 ? pool_indices_f32_part : pool_indices_f64_part) : (f32 ? pool_f32_part : pool_f64_part);
  run_planes(g->n * g->c, per_plane, fn, &j);
}

/*
 * The backward: each plane of grad_input (contiguous, zero-filled by the
 * caller) gets grad added at its indices. Planes are independent, so they
 * run in parallel; within a plane, overlapping windows may hit one element
 * several times, and the adds keep grad's order.
 */
typedef struct {
  const tl_tensor *gin, *grad, *indices;
} unpool_job;

#define DEFINE_UNPOOL(NAME, T)                                                                     \
  static void NAME##_part(void *arg, int64_t q0, int64_t q1, int tid) {                            \
    (void)tid;                                                                                     \
    const unpool_job *j = arg;                                                                     \
    const tl_tensor *gr = j->grad, *ix = j->indices;                                               \
    const int64_t C = gr->shape[1], oh = gr->shape[2], ow = gr->shape[3];                          \
    const int64_t plane = j->gin->shape[2] * j->gin->shape[3];                                     \
    for (int64_t q = q0; q < q1; q++) {                                                            \
      const int64_t n = q / C, c = q % C;                                                          \
      T *dst = (T *)tl_first(j->gin) + q * plane;                                                  \
      const T *g = (const T *)tl_first(gr) + n * gr->strides[0] + c * gr->strides[1];              \
      const int32_t *at = (const int32_t *)tl_first(ix) + n * ix->strides[0] + c * ix->strides[1]; \
      for (int64_t y = 0; y < oh; y++)                                                             \
        for (int64_t x0 = 0; x0 < ow; x0++)                                                        \
          dst[at[y * ix->strides[2] + x0 * ix->strides[3]]] += g[y * gr->strides[2] + x0 * gr->strides[3]]; \
    }                                                                                              \
  }

DEFINE_UNPOOL(unpool_f32, float)
DEFINE_UNPOOL(unpool_f64, double)

void tl_max_pool2d_backward(const tl_tensor *grad_input, const tl_tensor *grad, const tl_tensor *indices) {
  if (grad->numel == 0) return;
  unpool_job j = {grad_input, grad, indices};
  run_planes(grad->shape[0] * grad->shape[1], (double)(grad->shape[2] * grad->shape[3]),
             grad->dtype == TL_F32 ? unpool_f32_part : unpool_f64_part, &j);
}
