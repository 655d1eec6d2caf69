/*
 * conv3d forward and weight gradient (float32, float64) as GEMMs whose
 * column matrix is never built, nor packed: weights [Og, K] times windows
 * [K, positions] per group, K = Cg * kd * kh * kw, the idea of conv2d.c
 * carried to volumes.
 *
 * With unit strides, window element k = (c, a, b, e) of output (z, y, x)
 * is input element (c, z + a*dd, y + b*dh, x + e*dw): for a fixed output
 * (z, y, x0) it sits at base + off[k], off[k] = c * channel pitch + a*dd *
 * plane pitch + b*dh * row pitch + e*dw, the same offsets for every output.
 * Consecutive outputs along a row read consecutive input elements, so a
 * vector of the column matrix is one (masked) load from the input itself.
 *
 * Unlike conv2d.c, which numbers positions across rows and computes each
 * row's slack, a vector here covers part of one output row (its lanes past
 * oW masked): a 3-d input's slack is per row and per plane (about 13% for
 * 32 x 32 planes padded by 1), and a row of 32 outputs is exactly two
 * float32 vectors. A slot is one such vector of an image's output rows.
 *
 * Forward: a tile is NV consecutive slots; an MR-row weight panel's
 * accumulators for it stay in registers over all of K, then go straight to
 * out with the bias added. Tasks are (image, group, range of tiles).
 *
 * Weight gradient: gw[o, k] sums gout[o, p] * window element k of p over
 * positions p; blocks of MO outputs x MK window elements keep vector sums
 * in registers over a task's range of slots (small enough that its gout and
 * input stay in L2), then add their lanes' totals into the task's own
 * partial gw. The partials are added in task order, the tasks being the
 * same on any number of threads, so the result is too.
 *
 * Depth and height strides only change the output's pitches, so input
 * without padding whose rows have unit stride (and no width stride) is read
 * in place. Anything else first copies a chunk of images into zero-padded
 * scratch whose padded rows are split by width phase, (c, z, y, x % sw,
 * x / sw) of the padded volume, where the width stride becomes 1 and the
 * same loops apply (the copy is about kd * kh * kw times smaller than the
 * columns). Every load stays inside the input or the copy: the last output
 * reads element (oD-1)*sd + (kd-1)*dd < D + 2 pd along depth, and so on.
 *
 * Each output sums its K products in the same order wherever it runs, so
 * results do not depend on the thread count.
 */
#include <string.h>

#include "vec.h"
#include "vol3d.h"

/* vectors per tile; weight rows per panel (24 accumulators either way) */
#define NV 3
#if defined(__AVX512F__)
#define MR 8
#else
#define MR 4
#endif

/* a chunk of padded, phase-split images copied at once (bytes), at least one image */
#define CHUNK_BYTES ((size_t)4 << 20)
/* tiles per task at most (a few hundred thousand multiply-adds per panel), and tasks per chunk at */
/* least (a thread descheduled on this shared host then holds up a small part) */
#define TILES_PER_TASK 8
#define MIN_TASKS 32

/* the weight gradient's register block: MO output channels x MK window elements */
#define MO 4
#define MK 6
/* its tasks' slots at most (their gout and input stay in L2), tasks per chunk at least, and */
/* their partial sums at most (bytes) */
#define GW_SLOTS 128
#define GW_MIN_TASKS 8
/* and at least this many slots per task where the image has them (each block's 24 sums cost about */
/* as much as a few slots' products), fewer per image leave the case to the column path */
#define GW_MIN_SLOTS 64
#define GW_PART_BYTES ((size_t)64 << 20)

typedef struct {
  const tl_geom3 *g;
  int64_t groups, Cg, Og, K, ppg; /* ppg: MR-row panels per group */
  const int64_t *off;         /* [K]: window element k's offset from an output's base */
  const char *apack;          /* [groups * ppg][K][MR] */
  /* the images: image n's channel 0 at src + n * src_n (elements); channel c at + c * src_c */
  const char *src;
  int64_t src_n, src_c, pitch_d, pitch_h; /* output (z, y, x) reads from base z*pitch_d + y*pitch_h + x */
  int64_t vpr, slots, ntiles, tranges;    /* vectors per output row, per image, tiles per image */
  const char *bias;
  int64_t bias_s;
  char *out; /* image 0 of this chunk, [N, O, oD, oH, oW] contiguous */
  /* the copy into phase-split volumes: images [n0, n0 + count) of x, per at a time */
  const tl_tensor *x;
  int in_place;
  int64_t n0, q[3], per;
  char *phased;
  /* the weight gradient: gout's images from n0 on, and per task t (image, slot range) the */
  /* partial sums part + t * O * K */
  const char *gout;
  char *part;
  int64_t sranges;
} c3_job;

