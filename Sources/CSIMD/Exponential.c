#include "Level.h"
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

/* eˣ: Cody–Waite range reduction (n by adding 1.5·2²³, which rounds to an integer in the low
   bits), a degree-6 polynomial, and 2ⁿ (n from −126 to 128) applied as the two factors
   2^⌊n/2⌋ · 2^(n−⌊n/2⌋), so n = 128 (x above ≈ 88.03) stays finite; for every other n the product
   is the same exact value as one factor. The clamp keeps NaN (both comparisons are false). */
static inline __attribute__((always_inline)) float exp_polynomial(float x) {
    float c = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
    float t = c * 1.4426950408889634f + 12582912.0f;
    float n = t - 12582912.0f;
    float r = c - n * 0.693145751953125f - n * 1.428606765330187e-6f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    int32_t whole = bits - 0x4B400000, half = whole >> 1;
    uint32_t low_bits = (uint32_t)(half + 127) << 23, high_bits = (uint32_t)(whole - half + 127) << 23;
    float low, high;
    memcpy(&low, &low_bits, sizeof low);
    memcpy(&high, &high_bits, sizeof high);
    return p * low * high;
}

/* One loop, compiled three times (as in Adam.c): each path vectorises it at its own width. */
static inline __attribute__((always_inline)) void map_loop(const float *src, float *dst, long count, int sigmoid) {
    if (sigmoid) {
        for (long i = 0; i < count; i++) dst[i] = 1 / (1 + exp_polynomial(-src[i]));
    } else {
        for (long i = 0; i < count; i++) dst[i] = exp_polynomial(src[i]);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void map_avx512(const float *src, float *dst, long count, int sigmoid) { map_loop(src, dst, count, sigmoid); }

__attribute__((target("avx2")))
static void map_avx2(const float *src, float *dst, long count, int sigmoid) { map_loop(src, dst, count, sigmoid); }
#endif

static void map_baseline(const float *src, float *dst, long count, int sigmoid) { map_loop(src, dst, count, sigmoid); }

static void map(CSIMDLevel level, const float *src, float *dst, long count, int sigmoid) {
    switch (csimd_usable_level(level)) {
#if defined(__x86_64__)
    case CSIMDLevelAVX512:
        map_avx512(src, dst, count, sigmoid);
        return;
    case CSIMDLevelAVX2:
        map_avx2(src, dst, count, sigmoid);
        return;
#endif
    default:
        map_baseline(src, dst, count, sigmoid);
    }
}

void csimd_exp_using(CSIMDLevel level, const float *src, float *dst, long count) { map(level, src, dst, count, 0); }
void csimd_sigmoid_using(CSIMDLevel level, const float *src, float *dst, long count) { map(level, src, dst, count, 1); }
void csimd_exp(const float *src, float *dst, long count) { map(csimd_supported_level(), src, dst, count, 0); }
void csimd_sigmoid(const float *src, float *dst, long count) { map(csimd_supported_level(), src, dst, count, 1); }
