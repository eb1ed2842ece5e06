/*
 * Fuzz target: the apt index cache loader. The bytes are an image read
 * back from the cache directory; they are opened as they are, then
 * again with the CRC made right (so the fuzzer gets past it), and every
 * look-up and record is walked.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "collect/apt_cache.h"
#include "util/banned.h"

/* The image's header size and where its CRC sits (apt_cache.c). */
#define FUZZ_HEADER 96
#define FUZZ_CRC_AT 92

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walk everything an opened index offers. */
static void
walk(const struct vg_apt_index *ix)
{
	static const char *const names[] = {"bash", "libc6", "", "zzz"};
	struct vg_apt_stanza st;
	const char *w;
	size_t i, k, first, n, pos = 0;

	for (i = 0; i < ix->n; i++)
		if (vg_apt_index_get(ix, i, &st))
			(void)vg_apt_index_find(ix, st.name, st.name_len,
						&first);
	for (k = 0; k < VG_ARRAY_LEN(names); k++) {
		n = vg_apt_index_find(ix, names[k], strlen(names[k]), &first);
		for (i = first; i < first + n; i++)
			(void)vg_apt_index_get(ix, i, &st);
	}
	while (vg_apt_index_warning(ix, &pos, &w))
		;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_apt_index ix;
	unsigned char *copy;
	uint32_t c;

	if (vg_apt_index_open(&ix, data, size, NULL, NULL) == VG_OK)
		walk(&ix);
	if (size < FUZZ_HEADER || (copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data, size);
	c = (uint32_t)crc32_z(0, copy + FUZZ_HEADER, size - FUZZ_HEADER);
	copy[FUZZ_CRC_AT] = (unsigned char)c;
	copy[FUZZ_CRC_AT + 1] = (unsigned char)(c >> 8);
	copy[FUZZ_CRC_AT + 2] = (unsigned char)(c >> 16);
	copy[FUZZ_CRC_AT + 3] = (unsigned char)(c >> 24);
	if (vg_apt_index_open(&ix, copy, size, NULL, NULL) == VG_OK)
		walk(&ix);
	free(copy);
	return 0;
}
