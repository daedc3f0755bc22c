/* cpu.c - CPU features, asked once (cpu.h). */
#include "cpu.h"

#include <stdlib.h>

#ifdef CR_X86_AVX2
int cr_have_avx2(void)
{
	static int known = -1;	/* benign race: every thread computes the same */
	int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
	if (k < 0) {
		/* CRIBLE_SCAN_BASELINE keeps the baseline loops (tests run both). */
		const char *env = getenv("CRIBLE_SCAN_BASELINE");
		__builtin_cpu_init();
		k = __builtin_cpu_supports("avx2") && !(env && *env) ? 1 : 0;
		__atomic_store_n(&known, k, __ATOMIC_RELAXED);
	}
	return k;
}
#else
int cr_have_avx2(void)
{
	return 0;
}
#endif
