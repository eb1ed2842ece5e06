/* Fuzz target: os-release(5) parsing. */
#include "util/common.h"

#include "collect/collectors.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;

	vg_facts_init(&f);
	vg_os_release_parse(&f, "os-release", (const char *)data, size);
	vg_facts_release(&f);
	return 0;
}
