/*
 * Fuzz target: the mail forward parsers (collect/forward.c), /etc/aliases
 * and ~/.forward, on the same arbitrary bytes.
 */
#include "util/common.h"

#include "collect/collectors.h"
#include "core/facts.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;

	vg_facts_init(&f);
	(void)vg_aliases_parse(&f, "aliases", (const char *)data, size);
	(void)vg_forward_parse(&f, "user", ".forward", (const char *)data,
			       size);
	vg_facts_release(&f);
	return 0;
}
