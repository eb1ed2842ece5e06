/*
 * Facts -> GLPI native inventory (schema glpi-project/inventory_format,
 * draft-07). What goes where:
 *
 *   deviceid            the caller's, else "<host>-YYYY-MM-DD-HH-MM-SS"
 *                       (collection time, UTC), the GLPI agent's form
 *   tag                 asset.site (GLPI's entity rules use the tag)
 *   partial             true when os, packages, passwd or group was not
 *                       collected: GLPI then keeps what it knew of them
 *   content.versionclient  "vigie_v<version>" (required by the schema)
 *   hardware            name = hostname (else the declared asset name);
 *                       description = the hygiene scores, when a report
 *                       is given (GLPI shows it as the computer's
 *                       comment); lastloggeduser = newest login seen
 *   operatingsystem     name (os-release NAME, rebuilt from PRETTY_NAME),
 *                       version = VERSION_ID, full_name = PRETTY_NAME,
 *                       kernel_name "linux", kernel_version (running,
 *                       else newest installed), arch (dpkg's own arch)
 *   softwares           each dpkg package: name, version, arch, "deb"
 *   local_users         uid, login, first GECOS field, home, shell --
 *                       never anything from shadow
 *   local_groups        gid, name, supplementary members
 *   accesslog           the newest login seen: date and login
 *
 * Sections of the schema that vigie does not observe (bios, networks,
 * firewalls, antivirus, databases_services...) are left out rather than
 * guessed. Times are UTC "YYYY-MM-DD HH:MM:SS", the schema's datetime.
 */
#include "util/common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/glpi.h"
#include "core/json_util.h"
#include "util/buf.h"
#include "util/banned.h"

/* The hygiene comment is one line; GLPI's comment column is TEXT. */
#define GLPI_COMMENT_MAX 1024
/* 10000-01-01: past it a year has five digits, which the schema's
 * date pattern refuses. */
#define GLPI_TIME_MAX INT64_C(253402300800)

/* os-release ID -> NAME, when PRETTY_NAME gives no way to rebuild it. */
static const struct {
	const char *id;
	const char *name;
} os_names[] = {
	{"debian", "Debian GNU/Linux"},
	{"ubuntu", "Ubuntu"},
	{"raspbian", "Raspbian GNU/Linux"},
	{"linuxmint", "Linux Mint"},
	{"rhel", "Red Hat Enterprise Linux"},
	{"centos", "CentOS Linux"},
	{"rocky", "Rocky Linux"},
	{"almalinux", "AlmaLinux"},
	{"ol", "Oracle Linux Server"},
	{"fedora", "Fedora Linux"},
	{"sles", "SLES"},
	{"opensuse-leap", "openSUSE Leap"},
};

/* dpkg architecture -> the kernel's machine name, as GLPI agents send. */
static const struct {
	const char *dpkg;
	const char *machine;
} arch_names[] = {
	{"amd64", "x86_64"}, {"i386", "i686"},           {"arm64", "aarch64"},
	{"armhf", "armv7l"}, {"armel", "armv5tel"},      {"ppc64el", "ppc64le"},
	{"s390x", "s390x"},  {"riscv64", "riscv64"},     {"mips64el", "mips64"},
	{"mipsel", "mips"},  {"loong64", "loongarch64"},
};

static bool
blank(const char *s)
{
	return s == NULL || *s == '\0';
}

/* Set key to the string s; nothing for a NULL or empty s (the schema
 * has no use for an empty value). false on no memory. */
static bool
put_str(json_t *obj, const char *key, const char *s)
{
	if (blank(s))
		return true;
	return json_object_set_new(obj, key, vg_json_str(s)) == 0;
}

/* The first n bytes of s as a string member. */
static bool
put_strn(json_t *obj, const char *key, const char *s, size_t n)
{
	char *t;
	bool ok;

	if (n == 0)
		return true;
	if ((t = strndup(s, n)) == NULL)
		return false;
	ok = put_str(obj, key, t);
	free(t);
	return ok;
}

/* Ids are strings in the schema ("id": "1000"). */
static bool
put_id(json_t *obj, const char *key, int64_t v)
{
	char num[32];

	(void)snprintf(num, sizeof(num), "%" PRId64, v);
	return json_object_set_new(obj, key, json_string(num)) == 0;
}

