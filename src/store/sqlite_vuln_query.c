/*
 * The vulnerability pages of the console in SQLite.
 * PLACEHOLDER while it is being written: every operation answers
 * VG_ERR_USAGE.
 */
#include "util/common.h"

#include "store/sqlite_private.h"
#include "util/banned.h"

enum vg_rc
sq_vuln_summary(struct vg_store *s, json_t **out, struct vg_err *err)
{
	(void)s;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_vuln_summary: not written yet");
}

enum vg_rc
sq_vuln_list(struct vg_store *s, const struct vg_vuln_filter *flt, json_t **out,
	     struct vg_err *err)
{
	(void)s;
	(void)flt;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE, "sq_vuln_list: not written yet");
}

enum vg_rc
sq_vuln_cve(struct vg_store *s, const char *cve, json_t **out,
	    struct vg_err *err)
{
	(void)s;
	(void)cve;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE, "sq_vuln_cve: not written yet");
}
