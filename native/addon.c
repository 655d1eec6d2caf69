/*
 * Node-API entry points of torchlet's native backend.
 *
 * Every kernel can be called two ways, both checked by the same code:
 *  - plainly, with Strided objects {data, shape, strides, offset}, e.g.
 *    binary("add", out, a, b) (ops may be names or indexes into unaryOps,
 *    binaryOps, reduceOps);
 *  - packed, call(kernel, meta, d0, d1, d2, d3): `meta` is a Float64Array
 *    [nscalars, scalars..., nops, per operand (ndim, shape..., strides...,
 *    offset)] and d0.. the operands' typed arrays. This skips the property
 *    reads that make up most of a plain call's cost; the Backend uses it.
 * A call reads all its arguments first (JS getters may run), then binds the
 * typed arrays and checks shapes, dtypes and bounds, then runs the kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "optim.h"

#define MAX_ARGS 8
#define MAX_SCALARS 24

/* a call's scalars and operands, however they arrived */
typedef struct {
  const char *kernel;
  int ns;
  double s[MAX_SCALARS];
  tl_raw raw[TL_MAXOPS];
  bool present[TL_MAXOPS];
  tl_tensor t[TL_MAXOPS];
} call_t;

static const char *const arg_names[2] = {"max", "min"};

/* ---- scalar checks -------------------------------------------------------------- */

static bool int_scalar(napi_env env, const call_t *c, int i, const char *what, double lo, double hi, int64_t *out) {
  if (i >= c->ns) return tl_fail(env, c->kernel, "missing %s", what), false;
  return tl_check_integer(env, c->kernel, what, c->s[i], lo, hi, out);
}

static bool op_scalar(napi_env env, const call_t *c, int count, int *op) {
  int64_t x;
  if (!int_scalar(env, c, 0, "op", 0, count - 1, &x)) return false;
  *op = (int)x;
  return true;
}

static bool axis_scalar(napi_env env, const call_t *c, int i, int ndim, int *axis) {
  int64_t x;
  if (i >= c->ns) return tl_fail(env, c->kernel, "missing axis"), false;
  if (!tl_check_integer(env, c->kernel, "axis", c->s[i], -1e15, 1e15, &x)) return false;
  if (x < 0 || x >= ndim) return tl_fail(env, c->kernel, "axis %lld is out of range for %d dims", (long long)x, ndim), false;
  *axis = (int)x;
  return true;
}

/* ---- shared shape checks ------------------------------------------------------------ */

static bool fits_except_axis(napi_env env, const char *K, const tl_tensor *inner, const char *in,
                             const tl_tensor *outer, const char *on, int axis) {
  bool ok = inner->ndim == outer->ndim;
  for (int d = 0; ok && d < inner->ndim; d++) ok = d == axis || inner->shape[d] <= outer->shape[d];
  if (ok) return true;
  char si[160], so[160];
  tl_format_shape(si, sizeof si, inner->ndim, inner->shape);
  tl_format_shape(so, sizeof so, outer->ndim, outer->shape);
  tl_fail(env, K, "%s.shape %s does not fit %s.shape %s outside axis %d", in, si, on, so, axis);
  return false;
}

static bool equal_except_axis(napi_env env, const char *K, const tl_tensor *x, const char *xn, const tl_tensor *y,
                              const char *yn, int axis) {
  bool ok = x->ndim == y->ndim;
  for (int d = 0; ok && d < x->ndim; d++) ok = d == axis || x->shape[d] == y->shape[d];
  if (ok) return true;
  char sx[160], sy[160];
  tl_format_shape(sx, sizeof sx, x->ndim, x->shape);
  tl_format_shape(sy, sizeof sy, y->ndim, y->shape);
  tl_fail(env, K, "%s.shape %s and %s.shape %s do not agree outside axis %d", xn, sx, yn, sy, axis);
  return false;
}

static bool check_values(napi_env env, const char *K, const tl_tensor *index, int ndim, const int64_t *shape,
                         int64_t limit, int axis) {
  int32_t bad = 0;
  if (tl_index_check(index, ndim, shape, NULL, limit, &bad) == 0) return true;
  tl_fail(env, K, "index %d is out of range for axis %d of size %lld", bad, axis, (long long)limit);
  return false;
}

static bool index_1d(napi_env env, const char *K, const tl_tensor *index, int64_t need) {
  if (!tl_expect_dtype(env, K, index, "index", TL_I32)) return false;
  if (index->ndim != 1) return tl_fail(env, K, "index must be 1-d, got %d dims", index->ndim), false;
  if (index->shape[0] != need)
    return tl_fail(env, K, "index has %lld entries but the selected axis has %lld", (long long)index->shape[0],
                   (long long)need),
           false;
  return true;
}

static int64_t floordiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* geometry from scalars[0..8): kernel, stride, padding, dilation (h, w each) */
static bool geometry(napi_env env, const call_t *c, tl_conv_geom *g) {
  static const char *const what[8] = {"kernel[0]", "kernel[1]", "stride[0]", "stride[1]",
                                      "padding[0]", "padding[1]", "dilation[0]", "dilation[1]"};
  int64_t v[8];
  for (int i = 0; i < 8; i++)
    if (!int_scalar(env, c, i, what[i], i == 4 || i == 5 ? 0 : 1, 1 << 24, &v[i])) return false;
  g->kh = v[0], g->kw = v[1], g->sh = v[2], g->sw = v[3], g->ph = v[4], g->pw = v[5], g->dh = v[6], g->dw = v[7];
  return true;
}