/* Set key to obj when obj has members, else drop obj. Takes obj. */
static bool
put_nonempty(json_t *parent, const char *key, json_t *obj)
{
	if (obj == NULL)
		return false;
	if (json_object_size(obj) == 0) {
		json_decref(obj);
		return true;
	}
	return json_object_set_new(parent, key, obj) == 0;
}

/* Format a Unix time in UTC with fmt; false when t is unknown, never,
 * or outside four-digit years. */
static bool
fmt_time(int64_t t, const char *fmt, char *out, size_t size)
{
	time_t tt;
	struct tm tm;

	if (t <= 0 || t >= GLPI_TIME_MAX)
		return false;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		return false;
	return strftime(out, size, fmt, &tm) > 0;
}

/* The account that logged in last, or NULL when none is known to. */
static const struct vg_account *
last_logged(const struct vg_facts *f)
{
	const struct vg_account *best = NULL;
	size_t i;

	if (!f->sources[VG_SRC_LOGINS].collected)
		return NULL;
	for (i = 0; i < f->n_accounts; i++) {
		const struct vg_account *a = &f->accounts[i];

		if (blank(a->name) || a->last_login <= 0)
			continue;
		if (best == NULL || a->last_login > best->last_login)
			best = a;
	}
	return best;
}

static const char *
host_name(const struct vg_facts *f)
{
	if (!blank(f->os.hostname))
		return f->os.hostname;
	if (!blank(f->asset.name))
		return f->asset.name;
	return NULL;
}

/* One line for GLPI's comment: the overall and per-rule scores and the
 * findings by severity. */
static bool
hygiene_comment(const struct vg_report *r, struct vg_buf *b)
{
	size_t by_sev[VG_SEV_COUNT] = {0};
	enum vg_rc rc;
	size_t i;
	int k;

	if (r->overall == VG_SCORE_NONE)
		rc = vg_buf_adds(b, _("vigie hygiene score: not evaluated"));
	else
		rc = vg_buf_printf(b, _("vigie hygiene score: %d/100"),
				   r->overall);
	for (k = 1; k <= VG_RULE_COUNT && rc == VG_OK; k++) {
		rc = vg_buf_adds(b, k == 1 ? " (" : ", ");
		if (rc != VG_OK)
			break;
		if (r->scores[k] == VG_SCORE_NONE)
			rc = vg_buf_printf(b, "R%d -", k);
		else
			rc = vg_buf_printf(b, "R%d %d", k, r->scores[k]);
	}
	for (i = 0; i < r->n_findings; i++)
		if ((unsigned)r->findings[i].severity < VG_SEV_COUNT)
			by_sev[r->findings[i].severity]++;
	if (rc == VG_OK)
		rc = vg_buf_printf(b,
				   _("); %zu findings: %zu critical, %zu high, "
				     "%zu medium, %zu low"),
				   r->n_findings, by_sev[VG_SEV_CRITICAL],
				   by_sev[VG_SEV_HIGH], by_sev[VG_SEV_MEDIUM],
				   by_sev[VG_SEV_LOW]);
	/* The line is short and bounded: only no memory fails here. */
	return rc == VG_OK;
}

static bool
add_hardware(json_t *content, const struct vg_facts *f,
	     const struct vg_report *r)
{
	const struct vg_account *last = last_logged(f);
	json_t *hw;
	struct vg_buf b;
	bool ok;

	if ((hw = json_object()) == NULL)
		return false;
	ok = put_str(hw, "name", host_name(f));
	if (ok && r != NULL) {
		vg_buf_init(&b, GLPI_COMMENT_MAX);
		ok = hygiene_comment(r, &b) &&
			put_str(hw, "description", vg_buf_str(&b));
		vg_buf_release(&b);
	}
	if (ok && last != NULL)
		ok = put_str(hw, "lastloggeduser", last->name);
	if (!ok) {
		json_decref(hw);
		return false;
	}
	return put_nonempty(content, "hardware", hw);
}

/*
 * os-release NAME, which vigie does not keep: PRETTY_NAME up to its
 * version ("Debian GNU/Linux 12 (bookworm)" -> "Debian GNU/Linux"),
 * else the distribution known by its ID, else the ID itself.
 */
