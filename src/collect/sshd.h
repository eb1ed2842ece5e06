/*
 * sshd_config(5) parser behind vg_collect_sshd. Module-private: only
 * collect/, tests/ and fuzz/ include it.
 */
#ifndef VG_COLLECT_SSHD_H
#define VG_COLLECT_SSHD_H

#include <stddef.h>

#include "core/facts.h"
#include "util/root.h"

/*
 * Parse the sshd_config text buf (len bytes, may hold NUL bytes) read
 * from the file called name and set f->sshd to the effective global
 * PermitRootLogin: the first value obtained outside Match blocks (sshd's
 * rule), lower-cased, with the file and line that set it; a value set in
 * a "Match all" block overrides it, as it applies to every connection.
 * Never set: "prohibit-password", file NULL, line 0.
 *
 * Include globs are expanded inside root at the point of inclusion
 * (relative patterns are relative to /etc/ssh); with root NULL they are
 * ignored with a warning. Bad lines are warnings; does not mark
 * VG_SRC_SSHD collected. VG_ERR_NOMEM is the only error.
 */
enum vg_rc vg_sshd_parse(struct vg_facts *f, const struct vg_root *root,
			 const char *name, const char *buf, size_t len);

#endif
