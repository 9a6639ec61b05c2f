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


/* Twelve independent accumulator chains: more than an FMA pipe's latency × its count on current
   cores, so the loop runs at the multiply-add throughput. One body for every vector width: `STEP`
   is a fused multiply-add where the target has one, a multiply then an add for the SSE baseline.
   The result is kept alive through *sink. */
#define PEAK_CHAINS 12
#define DEFINE_PEAK(name, target, lanes, STEP)                                                        \
    typedef float name##_vector __attribute__((ext_vector_type(lanes)));                             \
    target static double name(long rounds, float *sink) {                                            \
        name##_vector acc[PEAK_CHAINS];                                                              \
        const name##_vector x = 0.999999f, y = 1e-7f;                                                \
        for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = (float)c;                                     \
        for (long r = 0; r < rounds; r++)                                                            \
            for (int c = 0; c < PEAK_CHAINS; c++) acc[c] = STEP(acc[c], x, y);                       \
        name##_vector total = acc[0];                                                                \
        for (int c = 1; c < PEAK_CHAINS; c++) total = total + acc[c];                                \
        *sink = total[0];                                                                            \
        return (double)rounds * PEAK_CHAINS * lanes * 2;                                             \
    }
#define FUSED(a, x, y) __builtin_elementwise_fma(a, x, y)
#define UNFUSED(a, x, y) ((a) * (x) + (y))

DEFINE_PEAK(peak_avx512, __attribute__((target("avx512f"))), 16, FUSED)
DEFINE_PEAK(peak_avx2, __attribute__((target("avx2,fma"))), 8, FUSED)
DEFINE_PEAK(peak_sse, , 4, UNFUSED)

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

/* Eight lanes at a time with an explicit bit mask: written as a scalar select, clang turned it back
   into a conditional store and kept it scalar. */
void ck_relu_mask(float *restrict delta, const float *restrict activation, ptrdiff_t count) {
    ptrdiff_t k = 0;
    for (; k + 8 <= count; k += 8) {
        const i8 dead = load8(activation + k) <= 0.0f;
        f8 d = load8(delta + k);
        i8 bits;
        memcpy(&bits, &d, sizeof bits);
        bits &= ~dead;
        memcpy(&d, &bits, sizeof d);
        store8(delta + k, d);
    }
    for (; k < count; k++) if (activation[k] <= 0) delta[k] = 0;
}