static bool
put_os_name(json_t *os, const struct vg_os *o)
{
	const char *p;
	size_t i, n;

	if (!blank(o->pretty_name) && !blank(o->version_id)) {
		n = strlen(o->version_id);
		for (p = o->pretty_name; (p = strstr(p, o->version_id)) != NULL;
		     p++) {
			/* A whole word: "Ubuntu 22.04.3" holds "22.04". */
			if (p > o->pretty_name && p[-1] == ' ' &&
			    (p[n] == '\0' || p[n] == ' ' || p[n] == '.'))
				return put_strn(
					os, "name", o->pretty_name,
					(size_t)(p - 1 - o->pretty_name));
		}
	}
	for (i = 0; o->id != NULL && i < VG_ARRAY_LEN(os_names); i++)
		if (strcmp(o->id, os_names[i].id) == 0)
			return put_str(os, "name", os_names[i].name);
	return put_str(os, "name", blank(o->id) ? o->pretty_name : o->id);
}

/* The machine's architecture: that of the dpkg package itself, which is
 * always the native one (others may be "all" or foreign). */
static const char *
native_arch(const struct vg_facts *f)
{
	size_t i, k;

	for (i = 0; i < f->n_packages; i++) {
		const struct vg_package *p = &f->packages[i];

		if (p->name == NULL || strcmp(p->name, "dpkg") != 0 ||
		    blank(p->arch))
			continue;
		for (k = 0; k < VG_ARRAY_LEN(arch_names); k++)
			if (strcmp(p->arch, arch_names[k].dpkg) == 0)
				return arch_names[k].machine;
		return p->arch;
	}
	return NULL;
}

static bool
add_os(json_t *content, const struct vg_facts *f)
{
	const struct vg_os *o = &f->os;
	const char *kernel;
	json_t *os;
	bool ok = true;

	if ((os = json_object()) == NULL)
		return false;
	if (f->sources[VG_SRC_OS].collected)
		ok = put_os_name(os, o) &&
			put_str(os, "version", o->version_id) &&
			put_str(os, "full_name", o->pretty_name);
	/* vigie audits Linux only; an empty section stays out. */
	if (ok && json_object_size(os) > 0)
		ok = put_str(os, "kernel_name", "linux");
	if (ok && f->sources[VG_SRC_KERNEL].collected) {
		kernel = !blank(f->kernel.running) ? f->kernel.running
						   : f->kernel.newest_installed;
		ok = put_str(os, "kernel_version", kernel);
	}
	if (ok && f->sources[VG_SRC_PACKAGES].collected)
		ok = put_str(os, "arch", native_arch(f));
	if (!ok) {
		json_decref(os);
		return false;
	}
	return put_nonempty(content, "operatingsystem", os);
}

static bool
add_softwares(json_t *content, const struct vg_facts *f)
{
	json_t *list, *sw;
	size_t i;

	if (!f->sources[VG_SRC_PACKAGES].collected)
		return true;
	if ((list = json_array()) == NULL ||
	    json_object_set_new(content, "softwares", list) != 0)
		return false;
	for (i = 0; i < f->n_packages; i++) {
		const struct vg_package *p = &f->packages[i];

		/* "name" is required: a nameless entry says nothing. */
		if (blank(p->name))
			continue;
		if ((sw = json_object()) == NULL ||
		    json_array_append_new(list, sw) != 0)
			return false;
		if (!put_str(sw, "name", p->name) ||
		    !put_str(sw, "version", p->version) ||
		    !put_str(sw, "arch", p->arch) ||
		    !put_str(sw, "from", "deb"))
			return false;
	}
	return true;
}

static bool
add_users(json_t *content, const struct vg_facts *f)
{
	json_t *list, *u;
	size_t i;

	if (!f->sources[VG_SRC_PASSWD].collected)
		return true;
	if ((list = json_array()) == NULL ||
	    json_object_set_new(content, "local_users", list) != 0)
		return false;
	for (i = 0; i < f->n_accounts; i++) {
		const struct vg_account *a = &f->accounts[i];
		const char *g = a->gecos;

		if ((u = json_object()) == NULL ||
		    json_array_append_new(list, u) != 0)
			return false;
		/* Only identity fields: pw, scheme and shared_group stay. */
		if (!put_id(u, "id", a->uid) || !put_str(u, "login", a->name) ||
		    (g != NULL && !put_strn(u, "name", g, strcspn(g, ","))) ||
		    !put_str(u, "home", a->home) ||
		    !put_str(u, "shell", a->shell))
			return false;
	}
	return true;
}

