/*
 * Argument checking: every JS value a kernel receives is read and validated
 * here before any typed-array memory is touched. A strided operand is read in
 * two phases: first its JS properties (getters may run JS), then, once all
 * operands are read, the typed arrays' memory (no JS runs after that, so no
 * buffer can be detached behind our back). Every failure throws a JS error
 * that names the kernel and the problem.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

#define MAX_EXTENT 1099511627776.0 /* 2^40: larger than any typed array */

void *tl_fail(napi_env env, const char *kernel, const char *fmt, ...) {
  char msg[512];
  int n = snprintf(msg, sizeof msg, "native %s: ", kernel);
  va_list ap;
  va_start(ap, fmt);
  if (n > 0 && (size_t)n < sizeof msg) vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, NULL, msg);
  return NULL;
}

/* true when a JS exception is already pending (a getter threw): just unwind */
static bool pending(napi_env env) {
  bool p = false;
  napi_is_exception_pending(env, &p);
  return p;
}

void tl_format_shape(char *buf, size_t cap, int ndim, const int64_t *shape) {
  size_t used = 0;
  int n = snprintf(buf, cap, "[");
  used = n > 0 ? (size_t)n : 0;
  for (int d = 0; d < ndim && used < cap; d++) {
    n = snprintf(buf + used, cap - used, d ? ",%lld" : "%lld", (long long)shape[d]);
    if (n > 0) used += (size_t)n;
  }
  if (used < cap) snprintf(buf + used, cap - used, "]");
}

const char *const tl_key_names[K_COUNT] = {"data", "shape", "strides", "offset", "kernel", "stride", "padding", "dilation"};

bool tl_load_keys(napi_env env, tl_keys *k) {
  napi_ref *ref = NULL;
  napi_value arr;
  if (napi_get_instance_data(env, (void **)&ref) != napi_ok || !ref || napi_get_reference_value(env, *ref, &arr) != napi_ok || !arr) {
    tl_fail(env, "addon", "property keys are missing");
    return false;
  }
  for (uint32_t i = 0; i < K_COUNT; i++)
    if (napi_get_element(env, arr, i, &k->v[i]) != napi_ok) {
      tl_fail(env, "addon", "property keys are missing");
      return false;
    }
  return true;
}

bool tl_check_integer(napi_env env, const char *kernel, const char *what, double x, double lo, double hi,
                      int64_t *out) {
  if (!(x >= lo && x <= hi)) {
    if (x != x) tl_fail(env, kernel, "%s must be an integer, got NaN", what);
    else tl_fail(env, kernel, "%s = %g is out of range [%.0f, %.0f]", what, x, lo, hi);
    return false;
  }
  if (x != trunc(x)) {
    tl_fail(env, kernel, "%s must be an integer, got %g", what, x);
    return false;
  }
  *out = (int64_t)x;
  return true;
}

bool tl_get_integer(napi_env env, const char *kernel, const char *what, napi_value v, double lo, double hi,
                    int64_t *out) {
  double x;
  if (napi_get_value_double(env, v, &x) != napi_ok) {
    if (pending(env)) return false;
    tl_fail(env, kernel, "%s must be a number", what);
    return false;
  }
  return tl_check_integer(env, kernel, what, x, lo, hi, out);
}

bool tl_get_number(napi_env env, const char *kernel, const char *what, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    if (!pending(env)) tl_fail(env, kernel, "%s must be a number", what);
    return false;
  }
  return true;
}

static bool get_int_array(napi_env env, const char *kernel, const char *name, const char *field, napi_value arr,
                          double lo, double hi, int64_t *vals, uint32_t *len) {
  bool is_array = false;
  if (napi_is_array(env, arr, &is_array) != napi_ok || !is_array) {
    if (!pending(env)) tl_fail(env, kernel, "%s.%s must be an array of integers", name, field);
    return false;
  }
  if (napi_get_array_length(env, arr, len) != napi_ok) {
    if (!pending(env)) tl_fail(env, kernel, "%s.%s: cannot read its length", name, field);
    return false;
  }
  if (*len > TL_MAXDIM) {
    tl_fail(env, kernel, "%s.%s has %u dims; at most %d are supported", name, field, *len, TL_MAXDIM);
    return false;
  }
  for (uint32_t i = 0; i < *len; i++) {
    napi_value e;
    if (napi_get_element(env, arr, i, &e) != napi_ok) {
      if (!pending(env)) tl_fail(env, kernel, "%s.%s[%u] cannot be read", name, field, i);
      return false;
    }
    char what[96];
    snprintf(what, sizeof what, "%s.%s[%u]", name, field, i);
    if (!tl_get_integer(env, kernel, what, e, lo, hi, &vals[i])) return false;
  }
  return true;
}

