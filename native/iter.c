/*
 * Strided iteration shared by the elementwise kernels: several operands walk
 * one shape together. Size-1 dims are dropped and dims that are contiguous
 * with their inner neighbour in every operand are merged, so a contiguous
 * tensor of any rank becomes one long row.
 */
#include <string.h>

#include "torchlet.h"

void tl_iter_init(tl_iter *it, int nops, int ndim, const int64_t *shape, const tl_tensor *const *ops,
                  const int64_t *const *strides) {
  memset(it, 0, sizeof *it);
  it->nops = nops;
  int64_t numel = 1;
  for (int d = 0; d < ndim; d++) numel *= shape[d];
  it->numel = numel;
  for (int k = 0; k < nops; k++) {
    it->base[k] = tl_first(ops[k]);
    it->esize[k] = tl_esize(ops[k]->dtype);
  }
  int nd = 0;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;
    const int64_t size = shape[d];
    if (nd > 0) {
      /* merge into the previous kept dim when every operand steps evenly across both */
      int merge = 1;
      for (int k = 0; k < nops && merge; k++) {
        const int64_t *st = strides && strides[k] ? strides[k] : ops[k]->strides;
        if (it->strides[k][nd - 1] != st[d] * size) merge = 0;
      }
      if (merge) {
        it->shape[nd - 1] *= size;
        for (int k = 0; k < nops; k++) {
          const int64_t *st = strides && strides[k] ? strides[k] : ops[k]->strides;
          it->strides[k][nd - 1] = st[d];
        }
        continue;
      }
    }
    it->shape[nd] = size;
    for (int k = 0; k < nops; k++) {
      const int64_t *st = strides && strides[k] ? strides[k] : ops[k]->strides;
      it->strides[k][nd] = st[d];
    }
    nd++;
  }
  if (nd == 0) {
    it->shape[0] = 1;
    for (int k = 0; k < nops; k++) it->strides[k][0] = 0;
    nd = 1;
  }
  it->ndim = nd;
}

void tl_iter_range(const tl_iter *it, int64_t begin, int64_t end, tl_row_fn fn, const void *ctx) {
  if (begin >= end) return;
  const int nd = it->ndim, nops = it->nops;
  int64_t idx[TL_MAXDIM];
  char *p[TL_MAXOPS];
  int64_t s[TL_MAXOPS];
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0; d--) {
    idx[d] = rem % it->shape[d];
    rem /= it->shape[d];
  }
  for (int k = 0; k < nops; k++) {
    int64_t off = 0;
    for (int d = 0; d < nd; d++) off += idx[d] * it->strides[k][d];
    p[k] = it->base[k] + off * it->esize[k];
    s[k] = it->strides[k][nd - 1];
  }
  const int64_t inner = it->shape[nd - 1];
  int64_t left = end - begin;
  while (left > 0) {
    int64_t n = inner - idx[nd - 1];
    if (n > left) n = left;
    fn(ctx, n, p, s);
    left -= n;
    if (left == 0) break;
    /* we finished a row: step to the start of the next one */
    for (int k = 0; k < nops; k++) p[k] += (n - inner) * s[k] * it->esize[k];
    idx[nd - 1] = 0;
    for (int d = nd - 2; d >= 0; d--) {
      for (int k = 0; k < nops; k++) p[k] += it->strides[k][d] * it->esize[k];
      if (++idx[d] < it->shape[d]) break;
      for (int k = 0; k < nops; k++) p[k] -= it->strides[k][d] * it->shape[d] * it->esize[k];
      idx[d] = 0;
    }
  }
}

typedef struct {
  const tl_iter *it;
  tl_row_fn fn;
  const void *ctx;
} run_job;

static void run_part(void *arg, int tid, int n) {
  const run_job *j = arg;
  const int64_t total = j->it->numel;
  /* chunk edges on multiples of 64 elements keep threads off each other's cache lines */
  int64_t chunk = (total + n - 1) / n;
  chunk = (chunk + 63) & ~(int64_t)63;
  int64_t b = chunk * tid, e = b + chunk;
  if (e > total) e = total;
  tl_iter_range(j->it, b, e, j->fn, j->ctx);
}

void tl_iter_run(const tl_iter *it, tl_row_fn fn, const void *ctx, double cost) {
  if (it->numel == 0) return;
  int nt = tl_threads_for((double)it->numel * cost);
  if (nt <= 1) {
    tl_iter_range(it, 0, it->numel, fn, ctx);
    return;
  }
  run_job j = {it, fn, ctx};
  tl_parallel(run_part, &j, nt);
}
