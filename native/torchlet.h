/*
 * torchlet native backend: shared types of the kernels.
 *
 * The Node-API layer (addon.c, args.c) validates every argument and turns it
 * into a tl_tensor whose reachable elements are all inside its typed array;
 * the kernels in the other files trust that and only loop.
 */
#ifndef TORCHLET_H
#define TORCHLET_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define TL_MAXDIM 16 /* more dims than this: the JS side uses the reference backend */
#define TL_MAXOPS 4

typedef enum { TL_F32 = 0, TL_F64 = 1, TL_I32 = 2, TL_BOOL = 3 } tl_dtype;

/* A validated strided operand. `data` points at element 0 of the typed array. */
typedef struct {
  char *data;
  int64_t length; /* elements in the typed array */
  tl_dtype dtype;
  int ndim;
  int64_t shape[TL_MAXDIM];
  int64_t strides[TL_MAXDIM];
  int64_t offset;
  int64_t numel;
} tl_tensor;

static inline int tl_esize(tl_dtype d) { return d == TL_F64 ? 8 : d == TL_BOOL ? 1 : 4; }
static inline char *tl_first(const tl_tensor *t) { return t->data + t->offset * tl_esize(t->dtype); }

/* ---- JS number semantics (what a typed-array store does) ---------------- */

