/*
 * Host collectors: each reads files under a root directory and fills the
 * facts, marking its source collected or not (with the reason). Bad lines
 * are warnings (vg_facts_warn, "file:line: message"); only running out of
 * memory is an error.
 */
#ifndef VG_COLLECT_COLLECT_H
#define VG_COLLECT_COLLECT_H

#include "core/facts.h"
#include "core/policy.h"
#include "util/root.h"

struct vg_collect {
	const struct vg_root *root;     /* "/" or --root DIR */
	const struct vg_policy *policy; /* declared assets and backups */
	struct vg_facts *facts;
};

/* Run every collector in order (accounts before what refers to them). */
enum vg_rc vg_collect_all(struct vg_collect *c, struct vg_err *err);
/* Only what vulnerability matching needs: os-release and the dpkg
 * packages (`vigie vuln check`: no apt lists, no accounts...). */
enum vg_rc vg_collect_packages(struct vg_collect *c, struct vg_err *err);

#endif
