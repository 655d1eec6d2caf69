/*
 * Layer normalisation over the rows of contiguous [M, N] arrays, for
 * F.layerNorm (src/nn/layer-norm.ts):
 *
 *   layerNorm(out, x, w, b, mean, rstd, M, N, eps)
 *     out[r, i] = (x[r, i] - mean[r]) * rstd[r] * w[i] + b[i] (w, b may be
 *     null), writing each row's mean and rstd = 1 / sqrt(biased var + eps)
 *     into the Float64Arrays mean and rstd.
 *   layerNormBackward(gx, gw, gb, g, x, w, mean, rstd, M, N)
 *     the gradients from g (gx, gw, gb each null when not wanted).
 *
 * The same operations in the same order as src/nn/layer-norm-rows.ts (the
 * reference's loops): double precision, row sums in eight running sums
 * (element i into sum i mod 8, which vectorizes) added pairwise, column sums
 * over rows in row order; so the same bits. Rows are shared out over the
 * pool's threads, columns for gw and gb.
 */
#include <math.h>
#include <stdlib.h>

#include "args.h"
#include "float-arrays.h"

typedef struct {
  tl_dtype dtype;
  void *out;     /* forward: out; backward: gx */
  void *gw, *gb; /* backward */
  const void *x, *g, *w, *b;
  double *mean, *rstd;
  int64_t M, N;
  double eps;
} ln_job;

