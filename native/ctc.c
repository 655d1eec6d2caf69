/*
 * The CTC loss recursions, the native twin of the loops in src/ops/ctc.ts
 * (in double, as there; exp and log are the C library's, and the backward
 * sums each (time, label)'s α·β terms in one shifted sum where the JS loop
 * log-adds them in pairs, so results agree with the JS loops to rounding,
 * not bit for bit):
 *
 *   ctcLossForward(nll, alpha, lp, labels, targetLengths, inputLengths, blank)
 *     lp [T, N, C] (float32 or float64, any strides); labels: int32, the
 *     targets' labels one batch item after another (targetLengths[b] each,
 *     each in [0, C)); targetLengths and inputLengths int32 [N] (input
 *     lengths in [0, T]); nll [N] (lp's dtype, contiguous) gets each item's
 *     negative log-likelihood and alpha float64 [N, T, W] (contiguous, W >=
 *     2·max target length + 1) the log α of the forward recursion, -inf
 *     where unreached (all of it overwritten).
 *   ctcLossBackward(grad, g, lp, alpha, nll, labels, targetLengths, inputLengths, blank, zeroInfinity)
 *     grad [T, N, C] (lp's dtype, contiguous, all of it overwritten) = the
 *     beta recursion and eq. 16 of Graves et al. times g[b] (g [N], nll [N]:
 *     lp's dtype, any strides), zero past each input's length, for empty
 *     inputs and (zeroInfinity) for infinite losses.
 *
 * Work splits over batch items.
 */
#include <stdlib.h>
#include <string.h>

#include "vol3d.h"

/* log(exp(a) + exp(b) + exp(c)) shifted by the largest, as ctc.ts's logSumExp3 */
static double lse3(double a, double b, double c) {
  const double m = a >= b ? (a >= c ? a : c) : b >= c ? b : c;
  if (!(m > -INFINITY && m < INFINITY) || a != a || b != b || c != c) {
    double mx = fmax(fmax(a, b), c);
    if (a != a || b != b || c != c) mx = NAN;
    const double shift = mx == -INFINITY ? 0 : mx;
    return log(exp(a - shift) + exp(b - shift) + exp(c - shift)) + shift;
  }
  const double ea = a == m ? 1 : a == -INFINITY ? 0 : exp(a - m);
  const double eb = b == m ? 1 : b == -INFINITY ? 0 : exp(b - m);
  const double ec = c == m ? 1 : c == -INFINITY ? 0 : exp(c - m);
  return log(ea + eb + ec) + m;
}

typedef struct {
  const tl_tensor *lp, *g, *nllv;
  char *out;       /* forward: nll; backward: grad */
  double *alpha;   /* [N, T, W] */
  const int32_t *labels, *tlen, *ilen;
  int64_t *offsets; /* per item: its first label */
  int64_t T, N, C, W, blank;
  int zero_infinity, f32;
  char *scratch; /* per thread: prime (W int64), then (backward) collected, beta and a row's terms (see run) */
  size_t per_thread;
} ctc_job;

static inline double lp_at(const ctc_job *j, int64_t t, int64_t b, int64_t c) {
  const tl_tensor *x = j->lp;
  const int64_t at = x->offset + t * x->strides[0] + b * x->strides[1] + c * x->strides[2];
  return j->f32 ? (double)((const float *)x->data)[at] : ((const double *)x->data)[at];
}

/* l' of item b: blanks around and between its labels, into prime (2S + 1) */
static void ctc_primed(const ctc_job *j, int64_t b, int64_t *prime) {
  const int64_t S = j->tlen[b], L = 2 * S + 1;
  for (int64_t s = 0; s < L; s++) prime[s] = s % 2 ? j->labels[j->offsets[b] + (s - 1) / 2] : j->blank;
}