/* fills n, c, h, w from the NCHW image and oh, ow from the geometry */
static bool image_geometry(napi_env env, const char *K, const tl_tensor *img, const char *iname, tl_conv_geom *g) {
  if (img->ndim != 4) return tl_fail(env, K, "%s must be 4-d NCHW, got %d dims", iname, img->ndim), false;
  g->n = img->shape[0], g->c = img->shape[1], g->h = img->shape[2], g->w = img->shape[3];
  /* every term is below 2^49, so none of this overflows */
  g->oh = floordiv(g->h + 2 * g->ph - g->dh * (g->kh - 1) - 1, g->sh) + 1;
  g->ow = floordiv(g->w + 2 * g->pw - g->dw * (g->kw - 1) - 1, g->sw) + 1;
  if (g->oh < 0 || g->ow < 0) return tl_fail(env, K, "the window does not fit the padded input"), false;
  return true;
}

/* t must be walked densely from its offset (row-major, size-1 dims may have any stride) */
static bool require_dense(napi_env env, const char *K, const tl_tensor *t, const char *name) {
  int64_t s = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] != 1 && t->strides[d] != s) return tl_fail(env, K, "%s must be contiguous", name), false;
    s *= t->shape[d];
  }
  return true;
}

/* fills n, c, h, w, oh, ow from the image and checks the column matrix against them */
static bool check_conv(napi_env env, const char *K, const tl_tensor *img, const char *iname, const tl_tensor *cols,
                       const char *cname, tl_conv_geom *g) {
  if (!image_geometry(env, K, img, iname, g)) return false;
  if (cols->ndim != 3) return tl_fail(env, K, "%s must be 3-d, got %d dims", cname, cols->ndim), false;
  if (!tl_same_dtype(env, K, cols, cname, img, iname)) return false;
  int64_t rows, ncols;
  if (__builtin_mul_overflow(g->c, g->kh * g->kw, &rows) || __builtin_mul_overflow(g->oh, g->ow, &ncols))
    return tl_fail(env, K, "geometry is too large"), false;
  if (cols->shape[0] != g->n || cols->shape[1] != rows || cols->shape[2] != ncols) {
    char sc[160], si[160];
    tl_format_shape(sc, sizeof sc, 3, cols->shape);
    tl_format_shape(si, sizeof si, 4, img->shape);
    return tl_fail(env, K, "%s.shape %s should be [%lld,%lld,%lld] for %s.shape %s and this geometry", cname, sc,
                   (long long)g->n, (long long)rows, (long long)ncols, iname, si),
           false;
  }
  return require_dense(env, K, cols, cname);
}

/* ---- kernels: check, then run ---------------------------------------------------------- */

/* an output that threads write must reach no element twice (a stride-0 dim would be raced on) */
static bool distinct_elements(napi_env env, const char *K, const tl_tensor *t, const char *name) {
  for (int d = 0; d < t->ndim; d++)
    if (t->shape[d] > 1 && t->strides[d] == 0) return tl_fail(env, K, "%s must not have stride-0 dims", name), false;
  return true;
}

static bool run_copy(napi_env env, call_t *c) {
  tl_tensor *out = &c->t[0], *a = &c->t[1];
  if (!tl_same_shape(env, c->kernel, a, "a", out, "out")) return false;
  tl_copy(out, a);
  return true;
}

static bool run_fill(napi_env env, call_t *c) {
  if (c->ns < 1) return tl_fail(env, c->kernel, "missing value"), false;
  tl_fill(&c->t[0], c->s[0]);
  return true;
}

static bool run_unary(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1];
  int op;
  if (!op_scalar(env, c, U_COUNT, &op) || !tl_same_shape(env, K, a, "a", out, "out")) return false;
  if (op == U_NOT || op == U_ISNAN) {
    if (!tl_expect_dtype(env, K, out, "out", TL_BOOL)) return false;
  } else if (!tl_same_dtype(env, K, out, "out", a, "a")) {
    return false;
  }
  tl_unary(op, out, a);
  return true;
}

static bool run_binary(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1], *b = &c->t[2];
  int op;
  if (!op_scalar(env, c, B_COUNT, &op)) return false;
  if (!tl_same_shape(env, K, a, "a", out, "out") || !tl_same_shape(env, K, b, "b", out, "out") ||
      !tl_same_dtype(env, K, a, "a", b, "b"))
    return false;
  if (op >= B_EQ && op <= B_OR) {
    if (!tl_expect_dtype(env, K, out, "out", TL_BOOL)) return false;
  } else if (!tl_same_dtype(env, K, out, "out", a, "a")) {
    return false;
  }
  tl_binary(op, out, a, b);
  return true;
}

static bool run_clamp(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1];
  if (c->ns < 2) return tl_fail(env, K, "missing lo/hi"), false;
  if (!tl_same_shape(env, K, a, "a", out, "out") || !tl_same_dtype(env, K, out, "out", a, "a")) return false;
  tl_clamp(out, a, c->s[0], c->s[1]);
  return true;
}

static bool run_activation(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1];
  int op;
  if (!op_scalar(env, c, A_COUNT, &op)) return false;
  if (c->ns < 3) return tl_fail(env, K, "missing the two parameters"), false;
  if (!tl_same_shape(env, K, a, "a", out, "out") || !tl_same_dtype(env, K, out, "out", a, "a") ||
      !tl_float_dtype(env, K, a, "a"))
    return false;
  tl_activation(op, out, a, c->s[1], c->s[2]);
  return true;
}

static bool run_where(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *cond = &c->t[1], *a = &c->t[2], *b = &c->t[3];
  if (!tl_same_shape(env, K, cond, "cond", out, "out") || !tl_same_shape(env, K, a, "a", out, "out") ||
      !tl_same_shape(env, K, b, "b", out, "out"))
    return false;
  if (!tl_expect_dtype(env, K, cond, "cond", TL_BOOL) || !tl_same_dtype(env, K, a, "a", out, "out") ||
      !tl_same_dtype(env, K, b, "b", out, "out"))
    return false;
  tl_where(out, cond, a, b);
  return true;
}

