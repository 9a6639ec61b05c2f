/* Per-core compute throughput of the IMDB autoencoder step, for docs/SCALING.md.
 * Times, on ONE OpenBLAS thread, the sgemm calls of one training step of the dense layers of
 * 5000-1024-512-256-10-256-512-1024-5000 (forward, input gradient, weight gradient; the sparse first
 * layer is counted from its 69.5 non-zeros per row, not timed), at per-rank batches 4..256, a large
 * square sgemm (the core's practical peak), and a triad (the memory bandwidth Adam is bound by).
 * Times are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time: on a shared, oversubscribed
 * machine the wall clock also counts the time other processes held the core, the CPU time is what one
 * uncontended core needs (cache and memory-bandwidth interference from neighbours still count).
 * Prints CSV: what,batch,seconds,gflops (median of REPEATS). Build: cc -O2 step-throughput.c -lopenblas */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int sizes[] = {5000, 1024, 512, 256, 10, 256, 512, 1024, 5000};
enum { LAYERS = 8, REPEATS = 7 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float *filled(size_t n) {
    float *p = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) p[i] = (float)((i * 37) % 101) / 101.0f - 0.5f;
    return p;
}

/* One step's dense GEMMs at batch b: returns seconds, adds the flops to *flops. */
static double dense_step(int b, float **w, float **act, float **err, float **grad, double *flops) {
    double start = now();
    *flops = 0;
    for (int l = 1; l < LAYERS; l++) { /* layer 0 (5000 -> 1024) is the sparse one */
        int in = sizes[l], out = sizes[l + 1];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, out, in, 1, act[l], in, w[l], out, 0, act[l + 1], out);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, in, out, 1, err[l + 1], out, w[l], out, 0, err[l], in);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, out, b, 1, act[l], in, err[l + 1], out, 0, grad[l], out);
        *flops += 6.0 * b * in * out;
    }
    return now() - start;
}

static double median_of(double *t, int n) { qsort(t, n, sizeof(double), compare); return t[n / 2]; }

int main(void) {
    openblas_set_num_threads(1);
    float *w[LAYERS + 1], *grad[LAYERS + 1], *act[LAYERS + 1], *err[LAYERS + 1];
    const int max_batch = 256;
    for (int l = 0; l <= LAYERS; l++) {
        int in = sizes[l], out = l < LAYERS ? sizes[l + 1] : 1;
        w[l] = filled((size_t)in * out);
        grad[l] = filled((size_t)in * out);
        act[l] = filled((size_t)max_batch * in);
        err[l] = filled((size_t)max_batch * in);
    }
    printf("what,batch,seconds,gflops\n");
    const int batches[] = {4, 8, 16, 32, 64, 128, 256};
    for (int i = 0; i < 7; i++) {
        double t[REPEATS], flops = 0;
        for (int r = 0; r < REPEATS; r++) t[r] = dense_step(batches[i], w, act, err, grad, &flops);
        double m = median_of(t, REPEATS);
        printf("dense step,%d,%.6f,%.2f\n", batches[i], m, flops / m / 1e9);
    }
    int n = 2048;
    float *a = filled((size_t)n * n), *b = filled((size_t)n * n), *c = filled((size_t)n * n);
    double t[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        double s = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        t[r] = now() - s;
    }
    double m = median_of(t, REPEATS);
    printf("square sgemm,%d,%.6f,%.2f\n", n, m, 2.0 * n * n * n / m / 1e9);
    /* triad x = y + s*z over 3 x 64 MB: bytes moved = 3 arrays (2 read, 1 written) */
    size_t len = 16u << 20;
    float *x = filled(len), *y = filled(len), *z = filled(len);
    for (int r = 0; r < REPEATS; r++) {
        double s = now();
        for (size_t i = 0; i < len; i++) x[i] = y[i] + 0.5f * z[i];
        t[r] = now() - s;
    }
    m = median_of(t, REPEATS);
    printf("triad GB/s,0,%.6f,%.2f\n", m, 3.0 * len * sizeof(float) / m / 1e9 + x[len / 2] * 0);
    return 0;
}