#define LN_KERNELS(T)                                                                           \
  static void ln_forward_##T(void *arg, int64_t r0, int64_t r1, int tid) {                       \
    (void)tid;                                                                                  \
    const ln_job *j = arg;                                                                      \
    const int64_t N = j->N;                                                                     \
    const T *w = j->w, *b = j->b;                                                               \
    for (int64_t r = r0; r < r1; r++) {                                                         \
      const T *x = (const T *)j->x + r * N;                                                     \
      T *out = (T *)j->out + r * N;                                                             \
      const double m = TL_SUM8(N, i, (double)x[i]) / (double)N;                                    \
      const double v = TL_SUM8(N, i, ((double)x[i] - m) * ((double)x[i] - m)) / (double)N;         \
      const double s = 1.0 / sqrt(v + j->eps);                                                  \
      for (int64_t i = 0; i < N; i++) {                                                         \
        double y = ((double)x[i] - m) * s;                                                      \
        if (w) y = y * (double)w[i];                                                            \
        if (b) y = y + (double)b[i];                                                            \
        out[i] = (T)y;                                                                          \
      }                                                                                         \
      j->mean[r] = m;                                                                           \
      j->rstd[r] = s;                                                                           \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  static void ln_backward_rows_##T(void *arg, int64_t r0, int64_t r1, int tid) {                 \
    (void)tid;                                                                                  \
    const ln_job *j = arg;                                                                      \
    const int64_t N = j->N;                                                                     \
    const T *w = j->w;                                                                          \
    for (int64_t r = r0; r < r1; r++) {                                                         \
      const T *x = (const T *)j->x + r * N, *g = (const T *)j->g + r * N;                       \
      T *gx = (T *)j->out + r * N;                                                              \
      const double m = j->mean[r], s = j->rstd[r];                                              \
      const double a = TL_SUM8(N, i, w ? (double)g[i] * (double)w[i] : (double)g[i]) / (double)N;  \
      const double c = TL_SUM8(N, i, (w ? (double)g[i] * (double)w[i] : (double)g[i]) * (((double)x[i] - m) * s)) / (double)N; \
      for (int64_t i = 0; i < N; i++) {                                                         \
        const double gwi = w ? (double)g[i] * (double)w[i] : (double)g[i];                      \
        const double xhat = ((double)x[i] - m) * s;                                             \
        gx[i] = (T)(s * ((gwi - a) - xhat * c));                                                \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* gw and gb for columns [c0, c1): sums over the rows in row order, 256 columns at a time */ \
  static void ln_backward_cols_##T(void *arg, int64_t c0, int64_t c1, int tid) {                 \
    (void)tid;                                                                                  \
    const ln_job *j = arg;                                                                      \
    const int64_t N = j->N, M = j->M;                                                           \
    T *gw = j->gw, *gb = j->gb;                                                                 \
    double sw[256], sb[256];                                                                    \
    for (int64_t q0 = c0; q0 < c1; q0 += 256) {                                                 \
      const int64_t q1 = q0 + 256 < c1 ? q0 + 256 : c1;                                         \
      for (int64_t q = q0; q < q1; q++) sw[q - q0] = sb[q - q0] = 0;                            \
      for (int64_t r = 0; r < M; r++) {                                                         \
        const T *x = (const T *)j->x + r * N, *g = (const T *)j->g + r * N;                     \
        const double m = j->mean[r], s = j->rstd[r];                                            \
        for (int64_t q = q0; q < q1; q++) {                                                     \
          sw[q - q0] = sw[q - q0] + (double)g[q] * (((double)x[q] - m) * s);                    \
          sb[q - q0] = sb[q - q0] + (double)g[q];                                               \
        }                                                                                       \
      }                                                                                         \
      for (int64_t q = q0; q < q1; q++) {                                                       \
        if (gw) gw[q] = (T)sw[q - q0];                                                          \
        if (gb) gb[q] = (T)sb[q - q0];                                                          \
      }                                                                                         \
    }                                                                                           \
  }

LN_KERNELS(float)
LN_KERNELS(double)

/* rows per chunk of the pool: ~16k elements, so claiming a chunk costs little next to it */
static int64_t row_grain(int64_t N) {
  return N >= 16384 ? 1 : 16384 / (N > 0 ? N : 1);
}

static bool get_dims(napi_env env, const char *kernel, napi_value mv, napi_value nv, int64_t *M, int64_t *N) {
  return tl_get_integer(env, kernel, "M", mv, 0, 9007199254740991.0, M) && tl_get_integer(env, kernel, "N", nv, 0, 9007199254740991.0, N) &&
         (*N == 0 || *M <= INT64_MAX / *N || (tl_fail(env, kernel, "M * N is too large"), false));
}

napi_value tl_js_layer_norm(napi_env env, napi_callback_info info) {
  const char *K = "layerNorm";
  size_t argc = 9;
  napi_value argv[9];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 9) return tl_fail(env, K, "expected (out, x, w, b, mean, rstd, M, N, eps), got %zu arguments", argc);
  int64_t M, N;
  double eps;
  if (!get_dims(env, K, argv[6], argv[7], &M, &N) || !tl_get_number(env, K, "eps", argv[8], &eps)) return NULL;
  tl_float_arg args[] = {{"out", argv[0], false, false, M * N, NULL}, {"x", argv[1], false, false, M * N, NULL}, {"w", argv[2], true, false, N, NULL},
                         {"b", argv[3], true, false, N, NULL}, {"mean", argv[4], false, true, M, NULL}, {"rstd", argv[5], false, true, M, NULL}};
  bool f64;
  if (!tl_check_float_args(env, K, args, 6, &f64)) return NULL;
  const tl_dtype dtype = f64 ? TL_F64 : TL_F32;
  ln_job j = {dtype, args[0].data, NULL, NULL, args[1].data, NULL, args[2].data, args[3].data, args[4].data, args[5].data, M, N, eps};
  const int threads = tl_threads_for((double)M * (double)N * 4);
  tl_parallel_for(M, row_grain(N), threads, dtype == TL_F32 ? ln_forward_float : ln_forward_double, &j);
  return NULL;
}

napi_value tl_js_layer_norm_backward(napi_env env, napi_callback_info info) {
  const char *K = "layerNormBackward";
  size_t argc = 10;
  napi_value argv[10];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 10) return tl_fail(env, K, "expected (gx, gw, gb, g, x, w, mean, rstd, M, N), got %zu arguments", argc);
  int64_t M, N;
  if (!get_dims(env, K, argv[8], argv[9], &M, &N)) return NULL;
  tl_float_arg args[] = {{"g", argv[3], false, false, M * N, NULL}, {"x", argv[4], false, false, M * N, NULL}, {"gx", argv[0], true, false, M * N, NULL},
                         {"gw", argv[1], true, false, N, NULL}, {"gb", argv[2], true, false, N, NULL}, {"w", argv[5], true, false, N, NULL},
                         {"mean", argv[6], false, true, M, NULL}, {"rstd", argv[7], false, true, M, NULL}};
  bool f64;
  if (!tl_check_float_args(env, K, args, 8, &f64)) return NULL;
  const tl_dtype dtype = f64 ? TL_F64 : TL_F32;
  ln_job j = {dtype, args[2].data, args[3].data, args[4].data, args[1].data, args[0].data, args[5].data, NULL, args[6].data, args[7].data, M, N, 0};
  const int threads = tl_threads_for((double)M * (double)N * 4);
  if (j.out) tl_parallel_for(M, row_grain(N), threads, dtype == TL_F32 ? ln_backward_rows_float : ln_backward_rows_double, &j);
  if (j.gw || j.gb) tl_parallel_for(N, 256, threads, dtype == TL_F32 ? ln_backward_cols_float : ln_backward_cols_double, &j);
  return NULL;
}
