#define _GNU_SOURCE
#include "csystem.h"
#include <sched.h>
#include <string.h>

int csys_affinity_bytes(void) { return (int)sizeof(cpu_set_t); }

int csys_pin_to_nth_cpu(int index, void *saved) {
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    memcpy(saved, &allowed, sizeof allowed);
    int count = CPU_COUNT(&allowed);
    if (count <= 0) return -1;
    int wanted = index % count;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (wanted-- == 0) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return sched_setaffinity(0, sizeof one, &one);
        }
    }
    return -1;
}

int csys_restore_cpus(const void *saved) {
    cpu_set_t allowed;
    memcpy(&allowed, saved, sizeof allowed);
    return sched_setaffinity(0, sizeof allowed, &allowed);
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <xmmintrin.h>

enum { MXCSR_DAZ = 0x0040, MXCSR_FTZ = 0x8000 };

void csys_flush_subnormals(void) { _mm_setcsr(_mm_getcsr() | MXCSR_DAZ | MXCSR_FTZ); }

void csys_keep_subnormals(void) { _mm_setcsr(_mm_getcsr() & ~(unsigned)(MXCSR_DAZ | MXCSR_FTZ)); }

int csys_subnormals_flushed(void) {
    return (_mm_getcsr() & (MXCSR_DAZ | MXCSR_FTZ)) == (MXCSR_DAZ | MXCSR_FTZ);
}

/* The XCR0 bits the OS sets when it saves the AVX (YMM) and AVX-512 (opmask, ZMM) registers. */
static unsigned long long xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

unsigned csys_cpu_features(void) {
    unsigned a, b, c, d, features = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    const unsigned maxLeaf = a;
    if (b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e) features |= CSYS_CPU_INTEL;     /* GenuineIntel */
    if (b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163) features |= CSYS_CPU_AMD;       /* AuthenticAMD */
    __get_cpuid(1, &a, &b, &c, &d);
    const int osxsave = (c >> 27) & 1;
    if (!osxsave) return features;
    const unsigned long long xcr = xcr0();
    const int ymm = (xcr & 0x6) == 0x6, zmm = (xcr & 0xe6) == 0xe6;
    if (ymm && ((c >> 28) & 1)) features |= CSYS_CPU_AVX;
    if (ymm && ((c >> 12) & 1)) features |= CSYS_CPU_FMA;
    if (maxLeaf < 7) return features;
    __cpuid_count(7, 0, a, b, c, d);
    if (ymm && ((b >> 5) & 1)) features |= CSYS_CPU_AVX2;
    if (zmm) {
        if ((b >> 16) & 1) features |= CSYS_CPU_AVX512F;
        if ((b >> 17) & 1) features |= CSYS_CPU_AVX512DQ;
        if ((b >> 28) & 1) features |= CSYS_CPU_AVX512CD;
        if ((b >> 30) & 1) features |= CSYS_CPU_AVX512BW;
        if ((b >> 31) & 1) features |= CSYS_CPU_AVX512VL;
        __cpuid_count(7, 1, a, b, c, d);
        if ((a >> 5) & 1) features |= CSYS_CPU_AVX512BF16;
    }
    return features;
}

#elif defined(__aarch64__)

void csys_flush_subnormals(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr |= 1UL << 24; /* FZ */
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}

void csys_keep_subnormals(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr &= ~(1UL << 24);
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}

int csys_subnormals_flushed(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return (int)((fpcr >> 24) & 1);
}

unsigned csys_cpu_features(void) { return 0; }

#else

void csys_flush_subnormals(void) {}
void csys_keep_subnormals(void) {}
int csys_subnormals_flushed(void) { return 0; }
unsigned csys_cpu_features(void) { return 0; }

#endif
