/*
 * Personal cloud sync clients (R6 data.personal_cloud_client): installed
 * packages, client binaries, and sync folders in the homes of people
 * (uid >= 1000, and root). Each (client, kind, path, user) seen is one
 * fact; the rule decides what to make of it.
 *
 * Nextcloud and ownCloud clients are deliberately absent: hospitals and
 * GHTs commonly run their own Nextcloud/ownCloud server, so the client
 * says nothing about where the data goes. Sync.com and Proton Drive ship
 * no Linux client with a known package, binary or folder name to look
 * for; they are left out rather than guessed.
 */
#include "util/common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

#define CLOUD_MAX_PATH 4096  /* a home joined with a folder name */
#define CLOUD_FIRST_UID 1000 /* first uid of a person (login.defs UID_MIN) */
#define CLOUD_NAMES 6        /* per list in the table below */

struct cloud_def {
	const char *client;
	const char *packages[CLOUD_NAMES]; /* dpkg/rpm package names */
	const char *binaries[CLOUD_NAMES]; /* in /usr/bin, /usr/local/bin */
	const char *opt[CLOUD_NAMES];      /* directories under /opt */
	const char *folders[CLOUD_NAMES];  /* relative to a home */
};

static const struct cloud_def clients[] = {
	{"Dropbox",
	 {"dropbox", "nautilus-dropbox", "caja-dropbox", "nemo-dropbox"},
	 {"dropbox"},
	 {"dropbox"},
	 {"Dropbox", ".dropbox-dist", ".dropbox"}},
	{"MEGA",
	 {"megasync", "megacmd", "nautilus-megasync", "nemo-megasync"},
	 {"megasync", "mega-cmd", "mega-cmd-server"},
	 {"megasync"},
	 {"MEGA", ".local/share/data/Mega Limited"}},
	{"pCloud",
	 {"pcloud"},
	 {"pcloud"},
	 {"pcloud"},
	 {"pCloudDrive", ".pcloud"}},
	{"Google Drive",
	 {"google-drive-ocamlfuse", "insync"},
	 {"google-drive-ocamlfuse", "insync"},
	 {"insync"},
	 {"GoogleDrive", "google-drive", "Google Drive", ".gdfuse"}},
	{"OneDrive",
	 {"onedrive", "onedriver"},
	 {"onedrive", "onedriver"},
	 {NULL},
	 {"OneDrive", ".config/onedrive", ".config/onedriver"}},
	{"iCloud",
	 {"icloudpd"},
	 {"icloudpd"},
	 {NULL},
	 {"iCloudDrive", "iCloud Drive", ".pyicloud"}},
	{"Box", {NULL}, {NULL}, {NULL}, {"Box", "Box Sync"}},
	{"Tresorit",
	 {"tresorit"},
	 {"tresorit"},
	 {NULL},
	 {".local/share/tresorit", "Tresors"}},
	{"Yandex Disk",
	 {"yandex-disk"},
	 {"yandex-disk"},
	 {NULL},
	 {"Yandex.Disk", ".config/yandex-disk"}},
};

static const char *const bin_dirs[] = {"/usr/bin", "/usr/local/bin"};

static enum vg_rc
add_client(struct vg_facts *f, const char *client, const char *kind,
	   const char *path, const char *user)
{
	struct vg_cloud_client *cc;

	if ((cc = vg_facts_add_cloud_client(f)) == NULL)
		return VG_ERR_NOMEM;
	cc->client = client; /* static table strings outlive the facts */
	cc->kind = kind;
	cc->path = vg_facts_str(f, path);
	cc->user = vg_facts_str(f, user);
	if (cc->path == NULL || (user != NULL && cc->user == NULL))
		return VG_ERR_NOMEM;
	return VG_OK;
}

/* Installed packages, as the package collectors saw them. */
static enum vg_rc
check_packages(struct vg_facts *f)
{
	size_t i, j, k;
	const char *name;
	enum vg_rc rc;

	for (i = 0; i < f->n_packages; i++) {
		if ((name = f->packages[i].name) == NULL)
			continue;
		for (j = 0; j < VG_ARRAY_LEN(clients); j++)
			for (k = 0;
			     k < CLOUD_NAMES && clients[j].packages[k] != NULL;
			     k++)
				if (strcmp(name, clients[j].packages[k]) == 0 &&
				    (rc = add_client(f, clients[j].client,
						     "package", name, NULL)) !=
					    VG_OK)
					return rc;
	}
	return VG_OK;
}

/* True when path exists inside the root (as a directory if dir). */
static bool
exists(const struct vg_root *r, const char *path, bool dir)
{
	struct stat st;

	if (vg_root_stat(r, path, &st) == -1)
		return false;
	return dir ? S_ISDIR(st.st_mode) : !S_ISDIR(st.st_mode);
}

