/*
 * The order of each line of a tensor along one dim (sort, argsort, topk,
 * kthvalue, median, quantile):
 *
 *   sortIndices(out, a, dim, descending)
 *     writes into the int32 `out` (a's shape, but k <= n along dim) the
 *     indices of the first k elements of each line of `a` in the order of the
 *     reference backend's stable comparator sort: NaN above everything
 *     (all NaNs equal), -0 equal to 0, equal values in index order (also when
 *     descending). Any dtype, any strides; a has 1..16 dims.
 *
 * Each value becomes an unsigned key whose integer order is that order
 * (descending: the key's complement), so a stable sort of the keys gives the
 * reference's indices exactly. Full lines use an LSD radix sort (stable by
 * construction); a small k keeps a buffer of the best candidates and drops
 * anything not below the k-th best seen so far, which on most data is a
 * single compare per element. Lines are split over the thread pool.
 */
#include <stdlib.h>
#include <string.h>

#include "args.h"

/*
 * Up to INSERTION_MAX pairs are sorted by insertion; up to MERGE_MAX by a
 * merge sort of insertion-sorted runs; longer ones by radix, whose fixed cost
 * (a 256-entry histogram per digit) only pays off over many keys.
 */
#define INSERTION_MAX 32
#define MERGE_RUN 16
#define MERGE_MAX 384
/* a top-k this small is kept in order as it goes (select_few) */
#define SELECT_FEW_MAX 16
#define FEW_BLOCK 32

/* ---- keys ----------------------------------------------------------------- */

/*
 * A float's bits turned into an unsigned key in numeric order, NaN largest,
 * -0 as 0. Branch-free (selects), so that a contiguous line's loop vectorizes.
 */
static inline uint32_t f32_key(float v) {
  uint32_t u;
  memcpy(&u, &v, 4);
  const uint32_t k = u ^ ((uint32_t)((int32_t)u >> 31) | 0x80000000u);
  const uint32_t z = v == 0 ? 0x80000000u : k; /* -0 -> +0's key */
  return v != v ? UINT32_MAX : z;
}

static inline uint64_t f64_key(double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
  const uint64_t k = u ^ ((uint64_t)((int64_t)u >> 63) | 0x8000000000000000ull);
  const uint64_t z = v == 0 ? 0x8000000000000000ull : k;
  return v != v ? UINT64_MAX : z;
}

/* ---- stable sorts of (key, index) pairs, one per key width ---------------- */

/*
 * SORT_FNS(W, T): sort_W(key, idx, m, tkey, tidx) sorts m pairs stably by key,
 * leaving them in key/idx (tkey/tidx are scratch of m entries).
 */
