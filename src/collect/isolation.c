/*
 * Rule R10's incident.isolation_unavailable: the agent isolates a host
 * by loading an nftables ruleset with nft(8), so a host without nft
 * cannot be cut off from the network in one action. Looked for where
 * Debian (/usr/sbin) and RHEL (/usr/sbin, /sbin) install it, inside the
 * audited root; a regular file with an execute bit counts. The kernel's
 * nf_tables support is not checked: a root given by --root has no
 * running kernel, and every kernel of the supported releases has it.
 */
#include "util/common.h"

#include <sys/stat.h>

#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

static const char *const nft_paths[] = {
	"/usr/sbin/nft",
	"/sbin/nft",
	"/usr/bin/nft",
};

enum vg_rc
vg_collect_isolation(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	struct stat st;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(nft_paths); i++) {
		if (vg_root_stat(c->root, nft_paths[i], &st) == 0 &&
		    S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0) {
			f->isolation.nft = true;
			f->isolation.nft_path = nft_paths[i];
			break;
		}
	}
	vg_facts_collected(f, VG_SRC_ISOLATION);
	return VG_OK;
}
