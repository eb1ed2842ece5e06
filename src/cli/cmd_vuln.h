/*
 * `vigie vuln update|check|list` (cmd_vuln.c), registered in main.c's
 * table:
 *   vuln  - "known vulnerabilities: import feeds, match packages"
 * and the opening of a store for its vulnerability data, shared by
 * `vigie vuln check` and `vigie scan`.
 */
#ifndef VG_CLI_CMD_VULN_H
#define VG_CLI_CMD_VULN_H

#include "util/err.h"

struct vg_store;

/*
 * vuln update: 0 every feed imported (or not modified), 1 a feed failed
 * (its previous data kept; the other feeds are still imported), 2 usage
 * error.
 */
int vg_cmd_vuln(int argc, char **argv);

/*
 * Open the store at db for matching (vuln_check.c), never creating it.
 * VG_OK with *s set (the caller frees it, then matches with
 * vg_vuln_match(f, vg_store_vuln_lookup_cb, *s, err)) when it holds a
 * package feed with records; VG_OK with *s NULL when db is NULL or does
 * not exist, or holds no such feed (KEV and EPSS alone only prioritise);
 * an error with *s NULL, and why in err, when it cannot be opened or read.
 */
enum vg_rc vg_vuln_store_open(const char *db, struct vg_store **s,
			      struct vg_err *err);

#endif
