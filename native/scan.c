/*
 * Running sums and products along one dim (cumsum, cumprod):
 *
 *   scan(out, a, dim, op)
 *     out[..., i, ...] = a[..., 0, ...] (+ or *) ... (+ or *) a[..., i, ...]
 *     along dim, op 0 a sum, 1 a product, accumulated in double and stored
 *     into out's dtype (JS's typed-array store), exactly as the reference's
 *     loop does. a is float32, float64, int32 or bool; out has a's shape and
 *     dtype (int32 for bool). Any strides; 1..16 dims.
 *
 * A line's accumulator is one long dependency chain (an add's latency per
 * element), so LINES lines go through the loop side by side: their chains
 * overlap and the loop runs at the adds' throughput instead. Groups of lines
 * are split over the thread pool.
 */
#include <string.h>

#include "args.h"

#define LINES 8
/* lines side by side in memory (dim not the last, which is contiguous) go BLOCK at a time, vectorized */
#define BLOCK 64

typedef struct {
  const tl_tensor *a, *out;
  int dim, product;
  int64_t n, lines;
  int64_t run, blocks_per_run; /* block mode: lines per last-dim run, blocks covering one */
} scan_job;

/*
 * One group of LINES lines from input type TI into output type TO (STORE
 * converts the double accumulator). A group short of LINES repeats its last
 * line: the same values written twice to the same place, by one thread.
 */
#define SCAN_GROUP(NAME, TI, TO, STORE)                                                                   \
  static void NAME(const char *const *pa, char *const *po, int64_t n, int64_t as, int64_t os, int product) { \
    double acc[LINES];                                                                                    \
    for (int g = 0; g < LINES; g++) acc[g] = product ? 1 : 0;                                             \
    const TI *x[LINES];                                                                                   \
    TO *y[LINES];                                                                                         \
    for (int g = 0; g < LINES; g++) {                                                                     \
      x[g] = (const TI *)pa[g];                                                                           \
      y[g] = (TO *)po[g];                                                                                 \
    }                                                                                                     \
    if (product) {                                                                                        \
      for (int64_t i = 0; i < n; i++)                                                                     \
        for (int g = 0; g < LINES; g++) {                                                                 \
          acc[g] *= (double)x[g][i * as];                                                                 \
          y[g][i * os] = STORE(acc[g]);                                                                   \
        }                                                                                                 \
    } else {                                                                                              \
      for (int64_t i = 0; i < n; i++)                                                                     \
        for (int g = 0; g < LINES; g++) {                                                                 \
          acc[g] += (double)x[g][i * as];                                                                 \
          y[g][i * os] = STORE(acc[g]);                                                                   \
        }                                                                                                 \
    }                                                                                                     \
  }

#define AS_F32(v) ((float)(v))
#define AS_F64(v) (v)
SCAN_GROUP(scan_f32, float, float, AS_F32)
SCAN_GROUP(scan_f64, double, double, AS_F64)
SCAN_GROUP(scan_i32, int32_t, int32_t, tl_to_int32)
SCAN_GROUP(scan_bool, uint8_t, int32_t, tl_to_int32)

/*
 * `count` (<= BLOCK) lines that start at consecutive elements of a and of out:
 * element i of line g at x[i * as + g]. The loop over g is contiguous and
 * independent, so it vectorizes.
 */
#define SCAN_BLOCK(NAME, TI, TO, STORE)                                                                      \
  static void NAME(const char *pa, char *po, int64_t count, int64_t n, int64_t as, int64_t os, int product) { \
    double acc[BLOCK];                                                                                       \
    for (int g = 0; g < BLOCK; g++) acc[g] = product ? 1 : 0;                                                \
    const TI *x = (const TI *)pa;                                                                            \
    TO *y = (TO *)po;                                                                                        \
    for (int64_t i = 0; i < n; i++) {                                                                        \
      const TI *xi = x + i * as;                                                                             \
      TO *yi = y + i * os;                                                                                   \
      if (product)                                                                                           \
        for (int64_t g = 0; g < count; g++) {                                                                \
          acc[g] *= (double)xi[g];                                                                           \
          yi[g] = STORE(acc[g]);                                                                             \
        }                                                                                                    \
      else                                                                                                   \
        for (int64_t g = 0; g < count; g++) {                                                                \
          acc[g] += (double)xi[g];                                                                           \
          yi[g] = STORE(acc[g]);                                                                             \
        }                                                                                                    \
    }                                                                                                        \
  }

SCAN_BLOCK(block_f32, float, float, AS_F32)
SCAN_BLOCK(block_f64, double, double, AS_F64)
SCAN_BLOCK(block_i32, int32_t, int32_t, tl_to_int32)
SCAN_BLOCK(block_bool, uint8_t, int32_t, tl_to_int32)