/* Client binaries and /opt installs. */
static enum vg_rc
check_binaries(struct vg_collect *c)
{
	char path[CLOUD_MAX_PATH];
	size_t i, j, k;
	enum vg_rc rc;

	for (i = 0; i < VG_ARRAY_LEN(clients); i++) {
		for (j = 0; j < CLOUD_NAMES && clients[i].binaries[j] != NULL;
		     j++) {
			for (k = 0; k < VG_ARRAY_LEN(bin_dirs); k++) {
				(void)snprintf(path, sizeof(path), "%s/%s",
					       bin_dirs[k],
					       clients[i].binaries[j]);
				if (exists(c->root, path, false) &&
				    (rc = add_client(
					     c->facts, clients[i].client,
					     "binary", path, NULL)) != VG_OK)
					return rc;
			}
		}
		for (j = 0; j < CLOUD_NAMES && clients[i].opt[j] != NULL; j++) {
			(void)snprintf(path, sizeof(path), "/opt/%s",
				       clients[i].opt[j]);
			if (exists(c->root, path, true) &&
			    (rc = add_client(c->facts, clients[i].client,
					     "binary", path, NULL)) != VG_OK)
				return rc;
		}
	}
	return VG_OK;
}

/*
 * True when the home can be searched. A 0700 home (Debian's default)
 * cannot be when vigie does not run as root: every folder would look
 * absent, so the caller counts such homes instead of passing them.
 */
static bool
home_searchable(const struct vg_root *r, const char *home, const char *sep)
{
	char path[CLOUD_MAX_PATH];
	struct stat st;
	int n;

	/* Resolving "home/." needs search permission on home itself. */
	n = snprintf(path, sizeof(path), "%s%s.", home, sep);
	if (n < 0 || (size_t)n >= sizeof(path))
		return true;
	return vg_root_stat(r, path, &st) == 0 || errno != EACCES;
}

/* Sync folders in one home; *denied when it could not be searched. */
static enum vg_rc
check_home(struct vg_collect *c, const struct vg_account *a, bool *denied)
{
	char path[CLOUD_MAX_PATH];
	const char *sep;
	size_t i, j;
	int n;
	enum vg_rc rc;

	sep = a->home[strlen(a->home) - 1] == '/' ? "" : "/";
	if ((*denied = !home_searchable(c->root, a->home, sep)))
		return VG_OK;
	for (i = 0; i < VG_ARRAY_LEN(clients); i++) {
		for (j = 0; j < CLOUD_NAMES && clients[i].folders[j] != NULL;
		     j++) {
			n = snprintf(path, sizeof(path), "%s%s%s", a->home, sep,
				     clients[i].folders[j]);
			if (n < 0 || (size_t)n >= sizeof(path))
				continue;
			if (exists(c->root, path, true) &&
			    (rc = add_client(c->facts, clients[i].client,
					     "folder", path, a->name)) != VG_OK)
				return rc;
		}
	}
	return VG_OK;
}

enum vg_rc
vg_collect_cloud(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	const struct vg_account *a;
	size_t i, homes = 0, denied_homes = 0;
	bool denied;
	enum vg_rc rc;

	if ((rc = check_packages(f)) != VG_OK ||
	    (rc = check_binaries(c)) != VG_OK)
		return rc;
	/* Packages and binaries alone are half the evidence: without the
	 * accounts no home was searched, so "no client" would be a guess. */
	if (!f->sources[VG_SRC_PASSWD].collected) {
		vg_facts_not_collected(f, VG_SRC_CLOUD,
				       _("accounts unknown: home directories "
					 "not inspected for cloud sync "
					 "folders"));
		return VG_OK;
	}
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		/* People's homes: system accounts do not sync their files. */
		if (a->uid != 0 && a->uid < CLOUD_FIRST_UID)
			continue;
		if (a->home == NULL || a->home[0] != '/' ||
		    strcmp(a->home, "/") == 0)
			continue;
		if (homes++ >= VG_MAX_HOMES) {
			vg_facts_warn(f,
				      _("more than %u home directories: "
					"the rest were not inspected"),
				      (unsigned)VG_MAX_HOMES);
			break;
		}
		if ((rc = check_home(c, a, &denied)) != VG_OK)
			return rc;
		denied_homes += denied;
	}
	/* Not being root must not pass for "no sync folder": say how many
	 * homes went unseen, once. */
	if (denied_homes > 0)
		vg_facts_warn(f,
			      _("%zu home directories could not be read "
				"(run as root)"),
			      denied_homes);
	vg_facts_collected(f, VG_SRC_CLOUD);
	return VG_OK;
}
