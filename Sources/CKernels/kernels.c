#include "ckernels.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

typedef float f8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) f8 load8(const float *p) {
    f8 x;
    memcpy(&x, p, sizeof x);
    return x;
}

static inline __attribute__((always_inline)) void store8(float *p, f8 x) { memcpy(p, &x, sizeof x); }

typedef int i8 __attribute__((ext_vector_type(8)));

/* A step with zero gradient leaves w and m as they are when every m is +0 and every v finite:
   m + (0 − m)·c1 = +0 and w − α·(+0)/(√v + ε) = w, exactly; only v moves. So the replay of the
   steps a lazy row missed (and the update of a dead unit's weights) skips the square root and the
   division once the first moment has decayed to zero, with the same bits as the full arithmetic.
   (−0 is not +0: its first full step turns it into +0; a NaN or infinite v keeps the full path.) */
static inline __attribute__((always_inline)) int moves_only_v(f8 m, f8 v) {
    i8 bits;
    memcpy(&bits, &m, sizeof bits);
    const i8 finite = __builtin_elementwise_abs(v) < __builtin_inff();
    return !__builtin_reduce_or(bits) && __builtin_reduce_and(finite);
}

static inline __attribute__((always_inline)) int is_zero(f8 g) {
    return __builtin_reduce_and(g == 0.0f);
}

static inline __attribute__((always_inline)) void adam_body(float *w, float *m, float *v, const float *g,
                                                             ptrdiff_t count, const float *alphas, ptrdiff_t steps,
                                                             float c1, float c2, float epsilon) {
    if (steps <= 0) return;
    const f8 vc1 = c1, vc2 = c2, veps = epsilon;
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        f8 wv = load8(w + i), mv = load8(m + i), vv = load8(v + i);
        for (ptrdiff_t k = 0; k + 1 < steps; k++) {
            if (moves_only_v(mv, vv)) {
                for (; k + 1 < steps; k++) vv = vv + (0.0f - vv) * vc2;
                break;
            }
            mv = mv + (0.0f - mv) * vc1;
            vv = vv + (0.0f - vv) * vc2;
            wv = wv - (mv * alphas[k]) / (__builtin_elementwise_sqrt(vv) + veps);
        }
        const f8 gv = g ? load8(g + i) : (f8)0.0f;
        if (is_zero(gv) && moves_only_v(mv, vv)) {
            vv = vv + (gv * gv - vv) * vc2;
        } else {
            mv = mv + (gv - mv) * vc1;
            vv = vv + (gv * gv - vv) * vc2;
            wv = wv - (mv * alphas[steps - 1]) / (__builtin_elementwise_sqrt(vv) + veps);
        }
        store8(w + i, wv);
        store8(m + i, mv);
        store8(v + i, vv);
    }
    for (; i < count; i++) {
        float ws = w[i], ms = m[i], vs = v[i];
        for (ptrdiff_t k = 0; k < steps; k++) {
            const float gs = (k == steps - 1 && g) ? g[i] : 0.0f;
            ms = ms + (gs - ms) * c1;
            vs = vs + (gs * gs - vs) * c2;
            ws = ws - (ms * alphas[k]) / (__builtin_sqrtf(vs) + epsilon);
        }
        w[i] = ws;
        m[i] = ms;
        v[i] = vs;
    }
}

__attribute__((target("avx2"))) static void adam_avx2(float *w, float *m, float *v, const float *g, ptrdiff_t count,
                                                      const float *alphas, ptrdiff_t steps, float c1, float c2,
                                                      float epsilon) {
    adam_body(w, m, v, g, count, alphas, steps, c1, c2, epsilon);
}

static void adam_baseline(float *w, float *m, float *v, const float *g, ptrdiff_t count, const float *alphas,
                          ptrdiff_t steps, float c1, float c2, float epsilon) {
    adam_body(w, m, v, g, count, alphas, steps, c1, c2, epsilon);
}

void ck_adam_apply(float *w, float *m, float *v, const float *g, ptrdiff_t count, const float *alphas,
                   ptrdiff_t steps, float c1, float c2, float epsilon) {
    (__builtin_cpu_supports("avx2") ? adam_avx2 : adam_baseline)(w, m, v, g, count, alphas, steps, c1, c2, epsilon);
}

#include <immintrin.h>

/* Twelve independent accumulator chains: more than an FMA pipe's latency × its count on current
   cores, so the loop runs at the multiply-add throughput. The result is kept alive through *sink. */
#define PEAK_CHAINS 12

__attribute__((target("avx512f"))) static double peak_avx512(long rounds, float *sink) {
    __m512 acc[PEAK_CHAINS];
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm512_set1_ps((float)c);
    for (long r = 0; r < rounds; r++)
        for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], x, y);
    __m512 total = acc[0];
    for (int c = 1; c < PEAK_CHAINS; c++) total = _mm512_add_ps(total, acc[c]);
    *sink = _mm512_reduce_add_ps(total);
    return (double)rounds * PEAK_CHAINS * 16 * 2;
}

__attribute__((target("avx2,fma"))) static double peak_avx2(long rounds, float *sink) {
    __m256 acc[PEAK_CHAINS];
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm256_set1_ps((float)c);
    for (long r = 0; r < rounds; r++)
        for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], x, y);
    __m256 total = acc[0];
    for (int c = 1; c < PEAK_CHAINS; c++) total = _mm256_add_ps(total, acc[c]);
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    *sink = lanes[0];
    return (double)rounds * PEAK_CHAINS * 8 * 2;
}

static double peak_sse(long rounds, float *sink) {
    __m128 acc[PEAK_CHAINS];
    const __m128 x = _mm_set1_ps(0.999999f), y = _mm_set1_ps(1e-7f);
    for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm_set1_ps((float)c);
    for (long r = 0; r < rounds; r++)
        for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm_add_ps(_mm_mul_ps(acc[c], x), y);
    __m128 total = acc[0];
    for (int c = 1; c < PEAK_CHAINS; c++) total = _mm_add_ps(total, acc[c]);
    *sink = _mm_cvtss_f32(total);
    return (double)rounds * PEAK_CHAINS * 4 * 2;
}

double ck_multiply_add_peak(long rounds, int *width) {
    static volatile float sink;
    float s = 0;
    double flops;
    if (__builtin_cpu_supports("avx512f")) {
        *width = 16;
        flops = peak_avx512(rounds, &s);
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *width = 8;
        flops = peak_avx2(rounds, &s);
    } else {
        *width = 4;
        flops = peak_sse(rounds, &s);
    }
    sink = s;
    return flops;
}
