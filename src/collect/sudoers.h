/*
 * sudoers(5) parser behind vg_collect_sudoers. Module-private: only
 * collect/, tests/ and fuzz/ include it.
 */
#ifndef VG_COLLECT_SUDOERS_H
#define VG_COLLECT_SUDOERS_H

#include <stddef.h>

#include "core/facts.h"
#include "util/root.h"

/*
 * Parse the sudoers text buf (len bytes, may hold NUL bytes, need not end
 * in a newline) read from the file called name, and append one struct
 * vg_sudo_rule per host group of each user specification to f. Includes
 * (#include, @include, #includedir, @includedir) are read inside root;
 * with root NULL they are ignored with a warning. Aliases and Defaults are
 * resolved once every file has been read, so a rule defined before a
 * "Defaults !authenticate" gets nopasswd too.
 *
 * Bad lines, include loops, alias cycles and limits reached become
 * warnings in f and the parse goes on. Does not mark VG_SRC_SUDOERS
 * collected (the collector does). VG_ERR_NOMEM is the only error.
 */
enum vg_rc vg_sudoers_parse(struct vg_facts *f, const struct vg_root *root,
			    const char *name, const char *buf, size_t len);

#endif
