#include "CSIMD.h"
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

/* The constants of the polynomial eˣ; every path computes the same operations in the same order.
   The power of two 2ⁿ (n from −126 to 128) is applied as two factors 2^⌊n/2⌋ · 2^(n−⌊n/2⌋), so
   n = 128 (x above ≈ 88.03) stays finite; for every other n the product is the same exact value. */
#define EXP_LOW (-87.3f)
#define EXP_HIGH 88.7f
#define LOG2E 1.4426950408889634f
#define ROUNDER 12582912.0f /* 1.5 · 2²³: adding it rounds to an integer in the low bits */
#define LN2_HIGH 0.693145751953125f
#define LN2_LOW 1.428606765330187e-6f

static inline float exp_scalar(float x) {
    float c = x < EXP_LOW ? EXP_LOW : (x > EXP_HIGH ? EXP_HIGH : x);
    float t = c * LOG2E + ROUNDER;
    float n = t - ROUNDER;
    float r = c - n * LN2_HIGH - n * LN2_LOW;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    int32_t n_int = bits - 0x4B400000, half = n_int >> 1;
    uint32_t low_bits = (uint32_t)(half + 127) << 23, high_bits = (uint32_t)(n_int - half + 127) << 23;
    float low, high;
    memcpy(&low, &low_bits, sizeof low);
    memcpy(&high, &high_bits, sizeof high);
    return p * low * high;
}

#if defined(__x86_64__)
/* min(C, x) and max(C, x) return x when x is NaN (the second operand), as the scalar clamp does. */
__attribute__((target("avx512f")))
static inline __m512 exp_avx512(__m512 x) {
    __m512 c = _mm512_max_ps(_mm512_set1_ps(EXP_LOW), _mm512_min_ps(_mm512_set1_ps(EXP_HIGH), x));
    __m512 t = _mm512_add_ps(_mm512_mul_ps(c, _mm512_set1_ps(LOG2E)), _mm512_set1_ps(ROUNDER));
    __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(ROUNDER));
    __m512 r = _mm512_sub_ps(_mm512_sub_ps(c, _mm512_mul_ps(n, _mm512_set1_ps(LN2_HIGH))),
                             _mm512_mul_ps(n, _mm512_set1_ps(LN2_LOW)));
    __m512 p = _mm512_set1_ps(1.0f / 720);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f / 120));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f / 24));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f / 6));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(0.5f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1));
    __m512i n_int = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000));
    __m512i half = _mm512_srai_epi32(n_int, 1);
    __m512i low = _mm512_slli_epi32(_mm512_add_epi32(half, _mm512_set1_epi32(127)), 23);
    __m512i high = _mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(n_int, half), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(_mm512_mul_ps(p, _mm512_castsi512_ps(low)), _mm512_castsi512_ps(high));
}

__attribute__((target("avx2")))
static inline __m256 exp_avx2(__m256 x) {
    __m256 c = _mm256_max_ps(_mm256_set1_ps(EXP_LOW), _mm256_min_ps(_mm256_set1_ps(EXP_HIGH), x));
    __m256 t = _mm256_add_ps(_mm256_mul_ps(c, _mm256_set1_ps(LOG2E)), _mm256_set1_ps(ROUNDER));
    __m256 n = _mm256_sub_ps(t, _mm256_set1_ps(ROUNDER));
    __m256 r = _mm256_sub_ps(_mm256_sub_ps(c, _mm256_mul_ps(n, _mm256_set1_ps(LN2_HIGH))),
                             _mm256_mul_ps(n, _mm256_set1_ps(LN2_LOW)));
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f / 120));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f / 24));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f / 6));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(0.5f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1));
    __m256i n_int = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000));
    __m256i half = _mm256_srai_epi32(n_int, 1);
    __m256i low = _mm256_slli_epi32(_mm256_add_epi32(half, _mm256_set1_epi32(127)), 23);
    __m256i high = _mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(n_int, half), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(_mm256_mul_ps(p, _mm256_castsi256_ps(low)), _mm256_castsi256_ps(high));
}

/* Whole vectors, then the remainder one masked vector (AVX-512) or scalar (AVX2). */
__attribute__((target("avx512f")))
static void map_avx512(const float *src, float *dst, long count, int sigmoid) {
    const __m512 one = _mm512_set1_ps(1), zero = _mm512_setzero_ps();
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 x = _mm512_loadu_ps(src + i);
        __m512 y = sigmoid ? _mm512_div_ps(one, _mm512_add_ps(one, exp_avx512(_mm512_sub_ps(zero, x)))) : exp_avx512(x);
        _mm512_storeu_ps(dst + i, y);
    }
    if (i < count) {
        __mmask16 m = (__mmask16)((1u << (count - i)) - 1u);
        __m512 x = _mm512_maskz_loadu_ps(m, src + i);
        __m512 y = sigmoid ? _mm512_div_ps(one, _mm512_add_ps(one, exp_avx512(_mm512_sub_ps(zero, x)))) : exp_avx512(x);
        _mm512_mask_storeu_ps(dst + i, m, y);
    }
}

__attribute__((target("avx2")))
static void map_avx2(const float *src, float *dst, long count, int sigmoid) {
    const __m256 one = _mm256_set1_ps(1), zero = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(src + i);
        __m256 y = sigmoid ? _mm256_div_ps(one, _mm256_add_ps(one, exp_avx2(_mm256_sub_ps(zero, x)))) : exp_avx2(x);
        _mm256_storeu_ps(dst + i, y);
    }
    for (; i < count; i++) dst[i] = sigmoid ? 1 / (1 + exp_scalar(0 - src[i])) : exp_scalar(src[i]);
}
#endif

static void map(CSIMDLevel level, const float *src, float *dst, long count, int sigmoid) {
    if (count <= 0) return;
#if defined(__x86_64__)
    CSIMDLevel supported = csimd_supported_level();
    switch (level < supported ? level : supported) {
    case CSIMDLevelAVX512:
        map_avx512(src, dst, count, sigmoid);
        return;
    case CSIMDLevelAVX2:
        map_avx2(src, dst, count, sigmoid);
        return;
    case CSIMDLevelScalar:
        break;
    }
#else
    (void)level;
#endif
    for (long i = 0; i < count; i++) dst[i] = sigmoid ? 1 / (1 + exp_scalar(0 - src[i])) : exp_scalar(src[i]);
}

void csimd_exp_using(CSIMDLevel level, const float *src, float *dst, long count) { map(level, src, dst, count, 0); }
void csimd_sigmoid_using(CSIMDLevel level, const float *src, float *dst, long count) { map(level, src, dst, count, 1); }
void csimd_exp(const float *src, float *dst, long count) { map(csimd_supported_level(), src, dst, count, 0); }
void csimd_sigmoid(const float *src, float *dst, long count) { map(csimd_supported_level(), src, dst, count, 1); }
