/*
 * Batched GEMM for float32 and float64 in the BLIS style: B is packed into
 * NR-wide panels and A into MR-tall panels, KC deep (so any operand strides,
 * transposed or broadcast, look alike afterwards), then a register-blocked
 * MR x NR FMA micro-kernel runs over tiles of C (tiles of a few edge rows
 * use a kernel of a third or two thirds of MR rows).
 *
 * Row mode, for products with enough MR-row panels to share out (squares,
 * a layer's x W): work is split into tasks of whole MR-row blocks of one
 * product, claimed dynamically by the pool's threads. Each thread packs what
 * it multiplies: its own A rows and its own copy of the product's B. Copying
 * B once per thread costs little next to the product, and keeps every packed
 * panel in the cache of the core that reads it (reading data another core
 * just wrote is ~3x slower here); a descheduled thread delays only the task
 * it holds. A batch item whose B has batch stride 0 (a broadcast weight)
 * reuses the packed B of the item before. A B with contiguous rows less than
 * 4 KiB apart is not copied at all: the kernel reads its full panels in place.
 *
 * Column mode, for few rows (32 x 432 x 16384: three panels for two
 * threads) or a B whose per-thread copies would not stay in the scratch
 * kept between calls: the GotoBLAS order. Tasks are chunks of at most NC_MAX
 * columns; a task packs its chunk's KC x NC block of B (read once in all,
 * and small enough for L2) and runs every row of A over it, A being packed
 * once per thread when small.
 *
 * A-in-place mode, for a layer's x W with a few hundred rows (M <= AIP_MAX_M,
 * A's rows contiguous along K, A small or N >= 2 M): column mode's order, but A is never packed;
 * the micro-kernel broadcasts its values from A's rows where they lie. Each
 * thread packs only its chunks' B, into L2, so B is packed once in all where
 * the row mode packed all of it once per thread (for 256 x 1024 x 1024 on
 * two threads that copy was about a fifth of the time), and what it packs is
 * read back from L2 rather than from a per-thread copy in L3.
 *
 * A few rows (M <= SMALL_M) times a B with contiguous rows never pack: see
 * the small-M kernel below. A batch of products sharing B whose A and C
 * items lie one after another is one product of batch * M rows.
 */
#include <stdlib.h>
#include <string.h>

#include "torchlet.h"
#include "vec.h"

/* rows of the micro-kernel's C tile: as many as the vector registers hold accumulators for */
#if defined(__AVX512F__)
#define MR 12
#elif defined(__AVX2__) && defined(__FMA__)
#define MR 6
#else
#define MR 4
#endif

#define NRF (2 * VLF)
#define NRD (2 * VLD)

/* Cache blocking (elements): a KC x NR panel of B stays in L1 while the
 * MC x KC rows of A of one task stay in L2. */
#define KC_F 256
#define MC_F (MR * 16)
#define KC_D 256
#define MC_D (MR * 8)
/* one thread's packed B at most (bytes); deeper products go in K slabs */
#ifndef PACK_LIMIT
#define PACK_LIMIT ((size_t)64 << 20)
#endif
/* a task's packed A rows at most (bytes): they should stay in L2 */
#ifndef A_BUDGET
#define A_BUDGET ((size_t)640 << 10)
#endif

/*
 * C[ROWS x NR] (= or +=) Apanel[ROWS x kc] * Bpanel[kc x NR], ROWS <= MR:
 * the first ROWS rows of an MR-row panel; C has unit column stride and row
 * stride ldc. The MR-row kernel is inlined where it runs (as one call site
 * it always was); smaller ones serve tiles of a few edge rows, so those do
 * not pay for MR.
 */
#define DEFINE_UKR(NAME, ROWS, INLINE, T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)      \
  static INLINE void NAME(int64_t kc, const T *restrict a, const T *restrict b, int64_t ldb,   \
                          T *restrict c, int64_t ldc, int accumulate) {                      \
    V acc[ROWS][2];                                                                          \
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = ZERO();                           \
    for (int64_t k = 0; k < kc; k++) {                                                       \
      const V b0 = LOAD(b), b1 = LOAD(b + VL);                                               \
      for (int r = 0; r < ROWS; r++) {                                                       \
        const V av = SET1(a[r]);                                                             \
        acc[r][0] = FMA(av, b0, acc[r][0]);                                                  \
        acc[r][1] = FMA(av, b1, acc[r][1]);                                                  \
      }                                                                                      \
      a += MR;                                                                               \
      b += ldb;                                                                              \
    }                                                                                        \
    if (accumulate) {                                                                        \
      for (int r = 0; r < ROWS; r++) {                                                       \
        STORE(c + r * ldc, ADD(LOAD(c + r * ldc), acc[r][0]));                               \
        STORE(c + r * ldc + VL, ADD(LOAD(c + r * ldc + VL), acc[r][1]));                     \
      }                                                                                      \
    } else {                                                                                 \
      for (int r = 0; r < ROWS; r++) {                                                       \
        STORE(c + r * ldc, acc[r][0]);                                                       \
        STORE(c + r * ldc + VL, acc[r][1]);                                                  \
      }                                                                                      \
    }                                                                                        \
  }