/* ECMAScript ToInt32: NaN/±Inf -> 0, otherwise truncate modulo 2^32. */
static inline int32_t tl_to_int32(double v) {
  if (fabs(v) < 2147483648.0) return (int32_t)v;
  if (!isfinite(v)) return 0;
  double m = fmod(trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return (int32_t)(uint32_t)m;
}

/* ECMAScript ToUint8 (a Uint8Array store). */
static inline uint8_t tl_to_uint8(double v) {
  if (v >= 0 && v < 256.0) return (uint8_t)v;
  if (!isfinite(v)) return 0;
  double m = fmod(trunc(v), 256.0);
  if (m < 0) m += 256.0;
  return (uint8_t)m;
}

/* PyTorch's truth of a number: nonzero, NaN included (logical_not(NaN) is false) */
static inline int tl_truthy(double v) { return v != 0; }

static inline double tl_load(const char *p, tl_dtype d) {
  switch (d) {
    case TL_F32: return *(const float *)p;
    case TL_F64: return *(const double *)p;
    case TL_I32: return *(const int32_t *)p;
    default: return *(const uint8_t *)p;
  }
}

/* A plain typed-array store of a JS number. */
static inline void tl_store(char *p, tl_dtype d, double v) {
  switch (d) {
    case TL_F32: *(float *)p = (float)v; break;
    case TL_F64: *(double *)p = v; break;
    case TL_I32: *(int32_t *)p = tl_to_int32(v); break;
    default: *(uint8_t *)p = tl_to_uint8(v); break;
  }
}

/* The reference backend's copy() conversion: to bool is `v !== 0` (NaN -> 1). */
static inline void tl_store_cast(char *p, tl_dtype d, double v) {
  if (d == TL_BOOL) *(uint8_t *)p = v != 0;
  else tl_store(p, d, v);
}

/* ---- thread pool (pool.c) ------------------------------------------------ */

/* Runs [begin, end) of a job on thread tid (0 is the caller; tid < threads). */
typedef void (*tl_range_fn)(void *ctx, int64_t begin, int64_t end, int tid);

int tl_max_threads(void);
void tl_set_max_threads(int n);
/* Threads worth using for `work` units (about one element-op each). */
int tl_threads_for(double work);
/*
 * Runs fn over [0, n) in chunks of `grain`, claimed dynamically by up to
 * `threads` threads (the caller included); returns when all are done.
 */
void tl_parallel_for(int64_t n, int64_t grain, int threads, tl_range_fn fn, void *ctx);

/* ---- per-thread scratch kept between calls (scratch.c) ------------------ */

enum { TL_SCRATCH_GEMM, TL_SCRATCH_CONV, TL_SCRATCH_SLOTS };
/* At least `bytes` (64-byte aligned) of the calling thread's slot; NULL when out of memory. */
void *tl_scratch(int slot, size_t bytes);
/* Frees the slot's buffer if it grew past what is worth keeping (call when done with it). */
void tl_scratch_trim(int slot);

/* ---- strided iteration (iter.c) ----------------------------------------- */

/* Up to TL_MAXOPS operands walked together over one shape, dims coalesced. */
typedef struct {
  int nops, ndim;
  int64_t numel;
  int64_t shape[TL_MAXDIM];
  int64_t strides[TL_MAXOPS][TL_MAXDIM]; /* elements */
  char *base[TL_MAXOPS];
  int esize[TL_MAXOPS];
} tl_iter;

/* A run of n elements: p[k] points at operand k's first element, s[k] its step (elements). */
typedef void (*tl_row_fn)(const void *ctx, int64_t n, char **p, const int64_t *s);

/* ops[k] may carry its own strides over `shape` (broadcast strides are 0). */
void tl_iter_init(tl_iter *it, int nops, int ndim, const int64_t *shape, const tl_tensor *const *ops,
                  const int64_t *const *strides);
void tl_iter_range(const tl_iter *it, int64_t begin, int64_t end, tl_row_fn fn, const void *ctx);
/* Splits the elements over threads when numel * cost is large; walks tiles for transposed operands. */
void tl_iter_run(const tl_iter *it, tl_row_fn fn, const void *ctx, double cost);

#define TL_TILE 16
/* A rows x cols block (each <= TL_TILE) of the last two dims: p[k] at its corner, steps in elements. */
typedef void (*tl_tile_fn)(const void *ctx, int64_t rows, int64_t cols, char **p, const int64_t *srow,
                           const int64_t *scol);
/* True when some operand steps far along the last dim and close along the one before. */
int tl_iter_transposed(const tl_iter *it);
/* The offsets (elements) in a and out of line `line` along `dim`: its coordinates over every other dim, in
 * row-major order, applied to each tensor's strides (out has a's shape apart from `dim`). */
void tl_line_offsets(const tl_tensor *a, const tl_tensor *out, int dim, int64_t line, int64_t *ao, int64_t *oo);

/* Like tl_iter_run, but hands whole tiles of the last two dims to `tile` (needs ndim >= 2). */
void tl_iter_run_tiles(const tl_iter *it, tl_tile_fn tile, const void *ctx, double cost);

/* ---- kernels --------------------------------------------------------------- */

enum {
  U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_SIN, U_COS, U_TANH, U_SIGMOID, U_RELU, U_SIGN, U_ERF,
  U_FLOOR, U_CEIL, U_ROUND, U_RECIPROCAL, U_NOT, U_LOG1P, U_EXPM1, U_ISNAN,
  U_LOG2, U_LOG10, U_TRUNC, U_SINH, U_COSH, U_ASIN, U_ACOS, U_ATAN, U_ASINH, U_ACOSH, U_ATANH, U_ERFINV, U_COUNT
};
enum {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  B_AND, B_OR, B_REMAINDER, B_ATAN2, B_THRESHOLD_BACKWARD, B_FMOD, B_HYPOT, B_LOGADDEXP, B_XLOGY, B_DIV_FLOOR, B_COUNT
};
enum { R_SUM, R_PROD, R_MAX, R_MIN, R_COUNT };

extern const char *const tl_unary_names[U_COUNT];
extern const char *const tl_binary_names[B_COUNT];
extern const char *const tl_reduce_names[R_COUNT];

void tl_copy(const tl_tensor *out, const tl_tensor *a);
void tl_fill(const tl_tensor *out, double value);
void tl_unary(int op, const tl_tensor *out, const tl_tensor *a);
void tl_binary(int op, const tl_tensor *out, const tl_tensor *a, const tl_tensor *b);
void tl_clamp(const tl_tensor *out, const tl_tensor *a, double lo, double hi);
/* piecewise-linear activations in one pass (native/activations.c); out and a of one float dtype */
enum { A_LEAKY_RELU, A_HARDTANH, A_THRESHOLD, A_HARDSIGMOID, A_HARDSWISH, A_COUNT };
extern const char *const tl_activation_names[A_COUNT];
void tl_activation(int op, const tl_tensor *out, const tl_tensor *a, double p0, double p1);
void tl_where(const tl_tensor *out, const tl_tensor *cond, const tl_tensor *a, const tl_tensor *b);

/* Returns 0, or -1 when a scratch allocation failed. */
int tl_reduce(int op, const tl_tensor *out, const tl_tensor *a, const int *reduced /* [a.ndim] flags */);
void tl_arg_reduce(int is_max, const tl_tensor *values /* or NULL */, const tl_tensor *indices,
                   const tl_tensor *a, int axis);
void tl_softmax(const tl_tensor *out, const tl_tensor *a, int log);

int tl_matmul(const tl_tensor *out, const tl_tensor *a, const tl_tensor *b);
/* dots.c: the product when N is small, a's rows are contiguous and b's columns are (or b is shared and gets
 * copied so): 1 when done, 0 when it does not apply, -1 when a scratch allocation failed */
int tl_matmul_dots(const tl_tensor *out, const tl_tensor *a, const tl_tensor *b);

void tl_gather(const tl_tensor *out, const tl_tensor *a, int axis, const tl_tensor *index);
void tl_scatter_add(const tl_tensor *out, int axis, const tl_tensor *index, const tl_tensor *src);
void tl_index_select(const tl_tensor *out, const tl_tensor *a, int axis, const tl_tensor *index);
void tl_index_add(const tl_tensor *out, int axis, const tl_tensor *index, const tl_tensor *src);
/* gather-rows.c: index_select as parallel block copies when each picked slice is contiguous; 1 when done, 0 when
 * it does not apply */
int tl_select_rows(const tl_tensor *out, const tl_tensor *a, int axis, const tl_tensor *index);
/* 0 when every index value reachable over shape/strides is in [0, limit); else 1 with the value */
int tl_index_check(const tl_tensor *index, int ndim, const int64_t *shape, const int64_t *strides, int64_t limit,
                   int32_t *bad);

typedef struct {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  int64_t n, c, h, w, oh, ow;
} tl_conv_geom;
void tl_im2col(const tl_tensor *out, const tl_tensor *a, const tl_conv_geom *g, double pad_value);
void tl_col2im(const tl_tensor *out, const tl_tensor *cols, const tl_conv_geom *g);
/* conv2d.c: out [n, O, oh, ow] = x * w (+ bias), float32/float64, out planes contiguous; 0, or -1 out of memory */
int tl_conv2d(const tl_tensor *out, const tl_tensor *x, const tl_tensor *w, const tl_tensor *bias /* or NULL */,
              const tl_conv_geom *g);
/* maxpool.c: out [n, c, oh, ow] = max over each window of x (padding never wins, NaN does), float32/float64 */
void tl_max_pool2d(const tl_tensor *out, const tl_tensor *x, const tl_conv_geom *g,
                   const tl_tensor *indices /* int32, out's shape, or NULL */);
/* grad_input [n, c, h, w] contiguous, zeroed: += grad [n, c, oh, ow] at indices (int32, grad's shape, each in [0, h*w)) */
void tl_max_pool2d_backward(const tl_tensor *grad_input, const tl_tensor *grad, const tl_tensor *indices);

/* ---- vector math (vmath.c): float32 arrays computed in double precision -- */
void tl_vexp_f32(float *out, const float *in, int64_t n);
void tl_vlog_f32(float *out, const float *in, int64_t n);
void tl_vtanh_f32(float *out, const float *in, int64_t n);
void tl_vsigmoid_f32(float *out, const float *in, int64_t n);
void tl_vexpm1_f32(float *out, const float *in, int64_t n);
void tl_vlog1p_f32(float *out, const float *in, int64_t n);
void tl_verf_f32(float *out, const float *in, int64_t n);
/* exp(in[i] - shift) in double, stored to out (float) unless out is NULL; returns the double sum */
double tl_vexp_shift_sum_f32(float *out, const float *in, int64_t n, double shift);

#endif