/* e[i] = s[2i], o[i] = s[2i + 1] for i < m: a row's even and odd elements apart (stride 2 along W) */
#if defined(__AVX512F__)
static void split2_f32(float *e, float *o, const float *s, int64_t m) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  int64_t i = 0;
  for (; i + 16 <= m; i += 16) {
    const __m512 a = _mm512_loadu_ps(s + 2 * i), b = _mm512_loadu_ps(s + 2 * i + 16);
    _mm512_storeu_ps(e + i, _mm512_permutex2var_ps(a, ie, b));
    _mm512_storeu_ps(o + i, _mm512_permutex2var_ps(a, io, b));
  }
  for (; i < m; i++) e[i] = s[2 * i], o[i] = s[2 * i + 1];
}
static void split2_f64(double *e, double *o, const double *s, int64_t m) {
  const __m512i ie = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), io = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
  int64_t i = 0;
  for (; i + 8 <= m; i += 8) {
    const __m512d a = _mm512_loadu_pd(s + 2 * i), b = _mm512_loadu_pd(s + 2 * i + 8);
    _mm512_storeu_pd(e + i, _mm512_permutex2var_pd(a, ie, b));
    _mm512_storeu_pd(o + i, _mm512_permutex2var_pd(a, io, b));
  }
  for (; i < m; i++) e[i] = s[2 * i], o[i] = s[2 * i + 1];
}
#else
static void split2_f32(float *e, float *o, const float *s, int64_t m) {
  for (int64_t i = 0; i < m; i++) e[i] = s[2 * i], o[i] = s[2 * i + 1];
}
static void split2_f64(double *e, double *o, const double *s, int64_t m) {
  for (int64_t i = 0; i < m; i++) e[i] = s[2 * i], o[i] = s[2 * i + 1];
}
#endif

/* the sum of a vector's lanes */
#if defined(__AVX512F__)
#define HSUM_F32(v) _mm512_reduce_add_ps(v)
#define HSUM_F64(v) _mm512_reduce_add_pd(v)
#else
static inline float hsum_f32(vfs v) {
  float l[VLF], t = 0;
  VF_STORE(l, v);
  for (int i = 0; i < VLF; i++) t += l[i];
  return t;
}
static inline double hsum_f64(vds v) {
  double l[VLD], t = 0;
  VD_STORE(l, v);
  for (int i = 0; i < VLD; i++) t += l[i];
  return t;
}
#define HSUM_F32(v) hsum_f32(v)
#define HSUM_F64(v) hsum_f64(v)
#endif

