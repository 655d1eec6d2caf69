/*
 * conv2d forward (float32, float64) as a GEMM whose column matrix is never
 * built: weights [O, K] times windows [K, positions], K = C * kh * kw.
 *
 * The trick: with unit stride, window element k = (c, i, j) of output (y, x)
 * is image element (c, y + i*dh, x + j*dw). Number the outputs p = y * R + x,
 * R being the image's row pitch, and that element sits at p + off[k] with
 * off[k] = c * plane pitch + i*dh * R + j*dw, the same offset for every p.
 * So consecutive positions read consecutive image elements: a vector of the
 * column matrix is one unaligned load from the image itself. Positions with
 * x >= ow (the rest of each R-wide row) are computed too and dropped when
 * copied out: R / ow - 1 extra work (8% for a 26-wide image, 3x3 kernel).
 *
 * Unit stride, no padding and a unit column stride read the input in place.
 * Anything else (padding, strides, other layouts) first copies a chunk of
 * images into a zero-padded scratch split by stride phase, (c, h % sh,
 * w % sw, h / sh, w / sw), where every stride becomes 1 and the same loop
 * applies (the copy is about kh * kw times smaller than im2col's).
 *
 * A task is one image, a group of MR-row weight panels and a range of tiles
 * (NV vectors of positions each). Per tile and panel the accumulators stay
 * in registers over the whole of K, then go to a per-thread stage in the
 * same wide layout with plain aligned stores; at the end of the task the
 * stage's output rows are copied to out with the bias added. (Storing each
 * vector's valid lanes straight into out with masked stores made the whole
 * kernel 25% slower here.)
 *
 * Every read of a position below P = (oh - 1) * R + ow stays inside the
 * image's planes (the largest is (H - 1) * R + W - 1 past the origin), so
 * only the last tile of an image needs to mask its loads.
 *
 * Row pairs (AVX-512, VL < ow <= 1.5 VL: 24 for float32, the 3x3 layer on
 * 26-wide MNIST maps): the R - ow positions dropped per row (8% for ow = 24)
 * are not computed. A tile is two output rows y, y + 1: a vector of each
 * row's first VL positions, and one vector whose low half holds row y's
 * remaining ow - VL positions and whose high half row y + 1's, put together
 * by two masked loads. Each position still sums its K terms in the same
 * order, so the values are the same to the bit.
 */
#include <stdlib.h>
#include <string.h>

#include "torchlet.h"

#include "vec.h"

/* vectors of positions per tile; weight rows per panel (with 24 accumulators either way) */
#define NV 3
#if defined(__AVX512F__)
#define MR 8
#else
#define MR 4
#endif

/* a chunk of padded images copied at once (bytes), at least one image */
#define CHUNK_BYTES ((size_t)4 << 20)

/* a masked load that keeps src's other lanes (row pairs' third vector); row pairs need AVX-512 */
#if defined(__AVX512F__)
#define PAIRS 1
#define VF_LOADM_INTO(src, m, p) _mm512_mask_loadu_ps(src, (__mmask16)(m), p)
#define VD_LOADM_INTO(src, m, p) _mm512_mask_loadu_pd(src, (__mmask8)(m), p)
#else
#define PAIRS 0
#define VF_LOADM_INTO(src, m, p) (src)
#define VD_LOADM_INTO(src, m, p) (src)
#endif
/* one thread's stage at most (bytes): it should stay in L2 */
#define STAGE_BYTES ((size_t)192 << 10)

typedef struct {
  const tl_conv_geom *g;
  int64_t K, O, npanels;
  /* the images: image n's origin is src + n * src_n; window element k of position p is at p + off[k] */
  const char *src;
  int64_t src_n;
  const int64_t *off;
  int64_t R, P, ntiles;
  int pairs; /* tiles are row pairs (ntiles = ceil(oh / 2)) */
  /* tasks: images x panel groups x tile ranges */
  int64_t pgroups, tranges;
  const char *apack; /* [npanels][K][MR] */
  const char *bias;
  int64_t bias_s;
  char *out; /* image 0 of this chunk */
  int64_t out_n, out_o;
  char *stage; /* per thread, stage_bytes each */
  size_t stage_bytes;
  /* the copy into phase planes: images [n0, n0 + count) of x */
  const tl_tensor *x;
  int64_t n0, Hq, Wq;
  char *phased;
} conv_job;