static void scan_blocks(void *arg, int64_t begin, int64_t end, int tid) {
  (void)tid;
  const scan_job *j = arg;
  const tl_tensor *a = j->a, *out = j->out;
  const int ea = tl_esize(a->dtype), eo = tl_esize(out->dtype);
  const int64_t as = a->strides[j->dim], os = out->strides[j->dim];
  for (int64_t b = begin; b < end; b++) {
    const int64_t start = (b % j->blocks_per_run) * BLOCK;
    const int64_t count = j->run - start < BLOCK ? j->run - start : BLOCK;
    int64_t ao, oo;
    tl_line_offsets(j->a, j->out, j->dim, (b / j->blocks_per_run) * j->run + start, &ao, &oo);
    const char *pa = tl_first(a) + ao * ea;
    char *po = tl_first(out) + oo * eo;
    switch (a->dtype) {
      case TL_F32: block_f32(pa, po, count, j->n, as, os, j->product); break;
      case TL_F64: block_f64(pa, po, count, j->n, as, os, j->product); break;
      case TL_I32: block_i32(pa, po, count, j->n, as, os, j->product); break;
      default: block_bool(pa, po, count, j->n, as, os, j->product); break;
    }
  }
}

static void scan_groups(void *arg, int64_t begin, int64_t end, int tid) {
  (void)tid;
  const scan_job *j = arg;
  const tl_tensor *a = j->a, *out = j->out;
  const int ea = tl_esize(a->dtype), eo = tl_esize(out->dtype);
  const int64_t as = a->strides[j->dim], os = out->strides[j->dim];
  for (int64_t group = begin; group < end; group++) {
    const char *pa[LINES];
    char *po[LINES];
    for (int g = 0; g < LINES; g++) {
      int64_t line = group * LINES + g, ao, oo;
      if (line >= j->lines) line = j->lines - 1;
      tl_line_offsets(j->a, j->out, j->dim, line, &ao, &oo);
      pa[g] = tl_first(a) + ao * ea;
      po[g] = tl_first(out) + oo * eo;
    }
    switch (a->dtype) {
      case TL_F32: scan_f32(pa, po, j->n, as, os, j->product); break;
      case TL_F64: scan_f64(pa, po, j->n, as, os, j->product); break;
      case TL_I32: scan_i32(pa, po, j->n, as, os, j->product); break;
      default: scan_bool(pa, po, j->n, as, os, j->product); break;
    }
  }
}

napi_value tl_js_scan(napi_env env, napi_callback_info info) {
  static const char *const K = "scan";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (out, a, dim, op), got %zu", argc);
  tl_keys keys;
  if (!tl_load_keys(env, &keys)) return NULL;
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  tl_raw raw[2];
  int64_t dim = 0, op = 0;
  if (!tl_read_tensor(env, &keys, K, "out", argv[0], &raw[0]) || !tl_read_tensor(env, &keys, K, "a", argv[1], &raw[1]) ||
      !tl_get_integer(env, K, "dim", argv[2], 0, TL_MAXDIM - 1, &dim) || !tl_get_integer(env, K, "op", argv[3], 0, 1, &op))
    return NULL;
  tl_tensor out, a;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &a) ||
      !tl_same_shape(env, K, &out, "out", &a, "a"))
    return NULL;
  if (!tl_expect_dtype(env, K, &out, "out", a.dtype == TL_BOOL ? TL_I32 : a.dtype)) return NULL;
  if (a.ndim < 1) return tl_fail(env, K, "a must have at least 1 dim, got 0");
  if (dim >= a.ndim) return tl_fail(env, K, "dim %lld out of range for a of %d dims", (long long)dim, a.ndim);
  const int64_t n = a.shape[dim];
  if (a.numel == 0) return NULL;
  scan_job j = {&a, &out, (int)dim, (int)op, n, a.numel / n, 0, 0};
  const int last = a.ndim - 1;
  if (dim != last && a.strides[last] == 1 && out.strides[last] == 1) {
    j.run = a.shape[last];
    j.blocks_per_run = (j.run + BLOCK - 1) / BLOCK;
    const int64_t blocks = j.lines / j.run * j.blocks_per_run;
    const int64_t grain = n * BLOCK >= 16384 ? 1 : 16384 / (n * BLOCK);
    tl_parallel_for(blocks, grain, tl_threads_for((double)a.numel), scan_blocks, &j);
    return NULL;
  }
  const int64_t groups = (j.lines + LINES - 1) / LINES;
  const int64_t grain = n * LINES >= 16384 ? 1 : 16384 / (n * LINES);
  tl_parallel_for(groups, grain, tl_threads_for((double)a.numel), scan_groups, &j);
  return NULL;
}
