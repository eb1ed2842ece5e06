#include "util/common.h"

#include <time.h>

#include "collect/collectors.h"
#include "util/banned.h"

/*
 * The collectors in the order they run: accounts first, since logins,
 * forwards and cloud folders are looked up per account.
 */
static enum vg_rc (*const collectors[])(struct vg_collect *) = {
	vg_collect_os,     vg_collect_declared,     vg_collect_accounts,
	vg_collect_logins, vg_collect_sudoers,      vg_collect_sshd,
	vg_collect_pam,    vg_collect_dpkg,         vg_collect_apt,
	vg_collect_kernel, vg_collect_auto_updates, vg_collect_forwards,
	vg_collect_cloud,  vg_collect_services,     vg_collect_isolation,
};

/* The collectors vulnerability matching needs: the release, packages. */
static enum vg_rc (*const package_collectors[])(struct vg_collect *) = {
	vg_collect_os,
	vg_collect_dpkg,
};

static enum vg_rc
run(struct vg_collect *c, enum vg_rc (*const *v)(struct vg_collect *), size_t n,
    struct vg_err *err)
{
	size_t i;
	enum vg_rc rc;

	c->facts->collected_at = (int64_t)time(NULL);
	c->facts->root = vg_facts_str(c->facts, c->root->path);
	for (i = 0; i < n; i++)
		if ((rc = v[i](c)) != VG_OK)
			return vg_err_set(err, rc,
					  _("collecting facts failed: "
					    "out of memory"));
	return VG_OK;
}

enum vg_rc
vg_collect_packages(struct vg_collect *c, struct vg_err *err)
{
	return run(c, package_collectors, VG_ARRAY_LEN(package_collectors),
		   err);
}

enum vg_rc
vg_collect_all(struct vg_collect *c, struct vg_err *err)
{
	return run(c, collectors, VG_ARRAY_LEN(collectors), err);
}
