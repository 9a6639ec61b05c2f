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

/* Dijkstra's relaxation, vectorised: the distances of a vector of targets are gathered and compared
   with d + weight in one instruction. AVX-512 scatters the improving lanes back and compresses their
   targets into `improved` with no branch (a branch per vector mispredicted often enough to cost a
   fifth of the paths' time); AVX2 writes them back one by one. The targets of one adjacency list are
   distinct, so no two lanes write the same distance. */
#include <immintrin.h>

static inline __attribute__((always_inline)) ptrdiff_t relax_lanes(unsigned mask, double d, const int *targets,
                                                                   const double *weights, double *dist,
                                                                   int *improved, ptrdiff_t found) {
    while (mask) {
        const int lane = __builtin_ctz(mask);
        mask &= mask - 1;
        dist[targets[lane]] = d + weights[lane];
        improved[found++] = targets[lane];
    }
    return found;
}

static ptrdiff_t relax_tail(double d, const int *targets, const double *weights, ptrdiff_t k, ptrdiff_t count,
                            double *dist, int *improved, ptrdiff_t found) {
    for (; k < count; k++) {
        const double candidate = d + weights[k];
        if (candidate < dist[targets[k]]) {
            dist[targets[k]] = candidate;
            improved[found++] = targets[k];
        }
    }
    return found;
}

/* The lanes of targets[0..<4] whose candidate d + weight is below its current distance, as a bit
   mask (AVX2). */
__attribute__((target("avx2"))) static inline unsigned improving4(double d, const int *targets, const double *weights,
                                                                  const double *dist) {
    const __m128i index = _mm_loadu_si128((const __m128i *)targets);
    const __m256d candidate = _mm256_add_pd(_mm256_set1_pd(d), _mm256_loadu_pd(weights));
    return (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(candidate, _mm256_i32gather_pd(dist, index, 8), _CMP_LT_OQ));
}

/* AVX2: whole vectors of 4 by improving4, the improving lanes written back one by one; the tail by
   the plain loop. */
__attribute__((target("avx2"))) static ptrdiff_t relax_avx2(double d, const int *targets, const double *weights,
                                                            ptrdiff_t count, double *dist, int *improved) {
    ptrdiff_t k = 0, found = 0;
    for (; k + 4 <= count; k += 4) {
        const unsigned better = improving4(d, targets + k, weights + k, dist);
        if (better) found = relax_lanes(better, d, targets + k, weights + k, dist, improved, found);
    }
    return relax_tail(d, targets, weights, k, count, dist, improved, found);
}

/* AVX-512: whole vectors of 8, no branch: the improving lanes' distances scattered back under the
   comparison's mask, their targets compressed into a register and stored whole (hence the room for
   count + 8), the count advanced by the mask's population; the tail by the plain loop. */
__attribute__((target("avx512f,avx512vl"))) static ptrdiff_t relax_avx512(double d, const int *targets, const double *weights,
                                                                       ptrdiff_t count, double *dist, int *improved) {
    ptrdiff_t k = 0, found = 0;
    const __m512d dv = _mm512_set1_pd(d);
    for (; k + 8 <= count; k += 8) {
        const __m256i index = _mm256_loadu_si256((const __m256i *)(targets + k));
        const __m512d candidate = _mm512_add_pd(dv, _mm512_loadu_pd(weights + k));
        const __mmask8 better = _mm512_cmp_pd_mask(candidate, _mm512_i32gather_pd(index, dist, 8), _CMP_LT_OQ);
        _mm512_mask_i32scatter_pd(dist, better, index, candidate, 8);
        _mm256_storeu_si256((__m256i *)(improved + found), _mm256_maskz_compress_epi32(better, index));
        found += __builtin_popcount(better);
    }
    return relax_tail(d, targets, weights, k, count, dist, improved, found);
}

static ptrdiff_t relax_baseline(double d, const int *targets, const double *weights, ptrdiff_t count, double *dist,
                                int *improved) {
    return relax_tail(d, targets, weights, 0, count, dist, improved, 0);
}

typedef ptrdiff_t (*relax_kernel)(double, const int *, const double *, ptrdiff_t, double *, int *);

/* The widest kernel OF_WIDTH gives, chosen on the first call at this use and kept (every thread that
   finds it unset stores the same choice). */
#define CHOSEN(kernel_type, OF_WIDTH)                                                                       \
    ({                                                                                                    \
        static kernel_type chosen;                                                                        \
        kernel_type kernel = __atomic_load_n(&chosen, __ATOMIC_RELAXED);                                  \
        if (!kernel) {                                                                                    \
            kernel = OF_WIDTH(8);                                                                         \
            __atomic_store_n(&chosen, kernel, __ATOMIC_RELAXED);                                          \
        }                                                                                                 \
        kernel;                                                                                           \
    })

