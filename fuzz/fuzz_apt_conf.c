/* Fuzz target: apt.conf(5) parsing (the APT::Periodic options read by
 * the auto_updates collector), then the interval test on each value. */
#include "util/common.h"

#include <string.h>

#include "collect/auto_updates.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_apt_periodic ap;
	struct vg_facts f;

	vg_facts_init(&f);
	memset(&ap, 0, sizeof(ap));
	vg_apt_conf_parse(&f, &ap, "apt.conf", (const char *)data, size);
	/* Values stay NUL-terminated within their buffers. */
	if (memchr(ap.upgrade.value, '\0', sizeof(ap.upgrade.value)) == NULL ||
	    memchr(ap.lists.value, '\0', sizeof(ap.lists.value)) == NULL ||
	    memchr(ap.enable.value, '\0', sizeof(ap.enable.value)) == NULL)
		__builtin_trap();
	(void)vg_apt_periodic_on(ap.upgrade.value);
	(void)vg_apt_periodic_on(ap.lists.value);
	(void)vg_apt_periodic_on(ap.enable.value);
	vg_facts_release(&f);
	return 0;
}