static bool run_reduce(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1];
  int op;
  if (!op_scalar(env, c, R_COUNT, &op)) return false;
  int reduced[TL_MAXDIM] = {0};
  for (int i = 1; i < c->ns; i++) {
    int axis;
    if (!axis_scalar(env, c, i, a->ndim, &axis)) return false;
    reduced[axis] = 1;
  }
  bool ok = out->ndim == a->ndim;
  for (int d = 0; ok && d < a->ndim; d++) ok = out->shape[d] == (reduced[d] ? 1 : a->shape[d]);
  if (!ok) {
    char sa[160], so[160];
    tl_format_shape(sa, sizeof sa, a->ndim, a->shape);
    tl_format_shape(so, sizeof so, out->ndim, out->shape);
    return tl_fail(env, K, "out.shape %s is not a.shape %s with the reduced axes set to 1", so, sa), false;
  }
  if (tl_reduce(op, out, a, reduced) != 0) return tl_fail(env, K, "out of memory"), false;
  return true;
}

static bool run_arg_reduce(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *values = c->present[0] ? &c->t[0] : NULL, *indices = &c->t[1], *a = &c->t[2];
  int op, axis;
  if (!op_scalar(env, c, 2, &op) || !axis_scalar(env, c, 1, a->ndim, &axis)) return false;
  if (!tl_expect_dtype(env, K, indices, "indices", TL_I32)) return false;
  bool ok = indices->ndim == a->ndim;
  for (int d = 0; ok && d < a->ndim; d++) ok = indices->shape[d] == (d == axis ? 1 : a->shape[d]);
  if (!ok) {
    char sa[160], si[160];
    tl_format_shape(sa, sizeof sa, a->ndim, a->shape);
    tl_format_shape(si, sizeof si, indices->ndim, indices->shape);
    return tl_fail(env, K, "indices.shape %s is not a.shape %s with axis %d set to 1", si, sa, axis), false;
  }
  if (values && (!tl_same_shape(env, K, values, "values", indices, "indices") ||
                 !tl_same_dtype(env, K, values, "values", a, "a")))
    return false;
  if (a->shape[axis] == 0 && indices->numel > 0)
    return tl_fail(env, K, "cannot reduce over the empty axis %d", axis), false;
  tl_arg_reduce(op == 0, values, indices, a, axis);
  return true;
}

static bool run_softmax(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1];
  int64_t log;
  if (!int_scalar(env, c, 0, "log", 0, 1, &log)) return false;
  if (a->ndim != 2) return tl_fail(env, K, "a must be 2-d [rows, n], got %d dims", a->ndim), false;
  if (!tl_same_shape(env, K, a, "a", out, "out") || !tl_float_dtype(env, K, a, "a") ||
      !tl_same_dtype(env, K, out, "out", a, "a"))
    return false;
  tl_softmax(out, a, (int)log);
  return true;
}

static bool run_matmul(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1], *b = &c->t[2];
  if (a->ndim != 3 || b->ndim != 3 || out->ndim != 3)
    return tl_fail(env, K, "out, a and b must be 3-d [batch, rows, cols], got %d, %d and %d dims", out->ndim,
                   a->ndim, b->ndim),
           false;
  const bool ab = a->shape[0] == b->shape[0] && a->shape[2] == b->shape[1];
  if (!ab || out->shape[0] != a->shape[0] || out->shape[1] != a->shape[1] || out->shape[2] != b->shape[2]) {
    /* shapes are formatted for the message only: every call comes through here */
    char sa[160], sb[160], so[160];
    tl_format_shape(sa, sizeof sa, 3, a->shape);
    tl_format_shape(sb, sizeof sb, 3, b->shape);
    tl_format_shape(so, sizeof so, 3, out->shape);
    if (!ab) return tl_fail(env, K, "a.shape %s and b.shape %s do not agree", sa, sb), false;
    return tl_fail(env, K, "out.shape %s does not match a.shape %s times b.shape %s", so, sa, sb), false;
  }
  if (!tl_float_dtype(env, K, a, "a") || !tl_same_dtype(env, K, b, "b", a, "a") ||
      !tl_same_dtype(env, K, out, "out", a, "a"))
    return false;
  if (tl_matmul(out, a, b) != 0) return tl_fail(env, K, "out of memory"), false;
  return true;
}

static bool run_gather(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1], *index = &c->t[2];
  int axis;
  if (!axis_scalar(env, c, 0, a->ndim, &axis)) return false;
  if (!tl_expect_dtype(env, K, index, "index", TL_I32) || !tl_same_dtype(env, K, out, "out", a, "a") ||
      !tl_same_shape(env, K, index, "index", out, "out") || !fits_except_axis(env, K, out, "out", a, "a", axis) ||
      !check_values(env, K, index, out->ndim, out->shape, a->shape[axis], axis))
    return false;
  tl_gather(out, a, axis, index);
  return true;
}

static bool run_scatter_add(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *index = &c->t[1], *src = &c->t[2];
  int axis;
  if (!axis_scalar(env, c, 0, out->ndim, &axis)) return false;
  if (!tl_expect_dtype(env, K, index, "index", TL_I32) || !tl_same_dtype(env, K, src, "src", out, "out") ||
      !tl_same_shape(env, K, index, "index", src, "src") || !fits_except_axis(env, K, src, "src", out, "out", axis) ||
      !check_values(env, K, index, src->ndim, src->shape, out->shape[axis], axis))
    return false;
  tl_scatter_add(out, axis, index, src);
  return true;
}

