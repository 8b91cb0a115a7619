#include "CSIMD.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

static void adam_scalar(float *w, const float *g, float *m, float *v, long from, long count,
                        float b1, float b2, float eps, float step, float root) {
    const float c1 = 1 - b1, c2 = 1 - b2;
    for (long j = from; j < count; j++) {
        float gj = g[j];
        float mj = b1 * m[j] + c1 * gj;
        float vj = b2 * v[j] + c2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        w[j] = w[j] - step * mj / (__builtin_sqrtf(vj) / root + eps);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void adam_avx512(float *w, const float *g, float *m, float *v, long count,
                        float b1, float b2, float eps, float step, float root) {
    const __m512 B1 = _mm512_set1_ps(b1), B2 = _mm512_set1_ps(b2), C1 = _mm512_set1_ps(1 - b1),
                 C2 = _mm512_set1_ps(1 - b2), E = _mm512_set1_ps(eps), S = _mm512_set1_ps(step),
                 R = _mm512_set1_ps(root);
    long j = 0;
    for (; j + 16 <= count; j += 16) {
        __m512 gj = _mm512_loadu_ps(g + j);
        __m512 mj = _mm512_add_ps(_mm512_mul_ps(B1, _mm512_loadu_ps(m + j)), _mm512_mul_ps(C1, gj));
        __m512 vj = _mm512_add_ps(_mm512_mul_ps(B2, _mm512_loadu_ps(v + j)), _mm512_mul_ps(_mm512_mul_ps(C2, gj), gj));
        __m512 d = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vj), R), E);
        __m512 wj = _mm512_sub_ps(_mm512_loadu_ps(w + j), _mm512_div_ps(_mm512_mul_ps(S, mj), d));
        _mm512_storeu_ps(m + j, mj);
        _mm512_storeu_ps(v + j, vj);
        _mm512_storeu_ps(w + j, wj);
    }
    adam_scalar(w, g, m, v, j, count, b1, b2, eps, step, root);
}

__attribute__((target("avx2")))
static void adam_avx2(float *w, const float *g, float *m, float *v, long count,
                      float b1, float b2, float eps, float step, float root) {
    const __m256 B1 = _mm256_set1_ps(b1), B2 = _mm256_set1_ps(b2), C1 = _mm256_set1_ps(1 - b1),
                 C2 = _mm256_set1_ps(1 - b2), E = _mm256_set1_ps(eps), S = _mm256_set1_ps(step),
                 R = _mm256_set1_ps(root);
    long j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 gj = _mm256_loadu_ps(g + j);
        __m256 mj = _mm256_add_ps(_mm256_mul_ps(B1, _mm256_loadu_ps(m + j)), _mm256_mul_ps(C1, gj));
        __m256 vj = _mm256_add_ps(_mm256_mul_ps(B2, _mm256_loadu_ps(v + j)), _mm256_mul_ps(_mm256_mul_ps(C2, gj), gj));
        __m256 d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vj), R), E);
        __m256 wj = _mm256_sub_ps(_mm256_loadu_ps(w + j), _mm256_div_ps(_mm256_mul_ps(S, mj), d));
        _mm256_storeu_ps(m + j, mj);
        _mm256_storeu_ps(v + j, vj);
        _mm256_storeu_ps(w + j, wj);
    }
    adam_scalar(w, g, m, v, j, count, b1, b2, eps, step, root);
}
#endif

void csimd_adam_update_using(CSIMDLevel level, float *weights, const float *gradients, float *first, float *second,
                             long count, float beta1, float beta2, float epsilon, float stepSize,
                             float secondCorrectionRoot) {
#if defined(__x86_64__)
    CSIMDLevel supported = csimd_supported_level();
    switch (level < supported ? level : supported) {
    case CSIMDLevelAVX512:
        adam_avx512(weights, gradients, first, second, count, beta1, beta2, epsilon, stepSize, secondCorrectionRoot);
        return;
    case CSIMDLevelAVX2:
        adam_avx2(weights, gradients, first, second, count, beta1, beta2, epsilon, stepSize, secondCorrectionRoot);
        return;
    case CSIMDLevelScalar:
        break;
    }
#else
    (void)level;
#endif
    adam_scalar(weights, gradients, first, second, 0, count, beta1, beta2, epsilon, stepSize, secondCorrectionRoot);
}

void csimd_adam_update(float *weights, const float *gradients, float *first, float *second, long count,
                       float beta1, float beta2, float epsilon, float stepSize, float secondCorrectionRoot) {
    csimd_adam_update_using(csimd_supported_level(), weights, gradients, first, second, count, beta1, beta2, epsilon,
                            stepSize, secondCorrectionRoot);
}
