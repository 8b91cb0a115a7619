#include "Level.h"

#pragma clang fp contract(off)

/* One loop, compiled three times: inlined into functions built for AVX-512, for AVX2 and for the
   baseline, so each vectorises it at its own width while every path performs the same operations. */
static inline __attribute__((always_inline))
int adam_loop(const float *w, float *wOut, const float *g, const float *m, float *mOut, const float *v, float *vOut,
              long count, float b1, float b2, float eps, float step, float root) {
    const float c1 = 1 - b1, c2 = 1 - b2;
    unsigned int nonFinite = 0;
    for (long j = 0; j < count; j++) {
        float gj = g[j];
        float mj = b1 * m[j] + c1 * gj;
        float vj = b2 * v[j] + c2 * gj * gj;
        mOut[j] = mj;
        vOut[j] = vj;
        float wj = w[j] - step * mj / (__builtin_elementwise_sqrt(vj) / root + eps);
        wOut[j] = wj;
        /* NaN fails every comparison and ±inf exceeds the largest float: a vectorisable test. */
        nonFinite |= !(__builtin_fabsf(wj) <= 3.40282347e38f);
    }
    return nonFinite != 0;
}

#define ADAM_PARAMETERS const float *w, float *wOut, const float *g, const float *m, float *mOut, const float *v, \
                        float *vOut, long count, float b1, float b2, float eps, float step, float root
#define ADAM_ARGUMENTS w, wOut, g, m, mOut, v, vOut, count, b1, b2, eps, step, root

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static int adam_avx512(ADAM_PARAMETERS) { return adam_loop(ADAM_ARGUMENTS); }

__attribute__((target("avx2")))
static int adam_avx2(ADAM_PARAMETERS) { return adam_loop(ADAM_ARGUMENTS); }
#endif

static int adam_baseline(ADAM_PARAMETERS) { return adam_loop(ADAM_ARGUMENTS); }

int csimd_adam_update_using(CSIMDLevel level, const float *w, float *wOut, const float *g, const float *m, float *mOut,
                             const float *v, float *vOut, long count, float b1, float b2, float eps, float step,
                             float root) {
    switch (csimd_usable_level(level)) {
#if defined(__x86_64__)
    case CSIMDLevelAVX512:
        return adam_avx512(ADAM_ARGUMENTS);
    case CSIMDLevelAVX2:
        return adam_avx2(ADAM_ARGUMENTS);
#endif
    default:
        return adam_baseline(ADAM_ARGUMENTS);
    }
}

int csimd_adam_update(const float *w, float *wOut, const float *g, const float *m, float *mOut, const float *v,
                       float *vOut, long count, float b1, float b2, float eps, float step, float root) {
    return csimd_adam_update_using(csimd_supported_level(), ADAM_ARGUMENTS);
}
