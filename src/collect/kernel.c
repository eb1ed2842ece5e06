/*
 * Kernels: the reboot-required flag Debian and Ubuntu leave after an
 * upgrade, the newest kernel installed (linux-image-<release> packages
 * and /boot/vmlinuz-<release> files) and, on the live system, the one
 * running. A running kernel older than the newest installed means the
 * host still runs unpatched code.
 *
 * A release is "<upstream>-<abi>-<flavour>" (6.1.0-18-cloud-amd64,
 * 5.15.0-91-generic; RHEL: 5.14.0-362.8.1.el9_3.x86_64, its variants
 * ending "+debug", "+rt"). A host can carry several flavours (amd64 and
 * cloud-amd64, generic and lowlatency) and boots one: when the running
 * kernel is known, newest_installed is the newest of the running
 * flavour only, so another flavour's newer ABI is no pending reboot. No
 * installed kernel of that flavour (the flavour was switched, or the
 * running kernel removed): the newest of all, which differs from it.
 */
#include "util/common.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "collect/collectors.h"
#include "util/text.h"
#include "util/banned.h"

#define BOOT_DIR "/boot"
/* reboot-required.pkgs: one package a line, often repeated. */
#define KERNEL_MAX_REBOOT_PKGS 256
#define KERNEL_MAX_REBOOT_LIST 4096
/* Files looked at in /boot. */
#define KERNEL_MAX_BOOT_ENTRIES 4096
/* Longest kernel release kept (uname's is 65 bytes with its NUL). */
#define KERNEL_MAX_RELEASE 256

/* The newest kernels seen: of every flavour, and of the running one. */
struct newest {
	const char *flavour; /* of the running kernel; NULL when unknown */
	size_t flavour_len;
	const char *all, *same;
};

static const char *const reboot_flags[] = {
	"/var/run/reboot-required",
	"/run/reboot-required",
};

static const char *const reboot_pkgs[] = {
	"/var/run/reboot-required.pkgs",
	"/run/reboot-required.pkgs",
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The package names of reboot-required.pkgs, deduplicated, ", "-joined. */
static const char *
reboot_packages(struct vg_facts *f, const char *buf, size_t len)
{
	struct vg_lines it;
	struct vg_buf out;
	const char *line, *res = NULL, *seen;
	size_t n, k = 0;

	vg_buf_init(&out, KERNEL_MAX_REBOOT_LIST);
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n) && k < KERNEL_MAX_REBOOT_PKGS) {
		vg_trim(&line, &n);
		if (n == 0 || vg_has_nul(line, n))
			continue;
		/* Already listed? Names are whole items between ", ". */
		seen = out.data;
		while (seen != NULL &&
		       (seen = memmem(seen, out.len - (size_t)(seen - out.data),
				      line, n)) != NULL) {
			if ((seen == out.data || seen[-1] == ' ') &&
			    (seen[n] == '\0' || seen[n] == ','))
				break;
			seen++;
		}
		if (seen != NULL)
			continue;
		if ((out.len > 0 && vg_buf_adds(&out, ", ") != VG_OK) ||
		    vg_buf_add(&out, line, n) != VG_OK)
			break; /* the list is long enough to make the point */
		k++;
	}
	if (out.len > 0)
		res = vg_facts_strn(f, out.data, out.len);
	vg_buf_release(&out);
	return res;
}

/*
 * The flavour of a release: what follows the ABI, itself the field after
 * the upstream version ("amd64" in 6.1.0-18-amd64, "cloud-amd64" in
 * 6.1.0-18-cloud-amd64, "debug" in RHEL's ...x86_64+debug); empty when
 * the release has none.
 */
static const char *
flavour(const char *rel, size_t n, size_t *len)
{
	const char *p = memchr(rel, '-', n), *end = rel + n;

	if (p != NULL)
		for (p++; p < end && *p != '-' && *p != '+'; p++)
			;
	if (p == NULL || p == end) {
		*len = 0;
		return end;
	}
	*len = (size_t)(end - p - 1);
	return p + 1;
}

/* Keep v (in the arena) when it orders after *newest. */
static void
keep_newer(struct vg_facts *f, const char *v, const char **newest)
{
	if (*newest == NULL || vg_dpkg_version_cmp(v, *newest) > 0)
		*newest = vg_facts_str(f, v);
}

