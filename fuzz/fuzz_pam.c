/* Fuzz target: the PAM stack parser (collect/pam.h) on arbitrary bytes. */
#include "util/common.h"

#include "collect/pam.h"
#include "core/facts.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;

	vg_facts_init(&f);
	(void)vg_pam_parse(&f, "fuzz", (const char *)data, size);
	vg_facts_release(&f);
	return 0;
}