static bool run_index_select(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *a = &c->t[1], *index = &c->t[2];
  int axis;
  if (!axis_scalar(env, c, 0, a->ndim, &axis)) return false;
  if (!tl_same_dtype(env, K, out, "out", a, "a") || !equal_except_axis(env, K, out, "out", a, "a", axis) ||
      !index_1d(env, K, index, out->shape[axis]) || !check_values(env, K, index, 1, index->shape, a->shape[axis], axis))
    return false;
  tl_index_select(out, a, axis, index);
  return true;
}

static bool run_index_add(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *index = &c->t[1], *src = &c->t[2];
  int axis;
  if (!axis_scalar(env, c, 0, out->ndim, &axis)) return false;
  if (!tl_same_dtype(env, K, src, "src", out, "out") || !equal_except_axis(env, K, src, "src", out, "out", axis) ||
      !index_1d(env, K, index, src->shape[axis]) ||
      !check_values(env, K, index, 1, index->shape, out->shape[axis], axis))
    return false;
  tl_index_add(out, axis, index, src);
  return true;
}

static bool run_im2col(napi_env env, call_t *c) {
  tl_conv_geom g;
  if (!geometry(env, c, &g)) return false;
  if (c->ns < 9) return tl_fail(env, c->kernel, "missing padValue"), false;
  if (!check_conv(env, c->kernel, &c->t[1], "a", &c->t[0], "out", &g)) return false;
  tl_im2col(&c->t[0], &c->t[1], &g, c->s[8]);
  return true;
}

static bool run_col2im(napi_env env, call_t *c) {
  tl_conv_geom g;
  if (!geometry(env, c, &g) || !check_conv(env, c->kernel, &c->t[0], "out", &c->t[1], "cols", &g)) return false;
  tl_col2im(&c->t[0], &c->t[1], &g);
  return true;
}

/* out (called `name`) must be [n, channels, oh, ow] for the image and geometry in g */
static bool check_window_out(napi_env env, const char *K, const tl_tensor *out, const char *name, const tl_conv_geom *g,
                             int64_t channels) {
  if (out->ndim == 4 && out->shape[0] == g->n && out->shape[1] == channels && out->shape[2] == g->oh &&
      out->shape[3] == g->ow)
    return true;
  char so[160];
  tl_format_shape(so, sizeof so, out->ndim, out->shape);
  return tl_fail(env, K, "%s.shape %s should be [%lld,%lld,%lld,%lld]", name, so, (long long)g->n, (long long)channels,
                 (long long)g->oh, (long long)g->ow),
         false;
}

static bool run_conv2d(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *x = &c->t[1], *w = &c->t[2], *bias = c->present[3] ? &c->t[3] : NULL;
  tl_conv_geom g;
  if (!geometry(env, c, &g) || !image_geometry(env, K, x, "x", &g)) return false;
  if (!tl_float_dtype(env, K, x, "x") || !tl_same_dtype(env, K, w, "weight", x, "x") ||
      !tl_same_dtype(env, K, out, "out", x, "x") || (bias && !tl_same_dtype(env, K, bias, "bias", x, "x")))
    return false;
  if (w->ndim != 4 || w->shape[1] != g.c || w->shape[2] != g.kh || w->shape[3] != g.kw) {
    char sx[160], sw[160];
    tl_format_shape(sx, sizeof sx, 4, x->shape);
    tl_format_shape(sw, sizeof sw, w->ndim, w->shape);
    return tl_fail(env, K, "weight.shape %s should be [O,%lld,%lld,%lld] for x.shape %s and this kernel", sw,
                   (long long)g.c, (long long)g.kh, (long long)g.kw, sx),
           false;
  }
  const int64_t O = w->shape[0];
  if (!check_window_out(env, K, out, "out", &g, O)) return false;
  if (bias && (bias->ndim != 1 || bias->shape[0] != O)) {
    char sb[160];
    tl_format_shape(sb, sizeof sb, bias->ndim, bias->shape);
    return tl_fail(env, K, "bias.shape %s should be [%lld]", sb, (long long)O), false;
  }
  if (out->numel == 0) return true;
  /* threads write whole planes, each as one dense run: the planes must be contiguous and disjoint */
  const int64_t L = g.oh * g.ow; /* out has this many elements per plane, so no overflow */
  if ((g.oh > 1 && out->strides[2] != g.ow) || (g.ow > 1 && out->strides[3] != 1))
    return tl_fail(env, K, "out's planes must be contiguous (strides [., ., %lld, 1])", (long long)g.ow), false;
  if ((O > 1 && out->strides[1] < L) || (g.n > 1 && out->strides[0] < (O - 1) * out->strides[1] + L))
    return tl_fail(env, K, "out's planes must not overlap"), false;
  int64_t k;
  if (__builtin_mul_overflow(g.c, g.kh * g.kw, &k)) return tl_fail(env, K, "geometry is too large"), false;
  if (tl_conv2d(out, x, w, bias, &g) != 0) return tl_fail(env, K, "out of memory"), false;
  return true;
}

static bool run_max_pool2d(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *out = &c->t[0], *x = &c->t[1];
  tl_conv_geom g;
  if (!geometry(env, c, &g) || !image_geometry(env, K, x, "x", &g)) return false;
  if (!tl_float_dtype(env, K, x, "x") || !tl_same_dtype(env, K, out, "out", x, "x")) return false;
  if (!check_window_out(env, K, out, "out", &g, g.c) || !distinct_elements(env, K, out, "out")) return false;
  tl_tensor *indices = c->present[2] ? &c->t[2] : NULL;
  if (indices && (!tl_expect_dtype(env, K, indices, "indices", TL_I32) || !check_window_out(env, K, indices, "indices", &g, g.c) ||
                  !distinct_elements(env, K, indices, "indices")))
    return false;
  if (indices && g.h * g.w > INT32_MAX) return tl_fail(env, K, "an input plane has too many elements for int32 indices"), false;
  tl_max_pool2d(out, x, &g, indices);
  return true;
}

