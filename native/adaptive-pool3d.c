/*
 * Adaptive 3-d pooling, the native twin of src/ops/adaptive-mean.ts and
 * src/ops/adaptive-pool3d.ts step for step. Cell i of a dim of size n with
 * m cells covers [floor(i·n / m), ceil((i + 1)·n / m)).
 *
 *   adaptiveAvgPool3d(out, x)
 *     x [N, C, D, H, W] (any strides) -> out [N, C, oD, oH, oW] (contiguous):
 *     one mean pass per dim whose size changes (depth, height, width), each
 *     summing its window in double and dividing by the window's length, the
 *     result rounded to the dtype before the next pass, so the values are
 *     bit-equal to the separable passes there.
 *   adaptiveAvgPool3dBackward(gx, g)
 *     the adjoint: g [N, C, oD, oH, oW] (any strides) -> gx [N, C, D, H, W]
 *     (contiguous, overwritten), the passes in reverse order (width, height,
 *     depth); each element gets, in double, the sum over the windows holding
 *     it of g / window length, in window order, then rounded.
 *   adaptiveMaxPool3d(values, indices, x)
 *     each window's maximum and its position d·H·W + h·W + w (int32) in its
 *     volume: scanned over depth, rows, columns; a larger value or a NaN
 *     takes over (ties keep the first, the last NaN wins).
 *
 * float32 or float64. Work splits over (n, c) volumes.
 */
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

/* window bounds of one dim: start[i], end[i] for i < m */
typedef struct {
  int64_t n, m;
  int64_t *start, *end;
  int64_t *first, *last; /* adjoint: the windows holding element k (n of each) */
  double *scale;         /* adjoint: 1 / window length (m of them) */
} ad_axis;

typedef struct {
  const tl_tensor *dst, *src, *ix; /* forward: out, x; backward: gx, g; max: values, x, indices */
  ad_axis ax[3];
  int64_t C, big; /* elements of the largest intermediate volume */
  int64_t plane;  /* doubles in one accumulator row (the largest H·W) */
} ad_job;

