/* Argument reading and checking for the Node-API entry points (args.c). */
#ifndef TORCHLET_ARGS_H
#define TORCHLET_ARGS_H

#include <stdbool.h>

#include <node_api.h>

#include "torchlet.h"

/* property keys, as values for one call (Node-API 8 cannot reference strings,
 * so the environment keeps a reference to an array of them) */
enum { K_DATA, K_SHAPE, K_STRIDES, K_OFFSET, K_KERNEL, K_STRIDE, K_PADDING, K_DILATION, K_COUNT };
typedef struct {
  napi_value v[K_COUNT];
} tl_keys;
extern const char *const tl_key_names[K_COUNT];
/* reads the keys from the environment's array; false (with an error thrown) if that fails */
bool tl_load_keys(napi_env env, tl_keys *k);

/* a strided operand's JS-side fields, read before any memory is bound */
typedef struct {
  const char *name;
  napi_value data;
  int ndim;
  int64_t shape[TL_MAXDIM];
  int64_t strides[TL_MAXDIM];
  int64_t offset;
} tl_raw;

/* Throws "native <kernel>: <message>" (unless an exception is pending) and returns NULL. */
void *tl_fail(napi_env env, const char *kernel, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tl_format_shape(char *buf, size_t cap, int ndim, const int64_t *shape);
const char *tl_dtype_name(tl_dtype d);

bool tl_check_integer(napi_env env, const char *kernel, const char *what, double x, double lo, double hi,
                      int64_t *out);
bool tl_get_integer(napi_env env, const char *kernel, const char *what, napi_value v, double lo, double hi,
                    int64_t *out);
bool tl_get_number(napi_env env, const char *kernel, const char *what, napi_value v, double *out);

/* phase 1: read {data, shape, strides, offset} (may run JS getters) */
bool tl_read_tensor(napi_env env, const tl_keys *k, const char *kernel, const char *name, napi_value v, tl_raw *r);
/*
 * phase 1, packed form: metadata [nscalars, scalars..., nops, per operand
 * (ndim, shape..., strides..., offset)] with ndim -1 for an absent operand;
 * datas[k] is operand k's typed array.
 */
bool tl_read_packed(napi_env env, const char *kernel, napi_value meta, int max_scalars, double *scalars,
                    int *nscalars, int nops, const char *const *names, const napi_value *datas, tl_raw *raw,
                    bool *present);
/* phase 2: bind the typed array and check that every reachable element is inside it */
bool tl_bind_tensor(napi_env env, const char *kernel, const tl_raw *r, tl_tensor *t);

bool tl_expect_dtype(napi_env env, const char *kernel, const tl_tensor *t, const char *name, tl_dtype d);
bool tl_same_dtype(napi_env env, const char *kernel, const tl_tensor *a, const char *an, const tl_tensor *b,
                   const char *bn);
bool tl_float_dtype(napi_env env, const char *kernel, const tl_tensor *t, const char *name);
bool tl_same_shape(napi_env env, const char *kernel, const tl_tensor *a, const char *an, const tl_tensor *b,
                   const char *bn);

#endif