static bool run_max_pool2d_backward(napi_env env, call_t *c) {
  const char *K = c->kernel;
  tl_tensor *gin = &c->t[0], *grad = &c->t[1], *indices = &c->t[2];
  if (!tl_float_dtype(env, K, grad, "grad") || !tl_same_dtype(env, K, gin, "gradInput", grad, "grad") ||
      !tl_expect_dtype(env, K, indices, "indices", TL_I32))
    return false;
  if (gin->ndim != 4 || grad->ndim != 4 || indices->ndim != 4)
    return tl_fail(env, K, "gradInput, grad and indices must be 4-d NCHW"), false;
  bool same = true;
  for (int d = 0; d < 4; d++) same = same && grad->shape[d] == indices->shape[d];
  const bool planes = gin->shape[0] == grad->shape[0] && gin->shape[1] == grad->shape[1];
  if (!same || !planes) {
    char sg[160], so[160];
    tl_format_shape(sg, sizeof sg, 4, grad->shape);
    if (!same) {
      tl_format_shape(so, sizeof so, 4, indices->shape);
      return tl_fail(env, K, "grad.shape %s and indices.shape %s differ", sg, so), false;
    }
    tl_format_shape(so, sizeof so, 4, gin->shape);
    return tl_fail(env, K, "gradInput.shape %s and grad.shape %s differ in batch or channels", so, sg), false;
  }
  /* planes are written densely from the first element, one thread each */
  if (!require_dense(env, K, gin, "gradInput")) return false;
  /* every index lands inside its own plane */
  if (!check_values(env, K, indices, 4, indices->shape, gin->shape[2] * gin->shape[3], 3)) return false;
  tl_max_pool2d_backward(gin, grad, indices);
  return true;
}

/* ---- the kernel table ------------------------------------------------------------------ */

/*
 * sig: the plain form's arguments in order. T a Strided operand, O one that
 * may be null, o an op (name or index into `ops`), i an integer, n a number,
 * b a boolean, A an array of integers, G a Conv2dGeometry (8 scalars).
 * Scalars land in call_t.s in order; operands in call_t.t in order.
 */
typedef struct {
  const char *name;
  const char *sig;
  int nops;
  const char *const *ops;
  int nops_names;
  const char *opnd[TL_MAXOPS];
  bool (*run)(napi_env, call_t *);
} kernel_t;

static const kernel_t KERNELS[] = {
    {"copy", "TT", 2, NULL, 0, {"out", "a"}, run_copy},
    {"fill", "Tn", 1, NULL, 0, {"out"}, run_fill},
    {"unary", "oTT", 2, tl_unary_names, U_COUNT, {"out", "a"}, run_unary},
    {"binary", "oTTT", 3, tl_binary_names, B_COUNT, {"out", "a", "b"}, run_binary},
    {"clamp", "TTnn", 2, NULL, 0, {"out", "a"}, run_clamp},
    {"where", "TTTT", 4, NULL, 0, {"out", "cond", "a", "b"}, run_where},
    {"reduce", "oTTA", 2, tl_reduce_names, R_COUNT, {"out", "a"}, run_reduce},
    {"argReduce", "oOTTi", 3, arg_names, 2, {"values", "indices", "a"}, run_arg_reduce},
    {"softmax", "TTb", 2, NULL, 0, {"out", "a"}, run_softmax},
    {"matmul", "TTT", 3, NULL, 0, {"out", "a", "b"}, run_matmul},
    {"gather", "TTiT", 3, NULL, 0, {"out", "a", "index"}, run_gather},
    {"scatterAdd", "TiTT", 3, NULL, 0, {"out", "index", "src"}, run_scatter_add},
    {"indexSelect", "TTiT", 3, NULL, 0, {"out", "a", "index"}, run_index_select},
    {"indexAdd", "TiTT", 3, NULL, 0, {"out", "index", "src"}, run_index_add},
    {"im2col", "TTGn", 2, NULL, 0, {"out", "a"}, run_im2col},
    {"col2im", "TTG", 2, NULL, 0, {"out", "cols"}, run_col2im},
    {"conv2d", "TTTOG", 4, NULL, 0, {"out", "x", "weight", "bias"}, run_conv2d},
    {"maxPool2d", "TTGO", 3, NULL, 0, {"out", "x", "indices"}, run_max_pool2d},
    {"maxPool2dBackward", "TTT", 3, NULL, 0, {"gradInput", "grad", "indices"}, run_max_pool2d_backward},
    {"activation", "oTTnn", 2, tl_activation_names, A_COUNT, {"out", "a"}, run_activation},
};
#define NKERNELS ((int)(sizeof KERNELS / sizeof KERNELS[0]))

static bool bind_all(napi_env env, call_t *c, int nops) {
  for (int k = 0; k < nops; k++)
    if (c->present[k] && !tl_bind_tensor(env, c->kernel, &c->raw[k], &c->t[k])) return false;
  return true;
}

static bool push_scalar(napi_env env, call_t *c, double x) {
  if (c->ns >= MAX_SCALARS) return tl_fail(env, c->kernel, "too many scalars"), false;
  c->s[c->ns++] = x;
  return true;
}

static bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

