/*
 * The vector layer shared by conv2d.c and dots.c: float (VF_) and double
 * (VD_) vectors of VLF / VLD lanes, AVX-512 or AVX2 + FMA where the build
 * has them, else one lane (correct, not fast). Loads and stores are
 * unaligned; LOADM loads the lanes set in a bit mask and zeros the rest.
 */
#ifndef TORCHLET_VEC_H
#define TORCHLET_VEC_H

#include <stdint.h>

#include "torchlet.h"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define VLF 16
#define VLD 8
typedef __m512 vfs;
typedef __m512d vds;
#define VF_ZERO() _mm512_setzero_ps()
#define VF_LOAD(p) _mm512_loadu_ps(p)
#define VF_STORE(p, v) _mm512_storeu_ps(p, v)
#define VF_LOADM(m, p) _mm512_maskz_loadu_ps((__mmask16)(m), p)
#define VF_SET1(x) _mm512_set1_ps(x)
#define VF_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VF_ADD(a, b) _mm512_add_ps(a, b)
#define VD_ZERO() _mm512_setzero_pd()
#define VD_LOAD(p) _mm512_loadu_pd(p)
#define VD_STORE(p, v) _mm512_storeu_pd(p, v)
#define VD_LOADM(m, p) _mm512_maskz_loadu_pd((__mmask8)(m), p)
#define VD_SET1(x) _mm512_set1_pd(x)
#define VD_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define VD_ADD(a, b) _mm512_add_pd(a, b)
#elif defined(__AVX2__) && defined(__FMA__)
#define VLF 8
#define VLD 4
typedef __m256 vfs;
typedef __m256d vds;
static inline __m256i lanes32(uint32_t m) {
  const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)m), bit), bit);
}
static inline __m256i lanes64(uint32_t m) {
  const __m256i bit = _mm256_setr_epi64x(1, 2, 4, 8);
  return _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x(m), bit), bit);
}
#define VF_ZERO() _mm256_setzero_ps()
#define VF_LOAD(p) _mm256_loadu_ps(p)
#define VF_STORE(p, v) _mm256_storeu_ps(p, v)
#define VF_LOADM(m, p) _mm256_maskload_ps(p, lanes32(m))
#define VF_SET1(x) _mm256_set1_ps(x)
#define VF_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VF_ADD(a, b) _mm256_add_ps(a, b)
#define VD_ZERO() _mm256_setzero_pd()
#define VD_LOAD(p) _mm256_loadu_pd(p)
#define VD_STORE(p, v) _mm256_storeu_pd(p, v)
#define VD_LOADM(m, p) _mm256_maskload_pd(p, lanes64(m))
#define VD_SET1(x) _mm256_set1_pd(x)
#define VD_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define VD_ADD(a, b) _mm256_add_pd(a, b)
#else
/* portable scalar fallback: correct, not fast */
#define VLF 1
#define VLD 1
typedef float vfs;
typedef double vds;
#define VF_ZERO() 0.0f
#define VF_LOAD(p) (*(p))
#define VF_STORE(p, v) (*(p) = (v))
#define VF_LOADM(m, p) ((m) & 1 ? *(p) : 0.0f)
#define VF_SET1(x) (x)
#define VF_FMA(a, b, c) fmaf(a, b, c)
#define VF_ADD(a, b) ((a) + (b))
#define VD_ZERO() 0.0
#define VD_LOAD(p) (*(p))
#define VD_STORE(p, v) (*(p) = (v))
#define VD_LOADM(m, p) ((m) & 1 ? *(p) : 0.0)
#define VD_SET1(x) (x)
#define VD_FMA(a, b, c) fma(a, b, c)
#define VD_ADD(a, b) ((a) + (b))
#endif

#endif
