/*
 * Argument checks shared by the entry points that take plain typed arrays
 * (native/layer-norm.c, batch-norm.c, softmax-backward.c), and the eight
 * running sums they sum in (src/ops/eight-sums.ts repeats the order in JS).
 */
#ifndef TORCHLET_FLOAT_ARRAYS_H
#define TORCHLET_FLOAT_ARRAYS_H

#include <stdbool.h>
#include <stdint.h>

#include <node_api.h>

/* one typed-array argument: at least `need` elements; `stats` ones are Float64Arrays, the others all of one float type
 * (Float32Array or Float64Array); an `optional` one may be null or undefined (then data is NULL) */
typedef struct {
  const char *name;
  napi_value v;
  bool optional, stats;
  int64_t need;
  void *data;
} tl_float_arg;

/* checks args[0..n) and sets their data; *f64 tells the float type; false with an error thrown otherwise */
bool tl_check_float_args(napi_env env, const char *kernel, tl_float_arg *args, int n, bool *f64);

/* eight running sums (element t into sum t mod 8) added pairwise */
static inline double tl_combine8(const double *a) {
  return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* the sum over I in [0, n) of EXPR (which reads index I), element I into running sum I mod 8 */
#define TL_SUM8(n, I, EXPR)                                               \
  ({                                                                      \
    double a_[8] = {0, 0, 0, 0, 0, 0, 0, 0};                              \
    int64_t b_ = 0;                                                       \
    for (; b_ + 8 <= (n); b_ += 8)                                        \
      for (int k_ = 0; k_ < 8; k_++) {                                    \
        const int64_t I = b_ + k_;                                        \
        a_[k_] += (EXPR);                                                 \
      }                                                                   \
    for (int64_t I = b_; I < (n); I++) a_[I & 7] += (EXPR);               \
    tl_combine8(a_);                                                      \
  })

#endif