/* row counts of the edge kernels: a third and two thirds of MR */
#define MR1 (MR / 3 > 0 ? MR / 3 : 1)
#define MR2 (2 * MR / 3 > MR1 ? 2 * MR / 3 : MR)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define DEFINE_UKRS(NAME, T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)                   \
  DEFINE_UKR(NAME, MR, ALWAYS_INLINE, T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)       \
  DEFINE_UKR(NAME##_r1, MR1, , T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)              \
  DEFINE_UKR(NAME##_r2, MR2, , T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)              \
  DEFINE_UKR(NAME##_r3, MR, , T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)               \
  /* an edge tile of h <= MR rows: the smallest kernel that covers them, into tmp (NR wide); */ \
  /* 1 when it wrote C itself (h is exactly its row count, a full NR wide, unit column stride) */ \
  static int NAME##_edge(int64_t kc, const T *restrict a, const T *restrict b, int64_t ldb,     \
                         T *restrict tmp, int64_t h, int direct, T *restrict c, int64_t ldc,    \
                         int accumulate) {                                                    \
    if (direct && h == MR1) return NAME##_r1(kc, a, b, ldb, c, ldc, accumulate), 1;          \
    if (direct && h == MR2) return NAME##_r2(kc, a, b, ldb, c, ldc, accumulate), 1;          \
    if (h <= MR1) NAME##_r1(kc, a, b, ldb, tmp, NR, 0);                                      \
    else if (h <= MR2) NAME##_r2(kc, a, b, ldb, tmp, NR, 0);                                 \
    else NAME##_r3(kc, a, b, ldb, tmp, NR, 0);                                               \
    return 0;                                                                                \
  }

DEFINE_UKRS(ukr_f32, float, vfs, NRF, VLF, VF_ZERO, VF_LOAD, VF_STORE, VF_SET1, VF_FMA, VF_ADD)
DEFINE_UKRS(ukr_f64, double, vds, NRD, VLD, VD_ZERO, VD_LOAD, VD_STORE, VD_SET1, VD_FMA, VD_ADD)

/*
 * The MR-row kernel with A read in place: row r of the panel starts at
 * a + r * lda and runs along K with unit stride. The same operations in the
 * same order as the packed kernel, so the same results to the bit.
 */
#define DEFINE_UKR_IP(NAME, T, V, NR, VL, ZERO, LOAD, STORE, SET1, FMA, ADD)                       \
  static ALWAYS_INLINE void NAME(int64_t kc, const T *restrict a, int64_t lda, const T *restrict b, \
                                 T *restrict c, int64_t ldc, int accumulate) {                     \
    V acc[MR][2];                                                                                  \
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = ZERO();                                   \
    for (int64_t k = 0; k < kc; k++) {                                                             \
      const V b0 = LOAD(b), b1 = LOAD(b + VL);                                                     \
      for (int r = 0; r < MR; r++) {                                                               \
        const V av = SET1(a[r * lda + k]);                                                         \
        acc[r][0] = FMA(av, b0, acc[r][0]);                                                        \
        acc[r][1] = FMA(av, b1, acc[r][1]);                                                        \
      }                                                                                            \
      b += NR;                                                                                     \
    }                                                                                              \
    if (accumulate) {                                                                              \
      for (int r = 0; r < MR; r++) {                                                               \
        STORE(c + r * ldc, ADD(LOAD(c + r * ldc), acc[r][0]));                                     \
        STORE(c + r * ldc + VL, ADD(LOAD(c + r * ldc + VL), acc[r][1]));                           \
      }                                                                                            \
    } else {                                                                                       \
      for (int r = 0; r < MR; r++) {                                                               \
        STORE(c + r * ldc, acc[r][0]);                                                             \
        STORE(c + r * ldc + VL, acc[r][1]);                                                        \
      }                                                                                            \
    }                                                                                              \
  }

DEFINE_UKR_IP(ukr_f32_ip, float, vfs, NRF, VLF, VF_ZERO, VF_LOAD, VF_STORE, VF_SET1, VF_FMA, VF_ADD)
DEFINE_UKR_IP(ukr_f64_ip, double, vds, NRD, VLD, VD_ZERO, VD_LOAD, VD_STORE, VD_SET1, VD_FMA, VD_ADD)


#if defined(__AVX512F__)
/* r[0..16) as the rows of a 16 x 16 block -> its columns: unpack 32-bit then 64-bit pairs within 128-bit lanes, then regroup lanes */
static inline void transpose16(__m512 r[16]) {
  __m512 t[16], u[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
    const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
    u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  /* u[4i + j], lane L: column 4L + j of rows 4i .. 4i+3 */
  for (int j = 0; j < 4; j++) {
    t[j] = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88);
    t[4 + j] = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xdd);
    t[8 + j] = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88);
    t[12 + j] = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xdd);
  }
  for (int j = 0; j < 4; j++) {
    r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
    r[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xdd);
    r[4 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0x88);
    r[12 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0xdd);
  }
}

/*
 * A float panel `width` wide (a multiple of 16 or not) from a source whose
 * `w` rows run along K with unit stride, `stride` apart: d[k * width + q] =
 * src[q * stride + k], zeros for q >= w. This is pack_b for a B stored
 * transposed (a linear layer's weight) and pack_a for a row-major A: 16 x 16
 * blocks transposed in registers instead of one strided element at a time.
 */
static void pack_t_f32(const float *src, int64_t stride, int64_t w, int64_t width, int64_t kc, float *d) {
  int64_t k = 0;
  for (; k + 16 <= kc; k += 16)
    for (int64_t q0 = 0; q0 < width; q0 += 16) {
      __m512 r[16];
      for (int i = 0; i < 16; i++)
        r[i] = q0 + i < w ? _mm512_loadu_ps(src + (q0 + i) * stride + k) : _mm512_setzero_ps();
      transpose16(r);
      const __mmask16 lanes = width - q0 >= 16 ? 0xffff : (__mmask16)((1u << (width - q0)) - 1);
      for (int i = 0; i < 16; i++) _mm512_mask_storeu_ps(d + (k + i) * width + q0, lanes, r[i]);
    }
  for (; k < kc; k++)
    for (int64_t q = 0; q < width; q++) d[k * width + q] = q < w ? src[q * stride + k] : 0;
}
#define HAVE_PACK_T 1
#else
#define HAVE_PACK_T 0
#define pack_t_f32(...) ((void)0)
#endif

/* column mode: a chunk's packed B (KC x NC_MAX) stays in L2 */
#define NC_MAX(NR, es) ((int64_t)(((size_t)512 << 10) / (es) / 256) / (NR) * (NR))
/* row mode needs this many row tasks per thread (MR-row panels over the batch) */
#ifndef COL_TASKS
#define COL_TASKS 4
#endif
/* and its threads' copies of an item's packed B at most this size in all (bytes): more than the
 * scratch keeps between calls (TL_SCRATCH_KEEP, 16 MB) would page-fault fresh memory every call */
#ifndef ROW_B_LIMIT
#define ROW_B_LIMIT ((double)(15 << 20))
#endif

