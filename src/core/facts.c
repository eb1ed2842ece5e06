#include "util/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "util/buf.h"
#include "util/banned.h"

static const char *const source_names[VG_SRC_COUNT] = {
	[VG_SRC_OS] = "os",
	[VG_SRC_PACKAGES] = "packages",
	[VG_SRC_APT] = "apt",
	[VG_SRC_PASSWD] = "passwd",
	[VG_SRC_SHADOW] = "shadow",
	[VG_SRC_GROUP] = "group",
	[VG_SRC_SUDOERS] = "sudoers",
	[VG_SRC_SSHD] = "sshd",
	[VG_SRC_LOGINS] = "logins",
	[VG_SRC_PAM] = "pam",
	[VG_SRC_MAIL_FORWARD] = "mail_forward",
	[VG_SRC_CLOUD] = "cloud",
	[VG_SRC_SERVICES] = "services",
	[VG_SRC_KERNEL] = "kernel",
	[VG_SRC_AUTO_UPDATES] = "auto_updates",
	[VG_SRC_BACKUPS] = "backups",
	[VG_SRC_ASSET] = "asset",
	[VG_SRC_DEVICE] = "device",
	[VG_SRC_VULNS] = "vulnerabilities",
	[VG_SRC_ISOLATION] = "isolation",
	[VG_SRC_INCIDENTS] = "incidents",
};

static const char *const vpkg_status_names[VG_VPKG_STATUS_COUNT] = {
	[VG_VPKG_FIX_AVAILABLE] = "fixed-available",
	[VG_VPKG_NO_FIX_YET] = "no-fix-yet",
	[VG_VPKG_END_OF_LIFE] = "end-of-life",
	[VG_VPKG_UNDETERMINED] = "undetermined",
};

/* Indexed by enum vg_urgency (core/vulns.h). */
static const char *const urgency_names[] = {
	"unknown", "unimportant", "low", "medium", "high",
};

const char *
vg_source_name(enum vg_source s)
{
	return (unsigned)s < VG_SRC_COUNT ? source_names[s] : NULL;
}

enum vg_source
vg_source_from_name(const char *name)
{
	int i;

	for (i = 0; i < VG_SRC_COUNT; i++)
		if (strcmp(source_names[i], name) == 0)
			return (enum vg_source)i;
	return VG_SRC_COUNT;
}

const char *
vg_vuln_pkg_status_name(enum vg_vuln_pkg_status s)
{
	return (unsigned)s < VG_VPKG_STATUS_COUNT ? vpkg_status_names[s] : NULL;
}

enum vg_vuln_pkg_status
vg_vuln_pkg_status_from_name(const char *name)
{
	int i;

	for (i = 0; i < VG_VPKG_STATUS_COUNT; i++)
		if (strcmp(vpkg_status_names[i], name) == 0)
			return (enum vg_vuln_pkg_status)i;
	return VG_VPKG_STATUS_COUNT;
}

const char *
vg_urgency_name(int urgency)
{
	return urgency >= 0 && (size_t)urgency < VG_ARRAY_LEN(urgency_names)
		? urgency_names[urgency]
		: NULL;
}

int
vg_urgency_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(urgency_names); i++)
		if (strcmp(urgency_names[i], name) == 0)
			return (int)i;
	return -1;
}

void
vg_facts_init(struct vg_facts *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	vg_arena_init(&f->arena);
	f->collected_at = VG_TIME_UNKNOWN;
	f->apt.lists_updated = VG_TIME_UNKNOWN;
	f->pam.min_length = -1;
	f->device.first_seen = VG_TIME_UNKNOWN;
	f->device.last_seen = VG_TIME_UNKNOWN;
	for (i = 0; i < VG_SRC_COUNT; i++)
		f->sources[i].collected = false;
}

void
vg_facts_release(struct vg_facts *f)
{
	free(f->packages);
	free(f->upgrades);
	free(f->accounts);
	free(f->groups);
	free(f->sudo_rules);
	free(f->forwards);
	free(f->cloud_clients);
	free(f->services);
	free(f->backups);
	free(f->device_logins);
	free(f->device_evidence);
	free(f->vuln_pkgs);
	free(f->incidents);
	free(f->warnings);
	vg_arena_release(&f->arena);
	vg_facts_init(f);
}

const char *
vg_facts_str(struct vg_facts *f, const char *s)
{
	return vg_arena_strdup(&f->arena, s);
}

const char *
vg_facts_strn(struct vg_facts *f, const char *s, size_t n)
{
	return vg_arena_strndup(&f->arena, s, n);
}

static const char *
facts_vformat(struct vg_facts *f, const char *fmt, va_list ap)
{
	char msg[1024];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	return vg_facts_str(f, msg);
}

void
vg_facts_collected(struct vg_facts *f, enum vg_source s)
{
	f->sources[s].collected = true;
	f->sources[s].reason = NULL;
}

void
vg_facts_not_collected(struct vg_facts *f, enum vg_source s, const char *fmt,
		       ...)
{
	va_list ap;

	va_start(ap, fmt);
	f->sources[s].collected = false;
	f->sources[s].reason = facts_vformat(f, fmt, ap);
	va_end(ap);
}

