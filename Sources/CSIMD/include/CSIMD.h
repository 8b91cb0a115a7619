#ifndef CSIMD_H
#define CSIMD_H

/* Vector loops compiled for AVX-512 and AVX2 besides baseline x86-64 (the Swift targets are
   compiled for the baseline), each call taking the widest path the CPU has. Every path gives
   bit-identical results: no fused multiply-adds, IEEE square roots and divisions. */

/* Instruction sets a path may use (the baseline: SSE2 on x86-64, or whatever the target has). */
typedef enum {
    CSIMDLevelBaseline = 0,
    CSIMDLevelAVX2 = 1,
    CSIMDLevelAVX512 = 2,
} CSIMDLevel;

/* The widest level this CPU supports (what every kernel below uses). */
CSIMDLevel csimd_supported_level(void);

/* One Adam update of `count` weights (PyTorch's formula), reading w, m, v and writing the new
   values to wOut, mOut, vOut (which may be the same arrays, for an update in place):
   m' = b1 m + (1 - b1) g;  v' = b2 v + (1 - b2) g²;  w' = w - step · m' / (√v' / root + eps).
   Returns 1 when a new weight is NaN or infinite, else 0. */
int csimd_adam_update(const float *w, float *wOut, const float *g, const float *m, float *mOut, const float *v,
                       float *vOut, long count, float b1, float b2, float eps, float step, float root);

/* csimd_adam_update on the path of `level` (lowered to the supported level): for tests. */
int csimd_adam_update_using(CSIMDLevel level, const float *w, float *wOut, const float *g, const float *m, float *mOut,
                             const float *v, float *vOut, long count, float b1, float b2, float eps, float step,
                             float root);

/* dst[i] = eˣ for x = src[i]: Cody–Waite range reduction, a degree-6 polynomial (≈ 1–2 ulp),
   x clamped to [−87.3, 88.7], so every result is finite and normal (NaN stays NaN). */
void csimd_exp(const float *src, float *dst, long count);

/* dst[i] = 1 / (1 + e^−x) for x = src[i], with csimd_exp's eˣ. */
void csimd_sigmoid(const float *src, float *dst, long count);

/* csimd_exp and csimd_sigmoid on the path of `level` (lowered to the supported level): for tests. */
void csimd_exp_using(CSIMDLevel level, const float *src, float *dst, long count);
void csimd_sigmoid_using(CSIMDLevel level, const float *src, float *dst, long count);

#endif
