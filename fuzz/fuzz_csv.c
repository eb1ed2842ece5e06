/*
 * Fuzz target: the CSV reader (util/csv.h) with the default and with
 * tiny limits, then the declarations file reader (vg_assets_parse_csv)
 * on the same bytes. Every record read is checked against the reader's
 * contract: fields are C strings of their stated length.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/csv.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ALL_FLAGS (VG_CSV_LAX_QUOTES | VG_CSV_KEEP_NUL | VG_CSV_CUT)

static void
read_all(const char *buf, size_t size, const struct vg_csv_limits *lim,
	 unsigned flags)
{
	struct vg_csv c;
	struct vg_err err;
	const char *f;
	enum vg_rc rc;
	size_t i, n;
	bool got;

	vg_csv_init(&c, buf, size, 0, lim);
	vg_csv_set_flags(&c, flags);
	for (;;) {
		rc = vg_csv_next(&c, &got, &err);
		if (rc == VG_OK && !got)
			break;
		if (rc == VG_ERR_NOMEM)
			break;
		/* With every flag, only an open quote or the record limit
		 * may refuse (csv.h). */
		if (rc == VG_ERR_PARSE && flags == FUZZ_ALL_FLAGS &&
		    c.p < c.end)
			abort();
		if (rc != VG_OK)
			continue;
		for (i = 0; i < vg_csv_nfields(&c); i++) {
			f = vg_csv_field(&c, i, &n);
			if (f[n] != '\0' ||
			    (!(flags & VG_CSV_KEEP_NUL) && strlen(f) != n) ||
			    (lim != NULL && n > lim->field))
				abort();
		}
		if (lim != NULL && vg_csv_nfields(&c) > lim->fields)
			abort();
	}
	vg_csv_release(&c);
}

/* The notes are formatted (and counted) but not kept. */
static void
note(void *ctx, bool refused, const char *msg)
{
	(void)refused;
	*(size_t *)ctx += strlen(msg) > 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vg_csv_limits tiny = {3, 4, 5};
	struct vg_asset_set set;
	struct vg_err err;
	size_t notes = 0, i;

	read_all((const char *)data, size, NULL, 0);
	read_all((const char *)data, size, &tiny, 0);
	read_all((const char *)data, size, &tiny, FUZZ_ALL_FLAGS);
	read_all((const char *)data, size, NULL, VG_CSV_LAX_QUOTES);
	vg_asset_set_init(&set);
	if (vg_assets_parse_csv("fuzz.csv", (const char *)data, size, &set,
				note, &notes, &err) == VG_OK)
		/* What the reader keeps, the store accepts. */
		for (i = 0; i < set.n; i++)
			if (vg_asset_decl_check(&set.v[i], &err) != VG_OK)
				abort();
	vg_asset_set_release(&set);
	return 0;
}