#define SORT_FNS(W, T)                                                                                  \
  static void insertion_##W(T *key, int32_t *idx, int64_t m) {                                          \
    for (int64_t i = 1; i < m; i++) {                                                                   \
      const T kv = key[i];                                                                              \
      const int32_t iv = idx[i];                                                                        \
      int64_t j = i;                                                                                    \
      for (; j > 0 && key[j - 1] > kv; j--) {                                                           \
        key[j] = key[j - 1];                                                                            \
        idx[j] = idx[j - 1];                                                                            \
      }                                                                                                 \
      key[j] = kv;                                                                                      \
      idx[j] = iv;                                                                                      \
    }                                                                                                   \
  }                                                                                                     \
  /* stable: on equal keys the left run's pair goes first */                                           \
  static void merge_sort_##W(T *key, int32_t *idx, int64_t m, T *tkey, int32_t *tidx) {                 \
    for (int64_t r = 0; r < m; r += MERGE_RUN)                                                          \
      insertion_##W(key + r, idx + r, m - r < MERGE_RUN ? m - r : MERGE_RUN);                           \
    T *sk = key, *dk = tkey;                                                                            \
    int32_t *si = idx, *di = tidx;                                                                      \
    for (int64_t w = MERGE_RUN; w < m; w *= 2) {                                                        \
      for (int64_t lo = 0; lo < m; lo += 2 * w) {                                                       \
        const int64_t mid = lo + w < m ? lo + w : m, hi = lo + 2 * w < m ? lo + 2 * w : m;              \
        int64_t i = lo, j = mid, o = lo;                                                                \
        while (i < mid && j < hi) {                                                                     \
          const int right = sk[j] < sk[i];                                                              \
          dk[o] = right ? sk[j] : sk[i];                                                                \
          di[o++] = right ? si[j++] : si[i++];                                                          \
        }                                                                                               \
        for (; i < mid; i++, o++) dk[o] = sk[i], di[o] = si[i];                                         \
        for (; j < hi; j++, o++) dk[o] = sk[j], di[o] = si[j];                                          \
      }                                                                                                 \
      T *t1 = sk;                                                                                       \
      sk = dk;                                                                                          \
      dk = t1;                                                                                          \
      int32_t *t2 = si;                                                                                 \
      si = di;                                                                                          \
      di = t2;                                                                                          \
    }                                                                                                   \
    if (sk != key) {                                                                                    \
      memcpy(key, sk, (size_t)m * sizeof(T));                                                           \
      memcpy(idx, si, (size_t)m * sizeof(int32_t));                                                     \
    }                                                                                                   \
  }                                                                                                     \
  static void sort_##W(T *key, int32_t *idx, int64_t m, T *tkey, int32_t *tidx) {                       \
    if (m <= INSERTION_MAX) {                                                                           \
      insertion_##W(key, idx, m);                                                                       \
      return;                                                                                           \
    }                                                                                                   \
    if (m <= MERGE_MAX) {                                                                               \
      merge_sort_##W(key, idx, m, tkey, tidx);                                                          \
      return;                                                                                           \
    }                                                                                                   \
    enum { BYTES = sizeof(T) };                                                                         \
    /* all digit histograms from one read */                                                            \
    uint32_t count[BYTES][256];                                                                         \
    memset(count, 0, sizeof count);                                                                     \
    for (int64_t i = 0; i < m; i++) {                                                                   \
      const T kv = key[i];                                                                              \
      for (int b = 0; b < BYTES; b++) count[b][(kv >> (8 * b)) & 255]++;                                \
    }                                                                                                   \
    T *sk = key, *dk = tkey;                                                                            \
    int32_t *si = idx, *di = tidx;                                                                      \
    for (int b = 0; b < BYTES; b++) {                                                                   \
      uint32_t *c = count[b];                                                                           \
      /* a digit shared by every key orders nothing: skip its pass */                                   \
      if (c[(sk[0] >> (8 * b)) & 255] == (uint32_t)m) continue;                                         \
      uint32_t sum = 0;                                                                                 \
      for (int d = 0; d < 256; d++) {                                                                   \
        const uint32_t t = c[d];                                                                        \
        c[d] = sum;                                                                                     \
        sum += t;                                                                                       \
      }                                                                                                 \
      for (int64_t i = 0; i < m; i++) {                                                                 \
        const uint32_t at = c[(sk[i] >> (8 * b)) & 255]++;                                              \
        dk[at] = sk[i];                                                                                 \
        di[at] = si[i];                                                                                 \
      }                                                                                                 \
      T *t1 = sk;                                                                                       \
      sk = dk;                                                                                          \
      dk = t1;                                                                                          \
      int32_t *t2 = si;                                                                                 \
      si = di;                                                                                          \
      di = t2;                                                                                          \
    }                                                                                                   \
    if (sk != key) {                                                                                    \
      memcpy(key, sk, (size_t)m * sizeof(T));                                                           \
      memcpy(idx, si, (size_t)m * sizeof(int32_t));                                                     \
    }                                                                                                   \
  }                                                                                                     \
  /*                                                                                                    \
   * The k smallest of n pairs (indices 0..n-1 in key/idx, in index order) into key/idx[0..k), in      \
   * order. Candidates collect in a buffer of `cap` (> k) entries; a full buffer is sorted and cut      \
   * to its best k, whose last key then bounds what may enter: a later element with an equal key has a \
   * larger index, so only a strictly smaller key can. Sorting the buffer stably by key alone is       \
   * enough: the kept k are already in (key, index) order and everything appended comes after them.    \
   */                                                                                                   \
  static void select_##W(T *key, int32_t *idx, int64_t n, int64_t k, int64_t cap, T *bkey, int32_t *bidx, \
                         T *tkey, int32_t *tidx) {                                                      \
    (void)idx; /* in index order: element i's index is i */                                             \
    int64_t m = 0;                                                                                      \
    int bounded = 0;                                                                                    \
    T bound = 0;                                                                                        \
    for (int64_t i = 0; i < n; i++) {                                                                   \
      const T kv = key[i];                                                                              \
      if (bounded && kv >= bound) continue;                                                             \
      bkey[m] = kv;                                                                                     \
      bidx[m] = (int32_t)i;                                                                             \
      if (++m == cap) {                                                                                 \
        sort_##W(bkey, bidx, m, tkey, tidx);                                                            \
        m = k;                                                                                          \
        bound = bkey[k - 1];                                                                            \
        bounded = 1;                                                                                    \
      }                                                                                                 \
    }                                                                                                   \
    sort_##W(bkey, bidx, m, tkey, tidx);                                                                \
    memcpy(key, bkey, (size_t)k * sizeof(T));                                                           \
    memcpy(idx, bidx, (size_t)k * sizeof(int32_t));                                                     \
  }                                                                                                     \
  /*                                                                                                    \
   * The same for a very small k: the best k so far kept in order, each element that beats the last    \
   * inserted after its equals. Sorting buffers costs more than these few shifts on most data; on data  \
   * that improves at every element it is k moves per element, no worse than sorting the line.         \
   */                                                                                                   \
  static void select_few_##W(T *key, int32_t *idx, int64_t n, int64_t k) {                              \
    T best[SELECT_FEW_MAX];                                                                             \
    int32_t at[SELECT_FEW_MAX];                                                                         \
    int64_t m = 0;                                                                                      \
    for (int64_t i = 0; i < n; i++) {                                                                   \
      /* most blocks hold nothing below the k-th best: one vectorized minimum skips them */             \
      if (m == k && (i & (FEW_BLOCK - 1)) == 0 && n - i >= FEW_BLOCK) {                                 \
        T low = key[i];                                                                                 \
        for (int b = 1; b < FEW_BLOCK; b++) low = key[i + b] < low ? key[i + b] : low;                  \
        if (low >= best[k - 1]) {                                                                       \
          i += FEW_BLOCK - 1;                                                                           \
          continue;                                                                                     \
        }                                                                                               \
      }                                                                                                 \
      const T kv = key[i];                                                                              \
      if (m == k && kv >= best[k - 1]) continue;                                                        \
      int64_t p = m < k ? m++ : k - 1;                                                                  \
      for (; p > 0 && best[p - 1] > kv; p--) {                                                          \
        best[p] = best[p - 1];                                                                          \
        at[p] = at[p - 1];                                                                              \
      }                                                                                                 \
      best[p] = kv;                                                                                     \
      at[p] = (int32_t)i;                                                                               \
    }                                                                                                   \
    memcpy(key, best, (size_t)k * sizeof(T));                                                           \
    memcpy(idx, at, (size_t)k * sizeof(int32_t));                                                       \
  }

