/*
 * The gradients of softmax and log_softmax along contiguous rows, for
 * src/ops/softmax.ts when no graph is built:
 *
 *   softmaxBackward(gx, g, y, rows, n, log)
 *     softmax (log false, y its output):     gx = y * (g - sum(g * y))
 *     log_softmax (log true, y = exp(output)): gx = g - y * sum(g)
 *
 * each row's sum over its n elements. The same operations in the same order
 * as src/ops/softmax-backward-rows.ts (the reference's loop): double
 * precision, eight running sums (element i into sum i mod 8) added pairwise;
 * so the same bits. Rows are shared out over the pool's threads.
 */
#include "args.h"
#include "float-arrays.h"

typedef struct {
  void *gx;
  const void *g, *y;
  int64_t n;
  int log;
} smb_job;

#define SMB_KERNEL(T)                                                                  \
  static void smb_rows_##T(void *arg, int64_t r0, int64_t r1, int tid) {                \
    (void)tid;                                                                         \
    const smb_job *j = arg;                                                            \
    const int64_t n = j->n;                                                            \
    for (int64_t r = r0; r < r1; r++) {                                                \
      const T *g = (const T *)j->g + r * n, *y = (const T *)j->y + r * n;              \
      T *gx = (T *)j->gx + r * n;                                                      \
      const double s = j->log ? TL_SUM8(n, i, (double)g[i]) : TL_SUM8(n, i, (double)g[i] * (double)y[i]); \
      if (j->log)                                                                      \
        for (int64_t i = 0; i < n; i++) gx[i] = (T)((double)g[i] - (double)y[i] * s);  \
      else                                                                             \
        for (int64_t i = 0; i < n; i++) gx[i] = (T)((double)y[i] * ((double)g[i] - s)); \
    }                                                                                  \
  }

SMB_KERNEL(float)
SMB_KERNEL(double)

napi_value tl_js_softmax_backward(napi_env env, napi_callback_info info) {
  const char *K = "softmaxBackward";
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 6) return tl_fail(env, K, "expected (gx, g, y, rows, n, log), got %zu arguments", argc);
  int64_t rows, n;
  bool log;
  const double max = 9007199254740991.0;
  if (!tl_get_integer(env, K, "rows", argv[3], 0, max, &rows) || !tl_get_integer(env, K, "n", argv[4], 0, max, &n)) return NULL;
  if ((double)rows * (double)n > max) return tl_fail(env, K, "rows * n is too large");
  if (napi_get_value_bool(env, argv[5], &log) != napi_ok) return tl_fail(env, K, "log must be a boolean");
  tl_float_arg args[] = {{"gx", argv[0], false, false, rows * n, NULL}, {"g", argv[1], false, false, rows * n, NULL},
                         {"y", argv[2], false, false, rows * n, NULL}};
  bool f64;
  if (!tl_check_float_args(env, K, args, 3, &f64)) return NULL;
  smb_job j = {args[0].data, args[1].data, args[2].data, n, log};
  const int64_t grain = n >= 16384 ? 1 : 16384 / (n > 0 ? n : 1);
  tl_parallel_for(rows, grain, tl_threads_for((double)rows * (double)n * 2), f64 ? smb_rows_double : smb_rows_float, &j);
  return NULL;
}