/* A-in-place mode: products of at most this many rows (per item) whose A rows are contiguous, */
#define AIP_MAX_M 512
/* and whose A fits in this many bytes (it then stays in L2 from chunk to chunk) or has at most */
/* N / 2 rows: each thread reads A once per chunk, which beats copying all of B per thread only */
/* when B is the bigger (512 x 512 x 512 stays in row mode) */
#define AIP_A_L2 ((size_t)512 << 10)
/* its chunk's packed KC-deep block of B at most (bytes): it stays in L2 */
#define AIP_B_BYTES ((size_t)256 << 10)
/* and its A rows per block at most (a block's KC columns of A stay in L2 while every chunk panel passes) */
#define AIP_MC 264

/* Row mode reads a B with contiguous rows in place, not packed, when its rows lie fewer than */
/* this many bytes apart: the kernel's NR values of kc rows then spread over enough cache sets */
/* (a 4 KiB multiple maps them all to a few sets, and large strides miss the TLB) and stream */
/* from L2 as fast as a packed panel from L1. Each thread's copy of B cost ~3% at 512 x 512. */
#define B_INPLACE_MAX 4096

#define MAX_THREADS 64
#define MAX_ROW_TASKS 256

typedef struct {
  int64_t M, N, K;
  const char *a, *b;
  char *c;
  int64_t sab, sam, sak, sbb, sbk, sbn, scb, scm, scn; /* element strides */
  int shared_b;            /* B's batch stride is 0 (or one item): pack it once per thread */
  int b_inplace;           /* row mode reads B's whole panels where they lie (see B_INPLACE_MAX) */
  int64_t batch, mpanels, npanels;
  int64_t k0, ks;          /* the current K slab */
  int64_t tasks_per_item;  /* row tasks per product */
  int64_t halves;          /* one product: its last `halves` row tasks run as two tasks, each half the column panels */
  int64_t bounds[MAX_ROW_TASKS + 1]; /* the MR-panel rows where each row task of a product starts */
  int64_t kgroup;          /* K depth of the A rows a task packs at once (whole KC blocks) */
  char *work;              /* per thread: [A block][B slab] */
  size_t a_bytes, b_bytes;
  int64_t bkey[MAX_THREADS]; /* the batch item whose slab k0 a thread's B holds (-1: none) */
  /* column mode (few rows or a large B): tasks are (batch item, chunk of nc columns) */
  int64_t nc, nchunks, mc; /* chunk width (whole NR panels), chunks per product, A rows packed at once */
  int a_whole;             /* the whole of an item's A fits A_BUDGET: packed once per thread and item */
  int64_t akey[MAX_THREADS]; /* the batch item whose A a thread's apack holds whole (-1: none) */
} mm_job;

/*
 * Splits each product's MR-row panels into row tasks (j->bounds, at most
 * max_panels each) and returns the largest task's panel count.
 * Several products: about four tasks per thread in all, of equal size.
 * One product (a layer's x W): sizes shrink toward the end (guided
 * scheduling: a task is a 1/(2 nt) share of what is left). Waking a worker
 * that went to sleep takes 0.05-1 ms on this kind of VM, and a late thread
 * holding one of a few big tasks made the others wait that long at the end
 * (n = 1024: ~0.5 ms of 7); small last tasks let them share the tail. The
 * last tasks of one panel each run as two tasks of half its columns
 * (j->halves), so the threads end within half a panel of each other
 * (n = 512: ~1% faster).
 */
static int64_t row_tasks(mm_job *j, int nt, int64_t max_panels) {
  const int64_t P = j->mpanels;
  int64_t count = 0, largest = 0;
  j->halves = 0;
  if (j->batch == 1 && nt > 1) {
    int64_t ones = 0;
    for (int64_t at = 0; at < P && count < MAX_ROW_TASKS; count++) {
      int64_t size = (P - at + 2 * nt - 1) / (2 * nt);
      if (size > max_panels) size = max_panels;
      if (count == MAX_ROW_TASKS - 1) size = P - at; /* never happens below ~2^12 panels per thread */
      j->bounds[count] = at;
      at += size;
      if (size > largest) largest = size;
      ones = size == 1 ? ones + 1 : 0;
    }
    if (j->npanels >= 2) j->halves = ones;
  } else {
    count = (4 * nt + j->batch - 1) / j->batch;
    const int64_t min_tasks = (P + max_panels - 1) / max_panels;
    if (count < min_tasks) count = min_tasks;
    if (count > P) count = P;
    if (count > MAX_ROW_TASKS) count = MAX_ROW_TASKS;
    for (int64_t t = 0; t < count; t++) j->bounds[t] = P * t / count;
    largest = (P + count - 1) / count;
  }
  j->bounds[count] = P;
  j->tasks_per_item = count;
  return largest;
}