#define DEFINE_AD(NAME, T)                                                                                        \
  /* dst (contiguous, sz with sz[dim] = m) = window means of src (strides ss, sizes sz) along dim */              \
  static void NAME##_mean(const T *src, const int64_t *ss, const int64_t *sz, int dim, const ad_axis *a, T *dst,  \
                          double *acc) {                                                                          \
    if (dim == 0) {                                                                                               \
      const int64_t n1 = sz[1], n2 = sz[2];                                                                       \
      for (int64_t i = 0; i < a->m; i++) {                                                                        \
        const int64_t s = a->start[i], e = a->end[i];                                                             \
        memset(acc, 0, sizeof(double) * (size_t)(n1 * n2));                                                       \
        for (int64_t k = s; k < e; k++)                                                                           \
          for (int64_t j = 0; j < n1; j++) {                                                                      \
            const T *row = src + k * ss[0] + j * ss[1];                                                           \
            double *ar = acc + j * n2;                                                                            \
            if (ss[2] == 1)                                                                                       \
              for (int64_t l = 0; l < n2; l++) ar[l] += row[l];                                                   \
            else                                                                                                  \
              for (int64_t l = 0; l < n2; l++) ar[l] += row[l * ss[2]];                                           \
          }                                                                                                       \
        const double len = (double)(e - s);                                                                       \
        for (int64_t q = 0; q < n1 * n2; q++) dst[q] = (T)(acc[q] / len);                                         \
        dst += n1 * n2;                                                                                           \
      }                                                                                                           \
    } else if (dim == 1) {                                                                                        \
      const int64_t n2 = sz[2];                                                                                   \
      for (int64_t p = 0; p < sz[0]; p++)                                                                         \
        for (int64_t i = 0; i < a->m; i++, dst += n2) {                                                           \
          const int64_t s = a->start[i], e = a->end[i];                                                           \
          memset(acc, 0, sizeof(double) * (size_t)n2);                                                            \
          for (int64_t k = s; k < e; k++) {                                                                       \
            const T *row = src + p * ss[0] + k * ss[1];                                                           \
            for (int64_t l = 0; l < n2; l++) acc[l] += row[l * ss[2]];                                            \
          }                                                                                                       \
          const double len = (double)(e - s);                                                                     \
          for (int64_t l = 0; l < n2; l++) dst[l] = (T)(acc[l] / len);                                            \
        }                                                                                                         \
    } else {                                                                                                      \
      for (int64_t p = 0; p < sz[0]; p++)                                                                         \
        for (int64_t q = 0; q < sz[1]; q++, dst += a->m) {                                                        \
          const T *row = src + p * ss[0] + q * ss[1];                                                             \
          for (int64_t i = 0; i < a->m; i++) {                                                                    \
            double v = 0;                                                                                         \
            for (int64_t k = a->start[i]; k < a->end[i]; k++) v += row[k * ss[2]];                                \
            dst[i] = (T)(v / (double)(a->end[i] - a->start[i]));                                                  \
          }                                                                                                       \
        }                                                                                                         \
    }                                                                                                             \
  }                                                                                                               \
  /* the adjoint: dst (contiguous, sz with sz[dim] = n) from src (strides ss, sz[dim] = m) */                    \
  static void NAME##_spread(const T *src, const int64_t *ss, const int64_t *sz, int dim, const ad_axis *a, T *dst) { \
    const int64_t n0 = sz[0], n1 = sz[1], n2 = sz[2];                                                             \
    if (dim == 2) {                                                                                               \
      for (int64_t p = 0; p < n0; p++)                                                                            \
        for (int64_t q = 0; q < n1; q++, dst += n2) {                                                             \
          const T *row = src + p * ss[0] + q * ss[1];                                                             \
          for (int64_t k = 0; k < n2; k++) {                                                                      \
            const int64_t i0 = a->first[k], i1 = a->last[k];                                                      \
            double v = (double)row[i0 * ss[2]] * a->scale[i0];                                                    \
            for (int64_t i = i0 + 1; i <= i1; i++) v += (double)row[i * ss[2]] * a->scale[i];                     \
            dst[k] = (T)v;                                                                                        \
          }                                                                                                       \
        }                                                                                                         \
      return;                                                                                                     \
    }                                                                                                             \
    /* dims 0 and 1: whole rows of the last dim at a time */                                                     \
    const int64_t outer = dim == 0 ? 1 : n0, n = dim == 0 ? n0 : n1, rows = dim == 0 ? n1 : 1;                    \
    for (int64_t p = 0; p < outer; p++)                                                                           \
      for (int64_t k = 0; k < n; k++)                                                                             \
        for (int64_t q = 0; q < rows; q++, dst += n2) {                                                           \
          const int64_t i0 = a->first[k], i1 = a->last[k];                                                      \
          const T *r0 = src + p * ss[0] + (dim == 0 ? i0 * ss[0] + q * ss[1] : i0 * ss[1]);                      \
          const double s0 = a->scale[i0];                                                                         \
          if (i0 == i1) {                                                                                         \
            if (ss[2] == 1)                                                                                       \
              for (int64_t l = 0; l < n2; l++) dst[l] = (T)((double)r0[l] * s0);                                  \
            else                                                                                                  \
              for (int64_t l = 0; l < n2; l++) dst[l] = (T)((double)r0[l * ss[2]] * s0);                          \
            continue;                                                                                             \
          }                                                                                                       \
          const int64_t step = ss[dim];                                                                           \
          for (int64_t l = 0; l < n2; l++) {                                                                      \
            double v = (double)r0[l * ss[2]] * s0;                                                                \
            for (int64_t i = i0 + 1; i <= i1; i++) v += (double)r0[(i - i0) * step + l * ss[2]] * a->scale[i];   \
            dst[l] = (T)v;                                                                                        \
          }                                                                                                       \
        }                                                                                                         \
  }                                                                                                               \
  static void NAME##_volume(const ad_job *j, int64_t v, int backward, T *buf0, T *buf1, double *acc) {            \
    TL_SEPARABLE_VOLUME(T, ad_axis, NAME##_mean, NAME##_spread, acc);                                             \
  }                                                                                                               \
  /* one volume's window maxima and their flat positions, reduced over depth, then rows, then columns (see    \
     ad_max_bytes); m1/i1 hold oD·H·W and m2/i2 oD·oH·W elements */                                                   \
  static void NAME##_max(const ad_job *j, int64_t v, T *m1, int32_t *i1, T *m2, int32_t *i2) {                    \
    const int64_t n = v / j->C, c = v % j->C;                                                                     \
    const tl_tensor *s = j->src;                                                                                  \
    const T *x = (const T *)tl_first(s) + n * s->strides[0] + c * s->strides[1];                                 \
    const int64_t s0 = s->strides[2], s1 = s->strides[3], s2 = s->strides[4], H = s->shape[3], W = s->shape[4];   \
    const ad_axis *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];                                              \
    const int64_t oD = ad->m, oH = ah->m, oW = aw->m;                                                             \
    /* depth: the planes of a window in order, so the plain rule picks as the full scan does */                  \
    for (int64_t i = 0; i < oD; i++)                                                                              \
      for (int64_t h = 0; h < H; h++) {                                                                           \
        T *m = m1 + (i * H + h) * W;                                                                              \
        int32_t *ix = i1 + (i * H + h) * W;                                                                       \
        const int64_t d0 = ad->start[i];                                                                          \
        const T *row = x + d0 * s0 + h * s1;                                                                      \
        const int32_t base = (int32_t)((d0 * H + h) * W);                                                         \
        for (int64_t w = 0; w < W; w++) {                                                                         \
          m[w] = row[w * s2];                                                                                     \
          ix[w] = base + (int32_t)w;                                                                              \
        }                                                                                                         \
        for (int64_t z = d0 + 1; z < ad->end[i]; z++) {                                                          \
          const T *r = x + z * s0 + h * s1;                                                                       \
          const int32_t b = (int32_t)((z * H + h) * W);                                                           \
          if (s2 == 1)                                                                                            \
            for (int64_t w = 0; w < W; w++) {                                                                     \
              const T val = r[w];                                                                                 \
              const int take = (val > m[w]) | (val != val);                                                      \
              m[w] = take ? val : m[w];                                                                           \
              ix[w] = take ? b + (int32_t)w : ix[w];                                                              \
            }                                                                                                     \
          else                                                                                                    \
            for (int64_t w = 0; w < W; w++) {                                                                     \
              const T val = r[w * s2];                                                                            \
              const int take = (val > m[w]) | (val != val);                                                      \
              m[w] = take ? val : m[w];                                                                           \
              ix[w] = take ? b + (int32_t)w : ix[w];                                                              \
            }                                                                                                     \
        }                                                                                                         \
      }                                                                                                           \
    /* rows: candidates out of scan order, so the full rule */                                                   \
    for (int64_t i = 0; i < oD; i++)                                                                              \
      for (int64_t y = 0; y < oH; y++) {                                                                          \
        T *m = m2 + (i * oH + y) * W;                                                                             \
        int32_t *ix = i2 + (i * oH + y) * W;                                                                      \
        memcpy(m, m1 + (i * H + ah->start[y]) * W, sizeof(T) * (size_t)W);                                       \
        memcpy(ix, i1 + (i * H + ah->start[y]) * W, sizeof(int32_t) * (size_t)W);                                \
        for (int64_t r = ah->start[y] + 1; r < ah->end[y]; r++) {                                                 \
          const T *mr = m1 + (i * H + r) * W;                                                                     \
          const int32_t *ir = i1 + (i * H + r) * W;                                                               \
          for (int64_t w = 0; w < W; w++) {                                                                       \
            const T val = mr[w], cur = m[w];                                                                      \
            const int32_t vi = ir[w], ci = ix[w];                                                                 \
            const int cn = cur != cur, vn = val != val;                                                           \
            const int take = (cn & vn & (vi > ci)) | ((cn ^ 1) & (vn | (val > cur) | ((val == cur) & (vi < ci))));    \
            m[w] = take ? val : cur;                                                                              \
            ix[w] = take ? vi : ci;                                                                               \
          }                                                                                                       \
        }                                                                                                         \
      }                                                                                                           \
    /* columns: each window's few candidates */                                                                  \
    T *dst = (T *)tl_first(j->dst) + v * oD * oH * oW;                                                            \
    int32_t *idst = (int32_t *)tl_first(j->ix) + v * oD * oH * oW;                                                \
    for (int64_t p = 0; p < oD * oH; p++)                                                                         \
      for (int64_t q = 0; q < oW; q++) {                                                                          \
        const T *m = m2 + p * W;                                                                                  \
        const int32_t *ix = i2 + p * W;                                                                           \
        T cur = m[aw->start[q]];                                                                                  \
        int32_t ci = ix[aw->start[q]];                                                                            \
        for (int64_t w = aw->start[q] + 1; w < aw->end[q]; w++) {                                                 \
          const T val = m[w];                                                                                     \
          const int32_t vi = ix[w];                                                                               \
          const int cn = cur != cur, vn = val != val;                                                             \
          if ((cn & vn & (vi > ci)) | ((cn ^ 1) & (vn | (val > cur) | ((val == cur) & (vi < ci))))) cur = val, ci = vi; \
        }                                                                                                         \
        *dst++ = cur;                                                                                             \
        *idst++ = ci;                                                                                             \
      }                                                                                                           \
  }