static int widest_double_lanes(void) {
    /* The 8-lane kernels use AVX-512VL's 256-bit compress as well as AVX-512F. */
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 8
         : __builtin_cpu_supports("avx2") ? 4 : 1;
}

static relax_kernel relax_of_width(int lanes) {
    const int usable = lanes < widest_double_lanes() ? lanes : widest_double_lanes();
    return usable >= 8 ? relax_avx512 : usable >= 4 ? relax_avx2 : relax_baseline;
}

ptrdiff_t ck_relax_at_width(int lanes, double d, const int *targets, const double *weights, ptrdiff_t count,
                            double *dist, int *improved) {
    return relax_of_width(lanes)(d, targets, weights, count, dist, improved);
}

ptrdiff_t ck_relax(double d, const int *targets, const double *weights, ptrdiff_t count, double *dist, int *improved) {
    return CHOSEN(relax_kernel, relax_of_width)(d, targets, weights, count, dist, improved);
}

/* A known row's bound, dist[t] = min(dist[t], (d + row[t])·scale): a plain loop the compiler
   vectorises for each instruction set; an add, a multiply and a comparison per element, so every
   width gives the same bits. */
#define DEFINE_LOWER(name, target)                                                                          \
    target static void name(double *restrict dist, const double *restrict row, double d, double scale,     \
                            ptrdiff_t count) {                                                            \
        for (ptrdiff_t t = 0; t < count; t++) {                                                           \
            const double bound = (d + row[t]) * scale;                                                    \
            dist[t] = bound < dist[t] ? bound : dist[t];                                                  \
        }                                                                                                 \
    }

DEFINE_LOWER(lower_avx512, __attribute__((target("avx512f,avx512vl"))))
DEFINE_LOWER(lower_avx2, __attribute__((target("avx2"))))
DEFINE_LOWER(lower_baseline, )

typedef void (*lower_kernel)(double *, const double *, double, double, ptrdiff_t);

static lower_kernel lower_of_width(int lanes) {
    const int usable = lanes < widest_double_lanes() ? lanes : widest_double_lanes();
    return usable >= 8 ? lower_avx512 : usable >= 4 ? lower_avx2 : lower_baseline;
}

void ck_lower_through_at_width(int lanes, double *dist, const double *row, double d, double scale, ptrdiff_t count) {
    lower_of_width(lanes)(dist, row, d, scale, count);
}

void ck_lower_through(double *dist, const double *row, double d, double scale, ptrdiff_t count) {
    CHOSEN(lower_kernel, lower_of_width)(dist, row, d, scale, count);
}

/* Σ row[j]·x[j], a float row against a double vector, in double: 32 partial sums, partial k taking
   every j ≡ k (mod 32), added as products of the float widened to double (no fused multiply-add),
   then the 32 partials summed pairwise in a fixed tree. Every width keeps the same partials, so the
   same bits. 32 independent sums keep the adders busy; four scalar sums left the Lanczos product
   waiting on their latency. */
#define DEFINE_WIDE_DOT(name, target)                                                                       \
    target static double name(const float *restrict row, const double *restrict x, ptrdiff_t count) {     \
        double partial[32] = {0};                                                                         \
        ptrdiff_t j = 0;                                                                                  \
        for (; j + 32 <= count; j += 32)                                                                  \
            for (int k = 0; k < 32; k++) partial[k] += (double)row[j + k] * x[j + k];                     \
        for (int k = 0; j + k < count; k++) partial[k] += (double)row[j + k] * x[j + k];                  \
        for (int width = 16; width >= 1; width /= 2)                                                      \
            for (int k = 0; k < width; k++) partial[k] += partial[k + width];                             \
        return partial[0];                                                                                \
    }

DEFINE_WIDE_DOT(wide_dot_avx512, __attribute__((target("avx512f,avx512vl"))))
DEFINE_WIDE_DOT(wide_dot_avx2, __attribute__((target("avx2"))))
DEFINE_WIDE_DOT(wide_dot_baseline, )

typedef double (*wide_dot_kernel)(const float *, const double *, ptrdiff_t);

static wide_dot_kernel wide_dot_of_width(int lanes) {
    const int usable = lanes < widest_double_lanes() ? lanes : widest_double_lanes();
    return usable >= 8 ? wide_dot_avx512 : usable >= 4 ? wide_dot_avx2 : wide_dot_baseline;
}

double ck_dot_float_double_at_width(int lanes, const float *row, const double *x, ptrdiff_t count) {
    return wide_dot_of_width(lanes)(row, x, count);
}

double ck_dot_float_double(const float *row, const double *x, ptrdiff_t count) {
    return CHOSEN(wide_dot_kernel, wide_dot_of_width)(row, x, count);
}
