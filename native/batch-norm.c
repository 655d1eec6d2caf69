/*
 * Batch normalisation of contiguous [N, C, S] arrays per channel, for
 * F.batchNorm (src/nn/batch-norm.ts):
 *
 *   batchNorm(out, x, w, b, mean, rstd, variance, N, C, S, eps, training)
 *     out = (x - mean[c]) * rstd[c] * w[c] + b[c] (w, b may be null); in
 *     training mean, variance (biased) and rstd = 1 / sqrt(variance + eps)
 *     are each channel's and written into the Float64Arrays, otherwise mean
 *     and rstd are read from them.
 *   batchNormBackward(gx, gw, gb, g, x, w, mean, rstd, N, C, S, training)
 *     the gradients from g (gx, gw, gb each null when not wanted).
 *
 * The same operations in the same order as src/nn/batch-norm-channels.ts
 * (the reference's loops): double precision, a channel's elements taken n
 * then s into eight running sums (element t into sum t mod 8) added
 * pairwise; so the same bits. Channels are shared out over the pool's
 * threads.
 */
#include <math.h>
#include <stdlib.h>

#include "args.h"
#include "float-arrays.h"

typedef struct {
  void *out; /* forward: out; backward: gx */
  void *gw, *gb;
  const void *x, *g, *w, *b;
  double *mean, *rstd, *var;
  int64_t N, C, S;
  double eps;
  int training;
} bn_job;

/* the sum of EXPR (reading element K of the arrays) over channel c's elements, element t = n S + s into sum t mod 8;
 * with S a multiple of 8 every run of S starts a new round of the eight sums, which vectorizes */