#define DEFINE_CONV3D(NAME, T, V, VL, ZERO, LOAD, STORE, LOADM, SET1, FMA, ADD, SPLIT2, HSUM)         \
  /* weights [O, Cg, kd, kh, kw] (contiguous) -> MR-row panels per group, zero rows past Og */        \
  static void NAME##_pack(const c3_job *j, const T *w, T *d) {                                        \
    for (int64_t gi = 0; gi < j->groups; gi++)                                                        \
      for (int64_t p = 0; p < j->ppg; p++)                                                            \
        for (int64_t k = 0; k < j->K; k++, d += MR)                                                   \
          for (int64_t r = 0; r < MR; r++) {                                                          \
            const int64_t o = p * MR + r;                                                             \
            d[r] = o < j->Og ? w[(gi * j->Og + o) * j->K + k] : (T)0;                                 \
          }                                                                                           \
  }                                                                                                   \
                                                                                                      \
  /* volumes [v0, v1) of the chunk (v = image * C + channel): zero padding, rows split by phase */   \
  static void NAME##_phase_part(void *arg, int64_t v0, int64_t v1, int tid) {                         \
    (void)tid;                                                                                        \
    const c3_job *j = arg;                                                                            \
    const tl_geom3 *g = j->g;                                                                         \
    const int64_t *xs = j->x->strides, *p = g->p, *q = j->q, sw = g->s[2], W = g->in[2];              \
    const int64_t rw = sw * q[2], chan = q[0] * q[1] * rw;                                            \
    const size_t row_bytes = (size_t)rw * sizeof(T);                                                  \
    for (int64_t v = v0; v < v1; v++) {                                                               \
      const int64_t n = j->n0 + v / g->c, c = v % g->c;                                               \
      T *d = (T *)j->phased + v * chan;                                                               \
      const T *src = (const T *)tl_first(j->x) + n * xs[0] + c * xs[1];                               \
      for (int64_t zp = 0; zp < q[0]; zp++) {                                                         \
        const int64_t z = zp - p[0];                                                                  \
        if (z < 0 || z >= g->in[0]) {                                                                 \
          memset(d + zp * q[1] * rw, 0, (size_t)q[1] * row_bytes);                                    \
          continue;                                                                                   \
        }                                                                                             \
        for (int64_t yp = 0; yp < q[1]; yp++) {                                                       \
          T *drow = d + (zp * q[1] + yp) * rw;                                                        \
          const int64_t y = yp - p[1];                                                                \
          if (y < 0 || y >= g->in[1]) {                                                               \
            memset(drow, 0, row_bytes);                                                               \
            continue;                                                                                 \
          }                                                                                           \
          const T *srow = src + z * xs[2] + y * xs[3];                                                \
          if (sw == 1 && xs[4] == 1) {                                                                \
            memset(drow, 0, (size_t)p[2] * sizeof(T));                                               \
            memcpy(drow + p[2], srow, (size_t)W * sizeof(T));                                         \
            memset(drow + p[2] + W, 0, (size_t)(rw - p[2] - W) * sizeof(T));                          \
            continue;                                                                                 \
          }                                                                                           \
          /* (a row the input fills from end to end needs no zeros) */                                \
          if (p[2] != 0 || W != rw) memset(drow, 0, row_bytes);                                      \
          if (sw == 2 && xs[4] == 1) {                                                                \
            /* x even and odd land in phases pw % 2 and 1 - pw % 2, from (pw + x) / 2 on */           \
            T *de = drow + p[2] % 2 * q[2] + p[2] / 2, *dodd = drow + (1 - p[2] % 2) * q[2] + (p[2] + 1) / 2; \
            SPLIT2(de, dodd, srow, W / 2);                                                            \
            if (W % 2) de[W / 2] = srow[W - 1];                                                       \
            continue;                                                                                 \
          }                                                                                           \
          /* phase px holds the padded row's elements X with X % sw == px, one after another */       \
          for (int64_t px = 0; px < sw; px++) {                                                       \
            const int64_t x0 = ((px - p[2]) % sw + sw) % sw; /* the first x with (x + pw) % sw == px */ \
            T *dp = drow + px * q[2] + (x0 + p[2]) / sw;                                              \
            const T *sp = srow + x0 * xs[4];                                                          \
            const int64_t step = sw * xs[4];                                                          \
            for (int64_t x = x0, i = 0; x < W; x += sw, i++) dp[i] = sp[i * step];                    \
          }                                                                                           \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
                                                                                                      \
  /* tile t of an image for group gi's panels: img is the group's first channel, dst image n's out */ \
  static void NAME##_tile(const c3_job *j, const T *img, T *dst, int64_t gi, int64_t t) {             \
    const tl_geom3 *g = j->g;                                                                         \
    const int64_t K = j->K, oW = g->out[2], oH = g->out[1], L = g->out[0] * oH * oW;                  \
    int64_t base[NV], obase[NV], lanes[NV];                                                           \
    uint32_t mask[NV];                                                                                \
    for (int v = 0; v < NV; v++) {                                                                    \
      const int64_t sl = t * NV + v;                                                                  \
      base[v] = obase[v] = lanes[v] = 0;                                                              \
      mask[v] = 0;                                                                                    \
      if (sl >= j->slots) continue;                                                                   \
      const int64_t r = sl / j->vpr, x0 = sl % j->vpr * VL, z = r / oH, y = r % oH;                   \
      base[v] = z * j->pitch_d + y * j->pitch_h + x0;                                                 \
      obase[v] = r * oW + x0;                                                                         \
      lanes[v] = oW - x0 < VL ? oW - x0 : VL;                                                         \
      mask[v] = (uint32_t)((1ull << lanes[v]) - 1);                                                   \
    }                                                                                                 \
    const T *s0 = img + base[0], *s1 = img + base[1], *s2 = img + base[2];                            \
    const int64_t *off = j->off;                                                                      \
    for (int64_t panel = 0; panel < j->ppg; panel++) {                                                \
      const T *a = (const T *)j->apack + (gi * j->ppg + panel) * K * MR;                              \
      V acc[MR][NV];                                                                                  \
      for (int r = 0; r < MR; r++)                                                                    \
        for (int v = 0; v < NV; v++) acc[r][v] = ZERO();                                              \
      for (int64_t k = 0; k < K; k++, a += MR) {                                                      \
        const int64_t o = off[k];                                                                     \
        V b[NV];                                                                                      \
        b[0] = LOADM(mask[0], s0 + o);                                                                \
        b[1] = LOADM(mask[1], s1 + o);                                                                \
        b[2] = LOADM(mask[2], s2 + o);                                                                \
        for (int r = 0; r < MR; r++) {                                                                \
          const V av = SET1(a[r]);                                                                    \
          for (int v = 0; v < NV; v++) acc[r][v] = FMA(av, b[v], acc[r][v]);                         \
        }                                                                                             \
      }                                                                                               \
      /* all accumulators to a stage first (stores that depend on the rows and lanes would make the */ \
      /* compiler keep them in memory), then each valid row's lanes to out with the bias */            \
      T st[MR][NV * VL];                                                                              \
      for (int r = 0; r < MR; r++)                                                                    \
        for (int v = 0; v < NV; v++) STORE(&st[r][v * VL], acc[r][v]);                               \
      const int64_t rows = j->Og - panel * MR < MR ? j->Og - panel * MR : MR;                         \
      for (int64_t r = 0; r < rows; r++) {                                                            \
        const int64_t o = gi * j->Og + panel * MR + r;                                                \
        const T bias = j->bias ? ((const T *)j->bias)[o * j->bias_s] : (T)0;                          \
        const V bv = SET1(bias);                                                                      \
        T *orow = dst + o * L;                                                                        \
        for (int v = 0; v < NV; v++) {                                                                \
          if (lanes[v] == VL) {                                                                       \
            STORE(orow + obase[v], ADD(LOAD(&st[r][v * VL]), bv));                                    \
          } else {                                                                                    \
            for (int64_t i = 0; i < lanes[v]; i++) orow[obase[v] + i] = st[r][v * VL + i] + bias;     \
          }                                                                                           \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
                                                                                                      \
  /* tasks [t0, t1): task = (image, group, tile range) */                                            \
  static void NAME##_part(void *arg, int64_t t0, int64_t t1, int tid) {                               \
    (void)tid;                                                                                        \
    const c3_job *j = arg;                                                                            \
    const int64_t O = j->groups * j->Og, L = j->g->out[0] * j->g->out[1] * j->g->out[2];              \
    for (int64_t t = t0; t < t1; t++) {                                                               \
      const int64_t tr = t % j->tranges, gi = t / j->tranges % j->groups, n = t / j->tranges / j->groups; \
      const int64_t ta = j->ntiles * tr / j->tranges, tb = j->ntiles * (tr + 1) / j->tranges;         \
      const T *img = (const T *)j->src + n * j->src_n + gi * j->Cg * j->src_c;             \
      T *dst = (T *)j->out + n * O * L;                                                               \
      for (int64_t tile = ta; tile < tb; tile++) NAME##_tile(j, img, dst, gi, tile);                  \
    }                                                                                                 \
  }                                                                                                   \
                                                                                                      \
  /* j's geometry, the input's layout (in place or copied) and the images per chunk, for weights of */ \
  /* O output channels; 1 when the padded copy would be too big */                                  \
  static int NAME##_layout(c3_job *j, const tl_tensor *x, const tl_geom3 *g, int64_t groups, int64_t O) { \
    const size_t es = sizeof(T);                                                                      \
    memset(j, 0, sizeof *j);                                                                          \
    j->g = g;                                                                                         \
    j->x = x;                                                                                         \
    j->groups = groups;                                                                               \
    j->Og = O / groups;                                                                               \
    j->Cg = g->c / groups;                                                                            \
    j->K = j->Cg * g->k[0] * g->k[1] * g->k[2];                                                       \
    j->ppg = (j->Og + MR - 1) / MR;                                                                   \
    const int64_t *xs = x->strides, *s = g->s, *p = g->p;                                             \
    j->in_place = s[2] == 1 && p[0] == 0 && p[1] == 0 && p[2] == 0 && xs[4] == 1;                     \
    if (j->in_place) {                                                                                \
      j->src_c = xs[1];                                                                               \
      j->pitch_d = s[0] * xs[2];                                                                      \
      j->pitch_h = s[1] * xs[3];                                                                      \
      j->per = g->n;                                                                                  \
    } else {                                                                                          \
      /* padded depth and height; padded rows of sw phases, Wq elements each */                      \
      j->q[0] = g->in[0] + 2 * p[0];                                                                  \
      j->q[1] = g->in[1] + 2 * p[1];                                                                  \
      j->q[2] = (g->in[2] + 2 * p[2] + s[2] - 1) / s[2];                                              \
      /* huge paddings: the padded volumes would not fit in memory (and the sizes could overflow) */  \
      if ((double)g->c * (double)j->q[0] * (double)j->q[1] * (double)(s[2] * j->q[2]) * (double)es > 1e12) \
        return 1;                                                                                     \
      const int64_t rw = s[2] * j->q[2];                                                              \
      j->pitch_d = s[0] * j->q[1] * rw;                                                               \
      j->pitch_h = s[1] * rw;                                                                         \
      j->src_c = j->q[0] * j->q[1] * rw;                                                              \
      j->per = (int64_t)(CHUNK_BYTES / ((size_t)(g->c * j->src_c) * es + 1));                         \
      if (j->per < 1) j->per = 1;                                                                     \
      if (j->per > g->n) j->per = g->n;                                                               \
    }                                                                                                 \
    j->vpr = (g->out[2] + VL - 1) / VL;                                                               \
    j->slots = g->out[0] * g->out[1] * j->vpr;                                                        \
    j->ntiles = (j->slots + NV - 1) / NV;                                                             \
    return 0;                                                                                         \
  }                                                                                                   \
                                                                                                      \
  /* bytes of the scratch for the offsets and a chunk's copy */                                       \
  static size_t NAME##_layout_bytes(const c3_job *j) {                                                \
    const size_t o_bytes = ((size_t)j->K * sizeof(int64_t) + 63) & ~(size_t)63;                       \
    return o_bytes + (j->in_place ? 0 : (size_t)(j->per * j->g->c * j->src_c) * sizeof(T));          \
  }                                                                                                   \
                                                                                                      \
  /* the offsets into work, then the copy's place after them */                                       \
  static void NAME##_offsets(c3_job *j, char *work) {                                                 \
    const tl_geom3 *g = j->g;                                                                         \
    const int64_t *xs = j->x->strides, *s = g->s, *d = g->d;                                          \
    int64_t *off = (int64_t *)work;                                                                   \
    for (int64_t c = 0, k = 0; c < j->Cg; c++)                                                        \
      for (int64_t a = 0; a < g->k[0]; a++)                                                           \
        for (int64_t b = 0; b < g->k[1]; b++)                                                         \
          for (int64_t e = 0; e < g->k[2]; e++, k++) {                                                \
            const int64_t da = a * d[0], db = b * d[1], de = e * d[2];                                \
            if (j->in_place) {                                                                        \
              off[k] = c * xs[1] + da * xs[2] + db * xs[3] + de;                                      \
            } else {                                                                                  \
              off[k] = c * j->src_c + (da * j->q[1] + db) * s[2] * j->q[2] + de % s[2] * j->q[2] + de / s[2]; \
            }                                                                                         \
          }                                                                                           \
    j->off = off;                                                                                     \
    j->phased = work + (((size_t)j->K * sizeof(int64_t) + 63) & ~(size_t)63);                         \
  }                                                                                                   \
                                                                                                      \
  /* images [n0, n0 + nb) as j->src: in place, or copied (padded, phase-split) */                    \
  static void NAME##_source(c3_job *j, int64_t n0, int64_t nb) {                                      \
    const size_t es = sizeof(T);                                                                      \
    if (j->in_place) {                                                                                \
      j->src = tl_first(j->x) + (size_t)(n0 * j->x->strides[0]) * es;                                 \
      j->src_n = j->x->strides[0];                                                                    \
      return;                                                                                         \
    }                                                                                                 \
    j->n0 = n0;                                                                                       \
    const double copy_work = (double)(nb * j->g->c) * (double)j->src_c;                               \
    tl_parallel_for(nb * j->g->c, 1, tl_threads_for(copy_work), NAME##_phase_part, j);                \
    j->src = j->phased;                                                                               \
    j->src_n = j->g->c * j->src_c;                                                                    \
  }                                                                                                   \
                                                                                                      \
  static int NAME##_run(const tl_tensor *out, const tl_tensor *x, const tl_tensor *w,                 \
                        const tl_tensor *bias, const tl_geom3 *g, int64_t groups) {                   \
    const size_t es = sizeof(T);                                                                      \
    c3_job j;                                                                                         \
    const int64_t O = w->shape[0], L = g->out[0] * g->out[1] * g->out[2];                             \
    if (NAME##_layout(&j, x, g, groups, O)) return 1;                                                 \
    /* scratch: [packed weights][offsets][phase-split volumes of a chunk] */                          \
    const size_t a_bytes = ((size_t)(groups * j.ppg * MR * j.K) * es + 63) & ~(size_t)63;             \
    char *work = tl_scratch(TL_SCRATCH_CONV, a_bytes + NAME##_layout_bytes(&j));                      \
    if (!work) return -1;                                                                             \
    j.apack = work;                                                                                   \
    NAME##_pack(&j, (const T *)tl_first(w), (T *)work);                                               \
    NAME##_offsets(&j, work + a_bytes);                                                               \
    j.bias = bias ? tl_first(bias) : NULL;                                                            \
    j.bias_s = bias ? bias->strides[0] : 0;                                                           \
    const double tile_macs = (double)(MR * NV * VL) * (double)j.K * (double)j.ppg;                    \
    for (int64_t n0 = 0; n0 < g->n; n0 += j.per) {                                                    \
      const int64_t nb = g->n - n0 < j.per ? g->n - n0 : j.per;                                       \
      NAME##_source(&j, n0, nb);                                                                      \
      j.out = tl_first(out) + (size_t)(n0 * O * L) * es;                                              \
      j.tranges = (j.ntiles + TILES_PER_TASK - 1) / TILES_PER_TASK;                                   \
      if (nb * groups * j.tranges < MIN_TASKS) j.tranges = (MIN_TASKS + nb * groups - 1) / (nb * groups); \
      if (j.tranges > j.ntiles) j.tranges = j.ntiles;                                                 \
      const int64_t tasks = nb * groups * j.tranges;                                                  \
      const int nt = tl_threads_for((double)(nb * groups * j.ntiles) * tile_macs / 8);                \
      tl_parallel_for(tasks, 1, nt, NAME##_part, &j);                                                 \
    }                                                                                                 \
    tl_scratch_trim(TL_SCRATCH_CONV);                                                                 \
    return 0;                                                                                         \
  }                                                                                                      \
                                                                                                      \
  /* the weight gradient over slots [sa, sb) of an image (group gi: img its first channel, go its */ \
  /* first gout row), added into part [O][K] */                                                       \
  static void NAME##_gw_range(const c3_job *j, const T *img, const T *go, int64_t gi, int64_t sa,      \
                              int64_t sb, T *part) {                                                  \
    const tl_geom3 *g = j->g;                                                                         \
    const int64_t K = j->K, Og = j->Og, oW = g->out[2], oH = g->out[1], L = g->out[0] * oH * oW;      \
    int64_t base[GW_SLOTS], obase[GW_SLOTS];                                                          \
    uint32_t mask[GW_SLOTS];                                                                          \
    for (int64_t sl = sa; sl < sb; sl++) {                                                            \
      const int64_t r = sl / j->vpr, x0 = sl % j->vpr * VL, z = r / oH, y = r % oH;                   \
      const int64_t lanes = oW - x0 < VL ? oW - x0 : VL;                                              \
      base[sl - sa] = z * j->pitch_d + y * j->pitch_h + x0;                                           \
      obase[sl - sa] = r * oW + x0;                                                                   \
      mask[sl - sa] = (uint32_t)((1ull << lanes) - 1);                                                \
    }                                                                                                 \
    const int64_t ns = sb - sa;                                                                       \
    for (int64_t o0 = 0; o0 < Og; o0 += MO) {                                                         \
      const int64_t mo = Og - o0 < MO ? Og - o0 : MO;                                                 \
      /* rows past the group's last repeat its first (their sums are dropped) */                      \
      const T *gp[MO];                                                                                \
      for (int r = 0; r < MO; r++) gp[r] = go + (o0 + (r < mo ? r : 0)) * L;                          \
      for (int64_t k0 = 0; k0 < K; k0 += MK) {                                                        \
        const int64_t mk = K - k0 < MK ? K - k0 : MK;                                                 \
        int64_t ko[MK];                                                                               \
        for (int c = 0; c < MK; c++) ko[c] = j->off[k0 + (c < mk ? c : 0)];                           \
        V acc[MO][MK];                                                                                \
        for (int r = 0; r < MO; r++)                                                                  \
          for (int c = 0; c < MK; c++) acc[r][c] = ZERO();                                            \
        for (int64_t i = 0; i < ns; i++) {                                                            \
          const T *s = img + base[i];                                                                 \
          V bv[MK];                                                                                   \
          for (int c = 0; c < MK; c++) bv[c] = LOADM(mask[i], s + ko[c]);                             \
          for (int r = 0; r < MO; r++) {                                                              \
            const V gv = LOADM(mask[i], gp[r] + obase[i]);                                            \
            for (int c = 0; c < MK; c++) acc[r][c] = FMA(gv, bv[c], acc[r][c]);                       \
          }                                                                                           \
        }                                                                                             \
        /* every sum first (bounds that depend on mo and mk would keep acc in memory), then the valid */ \
        T sum[MO][MK];                                                                                \
        for (int r = 0; r < MO; r++)                                                                  \
          for (int c = 0; c < MK; c++) sum[r][c] = HSUM(acc[r][c]);                                   \
        for (int64_t r = 0; r < mo; r++) {                                                            \
          T *dst = part + (gi * Og + o0 + r) * K + k0;                                                \
          for (int64_t c = 0; c < mk; c++) dst[c] += sum[r][c];                                       \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
                                                                                                      \
  /* weight-gradient tasks [t0, t1): task = (image, slot range), every group, into its own part */   \
  static void NAME##_gw_part(void *arg, int64_t t0, int64_t t1, int tid) {                            \
    (void)tid;                                                                                        \
    const c3_job *j = arg;                                                                            \
    const int64_t O = j->groups * j->Og, L = j->g->out[0] * j->g->out[1] * j->g->out[2];              \
    for (int64_t t = t0; t < t1; t++) {                                                               \
      const int64_t sr = t % j->sranges, n = t / j->sranges;                                          \
      const int64_t sa = j->slots * sr / j->sranges, sb = j->slots * (sr + 1) / j->sranges;           \
      T *part = (T *)j->part + t * O * j->K;                                                          \
      memset(part, 0, (size_t)(O * j->K) * sizeof(T));                                                \
      for (int64_t gi = 0; gi < j->groups; gi++) {                                                    \
        const T *img = (const T *)j->src + n * j->src_n + gi * j->Cg * j->src_c;                      \
        const T *go = (const T *)j->gout + ((j->n0 + n) * O + gi * j->Og) * L;                        \
        for (int64_t s0 = sa; s0 < sb; s0 += GW_SLOTS)                                                \
          NAME##_gw_range(j, img, go, gi, s0, sb - s0 < GW_SLOTS ? sb : s0 + GW_SLOTS, part);         \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
                                                                                                      \
  typedef struct {                                                                                    \
    T *gw;                                                                                            \
    const T *part;                                                                                    \
    int64_t tasks, size;                                                                              \
  } NAME##_sum_job;                                                                                   \
                                                                                                      \
  /* gw[i] += the tasks' partial sums of element i, in task order, for i in [i0, i1) */              \
  static void NAME##_gw_sum(void *arg, int64_t i0, int64_t i1, int tid) {                             \
    (void)tid;                                                                                        \
    const NAME##_sum_job *sj = arg;                                                                   \
    for (int64_t t = 0; t < sj->tasks; t++)                                                           \
      for (int64_t i = i0; i < i1; i++) sj->gw[i] += sj->part[t * sj->size + i];                      \
  }                                                                                                   \
                                                                                                      \
  static int NAME##_gw_run(const tl_tensor *gw, const tl_tensor *gout, const tl_tensor *x,            \
                           const tl_geom3 *g, int64_t groups) {                                       \
    const size_t es = sizeof(T);                                                                      \
    c3_job j;                                                                                         \
    const int64_t O = gw->shape[0];                                                                   \
    if (NAME##_layout(&j, x, g, groups, O)) return 1;                                                 \
    /* tasks: slot ranges of GW_SLOTS or fewer, at least GW_MIN_TASKS per chunk of images */          \
    j.sranges = (j.slots + GW_SLOTS - 1) / GW_SLOTS;                                                  \
    if (j.slots < GW_MIN_SLOTS || 2 * g->out[2] <= VL) return 1;                                       \
    if (j.per * j.sranges < GW_MIN_TASKS) {                                                           \
      j.sranges = (GW_MIN_TASKS + j.per - 1) / j.per;                                                 \
      if (j.sranges > j.slots / GW_MIN_SLOTS) j.sranges = j.slots / GW_MIN_SLOTS;                     \
    }                                                                                                 \
    const size_t part_bytes = (size_t)(j.per * j.sranges) * (size_t)(O * j.K) * es;                   \
    if ((double)j.per * (double)j.sranges * (double)(O * j.K) * (double)es > (double)GW_PART_BYTES)   \
      return 1;                                                                                       \
    const size_t l_bytes = (NAME##_layout_bytes(&j) + 63) & ~(size_t)63;                              \
    char *work = tl_scratch(TL_SCRATCH_CONV, l_bytes + part_bytes);                                  \
    if (!work) return -1;                                                                             \
    NAME##_offsets(&j, work);                                                                         \
    j.part = work + l_bytes;                                                                          \
    j.gout = tl_first(gout);                                                                          \
    T *dst = (T *)tl_first(gw);                                                                       \
    memset(dst, 0, (size_t)(O * j.K) * es);                                                           \
    const double macs = (double)g->n * (double)j.slots * (double)VL * (double)(O * j.K);              \
    const int nt = tl_threads_for(macs / 8);                                                          \
    for (int64_t n0 = 0; n0 < g->n; n0 += j.per) {                                                    \
      const int64_t nb = g->n - n0 < j.per ? g->n - n0 : j.per;                                       \
      NAME##_source(&j, n0, nb);                                                                      \
      j.n0 = n0;                                                                                      \
      tl_parallel_for(nb * j.sranges, 1, nt, NAME##_gw_part, &j);                                     \
      NAME##_sum_job sj = {dst, (const T *)j.part, nb * j.sranges, O * j.K};                          \
      tl_parallel_for(O * j.K, 1024, tl_threads_for((double)(nb * j.sranges) * (double)(O * j.K)),    \
                      NAME##_gw_sum, &sj);                                                            \
    }                                                                                                 \
    tl_scratch_trim(TL_SCRATCH_CONV);                                                                 \
    return 0;                                                                                         \
  }

DEFINE_CONV3D(c3_f32, float, vfs, VLF, VF_ZERO, VF_LOAD, VF_STORE, VF_LOADM, VF_SET1, VF_FMA, VF_ADD, split2_f32, HSUM_F32)
DEFINE_CONV3D(c3_f64, double, vds, VLD, VD_ZERO, VD_LOAD, VD_STORE, VD_LOADM, VD_SET1, VD_FMA, VD_ADD, split2_f64, HSUM_F64)

int tl_conv3d_direct(const tl_tensor *out, const tl_tensor *x, const tl_tensor *w, const tl_tensor *bias,
                     const tl_geom3 *g, int64_t groups) {
  /* fewer weight rows per group than half a panel: most of each panel's work would be padding */
  if (w->shape[0] / groups < MR / 2 && MR > 1) return 1;
  /* output rows of half a vector or less: half the lanes or more masked off (float32 rows of 4 ran */
  /* at 0.75x the column path's speed here, rows of 8 at 0.8x to 1.1x, rows of 12 at 1.4x) */
  if (2 * g->out[2] <= (x->dtype == TL_F32 ? VLF : VLD)) return 1;
  if (out->numel == 0) return 0;
  return x->dtype == TL_F32 ? c3_f32_run(out, x, w, bias, g, groups) : c3_f64_run(out, x, w, bias, g, groups);
}

int tl_conv3d_direct_grad_weight(const tl_tensor *gw, const tl_tensor *gout, const tl_tensor *x, const tl_geom3 *g,
                                 int64_t groups) {
  /* a single output channel per group: three quarters of each block's work would be dropped */
  if (gw->shape[0] / groups < 2) return 1;
  if (gw->numel == 0) return 0;
  return x->dtype == TL_F32 ? c3_f32_gw_run(gw, gout, x, g, groups) : c3_f64_gw_run(gw, gout, x, g, groups);
}