/*
 * Grow *items (of *len elements of size bytes, *cap allocated) by one
 * zeroed element; NULL past VG_MAX_ITEMS or on no memory.
 */
static void *
facts_push(void **items, size_t *len, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (*len >= VG_MAX_ITEMS)
		return NULL;
	if (*len == *cap) {
		ncap = *cap ? *cap * 2 : 16;
		if ((p = reallocarray(*items, ncap, size)) == NULL)
			return NULL;
		*items = p;
		*cap = ncap;
	}
	p = (char *)*items + *len * size;
	memset(p, 0, size);
	(*len)++;
	return p;
}

#define FACTS_PUSH(f, field)                                                   \
	facts_push((void **)&(f)->field, &(f)->n_##field, &(f)->cap_##field,   \
		   sizeof(*(f)->field))

void
vg_facts_warn(struct vg_facts *f, const char *fmt, ...)
{
	const char **slot;
	va_list ap;

	if (f->n_warnings >= VG_MAX_WARNINGS ||
	    (slot = FACTS_PUSH(f, warnings)) == NULL) {
		f->n_warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	*slot = facts_vformat(f, fmt, ap);
	va_end(ap);
}

struct vg_package *
vg_facts_add_package(struct vg_facts *f)
{
	return FACTS_PUSH(f, packages);
}

struct vg_upgrade *
vg_facts_add_upgrade(struct vg_facts *f)
{
	return FACTS_PUSH(f, upgrades);
}

struct vg_account *
vg_facts_add_account(struct vg_facts *f)
{
	struct vg_account *a = FACTS_PUSH(f, accounts);

	if (a != NULL) {
		a->last_change = VG_TIME_UNKNOWN;
		a->last_login = VG_TIME_UNKNOWN;
		a->expires = VG_TIME_UNKNOWN;
	}
	return a;
}

struct vg_group *
vg_facts_add_group(struct vg_facts *f)
{
	return FACTS_PUSH(f, groups);
}

struct vg_sudo_rule *
vg_facts_add_sudo_rule(struct vg_facts *f)
{
	return FACTS_PUSH(f, sudo_rules);
}

struct vg_mail_forward *
vg_facts_add_forward(struct vg_facts *f)
{
	return FACTS_PUSH(f, forwards);
}

struct vg_cloud_client *
vg_facts_add_cloud_client(struct vg_facts *f)
{
	return FACTS_PUSH(f, cloud_clients);
}

struct vg_service *
vg_facts_add_service(struct vg_facts *f)
{
	return FACTS_PUSH(f, services);
}

struct vg_backup *
vg_facts_add_backup(struct vg_facts *f)
{
	struct vg_backup *b = FACTS_PUSH(f, backups);

	if (b != NULL) {
		b->last_success = VG_TIME_UNKNOWN;
		b->restore_tested = VG_TIME_NEVER;
	}
	return b;
}

struct vg_device_login *
vg_facts_add_device_login(struct vg_facts *f)
{
	/* A device's logins are few (protocol and user pairs): a document
	 * claiming more is hostile, not a busy device. */
	if (f->n_device_logins >= VG_MAX_DEVICE_LOGINS)
		return NULL;
	return FACTS_PUSH(f, device_logins);
}

struct vg_device_evidence *
vg_facts_add_device_evidence(struct vg_facts *f)
{
	struct vg_device_evidence *e;

	/* Bounded like the logins: the union of many runs stays small, a
	 * document claiming more is hostile. */
	if (f->n_device_evidence >= VG_MAX_DEVICE_EVIDENCE)
		return NULL;
	if ((e = FACTS_PUSH(f, device_evidence)) != NULL) {
		e->first_seen = VG_TIME_UNKNOWN;
		e->last_seen = VG_TIME_UNKNOWN;
	}
	return e;
}

struct vg_vuln_pkg *
vg_facts_add_vuln_pkg(struct vg_facts *f)
{
	struct vg_vuln_pkg *v = FACTS_PUSH(f, vuln_pkgs);

	if (v != NULL) {
		v->cvss = -1;
		v->epss = -1;
	}
	return v;
}

struct vg_incident_ref *
vg_facts_add_incident_ref(struct vg_facts *f)
{
	/* Bounded: a document claiming more is hostile. */
	if (f->n_incidents >= VG_MAX_INCIDENT_REFS)
		return NULL;
	return FACTS_PUSH(f, incidents);
}

bool
vg_facts_is_device(const struct vg_facts *f)
{
	/* The key is the device's identity: without one the device source
	 * describes nothing (test fixtures mark every source collected). */
	return f->sources[VG_SRC_DEVICE].collected && f->device.key != NULL &&
		*f->device.key != '\0';
}

struct vg_account *
vg_facts_account(const struct vg_facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_accounts; i++)
		if (strcmp(f->accounts[i].name, name) == 0)
			return &f->accounts[i];
	return NULL;
}

struct vg_group *
vg_facts_group(const struct vg_facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_groups; i++)
		if (strcmp(f->groups[i].name, name) == 0)
			return &f->groups[i];
	return NULL;
}

struct vg_group *
vg_facts_group_by_gid(const struct vg_facts *f, int64_t gid)
{
	size_t i;

	for (i = 0; i < f->n_groups; i++)
		if (f->groups[i].gid == gid)
			return &f->groups[i];
	return NULL;
}
