/*
 * Indexing kernels: gather, scatterAdd, indexSelect, indexAdd.
 * All four walk one shape with three operands: the "plain" side (out for
 * gather, src for scatter), the int32 index, and the indexed side whose
 * stride on `axis` is taken out and applied as index * stride per element.
 * indexSelect/indexAdd see their 1-d index as a tensor of the walked shape
 * with stride 0 everywhere but `axis`. Index values are checked by
 * tl_index_check before any kernel runs.
 */
#include <string.h>

#include "torchlet.h"

typedef struct {
  int es;
  tl_dtype d;
  int64_t axis_stride; /* the indexed operand's stride along axis, elements */
} idx_ctx;

/* p[0]: written/plain operand, p[1]: index (int32), p[2]: indexed operand (axis stride removed) */
static void gather_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const idx_ctx *x = c;
  const int32_t *ix = (const int32_t *)p[1];
  const int64_t ax = x->axis_stride;
  if (s[1] == 0 && s[0] == 1 && s[2] == 1) {
    /* one index for the whole row: a block copy (embedding rows, batching) */
    memmove(p[0], p[2] + (int64_t)ix[0] * ax * x->es, (size_t)(n * x->es));
    return;
  }
#define G(T)                                                                           \
  do {                                                                                 \
    T *o = (T *)p[0];                                                                  \
    const T *a = (const T *)p[2];                                                      \
    for (int64_t i = 0; i < n; i++) o[i * s[0]] = a[i * s[2] + (int64_t)ix[i * s[1]] * ax]; \
  } while (0)
  switch (x->es) {
    case 8: G(uint64_t); break;
    case 4: G(uint32_t); break;
    default: G(uint8_t); break;
  }
#undef G
}

/* p[0]: src, p[1]: index, p[2]: out (axis stride removed); out[at] += src */
static void scatter_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const idx_ctx *x = c;
  const int32_t *ix = (const int32_t *)p[1];
  const int64_t ax = x->axis_stride;
#define S(T, ADD)                                                              \
  do {                                                                         \
    const T *src = (const T *)p[0];                                            \
    T *o = (T *)p[2];                                                          \
    for (int64_t i = 0; i < n; i++) {                                          \
      T *dst = o + i * s[2] + (int64_t)ix[i * s[1]] * ax;                      \
      const T v = src[i * s[0]];                                               \
      *dst = ADD(*dst, v);                                                     \
    }                                                                          \
  } while (0)
#define PLAIN(u, v) ((u) + (v))
#define WRAP32(u, v) ((int32_t)((uint32_t)(u) + (uint32_t)(v)))
#define WRAP8(u, v) ((uint8_t)((u) + (v)))
  switch (x->d) {
    case TL_F32: S(float, PLAIN); break;
    case TL_F64: S(double, PLAIN); break;
    case TL_I32: S(int32_t, WRAP32); break;
    default: S(uint8_t, WRAP8); break;
  }
#undef S
}

typedef struct {
  int32_t limit;
  int bad;
  int32_t value;
} check_ctx;

static void check_row(const void *c, int64_t n, char **p, const int64_t *s) {
  check_ctx *x = (check_ctx *)c;
  if (x->bad) return;
  const int32_t *ix = (const int32_t *)p[0];
  for (int64_t i = 0; i < n; i++) {
    const int32_t v = ix[i * s[0]];
    if (v < 0 || v >= x->limit) {
      x->bad = 1;
      x->value = v;
      return;
    }
  }
}

/* Returns 0 when every index value reachable over `shape` lies in [0, limit); else 1 and *bad. */
int tl_index_check(const tl_tensor *index, int ndim, const int64_t *shape, const int64_t *strides, int64_t limit,
                   int32_t *bad) {
  const tl_tensor *ops[1] = {index};
  const int64_t *st[1] = {strides};
  tl_iter it;
  tl_iter_init(&it, 1, ndim, shape, ops, st);
  check_ctx c = {limit > INT32_MAX ? INT32_MAX : (int32_t)limit, 0, 0};
  tl_iter_range(&it, 0, it.numel, check_row, &c);
  *bad = c.value;
  return c.bad;
}

/* strides of `t` with `axis` zeroed: the kernel adds index * stride itself */
static void without_axis(const tl_tensor *t, int axis, int64_t *st) {
  for (int d = 0; d < t->ndim; d++) st[d] = d == axis ? 0 : t->strides[d];
}

/* a 1-d index seen over `ndim` dims: stride 0 except on axis */
static void spread_index(const tl_tensor *index, int ndim, int axis, int64_t *st) {
  for (int d = 0; d < ndim; d++) st[d] = d == axis ? index->strides[0] : 0;
}

static void run_indexed(const tl_tensor *walk, const tl_tensor *index, const int64_t *index_strides,
                        const tl_tensor *indexed, int axis, int scatter) {
  int64_t st[TL_MAXDIM];
  without_axis(indexed, axis, st);
  const tl_tensor *ops[3] = {walk, index, indexed};
  const int64_t *strides[3] = {NULL, index_strides, st};
  tl_iter it;
  tl_iter_init(&it, 3, walk->ndim, walk->shape, ops, strides);
  idx_ctx c = {tl_esize(walk->dtype), walk->dtype, indexed->strides[axis]};
  if (scatter) tl_iter_range(&it, 0, it.numel, scatter_row, &c); /* duplicates: one thread */
  else tl_iter_run(&it, gather_row, &c, 1.0);
}

void tl_gather(const tl_tensor *out, const tl_tensor *a, int axis, const tl_tensor *index) {
  run_indexed(out, index, NULL, a, axis, 0);
}

void tl_scatter_add(const tl_tensor *out, int axis, const tl_tensor *index, const tl_tensor *src) {
  run_indexed(src, index, NULL, out, axis, 1);
}

void tl_index_select(const tl_tensor *out, const tl_tensor *a, int axis, const tl_tensor *index) {
  if (tl_select_rows(out, a, axis, index)) return;
  int64_t ist[TL_MAXDIM];
  spread_index(index, out->ndim, axis, ist);
  run_indexed(out, index, ist, a, axis, 0);
}

void tl_index_add(const tl_tensor *out, int axis, const tl_tensor *index, const tl_tensor *src) {
  int64_t ist[TL_MAXDIM];
  spread_index(index, src->ndim, axis, ist);
  run_indexed(src, index, ist, out, axis, 1);
}
