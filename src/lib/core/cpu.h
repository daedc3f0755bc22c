/*
 * core/cpu.h - which vector loops this CPU runs.  The build stays
 * baseline x86-64; the loops that gain from AVX2 carry
 * __attribute__((target("avx2"))) and ask here first.
 */
#ifndef CR_CPU_H
#define CR_CPU_H

#if defined(__x86_64__) && defined(__GNUC__)
#define CR_X86_AVX2 1
#endif

/* Whether the AVX2 loops run: the CPU has AVX2 and CRIBLE_SCAN_BASELINE is not set. */
int cr_have_avx2(void);

#endif
