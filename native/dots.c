/*
 * Matrix products with a few columns (N <= DOTS_MAX_N), or a few rows
 * (M <= DOTS_FEW_ROWS, any N, B's columns contiguous), whose operands both
 * run contiguously along K: A's rows and B's columns. That is x Wᵀ in a
 * linear layer with few outputs (a classifier head: [64, 9216] x [9216, 10]).
 * A shared B stored the other way round (x @ W) is first copied so.
 * Every output is a dot product of two contiguous runs, so nothing is
 * packed; blocks of RB rows x CB columns share their loads (RB + CB loads
 * per RB * CB FMAs), CB being 4 or 5, whichever computes fewer columns past
 * N (10 outputs: two blocks of 5 rather than three of 4, two of which
 * repeat the last column). The packed GEMM pads N up to its 32-wide panels and
 * copies B transposed, which here costs several times the arithmetic.
 * Each lane sums every VL-th term in order; the lanes are then added in
 * order, then the K % VL remaining terms.
 */
#include "torchlet.h"
#include "vec.h"

#define RB 4
#define DOTS_MAX_N 16
/* or this many rows at most (a vector times a matrix stored transposed: x Wᵀ for a batch of one) */
#define DOTS_FEW_ROWS 4
/* below this depth the packed GEMM's overheads are small anyway */
#define DOTS_MIN_K 64

typedef struct {
  const tl_tensor *out, *a, *b;
  int64_t M, N, K, rblocks, cblocks;
} dots_job;

#define DEFINE_DOTS(NAME, CB, T, V, VL, ZERO, LOAD, STORE, FMA)                                    \
  /* tasks [t0, t1): task = (batch item, block of RB rows, block of CB columns) */                \
  static void NAME##_part(void *arg, int64_t t0, int64_t t1, int tid) {                            \
    (void)tid;                                                                                     \
    const dots_job *j = arg;                                                                       \
    const tl_tensor *a = j->a, *b = j->b, *o = j->out;                                             \
    for (int64_t t = t0; t < t1; t++) {                                                            \
      const int64_t cb = t % j->cblocks, rb = t / j->cblocks % j->rblocks;                         \
      const int64_t q = t / j->cblocks / j->rblocks;                                               \
      const int64_t i0 = rb * RB, n0 = cb * CB;                                                    \
      /* rows and columns past the end repeat the last one (computed, not stored), so the */      \
      /* block keeps constant bounds and its accumulators stay in registers */                    \
      const T *ar[RB], *bc[CB];                                                                    \
      for (int r = 0; r < RB; r++)                                                                 \
        ar[r] = (const T *)tl_first(a) + q * a->strides[0] +                                       \
                (i0 + r < j->M ? i0 + r : j->M - 1) * a->strides[1];                               \
      for (int c = 0; c < CB; c++)                                                                 \
        bc[c] = (const T *)tl_first(b) + q * b->strides[0] +                                       \
                (n0 + c < j->N ? n0 + c : j->N - 1) * b->strides[2];                               \
      V acc[RB][CB];                                                                               \
      for (int r = 0; r < RB; r++)                                                                 \
        for (int c = 0; c < CB; c++) acc[r][c] = ZERO();                                           \
      int64_t k = 0;                                                                               \
      for (; k + VL <= j->K; k += VL) {                                                            \
        V av[RB], bv[CB];                                                                          \
        for (int r = 0; r < RB; r++) av[r] = LOAD(ar[r] + k);                                      \
        for (int c = 0; c < CB; c++) bv[c] = LOAD(bc[c] + k);                                      \
        for (int r = 0; r < RB; r++)                                                               \
          for (int c = 0; c < CB; c++) acc[r][c] = FMA(av[r], bv[c], acc[r][c]);                   \
      }                                                                                            \
      T lanes[RB][CB][VL];                                                                         \
      for (int r = 0; r < RB; r++)                                                                 \
        for (int c = 0; c < CB; c++) STORE(lanes[r][c], acc[r][c]);                                \
      for (int r = 0; r < RB && i0 + r < j->M; r++)                                                \
        for (int c = 0; c < CB && n0 + c < j->N; c++) {                                            \
          T s = 0;                                                                                 \
          for (int l = 0; l < VL; l++) s += lanes[r][c][l];                                        \
          for (int64_t kk = k; kk < j->K; kk++) s += ar[r][kk] * bc[c][kk];                        \
          ((T *)tl_first(o))[q * o->strides[0] + (i0 + r) * o->strides[1] + (n0 + c) * o->strides[2]] = s; \
        }                                                                                          \
    }                                                                                              \
  }

