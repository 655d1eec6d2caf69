/* Argument checks for entry points that take plain typed arrays (see float-arrays.h). */
#include "float-arrays.h"

#include "args.h"

static bool get_array(napi_env env, const char *kernel, const tl_float_arg *a, napi_typedarray_type *type, size_t *length,
                      void **data) {
  napi_valuetype vt;
  *data = NULL;
  *length = 0;
  if (a->optional && napi_typeof(env, a->v, &vt) == napi_ok && (vt == napi_null || vt == napi_undefined)) return true;
  bool is_typed = false;
  if (napi_is_typedarray(env, a->v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, a->v, type, length, data, NULL, NULL) != napi_ok) {
    tl_fail(env, kernel, "%s must be a typed array%s", a->name, a->optional ? " or null" : "");
    return false;
  }
  return true;
}

bool tl_check_float_args(napi_env env, const char *kernel, tl_float_arg *args, int n, bool *f64) {
  napi_typedarray_type xtype = napi_float32_array;
  bool have = false;
  for (int k = 0; k < n; k++) {
    napi_typedarray_type t = napi_int8_array;
    size_t length;
    if (!get_array(env, kernel, &args[k], &t, &length, &args[k].data)) return false;
    if (!args[k].data) continue;
    if (args[k].stats) {
      if (t != napi_float64_array) return tl_fail(env, kernel, "%s must be a Float64Array", args[k].name), false;
    } else if (!have) {
      if (t != napi_float32_array && t != napi_float64_array)
        return tl_fail(env, kernel, "%s must be a Float32Array or Float64Array", args[k].name), false;
      xtype = t;
      have = true;
    } else if (t != xtype) {
      return tl_fail(env, kernel, "%s must have the type of the other float arrays", args[k].name), false;
    }
    if ((int64_t)length < args[k].need)
      return tl_fail(env, kernel, "%s has %zu elements, fewer than the %lld it needs", args[k].name, length, (long long)args[k].need), false;
  }
  *f64 = xtype == napi_float64_array;
  return true;
}
