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

static inline __attribute__((always_inline)) void adam_body(float *w, float *m, float *v, const float *g,
                                                             ptrdiff_t count, const float *alphas, ptrdiff_t steps,
                                                             float c1, float c2, float epsilon) {
    if (steps <= 0) return;
    const f8 vc1 = c1, vc2 = c2, veps = epsilon;
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        f8 wv = load8(w + i), mv = load8(m + i), vv = load8(v + i);
        for (ptrdiff_t k = 0; k + 1 < steps; k++) {
            mv = mv + (0.0f - mv) * vc1;
            vv = vv + (0.0f - vv) * vc2;
            wv = wv - (mv * alphas[k]) / (__builtin_elementwise_sqrt(vv) + veps);
        }
        const f8 gv = g ? load8(g + i) : (f8)0.0f;
        mv = mv + (gv - mv) * vc1;
        vv = vv + (gv * gv - vv) * vc2;
        wv = wv - (mv * alphas[steps - 1]) / (__builtin_elementwise_sqrt(vv) + veps);
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
