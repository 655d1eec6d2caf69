/*
 * 3-d convolution's columns and its forward (F.conv3d):
 *
 *   vol2col(out, x, geom)  x [N, C, D, H, W] (any strides) -> out
 *     [N, C*kd*kh*kw, oD*oH*oW] (contiguous): row ((c*kd + a)*kh + b)*kw + e,
 *     column (od*oH + oh)*oW + ow holds x[n, c, od*sd - pd + a*dd, ...] or 0
 *     in the padding.
 *   col2vol(out, cols, geom)  its adjoint: out [N, C, D, H, W] (contiguous,
 *     overwritten) = the sum of each column entry at the element it came from.
 *   conv3d(out, x, weight, bias, geom, groups)  out [N, O, oD, oH, oW]
 *     (contiguous) = weight [O, C/groups, kd, kh, kw] (contiguous) times each
 *     image's columns, per group, plus bias [O] (or null): the columns of a
 *     few output rows at a time go to scratch and the packed GEMM (gemm.c)
 *     multiplies them, so the whole column matrix never exists. Most
 *     geometries go to conv3d-direct.c instead, which reads the windows
 *     from the input itself (as conv3dBackwardWeight's do).
 *
 * float32 or float64, all operands one dtype; geom is [kd, kh, kw, sd, sh,
 * sw, pd, ph, pw, dd, dh, dw]. Work splits over column rows (vol2col) or
 * (n, c) volumes (col2vol) on the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

#define COLS_BYTES (4u << 20) /* conv3d's column chunk */

bool tl_read_geom3(napi_env env, const char *kernel, napi_value v, tl_geom3 *g) {
  static const char *const names[4] = {"kernel", "stride", "padding", "dilation"};
  bool is_array = false;
  uint32_t len = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, &len) != napi_ok ||
      len != 12)
    return tl_fail(env, kernel, "geometry must be an array of 12 integers [kernel x3, stride x3, padding x3, dilation x3]"), false;
  int64_t *dst[4] = {g->k, g->s, g->p, g->d};
  for (uint32_t i = 0; i < 12; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok) return tl_fail(env, kernel, "geometry[%u] cannot be read", i), false;
    char what[48];
    snprintf(what, sizeof what, "%s[%u]", names[i / 3], i % 3);
    if (!tl_get_integer(env, kernel, what, e, i / 3 == 2 ? 0 : 1, 2147483647.0, &dst[i / 3][i % 3])) return false;
  }
  return true;
}

bool tl_contiguous3(const tl_tensor *t) {
  if (t->numel == 0) return true;
  int64_t expect = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return false;
    expect *= t->shape[d];
  }
  return true;
}

int64_t tl_window_out(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  const int64_t span = in + 2 * p - d * (k - 1) - 1;
  return span < 0 ? -1 : span / s + 1;
}

/* checks x [N, C, D, H, W] against g's windows and fills g's sizes (c = x's channels) */
static bool input_geometry(napi_env env, const char *K, const tl_tensor *x, tl_geom3 *g) {
  char sx[160];
  tl_format_shape(sx, sizeof sx, x->ndim, x->shape);
  if (x->ndim != 5) return tl_fail(env, K, "x must have 5 dims [N, C, D, H, W], got %s", sx), false;
  if (!tl_float_dtype(env, K, x, "x")) return false;
  g->n = x->shape[0];
  g->c = x->shape[1];
  for (int d = 0; d < 3; d++) {
    g->in[d] = x->shape[2 + d];
    g->out[d] = tl_window_out(g->in[d], g->k[d], g->s[d], g->p[d], g->d[d]);
    if (g->out[d] < 1)
      return tl_fail(env, K, "x %s is smaller than the window (kernel %lld, padding %lld, dilation %lld) along dim %d", sx,
                     (long long)g->k[d], (long long)g->p[d], (long long)g->d[d], 2 + d), false;
  }
  /* (an empty batch binds to any sizes: keep the column matrix's sizes in range) */
  if ((double)g->c * (double)g->k[0] * (double)g->k[1] * (double)g->k[2] > 1e15 ||
      (double)g->out[0] * (double)g->out[1] * (double)g->out[2] > 1e15)
    return tl_fail(env, K, "x %s with this window makes too many columns", sx), false;
  return true;
}

static inline int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