static bool read_op(napi_env env, const kernel_t *kd, call_t *c, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_string) {
    char buf[32];
    size_t len = 0;
    if (napi_get_value_string_utf8(env, v, buf, sizeof buf, &len) == napi_ok)
      for (int i = 0; i < kd->nops_names; i++)
        if (strcmp(buf, kd->ops[i]) == 0) return push_scalar(env, c, i);
    return tl_fail(env, c->kernel, "unknown op"), false;
  }
  double x;
  if (napi_get_value_double(env, v, &x) != napi_ok) return tl_fail(env, c->kernel, "op must be a name or a number"), false;
  return push_scalar(env, c, x);
}

static bool read_int_array(napi_env env, call_t *c, napi_value v, const char *what) {
  bool is_array = false;
  uint32_t len = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, &len) != napi_ok)
    return tl_fail(env, c->kernel, "%s must be an array of integers", what), false;
  if (len > TL_MAXDIM) return tl_fail(env, c->kernel, "%s has too many entries (%u)", what, len), false;
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    double x;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_double(env, e, &x) != napi_ok) {
      bool p = false;
      napi_is_exception_pending(env, &p);
      if (!p) tl_fail(env, c->kernel, "%s[%u] must be a number", what, i);
      return false;
    }
    if (!push_scalar(env, c, x)) return false;
  }
  return true;
}

static bool read_geometry(napi_env env, call_t *c, napi_value g, const tl_keys *k) {
  napi_valuetype t;
  if (napi_typeof(env, g, &t) != napi_ok || t != napi_object)
    return tl_fail(env, c->kernel, "geometry must be an object {kernel, stride, padding, dilation}"), false;
  static const char *const names[4] = {"kernel", "stride", "padding", "dilation"};
  for (int i = 0; i < 4; i++) {
    napi_value arr;
    uint32_t len = 0;
    bool is_array = false;
    char what[48];
    snprintf(what, sizeof what, "geometry.%s", names[i]);
    if (napi_get_property(env, g, k->v[K_KERNEL + i], &arr) != napi_ok || napi_is_array(env, arr, &is_array) != napi_ok ||
        !is_array || napi_get_array_length(env, arr, &len) != napi_ok || len != 2) {
      bool p = false;
      napi_is_exception_pending(env, &p);
      if (!p) tl_fail(env, c->kernel, "%s must be an array of 2 integers", what);
      return false;
    }
    if (!read_int_array(env, c, arr, what)) return false;
  }
  return true;
}

/* the plain form: arguments as the signature says */
static napi_value plain(napi_env env, napi_callback_info info, int id) {
  const kernel_t *kd = &KERNELS[id];
  call_t c;
  c.kernel = kd->name;
  c.ns = 0;
  size_t argc = MAX_ARGS;
  napi_value argv[MAX_ARGS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, kd->name, "bad call");
  const size_t want = strlen(kd->sig);
  size_t least = want; /* trailing optional operands may be left out (argv holds undefined there) */
  while (least > 0 && kd->sig[least - 1] == 'O') least--;
  if (argc < least) return tl_fail(env, kd->name, "expected %zu arguments, got %zu", least, argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  int nt = 0;
  for (size_t i = 0; i < want; i++) {
    const napi_value v = argv[i];
    switch (kd->sig[i]) {
      case 'O':
        if (is_nullish(env, v)) {
          c.present[nt++] = false;
          break;
        }
        /* fall through */
      case 'T':
        if (!tl_read_tensor(env, &k, kd->name, kd->opnd[nt], v, &c.raw[nt])) return NULL;
        c.present[nt++] = true;
        break;
      case 'o':
        if (!read_op(env, kd, &c, v)) return NULL;
        break;
      case 'A':
        if (!read_int_array(env, &c, v, "axes")) return NULL;
        break;
      case 'G':
        if (!read_geometry(env, &c, v, &k)) return NULL;
        break;
      case 'b': {
        bool b;
        if (napi_get_value_bool(env, v, &b) != napi_ok) return tl_fail(env, kd->name, "argument %zu must be a boolean", i + 1);
        if (!push_scalar(env, &c, b ? 1 : 0)) return NULL;
        break;
      }
      default: { /* i, n */
        double x;
        if (napi_get_value_double(env, v, &x) != napi_ok) return tl_fail(env, kd->name, "argument %zu must be a number", i + 1);
        if (!push_scalar(env, &c, x)) return NULL;
      }
    }
  }
  if (!bind_all(env, &c, kd->nops)) return NULL;
  kd->run(env, &c);
  return NULL;
}

/* whether operand k is marked 'O' (may be null) in the signature */
static bool optional_operand(const kernel_t *kd, int k) {
  for (const char *p = kd->sig; *p; p++)
    if (*p == 'T' || *p == 'O') {
      if (k-- == 0) return *p == 'O';
    }
  return false;
}

/* call(kernel, meta, d0, d1, d2, d3): the packed form */
static napi_value js_call(napi_env env, napi_callback_info info) {
  size_t argc = 2 + TL_MAXOPS;
  napi_value argv[2 + TL_MAXOPS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2)
    return tl_fail(env, "call", "expected (kernel, meta, ...data)");
  int64_t id;
  if (!tl_get_integer(env, "call", "kernel", argv[0], 0, NKERNELS - 1, &id)) return NULL;
  const kernel_t *kd = &KERNELS[id];
  if (argc < 2 + (size_t)kd->nops)
    return tl_fail(env, kd->name, "expected %d typed arrays, got %zu", kd->nops, argc - 2);
  call_t c;
  c.kernel = kd->name;
  if (!tl_read_packed(env, kd->name, argv[1], MAX_SCALARS, c.s, &c.ns, kd->nops, kd->opnd, argv + 2, c.raw,
                      c.present))
    return NULL;
  for (int k = 0; k < kd->nops; k++)
    if (!c.present[k] && !optional_operand(kd, k)) return tl_fail(env, kd->name, "operand %s is required", kd->opnd[k]);
  if (!bind_all(env, &c, kd->nops)) return NULL;
  kd->run(env, &c);
  return NULL;
}

#define PLAIN(ID, FN) \
  static napi_value FN(napi_env env, napi_callback_info info) { return plain(env, info, ID); }
PLAIN(0, js_copy)
PLAIN(1, js_fill)
PLAIN(2, js_unary)
PLAIN(3, js_binary)
PLAIN(4, js_clamp)
PLAIN(5, js_where)
PLAIN(6, js_reduce)
PLAIN(7, js_arg_reduce)
PLAIN(8, js_softmax)
PLAIN(9, js_matmul)
PLAIN(10, js_gather)
PLAIN(11, js_scatter_add)
PLAIN(12, js_index_select)
PLAIN(13, js_index_add)
PLAIN(14, js_im2col)
PLAIN(15, js_col2im)
PLAIN(16, js_conv2d)
PLAIN(17, js_max_pool2d)
PLAIN(18, js_max_pool2d_backward)
PLAIN(19, js_activation)
static napi_value (*const PLAIN_FNS[])(napi_env, napi_callback_info) = {
    js_copy,   js_fill,   js_unary,        js_binary,      js_clamp,        js_where,    js_reduce, js_arg_reduce,
    js_softmax, js_matmul, js_gather, js_scatter_add, js_index_select, js_index_add, js_im2col, js_col2im,
    js_conv2d, js_max_pool2d, js_max_pool2d_backward, js_activation};

/* ---- threads ------------------------------------------------------------------- */

static napi_value js_num_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1 && !is_nullish(env, argv[0])) {
    int64_t n;
    if (!tl_get_integer(env, "numThreads", "n", argv[0], 1, 64, &n)) return NULL;
    tl_set_max_threads((int)n);
  }
  napi_value r;
  napi_create_int32(env, tl_max_threads(), &r);
  return r;
}