SORT_FNS(32, uint32_t)
SORT_FNS(64, uint64_t)

/* ---- lines over the thread pool ------------------------------------------ */

typedef struct {
  const tl_tensor *a, *out;
  int dim;
  int descending;
  int64_t n, k, lines;
  int oerr; /* set by a worker that could not get scratch memory */
} sort_job;

static void sort_lines(void *arg, int64_t begin, int64_t end, int tid) {
  (void)tid;
  sort_job *j = arg;
  const tl_tensor *a = j->a, *out = j->out;
  const int64_t n = j->n, k = j->k;
  const int wide = a->dtype == TL_F64;
  const size_t ks = wide ? 8 : 4;
  /* a partial order is worth it while the buffer stays well below the line */
  const int64_t cap = 2 * k + 64;
  const int select = k < n && cap * 2 < n;
  const int64_t bufn = select ? cap : 0;
  /* key, idx, tkey, tidx for the line; bkey, bidx for the candidates */
  char *mem = malloc((size_t)(n + n + bufn) * (ks + 4) + 64);
  if (!mem) {
    __atomic_store_n(&j->oerr, 1, __ATOMIC_RELAXED);
    return;
  }
  char *key = mem, *tkey = key + (size_t)n * ks, *bkey = tkey + (size_t)n * ks;
  int32_t *idx = (int32_t *)(bkey + (size_t)bufn * ks), *tidx = idx + n, *bidx = tidx + n;
  const int64_t as = a->strides[j->dim], os = out->strides[j->dim];
  const uint32_t flip32 = j->descending ? UINT32_MAX : 0;
  const uint64_t flip64 = j->descending ? UINT64_MAX : 0;
  for (int64_t line = begin; line < end; line++) {
    int64_t ao, oo;
    tl_line_offsets(j->a, j->out, j->dim, line, &ao, &oo);
    const char *p = tl_first(a) + ao * tl_esize(a->dtype);
    int32_t *q = (int32_t *)tl_first(out) + oo;
    if (!select)
      for (int64_t i = 0; i < n; i++) idx[i] = (int32_t)i;
    switch (a->dtype) {
      case TL_F32: {
        const float *v = (const float *)p;
        uint32_t *kk = (uint32_t *)key;
        if (as == 1)
          for (int64_t i = 0; i < n; i++) kk[i] = f32_key(v[i]) ^ flip32;
        else
          for (int64_t i = 0; i < n; i++) kk[i] = f32_key(v[i * as]) ^ flip32;
        break;
      }
      case TL_F64: {
        const double *v = (const double *)p;
        uint64_t *kk = (uint64_t *)key;
        if (as == 1)
          for (int64_t i = 0; i < n; i++) kk[i] = f64_key(v[i]) ^ flip64;
        else
          for (int64_t i = 0; i < n; i++) kk[i] = f64_key(v[i * as]) ^ flip64;
        break;
      }
      case TL_I32: {
        const int32_t *v = (const int32_t *)p;
        uint32_t *kk = (uint32_t *)key;
        for (int64_t i = 0; i < n; i++) kk[i] = ((uint32_t)v[i * as] ^ 0x80000000u) ^ flip32;
        break;
      }
      default: {
        const uint8_t *v = (const uint8_t *)p;
        uint32_t *kk = (uint32_t *)key;
        for (int64_t i = 0; i < n; i++) kk[i] = (uint32_t)v[i * as] ^ flip32;
        break;
      }
    }
    if (select && k <= SELECT_FEW_MAX) {
      if (wide) select_few_64((uint64_t *)key, idx, n, k);
      else select_few_32((uint32_t *)key, idx, n, k);
    } else if (wide) {
      if (select) select_64((uint64_t *)key, idx, n, k, cap, (uint64_t *)bkey, bidx, (uint64_t *)tkey, tidx);
      else sort_64((uint64_t *)key, idx, n, (uint64_t *)tkey, tidx);
    } else {
      if (select) select_32((uint32_t *)key, idx, n, k, cap, (uint32_t *)bkey, bidx, (uint32_t *)tkey, tidx);
      else sort_32((uint32_t *)key, idx, n, (uint32_t *)tkey, tidx);
    }
    for (int64_t r = 0; r < k; r++) q[r * os] = idx[r];
  }
  free(mem);
}

