#ifndef CSYSTEM_H
#define CSYSTEM_H

/* Linux calls that Swift's Glibc module does not import (they need _GNU_SOURCE), and the CPU state
   Swift cannot reach: the floating-point mode and the CPU's instruction-set features. */

/* Pins the calling thread to the index-th (mod their count) CPU it may run on, after saving its
   allowed set in *saved (an opaque buffer of csys_affinity_bytes() bytes). Returns 0 on success. */
int csys_pin_to_nth_cpu(int index, void *saved);

/* Restores the allowed set saved by csys_pin_to_nth_cpu. Returns 0 on success. */
int csys_restore_cpus(const void *saved);

/* The size of the buffer the two calls above take. */
int csys_affinity_bytes(void);

/* Sets the calling thread to flush subnormal results to zero and to read subnormal operands as zero
   (x86: MXCSR's FTZ and DAZ bits; ARM: FPCR.FZ). The mode is per thread; threads inherit it from
   the thread that creates them. */
void csys_flush_subnormals(void);

/* Returns the calling thread to IEEE subnormal arithmetic (clears what csys_flush_subnormals sets). */
void csys_keep_subnormals(void);

/* 1 when the calling thread flushes subnormals (both bits on x86), 0 otherwise. */
int csys_subnormals_flushed(void);

/* Instruction-set features of this CPU that the operating system enables, as CSYS_CPU_* bits. */
enum {
    CSYS_CPU_AVX = 1 << 0,
    CSYS_CPU_AVX2 = 1 << 1,
    CSYS_CPU_FMA = 1 << 2,
    CSYS_CPU_AVX512F = 1 << 3,
    CSYS_CPU_AVX512DQ = 1 << 4,
    CSYS_CPU_AVX512CD = 1 << 5,
    CSYS_CPU_AVX512BW = 1 << 6,
    CSYS_CPU_AVX512VL = 1 << 7,
    CSYS_CPU_AVX512BF16 = 1 << 8,
    CSYS_CPU_INTEL = 1 << 16,
    CSYS_CPU_AMD = 1 << 17,
};
unsigned csys_cpu_features(void);

#endif