static bool
add_groups(json_t *content, const struct vg_facts *f)
{
	json_t *list, *g, *members;
	size_t i, k;

	if (!f->sources[VG_SRC_GROUP].collected)
		return true;
	if ((list = json_array()) == NULL ||
	    json_object_set_new(content, "local_groups", list) != 0)
		return false;
	for (i = 0; i < f->n_groups; i++) {
		const struct vg_group *gr = &f->groups[i];

		/* "id" and "name" are both required. */
		if (blank(gr->name))
			continue;
		if ((g = json_object()) == NULL ||
		    json_array_append_new(list, g) != 0)
			return false;
		if (!put_id(g, "id", gr->gid) || !put_str(g, "name", gr->name))
			return false;
		if (gr->n_members == 0)
			continue;
		if ((members = json_array()) == NULL ||
		    json_object_set_new(g, "members", members) != 0)
			return false;
		for (k = 0; k < gr->n_members; k++)
			if (!blank(gr->members[k]) &&
			    json_array_append_new(
				    members, vg_json_str(gr->members[k])) != 0)
				return false;
	}
	return true;
}

static bool
add_accesslog(json_t *content, const struct vg_facts *f)
{
	const struct vg_account *last = last_logged(f);
	char when[32];
	json_t *log;

	if (last == NULL ||
	    !fmt_time(last->last_login, "%Y-%m-%d %H:%M:%S", when,
		      sizeof(when)))
		return true;
	log = json_object();
	if (log == NULL || json_object_set_new(content, "accesslog", log) != 0)
		return false;
	return put_str(log, "logdate", when) &&
		put_str(log, "userid", last->name);
}

/* The agent's usual deviceid: the host and the time, "-"-separated. */
static bool
put_deviceid(json_t *doc, const struct vg_facts *f, const char *deviceid)
{
	const char *host = host_name(f);
	char when[32], id[512];

	if (deviceid != NULL)
		return json_object_set_new(doc, "deviceid",
					   vg_json_str(deviceid)) == 0;
	if (host == NULL)
		host = "unknown";
	if (fmt_time(f->collected_at, "%Y-%m-%d-%H-%M-%S", when, sizeof(when)))
		(void)snprintf(id, sizeof(id), "%.400s-%s", host, when);
	else
		(void)snprintf(id, sizeof(id), "%.400s", host);
	return json_object_set_new(doc, "deviceid", vg_json_str(id)) == 0;
}

/* Sections GLPI would otherwise empty when a full inventory lacks them. */
static bool
is_partial(const struct vg_facts *f)
{
	static const enum vg_source needed[] = {VG_SRC_OS, VG_SRC_PACKAGES,
						VG_SRC_PASSWD, VG_SRC_GROUP};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(needed); i++)
		if (!f->sources[needed[i]].collected)
			return true;
	return false;
}

json_t *
vg_glpi_inventory(const struct vg_facts *f, const struct vg_report *r,
		  const char *deviceid, struct vg_err *err)
{
	json_t *doc = NULL, *content = NULL;
	bool ok;

	if ((doc = json_object()) == NULL || (content = json_object()) == NULL)
		goto nomem;
	ok = json_object_set_new(doc, "action", json_string("inventory")) ==
			0 &&
		put_deviceid(doc, f, deviceid) &&
		json_object_set_new(doc, "itemtype", json_string("Computer")) ==
			0 &&
		json_object_set_new(doc, "partial",
				    json_boolean(is_partial(f))) == 0 &&
		put_str(doc, "tag", f->asset.site);
	ok = ok && put_str(content, "versionclient", VG_GLPI_CLIENT) &&
		add_hardware(content, f, r) && add_os(content, f) &&
		add_softwares(content, f) && add_users(content, f) &&
		add_groups(content, f) && add_accesslog(content, f);
	if (!ok)
		goto nomem;
	if (json_object_set_new(doc, "content", content) != 0) {
		content = NULL; /* taken even on failure */
		goto nomem;
	}
	return doc;
nomem:
	json_decref(content);
	json_decref(doc);
	vg_err_set(err, VG_ERR_NOMEM, _("glpi: out of memory"));
	return NULL;
}