napi_value tl_js_sort_indices(napi_env env, napi_callback_info info) {
  static const char *const K = "sortIndices";
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < 4) return tl_fail(env, K, "expected 4 arguments (out, a, dim, descending), got %zu", argc);
  tl_keys keys;
  if (!tl_load_keys(env, &keys)) return NULL;
  /* phase 1: read everything (JS getters may run here), phase 2: bind and check */
  tl_raw raw[2];
  int64_t dim = 0, descending = 0;
  if (!tl_read_tensor(env, &keys, K, "out", argv[0], &raw[0]) || !tl_read_tensor(env, &keys, K, "a", argv[1], &raw[1]) ||
      !tl_get_integer(env, K, "dim", argv[2], 0, TL_MAXDIM - 1, &dim) ||
      !tl_get_integer(env, K, "descending", argv[3], 0, 1, &descending))
    return NULL;
  tl_tensor out, a;
  if (!tl_bind_tensor(env, K, &raw[0], &out) || !tl_bind_tensor(env, K, &raw[1], &a) ||
      !tl_expect_dtype(env, K, &out, "out", TL_I32))
    return NULL;
  if (a.ndim < 1) return tl_fail(env, K, "a must have at least 1 dim, got 0");
  if (dim >= a.ndim) return tl_fail(env, K, "dim %lld out of range for a of %d dims", (long long)dim, a.ndim);
  if (out.ndim != a.ndim) return tl_fail(env, K, "out has %d dims but a has %d", out.ndim, a.ndim);
  for (int d = 0; d < a.ndim; d++) {
    const int ok = d == dim ? out.shape[d] <= a.shape[d] : out.shape[d] == a.shape[d];
    if (!ok) {
      char as[256], os[256];
      tl_format_shape(as, sizeof as, a.ndim, a.shape);
      tl_format_shape(os, sizeof os, out.ndim, out.shape);
      return tl_fail(env, K, "out's shape %s does not fit a's %s along dim %lld", os, as, (long long)dim);
    }
  }
  const int64_t n = a.shape[dim], k = out.shape[dim];
  if (n > INT32_MAX) return tl_fail(env, K, "a.shape[%lld] = %lld does not fit int32", (long long)dim, (long long)n);
  if (a.numel == 0 || k == 0) return NULL;
  sort_job j = {&a, &out, (int)dim, (int)descending, n, k, a.numel / n, 0};
  /* ~8 element-ops per element and radix pass; lines of a chunk share one scratch buffer */
  const int64_t grain = n >= 4096 ? 1 : 4096 / n;
  tl_parallel_for(j.lines, grain, tl_threads_for((double)a.numel * 8), sort_lines, &j);
  if (j.oerr) return tl_fail(env, K, "out of memory");
  return NULL;
}
