/* Fuzz target: /var/lib/dpkg/status parsing, then version ordering of
 * every package found against its neighbour. */
#include "util/common.h"

#include "collect/collectors.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;
	size_t i;
	int a, b;

	vg_facts_init(&f);
	(void)vg_dpkg_status_parse(&f, "status", (const char *)data, size);
	for (i = 1; i < f.n_packages; i++) {
		a = vg_dpkg_version_cmp(f.packages[i - 1].version,
					f.packages[i].version);
		b = vg_dpkg_version_cmp(f.packages[i].version,
					f.packages[i - 1].version);
		/* The order must be antisymmetric. */
		if ((a > 0) != (b < 0) || (a == 0) != (b == 0))
			__builtin_trap();
	}
	vg_facts_release(&f);
	return 0;
}
