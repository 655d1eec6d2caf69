/*
 * Piecewise-linear activations in one pass: out = act(a) for float32 and
 * float64 (src/nn/activation-nodes.ts and functional.ts compose each from
 * four to eight tensor ops, i.e. as many passes over memory and as many
 * temporaries; a 1M-float hardsigmoid took 2.5 ms, PyTorch's 50 us).
 *
 * Each computes what its composed definition computes, operation for
 * operation in the tensor's dtype, so the results are the same bits:
 * scalar parameters are rounded to the dtype first (as the composed ops
 * round a number operand), and a NaN input takes the branch the composed
 * comparisons give it.
 *
 *   leakyRelu(slope):       x > 0 ? x : x * slope
 *   hardtanh(lo, hi):       x <= lo ? lo : x >= hi ? hi : x
 *   threshold(th, value):   x <= th ? value : x
 *   hardsigmoid:            x <= -3 ? 0 : x >= 3 ? 1 : x is NaN ? x : (x + 3) / 6
 *   hardswish:              x <= -3 ? 0 : x < 3 ? m * (m + 3) / 6 : x, m = clamp(x, -3, 3)
 *
 * The selects compile to compares and blends, not branches (which random
 * signs would mispredict), and contiguous rows vectorize.
 */
#include "rows.h"
#include "torchlet.h"

const char *const tl_activation_names[A_COUNT] = {"leakyRelu", "hardtanh", "threshold", "hardsigmoid", "hardswish"};

typedef struct {
  int op;
  tl_dtype dtype;
  double p0, p1;
} act_ctx;

/* clamp(x, -3, 3) as the clamp kernel gives it (max then min; a NaN stays) */
#define CLAMP3(T, x) ({ const T v_ = (x) < (T)-3 ? (T)-3 : (x); v_ > (T)3 ? (T)3 : v_; })

#define ACT_ROW(T)                                                                                   \
  do {                                                                                               \
    const T p0 = (T)ctx->p0, p1 = (T)ctx->p1;                                                        \
    switch (ctx->op) {                                                                               \
      case A_LEAKY_RELU: ROW2(T, T, x > 0 ? x : x * p0); break;                                     \
      case A_HARDTANH: ROW2(T, T, x <= p0 ? p0 : x >= p1 ? p1 : x); break;                          \
      case A_THRESHOLD: ROW2(T, T, x <= p0 ? p1 : x); break;                                        \
      case A_HARDSIGMOID: ROW2(T, T, x <= -3 ? (T)0 : x >= 3 ? (T)1 : x != x ? x : (x + (T)3) / (T)6); break; \
      default: ROW2(T, T, x <= -3 ? (T)0 : x < 3 ? CLAMP3(T, x) * (CLAMP3(T, x) + (T)3) / (T)6 : x); break; \
    }                                                                                                \
  } while (0)

static void act_row(const void *c, int64_t n, char **p, const int64_t *s) {
  const act_ctx *ctx = c;
  if (ctx->dtype == TL_F32) ACT_ROW(float);
  else ACT_ROW(double);
}

void tl_activation(int op, const tl_tensor *out, const tl_tensor *a, double p0, double p1) {
  const tl_tensor *ops[2] = {out, a};
  tl_iter it;
  tl_iter_init(&it, 2, out->ndim, out->shape, ops, NULL);
  act_ctx c = {op, out->dtype, p0, p1};
  tl_iter_run(&it, act_row, &c, 1.0);
}