#define DEFINE_GEMM(NAME, T, NR, KC, MC, UKR)                                                    \
  /* A rows [i0, i0 + h) (h <= MR), K range [k, k + kc) -> one MR x kc panel */                   \
  static void NAME##_pack_a(const mm_job *j, const T *src, int64_t h, int64_t kc, T *d) {        \
    if (HAVE_PACK_T && sizeof(T) == 4 && j->sak == 1 && j->sam != 1) {                          \
      pack_t_f32((const float *)src, j->sam, h, MR, kc, (float *)d);                            \
    } else if (j->sak == 1 && h == MR) {                                                        \
      /* k outer: the writes run straight through the panel */                                  \
      for (int64_t k = 0; k < kc; k++)                                                          \
        for (int64_t r = 0; r < MR; r++) d[k * MR + r] = src[r * j->sam + k];                   \
    } else if (j->sam == 1 && h == MR) {                                                        \
      /* A transposed (xᵀ g in a linear layer's backward): MR contiguous values per k */        \
      for (int64_t k = 0; k < kc; k++)                                                          \
        for (int64_t r = 0; r < MR; r++) d[k * MR + r] = src[r + k * j->sak];                   \
    } else {                                                                                    \
      for (int64_t k = 0; k < kc; k++) {                                                        \
        int64_t r = 0;                                                                          \
        for (; r < h; r++) d[k * MR + r] = src[r * j->sam + k * j->sak];                        \
        for (; r < MR; r++) d[k * MR + r] = 0;                                                  \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* B rows [k, k + kc), columns [c0, c0 + w) (w <= NR) -> one kc x NR panel */                 \
  static void NAME##_pack_b(const mm_job *j, const T *src, int64_t w, int64_t kc, T *d) {        \
    if (HAVE_PACK_T && sizeof(T) == 4 && j->sbk == 1 && j->sbn != 1) {                          \
      pack_t_f32((const float *)src, j->sbn, w, NR, kc, (float *)d);                            \
    } else if (j->sbn == 1) {                                                                   \
      for (int64_t k = 0; k < kc; k++) {                                                        \
        int64_t q = 0;                                                                          \
        for (; q < w; q++) d[k * NR + q] = src[k * j->sbk + q];                                 \
        for (; q < NR; q++) d[k * NR + q] = 0;                                                  \
      }                                                                                         \
    } else {                                                                                    \
      for (int64_t q = 0; q < NR; q++) {                                                        \
        if (q < w)                                                                              \
          for (int64_t k = 0; k < kc; k++) d[k * NR + q] = src[q * j->sbn + k * j->sbk];        \
        else                                                                                    \
          for (int64_t k = 0; k < kc; k++) d[k * NR + q] = 0;                                   \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* B rows [k, k + kc), columns [0, ncw) -> np = ceil(ncw / NR) kc x NR panels one after */      \
  /* another. B with contiguous rows and whole panels is read row by row (each row's ncw */      \
  /* values once, in order), not panel by panel (NR values of kc rows far apart, then the */     \
  /* next NR). */                                                                               \
  static void NAME##_pack_b_block(const mm_job *j, const T *src, int64_t ncw, int64_t np, int64_t kc, \
                                  T *d) {                                                       \
    if (j->sbn == 1 && ncw == np * NR) {                                                        \
      for (int64_t k = 0; k < kc; k++) {                                                        \
        const T *s = src + k * j->sbk;                                                          \
        T *o = d + k * NR;                                                                      \
        for (int64_t jp = 0; jp < np; jp++)                                                     \
          for (int64_t x = 0; x < NR; x++) o[jp * NR * kc + x] = s[jp * NR + x];                \
      }                                                                                         \
      return;                                                                                   \
    }                                                                                           \
    for (int64_t jp = 0; jp < np; jp++) {                                                       \
      const int64_t w = ncw - jp * NR < NR ? ncw - jp * NR : NR;                                \
      NAME##_pack_b(j, src + jp * NR * j->sbn, w, kc, d + jp * NR * kc);                        \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* a tile's h x w corner (from tmp, NR wide) into C: rows of unit stride run as plain loops */    \
  static void NAME##_edge(const T *restrict tmp, T *restrict cp, int64_t h, int64_t w, int64_t scm,  \
                          int64_t scn, int acc) {                                                  \
    for (int64_t r = 0; r < h; r++) {                                                           \
      T *restrict o = cp + r * scm;                                                             \
      const T *restrict s = tmp + r * NR;                                                       \
      if (scn == 1) {                                                                           \
        if (acc)                                                                                \
          for (int64_t x = 0; x < w; x++) o[x] += s[x];                                         \
        else                                                                                    \
          for (int64_t x = 0; x < w; x++) o[x] = s[x];                                          \
      } else {                                                                                  \
        for (int64_t x = 0; x < w; x++) o[x * scn] = acc ? o[x * scn] + s[x] : s[x];            \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* tasks [t0, t1): task t is a block of MR-row panels of batch item t / tasks_per_item */     \
  static void NAME##_task(void *arg, int64_t t0, int64_t t1, int tid) {                         \
    mm_job *j = arg;                                                                            \
    T *apack = (T *)(j->work + (size_t)tid * (j->a_bytes + j->b_bytes));                        \
    T *bpack = (T *)((char *)apack + j->a_bytes);                                               \
    T tmp[MR * NR];                                                                             \
    for (int64_t t = t0; t < t1; t++) {                                                         \
      int64_t q = t / j->tasks_per_item, rt = t % j->tasks_per_item, jp0 = 0, jp1 = j->npanels; \
      const int64_t whole = j->tasks_per_item - j->halves;                                      \
      if (j->halves && t >= whole) {                                                            \
        const int64_t u = t - whole;                                                            \
        q = 0;                                                                                  \
        rt = whole + u / 2;                                                                     \
        if (u % 2) jp0 = j->npanels / 2; else jp1 = j->npanels / 2;                             \
      }                                                                                         \
      const int64_t ip0 = j->bounds[rt], ip1 = j->bounds[rt + 1];                                \
      if (ip0 == ip1) continue;                                                                 \
      /* this thread's B: the item's K slab, KC block after KC block, packed from panel jpk */  \
      /* on: all panels, or with B read in place only a last one narrower than NR */           \
      const int64_t key = j->shared_b ? 0 : q;                                                  \
      const T *b = (const T *)j->b + key * j->sbb + j->k0 * j->sbk;                             \
      const int64_t jpk = j->b_inplace ? j->npanels - 1 : 0, np = j->npanels - jpk;             \
      if (j->bkey[tid] != key) {                                                                \
        for (int64_t kk = 0; kk < j->ks; kk += KC) {                                            \
          const int64_t kc = j->ks - kk < KC ? j->ks - kk : KC;                                 \
          for (int64_t jp = jpk; jp < j->npanels; jp++) {                                       \
            const int64_t c0 = jp * NR, w = j->N - c0 < NR ? j->N - c0 : NR;                    \
            if (!j->b_inplace || w < NR)                                                        \
              NAME##_pack_b(j, b + kk * j->sbk + c0 * j->sbn, w, kc,                            \
                            bpack + (kk * np + (jp - jpk) * kc) * NR);                          \
          }                                                                                     \
        }                                                                                       \
        j->bkey[tid] = key;                                                                     \
      }                                                                                         \
      const T *a = (const T *)j->a + q * j->sab + j->k0 * j->sak;                               \
      T *c = (T *)j->c + q * j->scb;                                                            \
      /* A rows for a group of KC blocks stay in L2; for each NR column panel the group's */    \
      /* KC blocks run back to back, so the C tiles stay in L1 between them */                  \
      for (int64_t g0 = 0; g0 < j->ks; g0 += j->kgroup) {                                       \
        const int64_t g1 = g0 + j->kgroup < j->ks ? g0 + j->kgroup : j->ks;                     \
        for (int64_t kk = g0; kk < g1; kk += KC) {                                              \
          const int64_t kc = j->ks - kk < KC ? j->ks - kk : KC;                                 \
          for (int64_t ip = ip0; ip < ip1; ip++) {                                              \
            const int64_t i0 = ip * MR, h = j->M - i0 < MR ? j->M - i0 : MR;                    \
            NAME##_pack_a(j, a + i0 * j->sam + kk * j->sak, h, kc,                              \
                          apack + (kk - g0) * (ip1 - ip0) * MR + (ip - ip0) * MR * kc);         \
          }                                                                                     \
        }                                                                                       \
        for (int64_t jp = jp0; jp < jp1; jp++) {                                                \
          const int64_t c0 = jp * NR, w = j->N - c0 < NR ? j->N - c0 : NR;                      \
          for (int64_t kk = g0; kk < g1; kk += KC) {                                            \
            const int64_t kc = j->ks - kk < KC ? j->ks - kk : KC;                               \
            const int acc = j->k0 + kk > 0;                                                     \
            const int inplace = j->b_inplace && w == NR;                                        \
            const T *bpanel = inplace ? b + kk * j->sbk + c0 : bpack + (kk * np + (jp - jpk) * kc) * NR; \
            const int64_t ldb = inplace ? j->sbk : NR;                                          \
            for (int64_t ip = ip0; ip < ip1; ip++) {                                            \
              const int64_t i0 = ip * MR, h = j->M - i0 < MR ? j->M - i0 : MR;                  \
              const T *apanel = apack + (kk - g0) * (ip1 - ip0) * MR + (ip - ip0) * MR * kc;    \
              T *cp = c + i0 * j->scm + c0 * j->scn;                                            \
              if (h == MR && w == NR && j->scn == 1) {                                          \
                UKR(kc, apanel, bpanel, ldb, cp, j->scm, acc);                                  \
              } else {                                                                          \
                if (!UKR##_edge(kc, apanel, bpanel, ldb, tmp, h, w == NR && j->scn == 1, cp, j->scm, acc))\
                  NAME##_edge(tmp, cp, h, w, j->scm, j->scn, acc);                              \
              }                                                                                 \
            }                                                                                   \
          }                                                                                     \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* column mode, tasks [t0, t1): task t is the chunk t % nchunks of item t / nchunks, all M */ \
  /* rows, all of K. Per KC block the chunk's B (KC x nc, in L2) is packed by this task only; */ \
  /* A is packed whole once per thread and item when small, else MC rows per block. */        \
  static void NAME##_ctask(void *arg, int64_t t0, int64_t t1, int tid) {                        \
    mm_job *j = arg;                                                                            \
    T *apack = (T *)(j->work + (size_t)tid * (j->a_bytes + j->b_bytes));                        \
    T *bpack = (T *)((char *)apack + j->a_bytes);                                               \
    T tmp[MR * NR];                                                                             \
    for (int64_t t = t0; t < t1; t++) {                                                         \
      const int64_t q = t / j->nchunks, n0 = t % j->nchunks * j->nc;                            \
      const int64_t ncw = j->N - n0 < j->nc ? j->N - n0 : j->nc, np = (ncw + NR - 1) / NR;      \
      const T *a = (const T *)j->a + q * j->sab;                                                \
      const T *b = (const T *)j->b + q * j->sbb + n0 * j->sbn;                                  \
      T *c = (T *)j->c + q * j->scb + n0 * j->scn;                                              \
      if (j->a_whole && j->akey[tid] != q) {                                                    \
        /* [KC block][MR panel] of kc x MR each, as the row mode lays a group out */            \
        for (int64_t kk = 0; kk < j->K; kk += KC) {                                             \
          const int64_t kc = j->K - kk < KC ? j->K - kk : KC;                                   \
          for (int64_t ip = 0; ip < j->mpanels; ip++) {                                         \
            const int64_t i0 = ip * MR, h = j->M - i0 < MR ? j->M - i0 : MR;                    \
            NAME##_pack_a(j, a + i0 * j->sam + kk * j->sak, h, kc,                              \
                          apack + kk * j->mpanels * MR + ip * MR * kc);                         \
          }                                                                                     \
        }                                                                                       \
        j->akey[tid] = q;                                                                       \
      }                                                                                         \
      for (int64_t kk = 0; kk < j->K; kk += KC) {                                               \
        const int64_t kc = j->K - kk < KC ? j->K - kk : KC;                                     \
        const int acc = kk > 0;                                                                 \
        for (int64_t jp = 0; jp < np; jp++) {                                                   \
          const int64_t w = ncw - jp * NR < NR ? ncw - jp * NR : NR;                            \
          NAME##_pack_b(j, b + kk * j->sbk + jp * NR * j->sbn, w, kc, bpack + jp * NR * kc);    \
        }                                                                                       \
        for (int64_t i0 = 0; i0 < j->M; i0 += j->mc) {                                          \
          const int64_t mc = j->M - i0 < j->mc ? j->M - i0 : j->mc, mp = (mc + MR - 1) / MR;    \
          const T *ablock;                                                                      \
          if (j->a_whole) {                                                                     \
            ablock = apack + kk * j->mpanels * MR + (i0 / MR) * MR * kc;                        \
          } else {                                                                              \
            for (int64_t ip = 0; ip < mp; ip++) {                                               \
              const int64_t h = mc - ip * MR < MR ? mc - ip * MR : MR;                          \
              NAME##_pack_a(j, a + (i0 + ip * MR) * j->sam + kk * j->sak, h, kc,                \
                            apack + ip * MR * kc);                                              \
            }                                                                                   \
            ablock = apack;                                                                     \
          }                                                                                     \
          for (int64_t jp = 0; jp < np; jp++) {                                                 \
            const int64_t w = ncw - jp * NR < NR ? ncw - jp * NR : NR;                          \
            const T *bpanel = bpack + jp * NR * kc;                                             \
            for (int64_t ip = 0; ip < mp; ip++) {                                               \
              const int64_t h = mc - ip * MR < MR ? mc - ip * MR : MR;                          \
              T *cp = c + (i0 + ip * MR) * j->scm + jp * NR * j->scn;                           \
              if (h == MR && w == NR && j->scn == 1) {                                          \
                UKR(kc, ablock + ip * MR * kc, bpanel, NR, cp, j->scm, acc);                    \
              } else {                                                                          \
                if (!UKR##_edge(kc, ablock + ip * MR * kc, bpanel, NR, tmp, h, w == NR && j->scn == 1, cp, j->scm, acc))\
                  NAME##_edge(tmp, cp, h, w, j->scm, j->scn, acc);                              \
              }                                                                                 \
            }                                                                                   \
          }                                                                                     \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  /* the column and A-in-place modes' chunks of N: about four per thread over the whole */      \
  /* batch, nc_max wide at most */                                                              \
  static void NAME##_split_n(mm_job *j, int nt, int64_t nc_max) {                               \
    const int64_t want = (4 * (int64_t)nt + j->batch - 1) / j->batch;                           \
    int64_t nc = (j->npanels + want - 1) / want * NR;                                           \
    if (nc > nc_max) nc = nc_max;                                                               \
    j->nc = nc;                                                                                 \
    j->nchunks = (j->N + nc - 1) / nc;                                                          \
  }                                                                                             \
                                                                                                \
  /* runs `task` over every (item, chunk of N) with a_bytes of A and a KC x nc block of B of */ \
  /* scratch per thread; -1 when the scratch cannot be had */                                   \
  static int NAME##_run_chunks(mm_job *j, int nt, tl_range_fn task) {                           \
    j->b_bytes = ((size_t)KC * (size_t)j->nc * sizeof(T) + 63) & ~(size_t)63;                   \
    j->work = tl_scratch(TL_SCRATCH_GEMM, (j->a_bytes + j->b_bytes) * (size_t)nt);              \
    if (!j->work) return -1;                                                                    \
    tl_parallel_for(j->batch * j->nchunks, 1, nt, task, j);                                     \
    tl_scratch_trim(TL_SCRATCH_GEMM);                                                           \
    return 0;                                                                                   \
  }                                                                                             \
                                                                                                \
  static int NAME##_run_cols(mm_job *j, int nt) {                                               \
    const size_t es = sizeof(T);                                                                \
    NAME##_split_n(j, nt, NC_MAX(NR, es));                                                      \
    const size_t awhole = (size_t)j->mpanels * MR * (size_t)j->K * es;                          \
    j->a_whole = awhole <= A_BUDGET;                                                            \
    j->mc = MC;                                                                                 \
    j->a_bytes = ((j->a_whole ? awhole : (size_t)MC * KC * es) + 63) & ~(size_t)63;             \
    for (int t = 0; t < MAX_THREADS; t++) j->akey[t] = -1;                                      \
    return NAME##_run_chunks(j, nt, NAME##_ctask);                                              \
  }                                                                                             \
                                                                                                \
  /* A-in-place mode, tasks [t0, t1): chunk t % nchunks of item t / nchunks, all M rows. Per */  \
  /* KC block the chunk's B (in L2) is packed by this task only; A is read where it lies, mc */  \
  /* rows at a time, except a last panel of fewer than MR rows: that one is packed (its zero */  \
  /* rows keep the kernel inside A) and runs through the edge kernels. */                        \
  static void NAME##_atask(void *arg, int64_t t0, int64_t t1, int tid) {                        \
    mm_job *j = arg;                                                                            \
    T *apack = (T *)(j->work + (size_t)tid * (j->a_bytes + j->b_bytes));                        \
    T *bpack = (T *)((char *)apack + j->a_bytes);                                               \
    T tmp[MR * NR];                                                                             \
    for (int64_t t = t0; t < t1; t++) {                                                         \
      const int64_t q = t / j->nchunks, n0 = t % j->nchunks * j->nc;                            \
      const int64_t ncw = j->N - n0 < j->nc ? j->N - n0 : j->nc, np = (ncw + NR - 1) / NR;      \
      const T *a = (const T *)j->a + q * j->sab;                                                \
      const T *b = (const T *)j->b + q * j->sbb + n0 * j->sbn;                                  \
      T *c = (T *)j->c + q * j->scb + n0 * j->scn;                                              \
      for (int64_t kk = 0; kk < j->K; kk += KC) {                                               \
        const int64_t kc = j->K - kk < KC ? j->K - kk : KC;                                     \
        const int acc = kk > 0;                                                                 \
        NAME##_pack_b_block(j, b + kk * j->sbk, ncw, np, kc, bpack);                            \
        for (int64_t i0 = 0; i0 < j->M; i0 += j->mc) {                                          \
          const int64_t mc = j->M - i0 < j->mc ? j->M - i0 : j->mc, mp = (mc + MR - 1) / MR;    \
          const int64_t hl = mc - (mp - 1) * MR; /* rows of the last panel */                   \
          if (hl < MR) NAME##_pack_a(j, a + (i0 + (mp - 1) * MR) * j->sam + kk, hl, kc, apack); \
          for (int64_t jp = 0; jp < np; jp++) {                                                 \
            const int64_t w = ncw - jp * NR < NR ? ncw - jp * NR : NR;                          \
            const T *bpanel = bpack + jp * NR * kc;                                             \
            const int direct = w == NR && j->scn == 1;                                          \
            for (int64_t ip = 0; ip < mp; ip++) {                                               \
              const int64_t h = ip == mp - 1 ? hl : MR;                                         \
              T *cp = c + (i0 + ip * MR) * j->scm + jp * NR * j->scn;                           \
              if (h == MR && direct) {                                                          \
                UKR##_ip(kc, a + (i0 + ip * MR) * j->sam + kk, j->sam, bpanel, cp, j->scm, acc); \
              } else if (h == MR) {                                                             \
                UKR##_ip(kc, a + (i0 + ip * MR) * j->sam + kk, j->sam, bpanel, tmp, NR, 0);     \
                NAME##_edge(tmp, cp, h, w, j->scm, j->scn, acc);                                \
              } else if (!UKR##_edge(kc, apack, bpanel, NR, tmp, h, direct, cp, j->scm, acc)) { \
                NAME##_edge(tmp, cp, h, w, j->scm, j->scn, acc);                                \
              }                                                                                 \
            }                                                                                   \
          }                                                                                     \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }                                                                                             \
                                                                                                \
  static int NAME##_run_ainplace(mm_job *j, int nt) {                                           \
    const size_t es = sizeof(T);                                                                \
    /* chunks as wide as AIP_B_BYTES allows */                                                  \
    NAME##_split_n(j, nt, (int64_t)(AIP_B_BYTES / ((size_t)KC * es)) / NR * NR);                \
    /* A blocks of equal whole panels, AIP_MC rows at most */                                  \
    const int64_t blocks = (j->M + AIP_MC - 1) / AIP_MC;                                        \
    j->mc = ((j->M + blocks - 1) / blocks + MR - 1) / MR * MR;                                  \
    j->a_bytes = ((size_t)MR * KC * es + 63) & ~(size_t)63;                                     \
    return NAME##_run_chunks(j, nt, NAME##_atask);                                              \
  }                                                                                             \
                                                                                                \
  static int NAME##_run(mm_job *j) {                                                            \
    const size_t es = sizeof(T);                                                                \
    j->mpanels = (j->M + MR - 1) / MR;                                                          \
    j->npanels = (j->N + NR - 1) / NR;                                                          \
    const double flops = 2.0 * (double)j->M * (double)j->N * (double)j->K * (double)j->batch;   \
    int nt = flops < 2e6 ? 1 : tl_max_threads();                                                \
    if (nt > MAX_THREADS) nt = MAX_THREADS;                                                     \
    /* few row panels to share out, or a B too big to copy whole per thread: split N instead */ \
    const double bfull = (double)j->npanels * NR * (double)es * (double)j->K;                   \
    if ((double)j->mpanels * (double)j->batch < COL_TASKS * nt || bfull * nt > ROW_B_LIMIT)              \
      return NAME##_run_cols(j, nt);                                                            \
    if (j->sak == 1 && j->M <= AIP_MAX_M &&                                                     \
        ((size_t)(j->M * j->K) * es <= AIP_A_L2 || j->N >= 2 * j->M))                           \
      return NAME##_run_ainplace(j, nt);                                                        \
    const int64_t rows = row_tasks(j, nt, MC / MR) * MR;                                        \
    j->b_inplace = j->sbn == 1 && j->sbk >= 0 && (size_t)j->sbk * es < B_INPLACE_MAX;           \
    /* a K slab as deep as the limit allows, in whole KC blocks */                              \
    const size_t brow = (size_t)(j->b_inplace ? 1 : j->npanels) * NR * es;                      \
    int64_t ks = j->K;                                                                          \
    if (brow * (size_t)ks > PACK_LIMIT) {                                                       \
      ks = (int64_t)(PACK_LIMIT / brow) / KC * KC;                                              \
      if (ks < KC) ks = KC;                                                                     \
    }                                                                                           \
    /* KC blocks per A group: as many as fit the L2 budget, at least one */                     \
    int64_t kgroup = (int64_t)(A_BUDGET / (es * (size_t)rows)) / KC * KC;                       \
    if (kgroup < KC) kgroup = KC;                                                               \
    if (kgroup > ks) kgroup = ks;                                                               \
    j->kgroup = kgroup;                                                                         \
    j->a_bytes = (es * (size_t)(rows * kgroup) + 63) & ~(size_t)63;                             \
    j->b_bytes = (brow * (size_t)ks + 63) & ~(size_t)63;                                        \
    j->work = tl_scratch(TL_SCRATCH_GEMM, (j->a_bytes + j->b_bytes) * (size_t)nt);                             \
    if (!j->work) return -1;                                                                    \
    for (int64_t k0 = 0; k0 < j->K; k0 += ks) {                                                 \
      j->k0 = k0;                                                                               \
      j->ks = j->K - k0 < ks ? j->K - k0 : ks;                                                  \
      for (int t = 0; t < MAX_THREADS; t++) j->bkey[t] = -1;                                    \
      tl_parallel_for(j->batch * j->tasks_per_item + j->halves, 1, nt, NAME##_task, j);         \
    }                                                                                           \
    tl_scratch_trim(TL_SCRATCH_GEMM);                                                           \
    return 0;                                                                                   \
  }

DEFINE_GEMM(gemm_f32, float, NRF, KC_F, MC_F, ukr_f32)
DEFINE_GEMM(gemm_f64, double, NRD, KC_D, MC_D, ukr_f64)

/*
 * A few rows (M <= SMALL_M) times a B whose rows are contiguous (a vector
 * times a matrix, x @ W with a batch of 1..4): B is read in place, once, in
 * strips of SM_NV vectors; every row's accumulators for the strip stay in
 * registers over the whole of K. Packing B would copy as much as the product
 * reads. Tasks are (batch item, strip); the last strip of a row masks its
 * loads.
 */
#define SMALL_M 4
#define SM_NV 4

#define DEFINE_SMALLM_ROWS(NAME, R, T, V, VL, ZERO, LOAD, LOADM, STORE, SET1, FMA)                  \
  static void NAME##_r##R(const mm_job *j, const T *a, const T *b, T *c, int64_t w) {              \
    V acc[R][SM_NV];                                                                              \
    for (int r = 0; r < R; r++)                                                                   \
      for (int v = 0; v < SM_NV; v++) acc[r][v] = ZERO();                                         \
    const int64_t sam = j->sam, sak = j->sak, sbk = j->sbk;                                       \
    if (w == SM_NV * VL) {                                                                        \
      for (int64_t k = 0; k < j->K; k++) {                                                        \
        V bv[SM_NV];                                                                              \
        for (int v = 0; v < SM_NV; v++) bv[v] = LOAD(b + k * sbk + v * VL);                       \
        for (int r = 0; r < R; r++) {                                                             \
          const V av = SET1(a[r * sam + k * sak]);                                                \
          for (int v = 0; v < SM_NV; v++) acc[r][v] = FMA(av, bv[v], acc[r][v]);                  \
        }                                                                                         \
      }                                                                                           \
    } else {                                                                                      \
      uint32_t mask[SM_NV];                                                                       \
      for (int v = 0; v < SM_NV; v++) {                                                           \
        const int64_t lanes = w - v * VL < 0 ? 0 : w - v * VL > VL ? VL : w - v * VL;             \
        mask[v] = (uint32_t)(((uint64_t)1 << lanes) - 1);                                         \
      }                                                                                           \
      for (int64_t k = 0; k < j->K; k++) {                                                        \
        V bv[SM_NV];                                                                              \
        for (int v = 0; v < SM_NV; v++) bv[v] = LOADM(mask[v], b + k * sbk + v * VL);            \
        for (int r = 0; r < R; r++) {                                                             \
          const V av = SET1(a[r * sam + k * sak]);                                                \
          for (int v = 0; v < SM_NV; v++) acc[r][v] = FMA(av, bv[v], acc[r][v]);                  \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
    for (int r = 0; r < R; r++) {                                                                 \
      T *o = c + r * j->scm;                                                                      \
      if (w == SM_NV * VL && j->scn == 1) {                                                       \
        for (int v = 0; v < SM_NV; v++) STORE(o + v * VL, acc[r][v]);                             \
      } else {                                                                                    \
        T lanes[SM_NV * VL];                                                                      \
        for (int v = 0; v < SM_NV; v++) STORE(lanes + v * VL, acc[r][v]);                         \
        for (int64_t x = 0; x < w; x++) o[x * j->scn] = lanes[x];                                 \
      }                                                                                           \
    }                                                                                             \
  }

#define DEFINE_SMALLM(NAME, T, V, VL, ZERO, LOAD, LOADM, STORE, SET1, FMA)                          \
  DEFINE_SMALLM_ROWS(NAME, 1, T, V, VL, ZERO, LOAD, LOADM, STORE, SET1, FMA)                        \
  DEFINE_SMALLM_ROWS(NAME, 2, T, V, VL, ZERO, LOAD, LOADM, STORE, SET1, FMA)                        \
  DEFINE_SMALLM_ROWS(NAME, 3, T, V, VL, ZERO, LOAD, LOADM, STORE, SET1, FMA)                        \
  DEFINE_SMALLM_ROWS(NAME, 4, T, V, VL, ZERO, LOAD, LOADM, STORE, SET1, FMA)                        \
  /* tasks [t0, t1): strip t % npanels of item t / npanels (npanels counts strips here) */         \
  static void NAME##_task(void *arg, int64_t t0, int64_t t1, int tid) {                            \
    (void)tid;                                                                                    \
    const mm_job *j = arg;                                                                        \
    for (int64_t t = t0; t < t1; t++) {                                                           \
      const int64_t q = t / j->npanels, n0 = t % j->npanels * (SM_NV * VL);                       \
      const int64_t w = j->N - n0 < SM_NV * VL ? j->N - n0 : SM_NV * VL;                          \
      const T *a = (const T *)j->a + q * j->sab;                                                  \
      const T *b = (const T *)j->b + q * j->sbb + n0;                                             \
      T *c = (T *)j->c + q * j->scb + n0 * j->scn;                                                \
      switch (j->M) {                                                                             \
        case 1: NAME##_r1(j, a, b, c, w); break;                                                  \
        case 2: NAME##_r2(j, a, b, c, w); break;                                                  \
        case 3: NAME##_r3(j, a, b, c, w); break;                                                  \
        default: NAME##_r4(j, a, b, c, w); break;                                                 \
      }                                                                                           \
    }                                                                                             \
  }                                                                                               \
  static void NAME##_run(mm_job *j) {                                                             \
    j->npanels = (j->N + SM_NV * VL - 1) / (SM_NV * VL);                                          \
    const int64_t tasks = j->batch * j->npanels;                                                  \
    /* B's reads dominate: a few rows cost about as much as 8 */                                  \
    const double work = 16.0 * (double)j->N * (double)j->K * (double)j->batch;                    \
    const int nt = work < 2e6 ? 1 : tl_max_threads();                                             \
    int64_t grain = tasks / (8 * (int64_t)nt);                                                    \
    tl_parallel_for(tasks, grain < 1 ? 1 : grain, nt, NAME##_task, j);                            \
  }

DEFINE_SMALLM(smallm_f32, float, vfs, VLF, VF_ZERO, VF_LOAD, VF_LOADM, VF_STORE, VF_SET1, VF_FMA)
DEFINE_SMALLM(smallm_f64, double, vds, VLD, VD_ZERO, VD_LOAD, VD_LOADM, VD_STORE, VD_SET1, VD_FMA)

int tl_matmul(const tl_tensor *out, const tl_tensor *a, const tl_tensor *b) {
  mm_job j;
  memset(&j, 0, sizeof j);
  const int64_t batch = a->shape[0];
  j.M = a->shape[1];
  j.K = a->shape[2];
  j.N = b->shape[2];
  j.a = tl_first(a);
  j.b = tl_first(b);
  j.c = tl_first(out);
  j.sab = a->strides[0], j.sam = a->strides[1], j.sak = a->strides[2];
  j.sbb = b->strides[0], j.sbk = b->strides[1], j.sbn = b->strides[2];
  j.scb = out->strides[0], j.scm = out->strides[1], j.scn = out->strides[2];
  j.shared_b = j.sbb == 0 || batch == 1;
  j.batch = batch;
  if (batch == 0 || j.M == 0 || j.N == 0) return 0;
  if (j.K == 0) {
    /* an empty sum: zeros, as the reference writes */
    for (int64_t p = 0; p < batch; p++)
      for (int64_t i = 0; i < j.M; i++)
        for (int64_t q = 0; q < j.N; q++) {
          char *o = j.c + (p * j.scb + i * j.scm + q * j.scn) * tl_esize(out->dtype);
          if (out->dtype == TL_F32) *(float *)o = 0;
          else *(double *)o = 0;
        }
    return 0;
  }
  /* B shared by every item, A's and C's items one after another: one product of batch * M rows */
  if (batch > 1 && j.sbb == 0 && j.sab == j.M * j.sam && j.scb == j.M * j.scm) {
    j.M *= batch;
    j.batch = 1;
  }
  /* a few rows, B's rows contiguous: B read in place */
  if (j.M <= SMALL_M && j.sbn == 1) {
    if (a->dtype == TL_F32) smallm_f32_run(&j);
    else smallm_f64_run(&j);
    return 0;
  }
  /* a few columns (or rows), both operands contiguous along K (a linear layer's head): plain dot products */
  const int dots = tl_matmul_dots(out, a, b);
  if (dots != 0) return dots < 0 ? -1 : 0;
  return a->dtype == TL_F32 ? gemm_f32_run(&j) : gemm_f64_run(&j);
}