#define CHANNEL_SUM(j, c, K, EXPR)                                                        \
  ({                                                                                      \
    double a_[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                              \
    const int64_t S_ = (j)->S, C_ = (j)->C;                                               \
    if (S_ % 8 == 0) {                                                                    \
      for (int64_t n_ = 0; n_ < (j)->N; n_++)                                             \
        for (int64_t s_ = 0; s_ < S_; s_ += 8)                                            \
          for (int k_ = 0; k_ < 8; k_++) {                                                \
            const int64_t K = (n_ * C_ + (c)) * S_ + s_ + k_;                             \
            a_[k_] += (EXPR);                                                             \
          }                                                                               \
    } else {                                                                              \
      int64_t t_ = 0;                                                                     \
      for (int64_t n_ = 0; n_ < (j)->N; n_++)                                             \
        for (int64_t s_ = 0; s_ < S_; s_++, t_++) {                                       \
          const int64_t K = (n_ * C_ + (c)) * S_ + s_;                                    \
          a_[t_ & 7] += (EXPR);                                                           \
        }                                                                                 \
    }                                                                                     \
    tl_combine8(a_);                                                                         \
  })

#define BN_KERNELS(T)                                                                                    \
  static void bn_forward_##T(void *arg, int64_t c0, int64_t c1, int tid) {                                \
    (void)tid;                                                                                           \
    const bn_job *j = arg;                                                                               \
    const T *x = j->x, *w = j->w, *b = j->b;                                                             \
    T *out = j->out;                                                                                     \
    const double count = (double)(j->N * j->S);                                                          \
    for (int64_t c = c0; c < c1; c++) {                                                                  \
      if (j->training) {                                                                                 \
        const double m = CHANNEL_SUM(j, c, k, (double)x[k]) / count;                                     \
        const double v = CHANNEL_SUM(j, c, k, ((double)x[k] - m) * ((double)x[k] - m)) / count;         \
        j->mean[c] = m;                                                                                  \
        j->var[c] = v;                                                                                   \
        j->rstd[c] = 1.0 / sqrt(v + j->eps);                                                             \
      }                                                                                                  \
      const double m = j->mean[c], r = j->rstd[c];                                                       \
      for (int64_t n = 0; n < j->N; n++) {                                                               \
        const int64_t base = (n * j->C + c) * j->S;                                                      \
        for (int64_t s = 0; s < j->S; s++) {                                                             \
          double y = ((double)x[base + s] - m) * r;                                                      \
          if (w) y = y * (double)w[c];                                                                   \
          if (b) y = y + (double)b[c];                                                                   \
          out[base + s] = (T)y;                                                                          \
        }                                                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }                                                                                                      \
                                                                                                         \
  static void bn_backward_##T(void *arg, int64_t c0, int64_t c1, int tid) {                               \
    (void)tid;                                                                                           \
    const bn_job *j = arg;                                                                               \
    const T *x = j->x, *g = j->g, *w = j->w;                                                             \
    T *gx = j->out, *gw = j->gw, *gb = j->gb;                                                            \
    const double count = (double)(j->N * j->S);                                                          \
    for (int64_t c = c0; c < c1; c++) {                                                                  \
      const double m = j->mean[c], r = j->rstd[c], wc = w ? (double)w[c] : 1.0;                          \
      if (gw) gw[c] = (T)CHANNEL_SUM(j, c, k, (double)g[k] * (((double)x[k] - m) * r));                  \
      if (gb) gb[c] = (T)CHANNEL_SUM(j, c, k, (double)g[k]);                                             \
      if (!gx) continue;                                                                                 \
      const double a = j->training ? CHANNEL_SUM(j, c, k, w ? (double)g[k] * wc : (double)g[k]) / count : 0; \
      const double d = j->training ? CHANNEL_SUM(j, c, k, (w ? (double)g[k] * wc : (double)g[k]) * (((double)x[k] - m) * r)) / count : 0; \
      for (int64_t n = 0; n < j->N; n++) {                                                               \
        const int64_t base = (n * j->C + c) * j->S;                                                      \
        for (int64_t s = 0; s < j->S; s++) {                                                             \
          const int64_t k = base + s;                                                                    \
          const double gwk = w ? (double)g[k] * wc : (double)g[k];                                       \
          gx[k] = (T)(j->training ? r * ((gwk - a) - (((double)x[k] - m) * r) * d) : gwk * r);           \
        }                                                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }

BN_KERNELS(float)
BN_KERNELS(double)

/* N, C, S (non-negative integers whose product fits) */
static bool get_sizes(napi_env env, const char *kernel, const napi_value *v, int64_t *N, int64_t *C, int64_t *S) {
  const double max = 9007199254740991.0;
  if (!tl_get_integer(env, kernel, "N", v[0], 0, max, N) || !tl_get_integer(env, kernel, "C", v[1], 0, max, C) ||
      !tl_get_integer(env, kernel, "S", v[2], 0, max, S))
    return false;
  if ((double)*N * (double)*C * (double)*S > max) return tl_fail(env, kernel, "N * C * S is too large"), false;
  return true;
}

napi_value tl_js_batch_norm(napi_env env, napi_callback_info info) {
  const char *K = "batchNorm";
  size_t argc = 12;
  napi_value argv[12];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 12) return tl_fail(env, K, "expected (out, x, w, b, mean, rstd, variance, N, C, S, eps, training), got %zu arguments", argc);
  int64_t N, C, S;
  double eps;
  bool training;
  if (!get_sizes(env, K, argv + 7, &N, &C, &S) || !tl_get_number(env, K, "eps", argv[10], &eps)) return NULL;
  if (napi_get_value_bool(env, argv[11], &training) != napi_ok) return tl_fail(env, K, "training must be a boolean");
  const int64_t all = N * C * S;
  tl_float_arg args[] = {{"out", argv[0], false, false, all, NULL}, {"x", argv[1], false, false, all, NULL}, {"w", argv[2], true, false, C, NULL},
                   {"b", argv[3], true, false, C, NULL}, {"mean", argv[4], false, true, C, NULL}, {"rstd", argv[5], false, true, C, NULL},
                   {"variance", argv[6], false, true, C, NULL}};
  bool f64;
  if (!tl_check_float_args(env, K, args, 7, &f64)) return NULL;
  bn_job j = {args[0].data, NULL, NULL, args[1].data, NULL, args[2].data, args[3].data, args[4].data, args[5].data, args[6].data, N, C, S, eps, training};
  tl_parallel_for(C, 1, tl_threads_for((double)all * 3), f64 ? bn_forward_double : bn_forward_float, &j);
  return NULL;
}

napi_value tl_js_batch_norm_backward(napi_env env, napi_callback_info info) {
  const char *K = "batchNormBackward";
  size_t argc = 12;
  napi_value argv[12];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 12) return tl_fail(env, K, "expected (gx, gw, gb, g, x, w, mean, rstd, N, C, S, training), got %zu arguments", argc);
  int64_t N, C, S;
  bool training;
  if (!get_sizes(env, K, argv + 8, &N, &C, &S)) return NULL;
  if (napi_get_value_bool(env, argv[11], &training) != napi_ok) return tl_fail(env, K, "training must be a boolean");
  const int64_t all = N * C * S;
  tl_float_arg args[] = {{"g", argv[3], false, false, all, NULL}, {"x", argv[4], false, false, all, NULL}, {"gx", argv[0], true, false, all, NULL},
                   {"gw", argv[1], true, false, C, NULL}, {"gb", argv[2], true, false, C, NULL}, {"w", argv[5], true, false, C, NULL},
                   {"mean", argv[6], false, true, C, NULL}, {"rstd", argv[7], false, true, C, NULL}};
  bool f64;
  if (!tl_check_float_args(env, K, args, 8, &f64)) return NULL;
  bn_job j = {args[2].data, args[3].data, args[4].data, args[1].data, args[0].data, args[5].data, NULL, args[6].data, args[7].data, NULL, N, C, S, 0, training};
  tl_parallel_for(C, 1, tl_threads_for((double)all * 4), f64 ? bn_backward_double : bn_backward_float, &j);
  return NULL;
}