#if defined(__AVX512F__)
#include <immintrin.h>
/* d[i] = s[2i] for i < m: 16 at a time from two masked loads (never past s[2m - 2]) and one permute */
static void gather2_f32(float *d, const float *s, int64_t m) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (; m > 0; m -= 16, s += 32, d += 16) {
    const int64_t k = m < 16 ? m : 16, reach = 2 * k - 1; /* source elements needed */
    const __mmask16 ma = reach >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << reach) - 1);
    const __mmask16 mb = reach > 16 ? (__mmask16)((1u << (reach - 16)) - 1) : 0;
    const __m512 v = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(ma, s), even, _mm512_maskz_loadu_ps(mb, s + 16));
    _mm512_mask_storeu_ps(d, k == 16 ? (__mmask16)0xffff : (__mmask16)((1u << k) - 1), v);
  }
}
#define GATHER2_F32 1
#else
#define GATHER2_F32 0
static void gather2_f32(float *d, const float *s, int64_t m) {
  for (int64_t i = 0; i < m; i++) d[i] = s[2 * i];
}
#endif
static void gather2_f64(double *d, const double *s, int64_t m) {
  for (int64_t i = 0; i < m; i++) d[i] = s[2 * i];
}

/* gather2's adjoint, d[2i] += s[i] for i < m (d's odd elements untouched, never past d[2m - 2]) */
#if defined(__AVX512F__)
static void add2_f32(float *d, const float *s, int64_t m) {
  /* lane 2i of the low (high) half takes s[i] (s[8 + i]); odd lanes are masked off */
  const __m512i lo = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
  const __m512i hi = _mm512_setr_epi32(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
  const __mmask16 even = 0x5555;
  for (; m > 0; m -= 16, s += 16, d += 32) {
    const int64_t k = m < 16 ? m : 16, reach = 2 * k - 1; /* elements of d touched */
    const __mmask16 ms = k == 16 ? (__mmask16)0xffff : (__mmask16)((1u << k) - 1);
    const __mmask16 ma = (reach >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << reach) - 1)) & even;
    const __mmask16 mb = (reach > 16 ? (__mmask16)((1u << (reach - 16)) - 1) : 0) & even;
    const __m512 v = _mm512_maskz_loadu_ps(ms, s);
    const __m512 a = _mm512_maskz_loadu_ps(ma, d), b = _mm512_maskz_loadu_ps(mb, d + 16);
    _mm512_mask_storeu_ps(d, ma, _mm512_add_ps(a, _mm512_permutexvar_ps(lo, v)));
    _mm512_mask_storeu_ps(d + 16, mb, _mm512_add_ps(b, _mm512_permutexvar_ps(hi, v)));
  }
}
#else
static void add2_f32(float *d, const float *s, int64_t m) {
  for (int64_t i = 0; i < m; i++) d[2 * i] += s[i];
}
#endif
static void add2_f64(double *d, const double *s, int64_t m) {
  for (int64_t i = 0; i < m; i++) d[2 * i] += s[i];
}

/* the columns of x's image n, row r, output rows [q0, q1) of the oD*oH ones, into dst (contiguous) */
#define DEFINE_FILL(NAME, T, GATHER2, FAST2)                                                                   \
  static void NAME(const tl_geom3 *g, const tl_tensor *x, int64_t n, int64_t r, int64_t q0, int64_t q1, T *dst) { \
    const int64_t e = r % g->k[2], b = r / g->k[2] % g->k[1], a = r / (g->k[2] * g->k[1]) % g->k[0];            \
    const int64_t c = r / (g->k[2] * g->k[1] * g->k[0]);                                                        \
    const int64_t oH = g->out[1], oW = g->out[2], W = g->in[2];                                                 \
    const int64_t *xs = x->strides;                                                                             \
    const T *base = (const T *)tl_first(x) + n * xs[0] + c * xs[1];                                             \
    const int64_t offw = e * g->d[2] - g->p[2];                                                                 \
    int64_t lo = offw >= 0 ? 0 : ceil_div(-offw, g->s[2]);                                                      \
    int64_t hi = W - 1 - offw < 0 ? 0 : (W - 1 - offw) / g->s[2] + 1;                                          \
    if (hi > oW) hi = oW;                                                                                       \
    if (lo > hi) lo = hi;                                                                                       \
    const int unit = g->s[2] == 1 && xs[4] == 1;                                                                \
    int64_t od = q0 / oH, oh = q0 % oH;                                                                         \
    for (int64_t q = q0; q < q1; q++, dst += oW, oh = oh + 1 == oH ? 0 : oh + 1, od += oh == 0) {            \
      const int64_t id = od * g->s[0] - g->p[0] + a * g->d[0], ih = oh * g->s[1] - g->p[1] + b * g->d[1];       \
      if (id < 0 || id >= g->in[0] || ih < 0 || ih >= g->in[1] || lo == hi) {                                   \
        memset(dst, 0, (size_t)oW * sizeof(T));                                                                 \
        continue;                                                                                               \
      }                                                                                                         \
      const T *src = base + id * xs[2] + ih * xs[3];                                                        \
      for (int64_t w = 0; w < lo; w++) dst[w] = 0;                                                              \
      if (unit) {                                                                                               \
        memcpy(dst + lo, src + (lo + offw), (size_t)(hi - lo) * sizeof(T));                                      \
      } else {                                                                                                  \
        const int64_t sw = g->s[2], xs4 = xs[4];                                                                \
        if (FAST2 && sw == 2 && xs4 == 1) {                                                                     \
          GATHER2(dst + lo, src + (2 * lo + offw), hi - lo);                                                    \
        } else if (xs4 == 1) {                                                                                  \
          for (int64_t w = lo; w < hi; w++) dst[w] = src[w * sw + offw];                                        \
        } else {                                                                                                \
          for (int64_t w = lo; w < hi; w++) dst[w] = src[(w * sw + offw) * xs4];                                \
        }                                                                                                       \
      }                                                                                                         \
      for (int64_t w = hi; w < oW; w++) dst[w] = 0;                                                             \
    }                                                                                                           \
  }
