/*
 * Included configuration files (sudoers, sshd_config, PAM), shared by the
 * collectors that follow them. Module-private: only collect/ includes it.
 *
 * One struct vg_include_guard per parse keeps the files being read, so
 * that every collector refuses an include loop, nesting deeper than
 * VG_MAX_INCLUDE_DEPTH and more than VG_MAX_INCLUDED_FILES files in the
 * same way and with the same warnings.
 */
#ifndef VG_COLLECT_INCLUDE_H
#define VG_COLLECT_INCLUDE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"
#include "util/limits.h"
#include "util/root.h"

/*
 * Parse the len bytes at buf (may hold NUL bytes) of the file called
 * name; ctx is the collector's own. Returns VG_OK or VG_ERR_NOMEM.
 */
typedef enum vg_rc (*vg_include_parse_fn)(void *ctx, const char *name,
					  const char *buf, size_t len);

struct vg_include_guard {
	struct vg_facts *f;         /* warnings go here */
	const struct vg_root *root; /* NULL: nothing can be included */
	/* Files being read, outermost first: an include loop is a name
	 * already here (names are compared as strings, hence normalised). */
	const char *stack[VG_MAX_INCLUDE_DEPTH + 1];
	int depth;
	size_t n_files;    /* files read, the top one counted */
	bool warned_files; /* the file limit is told once */
};

/* Start a parse: no file read yet. root may be NULL. */
void vg_include_init(struct vg_include_guard *g, struct vg_facts *f,
		     const struct vg_root *root);

/*
 * Parse the top-level file (already read by the caller) with parse,
 * counting it and keeping name on the stack while it runs. name must
 * outlive the parse; parse receives it unchanged.
 */
enum vg_rc vg_include_top(struct vg_include_guard *g, const char *name,
			  const char *buf, size_t len,
			  vg_include_parse_fn parse, void *ctx);

/*
 * The include at from:line of path (absolute, normalised, inside
 * g->root, which must not be NULL): refused with a warning on a loop,
 * too deep a nesting or past the file limit (told once); else read
 * (VG_MAX_CONFIG_FILE at most; a failure is a warning), its name copied
 * into the facts and parsed with parse. VG_ERR_NOMEM is the only error.
 */
enum vg_rc vg_include_file(struct vg_include_guard *g, const char *from,
			   int line, const char *path,
			   vg_include_parse_fn parse, void *ctx);

/*
 * The path of an include: rel (rel_len bytes) when absolute, else rel
 * under the directory dir (dir_len bytes), written into out lexically
 * normalised ("//", "." and ".." folded) so that a loop shows as equal
 * strings. False when it does not fit in PATH_MAX or outsz bytes.
 */
bool vg_include_path(const char *dir, size_t dir_len, const char *rel,
		     size_t rel_len, char *out, size_t outsz);

#endif
