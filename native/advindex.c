/*
 * Advanced-indexing kernels beyond index.c's four.
 *
 *   indexCopy(out, axis, index, src)
 *     out.index_copy_(axis, index, src) for a 1-d int32 index: for every
 *     position p of src, out[p with p[axis] replaced by index[p[axis]]] =
 *     src[p]. Walked in src's row-major order on one thread, so where an
 *     index repeats the last write wins (what index_put_ without accumulate
 *     does on the CPU). This is the write side of x[idx] = v: the core
 *     folds the indexed dims of `out` into one axis of stride 1 whose
 *     index is each position's storage offset (see advanced-index.ts).
 *
 * Every operand is read and checked (shapes, dtypes, bounds of every
 * reachable element, index values) before any memory is touched.
 */
#include <string.h>

#include "args.h"

typedef struct {
  int es;
  int64_t axis_stride; /* out's stride along axis, elements */
} copy_ctx;

/* p[0]: src, p[1]: index (int32), p[2]: out with its axis stride removed */
static void copy_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const copy_ctx *x = c;
  const int32_t *ix = (const int32_t *)p[1];
  const int64_t ax = x->axis_stride;
  if (s[1] == 0 && s[0] == 1 && s[2] == 1) {
    /* one index for the whole row: a block copy (rows of x[idx] = v) */
    memmove(p[2] + (int64_t)ix[0] * ax * x->es, p[0], (size_t)(n * x->es));
    return;
  }
#define C(T)                                                                              \
  do {                                                                                    \
    const T *src = (const T *)p[0];                                                       \
    T *o = (T *)p[2];                                                                     \
    for (int64_t i = 0; i < n; i++) o[i * s[2] + (int64_t)ix[i * s[1]] * ax] = src[i * s[0]]; \
  } while (0)
  switch (x->es) {
    case 8: C(uint64_t); break;
    case 4: C(uint32_t); break;
    default: C(uint8_t); break;
  }
#undef C
}

static void index_copy(const tl_tensor *out, int axis, const tl_tensor *index, const tl_tensor *src) {
  int64_t ost[TL_MAXDIM], ist[TL_MAXDIM];
  for (int d = 0; d < src->ndim; d++) {
    ost[d] = d == axis ? 0 : out->strides[d];
    ist[d] = d == axis ? index->strides[0] : 0;
  }
  const tl_tensor *ops[3] = {src, index, out};
  const int64_t *strides[3] = {NULL, ist, ost};
  tl_iter it;
  tl_iter_init(&it, 3, src->ndim, src->shape, ops, strides);
  copy_ctx c = {tl_esize(out->dtype), out->strides[axis]};
  tl_iter_range(&it, 0, it.numel, copy_row, &c); /* in order: the last of repeated indices wins */
}

static bool shapes_agree(napi_env env, const char *K, const tl_tensor *src, const tl_tensor *out, int axis) {
  bool ok = src->ndim == out->ndim;
  for (int d = 0; ok && d < src->ndim; d++) ok = d == axis || src->shape[d] == out->shape[d];
  if (ok) return true;
  char ss[160], so[160];
  tl_format_shape(ss, sizeof ss, src->ndim, src->shape);
  tl_format_shape(so, sizeof so, out->ndim, out->shape);
  tl_fail(env, K, "src.shape %s and out.shape %s do not agree outside axis %d", ss, so, axis);
  return false;
}

napi_value tl_js_index_copy(napi_env env, napi_callback_info info) {
  static const char *const K = "indexCopy";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (out, axis, index, src), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  tl_raw raw[3];
  int64_t axis = 0;
  if (!tl_read_tensor(env, &k, K, "out", argv[0], &raw[0]) ||
      !tl_get_integer(env, K, "axis", argv[1], 0, TL_MAXDIM - 1, &axis) ||
      !tl_read_tensor(env, &k, K, "index", argv[2], &raw[1]) || !tl_read_tensor(env, &k, K, "src", argv[3], &raw[2]))
    return NULL;
  tl_tensor out, index, src;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &index) ||
      !tl_bind_tensor(env, K, &raw[2], &src))
    return NULL;
  if (axis >= out.ndim) return tl_fail(env, K, "axis %lld is out of range for out of %d dims", (long long)axis, out.ndim);
  const int ax = (int)axis;
  if (!tl_same_dtype(env, K, &src, "src", &out, "out") || !shapes_agree(env, K, &src, &out, ax) ||
      !tl_expect_dtype(env, K, &index, "index", TL_I32))
    return NULL;
  if (index.ndim != 1) return tl_fail(env, K, "index must be 1-d, got %d dims", index.ndim);
  if (index.shape[0] != src.shape[ax])
    return tl_fail(env, K, "index has %lld entries but src's axis %d has %lld", (long long)index.shape[0], ax,
                   (long long)src.shape[ax]);
  int32_t bad = 0;
  if (tl_index_check(&index, 1, index.shape, NULL, out.shape[ax], &bad) != 0)
    return tl_fail(env, K, "index %d is out of range for axis %d of size %lld", bad, ax, (long long)out.shape[ax]);
  index_copy(&out, ax, &index, &src);
  return NULL;
}