DEFINE_FILL(fill_f32, float, gather2_f32, GATHER2_F32)
DEFINE_FILL(fill_f64, double, gather2_f64, 0)

typedef struct {
  const tl_geom3 *g;
  const tl_tensor *x;
  int64_t n, q0, q1, rows; /* image, output rows, column rows per image */
  char *dst;               /* rows x ((q1 - q0) * oW), or the whole out for vol2col */
  int all;                 /* vol2col: tasks are (n, r) over every image */
} fill_job;

static void fill_part(void *arg, int64_t t0, int64_t t1, int tid) {
  (void)tid;
  const fill_job *j = arg;
  const int64_t L = (j->q1 - j->q0) * j->g->out[2];
  const size_t es = (size_t)tl_esize(j->x->dtype);
  for (int64_t t = t0; t < t1; t++) {
    const int64_t n = j->all ? t / j->rows : j->n, r = j->all ? t % j->rows : t;
    char *dst = j->dst + (size_t)t * (size_t)L * es;
    if (j->x->dtype == TL_F32) fill_f32(j->g, j->x, n, r, j->q0, j->q1, (float *)dst);
    else fill_f64(j->g, j->x, n, r, j->q0, j->q1, (double *)dst);
  }
}

static void run_fill(fill_job *j, int64_t tasks) {
  const int64_t L = (j->q1 - j->q0) * j->g->out[2];
  const int nt = tl_threads_for((double)tasks * (double)L);
  int64_t grain = (int64_t)(8192 / (L + 1)) + 1;
  if (nt > 1 && grain > tasks / (4 * nt)) grain = tasks / (4 * nt) > 0 ? tasks / (4 * nt) : 1;
  tl_parallel_for(tasks, grain, nt, fill_part, j);
}

/* ---- col2vol: per (n, c) volume, every tap's rows summed into it --------------------------------- */

typedef struct {
  const tl_geom3 *g;
  const tl_tensor *out, *cols;
} c2v_job;