DEFINE_DOTS(dots_f32_c4, 4, float, vfs, VLF, VF_ZERO, VF_LOAD, VF_STORE, VF_FMA)
DEFINE_DOTS(dots_f32_c5, 5, float, vfs, VLF, VF_ZERO, VF_LOAD, VF_STORE, VF_FMA)
DEFINE_DOTS(dots_f64_c4, 4, double, vds, VLD, VD_ZERO, VD_LOAD, VD_STORE, VD_FMA)
DEFINE_DOTS(dots_f64_c5, 5, double, vds, VLD, VD_ZERO, VD_LOAD, VD_STORE, VD_FMA)

/*
 * A B that every product shares (batch stride 0, or one item) but stored the
 * other way round (x @ W with W [1024, 10] row-major), copied K-contiguous
 * into scratch ([N, K]: a few hundred KB at most) and described in *bt.
 * Column after column: written straight through, where a row-by-row copy
 * would write N places a power of two apart (K = 1024) that evict each other.
 * 0: not this case; -1: out of memory.
 */
static int transposed_b(const tl_tensor *b, int64_t batch, tl_tensor *bt) {
  const int64_t K = b->shape[1], N = b->shape[2], sk = b->strides[1], sn = b->strides[2];
  if (batch > 1 && b->strides[0] != 0) return 0;
  char *d = tl_scratch(TL_SCRATCH_GEMM, (size_t)(K * N) * tl_esize(b->dtype));
  if (!d) return -1;
  if (b->dtype == TL_F32) {
    const float *src = (const float *)tl_first(b);
    for (int64_t n = 0; n < N; n++)
      for (int64_t k = 0; k < K; k++) ((float *)d)[n * K + k] = src[k * sk + n * sn];
  } else {
    const double *src = (const double *)tl_first(b);
    for (int64_t n = 0; n < N; n++)
      for (int64_t k = 0; k < K; k++) ((double *)d)[n * K + k] = src[k * sk + n * sn];
  }
  *bt = *b;
  bt->data = d, bt->offset = 0, bt->length = K * N;
  bt->strides[0] = 0, bt->strides[1] = 1, bt->strides[2] = K;
  return 1;
}

int tl_matmul_dots(const tl_tensor *out, const tl_tensor *a, const tl_tensor *b) {
  const int64_t batch = a->shape[0], M = a->shape[1], K = a->shape[2], N = b->shape[2];
  if (K < DOTS_MIN_K || M == 0 || N == 0 || batch == 0) return 0;
  if (a->strides[2] != 1) return 0;
  /* any number of columns when there are a few rows and B's columns are contiguous already */
  if (N > DOTS_MAX_N && !(M <= DOTS_FEW_ROWS && b->strides[1] == 1)) return 0;
  tl_tensor bt;
  if (b->strides[1] != 1) {
    const int r = transposed_b(b, batch, &bt);
    if (r <= 0) return r;
    b = &bt;
  }
  /* 5 columns per block when that computes fewer past N than 4 do */
  const int cb = (N + 4) / 5 * 5 < (N + 3) / 4 * 4 ? 5 : 4;
  dots_job j = {out, a, b, M, N, K, (M + RB - 1) / RB, (N + cb - 1) / cb};
  const double flops = 2.0 * (double)M * (double)N * (double)K * (double)batch;
  const int nt = flops < 2e6 ? 1 : tl_max_threads();
  const tl_range_fn part = a->dtype == TL_F32 ? (cb == 5 ? dots_f32_c5_part : dots_f32_c4_part)
                                              : (cb == 5 ? dots_f64_c5_part : dots_f64_c4_part);
  tl_parallel_for(batch * j.rblocks * j.cblocks, 1, nt, part, &j);
  if (b == &bt) tl_scratch_trim(TL_SCRATCH_GEMM);
  return 1;
}