static void ctc_forward_item(const ctc_job *j, int64_t b, int64_t *prime) {
  const int64_t T = j->T, W = j->W, S = j->tlen[b], il = j->ilen[b], L = 2 * S + 1;
  double *alpha = j->alpha + b * T * W;
  for (int64_t q = 0; q < T * W; q++) alpha[q] = -INFINITY;
  double nll;
  if (il == 0) {
    /* no input: only the empty target has an alignment */
    nll = S == 0 ? -0.0 : INFINITY;
  } else {
    ctc_primed(j, b, prime);
    alpha[0] = lp_at(j, 0, b, j->blank);
    if (S > 0) alpha[1] = lp_at(j, 0, b, prime[1]);
    for (int64_t t = 1; t < il; t++) {
      const double *prev = alpha + (t - 1) * W;
      double *row = alpha + t * W;
      for (int64_t s = 0; s < L; s++) {
        const double a2 = s > 0 ? prev[s - 1] : -INFINITY;
        const double a3 = s > 1 && prime[s - 2] != prime[s] ? prev[s - 2] : -INFINITY;
        row[s] = lse3(prev[s], a2, a3) + lp_at(j, t, b, prime[s]);
      }
    }
    const double *last = alpha + (il - 1) * W;
    if (S == 0) nll = -last[0];
    else {
      const double l1 = last[2 * S], l2 = last[2 * S - 1];
      double m = l1 > l2 || l2 != l2 ? l1 : l2;
      /* (Math.max: NaN if either is) */
      if (l1 != l1 || l2 != l2) m = NAN;
      if (m == -INFINITY) m = 0;
      nll = -(log(exp(l1 - m) + exp(l2 - m)) + m);
    }
  }
  if (j->f32) ((float *)j->out)[b] = (float)nll;
  else ((double *)j->out)[b] = nll;
}

static double at1(const tl_tensor *t, int64_t i) {
  const int64_t k = t->offset + i * t->strides[0];
  return t->dtype == TL_F32 ? (double)((const float *)t->data)[k] : ((const double *)t->data)[k];
}

static void ctc_backward_item(const ctc_job *j, int64_t b, int64_t *prime, double *collected, double *beta) {
  const int64_t T = j->T, N = j->N, C = j->C, W = j->W, S = j->tlen[b], il = j->ilen[b], L = 2 * S + 1;
  const double loss = at1(j->nllv, b);
  /* this item's rows of grad: zero unless written below */
  for (int64_t t = 0; t < T; t++) {
    if (j->f32) memset((float *)j->out + (t * N + b) * C, 0, sizeof(float) * (size_t)C);
    else memset((double *)j->out + (t * N + b) * C, 0, sizeof(double) * (size_t)C);
  }
  if ((j->zero_infinity && loss == INFINITY) || il == 0) return;
  ctc_primed(j, b, prime);
  const double *alpha = j->alpha + b * T * W;
  for (int64_t q = 0; q < T * C; q++) collected[q] = -INFINITY;
  for (int64_t q = 0; q < T * W; q++) beta[q] = -INFINITY;
  const int64_t end = (il - 1) * W;
  beta[end + 2 * S] = lp_at(j, il - 1, b, j->blank);
  collected[(il - 1) * C + j->blank] = alpha[end + 2 * S] + beta[end + 2 * S];
  if (S > 0) {
    const int64_t p = prime[2 * S - 1];
    beta[end + 2 * S - 1] = lp_at(j, il - 1, b, p);
    collected[(il - 1) * C + p] = alpha[end + 2 * S - 1] + beta[end + 2 * S - 1];
  }
  /* per row: log Σ α·β per label as one shifted sum (the JS loop log-adds them pairwise; the same to rounding) */
  double *ab = beta + T * W, *top = ab + W, *acc = top + C;
  for (int64_t t = il - 2; t >= 0; t--) {
    const double *next = beta + (t + 1) * W;
    double *row = beta + t * W;
    for (int64_t c = 0; c < C; c++) top[c] = -INFINITY, acc[c] = 0;
    for (int64_t s = L - 1; s >= 0; s--) {
      const int64_t p = prime[s];
      const double b2 = s < L - 1 ? next[s + 1] : -INFINITY;
      const double b3 = s < L - 2 && prime[s + 2] != p ? next[s + 2] : -INFINITY;
      const double bt = lse3(next[s], b2, b3) + lp_at(j, t, b, p);
      row[s] = bt;
      ab[s] = alpha[t * W + s] + bt;
      /* the largest term per label (NaN wins, as Math.max's) */
      if (ab[s] > top[p] || ab[s] != ab[s]) top[p] = ab[s];
    }
    for (int64_t s = 0; s < L; s++) {
      const int64_t p = prime[s];
      if (top[p] > -INFINITY && top[p] < INFINITY) acc[p] += exp(ab[s] - top[p]);
    }
    for (int64_t c = 0; c < C; c++) {
      const double m = top[c];
      if (m > -INFINITY && m < INFINITY) collected[t * C + c] = log(acc[c]) + m;
      else if (m == -INFINITY) collected[t * C + c] = m; /* unreached (or no such label) */
      else {
        /* a +inf or NaN term: the JS loop's pairwise log-adds, in its order, for its exact answer */
        double k = -INFINITY;
        for (int64_t q = L - 1; q >= 0; q--) {
          if (prime[q] != c) continue;
          if (k == -INFINITY) k = ab[q];
          else {
            double mm = k > ab[q] ? k : ab[q];
            if (k != k || ab[q] != ab[q]) mm = NAN;
            k = log(exp(k - mm) + exp(ab[q] - mm)) + mm;
          }
        }
        collected[t * C + c] = k;
      }
    }
  }
  const double scale = at1(j->g, b);
  for (int64_t t = 0; t < il; t++)
    for (int64_t c = 0; c < C; c++) {
      const double l = lp_at(j, t, b, c);
      const double v = (exp(l) - exp(collected[t * C + c] + loss - l)) * scale;
      if (j->f32) ((float *)j->out)[(t * N + b) * C + c] = (float)v;
      else ((double *)j->out)[(t * N + b) * C + c] = v;
    }
}

