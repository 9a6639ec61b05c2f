#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>

/* Hot loops that Swift cannot vectorise: Swift lowers a SIMD vector's squareRoot() to one scalar
   sqrt call per lane, which made the Adam update compute-bound. Each kernel is compiled twice, for
   AVX2 and for the x86-64 baseline, and the first call picks one by the CPU; floating-point
   contraction is off, so both give the same bits. */

/* Applies `steps` Adam steps (Keras's form) to `count` elements of w, m, v:
     m += (g - m)·c1,  v += (g² - v)·c2,  w -= alphas[k]·m / (√v + epsilon)
   where g is `gradient` on the last step (if not NULL) and zero on the steps before it. */
void ck_adam_apply(float *w, float *m, float *v, const float *gradient, ptrdiff_t count,
                   const float *alphas, ptrdiff_t steps, float c1, float c2, float epsilon);

/* Runs `rounds` rounds of independent multiply-adds in registers with the widest vectors this CPU
   has (AVX-512 FMA, AVX2 FMA, or SSE multiply and add) and returns the floating-point operations
   done: timed, it gives one core's peak GFLOP/s, the ceiling of any sgemm kernel. *width receives
   the vector width in floats (16, 8 or 4). */
double ck_multiply_add_peak(long rounds, int *width);

/* ReLU's backward mask: delta[k] = 0 where activation[k] <= 0, else unchanged (NaN activations keep
   their delta, as the comparison is false), eight lanes at a time with a bit mask: Swift's loop
   over two pointers it cannot prove apart stayed scalar with a branch per element. */
void ck_relu_mask(float *restrict delta, const float *restrict activation, ptrdiff_t count);

/* Asks the CPU to bring the cache line holding `address` closer (a hint; it never faults and changes
   no result). The UMAP layout and NN-descent issue it for rows they will read a few steps later, so
   that the random reads of a large embedding or point set overlap instead of waiting one by one. */
static inline void ck_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/* One Dijkstra relaxation of a node at distance d: for each k < count, where d + weights[k] is below
   dist[targets[k]], that distance becomes d + weights[k] and targets[k] is appended to `improved`
   (room for `count`); returns how many were appended, in the order of the list. The targets must be
   distinct, as an adjacency list's are. The distances gathered eight (AVX-512) or four (AVX2) at a
   time and compared at once; the same sums and comparisons as the plain loop, so the same bits. */
ptrdiff_t ck_relax(double d, const int *targets, const double *weights, ptrdiff_t count, double *dist, int *improved);

#endif