DEFINE_AD(ad_f32, float)
DEFINE_AD(ad_f64, double)

/*
 * The max pool's per-thread buffers: values after the depth pass [oD, H, W]
 * and after the rows pass [oD, oH, W], then their int32 positions. The passes
 * may take a window's candidates in any order, so the rule that picks is
 * order-free: the larger value, on a tie the smaller position (the first in
 * the scan over depth, rows, columns), any NaN over a number and of two NaNs
 * the larger position (the scan's last NaN) -- what the one-pass scan picks.
 */
static size_t ad_max_bytes(const ad_job *j) {
  const size_t es = (size_t)tl_esize(j->src->dtype);
  const size_t a = (size_t)(j->ax[0].m * j->src->shape[3] * j->src->shape[4]), b = (size_t)(j->ax[0].m * j->ax[1].m * j->src->shape[4]);
  return (a + b) * (es + 4) + 64;
}

typedef struct {
  const ad_job *j;
  int mode; /* 0 mean, 1 adjoint, 2 max */
  char *bufs; /* per thread: two volumes of j->big elements, then j->plane doubles */
} ad_run;

static void ad_part(void *arg, int64_t v0, int64_t v1, int tid) {
  const ad_run *r = arg;
  const ad_job *j = r->j;
  const size_t es = (size_t)tl_esize(j->src->dtype);
  const size_t per = r->mode == 2 ? ad_max_bytes(j) : 2 * (size_t)j->big * es + sizeof(double) * (size_t)j->plane;
  char *buf = r->bufs ? r->bufs + (size_t)tid * per : NULL;
  double *acc = buf ? (double *)(buf + 2 * (size_t)j->big * es) : NULL;
  for (int64_t v = v0; v < v1; v++) {
    const int f32 = j->src->dtype == TL_F32;
    if (r->mode == 2) {
      /* (the buffers' layout: see ad_max_bytes) */
      const int64_t a = j->ax[0].m * j->src->shape[3] * j->src->shape[4], b = j->ax[0].m * j->ax[1].m * j->src->shape[4];
      char *m1 = buf, *m2 = m1 + (size_t)a * es, *i1 = m2 + (size_t)b * es, *i2 = i1 + (size_t)a * 4;
      if (f32) ad_f32_max(j, v, (float *)m1, (int32_t *)i1, (float *)m2, (int32_t *)i2);
      else ad_f64_max(j, v, (double *)m1, (int32_t *)i1, (double *)m2, (int32_t *)i2);
    } else if (f32) {
      ad_f32_volume(j, v, r->mode, (float *)buf, (float *)buf + j->big, acc);
    } else {
      ad_f64_volume(j, v, r->mode, (double *)buf, (double *)buf + j->big, acc);
    }
  }
}

