/*
 * Row loop templates for tl_iter row callbacks (whose arguments are n, the
 * row pointers p and the element strides s): the contiguous rows split out
 * so that the compiler vectorizes them. Shared by native/elementwise.c and
 * activations.c.
 */
#ifndef TORCHLET_ROWS_H
#define TORCHLET_ROWS_H

#include <stdint.h>

/* o = EXPR(x) over a row; x is a's element */
#define ROW2(TO, TA, EXPR)                                                        \
  do {                                                                            \
    TO *restrict o_ = (TO *)p[0];                                                 \
    const TA *restrict a_ = (const TA *)p[1];                                     \
    const int64_t so_ = s[0], sa_ = s[1];                                         \
    if (so_ == 1 && sa_ == 1) {                                                   \
      for (int64_t i = 0; i < n; i++) { const TA x = a_[i]; o_[i] = (EXPR); }     \
    } else {                                                                      \
      for (int64_t i = 0; i < n; i++) { const TA x = a_[i * sa_]; o_[i * so_] = (EXPR); } \
    }                                                                             \
  } while (0)

/* o = EXPR(x, y) over a row, with the contiguous and broadcast-scalar rows split out */
#define ROW3(TO, TA, EXPR)                                                                   \
  do {                                                                                       \
    TO *restrict o_ = (TO *)p[0];                                                            \
    const TA *restrict a_ = (const TA *)p[1];                                                \
    const TA *restrict b_ = (const TA *)p[2];                                                \
    const int64_t so_ = s[0], sa_ = s[1], sb_ = s[2];                                        \
    if (so_ == 1 && sa_ == 1 && sb_ == 1) {                                                  \
      for (int64_t i = 0; i < n; i++) { const TA x = a_[i], y = b_[i]; o_[i] = (EXPR); }     \
    } else if (so_ == 1 && sa_ == 1 && sb_ == 0) {                                           \
      const TA y = b_[0];                                                                    \
      for (int64_t i = 0; i < n; i++) { const TA x = a_[i]; o_[i] = (EXPR); }                \
    } else if (so_ == 1 && sa_ == 0 && sb_ == 1) {                                           \
      const TA x = a_[0];                                                                    \
      for (int64_t i = 0; i < n; i++) { const TA y = b_[i]; o_[i] = (EXPR); }                \
    } else {                                                                                 \
      for (int64_t i = 0; i < n; i++) {                                                      \
        const TA x = a_[i * sa_], y = b_[i * sb_];                                           \
        o_[i * so_] = (EXPR);                                                                \
      }                                                                                      \
    }                                                                                        \
  } while (0)

#endif
