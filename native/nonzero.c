/*
 * The positions of a tensor's nonzero elements (nonzero, maskedSelect,
 * x[mask], index_put with a mask), in two calls so that JS can allocate the
 * result between them:
 *
 *   nonzeroCount(a) -> number of nonzero elements (NaN counts, -0 does not)
 *   nonzero(out, a, layout)
 *     writes them in row-major order into the int32 1-d `out`: layout 0 as
 *     rows [count, ndim] (nonzero()), 1 as columns [ndim, count]
 *     (nonzero(as_tuple=True), mask indexing), 2 as flat row-major positions.
 *     `out` must have exactly count * ndim elements (count for layout 2).
 *
 * Both split the elements into chunks over the thread pool; the second
 * counts each chunk, sums the counts up, then each chunk writes its
 * positions from its own start. Any dtype; any strides; a has 1..16 dims.
 */
#include <stdlib.h>
#include <string.h>

#include "args.h"

#define MAX_CHUNKS 4096
#define MIN_CHUNK 16384 /* elements */

typedef struct {
  const tl_tensor *a;
  int64_t grain;   /* elements per chunk */
  int64_t *counts; /* per chunk (written by the count pass, read by the fill pass) */
  int32_t *out;
  int layout;
  int64_t total;
} nz_job;

/* nonzero test of element j of a line starting at p with element stride s */
#define NZ_LOOP(T, BODY)                                            \
  do {                                                              \
    const T *q = (const T *)p;                                      \
    for (int64_t j = j0; j < j1; j++)                               \
      if (q[j * s] != 0) BODY;                                      \
  } while (0)

static int64_t count_line(tl_dtype d, const char *p, int64_t s, int64_t j0, int64_t j1) {
  int64_t c = 0;
  if (d == TL_BOOL && s == 1) {
    /* the common case (a bool mask), in a form the compiler vectorizes */
    const uint8_t *q = (const uint8_t *)p;
    for (int64_t j = j0; j < j1; j++) c += q[j] != 0;
    return c;
  }
  switch (d) {
    case TL_F32: NZ_LOOP(float, c++); break;
    case TL_F64: NZ_LOOP(double, c++); break;
    case TL_I32: NZ_LOOP(int32_t, c++); break;
    default: NZ_LOOP(uint8_t, c++); break;
  }
  return c;
}

/* the coordinates of flat element e (row-major over a's shape) */
static void coords_of(const tl_tensor *a, int64_t e, int64_t *idx) {
  for (int d = a->ndim - 1; d >= 0; d--) {
    idx[d] = e % a->shape[d];
    e /= a->shape[d];
  }
}

/*
 * Writes the positions of the nonzero elements j0..j1-1 of one line (its
 * other coordinates in idx, its first element's flat position `flat`) from
 * position r on; returns how many. Branch-free: a random mask would
 * mispredict half its branches, so each batch first lists its hits in a
 * small buffer (every element is stored, the count advances on a hit).
 */
#define BATCH 256
static int64_t fill_line(const nz_job *j, const char *p, int64_t s, int64_t j0, int64_t j1, const int64_t *idx,
                         int64_t flat, int64_t r) {
  const tl_tensor *a = j->a;
  const int nd = a->ndim;
  int32_t *out = j->out;
  const int64_t total = j->total, r0 = r;
  int32_t buf[BATCH];
  for (int64_t b = j0; b < j1; b += BATCH) {
    const int64_t e = j1 - b < BATCH ? j1 : b + BATCH;
    int64_t k = 0;
#define HITS(T)                                                     \
  do {                                                              \
    const T *q = (const T *)p;                                      \
    for (int64_t jj = b; jj < e; jj++) {                            \
      buf[k] = (int32_t)jj;                                         \
      k += q[jj * s] != 0;                                          \
    }                                                               \
  } while (0)
    switch (a->dtype) {
      case TL_F32: HITS(float); break;
      case TL_F64: HITS(double); break;
      case TL_I32: HITS(int32_t); break;
      default: HITS(uint8_t); break;
    }
#undef HITS
    if (j->layout == 2) {
      for (int64_t i = 0; i < k; i++) out[r + i] = (int32_t)(flat + buf[i]);
    } else if (j->layout == 0) {
      for (int64_t i = 0; i < k; i++) {
        int32_t *row = out + (r + i) * nd;
        for (int d = 0; d < nd - 1; d++) row[d] = (int32_t)idx[d];
        row[nd - 1] = buf[i];
      }
    } else {
      for (int d = 0; d < nd - 1; d++)
        for (int64_t i = 0; i < k; i++) out[d * total + r + i] = (int32_t)idx[d];
      memcpy(out + (nd - 1) * total + r, buf, (size_t)k * sizeof(int32_t));
    }
    r += k;
  }
  return r - r0;
}

/*
 * Walks elements [b, e) line by line (a line: the last dim); `fill` false
 * counts, true writes positions from `at` on. Returns the count.
 */
static int64_t walk(const nz_job *j, int64_t b, int64_t e, int fill, int64_t at) {
  const tl_tensor *a = j->a;
  const int nd = a->ndim, es = tl_esize(a->dtype);
  const int64_t inner = a->shape[nd - 1], s = a->strides[nd - 1];
  int64_t idx[TL_MAXDIM];
  coords_of(a, b, idx);
  int64_t c = 0, flat = b - idx[nd - 1];
  while (b < e) {
    int64_t off = 0;
    for (int d = 0; d < nd; d++) off += (d == nd - 1 ? 0 : idx[d]) * a->strides[d];
    const char *p = tl_first(a) + off * es;
    const int64_t j0 = idx[nd - 1], j1 = inner - j0 < e - b ? inner : j0 + (e - b);
    if (!fill) {
      c += count_line(a->dtype, p, s, j0, j1);
    } else {
      c += fill_line(j, p, s, j0, j1, idx, flat, at + c);
    }
    b += j1 - j0;
    flat += inner;
    /* next line */
    idx[nd - 1] = 0;
    for (int d = nd - 2; d >= 0; d--) {
      if (++idx[d] < a->shape[d]) break;
      idx[d] = 0;
    }
  }
  return c;
}

