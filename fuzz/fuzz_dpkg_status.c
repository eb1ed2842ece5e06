/* Fuzz target: /var/lib/dpkg/status parsing, then version ordering of
 * every package found against its neighbour; the file parsed again by
 * pieces (as vg_collect_dpkg reads it) must give the same packages. */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data parsed by pieces of k bytes, what a piece leaves handed again. */
static void
parse_pieces(struct vg_facts *f, const char *data, size_t size, size_t k)
{
	struct vg_dpkg_parser p;
	size_t have = 0, at = 0, n, used;
	char *w;

	if ((w = malloc(size + 1)) == NULL)
		return;
	vg_dpkg_parser_init(&p, f, "status");
	while (at < size) {
		n = size - at < k ? size - at : k;
		memcpy(w + have, data + at, n);
		have += n;
		at += n;
		if (vg_dpkg_parse_some(&p, w, have, false, &used) != VG_OK ||
		    used > have)
			__builtin_trap();
		memmove(w, w + used, have - used);
		have -= used;
	}
	if (vg_dpkg_parse_some(&p, w, have, true, &used) != VG_OK)
		__builtin_trap();
	free(w);
}

/* Every string of the package the same (none is NULL). */
static bool
same_package(const struct vg_package *a, const struct vg_package *b)
{
	return strcmp(a->name, b->name) == 0 &&
		strcmp(a->version, b->version) == 0 &&
		strcmp(a->arch, b->arch) == 0 &&
		strcmp(a->source, b->source) == 0 &&
		strcmp(a->source_version, b->source_version) == 0;
}

static bool
same_packages(const struct vg_facts *a, const struct vg_facts *b)
{
	size_t i;

	if (a->n_packages != b->n_packages || a->n_warnings != b->n_warnings)
		return false;
	for (i = 0; i < a->n_packages; i++)
		if (!same_package(&a->packages[i], &b->packages[i]))
			return false;
	for (i = 0; i < a->n_warnings; i++)
		if (strcmp(a->warnings[i], b->warnings[i]) != 0)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f, g;
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
	/* A piece size from the input: small ones cut everywhere. */
	vg_facts_init(&g);
	parse_pieces(&g, (const char *)data, size,
		     size > 0 ? (size_t)data[0] % 64 + 1 : 1);
	if (!same_packages(&f, &g))
		__builtin_trap();
	vg_facts_release(&g);
	vg_facts_release(&f);
	return 0;
}
