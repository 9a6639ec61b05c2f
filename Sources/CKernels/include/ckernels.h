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
   (room for count + 8: the AVX-512 kernel stores whole vectors); returns how many were appended, in
   the order of the list. The targets must be distinct, as an adjacency list's are. The distances
   are gathered eight (AVX-512: then compared, scattered back and compressed into `improved` without
   a branch) or four (AVX2) at a time; the same sums and comparisons as the plain loop, so the same
   bits. */
ptrdiff_t ck_relax(double d, const int *targets, const double *weights, ptrdiff_t count, double *dist, int *improved);

/* ck_relax with vectors of at most `lanes` doubles (8, 4 or 1, and no wider than this CPU has), so
   that tests can check every width on one machine. */
ptrdiff_t ck_relax_at_width(int lanes, double d, const int *targets, const double *weights, ptrdiff_t count,
                            double *dist, int *improved);

/* Lowers Dijkstra's distances through a node whose whole row of distances is known: for every
   t < count, dist[t] = min(dist[t], (d + row[t])·scale), where d is the node's distance from the
   source and scale a factor just below 1 (see Dijkstra in Sources/Isomap/ShortestPaths.swift).
   The same bits at every vector width. */
void ck_lower_through(double *dist, const double *row, double d, double scale, ptrdiff_t count);
void ck_lower_through_at_width(int lanes, double *dist, const double *row, double d, double scale, ptrdiff_t count);

/* Σ row[j]·x[j] in double for a float row and a double vector (exact Isomap's Lanczos product over
   its float kernel): 32 partial sums in a fixed order, so the same bits at every vector width. */
double ck_dot_float_double(const float *row, const double *x, ptrdiff_t count);
double ck_dot_float_double_at_width(int lanes, const float *row, const double *x, ptrdiff_t count);

#endif