bool tl_read_tensor(napi_env env, const tl_keys *k, const char *kernel, const char *name, napi_value v,
                    tl_raw *r) {
  memset(r, 0, sizeof *r);
  r->name = name;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_object) {
    tl_fail(env, kernel, "%s must be a strided object {data, shape, strides, offset}", name);
    return false;
  }
  napi_value shape, strides, offset;
  if (napi_get_property(env, v, k->v[K_DATA], &r->data) != napi_ok ||
      napi_get_property(env, v, k->v[K_SHAPE], &shape) != napi_ok ||
      napi_get_property(env, v, k->v[K_STRIDES], &strides) != napi_ok ||
      napi_get_property(env, v, k->v[K_OFFSET], &offset) != napi_ok) {
    if (!pending(env)) tl_fail(env, kernel, "%s: cannot read its properties", name);
    return false;
  }
  uint32_t nshape = 0, nstrides = 0;
  if (!get_int_array(env, kernel, name, "shape", shape, 0, MAX_EXTENT, r->shape, &nshape)) return false;
  if (!get_int_array(env, kernel, name, "strides", strides, -MAX_EXTENT, MAX_EXTENT, r->strides, &nstrides))
    return false;
  if (nshape != nstrides) {
    tl_fail(env, kernel, "%s.shape has %u dims but %s.strides has %u", name, nshape, name, nstrides);
    return false;
  }
  r->ndim = (int)nshape;
  char what[64];
  snprintf(what, sizeof what, "%s.offset", name);
  if (!tl_get_integer(env, kernel, what, offset, 0, MAX_EXTENT, &r->offset)) return false;
  return true;
}

static const char *dtype_name(tl_dtype d) {
  switch (d) {
    case TL_F32: return "float32";
    case TL_F64: return "float64";
    case TL_I32: return "int32";
    default: return "bool";
  }
}

const char *tl_dtype_name(tl_dtype d) { return dtype_name(d); }

