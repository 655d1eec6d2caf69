/*
 * Fused optimizer steps on whole typed arrays (float32 or float64, one dtype
 * per call), updated in place. Each element is computed in double and stored
 * once, following PyTorch's single-tensor SGD and Adam/AdamW exactly (see the
 * formulas below and in src/backend/native/optim.ts).
 *
 *   sgdStep(param, grad, buf | null, lr, momentum, dampening, weightDecay, flags)
 *     flags: 1 nesterov, 2 maximize, 4 first step (buf is initialised to g)
 *     g = maximize ? -grad : grad;  g += weightDecay * p
 *     if momentum != 0: buf = first ? g : momentum * buf + (1 - dampening) * g
 *                       g = nesterov ? g + momentum * buf : buf
 *     p -= lr * g
 *
 *   adamStep(param, grad, m, v, vmax | null, lr, beta1, beta2, eps, weightDecay, step, flags)
 *     flags: 1 amsgrad, 2 maximize, 4 decoupled weight decay (AdamW)
 *     g = maximize ? -grad : grad
 *     AdamW: p *= 1 - lr * weightDecay;  Adam: g += weightDecay * p
 *     m += (1 - beta1) * (g - m)            (torch's lerp_)
 *     v = beta2 * v + (1 - beta2) * g * g
 *     vmax = max(vmax, v) when amsgrad, and v below means vmax
 *     p -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 */
#include <string.h>

#include "args.h"
#include "optim.h"

typedef struct {
  void *p;
  tl_dtype d;
  int64_t n;
} flat;

static bool get_flat(napi_env env, const char *K, const char *name, napi_value v, flat *f) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta)
    return tl_fail(env, K, "%s must be a Float32Array or Float64Array", name), false;
  napi_typedarray_type type;
  size_t len;
  void *ptr;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, NULL, NULL) != napi_ok)
    return tl_fail(env, K, "%s: cannot read the typed array", name), false;
  if (type != napi_float32_array && type != napi_float64_array)
    return tl_fail(env, K, "%s must be a Float32Array or Float64Array", name), false;
  f->p = ptr;
  f->d = type == napi_float32_array ? TL_F32 : TL_F64;
  f->n = (int64_t)len;
  return true;
}

static bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

static bool agree(napi_env env, const char *K, const flat *p, const flat *x, const char *name) {
  if (x->d != p->d) return tl_fail(env, K, "%s must have param's dtype", name), false;
  if (x->n != p->n)
    return tl_fail(env, K, "%s has %lld elements but param has %lld", name, (long long)x->n, (long long)p->n), false;
  return true;
}

static inline double ld(const void *a, tl_dtype d, int64_t i) {
  return d == TL_F32 ? ((const float *)a)[i] : ((const double *)a)[i];
}
static inline void st(void *a, tl_dtype d, int64_t i, double v) {
  if (d == TL_F32) ((float *)a)[i] = (float)v;
  else ((double *)a)[i] = v;
}

/* ---- SGD ---- */

typedef struct {
  flat p, g, buf;
  int has_buf;
  double lr, momentum, dampening, wd;
  int nesterov, maximize, first;
} sgd_job;

static void sgd_part(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const sgd_job *j = arg;
  const tl_dtype d = j->p.d;
  for (int64_t i = b; i < e; i++) {
    double p = ld(j->p.p, d, i), g = ld(j->g.p, d, i);
    if (j->maximize) g = -g;
    if (j->wd != 0) g += j->wd * p;
    if (j->momentum != 0) {
      double buf = j->first ? g : j->momentum * ld(j->buf.p, d, i) + (1 - j->dampening) * g;
      if (d == TL_F32) buf = (float)buf; /* the buffer is stored, then used */
      st(j->buf.p, d, i, buf);
      g = j->nesterov ? g + j->momentum * buf : buf;
    }
    st(j->p.p, d, i, p - j->lr * g);
  }
}

napi_value js_sgd_step(napi_env env, napi_callback_info info) {
  const char *K = "sgdStep";
  size_t argc = 8;
  napi_value v[8];
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc < 8)
    return tl_fail(env, K, "expected 8 arguments (param, grad, buf, lr, momentum, dampening, weightDecay, flags)");
  sgd_job j;
  memset(&j, 0, sizeof j);
  int64_t flags;
  if (!tl_get_number(env, K, "lr", v[3], &j.lr) || !tl_get_number(env, K, "momentum", v[4], &j.momentum) ||
      !tl_get_number(env, K, "dampening", v[5], &j.dampening) || !tl_get_number(env, K, "weightDecay", v[6], &j.wd) ||
      !tl_get_integer(env, K, "flags", v[7], 0, 7, &flags))
    return NULL;
  j.nesterov = (flags & 1) != 0, j.maximize = (flags & 2) != 0, j.first = (flags & 4) != 0;
  if (!get_flat(env, K, "param", v[0], &j.p) || !get_flat(env, K, "grad", v[1], &j.g) ||
      !agree(env, K, &j.p, &j.g, "grad"))
    return NULL;
  if (j.momentum != 0) {
    if (is_nullish(env, v[2])) return tl_fail(env, K, "momentum needs a buffer");
    if (!get_flat(env, K, "buf", v[2], &j.buf) || !agree(env, K, &j.p, &j.buf, "buf")) return NULL;
  }
  tl_parallel_for(j.p.n, 16384, tl_threads_for((double)j.p.n * 2), sgd_part, &j);
  return NULL;
}

