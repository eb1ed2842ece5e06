/* Version 4 UUIDs (RFC 9562, section 5.4) from the kernel's generator. */
#include "util/common.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "util/uuid.h"
#include "util/banned.h"

/* Fill p with n random bytes; getrandom blocks only until the pool is
 * first initialised, and never returns short for n <= 256. */
static void
random_bytes(unsigned char *p, size_t n)
{
	ssize_t got;

	for (;;) {
		got = getrandom(p, n, 0);
		if (got == (ssize_t)n)
			return;
		if (got < 0 && errno == EINTR)
			continue;
		abort();
	}
}

void
vg_uuid_new(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t i, o = 0;

	random_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC variant */
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
}