/* Count release among the installed kernels. */
static void
newer(struct vg_facts *f, const char *release, size_t n, struct newest *nw)
{
	char v[KERNEL_MAX_RELEASE];
	const char *fl;
	size_t fn;

	if (n == 0 || n >= sizeof(v) || !is_digit(release[0]) ||
	    vg_has_nul(release, n))
		return;
	memcpy(v, release, n);
	v[n] = '\0';
	keep_newer(f, v, &nw->all);
	fl = flavour(v, n, &fn);
	if (nw->flavour != NULL && fn == nw->flavour_len &&
	    memcmp(fl, nw->flavour, fn) == 0)
		keep_newer(f, v, &nw->same);
}

static bool
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/*
 * Kernels from packages: linux-image-6.1.0-18-amd64 (Debian),
 * linux-image-5.15.0-91-generic or linux-image-unsigned-... (Ubuntu).
 * Meta packages (linux-image-amd64) have no digit after the prefix;
 * debug symbols (-dbg, -dbgsym) are no kernel. Debian's unsigned build
 * linux-image-6.1.0-18-amd64-unsigned boots as release 6.1.0-18-amd64:
 * its suffix is no part of the release.
 */
static void
kernels_from_packages(struct vg_facts *f, struct newest *nw)
{
	static const char *const prefixes[] = {"linux-image-unsigned-",
					       "linux-image-"};
	const char *name, *rel;
	size_t i, j, k, n;

	for (i = 0; i < f->n_packages; i++) {
		if ((name = f->packages[i].name) == NULL)
			continue;
		for (j = 0; j < VG_ARRAY_LEN(prefixes); j++) {
			k = strlen(prefixes[j]);
			if (strncmp(name, prefixes[j], k) != 0)
				continue;
			rel = name + k;
			n = strlen(rel);
			if (ends_with(rel, n, "-dbg") ||
			    ends_with(rel, n, "-dbgsym"))
				break;
			if (ends_with(rel, n, "-unsigned"))
				n -= strlen("-unsigned");
			newer(f, rel, n, nw);
			break;
		}
	}
}

/* Kernels from /boot/vmlinuz-<release>; false when /boot is unreadable. */
static bool
kernels_from_boot(struct vg_collect *c, struct newest *nw)
{
	struct dirent *de;
	const char *rel;
	size_t seen = 0;
	DIR *d;

	if ((d = vg_root_opendir(c->root, BOOT_DIR)) == NULL)
		return false;
	while ((de = readdir(d)) != NULL && seen++ < KERNEL_MAX_BOOT_ENTRIES) {
		if (strncmp(de->d_name, "vmlinuz-", 8) != 0)
			continue;
		rel = de->d_name + 8;
		/* Skips vmlinuz-0-rescue-<machine id> (RHEL). */
		if (strncmp(rel, "0-rescue-", 9) == 0)
			continue;
		newer(c->facts, rel, strlen(rel), nw);
	}
	closedir(d);
	return true;
}

enum vg_rc
vg_collect_kernel(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	struct vg_kernel *k = &f->kernel;
	struct newest nw = {NULL, 0, NULL, NULL};
	struct utsname u;
	struct vg_buf buf;
	struct vg_err err;
	bool boot;
	size_t i;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	k->reboot_flag = vg_root_exists_any(c->root, reboot_flags,
					    VG_ARRAY_LEN(reboot_flags));
	for (i = 0; i < VG_ARRAY_LEN(reboot_pkgs) && k->reboot_packages == NULL;
	     i++) {
		vg_err_clear(&err);
		rc = vg_root_read(c->root, reboot_pkgs[i], VG_MAX_CONFIG_FILE,
				  &buf, &err);
		if (rc == VG_ERR_NOMEM)
			goto done;
		if (rc == VG_OK)
			k->reboot_packages =
				reboot_packages(f, buf.data, buf.len);
		else if (rc != VG_ERR_NOTFOUND)
			vg_facts_warn(f, "%s", err.msg);
	}
	rc = VG_OK;
	/* The running flavour first: it selects the kernels compared. */
	if (c->root->live && uname(&u) == 0 &&
	    (k->running = vg_facts_str(f, u.release)) != NULL)
		nw.flavour = flavour(k->running, strlen(k->running),
				     &nw.flavour_len);
	kernels_from_packages(f, &nw);
	boot = kernels_from_boot(c, &nw);
	k->newest_installed = nw.same != NULL ? nw.same : nw.all;
	if (boot || f->sources[VG_SRC_PACKAGES].collected)
		vg_facts_collected(f, VG_SRC_KERNEL);
	else
		vg_facts_not_collected(f, VG_SRC_KERNEL,
				       _("neither %s nor a package database "
					 "could be read"),
				       BOOT_DIR);
done:
	vg_buf_release(&buf);
	return rc;
}