static void count_chunks(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  nz_job *j = arg;
  const int64_t n = j->a->numel;
  for (int64_t k = b; k < e; k++) {
    const int64_t lo = k * j->grain, hi = lo + j->grain < n ? lo + j->grain : n;
    j->counts[k] = walk(j, lo, hi, 0, 0);
  }
}

static void fill_chunks(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  nz_job *j = arg;
  const int64_t n = j->a->numel;
  for (int64_t k = b; k < e; k++) {
    const int64_t lo = k * j->grain, hi = lo + j->grain < n ? lo + j->grain : n;
    walk(j, lo, hi, 1, j->counts[k]);
  }
}

/* splits a's elements into chunks and counts each; returns the chunk count, or -1 when out of memory */
static int64_t count_all(nz_job *j, int64_t *total) {
  const int64_t n = j->a->numel;
  *total = 0;
  if (n == 0 || j->a->shape[j->a->ndim - 1] == 0) return 0;
  int64_t grain = MIN_CHUNK;
  if ((n + grain - 1) / grain > MAX_CHUNKS) grain = (n + MAX_CHUNKS - 1) / MAX_CHUNKS;
  const int64_t chunks = (n + grain - 1) / grain;
  j->grain = grain;
  j->counts = malloc((size_t)chunks * sizeof(int64_t));
  if (!j->counts) return -1;
  tl_parallel_for(chunks, 1, tl_threads_for((double)n), count_chunks, j);
  for (int64_t k = 0; k < chunks; k++) *total += j->counts[k];
  return chunks;
}

static bool read_mask(napi_env env, const char *K, napi_value v, tl_tensor *a) {
  tl_keys k;
  tl_raw raw;
  if (!tl_load_keys(env, &k) || !tl_read_tensor(env, &k, K, "a", v, &raw) || !tl_bind_tensor(env, K, &raw, a))
    return false;
  if (a->ndim < 1) return tl_fail(env, K, "a must have at least 1 dim, got 0"), false;
  return true;
}

napi_value tl_js_nonzero_count(napi_env env, napi_callback_info info) {
  static const char *const K = "nonzeroCount";
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 1) return tl_fail(env, K, "expected 1 argument (a), got %zu", argc);
  tl_tensor a;
  if (!read_mask(env, K, argv[0], &a)) return NULL;
  nz_job j = {&a, 0, NULL, NULL, 0, 0};
  int64_t total = 0;
  if (count_all(&j, &total) < 0) return tl_fail(env, K, "out of memory");
  free(j.counts);
  napi_value r;
  if (napi_create_double(env, (double)total, &r) != napi_ok) return tl_fail(env, K, "cannot return the count");
  return r;
}

napi_value tl_js_nonzero(napi_env env, napi_callback_info info) {
  static const char *const K = "nonzero";
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 3) return tl_fail(env, K, "expected 3 arguments (out, a, layout), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  tl_raw raw[2];
  int64_t layout = 0;
  if (!tl_read_tensor(env, &k, K, "out", argv[0], &raw[0]) || !tl_read_tensor(env, &k, K, "a", argv[1], &raw[1]) ||
      !tl_get_integer(env, K, "layout", argv[2], 0, 2, &layout))
    return NULL;
  tl_tensor out, a;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &a) ||
      !tl_expect_dtype(env, K, &out, "out", TL_I32))
    return NULL;
  if (a.ndim < 1) return tl_fail(env, K, "a must have at least 1 dim, got 0");
  if (out.ndim != 1 || (out.numel > 1 && out.strides[0] != 1))
    return tl_fail(env, K, "out must be 1-d and contiguous");
  if (layout == 2 && a.numel > INT32_MAX)
    return tl_fail(env, K, "a has %lld elements: flat positions do not fit int32", (long long)a.numel);
  for (int d = 0; d < a.ndim; d++)
    if (a.shape[d] > INT32_MAX) return tl_fail(env, K, "a.shape[%d] = %lld does not fit int32", d, (long long)a.shape[d]);
  nz_job j = {&a, 0, NULL, (int32_t *)tl_first(&out), (int)layout, 0};
  int64_t total = 0;
  const int64_t chunks = count_all(&j, &total);
  if (chunks < 0) return tl_fail(env, K, "out of memory");
  const int64_t need = layout == 2 ? total : total * a.ndim;
  if (out.numel != need) {
    free(j.counts);
    return tl_fail(env, K, "out has %lld elements but a's %lld nonzero positions need %lld", (long long)out.numel,
                   (long long)total, (long long)need);
  }
  j.total = total;
  /* each chunk's first position: the counts summed up */
  int64_t at = 0;
  for (int64_t c = 0; c < chunks; c++) {
    const int64_t n = j.counts[c];
    j.counts[c] = at;
    at += n;
  }
  if (chunks > 0) tl_parallel_for(chunks, 1, tl_threads_for((double)a.numel), fill_chunks, &j);
  free(j.counts);
  return NULL;
}
