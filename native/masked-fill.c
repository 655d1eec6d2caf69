/*
 * maskedFill(out, mask, value): out[p] = value wherever mask[p] is true, in
 * place (PyTorch's masked_fill_, which is also what `x[mask] = scalar`
 * runs: the write needs no nonzero positions at all).
 *
 *   out   any dtype, any strides (the caller makes sure no two of its
 *         elements share memory);
 *   mask  bool, out's shape (a broadcast mask comes with 0 strides);
 *   value a number that out's dtype holds exactly: any for float64, a
 *         float32 value for float32, an int32 for int32, 0 or 1 for bool.
 *
 * Every operand is read and checked before any memory is touched. Rows go
 * over the thread pool (tl_iter_run); each element is written by one thread.
 */
#include <math.h>
#include <string.h>

#include "args.h"

typedef struct {
  int es;
  uint64_t bits; /* the value as out's element bytes */
} fill_ctx;

#define FILL_ROW(T)                                                     \
  do {                                                                  \
    T *restrict o = (T *)p[0];                                          \
    const uint8_t *restrict m = (const uint8_t *)p[1];                  \
    T v;                                                                \
    memcpy(&v, &x->bits, sizeof v);                                     \
    if (s[0] == 1 && s[1] == 1) {                                       \
      for (int64_t i = 0; i < n; i++) o[i] = m[i] ? v : o[i];           \
    } else if (s[1] == 0) {                                             \
      if (m[0])                                                         \
        for (int64_t i = 0; i < n; i++) o[i * s[0]] = v;                \
    } else {                                                            \
      for (int64_t i = 0; i < n; i++)                                   \
        if (m[i * s[1]]) o[i * s[0]] = v;                               \
    }                                                                   \
  } while (0)

static void fill_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const fill_ctx *x = c;
  switch (x->es) {
    case 8: FILL_ROW(uint64_t); break;
    case 4: FILL_ROW(uint32_t); break;
    default: FILL_ROW(uint8_t); break;
  }
}

/* the value as out's element bytes, or false (with an error thrown) when out's dtype cannot hold it exactly */
static bool value_bits(napi_env env, const char *K, tl_dtype d, double v, uint64_t *bits) {
  *bits = 0;
  switch (d) {
    case TL_F64: memcpy(bits, &v, 8); return true;
    case TL_F32: {
      const float f = (float)v;
      if (!((double)f == v || (v != v))) return tl_fail(env, K, "value %g is not a float32 value", v), false;
      memcpy(bits, &f, 4);
      return true;
    }
    case TL_I32: {
      if (!(v == floor(v) && v >= -2147483648.0 && v <= 2147483647.0))
        return tl_fail(env, K, "value %g is not an int32 value", v), false;
      const int32_t i = (int32_t)v;
      memcpy(bits, &i, 4);
      return true;
    }
    default: {
      if (!(v == 0 || v == 1)) return tl_fail(env, K, "value %g is not a bool value (0 or 1)", v), false;
      const uint8_t b = (uint8_t)v;
      memcpy(bits, &b, 1);
      return true;
    }
  }
}

napi_value tl_js_masked_fill(napi_env env, napi_callback_info info) {
  static const char *const K = "maskedFill";
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 3) return tl_fail(env, K, "expected 3 arguments (out, mask, value), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  tl_raw raw[2];
  double value = 0;
  if (!tl_read_tensor(env, &k, K, "out", argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, "mask", argv[1], &raw[1]) ||
      !tl_get_number(env, K, "value", argv[2], &value))
    return NULL;
  tl_tensor out, mask;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &mask) ||
      !tl_expect_dtype(env, K, &mask, "mask", TL_BOOL) || !tl_same_shape(env, K, &mask, "mask", &out, "out"))
    return NULL;
  fill_ctx c = {tl_esize(out.dtype), 0};
  if (!value_bits(env, K, out.dtype, value, &c.bits)) return NULL;
  if (out.numel == 0) return NULL;
  const tl_tensor *ops[2] = {&out, &mask};
  tl_iter it;
  tl_iter_init(&it, 2, out.ndim, out.shape, ops, NULL);
  tl_iter_run(&it, fill_row, &c, 1.0);
  return NULL;
}