/* the windows of each dim (n input, m output cells) and, for the adjoint, who holds each element */
static bool ad_axes(ad_job *j, const tl_tensor *in, const tl_tensor *outv, int64_t **mem) {
  int64_t total = 0;
  for (int d = 0; d < 3; d++) total += 2 * outv->shape[2 + d] + 2 * in->shape[2 + d] + outv->shape[2 + d];
  int64_t *p = malloc(sizeof(int64_t) * (size_t)(total > 0 ? total : 1));
  if (!p) return false;
  *mem = p;
  for (int d = 0; d < 3; d++) {
    ad_axis *a = &j->ax[d];
    const int64_t n = in->shape[2 + d], m = outv->shape[2 + d];
    a->n = n, a->m = m;
    a->start = p, a->end = p + m, a->first = p + 2 * m, a->last = p + 2 * m + n;
    a->scale = (double *)(p + 2 * m + 2 * n);
    p += 3 * m + 2 * n;
    for (int64_t i = 0; i < m; i++) {
      a->start[i] = i * n / m;
      a->end[i] = ((i + 1) * n + m - 1) / m;
      a->scale[i] = 1.0 / (double)(a->end[i] - a->start[i]);
    }
    for (int64_t k = 0, lo = 0; k < n; k++) {
      while (a->end[lo] <= k) lo++;
      int64_t hi = lo;
      while (hi + 1 < m && a->start[hi + 1] <= k) hi++;
      a->first[k] = lo, a->last[k] = hi;
    }
  }
  return true;
}

