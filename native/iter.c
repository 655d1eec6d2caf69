/*
 * Strided iteration shared by the elementwise kernels: several operands walk
 * one shape together. Size-1 dims are dropped and dims that are contiguous
 * with their inner neighbour in every operand are merged, so a contiguous
 * tensor of any rank becomes one long row.
 */
#include <stdlib.h>
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
  if (numel == 0) {
    /* nothing to walk (and the strides of an empty tensor are not bounded) */
    it->ndim = 1;
    return;
  }
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
  tl_tile_fn tile;
  const void *ctx;
  int64_t row_tiles; /* tiled walk: tiles down the second-to-last dim */
} run_job;

static void run_part(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const run_job *j = arg;
  tl_iter_range(j->it, b, e, j->fn, j->ctx);
}

/*
 * An operand that steps far along the last dim but close along the one
 * before (a transposed view) makes row-by-row walking touch a new cache line
 * (and often a new page) per element. Walking TL_TILE x TL_TILE tiles instead
 * keeps every line in L1 until all its elements are used.
 */
int tl_iter_transposed(const tl_iter *it) {
  const int nd = it->ndim;
  if (nd < 2 || it->shape[nd - 1] < 8 || it->shape[nd - 2] < 8) return 0;
  for (int k = 0; k < it->nops; k++) {
    const int64_t inner = llabs(it->strides[k][nd - 1]), next = llabs(it->strides[k][nd - 2]);
    if (inner > 16 && next < inner) return 1;
  }
  return 0;
}

/* units [b, e): unit u is tile row u % row_tiles of outer position u / row_tiles */
static void run_tiles(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const run_job *j = arg;
  const tl_iter *it = j->it;
  const int nd = it->ndim, nops = it->nops;
  const int64_t R = it->shape[nd - 2], C = it->shape[nd - 1];
  int64_t srow[TL_MAXOPS], scol[TL_MAXOPS];
  for (int k = 0; k < nops; k++) {
    srow[k] = it->strides[k][nd - 2];
    scol[k] = it->strides[k][nd - 1];
  }
  for (int64_t u = b; u < e; u++) {
    int64_t o = u / j->row_tiles;
    const int64_t i0 = (u % j->row_tiles) * TL_TILE, rows = R - i0 < TL_TILE ? R - i0 : TL_TILE;
    char *base[TL_MAXOPS];
    for (int k = 0; k < nops; k++) base[k] = it->base[k];
    for (int d = nd - 3; d >= 0; d--) {
      const int64_t x = o % it->shape[d];
      o /= it->shape[d];
      for (int k = 0; k < nops; k++) base[k] += x * it->strides[k][d] * it->esize[k];
    }
    for (int64_t j0 = 0; j0 < C; j0 += TL_TILE) {
      const int64_t cols = C - j0 < TL_TILE ? C - j0 : TL_TILE;
      char *p[TL_MAXOPS];
      for (int k = 0; k < nops; k++) p[k] = base[k] + (i0 * srow[k] + j0 * scol[k]) * it->esize[k];
      if (j->tile) {
        j->tile(j->ctx, rows, cols, p, srow, scol);
      } else {
        for (int64_t i = 0; i < rows; i++) {
          char *q[TL_MAXOPS];
          for (int k = 0; k < nops; k++) q[k] = p[k] + i * srow[k] * it->esize[k];
          j->fn(j->ctx, cols, q, scol);
        }
      }
    }
  }
}

static void run(const tl_iter *it, tl_row_fn fn, tl_tile_fn tile, const void *ctx, double cost) {
  if (it->numel == 0) return;
  const int nt = tl_threads_for((double)it->numel * cost);
  run_job j = {it, fn, tile, ctx, 0};
  if (tile || tl_iter_transposed(it)) {
    const int nd = it->ndim;
    const int64_t R = it->shape[nd - 2], C = it->shape[nd - 1];
    j.row_tiles = (R + TL_TILE - 1) / TL_TILE;
    const int64_t units = it->numel / (R * C) * j.row_tiles;
    int64_t grain = (int64_t)(16384 / (cost * (double)TL_TILE * (double)C)) + 1;
    if (nt > 1 && grain > units / (4 * nt)) grain = units / (4 * nt) > 0 ? units / (4 * nt) : 1;
    tl_parallel_for(units, grain, nt, run_tiles, &j);
    return;
  }
  if (nt <= 1) {
    tl_iter_range(it, 0, it->numel, fn, ctx);
    return;
  }
  /* a few chunks per thread, on multiples of 64 elements so threads keep off each other's cache lines */
  int64_t grain = it->numel / (4 * nt);
  const int64_t min_grain = (int64_t)(16384 / cost) + 64;
  if (grain < min_grain) grain = min_grain;
  grain = (grain + 63) & ~(int64_t)63;
  tl_parallel_for(it->numel, grain, nt, run_part, &j);
}

void tl_iter_run(const tl_iter *it, tl_row_fn fn, const void *ctx, double cost) { run(it, fn, NULL, ctx, cost); }

void tl_iter_run_tiles(const tl_iter *it, tl_tile_fn tile, const void *ctx, double cost) {
  run(it, NULL, tile, ctx, cost);
}

void tl_line_offsets(const tl_tensor *a, const tl_tensor *out, int dim, int64_t line, int64_t *ao, int64_t *oo) {
  int64_t x = 0, y = 0;
  for (int d = a->ndim - 1; d >= 0; d--) {
    if (d == dim) continue;
    const int64_t c = line % a->shape[d];
    line /= a->shape[d];
    x += c * a->strides[d];
    y += c * out->strides[d];
  }
  *ao = x;
  *oo = y;
}