typedef struct {
  const ctc_job *j;
  int backward;
} ctc_run;

static void ctc_part(void *arg, int64_t b0, int64_t b1, int tid) {
  const ctc_run *r = arg;
  const ctc_job *j = r->j;
  char *mine = j->scratch + (size_t)tid * j->per_thread;
  int64_t *prime = (int64_t *)mine;
  double *collected = (double *)(mine + sizeof(int64_t) * (size_t)j->W);
  double *beta = collected + j->T * j->C;
  for (int64_t b = b0; b < b1; b++) {
    if (r->backward) ctc_backward_item(j, b, prime, collected, beta);
    else ctc_forward_item(j, b, prime);
  }
}

/* an int32 [n] operand, contiguous */
static bool int_vector(napi_env env, const char *K, const tl_tensor *t, const char *name, int64_t n) {
  if (!tl_expect_dtype(env, K, t, name, TL_I32)) return false;
  if (t->ndim != 1 || t->shape[0] != n || !tl_contiguous3(t)) {
    tl_fail(env, K, "%s must be a contiguous int32 vector of %lld elements", name, (long long)n);
    return false;
  }
  return true;
}

static napi_value run(napi_env env, napi_callback_info info, int backward) {
  const char *const K = backward ? "ctcLossBackward" : "ctcLossForward";
  const size_t want = backward ? 10 : 7;
  size_t argc = 10;
  napi_value argv[10];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return tl_fail(env, K, "bad call");
  if (argc < want)
    return backward ? tl_fail(env, K, "expected 10 arguments (grad, g, lp, alpha, nll, labels, targetLengths, inputLengths, blank, zeroInfinity), got %zu", argc)
                    : tl_fail(env, K, "expected 7 arguments (nll, alpha, lp, labels, targetLengths, inputLengths, blank), got %zu", argc);
  tl_keys k;
  if (!tl_load_keys(env, &k)) return NULL;
  /* forward: nll, alpha, lp, labels, tlen, ilen; backward: grad, g, lp, alpha, nll, labels, tlen, ilen */
  const char *const fnames[] = {"nll", "alpha", "lp", "labels", "targetLengths", "inputLengths"};
  const char *const bnames[] = {"grad", "g", "lp", "alpha", "nll", "labels", "targetLengths", "inputLengths"};
  const char *const *names = backward ? bnames : fnames;
  const int nt_ = backward ? 8 : 6;
  tl_raw raw[8];
  tl_tensor t[8];
  for (int i = 0; i < nt_; i++)
    if (!tl_read_tensor(env, &k, K, names[i], argv[i], &raw[i])) return NULL;
  int64_t blank, zinf = 0;
  if (!tl_get_integer(env, K, "blank", argv[nt_], 0, 2147483647.0, &blank)) return NULL;
  if (backward && !tl_get_integer(env, K, "zeroInfinity", argv[9], 0, 1, &zinf)) return NULL;
  for (int i = 0; i < nt_; i++)
    if (!tl_bind_tensor(env, K, &raw[i], &t[i])) return NULL;
  const tl_tensor *out = &t[0], *lp = &t[2];
  const tl_tensor *alpha = backward ? &t[3] : &t[1], *labels = &t[backward ? 5 : 3], *tl = &t[backward ? 6 : 4], *il = &t[backward ? 7 : 5];
  const tl_tensor *g = backward ? &t[1] : NULL, *nll = backward ? &t[4] : &t[0];
  if (!tl_float_dtype(env, K, lp, "lp") || !tl_same_dtype(env, K, out, names[0], lp, "lp") || !tl_same_dtype(env, K, nll, "nll", lp, "lp") ||
      (g && !tl_same_dtype(env, K, g, "g", lp, "lp")) || !tl_expect_dtype(env, K, alpha, "alpha", TL_F64))
    return NULL;
  char sl[160];
  tl_format_shape(sl, sizeof sl, lp->ndim, lp->shape);
  if (lp->ndim != 3) return tl_fail(env, K, "lp %s must be [T, N, C]", sl);
  const int64_t T = lp->shape[0], N = lp->shape[1], C = lp->shape[2];
  if (blank >= C) return tl_fail(env, K, "blank %lld is out of range for %lld labels", (long long)blank, (long long)C);
  if (nll->ndim != 1 || nll->shape[0] != N || (g && (g->ndim != 1 || g->shape[0] != N)))
    return tl_fail(env, K, "nll%s must be [%lld] vectors", g ? " and g" : "", (long long)N);
  if (!backward && !tl_contiguous3(nll)) return tl_fail(env, K, "nll must be contiguous");
  if (backward) {
    char so[160];
    tl_format_shape(so, sizeof so, out->ndim, out->shape);
    if (out->ndim != 3 || out->shape[0] != T || out->shape[1] != N || out->shape[2] != C)
      return tl_fail(env, K, "grad %s must have lp's shape %s", so, sl);
    if (!tl_contiguous3(out)) return tl_fail(env, K, "grad must be contiguous");
  }
  if (!int_vector(env, K, tl, "targetLengths", N) || !int_vector(env, K, il, "inputLengths", N)) return NULL;
  const int32_t *tlen = (const int32_t *)tl_first(tl), *ilen = (const int32_t *)tl_first(il);
  int64_t total = 0, longest = 0;
  for (int64_t b = 0; b < N; b++) {
    if (tlen[b] < 0) return tl_fail(env, K, "targetLengths[%lld] = %d is negative", (long long)b, tlen[b]);
    if (ilen[b] < 0 || ilen[b] > T) return tl_fail(env, K, "inputLengths[%lld] = %d is out of range [0, %lld]", (long long)b, ilen[b], (long long)T);
    total += tlen[b];
    if (tlen[b] > longest) longest = tlen[b];
  }
  if (!int_vector(env, K, labels, "labels", total)) return NULL;
  const int32_t *lab = (const int32_t *)tl_first(labels);
  for (int64_t i = 0; i < total; i++)
    if (lab[i] < 0 || lab[i] >= C) return tl_fail(env, K, "labels[%lld] = %d is out of range for %lld labels", (long long)i, lab[i], (long long)C);
  if (alpha->ndim != 3 || alpha->shape[0] != N || alpha->shape[1] != T || alpha->shape[2] < 2 * longest + 1)
    return tl_fail(env, K, "alpha must be [%lld, %lld, W] with W >= %lld", (long long)N, (long long)T, (long long)(2 * longest + 1));
  const int64_t W = alpha->shape[2];
  if (!tl_contiguous3(alpha)) return tl_fail(env, K, "alpha must be contiguous");
  if (N == 0) return NULL;
  ctc_job j;
  memset(&j, 0, sizeof j);
  j.lp = lp, j.g = g, j.nllv = nll;
  j.out = tl_first(out);
  j.alpha = (double *)tl_first(alpha);
  j.labels = lab, j.tlen = tlen, j.ilen = ilen;
  j.T = T, j.N = N, j.C = C, j.W = W, j.blank = blank, j.zero_infinity = (int)zinf, j.f32 = lp->dtype == TL_F32;
  if ((double)T * (double)(C + W) > 1e9) return tl_fail(env, K, "lp %s: too large", sl);
  j.offsets = malloc(sizeof(int64_t) * (size_t)N);
  if (!j.offsets) return tl_fail(env, K, "out of memory");
  for (int64_t b = 0, at = 0; b < N; at += tlen[b], b++) j.offsets[b] = at;
  const double work = (double)N * (double)T * (double)(W + C) * 40;
  const int nt = tl_threads_for(work);
  /* per thread: l' (W), then (backward) collected (T·C), beta (T·W), and one row's α·β terms (W), largest terms and sums (2·C) */
  j.per_thread = sizeof(int64_t) * (size_t)W + (backward ? sizeof(double) * (size_t)(T * C + T * W + W + 2 * C) : 0);
  j.scratch = malloc((size_t)nt * j.per_thread);
  if (!j.scratch) {
    free(j.offsets);
    return tl_fail(env, K, "out of memory");
  }
  ctc_run r = {&j, backward};
  tl_parallel_for(N, 1, nt, ctc_part, &r);
  free(j.scratch);
  free(j.offsets);
  return NULL;
}

napi_value tl_js_ctc_loss_forward(napi_env env, napi_callback_info info) { return run(env, info, 0); }
napi_value tl_js_ctc_loss_backward(napi_env env, napi_callback_info info) { return run(env, info, 1); }
