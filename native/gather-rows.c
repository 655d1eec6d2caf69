/*
 * indexSelect when each picked slice is one contiguous block (x[idx] and
 * index_select(0, idx) on rows, embedding lookups): the result is
 * outer x n blocks of `inner` elements, block (o, i) a copy of the block at
 * index[i] along the axis. The general walk in index.c pays a row callback
 * and a strided iterator step per block and waits on each block's cache
 * misses in turn; here the blocks are split over the pool's threads and the
 * rows a few blocks ahead are prefetched, so the misses overlap.
 */
#include <string.h>

#include "torchlet.h"

/* blocks smaller than this (bytes) stay with the element-wise walk */
#define MIN_BLOCK_BYTES 32
/* how many blocks ahead the source rows are prefetched */
#define AHEAD 16

typedef struct {
  const char *a;
  char *out;
  const int32_t *index;
  int64_t index_stride; /* elements */
  int64_t n;            /* index length */
  int64_t a_outer, out_outer; /* bytes per outer step */
  int64_t a_axis, out_axis;   /* bytes per step along the axis */
  size_t block;               /* bytes per block */
} rows_job;

static void copy_blocks(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const rows_job *j = arg;
  const int64_t n = j->n;
  int64_t o = b / n, i = b % n;
  for (int64_t u = b; u < e; u++) {
    const int64_t ahead = i + AHEAD;
    if (ahead < n) {
      const char *p = j->a + o * j->a_outer + (int64_t)j->index[ahead * j->index_stride] * j->a_axis;
      const size_t lines = j->block < 256 ? j->block : 256;
      for (size_t l = 0; l < lines; l += 64) __builtin_prefetch(p + l, 0, 0);
    }
    const char *src = j->a + o * j->a_outer + (int64_t)j->index[i * j->index_stride] * j->a_axis;
    memmove(j->out + o * j->out_outer + i * j->out_axis, src, j->block);
    if (++i == n) {
      i = 0;
      o++;
    }
  }
}

/* Whether dims [from, ndim) of t form one contiguous block; *size gets its element count. */
static int contiguous_tail(const tl_tensor *t, int from, int64_t *size) {
  int64_t expect = 1;
  for (int d = t->ndim - 1; d >= from; d--) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return 0;
    expect *= t->shape[d];
  }
  *size = expect;
  return 1;
}

/* Dims [0, to) of t as one (size, stride) pair, if they collapse into one. */
static int collapse_head(const tl_tensor *t, int to, int64_t *size, int64_t *stride) {
  int64_t sz = 1, st = 0;
  for (int d = to - 1; d >= 0; d--) {
    if (t->shape[d] == 1) continue;
    if (sz == 1) st = t->strides[d];
    else if (t->strides[d] != st * sz) return 0;
    sz *= t->shape[d];
  }
  *size = sz;
  *stride = st;
  return 1;
}

/*
 * out = a.index_select(axis, index) as block copies, for shapes already
 * checked by the caller. Returns 0 (having done nothing) when the blocks are
 * not contiguous in both, too small, or the dims before the axis do not
 * collapse into one.
 */
int tl_select_rows(const tl_tensor *out, const tl_tensor *a, int axis, const tl_tensor *index) {
  int64_t inner_out, inner_a, outer_out, outer_a, so, sa;
  if (!contiguous_tail(out, axis + 1, &inner_out) || !contiguous_tail(a, axis + 1, &inner_a) || inner_out != inner_a)
    return 0;
  const int es = tl_esize(out->dtype);
  if (inner_out * es < MIN_BLOCK_BYTES) return 0;
  if (!collapse_head(out, axis, &outer_out, &so) || !collapse_head(a, axis, &outer_a, &sa) || outer_out != outer_a)
    return 0;
  const int64_t n = index->shape[0];
  const int64_t units = outer_out * n;
  if (units == 0) return 1;
  rows_job j = {tl_first(a), tl_first(out), (const int32_t *)tl_first(index), index->strides[0], n,
                sa * es, so * es, a->strides[axis] * es, out->strides[axis] * es, (size_t)(inner_out * es)};
  const double work = (double)units * (double)inner_out;
  const int threads = tl_threads_for(work);
  /* a few chunks per thread, each at least ~16k elements */
  int64_t grain = units / (4 * (threads > 0 ? threads : 1));
  const int64_t min_grain = 16384 / inner_out + 1;
  if (grain < min_grain) grain = min_grain;
  tl_parallel_for(units, grain, threads, copy_blocks, &j);
  return 1;
}
