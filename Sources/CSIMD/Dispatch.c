#include "Level.h"
#include <stdatomic.h>

static CSIMDLevel detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return CSIMDLevelAVX512;
    if (__builtin_cpu_supports("avx2")) return CSIMDLevelAVX2;
#endif
    return CSIMDLevelBaseline;
}

/* -1 until first detected. Atomic: kernels are called from several threads at once (each
   detects the same level, so a race only repeats the detection). */
static _Atomic int supported = -1;

CSIMDLevel csimd_supported_level(void) {
    int level = atomic_load_explicit(&supported, memory_order_relaxed);
    if (level < 0) {
        level = (int)detect();
        atomic_store_explicit(&supported, level, memory_order_relaxed);
    }
    return (CSIMDLevel)level;
}

CSIMDLevel csimd_usable_level(CSIMDLevel level) {
    CSIMDLevel widest = csimd_supported_level();
    return level < widest ? level : widest;
}
