#include <cblas.h>

/* The few LAPACK routines n2d-mpi calls (Fortran symbols exported by OpenBLAS). */
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/* Stops OpenBLAS's thread pool; the next threaded call starts it again from the calling thread (as
   after fork). Exported by OpenBLAS's pthread builds though not in its headers. */
void blas_thread_shutdown_(void);
