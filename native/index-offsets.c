/*
 * indexOffsets(out, sources, sizes, strides) -> boolean
 *
 * The storage offsets of an advanced index (x[i0, i1, ...] with int32 index
 * tensors), in one pass: for every position p,
 *
 *   out[p] = sum over k of wrap(sources[k][p], sizes[k]) * strides[k]
 *
 * where wrap adds sizes[k] to a negative index. This is the "folded" form
 * of src/ops/advanced-index.ts: x[indices] then is one indexSelect along an
 * axis of stride 1 over x's storage. Returns false, with `out` unspecified,
 * when some index is outside [-sizes[k], sizes[k]) (the core then finds the
 * first one and raises PyTorch's message), true otherwise.
 *
 *   out      int32, 1-d [n], contiguous;
 *   sources  an array of 1 to 16 int32 1-d tensors of shape [n], any stride
 *            (0 for an index broadcast along the positions);
 *   sizes    the indexed dims' sizes, integers in [0, 2^31);
 *   strides  their strides in elements, integers in [0, 2^31), with
 *            sum (sizes[k] - 1) * strides[k] < 2^31 (so every offset fits).
 *
 * Every operand is read and checked before any memory is touched.
 */
#include <stdio.h>
#include <string.h>

#include "args.h"

#define MAX_SOURCES TL_MAXDIM
#define CHUNK 4096

typedef struct {
  int m;
  int32_t *out;
  const int32_t *src[MAX_SOURCES];
  int64_t step[MAX_SOURCES];
  int64_t size[MAX_SOURCES], stride[MAX_SOURCES];
  int64_t n;
  int bad;
} off_job;

static void run_chunks(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  off_job *j = arg;
  int bad = 0;
  for (int64_t c = b; c < e; c++) {
    const int64_t p0 = c * CHUNK, p1 = p0 + CHUNK < j->n ? p0 + CHUNK : j->n;
    int32_t *restrict o = j->out;
    for (int k = 0; k < j->m; k++) {
      const int32_t *restrict s = j->src[k];
      const int64_t st = j->step[k];
      /* in int32: |x| < size < 2^31 once checked, and the sum stays below 2^31 by the span rule; the
       * products of bad indices are left unsigned so that they cannot overflow */
      const uint32_t size = (uint32_t)j->size[k], stride = (uint32_t)j->stride[k];
      for (int64_t p = p0; p < p1; p++) {
        const int32_t x = s[p * st];
        bad |= (x < -(int64_t)size) | (x >= (int64_t)size);
        const uint32_t w = (uint32_t)x + (x < 0 ? size : 0);
        const uint32_t add = w * stride;
        o[p] = k == 0 ? (int32_t)add : (int32_t)((uint32_t)o[p] + add);
      }
    }
  }
  if (bad) __atomic_store_n(&j->bad, 1, __ATOMIC_RELAXED);
}

/* an array of integers in [0, 2^31) with exactly `m` elements */
static bool read_ints(napi_env env, const char *K, const char *what, napi_value v, uint32_t m, int64_t *vals) {
  bool is_array = false;
  uint32_t len = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, &len) != napi_ok)
    return tl_fail(env, K, "%s must be an array of integers", what), false;
  if (len != m) return tl_fail(env, K, "%s has %u entries for %u sources", what, len, m), false;
  for (uint32_t i = 0; i < m; i++) {
    napi_value x;
    char name[32];
    snprintf(name, sizeof name, "%s[%u]", what, i);
    if (napi_get_element(env, v, i, &x) != napi_ok) return tl_fail(env, K, "cannot read %s", name), false;
    if (!tl_get_integer(env, K, name, x, 0, 2147483647.0, &vals[i])) return false;
  }
  return true;
}

napi_value tl_js_index_offsets(napi_env env, napi_callback_info info) {
  static const char *const K = "indexOffsets";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (out, sources, sizes, strides), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  bool is_array = false;
  uint32_t m = 0;
  if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[1], &m) != napi_ok)
    return tl_fail(env, K, "sources must be an array of tensors");
  if (m < 1 || m > MAX_SOURCES) return tl_fail(env, K, "sources must hold 1 to %d tensors, got %u", MAX_SOURCES, m);
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  tl_raw raw[1 + MAX_SOURCES];
  if (!tl_read_tensor(env, &k, K, "out", argv[0], &raw[0])) return NULL;
  for (uint32_t i = 0; i < m; i++) {
    napi_value s;
    if (napi_get_element(env, argv[1], i, &s) != napi_ok) return tl_fail(env, K, "cannot read sources[%u]", i);
    if (!tl_read_tensor(env, &k, K, "source", s, &raw[1 + i])) return NULL;
  }
  off_job j;
  memset(&j, 0, sizeof j);
  if (!read_ints(env, K, "sizes", argv[2], m, j.size) || !read_ints(env, K, "strides", argv[3], m, j.stride))
    return NULL;
  tl_tensor out, src[MAX_SOURCES];
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_expect_dtype(env, K, &out, "out", TL_I32)) return NULL;
  if (out.ndim != 1 || (out.numel > 1 && out.strides[0] != 1)) return tl_fail(env, K, "out must be 1-d and contiguous");
  for (uint32_t i = 0; i < m; i++) {
    if (!tl_bind_tensor(env, K, &raw[1 + i], &src[i]) || !tl_expect_dtype(env, K, &src[i], "source", TL_I32))
      return NULL;
    if (src[i].ndim != 1 || src[i].shape[0] != out.shape[0])
      return tl_fail(env, K, "sources[%u] must be 1-d with out's %lld elements", i, (long long)out.shape[0]);
  }
  int64_t span = 0;
  for (uint32_t i = 0; i < m; i++) span += (j.size[i] > 0 ? j.size[i] - 1 : 0) * j.stride[i];
  if (span > INT32_MAX) return tl_fail(env, K, "offsets up to %lld do not fit int32", (long long)span);
  j.m = (int)m;
  j.n = out.shape[0];
  j.out = (int32_t *)tl_first(&out);
  for (uint32_t i = 0; i < m; i++) {
    j.src[i] = (const int32_t *)tl_first(&src[i]);
    j.step[i] = j.n > 1 ? src[i].strides[0] : 0;
  }
  const int64_t chunks = (j.n + CHUNK - 1) / CHUNK;
  if (chunks > 0) tl_parallel_for(chunks, 1, tl_threads_for((double)j.n * m), run_chunks, &j);
  napi_value r;
  if (napi_get_boolean(env, j.bad == 0, &r) != napi_ok) return tl_fail(env, K, "cannot return the result");
  return r;
}