/* ---- Adam / AdamW ---- */

typedef struct {
  flat p, g, m, v, vmax;
  double lr, beta1, beta2, eps, wd, step_size, bc2_sqrt;
  int amsgrad, maximize, decoupled;
} adam_job;

static void adam_part(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const adam_job *j = arg;
  const tl_dtype d = j->p.d;
  const int f32 = d == TL_F32;
  for (int64_t i = b; i < e; i++) {
    double p = ld(j->p.p, d, i), g = ld(j->g.p, d, i);
    if (j->maximize) g = -g;
    if (j->wd != 0) {
      if (j->decoupled) {
        p *= 1 - j->lr * j->wd;
        if (f32) p = (float)p;
      } else {
        g += j->wd * p;
      }
    }
    double m = ld(j->m.p, d, i), v = ld(j->v.p, d, i);
    m += (1 - j->beta1) * (g - m);
    v = j->beta2 * v + (1 - j->beta2) * g * g;
    if (f32) m = (float)m, v = (float)v;
    st(j->m.p, d, i, m);
    st(j->v.p, d, i, v);
    if (j->amsgrad) {
      double vm = ld(j->vmax.p, d, i);
      if (v > vm || v != v) vm = v;
      st(j->vmax.p, d, i, vm);
      v = vm;
    }
    const double denom = sqrt(v) / j->bc2_sqrt + j->eps;
    st(j->p.p, d, i, p - j->step_size * m / denom);
  }
}

/*
 * The common case (float32, no amsgrad, maximize or weight decay) with the
 * same double arithmetic as adam_part, but branch-free so it vectorises.
 */
static void adam_part_f32_plain(void *arg, int64_t b, int64_t e, int tid) {
  (void)tid;
  const adam_job *j = arg;
  float *restrict p = j->p.p, *restrict m = j->m.p, *restrict v = j->v.p;
  const float *restrict g = j->g.p;
  const double w1 = 1 - j->beta1, b2 = j->beta2, w2 = 1 - j->beta2;
  const double step = j->step_size, bc2_sqrt = j->bc2_sqrt, eps = j->eps;
  for (int64_t i = b; i < e; i++) {
    const double gi = g[i];
    const float mi = (float)(m[i] + w1 * (gi - m[i]));
    const float vi = (float)(b2 * v[i] + w2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = (float)(p[i] - step * mi / (sqrt((double)vi) / bc2_sqrt + eps));
  }
}

napi_value js_adam_step(napi_env env, napi_callback_info info) {
  const char *K = "adamStep";
  size_t argc = 12;
  napi_value v[12];
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc < 12)
    return tl_fail(env, K,
                   "expected 12 arguments (param, grad, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, flags)");
  adam_job j;
  memset(&j, 0, sizeof j);
  int64_t step, flags;
  if (!tl_get_number(env, K, "lr", v[5], &j.lr) || !tl_get_number(env, K, "beta1", v[6], &j.beta1) ||
      !tl_get_number(env, K, "beta2", v[7], &j.beta2) || !tl_get_number(env, K, "eps", v[8], &j.eps) ||
      !tl_get_number(env, K, "weightDecay", v[9], &j.wd) ||
      !tl_get_integer(env, K, "step", v[10], 1, 9007199254740991.0, &step) ||
      !tl_get_integer(env, K, "flags", v[11], 0, 7, &flags))
    return NULL;
  j.amsgrad = (flags & 1) != 0, j.maximize = (flags & 2) != 0, j.decoupled = (flags & 4) != 0;
  if (!get_flat(env, K, "param", v[0], &j.p) || !get_flat(env, K, "grad", v[1], &j.g) ||
      !get_flat(env, K, "m", v[2], &j.m) || !get_flat(env, K, "v", v[3], &j.v) ||
      !agree(env, K, &j.p, &j.g, "grad") || !agree(env, K, &j.p, &j.m, "m") || !agree(env, K, &j.p, &j.v, "v"))
    return NULL;
  if (j.amsgrad) {
    if (is_nullish(env, v[4])) return tl_fail(env, K, "amsgrad needs a vmax buffer");
    if (!get_flat(env, K, "vmax", v[4], &j.vmax) || !agree(env, K, &j.p, &j.vmax, "vmax")) return NULL;
  }
  const double bc1 = 1 - pow(j.beta1, (double)step), bc2 = 1 - pow(j.beta2, (double)step);
  j.step_size = j.lr / bc1;
  j.bc2_sqrt = sqrt(bc2);
  const int plain = j.p.d == TL_F32 && !j.amsgrad && !j.maximize && j.wd == 0;
  tl_parallel_for(j.p.n, 8192, tl_threads_for((double)j.p.n * 8), plain ? adam_part_f32_plain : adam_part, &j);
  return NULL;
}