bool tl_bind_tensor(napi_env env, const char *kernel, const tl_raw *r, tl_tensor *t) {
  memset(t, 0, sizeof *t);
  bool is_ta = false;
  if (napi_is_typedarray(env, r->data, &is_ta) != napi_ok || !is_ta) {
    tl_fail(env, kernel, "%s.data must be a Float32Array, Float64Array, Int32Array or Uint8Array", r->name);
    return false;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void *ptr = NULL;
  if (napi_get_typedarray_info(env, r->data, &type, &length, &ptr, NULL, NULL) != napi_ok) {
    tl_fail(env, kernel, "%s.data: cannot read the typed array", r->name);
    return false;
  }
  switch (type) {
    case napi_float32_array: t->dtype = TL_F32; break;
    case napi_float64_array: t->dtype = TL_F64; break;
    case napi_int32_array: t->dtype = TL_I32; break;
    case napi_uint8_array: t->dtype = TL_BOOL; break;
    default:
      tl_fail(env, kernel, "%s.data must be a Float32Array, Float64Array, Int32Array or Uint8Array", r->name);
      return false;
  }
  t->data = ptr;
  t->length = (int64_t)length;
  t->ndim = r->ndim;
  t->offset = r->offset;
  int64_t numel = 1, lo = r->offset, hi = r->offset;
  for (int d = 0; d < r->ndim; d++) {
    t->shape[d] = r->shape[d];
    t->strides[d] = r->strides[d];
    if (__builtin_mul_overflow(numel, r->shape[d], &numel) || numel > (int64_t)MAX_EXTENT) {
      tl_fail(env, kernel, "%s.shape is too large", r->name);
      return false;
    }
  }
  t->numel = numel;
  if (numel == 0) {
    /* nothing is reachable; still insist on a sane offset */
    if (r->offset > t->length) {
      tl_fail(env, kernel, "%s.offset %lld is past the end of its data (length %lld)", r->name,
              (long long)r->offset, (long long)t->length);
      return false;
    }
    return true;
  }
  bool overflow = false;
  for (int d = 0; d < r->ndim; d++) {
    int64_t span;
    overflow |= __builtin_mul_overflow(r->strides[d], r->shape[d] - 1, &span);
    overflow |= span < 0 ? __builtin_add_overflow(lo, span, &lo) : __builtin_add_overflow(hi, span, &hi);
  }
  if (overflow) {
    tl_fail(env, kernel, "%s's strides reach beyond any typed array", r->name);
    return false;
  }
  if (lo < 0 || hi >= t->length) {
    char sh[160], st[160];
    tl_format_shape(sh, sizeof sh, r->ndim, r->shape);
    tl_format_shape(st, sizeof st, r->ndim, r->strides);
    tl_fail(env, kernel,
            "%s (shape %s, strides %s, offset %lld) reaches elements %lld..%lld outside its data (length %lld)",
            r->name, sh, st, (long long)r->offset, (long long)lo, (long long)hi, (long long)t->length);
    return false;
  }
  return true;
}

bool tl_expect_dtype(napi_env env, const char *kernel, const tl_tensor *t, const char *name, tl_dtype d) {
  if (t->dtype == d) return true;
  tl_fail(env, kernel, "%s must be %s, got %s", name, dtype_name(d), dtype_name(t->dtype));
  return false;
}

bool tl_same_dtype(napi_env env, const char *kernel, const tl_tensor *a, const char *an, const tl_tensor *b,
                   const char *bn) {
  if (a->dtype == b->dtype) return true;
  tl_fail(env, kernel, "%s (%s) and %s (%s) must have one dtype", an, dtype_name(a->dtype), bn,
          dtype_name(b->dtype));
  return false;
}

bool tl_float_dtype(napi_env env, const char *kernel, const tl_tensor *t, const char *name) {
  if (t->dtype == TL_F32 || t->dtype == TL_F64) return true;
  tl_fail(env, kernel, "%s must be float32 or float64, got %s", name, dtype_name(t->dtype));
  return false;
}

bool tl_same_shape(napi_env env, const char *kernel, const tl_tensor *a, const char *an, const tl_tensor *b,
                   const char *bn) {
  bool same = a->ndim == b->ndim;
  for (int d = 0; same && d < a->ndim; d++) same = a->shape[d] == b->shape[d];
  if (same) return true;
  char sa[160], sb[160];
  tl_format_shape(sa, sizeof sa, a->ndim, a->shape);
  tl_format_shape(sb, sizeof sb, b->ndim, b->shape);
  tl_fail(env, kernel, "%s.shape %s and %s.shape %s do not agree", an, sa, bn, sb);
  return false;
}

/*
 * tl_check_integer for a packed field whose name is `fmt` filled with
 * (operand, index). The name is formatted only when the check fails: every
 * native call reads a dozen such fields, and formatting their names up
 * front cost more than a small kernel.
 */
static bool packed_integer(napi_env env, const char *kernel, double x, double lo, double hi, int64_t *out,
                           const char *fmt, const char *operand, int index) {
  if (x >= lo && x <= hi && x == trunc(x)) {
    *out = (int64_t)x;
    return true;
  }
  char what[64];
  snprintf(what, sizeof what, fmt, operand, index);
  return tl_check_integer(env, kernel, what, x, lo, hi, out);
}

/* one number from the packed metadata, or a thrown error when it runs out */
static bool meta_next(napi_env env, const char *kernel, const double *m, size_t len, size_t *at, double *x) {
  if (*at >= len) {
    tl_fail(env, kernel, "metadata is too short (%zu numbers)", len);
    return false;
  }
  *x = m[(*at)++];
  return true;
}

bool tl_read_packed(napi_env env, const char *kernel, napi_value meta, int max_scalars, double *scalars,
                    int *nscalars, int nops, const char *const *names, const napi_value *datas, tl_raw *raw,
                    bool *present) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t len = 0;
  void *ptr = NULL;
  if (napi_is_typedarray(env, meta, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, meta, &type, &len, &ptr, NULL, NULL) != napi_ok || type != napi_float64_array) {
    tl_fail(env, kernel, "metadata must be a Float64Array");
    return false;
  }
  /* copy it first: it could share memory with an operand we write */
  double m[1 + 32 + 1 + TL_MAXOPS * (2 + 2 * TL_MAXDIM)];
  if (len > sizeof m / sizeof m[0]) len = sizeof m / sizeof m[0];
  if (len) memcpy(m, ptr, len * sizeof(double));
  size_t at = 0;
  double x;
  int64_t n;
  if (!meta_next(env, kernel, m, len, &at, &x) || !tl_check_integer(env, kernel, "scalar count", x, 0, max_scalars, &n))
    return false;
  *nscalars = (int)n;
  for (int i = 0; i < *nscalars; i++)
    if (!meta_next(env, kernel, m, len, &at, &scalars[i])) return false;
  if (!meta_next(env, kernel, m, len, &at, &x) || !tl_check_integer(env, kernel, "operand count", x, nops, nops, &n))
    return false;
  for (int k = 0; k < nops; k++) {
    tl_raw *r = &raw[k];
    memset(r, 0, sizeof *r);
    r->name = names[k];
    r->data = datas[k];
    if (!meta_next(env, kernel, m, len, &at, &x) ||
        !packed_integer(env, kernel, x, -1, TL_MAXDIM, &n, "%s's dim count", names[k], 0))
      return false;
    present[k] = n >= 0;
    if (!present[k]) continue;
    r->ndim = (int)n;
    for (int d = 0; d < r->ndim; d++)
      if (!meta_next(env, kernel, m, len, &at, &x) ||
          !packed_integer(env, kernel, x, 0, MAX_EXTENT, &r->shape[d], "%s.shape[%d]", names[k], d))
        return false;
    for (int d = 0; d < r->ndim; d++)
      if (!meta_next(env, kernel, m, len, &at, &x) ||
          !packed_integer(env, kernel, x, -MAX_EXTENT, MAX_EXTENT, &r->strides[d], "%s.strides[%d]", names[k], d))
        return false;
    if (!meta_next(env, kernel, m, len, &at, &x) ||
        !packed_integer(env, kernel, x, 0, MAX_EXTENT, &r->offset, "%s.offset", names[k], 0))
      return false;
  }
  return true;
}
