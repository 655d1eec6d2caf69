/*
 * The words of PyTorch's CPU generator, MT19937, for src/ops/random.ts:
 *
 *   mtWords(mt, mti, out, count) -> the new mti
 *     continues the twister whose 624-word state is the Uint32Array `mt` at
 *     position `mti` (0..624; 624: regenerate first), writes the next
 *     `count` tempered words into the Uint32Array `out` (count <= its
 *     length) and returns the position after them. `mt` is updated in
 *     place, so the JS generator and this function can take turns.
 *
 * The same words as the generator's JS loop, at about a nanosecond each
 * (the JS loop takes several), which is most of what rand, bernoulli_ and
 * dropout cost.
 */
#include <stdint.h>

#include "args.h"

#define MT_N 624
#define MT_M 397

/* the standard MT19937 twist, in runs where k + 1 and k + MT_M (or k - 227) do not wrap, so the compiler vectorizes them */
static void twist(uint32_t *mt) {
#define MIX(k, next, far)                                                      \
  do {                                                                         \
    const uint32_t y = (mt[k] & 0x80000000u) | (mt[next] & 0x7fffffffu);       \
    mt[k] = mt[far] ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908b0dfu);              \
  } while (0)
  int k = 0;
  for (; k < MT_N - MT_M; k++) MIX(k, k + 1, k + MT_M);
  for (; k < MT_N - 1; k++) MIX(k, k + 1, k + MT_M - MT_N);
  MIX(MT_N - 1, 0, MT_M - 1);
#undef MIX
}

static uint32_t temper(uint32_t y) {
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  return y ^ (y >> 18);
}

static int64_t mt_words(uint32_t *mt, int64_t mti, uint32_t *out, int64_t count) {
  for (int64_t done = 0; done < count;) {
    if (mti >= MT_N) {
      twist(mt);
      mti = 0;
    }
    int64_t run = MT_N - mti;
    if (run > count - done) run = count - done;
    for (int64_t i = 0; i < run; i++) out[done + i] = temper(mt[mti + i]);
    mti += run;
    done += run;
  }
  return mti;
}

/* a Uint32Array argument: its data and length; false (with a TypeError thrown) otherwise */
static bool get_words(napi_env env, napi_value v, const char *what, uint32_t **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_uint32_array) {
    tl_fail(env, "mtWords", "%s must be a Uint32Array", what);
    return false;
  }
  *data = p;
  return true;
}

napi_value tl_js_mt_words(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 4) return tl_fail(env, "mtWords", "expected (mt, mti, out, count), got %zu arguments", argc);
  uint32_t *mt, *out;
  size_t mt_length, out_length;
  int64_t mti, count;
  if (!get_words(env, argv[0], "mt", &mt, &mt_length) || !get_words(env, argv[2], "out", &out, &out_length)) return NULL;
  if (mt_length != MT_N) return tl_fail(env, "mtWords", "mt must hold %d words, got %zu", MT_N, mt_length);
  if (!tl_get_integer(env, "mtWords", "mti", argv[1], 0, MT_N, &mti) ||
      !tl_get_integer(env, "mtWords", "count", argv[3], 0, (double)out_length, &count))
    return NULL;
  napi_value result;
  napi_create_int64(env, mt_words(mt, mti, out, count), &result);
  return result;
}
