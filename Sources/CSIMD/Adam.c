#include "Level.h"

#pragma clang fp contract(off)

/* One loop, compiled three times: inlined into functions built for AVX-512, for AVX2 and for the
   baseline, so each vectorises it at its own width while every path performs the same operations. */
static inline __attribute__((always_inline))
void adam_loop(float *w, const float *g, float *m, float *v, long count,
               float b1, float b2, float eps, float step, float root) {
    const float c1 = 1 - b1, c2 = 1 - b2;
    for (long j = 0; j < count; j++) {
        float gj = g[j];
        float mj = b1 * m[j] + c1 * gj;
        float vj = b2 * v[j] + c2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        w[j] = w[j] - step * mj / (__builtin_elementwise_sqrt(vj) / root + eps);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void adam_avx512(float *w, const float *g, float *m, float *v, long count,
                        float b1, float b2, float eps, float step, float root) {
    adam_loop(w, g, m, v, count, b1, b2, eps, step, root);
}

__attribute__((target("avx2")))
static void adam_avx2(float *w, const float *g, float *m, float *v, long count,
                      float b1, float b2, float eps, float step, float root) {
    adam_loop(w, g, m, v, count, b1, b2, eps, step, root);
}
#endif

static void adam_baseline(float *w, const float *g, float *m, float *v, long count,
                          float b1, float b2, float eps, float step, float root) {
    adam_loop(w, g, m, v, count, b1, b2, eps, step, root);
}

void csimd_adam_update_using(CSIMDLevel level, float *weights, const float *gradients, float *first, float *second,
                             long count, float beta1, float beta2, float epsilon, float stepSize,
                             float secondCorrectionRoot) {
    switch (csimd_usable_level(level)) {
#if defined(__x86_64__)
    case CSIMDLevelAVX512:
        adam_avx512(weights, gradients, first, second, count, beta1, beta2, epsilon, stepSize, secondCorrectionRoot);
        return;
    case CSIMDLevelAVX2:
        adam_avx2(weights, gradients, first, second, count, beta1, beta2, epsilon, stepSize, secondCorrectionRoot);
        return;
#endif
    default:
        adam_baseline(weights, gradients, first, second, count, beta1, beta2, epsilon, stepSize, secondCorrectionRoot);
    }
}

void csimd_adam_update(float *weights, const float *gradients, float *first, float *second, long count,
                       float beta1, float beta2, float epsilon, float stepSize, float secondCorrectionRoot) {
    csimd_adam_update_using(csimd_supported_level(), weights, gradients, first, second, count, beta1, beta2, epsilon,
                            stepSize, secondCorrectionRoot);
}