/* ---- caching allocator (native/alloc.cc: C++, for V8's backing-store deleters) ---- */

napi_value tl_js_allocate(napi_env env, napi_callback_info info);
napi_value tl_js_alloc_stats(napi_env env, napi_callback_info info);
napi_value tl_js_empty_cache(napi_env env, napi_callback_info info);
napi_value tl_js_memory_counts(napi_env env, napi_callback_info info);
/* advanced-indexing kernels (native/advindex.c): their own argument reading, outside the table */
napi_value tl_js_index_copy(napi_env env, napi_callback_info info);
/* nonzero positions (native/nonzero.c) */
napi_value tl_js_nonzero_count(napi_env env, napi_callback_info info);
napi_value tl_js_nonzero(napi_env env, napi_callback_info info);
/* F.grid_sample's forward and backward (native/grid-sample.c) */
napi_value tl_js_grid_sample(napi_env env, napi_callback_info info);
napi_value tl_js_grid_sample_backward(napi_env env, napi_callback_info info);
/* mask writes, index offsets and fractional max pooling (native/masked-fill.c, index-offsets.c,
 * fractional-max-pool.c) */
napi_value tl_js_masked_fill(napi_env env, napi_callback_info info);
napi_value tl_js_index_offsets(napi_env env, napi_callback_info info);
napi_value tl_js_fractional_max_pool2d(napi_env env, napi_callback_info info);
/* 3-d kernels: conv3d's columns and forward (native/vol3d.c), max_pool3d (native/maxpool3d.c), trilinear (native/upsample3d.c) */
napi_value tl_js_vol2col(napi_env env, napi_callback_info info);
napi_value tl_js_col2vol(napi_env env, napi_callback_info info);
napi_value tl_js_conv3d(napi_env env, napi_callback_info info);
napi_value tl_js_conv3d_backward_input(napi_env env, napi_callback_info info);
napi_value tl_js_conv3d_backward_weight(napi_env env, napi_callback_info info);
napi_value tl_js_max_pool3d(napi_env env, napi_callback_info info);
napi_value tl_js_upsample_trilinear(napi_env env, napi_callback_info info);
napi_value tl_js_upsample_trilinear_backward(napi_env env, napi_callback_info info);
/* adaptive 3-d pooling (native/adaptive-pool3d.c) and max_unpool3d (native/max-unpool3d.c) */
napi_value tl_js_adaptive_avg_pool3d(napi_env env, napi_callback_info info);
napi_value tl_js_adaptive_avg_pool3d_backward(napi_env env, napi_callback_info info);
napi_value tl_js_adaptive_max_pool3d(napi_env env, napi_callback_info info);
napi_value tl_js_max_unpool3d(napi_env env, napi_callback_info info);
napi_value tl_js_max_unpool3d_backward(napi_env env, napi_callback_info info);
/* the CTC loss recursions (native/ctc.c) */
napi_value tl_js_ctc_loss_forward(napi_env env, napi_callback_info info);
napi_value tl_js_ctc_loss_backward(napi_env env, napi_callback_info info);
/* the order of each line along a dim: sort, topk and the order statistics (native/sort.c) */
napi_value tl_js_sort_indices(napi_env env, napi_callback_info info);
/* running sums and products along a dim (native/scan.c) */
napi_value tl_js_scan(napi_env env, napi_callback_info info);
/* MT19937 words and Box–Muller blocks for the random samplers (native/random.c, box-muller.c) */
napi_value tl_js_mt_words(napi_env env, napi_callback_info info);
napi_value tl_js_box_muller16(napi_env env, napi_callback_info info);
/* layer normalisation over rows, forward and backward (native/layer-norm.c) */
napi_value tl_js_layer_norm(napi_env env, napi_callback_info info);
napi_value tl_js_layer_norm_backward(napi_env env, napi_callback_info info);
/* batch normalisation per channel, forward and backward (native/batch-norm.c) */
napi_value tl_js_batch_norm(napi_env env, napi_callback_info info);
napi_value tl_js_batch_norm_backward(napi_env env, napi_callback_info info);
/* softmax and log_softmax gradients along rows (native/softmax-backward.c) */
napi_value tl_js_softmax_backward(napi_env env, napi_callback_info info);
/* avg_pool3d forward and adjoint (native/avg-pool3d.c) */
napi_value tl_js_avg_pool3d(napi_env env, napi_callback_info info);
napi_value tl_js_avg_pool3d_backward(napi_env env, napi_callback_info info);

