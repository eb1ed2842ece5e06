/* Fuzz target: the sshd_config parser on arbitrary bytes, no root. */
#include "util/common.h"

#include "collect/sshd.h"
#include "core/facts.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;

	vg_facts_init(&f);
	(void)vg_sshd_parse(&f, NULL, "fuzz", (const char *)data, size);
	vg_facts_release(&f);
	return 0;
}