#define DEFINE_CONV(NAME, T, V, VL, ZERO, LOAD, STORE, LOADM, LOADM_INTO, SET1, FMA, ADD)                 \
  /* weights [O, C, kh, kw] (any strides) -> MR-row panels [npanels][K][MR], zero rows past O */   \
  static void NAME##_pack(const tl_tensor *w, int64_t npanels, T *d) {                              \
    const T *src = (const T *)tl_first(w);                                                          \
    const int64_t O = w->shape[0], C = w->shape[1], kh = w->shape[2], kw = w->shape[3];             \
    for (int64_t p = 0; p < npanels; p++)                                                           \
      for (int64_t c = 0; c < C; c++)                                                               \
        for (int64_t i = 0; i < kh; i++)                                                            \
          for (int64_t jj = 0; jj < kw; jj++, d += MR)                                              \
            for (int64_t r = 0; r < MR; r++) {                                                      \
              const int64_t o = p * MR + r;                                                         \
              d[r] = o < O ? src[o * w->strides[0] + c * w->strides[1] + i * w->strides[2] +        \
                                 jj * w->strides[3]]                                                \
                           : 0;                                                                     \
            }                                                                                       \
  }                                                                                                 \
                                                                                                    \
  /* planes [q0, q1) of the chunk (q = image * C + channel): zero padding, phase-split copy */     \
  static void NAME##_phase_part(void *arg, int64_t q0, int64_t q1, int tid) {                       \
    (void)tid;                                                                                      \
    const conv_job *j = arg;                                                                        \
    const tl_conv_geom *g = j->g;                                                                   \
    const tl_tensor *x = j->x;                                                                      \
    const int64_t plane = g->sh * g->sw * j->Hq * j->Wq;                                            \
    for (int64_t q = q0; q < q1; q++) {                                                             \
      const int64_t n = j->n0 + q / g->c, c = q % g->c;                                             \
      T *d = (T *)j->phased + q * plane;                                                            \
      const T *s = (const T *)tl_first(x) + n * x->strides[0] + c * x->strides[1];                  \
      memset(d, 0, (size_t)plane * sizeof(T));                                                      \
      for (int64_t h = 0; h < g->h; h++) {                                                          \
        const int64_t hp = h + g->ph;                                                               \
        T *drow = d + (hp % g->sh) * g->sw * j->Hq * j->Wq + (hp / g->sh) * j->Wq;                  \
        const T *srow = s + h * x->strides[2];                                                      \
        if (g->sw == 1) {                                                                           \
          for (int64_t w = 0; w < g->w; w++) drow[g->pw + w] = srow[w * x->strides[3]];             \
        } else {                                                                                    \
          for (int64_t w = 0; w < g->w; w++) {                                                      \
            const int64_t wp = w + g->pw;                                                           \
            drow[(wp % g->sw) * j->Hq * j->Wq + wp / g->sw] = srow[w * x->strides[3]];              \
          }                                                                                         \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  }                                                                                                 \
                                                                                                    \
  /* tile t of image n for weight panels [pa, pb), into stage rows (panel - pa) * MR + r */        \
  static void NAME##_tile(const conv_job *j, int64_t n, int64_t t, int64_t pa, int64_t pb, T *stage, \
                          int64_t sw) {                                                             \
    const int64_t K = j->K, p0 = t * NV * VL;                                                       \
    /* lanes at or past P are not loaded (zeros) */                                                 \
    uint32_t load[NV];                                                                              \
    for (int v = 0; v < NV; v++) {                                                                  \
      const int64_t left = j->P - (p0 + v * VL);                                                    \
      load[v] = left >= VL ? (uint32_t)((1ull << VL) - 1) : left > 0 ? (uint32_t)((1ull << left) - 1) : 0; \
    }                                                                                               \
    const T *img = (const T *)j->src + n * j->src_n + p0;                                           \
    const int64_t *off = j->off;                                                                    \
    for (int64_t panel = pa; panel < pb; panel++) {                                                 \
      const T *a = (const T *)j->apack + panel * K * MR;                                            \
      V acc[MR][NV];                                                                                \
      for (int r = 0; r < MR; r++)                                                                  \
        for (int v = 0; v < NV; v++) acc[r][v] = ZERO();                                            \
      /* one loop for full and last tiles (all-ones masks cost nothing extra) */                   \
      for (int64_t k = 0; k < K; k++, a += MR) {                                                    \
        const T *s = img + off[k];                                                                  \
        V b[NV];                                                                                    \
        for (int v = 0; v < NV; v++) b[v] = LOADM(load[v], s + v * VL);                             \
        for (int r = 0; r < MR; r++) {                                                              \
          const V av = SET1(a[r]);                                                                  \
          for (int v = 0; v < NV; v++) acc[r][v] = FMA(av, b[v], acc[r][v]);                       \
        }                                                                                           \
      }                                                                                             \
      T *st = stage + (panel - pa) * MR * sw;                                                       \
      for (int r = 0; r < MR; r++)                                                                  \
        for (int v = 0; v < NV; v++) STORE(st + r * sw + v * VL, acc[r][v]);                        \
    }                                                                                               \
  }                                                                                                 \
                                                                                                    \
  /* row-pair tile t (rows 2t, 2t + 1) of image n for weight panels [pa, pb), into stage rows */   \
  /* (panel - pa) * MR + r: [row 2t's first VL | row 2t + 1's first VL | both rows' rest] */       \
  static void NAME##_tile_pair(const conv_job *j, int64_t n, int64_t t, int64_t pa, int64_t pb,    \
                               T *stage, int64_t sw) {                                             \
    const int64_t K = j->K, rest = j->g->ow - VL, y0 = 2 * t;                                      \
    const int second = y0 + 1 < j->g->oh; /* an odd last row has no partner: its lanes stay 0 */   \
    const uint32_t full = (uint32_t)((1ull << VL) - 1), lo = (uint32_t)((1ull << rest) - 1);       \
    const uint32_t m1 = second ? full : 0, hi = second ? lo << (VL / 2) : 0;                       \
    const T *img = (const T *)j->src + n * j->src_n + y0 * j->R;                                   \
    const int64_t *off = j->off;                                                                   \
    for (int64_t panel = pa; panel < pb; panel++) {                                                \
      const T *a = (const T *)j->apack + panel * K * MR;                                           \
      V acc[MR][NV];                                                                               \
      for (int r = 0; r < MR; r++)                                                                 \
        for (int v = 0; v < NV; v++) acc[r][v] = ZERO();                                           \
      for (int64_t k = 0; k < K; k++, a += MR) {                                                   \
        const T *s = img + off[k];                                                                 \
        V b[NV];                                                                                   \
        b[0] = LOAD(s);                                                                            \
        b[1] = LOADM(m1, s + j->R);                                                                \
        /* lane L >= VL/2 reads s + R + VL/2 + L: row y + 1's position VL + (L - VL/2) */          \
        b[2] = LOADM_INTO(LOADM(lo, s + VL), hi, s + j->R + VL / 2);                               \
        for (int r = 0; r < MR; r++) {                                                             \
          const V av = SET1(a[r]);                                                                 \
          for (int v = 0; v < NV; v++) acc[r][v] = FMA(av, b[v], acc[r][v]);                      \
        }                                                                                          \
      }                                                                                            \
      T *st = stage + (panel - pa) * MR * sw;                                                      \
      for (int r = 0; r < MR; r++)                                                                 \
        for (int v = 0; v < NV; v++) STORE(st + r * sw + v * VL, acc[r][v]);                       \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* dst[0, m) = src[0, m) + bias: whole vectors, the last one overlapping the one before */        \
  static inline void NAME##_row(T *dst, const T *src, int64_t m, T bias) {                          \
    const V bv = SET1(bias);                                                                        \
    if (m < VL) {                                                                                   \
      for (int64_t x = 0; x < m; x++) dst[x] = src[x] + bias;                                       \
      return;                                                                                       \
    }                                                                                               \
    int64_t x = 0;                                                                                  \
    for (; x + VL <= m; x += VL) STORE(dst + x, ADD(LOAD(src + x), bv));                            \
    if (x < m) STORE(dst + m - VL, ADD(LOAD(src + m - VL), bv));                                    \
  }                                                                                                 \
                                                                                                    \
  /* tasks [t0, t1): task = (image, panel group, tile range) */                                    \
  static void NAME##_part(void *arg, int64_t t0, int64_t t1, int tid) {                             \
    const conv_job *j = arg;                                                                        \
    T *stage = (T *)(j->stage + (size_t)tid * j->stage_bytes);                                      \
    const int64_t ow = j->g->ow;                                                                    \
    for (int64_t t = t0; t < t1; t++) {                                                             \
      const int64_t tr = t % j->tranges, gi = (t / j->tranges) % j->pgroups;                        \
      const int64_t n = t / j->tranges / j->pgroups;                                                \
      const int64_t pa = j->npanels * gi / j->pgroups, pb = j->npanels * (gi + 1) / j->pgroups;     \
      const int64_t ta = j->ntiles * tr / j->tranges, tb = j->ntiles * (tr + 1) / j->tranges;       \
      if (pa == pb || ta == tb) continue;                                                           \
      const int64_t sw = (tb - ta) * NV * VL;                                                       \
      for (int64_t tile = ta; tile < tb; tile++) {                                                  \
        if (j->pairs) NAME##_tile_pair(j, n, tile, pa, pb, stage + (tile - ta) * NV * VL, sw);      \
        else NAME##_tile(j, n, tile, pa, pb, stage + (tile - ta) * NV * VL, sw);                    \
      }                                                                                             \
      if (j->pairs) {                                                                               \
        const int64_t oend = pb * MR < j->O ? pb * MR : j->O, rest = ow - VL;                       \
        for (int64_t o = pa * MR; o < oend; o++) {                                                  \
          const T bias = j->bias ? ((const T *)j->bias)[o * j->bias_s] : (T)0;                      \
          T *plane = (T *)j->out + n * j->out_n + o * j->out_o;                                     \
          for (int64_t tile = ta; tile < tb; tile++) {                                              \
            const T *st = stage + (o - pa * MR) * sw + (tile - ta) * NV * VL;                       \
            for (int64_t y = 2 * tile, h = 0; h < 2 && y < j->g->oh; y++, h++) {                    \
              NAME##_row(plane + y * ow, st + h * VL, VL, bias);                                    \
              NAME##_row(plane + y * ow + VL, st + 2 * VL + h * (VL / 2), rest, bias);              \
            }                                                                                       \
          }                                                                                         \
        }                                                                                           \
        continue;                                                                                   \
      }                                                                                             \
      /* the output rows (parts of rows at the range's ends) of positions [lo, hi) */              \
      const int64_t lo = ta * NV * VL, hi = tb * NV * VL < j->P ? tb * NV * VL : j->P;              \
      const int64_t oend = pb * MR < j->O ? pb * MR : j->O;                                         \
      for (int64_t o = pa * MR; o < oend; o++) {                                                    \
        const T bias = j->bias ? ((const T *)j->bias)[o * j->bias_s] : (T)0;                        \
        T *plane = (T *)j->out + n * j->out_n + o * j->out_o;                                       \
        const T *srow = stage + (o - pa * MR) * sw - lo;                                            \
        for (int64_t y = lo / j->R; y * j->R < hi; y++) {                                           \
          const int64_t xa = lo > y * j->R ? lo - y * j->R : 0;                                     \
          const int64_t xb = hi - y * j->R < ow ? hi - y * j->R : ow;                               \
          if (xa < xb) NAME##_row(plane + y * ow + xa, srow + y * j->R + xa, xb - xa, bias);        \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  }                                                                                                 \
                                                                                                    \
  static int NAME##_run(const tl_tensor *out, const tl_tensor *x, const tl_tensor *w,               \
                        const tl_tensor *bias, const tl_conv_geom *g) {                             \
    const size_t es = sizeof(T);                                                                    \
    conv_job j;                                                                                     \
    memset(&j, 0, sizeof j);                                                                        \
    j.g = g;                                                                                        \
    j.O = w->shape[0];                                                                              \
    j.K = g->c * g->kh * g->kw;                                                                     \
    j.npanels = (j.O + MR - 1) / MR;                                                                \
    /* in place: unit strides, no padding, unit column step, rows no closer than W (and not much */ \
    /* farther: each row's slack is computed and dropped; copying the images costs far less) */    \
    const int64_t rowp = g->h == 1 ? g->w : x->strides[2];                                          \
    const int in_place = g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0 &&                    \
                         x->strides[0] >= 0 && x->strides[1] >= 0 && rowp >= g->w &&                \
                         rowp <= g->w + VL && (g->w == 1 || x->strides[3] == 1);                    \
    int64_t plane, per;                                                                             \
    if (in_place) {                                                                                 \
      j.R = rowp;                                                                                   \
      plane = x->strides[1];                                                                        \
      per = g->n;                                                                                   \
    } else {                                                                                        \
      j.Hq = (g->h + 2 * g->ph + g->sh - 1) / g->sh;                                                \
      j.Wq = (g->w + 2 * g->pw + g->sw - 1) / g->sw;                                                \
      j.R = j.Wq;                                                                                   \
      /* huge paddings: the padded images would not fit in memory (and the sizes could overflow) */ \
      if ((double)g->c * (double)(g->sh * g->sw) * (double)j.Hq * (double)j.Wq * (double)es > 1e15)   \
        return -1;                                                                                  \
      plane = g->sh * g->sw * j.Hq * j.Wq;                                                          \
      per = (int64_t)(CHUNK_BYTES / ((size_t)(g->c * plane) * es + 1));                             \
      if (per < 1) per = 1;                                                                         \
      if (per > g->n) per = g->n;                                                                   \
    }                                                                                               \
    j.P = (g->oh - 1) * j.R + g->ow;                                                                \
    j.ntiles = (j.P + NV * VL - 1) / (NV * VL);                                                     \
    j.pairs = PAIRS && NV == 3 && g->ow > VL && 2 * g->ow <= 3 * VL;                                \
    if (j.pairs) j.ntiles = (g->oh + 1) / 2;                                                        \
    /* the fewest tasks whose stage (rows x positions) fits STAGE_BYTES; at least a panel x a tile */ \
    const double tile_bytes = (double)(NV * VL) * (double)es;                                       \
    int64_t pg0 = 1, tr0 = 1;                                                                       \
    if ((double)(j.npanels * MR) * tile_bytes > (double)STAGE_BYTES) {                              \
      pg0 = (int64_t)((double)(j.npanels * MR) * tile_bytes / (double)STAGE_BYTES) + 1;             \
      if (pg0 > j.npanels) pg0 = j.npanels;                                                         \
    }                                                                                               \
    const int64_t rows0 = (j.npanels + pg0 - 1) / pg0 * MR;                                         \
    int64_t fit = (int64_t)((double)STAGE_BYTES / ((double)rows0 * tile_bytes));                    \
    if (fit < 1) fit = 1;                                                                           \
    tr0 = (j.ntiles + fit - 1) / fit;                                                               \
    j.stage_bytes = ((size_t)rows0 * (size_t)((j.ntiles + tr0 - 1) / tr0) * (size_t)(NV * VL) * es + 63) \
                    & ~(size_t)63;                                                                  \
    /* scratch: [packed weights][offsets][phase planes of a chunk][a stage per thread] */          \
    const size_t a_bytes = ((size_t)(j.npanels * MR * j.K) * es + 63) & ~(size_t)63;                \
    const size_t o_bytes = ((size_t)j.K * sizeof(int64_t) + 63) & ~(size_t)63;                      \
    const size_t x_bytes = in_place ? 0 : ((size_t)(per * g->c * plane) * es + 63) & ~(size_t)63;  \
    char *work = tl_scratch(TL_SCRATCH_CONV, a_bytes + o_bytes + x_bytes + j.stage_bytes * (size_t)tl_max_threads()); \
    if (!work) return -1;                                                                           \
    j.apack = work;                                                                                 \
    NAME##_pack(w, j.npanels, (T *)work);                                                           \
    int64_t *off = (int64_t *)(work + a_bytes);                                                     \
    j.off = off;                                                                                    \
    for (int64_t c = 0, k = 0; c < g->c; c++)                                                       \
      for (int64_t i = 0; i < g->kh; i++)                                                           \
        for (int64_t jj = 0; jj < g->kw; jj++, k++) {                                               \
          if (in_place) {                                                                           \
            off[k] = c * plane + i * g->dh * rowp + jj * g->dw;                                     \
          } else {                                                                                  \
            const int64_t di = i * g->dh, dj = jj * g->dw;                                          \
            off[k] = c * plane + ((di % g->sh) * g->sw + dj % g->sw) * j.Hq * j.Wq +                \
                     (di / g->sh) * j.Wq + dj / g->sw;                                              \
          }                                                                                         \
        }                                                                                           \
    j.bias = bias ? tl_first(bias) : NULL;                                                          \
    j.bias_s = bias ? bias->strides[0] : 0;                                                         \
    j.out_n = out->strides[0];                                                                      \
    j.out_o = out->strides[1];                                                                      \
    j.x = x;                                                                                        \
    j.phased = work + a_bytes + o_bytes;                                                            \
    j.stage = work + a_bytes + o_bytes + x_bytes;                                                   \
    const double tile_macs = (double)(MR * NV * VL) * (double)j.K;                                  \
    for (int64_t n0 = 0; n0 < g->n; n0 += per) {                                                    \
      const int64_t nb = g->n - n0 < per ? g->n - n0 : per;                                         \
      const int nt = tl_threads_for((double)(nb * j.npanels * j.ntiles) * tile_macs / 8);           \
      if (in_place) {                                                                               \
        j.src = tl_first(x) + n0 * x->strides[0] * (int64_t)es;                                     \
        j.src_n = x->strides[0];                                                                    \
      } else {                                                                                      \
        j.n0 = n0;                                                                                  \
        const double copy_work = (double)(nb * g->c) * (double)plane;                               \
        tl_parallel_for(nb * g->c, 1, tl_threads_for(copy_work), NAME##_phase_part, &j);            \
        j.src = j.phased;                                                                           \
        j.src_n = g->c * plane;                                                                     \
      }                                                                                             \
      j.out = tl_first(out) + n0 * out->strides[0] * (int64_t)es;                                   \
      /* enough tasks for the threads: split the panels, then the tiles, when images are few */    \
      j.pgroups = pg0;                                                                              \
      j.tranges = tr0;                                                                              \
      while (nb * j.pgroups * j.tranges < 4 * nt) {                                                 \
        if (j.pgroups < j.npanels) j.pgroups++;                                                     \
        else if (j.tranges < j.ntiles) j.tranges++;                                                 \
        else break;                                                                                 \
      }                                                                                             \
      const int64_t tasks = nb * j.pgroups * j.tranges;                                             \
      const double task_macs = tile_macs * (double)((j.npanels + j.pgroups - 1) / j.pgroups) *      \
                               (double)((j.ntiles + j.tranges - 1) / j.tranges);                    \
      /* chunks of at least ~64k multiply-adds, but several per thread */                          \
      int64_t grain = (int64_t)(65536 / (task_macs + 1)) + 1;                                       \
      if (grain > tasks / (4 * nt)) grain = tasks / (4 * nt) > 0 ? tasks / (4 * nt) : 1;            \
      tl_parallel_for(tasks, grain, nt, NAME##_part, &j);                                           \
    }                                                                                               \
    tl_scratch_trim(TL_SCRATCH_CONV);                                                               \
    return 0;                                                                                       \
  }

DEFINE_CONV(conv_f32, float, vfs, VLF, VF_ZERO, VF_LOAD, VF_STORE, VF_LOADM, VF_LOADM_INTO, VF_SET1, VF_FMA, VF_ADD)
DEFINE_CONV(conv_f64, double, vds, VLD, VD_ZERO, VD_LOAD, VD_STORE, VD_LOADM, VD_LOADM_INTO, VD_SET1, VD_FMA, VD_ADD)

int tl_conv2d(const tl_tensor *out, const tl_tensor *x, const tl_tensor *w, const tl_tensor *bias,
              const tl_conv_geom *g) {
  if (out->numel == 0) return 0;
  return x->dtype == TL_F32 ? conv_f32_run(out, x, w, bias, g) : conv_f64_run(out, x, w, bias, g);
}