/* ---- module -------------------------------------------------------------------- */

static void free_keys(napi_env env, void *data, void *hint) {
  (void)hint;
  napi_ref *ref = data;
  napi_delete_reference(env, *ref);
  free(ref);
}

static napi_value names_array(napi_env env, const char *const *names, int n) {
  napi_value arr;
  napi_create_array_with_length(env, (size_t)n, &arr);
  for (int i = 0; i < n; i++) {
    napi_value s;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, (uint32_t)i, s);
  }
  return arr;
}

static napi_value init(napi_env env, napi_value exports) {
  _Static_assert(sizeof PLAIN_FNS / sizeof PLAIN_FNS[0] == sizeof KERNELS / sizeof KERNELS[0], "one plain entry per kernel");
  napi_ref *ref = calloc(1, sizeof *ref);
  napi_value keys = names_array(env, tl_key_names, K_COUNT);
  if (!ref || napi_create_reference(env, keys, 1, ref) != napi_ok) {
    free(ref);
    napi_throw_error(env, NULL, "torchlet native: cannot initialise");
    return NULL;
  }
  napi_set_instance_data(env, ref, free_keys, NULL);

  const char *kernel_names[NKERNELS];
  for (int i = 0; i < NKERNELS; i++) {
    kernel_names[i] = KERNELS[i].name;
    napi_value fn;
    napi_create_function(env, KERNELS[i].name, NAPI_AUTO_LENGTH, PLAIN_FNS[i], NULL, &fn);
    napi_set_named_property(env, exports, KERNELS[i].name, fn);
  }
  napi_property_descriptor fns[] = {
      {"call", NULL, js_call, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgdStep", NULL, js_sgd_step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adamStep", NULL, js_adam_step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"numThreads", NULL, js_num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"allocate", NULL, tl_js_allocate, NULL, NULL, NULL, napi_enumerable, NULL},
      {"allocStats", NULL, tl_js_alloc_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"emptyCache", NULL, tl_js_empty_cache, NULL, NULL, NULL, napi_enumerable, NULL},
      {"memoryCounts", NULL, tl_js_memory_counts, NULL, NULL, NULL, napi_enumerable, NULL},
      {"indexCopy", NULL, tl_js_index_copy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nonzeroCount", NULL, tl_js_nonzero_count, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nonzero", NULL, tl_js_nonzero, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gridSample", NULL, tl_js_grid_sample, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gridSampleBackward", NULL, tl_js_grid_sample_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maskedFill", NULL, tl_js_masked_fill, NULL, NULL, NULL, napi_enumerable, NULL},
      {"indexOffsets", NULL, tl_js_index_offsets, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fractionalMaxPool2d", NULL, tl_js_fractional_max_pool2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"vol2col", NULL, tl_js_vol2col, NULL, NULL, NULL, napi_enumerable, NULL},
      {"col2vol", NULL, tl_js_col2vol, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv3d", NULL, tl_js_conv3d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv3dBackwardInput", NULL, tl_js_conv3d_backward_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv3dBackwardWeight", NULL, tl_js_conv3d_backward_weight, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool3d", NULL, tl_js_max_pool3d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"upsampleTrilinear", NULL, tl_js_upsample_trilinear, NULL, NULL, NULL, napi_enumerable, NULL},
      {"upsampleTrilinearBackward", NULL, tl_js_upsample_trilinear_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adaptiveAvgPool3d", NULL, tl_js_adaptive_avg_pool3d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adaptiveAvgPool3dBackward", NULL, tl_js_adaptive_avg_pool3d_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adaptiveMaxPool3d", NULL, tl_js_adaptive_max_pool3d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxUnpool3d", NULL, tl_js_max_unpool3d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxUnpool3dBackward", NULL, tl_js_max_unpool3d_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ctcLossForward", NULL, tl_js_ctc_loss_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ctcLossBackward", NULL, tl_js_ctc_loss_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mtWords", NULL, tl_js_mt_words, NULL, NULL, NULL, napi_enumerable, NULL},
      {"boxMuller16", NULL, tl_js_box_muller16, NULL, NULL, NULL, napi_enumerable, NULL},
      {"layerNorm", NULL, tl_js_layer_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"layerNormBackward", NULL, tl_js_layer_norm_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNorm", NULL, tl_js_batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormBackward", NULL, tl_js_batch_norm_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmaxBackward", NULL, tl_js_softmax_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"avgPool3d", NULL, tl_js_avg_pool3d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"avgPool3dBackward", NULL, tl_js_avg_pool3d_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sortIndices", NULL, tl_js_sort_indices, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scan", NULL, tl_js_scan, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kernels", NULL, NULL, NULL, NULL, names_array(env, kernel_names, NKERNELS), napi_enumerable, NULL},
      {"unaryOps", NULL, NULL, NULL, NULL, names_array(env, tl_unary_names, U_COUNT), napi_enumerable, NULL},
      {"binaryOps", NULL, NULL, NULL, NULL, names_array(env, tl_binary_names, B_COUNT), napi_enumerable, NULL},
      {"reduceOps", NULL, NULL, NULL, NULL, names_array(env, tl_reduce_names, R_COUNT), napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
