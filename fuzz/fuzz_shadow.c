/*
 * Fuzz target: vg_shadow_parse on arbitrary bytes, over accounts from a
 * fixed passwd (so names match and states, schemes and shared groups are
 * exercised), then vg_hash_scheme on the input as one string.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "util/banned.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
			     "alice:x:1000:1000::/home/alice:/bin/bash\n"
			     "bob:x:1001:1001::/home/bob:/bin/bash\n"
			     "u:x:1002:1002::/home/u:/bin/sh\n"
			     "old:abcdefghijklm:1003:1003::/:/bin/sh\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;
	char *s;

	vg_facts_init(&f);
	if (vg_passwd_parse(&f, "passwd", passwd, sizeof(passwd) - 1) == VG_OK)
		(void)vg_shadow_parse(&f, "shadow", (const char *)data, size);
	vg_facts_release(&f);
	/* The scheme classifier on a NUL-terminated copy. */
	if ((s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)vg_hash_scheme(s);
		free(s);
	}
	return 0;
}