/* mode 0: adaptiveAvgPool3d(out, x); 1: adaptiveAvgPool3dBackward(gx, g); 2: adaptiveMaxPool3d(values, indices, x) */
static napi_value run(napi_env env, napi_callback_info info, int mode) {
  const char *const K = mode == 0 ? "adaptiveAvgPool3d" : mode == 1 ? "adaptiveAvgPool3dBackward" : "adaptiveMaxPool3d";
  const char *const dn = mode == 1 ? "gx" : mode == 2 ? "values" : "out", *const sn = mode == 1 ? "g" : "x";
  const size_t want = mode == 2 ? 3 : 2;
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < want)
    return mode == 2 ? tl_fail(env, K, "expected 3 arguments (values, indices, x), got %zu", argc)
                     : tl_fail(env, K, "expected 2 arguments (%s, %s), got %zu", dn, sn, argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  tl_raw raw[3];
  napi_value srcv = argv[mode == 2 ? 2 : 1];
  if (!tl_read_tensor(env, &k, K, dn, argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, sn, srcv, &raw[1]) ||
      (mode == 2 && !tl_read_tensor(env, &k, K, "indices", argv[1], &raw[2])))
    return NULL;
  tl_tensor dst, src, ix;
  if (!tl_bind_tensor(env, K, &raw[0], &dst) || !tl_bind_tensor(env, K, &raw[1], &src) ||
      (mode == 2 && !tl_bind_tensor(env, K, &raw[2], &ix)))
    return NULL;
  if (!tl_float_dtype(env, K, &src, sn) || !tl_same_dtype(env, K, &dst, dn, &src, sn)) return NULL;
  if (mode == 2 && (!tl_expect_dtype(env, K, &ix, "indices", TL_I32) || !tl_same_shape(env, K, &ix, "indices", &dst, dn)))
    return NULL;
  char sd[160], ssz[160];
  tl_format_shape(sd, sizeof sd, dst.ndim, dst.shape);
  tl_format_shape(ssz, sizeof ssz, src.ndim, src.shape);
  if (dst.ndim != 5 || src.ndim != 5 || dst.shape[0] != src.shape[0] || dst.shape[1] != src.shape[1])
    return tl_fail(env, K, "%s %s and %s %s must both be [N, C, D, H, W] of the same N and C", dn, sd, sn, ssz);
  if (!tl_contiguous3(&dst) || (mode == 2 && !tl_contiguous3(&ix))) return tl_fail(env, K, "%s must be contiguous", mode == 2 ? "values and indices" : dn);
  const tl_tensor *in = mode == 1 ? &dst : &src, *outv = mode == 1 ? &src : &dst;
  /* every window needs an element: input sizes >= 1 wherever there are cells */
  for (int d = 0; d < 3; d++)
    if (outv->shape[2 + d] > 0 && in->shape[2 + d] == 0)
      return tl_fail(env, K, "%s %s and %s %s: an empty input dim %d cannot fill cells", dn, sd, sn, ssz, 2 + d);
  if (mode == 2 && (double)src.shape[2] * (double)src.shape[3] * (double)src.shape[4] > 2147483647.0)
    return tl_fail(env, K, "x %s: a volume is too large for int32 indices", ssz);
  if (dst.numel == 0) return NULL;
  if (src.numel == 0) {
    /* (the backward of cells that are all empty: no window holds anything) */
    memset(tl_first(&dst), 0, (size_t)dst.numel * (size_t)tl_esize(dst.dtype));
    return NULL;
  }
  ad_job j;
  memset(&j, 0, sizeof j);
  j.dst = &dst, j.src = &src, j.ix = mode == 2 ? &ix : NULL, j.C = src.shape[1];
  double big = 1, plane = 1;
  for (int d = 0; d < 3; d++) {
    const int64_t s = in->shape[2 + d] > outv->shape[2 + d] ? in->shape[2 + d] : outv->shape[2 + d];
    big *= (double)s;
    if (d > 0) plane *= (double)s;
  }
  if (big > 1e9) return tl_fail(env, K, "%s %s: a volume is too large", dn, sd);
  j.big = (int64_t)big, j.plane = (int64_t)plane;
  int64_t *mem = NULL;
  if (!ad_axes(&j, in, outv, &mem)) return tl_fail(env, K, "out of memory");
  const int64_t vols = src.shape[0] * src.shape[1];
  const double per = (double)(dst.numel / vols + src.numel / vols) * 2;
  const int nt = tl_threads_for(per * (double)vols);
  const size_t per_thread = mode == 2 ? ad_max_bytes(&j) : 2 * (size_t)j.big * (size_t)tl_esize(src.dtype) + sizeof(double) * (size_t)j.plane;
  char *bufs = malloc((size_t)nt * per_thread);
  if (!bufs) {
    free(mem);
    return tl_fail(env, K, "out of memory");
  }
  ad_run r = {&j, mode, bufs};
  tl_parallel_for(vols, 1, nt, ad_part, &r);
  free(bufs);
  free(mem);
  return NULL;
}

napi_value tl_js_adaptive_avg_pool3d(napi_env env, napi_callback_info info) { return run(env, info, 0); }
napi_value tl_js_adaptive_avg_pool3d_backward(napi_env env, napi_callback_info info) { return run(env, info, 1); }
napi_value tl_js_adaptive_max_pool3d(napi_env env, napi_callback_info info) { return run(env, info, 2); }
