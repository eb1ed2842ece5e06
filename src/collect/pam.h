/*
 * Module-private: the PAM stack parser behind vg_collect_pam, exposed for
 * unit tests and the fuzz target. Only collect/, tests/ and fuzz/ include
 * it.
 */
#ifndef VG_COLLECT_PAM_H
#define VG_COLLECT_PAM_H

#include <stddef.h>

#include "core/facts.h"
#include "util/err.h"

/*
 * Parse one PAM stack file held in buf (name is used in messages and
 * stored as f->pam.file) and fill f->pam from its password and auth
 * lines. Includes (@include, include, substack) are not followed and
 * pwquality.conf is not read: a pam_pwquality line without minlen= gets
 * libpwquality's compiled default (8). Bad lines are warnings; only out
 * of memory is an error. Does not mark VG_SRC_PAM collected.
 */
enum vg_rc vg_pam_parse(struct vg_facts *f, const char *name, const char *buf,
			size_t len);

#endif