#define DEFINE_C2V(NAME, T)                                                                                    \
  static void NAME(const c2v_job *j, int64_t v) {                                                              \
    const tl_geom3 *g = j->g;                                                                                   \
    const int64_t n = v / g->c, c = v % g->c;                                                                   \
    const int64_t D = g->in[0], H = g->in[1], W = g->in[2], oH = g->out[1], oW = g->out[2];                     \
    const int64_t taps = g->k[0] * g->k[1] * g->k[2];                                                           \
    T *vol = (T *)tl_first(j->out) + v * D * H * W;                                                             \
    memset(vol, 0, (size_t)(D * H * W) * sizeof(T));                                                            \
    const int64_t *cs = j->cols->strides;                                                                       \
    for (int64_t t = 0; t < taps; t++) {                                                                        \
      const int64_t e = t % g->k[2], b = t / g->k[2] % g->k[1], a = t / (g->k[2] * g->k[1]);                   \
      const T *row = (const T *)tl_first(j->cols) + n * cs[0] + (c * taps + t) * cs[1];                         \
      const int64_t offw = e * g->d[2] - g->p[2];                                                               \
      int64_t lo = offw >= 0 ? 0 : ceil_div(-offw, g->s[2]);                                                    \
      int64_t hi = W - 1 - offw < 0 ? 0 : (W - 1 - offw) / g->s[2] + 1;                                        \
      if (hi > oW) hi = oW;                                                                                     \
      if (lo >= hi) continue;                                                                                   \
      for (int64_t od = 0; od < g->out[0]; od++) {                                                              \
        const int64_t id = od * g->s[0] - g->p[0] + a * g->d[0];                                                \
        if (id < 0 || id >= D) continue;                                                                        \
        for (int64_t oh = 0; oh < oH; oh++) {                                                                   \
          const int64_t ih = oh * g->s[1] - g->p[1] + b * g->d[1];                                              \
          if (ih < 0 || ih >= H) continue;                                                                      \
          T *dst = vol + (id * H + ih) * W;                                                                     \
          const T *src = row + (od * oH + oh) * oW * cs[2];                                                     \
          if (cs[2] == 1 && g->s[2] == 1) {                                                                     \
            for (int64_t w = lo; w < hi; w++) dst[w + offw] += src[w];                                          \
          } else {                                                                                              \
            for (int64_t w = lo; w < hi; w++) dst[w * g->s[2] + offw] += src[w * cs[2]];                        \
          }                                                                                                     \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
  }
DEFINE_C2V(c2v_f32, float)
DEFINE_C2V(c2v_f64, double)

static void c2v_part(void *arg, int64_t v0, int64_t v1, int tid) {
  (void)tid;
  const c2v_job *j = arg;
  for (int64_t v = v0; v < v1; v++) {
    if (j->out->dtype == TL_F32) c2v_f32(j, v);
    else c2v_f64(j, v);
  }
}

/* ---- entry points ---------------------------------------------------------------------------------- */

/* reads `count` tensors from argv (null allowed where `nullable` has the bit) and the geometry after them */
static bool read_args(napi_env env, napi_callback_info info, const char *K, int count, const char *const *names,
                      unsigned nullable, tl_tensor *t, bool *present, tl_geom3 *g, int extra, int64_t *ints,
                      const char *const *int_names) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call"), false;
  if ((int)argc < count + 1 + extra) return tl_fail(env, K, "expected %d arguments, got %zu", count + 1 + extra, argc), false;
  tl_keys k;
  if (!tl_load_keys(env, &k)) return false;
  tl_raw raw[4];
  for (int i = 0; i < count; i++) {
    napi_valuetype type;
    if (napi_typeof(env, argv[i], &type) != napi_ok) return tl_fail(env, K, "bad call"), false;
    present[i] = !(type == napi_null || type == napi_undefined);
    if (!present[i]) {
      if (!(nullable >> i & 1)) return tl_fail(env, K, "%s must be a tensor, got null", names[i]), false;
      continue;
    }
    if (!tl_read_tensor(env, &k, K, names[i], argv[i], &raw[i])) return false;
  }
  if (!tl_read_geom3(env, K, argv[count], g)) return false;
  for (int i = 0; i < extra; i++)
    if (!tl_get_integer(env, K, int_names[i], argv[count + 1 + i], 1, 2147483647.0, &ints[i])) return false;
  for (int i = 0; i < count; i++)
    if (present[i] && !tl_bind_tensor(env, K, &raw[i], &t[i])) return false;
  return true;
}

static bool expect_shape(napi_env env, const char *K, const tl_tensor *t, const char *name, int ndim, const int64_t *shape) {
  bool ok = t->ndim == ndim;
  for (int d = 0; ok && d < ndim; d++) ok = t->shape[d] == shape[d];
  if (ok) return true;
  char got[160], want[160];
  tl_format_shape(got, sizeof got, t->ndim, t->shape);
  tl_format_shape(want, sizeof want, ndim, shape);
  return tl_fail(env, K, "%s must have shape %s, got %s", name, want, got), false;
}

napi_value tl_js_vol2col(napi_env env, napi_callback_info info) {
  static const char *const K = "vol2col", *const names[2] = {"out", "x"};
  tl_tensor t[2];
  bool present[2];
  tl_geom3 g;
  if (!read_args(env, info, K, 2, names, 0, t, present, &g, 0, NULL, NULL)) return NULL;
  if (!input_geometry(env, K, &t[1], &g) || !tl_same_dtype(env, K, &t[0], "out", &t[1], "x")) return NULL;
  const int64_t rows = g.c * g.k[0] * g.k[1] * g.k[2];
  const int64_t shape[3] = {g.n, rows, g.out[0] * g.out[1] * g.out[2]};
  if (!expect_shape(env, K, &t[0], "out", 3, shape)) return NULL;
  if (!tl_contiguous3(&t[0])) return tl_fail(env, K, "out must be contiguous");
  if (t[0].numel == 0) return NULL;
  fill_job j = {&g, &t[1], 0, 0, g.out[0] * g.out[1], rows, tl_first(&t[0]), 1};
  run_fill(&j, g.n * rows);
  return NULL;
}

napi_value tl_js_col2vol(napi_env env, napi_callback_info info) {
  static const char *const K = "col2vol", *const names[2] = {"out", "cols"};
  tl_tensor t[2];
  bool present[2];
  tl_geom3 g;
  if (!read_args(env, info, K, 2, names, 0, t, present, &g, 0, NULL, NULL)) return NULL;
  /* the volume's shape is out's; the columns must be what vol2col makes of it */
  if (!input_geometry(env, K, &t[0], &g) || !tl_same_dtype(env, K, &t[1], "cols", &t[0], "out")) return NULL;
  if (!tl_contiguous3(&t[0])) return tl_fail(env, K, "out must be contiguous");
  const int64_t shape[3] = {g.n, g.c * g.k[0] * g.k[1] * g.k[2], g.out[0] * g.out[1] * g.out[2]};
  if (!expect_shape(env, K, &t[1], "cols", 3, shape)) return NULL;
  if (t[0].numel == 0) return NULL;
  c2v_job j = {&g, &t[0], &t[1]};
  const double per = (double)(shape[1] / (g.c ? g.c : 1)) * (double)shape[2];
  const int nt = tl_threads_for(per * (double)(g.n * g.c));
  tl_parallel_for(g.n * g.c, 1, nt, c2v_part, &j);
  return NULL;
}

/* a [1, rows, cols] matrix view of plain memory, for tl_matmul */
static tl_tensor matrix(char *data, tl_dtype dt, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  tl_tensor m;
  memset(&m, 0, sizeof m);
  m.data = data;
  m.dtype = dt;
  m.ndim = 3;
  m.shape[0] = 1, m.shape[1] = rows, m.shape[2] = cols;
  m.strides[0] = rows * rs, m.strides[1] = rs, m.strides[2] = cs;
  m.numel = rows * cols;
  m.length = m.numel;
  return m;
}

napi_value tl_js_conv3d(napi_env env, napi_callback_info info) {
  static const char *const K = "conv3d", *const names[4] = {"out", "x", "weight", "bias"};
  static const char *const int_names[1] = {"groups"};
  tl_tensor t[4];
  bool present[4];
  tl_geom3 g;
  int64_t groups = 1;
  if (!read_args(env, info, K, 4, names, 8u, t, present, &g, 1, &groups, int_names)) return NULL;
  const tl_tensor *out = &t[0], *x = &t[1], *w = &t[2], *bias = present[3] ? &t[3] : NULL;
  if (!input_geometry(env, K, x, &g) || !tl_same_dtype(env, K, out, "out", x, "x") ||
      !tl_same_dtype(env, K, w, "weight", x, "x") || (bias && !tl_same_dtype(env, K, bias, "bias", x, "x")))
    return NULL;
  char sw[160];
  tl_format_shape(sw, sizeof sw, w->ndim, w->shape);
  if (w->ndim != 5 || w->shape[2] != g.k[0] || w->shape[3] != g.k[1] || w->shape[4] != g.k[2])
    return tl_fail(env, K, "weight must be [O, C / groups, %lld, %lld, %lld], got %s", (long long)g.k[0],
                   (long long)g.k[1], (long long)g.k[2], sw);
  const int64_t O = w->shape[0];
  if (g.c % groups != 0 || O % groups != 0 || w->shape[1] * groups != g.c)
    return tl_fail(env, K, "weight %s does not fit x's %lld channels in %lld groups", sw, (long long)g.c, (long long)groups);
  if (!tl_contiguous3(w)) return tl_fail(env, K, "weight must be contiguous");
  if (bias && !expect_shape(env, K, bias, "bias", 1, &O)) return NULL;
  const int64_t L = g.out[0] * g.out[1] * g.out[2];
  const int64_t oshape[5] = {g.n, O, g.out[0], g.out[1], g.out[2]};
  if (!expect_shape(env, K, out, "out", 5, oshape)) return NULL;
  if (!tl_contiguous3(out)) return tl_fail(env, K, "out must be contiguous");
  if (out->numel == 0) return NULL;
  /* the direct kernel where it applies; the columns below otherwise */
  const int direct = tl_conv3d_direct(out, x, w, bias, &g, groups);
  if (direct < 0) return tl_fail(env, K, "out of memory");
  if (direct == 0) return NULL;
  const size_t es = (size_t)tl_esize(x->dtype);
  const int64_t Cg = g.c / groups, Og = O / groups, Kg = Cg * g.k[0] * g.k[1] * g.k[2], rows = Kg * groups;
  const int64_t oHW = g.out[1] * g.out[2], oW = g.out[2], nq = g.out[0] * g.out[1];
  /* output rows per chunk: the columns of at least one row, at most COLS_BYTES of them */
  int64_t per = (int64_t)(COLS_BYTES / ((size_t)rows * (size_t)oW * es + 1));
  if (per < 1) per = 1;
  if (per > nq) per = nq;
  char *cols = tl_scratch(TL_SCRATCH_CONV, (size_t)rows * (size_t)(per * oW) * es);
  if (!cols) return tl_fail(env, K, "out of memory");
  (void)oHW;
  for (int64_t n = 0; n < g.n; n++) {
    for (int64_t q0 = 0; q0 < nq; q0 += per) {
      const int64_t q1 = q0 + per < nq ? q0 + per : nq, Lc = (q1 - q0) * oW;
      fill_job fj = {&g, x, n, q0, q1, rows, cols, 0};
      run_fill(&fj, rows);
      for (int64_t gi = 0; gi < groups; gi++) {
        char *o = tl_first(out) + (size_t)((n * O + gi * Og) * L + q0 * oW) * es;
        tl_tensor C = matrix(o, x->dtype, Og, Lc, L, 1);
        tl_tensor A = matrix(tl_first(w) + (size_t)(gi * Og * Kg) * es, x->dtype, Og, Kg, Kg, 1);
        tl_tensor B = matrix(cols + (size_t)(gi * Kg * Lc) * es, x->dtype, Kg, Lc, Lc, 1);
        if (tl_matmul(&C, &A, &B) != 0) {
          tl_scratch_trim(TL_SCRATCH_CONV);
          return tl_fail(env, K, "out of memory");
        }
      }
      if (bias) {
        for (int64_t o = 0; o < O; o++) {
          char *dst = tl_first(out) + (size_t)((n * O + o) * L + q0 * oW) * es;
          const char *b = tl_first(bias) + (size_t)(o * bias->strides[0]) * es;
          if (x->dtype == TL_F32) {
            const float v = *(const float *)b;
            for (int64_t i = 0; i < Lc; i++) ((float *)dst)[i] += v;
          } else {
            const double v = *(const double *)b;
            for (int64_t i = 0; i < Lc; i++) ((double *)dst)[i] += v;
          }
        }
      }
    }
  }
  tl_scratch_trim(TL_SCRATCH_CONV);
  return NULL;
}

/* ---- conv3d's gradients without the whole column matrix -------------------------------------------
 *
 *   conv3dBackwardInput(gx, gout, weight, geom, groups)  gx [N, C, D, H, W]
 *     (contiguous, overwritten) = col2vol of weight^T times gout per group:
 *     the columns of a few output rows at a time come from the GEMM into
 *     scratch and are added into their volumes at once.
 *   conv3dBackwardWeight(gw, gout, x, geom, groups)  gw [O, C/groups, kd, kh,
 *     kw] (contiguous, overwritten) = the sum over images and chunks of
 *     output rows of gout times the chunk's columns (transposed).
 *
 * gout [N, O, oD, oH, oW] contiguous, weight contiguous, x any strides; all
 * one float dtype. The sums run in other orders than the composition of
 * matmul, vol2col and col2vol that they equal, so results differ by rounding.
 */

typedef struct {
  const tl_geom3 *g;
  char *vol;        /* gx's image n */
  const char *cols; /* [C*taps, (q1 - q0) * oW] */
  int64_t q0, q1;
  int f32;
} acc_job;

#define DEFINE_ACC(NAME, T, ADD2, FAST2)                                                                        \
  static void NAME(const acc_job *j, int64_t c) {                                                              \
    const tl_geom3 *g = j->g;                                                                                   \
    const int64_t D = g->in[0], H = g->in[1], W = g->in[2], oH = g->out[1], oW = g->out[2];                     \
    const int64_t taps = g->k[0] * g->k[1] * g->k[2], Lc = (j->q1 - j->q0) * oW;                                \
    T *vol = (T *)j->vol + c * D * H * W;                                                                       \
    for (int64_t t = 0; t < taps; t++) {                                                                        \
      const int64_t e = t % g->k[2], b = t / g->k[2] % g->k[1], a = t / (g->k[2] * g->k[1]);                   \
      const T *row = (const T *)j->cols + (c * taps + t) * Lc;                                                  \
      const int64_t offw = e * g->d[2] - g->p[2];                                                               \
      int64_t lo = offw >= 0 ? 0 : ceil_div(-offw, g->s[2]);                                                    \
      int64_t hi = W - 1 - offw < 0 ? 0 : (W - 1 - offw) / g->s[2] + 1;                                        \
      if (hi > oW) hi = oW;                                                                                     \
      if (lo >= hi) continue;                                                                                   \
      int64_t od = j->q0 / oH, oh = j->q0 % oH;                                                                 \
      for (int64_t q = j->q0; q < j->q1; q++, oh = oh + 1 == oH ? 0 : oh + 1, od += oh == 0) {                  \
        const int64_t id = od * g->s[0] - g->p[0] + a * g->d[0], ih = oh * g->s[1] - g->p[1] + b * g->d[1];     \
        if (id < 0 || id >= D || ih < 0 || ih >= H) continue;                                                   \
        T *dst = vol + (id * H + ih) * W;                                                                       \
        const T *src = row + (q - j->q0) * oW;                                                                  \
        if (g->s[2] == 1) {                                                                                     \
          for (int64_t w = lo; w < hi; w++) dst[w + offw] += src[w];                                            \
        } else if (FAST2 && g->s[2] == 2) {                                                                     \
          ADD2(dst + 2 * lo + offw, src + lo, hi - lo);                                                         \
        } else {                                                                                                \
          for (int64_t w = lo; w < hi; w++) dst[w * g->s[2] + offw] += src[w];                                  \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
  }
DEFINE_ACC(acc_f32, float, add2_f32, GATHER2_F32)
DEFINE_ACC(acc_f64, double, add2_f64, 0)

static void acc_part(void *arg, int64_t c0, int64_t c1, int tid) {
  (void)tid;
  const acc_job *j = arg;
  for (int64_t c = c0; c < c1; c++) {
    if (j->f32) acc_f32(j, c);
    else acc_f64(j, c);
  }
}

/* the checks both gradients share: gout [N, O, oD, oH, oW] contiguous, weight-shaped `wt` contiguous */
static bool grad_geometry(napi_env env, const char *K, const tl_tensor *x, const tl_tensor *gout, const tl_tensor *w,
                          const char *wn, tl_geom3 *g, int64_t groups) {
  if (!input_geometry(env, K, x, g) || !tl_same_dtype(env, K, gout, "gout", x, x == gout ? "gout" : "x") ||
      !tl_same_dtype(env, K, w, wn, x, "x"))
    return false;
  char sw[160];
  tl_format_shape(sw, sizeof sw, w->ndim, w->shape);
  if (w->ndim != 5 || w->shape[2] != g->k[0] || w->shape[3] != g->k[1] || w->shape[4] != g->k[2])
    return tl_fail(env, K, "%s must be [O, C / groups, %lld, %lld, %lld], got %s", wn, (long long)g->k[0],
                   (long long)g->k[1], (long long)g->k[2], sw), false;
  const int64_t O = w->shape[0];
  if (g->c % groups != 0 || O % groups != 0 || w->shape[1] * groups != g->c)
    return tl_fail(env, K, "%s %s does not fit %lld channels in %lld groups", wn, sw, (long long)g->c, (long long)groups), false;
  if (!tl_contiguous3(w)) return tl_fail(env, K, "%s must be contiguous", wn), false;
  const int64_t oshape[5] = {g->n, O, g->out[0], g->out[1], g->out[2]};
  if (!expect_shape(env, K, gout, "gout", 5, oshape)) return false;
  if (!tl_contiguous3(gout)) return tl_fail(env, K, "gout must be contiguous"), false;
  return true;
}

/* output rows per chunk: the columns of at least one row, at most COLS_BYTES of them */
static int64_t rows_per_chunk(const tl_geom3 *g, int64_t rows, size_t es) {
  int64_t per = (int64_t)(COLS_BYTES / ((size_t)rows * (size_t)g->out[2] * es + 1));
  if (per < 1) per = 1;
  if (per > g->out[0] * g->out[1]) per = g->out[0] * g->out[1];
  return per;
}

napi_value tl_js_conv3d_backward_input(napi_env env, napi_callback_info info) {
  static const char *const K = "conv3dBackwardInput", *const names[3] = {"gx", "gout", "weight"};
  static const char *const int_names[1] = {"groups"};
  tl_tensor t[3];
  bool present[3];
  tl_geom3 g;
  int64_t groups = 1;
  if (!read_args(env, info, K, 3, names, 0, t, present, &g, 1, &groups, int_names)) return NULL;
  const tl_tensor *gx = &t[0], *gout = &t[1], *w = &t[2];
  if (!grad_geometry(env, K, gx, gout, w, "weight", &g, groups)) return NULL;
  if (!tl_contiguous3(gx)) return tl_fail(env, K, "gx must be contiguous");
  const size_t es = (size_t)tl_esize(gx->dtype);
  if (gx->numel == 0) return NULL;
  memset(tl_first(gx), 0, (size_t)gx->numel * es);
  const int64_t O = w->shape[0], taps = g.k[0] * g.k[1] * g.k[2], Cg = g.c / groups, Og = O / groups, Kg = Cg * taps;
  const int64_t rows = Kg * groups, L = g.out[0] * g.out[1] * g.out[2], oW = g.out[2], nq = g.out[0] * g.out[1];
  if (gout->numel == 0) return NULL;
  const int64_t per = rows_per_chunk(&g, rows, es);
  char *cols = tl_scratch(TL_SCRATCH_CONV, (size_t)rows * (size_t)(per * oW) * es);
  if (!cols) return tl_fail(env, K, "out of memory");
  for (int64_t n = 0; n < g.n; n++) {
    for (int64_t q0 = 0; q0 < nq; q0 += per) {
      const int64_t q1 = q0 + per < nq ? q0 + per : nq, Lc = (q1 - q0) * oW;
      for (int64_t gi = 0; gi < groups; gi++) {
        tl_tensor C = matrix(cols + (size_t)(gi * Kg * Lc) * es, gx->dtype, Kg, Lc, Lc, 1);
        /* weight^T: element (r, o) of the group at (gi*Og + o)*Kg + r */
        tl_tensor A = matrix(tl_first(w) + (size_t)(gi * Og * Kg) * es, gx->dtype, Kg, Og, 1, Kg);
        tl_tensor B = matrix(tl_first(gout) + (size_t)((n * O + gi * Og) * L + q0 * oW) * es, gx->dtype, Og, Lc, L, 1);
        if (tl_matmul(&C, &A, &B) != 0) {
          tl_scratch_trim(TL_SCRATCH_CONV);
          return tl_fail(env, K, "out of memory");
        }
      }
      acc_job aj = {&g, tl_first(gx) + (size_t)(n * g.c * g.in[0] * g.in[1] * g.in[2]) * es, cols, q0, q1,
                    gx->dtype == TL_F32};
      const int nt = tl_threads_for((double)rows * (double)Lc);
      tl_parallel_for(g.c, 1, nt, acc_part, &aj);
    }
  }
  tl_scratch_trim(TL_SCRATCH_CONV);
  return NULL;
}

napi_value tl_js_conv3d_backward_weight(napi_env env, napi_callback_info info) {
  static const char *const K = "conv3dBackwardWeight", *const names[3] = {"gw", "gout", "x"};
  static const char *const int_names[1] = {"groups"};
  tl_tensor t[3];
  bool present[3];
  tl_geom3 g;
  int64_t groups = 1;
  if (!read_args(env, info, K, 3, names, 0, t, present, &g, 1, &groups, int_names)) return NULL;
  const tl_tensor *gw = &t[0], *gout = &t[1], *x = &t[2];
  if (!grad_geometry(env, K, x, gout, gw, "gw", &g, groups)) return NULL;
  /* the direct kernel where it applies; the columns below otherwise */
  const int direct = gout->numel == 0 ? 1 : tl_conv3d_direct_grad_weight(gw, gout, x, &g, groups);
  if (direct < 0) return tl_fail(env, K, "out of memory");
  if (direct == 0) return NULL;
  const size_t es = (size_t)tl_esize(x->dtype);
  if (gw->numel == 0) return NULL;
  memset(tl_first(gw), 0, (size_t)gw->numel * es);
  const int64_t O = gw->shape[0], taps = g.k[0] * g.k[1] * g.k[2], Cg = g.c / groups, Og = O / groups, Kg = Cg * taps;
  const int64_t rows = Kg * groups, L = g.out[0] * g.out[1] * g.out[2], oW = g.out[2], nq = g.out[0] * g.out[1];
  if (gout->numel == 0) return NULL;
  const int64_t per = rows_per_chunk(&g, rows, es);
  const size_t cols_bytes = ((size_t)rows * (size_t)(per * oW) * es + 63) & ~(size_t)63;
  char *cols = tl_scratch(TL_SCRATCH_CONV, cols_bytes + (size_t)(O * Kg) * es);
  if (!cols) return tl_fail(env, K, "out of memory");
  char *tmp = cols + cols_bytes;
  for (int64_t n = 0; n < g.n; n++) {
    for (int64_t q0 = 0; q0 < nq; q0 += per) {
      const int64_t q1 = q0 + per < nq ? q0 + per : nq, Lc = (q1 - q0) * oW;
      fill_job fj = {&g, x, n, q0, q1, rows, cols, 0};
      run_fill(&fj, rows);
      for (int64_t gi = 0; gi < groups; gi++) {
        tl_tensor C = matrix(tmp + (size_t)(gi * Og * Kg) * es, x->dtype, Og, Kg, Kg, 1);
        tl_tensor A = matrix(tl_first(gout) + (size_t)((n * O + gi * Og) * L + q0 * oW) * es, x->dtype, Og, Lc, L, 1);
        /* the chunk's columns transposed: element (l, r) at (gi*Kg + r)*Lc + l */
        tl_tensor B = matrix(cols + (size_t)(gi * Kg * Lc) * es, x->dtype, Lc, Kg, 1, Lc);
        if (tl_matmul(&C, &A, &B) != 0) {
          tl_scratch_trim(TL_SCRATCH_CONV);
          return tl_fail(env, K, "out of memory");
        }
      }
      if (x->dtype == TL_F32) {
        float *d = (float *)tl_first(gw);
        const float *s = (const float *)tmp;
        for (int64_t i = 0; i < O * Kg; i++) d[i] += s[i];
      } else {
        double *d = (double *)tl_first(gw);
        const double *s = (const double *)tmp;
        for (int64_t i = 0; i < O * Kg; i++) d[i] += s[i];
      }
    }
  }
  tl_scratch_trim(TL_SCRATCH_CONV);
  return NULL;
}
