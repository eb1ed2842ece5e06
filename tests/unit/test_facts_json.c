/*
 * Facts JSON codec: exact round trip of a richly filled document, the
 * shape of what is written, and a table of hostile documents the decoder
 * must refuse with the field named.
 */
#include "util/common.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/facts_json.h"
#include "core/json_util.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/banned.h"

/* 2024-03-01T12:34:56Z */
#define T_SCAN INT64_C(1709296496)

/* A facts document with every field and every kind of time set. */
static void
fill_rich(struct vg_facts *f)
{
	static const char *members[] = {"alice", "bob"};
	struct vg_package *p;
	struct vg_upgrade *u;
	struct vg_account *a;
	struct vg_group *g;
	struct vg_sudo_rule *r;
	struct vg_sudo_user *su;
	struct vg_mail_forward *m;
	struct vg_cloud_client *c;
	struct vg_service *s;
	struct vg_backup *b;
	int i;

	f->collected_at = T_SCAN;
	f->root = vg_facts_str(f, "/srv/image");
	for (i = 0; i < VG_SRC_COUNT; i++)
		vg_facts_collected(f, (enum vg_source)i);
	vg_facts_not_collected(f, VG_SRC_SHADOW, "cannot read '%s': %s",
			       "/etc/shadow", "Permission denied");
	vg_facts_not_collected(f, VG_SRC_CLOUD, "not collected");

	f->os.hostname = vg_facts_str(f, "pc-accueil-01");
	f->os.id = vg_facts_str(f, "debian");
	f->os.id_like = NULL;
	f->os.version_id = vg_facts_str(f, "12");
	f->os.codename = vg_facts_str(f, "bookworm");
	f->os.pretty_name = vg_facts_str(f, "Debian GNU/Linux 12 (bookworm)");
	f->asset.name = vg_facts_str(f, "Accueil urgences");
	f->asset.site = vg_facts_str(f, "CH Nord – site B");
	f->asset.owner = vg_facts_str(f, "DSI");
	f->asset.category = vg_facts_str(f, "poste");
	f->asset.criticality = 3;
	f->apt.lists_updated = T_SCAN - 86400;
	f->apt.n_lists = 7;
	f->sshd.permit_root_login = vg_facts_str(f, "yes");
	f->sshd.file = vg_facts_str(f, "/etc/ssh/sshd_config.d/x.conf");
	f->sshd.line = 4;
	f->pam.quality_module = vg_facts_str(f, "pam_pwquality");
	f->pam.min_length = 12;
	f->pam.lockout_module = NULL;
	f->pam.file = vg_facts_str(f, "/etc/pam.d/common-password");
	f->kernel.reboot_flag = true;
	f->kernel.reboot_packages = vg_facts_str(f, "linux-image-amd64,libc6");
	f->kernel.running = vg_facts_str(f, "6.1.0-17-amd64");
	f->kernel.newest_installed = vg_facts_str(f, "6.1.0-18-amd64");
	f->auto_updates.enabled = true;
	f->auto_updates.mechanism = vg_facts_str(f, "unattended-upgrades");
	f->auto_updates.detail = vg_facts_str(f, "/etc/apt/apt.conf.d/20a:2");

	p = vg_facts_add_package(f);
	p->name = vg_facts_str(f, "openssl");
	p->version = vg_facts_str(f, "3.0.11-1~deb12u2");
	p->arch = vg_facts_str(f, "amd64");
	p->source = vg_facts_str(f, "openssl");
	p->source_version = vg_facts_str(f, "3.0.11-1~deb12u2");
	p = vg_facts_add_package(f);
	p->name = vg_facts_str(f, "libfoo1");
	p->version = vg_facts_str(f, "1:2.3");
	p->arch = vg_facts_str(f, "all");
	p->source = vg_facts_str(f, "foo");
	p->source_version = vg_facts_str(f, "1:2.3");

	u = vg_facts_add_upgrade(f);
	u->name = vg_facts_str(f, "openssl");
	u->installed = vg_facts_str(f, "3.0.11-1~deb12u2");
	u->candidate = vg_facts_str(f, "3.0.13-1~deb12u1");
	u->suite = vg_facts_str(f, "bookworm-security");
	u->security = true;

	a = vg_facts_add_account(f);
	a->name = vg_facts_str(f, "root");
	a->uid = 0;
	a->gid = 0;
	a->gecos = vg_facts_str(f, "root");
	a->home = vg_facts_str(f, "/root");
	a->shell = vg_facts_str(f, "/bin/bash");
	a->pw = VG_PW_HASH;
	a->scheme = vg_facts_str(f, "sha512");
	a->shared_group = 1;
	a->last_change = T_SCAN - 10 * 86400;
	a->expires = T_SCAN + 30 * 86400;
	a->last_login = VG_TIME_NEVER;
	a->authorized_keys = true;
	a = vg_facts_add_account(f);
	a->name = vg_facts_str(f, "accueil");
	a->uid = 4294967295;
	a->gid = 1001;
	a->gecos = vg_facts_str(f, "Accueil, bureau 3");
	a->home = vg_facts_str(f, "/home/accueil");
	a->shell = vg_facts_str(f, "/bin/sh");
	a->pw = VG_PW_EMPTY;
	a->last_login = T_SCAN - 3600;
	a = vg_facts_add_account(f);
	a->name = vg_facts_str(f, "daemon");
	a->uid = 1;
	a->gid = 1;
	a->shell = vg_facts_str(f, "/usr/sbin/nologin");
	a->pw = VG_PW_LOCKED;
	a->last_change = 0; /* epoch: "must change" in shadow terms */
	a->expires = 0;     /* epoch: expired, a real date */

	g = vg_facts_add_group(f);
	g->name = vg_facts_str(f, "sudo");
	g->gid = 27;
	g->members = members;
	g->n_members = 2;
	g = vg_facts_add_group(f);
	g->name = vg_facts_str(f, "empty");
	g->gid = 4000000000;

	r = vg_facts_add_sudo_rule(f);
	r->file = vg_facts_str(f, "/etc/sudoers.d/admins");
	r->line = 12;
	su = vg_arena_alloc(&f->arena, 2 * sizeof(*su));
	su[0].name = vg_facts_str(f, "%sudo");
	su[1].name = vg_facts_str(f, "bob");
	su[1].negated = true;
	su[1].alias = vg_facts_str(f, "ADMINS");
	r->users = su;
	r->n_users = 2;
	r->runas_root = true;
	r->all_commands = true;
	r->nopasswd = true;
	r->text = vg_facts_str(f, "%sudo, !ADMINS ALL=(ALL) NOPASSWD: ALL");
	r = vg_facts_add_sudo_rule(f);
	r->text = vg_facts_str(f, "Defaults !authenticate");

	m = vg_facts_add_forward(f);
	m->user = vg_facts_str(f, "alice");
	m->file = vg_facts_str(f, "/home/alice/.forward");
	m->line = 1;
	m->target = vg_facts_str(f, "alice@gmail.com");
	c = vg_facts_add_cloud_client(f);
	c->client = vg_facts_str(f, "Dropbox");
	c->kind = vg_facts_str(f, "folder");
	c->path = vg_facts_str(f, "/home/alice/Dropbox");
	c->user = vg_facts_str(f, "alice");
	s = vg_facts_add_service(f);
	s->protocol = vg_facts_str(f, "telnet");
	s->via = vg_facts_str(f, "inetd");
	s->detail = vg_facts_str(f, "/etc/inetd.conf:3");

	b = vg_facts_add_backup(f);
	b->name = vg_facts_str(f, "dpi");
	b->path = vg_facts_str(f, "/srv/backup/dpi");
	b->last_success = T_SCAN - 7200;
	b->offline = true;
	b->restore_tested = T_SCAN - 30 * 86400;
	b = vg_facts_add_backup(f);
	b->name = vg_facts_str(f, "never-ran");
	b->last_success = VG_TIME_NEVER;
	b = vg_facts_add_backup(f);
	b->name = vg_facts_str(f, "unknown");

	vg_facts_warn(f, "%s:%d: %s", "/etc/passwd", 7, "bad uid");
	vg_facts_warn(f, "quote \" and backslash \\ and tab\t");
	f->n_warnings_dropped = 2;
}

/* JSON text of doc (caller frees). */
static char *
dump(const json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(s);
	return s;
}

static void
test_round_trip(void **state)
{
	struct vg_facts f, g;
	struct vg_err err;
	json_t *j1, *j2;
	char *text;

	(void)state;
	vg_facts_init(&f);
	vg_facts_init(&g);
	fill_rich(&f);
	assert_non_null(j1 = vg_facts_to_json(&f));
	text = dump(j1);
	assert_int_equal(vg_facts_parse(&g, text, strlen(text), &err), VG_OK);
	assert_non_null(j2 = vg_facts_to_json(&g));
	assert_true(json_equal(j1, j2));

	/* The decoded struct holds the very values, not just equal JSON. */
	assert_int_equal(g.collected_at, T_SCAN);
	assert_string_equal(g.root, "/srv/image");
	assert_false(g.sources[VG_SRC_SHADOW].collected);
	assert_string_equal(g.sources[VG_SRC_SHADOW].reason,
			    "cannot read '/etc/shadow': Permission denied");
	assert_true(g.sources[VG_SRC_PASSWD].collected);
	assert_null(g.os.id_like);
	assert_string_equal(g.asset.site, "CH Nord – site B");
	assert_int_equal(g.asset.criticality, 3);
	assert_int_equal(g.apt.n_lists, 7);
	assert_int_equal(g.pam.min_length, 12);
	assert_null(g.pam.lockout_module);
	assert_int_equal(g.n_accounts, 3);
	assert_int_equal(g.accounts[0].last_login, VG_TIME_NEVER);
	assert_int_equal(g.accounts[0].shared_group, 1);
	assert_true(g.accounts[0].authorized_keys);
	assert_int_equal(g.accounts[1].uid, 4294967295);
	assert_int_equal(g.accounts[1].pw, VG_PW_EMPTY);
	assert_int_equal(g.accounts[1].last_change, VG_TIME_UNKNOWN);
	assert_int_equal(g.accounts[1].last_login, T_SCAN - 3600);
	assert_int_equal(g.accounts[2].pw, VG_PW_LOCKED);
	assert_int_equal(g.accounts[2].last_change, 0);
	assert_int_equal(g.accounts[0].expires, T_SCAN + 30 * 86400);
	assert_int_equal(g.accounts[1].expires, VG_TIME_UNKNOWN);
	assert_int_equal(g.accounts[2].expires, 0);
	assert_null(g.accounts[2].scheme);
	assert_int_equal(g.n_groups, 2);
	assert_int_equal(g.groups[0].n_members, 2);
	assert_string_equal(g.groups[0].members[1], "bob");
	assert_int_equal(g.groups[1].n_members, 0);
	assert_int_equal(g.groups[1].gid, 4000000000);
	assert_int_equal(g.n_sudo_rules, 2);
	assert_int_equal(g.sudo_rules[0].line, 12);
	assert_int_equal(g.sudo_rules[0].n_users, 2);
	assert_true(g.sudo_rules[0].users[1].negated);
	assert_string_equal(g.sudo_rules[0].users[1].alias, "ADMINS");
	assert_null(g.sudo_rules[0].users[0].alias);
	assert_true(g.sudo_rules[0].nopasswd);
	assert_null(g.sudo_rules[1].file);
	assert_int_equal(g.backups[0].restore_tested, T_SCAN - 30 * 86400);
	assert_int_equal(g.backups[1].last_success, VG_TIME_NEVER);
	assert_int_equal(g.backups[1].restore_tested, VG_TIME_NEVER);
	assert_int_equal(g.backups[2].last_success, VG_TIME_UNKNOWN);
	assert_int_equal(g.n_warnings, 2);
	assert_string_equal(g.warnings[1],
			    "quote \" and backslash \\ and "
			    "tab\t");
	assert_int_equal(g.n_warnings_dropped, 2);
	/* The decoded facts stay usable: warnings can still be added. */
	vg_facts_warn(&g, "one more");
	assert_int_equal(g.n_warnings, 3);

	free(text);
	json_decref(j1);
	json_decref(j2);
	vg_facts_release(&f);
	vg_facts_release(&g);
}

/* Empty facts survive a round trip too (every default). */
static void
test_round_trip_empty(void **state)
{
	struct vg_facts f, g;
	struct vg_err err;
	json_t *j1, *j2;

	(void)state;
	vg_facts_init(&f);
	vg_facts_init(&g);
	assert_non_null(j1 = vg_facts_to_json(&f));
	assert_int_equal(vg_facts_from_json(&g, j1, &err), VG_OK);
	assert_non_null(j2 = vg_facts_to_json(&g));
	assert_true(json_equal(j1, j2));
	assert_int_equal(g.collected_at, VG_TIME_UNKNOWN);
	assert_int_equal(g.pam.min_length, -1);
	assert_true(json_is_null(json_object_get(j1, "collected_at")));
	json_decref(j1);
	json_decref(j2);
	vg_facts_release(&f);
	vg_facts_release(&g);
}

/* The written shape: what other programs rely on. */
static void
test_shape(void **state)
{
	struct vg_facts f;
	json_t *j, *a;

	(void)state;
	vg_facts_init(&f);
	fill_rich(&f);
	assert_non_null(j = vg_facts_to_json(&f));
	assert_string_equal(json_string_value(json_object_get(j, "schema")),
			    "vigie.facts/1");
	assert_string_equal(
		json_string_value(json_object_get(j, "collected_at")),
		"2024-03-01T12:34:56Z");
	assert_true(json_is_true(json_object_get(
		json_object_get(json_object_get(j, "sources"), "os"),
		"collected")));
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(j, "sources"), "cloud"),
			"reason")),
		"not collected");
	assert_int_equal(json_object_size(json_object_get(j, "sources")),
			 VG_SRC_COUNT);
	/* NULL strings are omitted. */
	assert_null(json_object_get(json_object_get(j, "os"), "id_like"));
	a = json_array_get(json_object_get(j, "accounts"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "password")),
			    "hash");
	assert_string_equal(json_string_value(json_object_get(a, "last_login")),
			    "never");
	assert_string_equal(
		json_string_value(json_object_get(a, "last_change")),
		"2024-02-20T12:34:56Z");
	assert_string_equal(json_string_value(json_object_get(a, "expires")),
			    "2024-03-31T12:34:56Z");
	a = json_array_get(json_object_get(j, "accounts"), 1);
	assert_true(json_is_null(json_object_get(a, "last_change")));
	/* No expiry is written as null, not left out. */
	assert_non_null(json_object_get(a, "expires"));
	assert_true(json_is_null(json_object_get(a, "expires")));
	assert_int_equal(json_integer_value(json_object_get(a, "uid")),
			 4294967295);
	a = json_array_get(json_object_get(j, "accounts"), 2);
	/* Epoch is a date for last_change, where "never" means nothing. */
	assert_string_equal(
		json_string_value(json_object_get(a, "last_change")),
		"1970-01-01T00:00:00Z");
	/* An expiry at the epoch is a date too: the account expired. */
	assert_string_equal(json_string_value(json_object_get(a, "expires")),
			    "1970-01-01T00:00:00Z");
	a = json_array_get(json_object_get(j, "backups"), 2);
	assert_true(json_is_null(json_object_get(a, "last_success")));
	assert_string_equal(
		json_string_value(json_object_get(a, "restore_tested")),
		"never");
	json_decref(j);
	vg_facts_release(&f);
}

/* Collected text that is not UTF-8 still makes valid, stable JSON. */
static void
test_non_utf8(void **state)
{
	struct vg_facts f, g;
	struct vg_err err;
	struct vg_account *a;
	json_t *j1, *j2;
	char *text;

	(void)state;
	vg_facts_init(&f);
	vg_facts_init(&g);
	a = vg_facts_add_account(&f);
	a->name = vg_facts_str(&f, "h\xe9l\xe8ne");   /* Latin-1 */
	a->gecos = vg_facts_str(&f, "\xed\xa0\x80x"); /* a surrogate */
	vg_facts_warn(&f, "trunc \xe2\x82");
	assert_non_null(j1 = vg_facts_to_json(&f));
	text = dump(j1);
	assert_int_equal(vg_facts_parse(&g, text, strlen(text), &err), VG_OK);
	assert_string_equal(g.accounts[0].name, "h\xef\xbf\xbdl\xef\xbf\xbdne");
	assert_string_equal(g.accounts[0].gecos,
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
	assert_string_equal(g.warnings[0], "trunc \xef\xbf\xbd\xef\xbf\xbd");
	assert_non_null(j2 = vg_facts_to_json(&g));
	assert_true(json_equal(j1, j2));
	free(text);
	json_decref(j1);
	json_decref(j2);
	vg_facts_release(&f);
	vg_facts_release(&g);
}

/* Facts describing a network device: only the device source collected. */
static void
fill_device(struct vg_facts *f)
{
	static const char *const logins[][2] = {
		{"telnet", "admin"},
		{"ftp", "service"},
		{"http-basic", NULL},
	};
	struct vg_device_evidence *e;
	struct vg_device_login *l;
	size_t i;

	f->collected_at = T_SCAN;
	vg_facts_collected(f, VG_SRC_DEVICE);
	f->device.key = vg_facts_str(f, "00:1b:2c:3d:4e:5f");
	f->device.mac = vg_facts_str(f, "00:1b:2c:3d:4e:5f");
	f->device.ips = vg_facts_str(f, "10.1.2.3,10.1.2.4");
	f->device.name = vg_facts_str(f, "CT_SCANNER_1");
	f->device.vendor = vg_facts_str(f, "Siemens Healthineers");
	f->device.category = vg_facts_str(f, "biomedical");
	f->device.confidence = 87;
	f->device.sensor = vg_facts_str(f, "local");
	f->device.first_seen = T_SCAN - 7 * 86400;
	f->device.last_seen = T_SCAN - 60;
	for (i = 0; i < VG_ARRAY_LEN(logins); i++) {
		assert_non_null(l = vg_facts_add_device_login(f));
		l->protocol = vg_facts_str(f, logins[i][0]);
		l->user = vg_facts_str(f, logins[i][1]);
	}
	/* Evidence: a full item, and one with neither value nor detail
	 * nor times (what absent members decode to). */
	assert_non_null(e = vg_facts_add_device_evidence(f));
	e->source = vg_facts_str(f, "dicom");
	e->attribute = vg_facts_str(f, "dicom_ae");
	e->value = vg_facts_str(f, "CT_SCANNER_1");
	e->detail = vg_facts_str(f,
				 "SIEMENS | \xc3\xa9"
				 "chographe");
	e->weight = 90;
	e->count = INT64_C(5000000000);
	e->first_seen = T_SCAN - 7 * 86400;
	e->last_seen = T_SCAN - 60;
	assert_non_null(e = vg_facts_add_device_evidence(f));
	e->source = vg_facts_str(f, "arp");
	e->attribute = vg_facts_str(f, "mac_ip");
	e->count = 1;
}

/* A device section round-trips exactly, through tree and text alike. */
static void
test_device_round_trip(void **state)
{
	struct vg_facts f, g;
	struct vg_err err;
	struct vg_buf b;
	json_t *j1, *j2, *dv, *text;
	char *s;

	(void)state;
	vg_facts_init(&f);
	vg_facts_init(&g);
	fill_device(&f);
	assert_true(vg_facts_is_device(&f));
	assert_non_null(j1 = vg_facts_to_json(&f));
	dv = json_object_get(j1, "device");
	assert_true(json_is_object(dv));
	assert_string_equal(json_string_value(json_object_get(dv, "key")),
			    "00:1b:2c:3d:4e:5f");
	assert_string_equal(json_string_value(json_object_get(dv, "ips")),
			    "10.1.2.3,10.1.2.4");
	assert_int_equal(json_integer_value(json_object_get(dv, "confidence")),
			 87);
	/* Unmanaged reads explicitly: null, not an absent member. */
	assert_non_null(json_object_get(dv, "managed_by"));
	assert_true(json_is_null(json_object_get(dv, "managed_by")));
	assert_string_equal(
		json_string_value(json_object_get(dv, "first_seen")),
		"2024-02-23T12:34:56Z");
	assert_int_equal(
		json_array_size(json_object_get(dv, "cleartext_logins")), 3);
	assert_true(json_is_true(json_object_get(
		json_object_get(json_object_get(j1, "sources"), "device"),
		"collected")));

	s = dump(j1);
	assert_int_equal(vg_facts_parse(&g, s, strlen(s), &err), VG_OK);
	assert_non_null(j2 = vg_facts_to_json(&g));
	assert_true(json_equal(j1, j2));
	assert_true(vg_facts_is_device(&g));
	assert_string_equal(g.device.key, "00:1b:2c:3d:4e:5f");
	assert_string_equal(g.device.mac, "00:1b:2c:3d:4e:5f");
	assert_string_equal(g.device.name, "CT_SCANNER_1");
	assert_string_equal(g.device.vendor, "Siemens Healthineers");
	assert_string_equal(g.device.category, "biomedical");
	assert_int_equal(g.device.confidence, 87);
	assert_null(g.device.managed_by);
	assert_string_equal(g.device.sensor, "local");
	assert_int_equal(g.device.first_seen, T_SCAN - 7 * 86400);
	assert_int_equal(g.device.last_seen, T_SCAN - 60);
	assert_int_equal(g.n_device_logins, 3);
	assert_string_equal(g.device_logins[0].protocol, "telnet");
	assert_string_equal(g.device_logins[0].user, "admin");
	assert_string_equal(g.device_logins[2].protocol, "http-basic");
	assert_null(g.device_logins[2].user);
	assert_int_equal(json_array_size(json_object_get(dv, "evidence")), 2);
	assert_int_equal(g.n_device_evidence, 2);
	assert_string_equal(g.device_evidence[0].source, "dicom");
	assert_string_equal(g.device_evidence[0].attribute, "dicom_ae");
	assert_string_equal(g.device_evidence[0].value, "CT_SCANNER_1");
	assert_string_equal(g.device_evidence[0].detail,
			    "SIEMENS | \xc3\xa9"
			    "chographe");
	assert_int_equal(g.device_evidence[0].weight, 90);
	assert_true(g.device_evidence[0].count == INT64_C(5000000000));
	assert_int_equal(g.device_evidence[0].first_seen, T_SCAN - 7 * 86400);
	assert_int_equal(g.device_evidence[0].last_seen, T_SCAN - 60);
	assert_string_equal(g.device_evidence[1].source, "arp");
	assert_null(g.device_evidence[1].value);
	assert_null(g.device_evidence[1].detail);
	assert_int_equal(g.device_evidence[1].weight, 0);
	assert_int_equal(g.device_evidence[1].count, 1);
	assert_int_equal(g.device_evidence[1].first_seen, VG_TIME_UNKNOWN);
	assert_int_equal(g.device_evidence[1].last_seen, VG_TIME_UNKNOWN);
	assert_false(g.sources[VG_SRC_OS].collected);

	/* The streaming writer gives the same document. */
	vg_buf_init(&b, VG_MAX_JSON_DOC);
	assert_int_equal(vg_facts_write(&f, &b), VG_OK);
	text = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(text);
	assert_true(json_equal(j1, text));
	json_decref(text);
	vg_buf_release(&b);
	free(s);
	json_decref(j1);
	json_decref(j2);
	vg_facts_release(&g);

	/* A managed device, unknown times, no ips and no logins. */
	vg_facts_init(&g);
	f.device.managed_by = vg_facts_str(&f, "asset Scanner CT 1");
	f.device.ips = NULL;
	f.device.first_seen = VG_TIME_UNKNOWN;
	f.device.last_seen = VG_TIME_UNKNOWN;
	f.n_device_logins = 0;
	f.n_device_evidence = 0;
	assert_non_null(j1 = vg_facts_to_json(&f));
	dv = json_object_get(j1, "device");
	assert_null(json_object_get(dv, "ips"));
	assert_int_equal(json_array_size(json_object_get(dv, "evidence")), 0);
	assert_true(json_is_null(json_object_get(dv, "first_seen")));
	assert_int_equal(vg_facts_from_json(&g, j1, &err), VG_OK);
	assert_string_equal(g.device.managed_by, "asset Scanner CT 1");
	assert_null(g.device.ips);
	assert_int_equal(g.device.first_seen, VG_TIME_UNKNOWN);
	assert_int_equal(g.n_device_logins, 0);
	json_decref(j1);
	vg_facts_release(&g);
	vg_facts_release(&f);
}

/* What vg_vuln_pkgs_print writes; the caller frees it. */
static char *
pretty_text(const struct vg_facts *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	assert_non_null(fp = open_memstream(&text, &len));
	assert_int_equal(vg_vuln_pkgs_print(f, fp), VG_OK);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(strlen(text), len);
	return text;
}

/* vg_vuln_pkgs_print writes what jansson dumps of the tree. */
static void
expect_pretty_as_jansson(const struct vg_facts *f)
{
	json_t *arr;
	char *want, *got;

	assert_non_null(arr = vg_vuln_pkgs_to_json(f));
	assert_non_null(
		want = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER));
	got = pretty_text(f);
	assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(arr);
}

/*
 * `vigie vuln check --format json` writes without a tree what it printed
 * from one: the same bytes for every string (escapes, invalid UTF-8) and
 * every score (exponents, whole numbers), in a locale whose decimal
 * point is a comma too; an empty list is "[]".
 */
static void
test_vuln_pretty(void **state)
{
	static const double scores[] = {0,
					7,
					9.8,
					0.5,
					1e-5,
					4e-05,
					1e17,
					1e-300,
					0.03351,
					-1,
					123456789012345678.0};
	static const char *const strs[] = {
		"plain",    "tab\there\nnl\r\b\f",      "\x01\x1f\x7f",
		"q\"b\\s/", "caf\xc3\xa9 \xe2\x82\xac", "bad\xff\xc3",
		""};
	const char *const locales[] = {"C", "fr_FR.UTF-8"};
	struct vg_vuln_pkg *v;
	struct vg_facts f;
	size_t i, l;

	(void)state;
	vg_facts_init(&f);
	expect_pretty_as_jansson(&f);
	for (i = 0; i < VG_ARRAY_LEN(scores); i++) {
		assert_non_null(v = vg_facts_add_vuln_pkg(&f));
		v->package = vg_facts_str(&f, strs[i % VG_ARRAY_LEN(strs)]);
		v->version = vg_facts_str(&f, "1.0");
		/* NULL strings are omitted. */
		v->ids = i % 2 == 0
			? vg_facts_str(&f, strs[(i + 1) % VG_ARRAY_LEN(strs)])
			: NULL;
		v->n_ids = i;
		v->status = (enum vg_vuln_pkg_status)(i % 3);
		v->urgency = (int)(i % 5);
		v->cvss = scores[i];
		v->epss = scores[VG_ARRAY_LEN(scores) - 1 - i];
		v->ransomware = i % 2 != 0;
	}
	for (l = 0; l < VG_ARRAY_LEN(locales); l++) {
		/* A locale the system lacks is tested as C. */
		(void)setlocale(LC_NUMERIC, locales[l]);
		expect_pretty_as_jansson(&f);
	}
	(void)setlocale(LC_NUMERIC, "C");
	vg_facts_release(&f);
}

/*
 * The printer writes most packages itself and leaves those with a
 * string to escape to the generic walk: jansson's text either way, for
 * hostile values, one package a row in that order (commas between the
 * two kinds): empty strings, omitted ones (the first member too), counts
 * past INT64_MAX (written as the cast gives them), an unknown status or
 * urgency, every kind of score; NaN is null, never "nan"; an infinite
 * score is no JSON number.
 */
static void
test_vuln_pretty_hostile(void **state)
{
	static const struct {
		const char *package, *version, *ids, *fixed;
		size_t count;
		int status, urgency;
		double cvss, epss;
	} rows[] = {
		{"", "", "", "", 0, 0, 0, 0, 0},
		{NULL, "1.0", "CVE-1", NULL, 1, 1, 1, -1, -1},
		{"q\"uote", NULL, NULL, "1.0", SIZE_MAX, 2, 2, 1e-5, 9.8},
		{"p", "1", "a,b", "\n", (size_t)INT64_MAX, 3, 3, 10, NAN},
		{"p", NULL, "CVE-2", "2:1.0~rc1", (size_t)INT64_MAX + 1, 4, 99,
		 -0.0, 1e300},
		{"caf\xc3\xa9", "1", "\x7f", NULL, 7, -1, -1, 0.1, 7},
		{"p", "1", NULL, NULL, 0, 0, 0, -INFINITY, 5e-324},
		{"p", "1", "CVE-2024-0001,CVE-2024-0002,CVE-2024-0003", "1.1",
		 3, 0, 4, 9.8, 0.97},
	};
	struct vg_vuln_pkg *v;
	struct vg_facts f;
	char *got;
	FILE *fp;
	size_t i;

	(void)state;
	vg_facts_init(&f);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_non_null(v = vg_facts_add_vuln_pkg(&f));
		v->package = vg_facts_str(&f, rows[i].package);
		v->version = vg_facts_str(&f, rows[i].version);
		v->binaries = v->package;
		v->ids = vg_facts_str(&f, rows[i].ids);
		v->kev_ids = v->ids;
		v->n_ids = v->n_kev = rows[i].count;
		v->fixed_version = vg_facts_str(&f, rows[i].fixed);
		v->status = (enum vg_vuln_pkg_status)rows[i].status;
		v->urgency = rows[i].urgency;
		v->cvss = rows[i].cvss;
		v->epss = rows[i].epss;
		v->ransomware = i % 2 != 0;
		expect_pretty_as_jansson(&f);
	}
	got = pretty_text(&f);
	assert_null(strstr(got, "nan"));
	assert_non_null(strstr(got, "\"n_ids\": -1,"));
	assert_non_null(strstr(got, "\"n_ids\": -9223372036854775808,"));
	free(got);

	v->cvss = INFINITY;
	assert_non_null(fp = fopen("/dev/null", "w"));
	assert_int_equal(vg_vuln_pkgs_print(&f, fp), VG_ERR_USAGE);
	(void)fclose(fp);
	vg_facts_release(&f);
}

/* The i-th string member of v (i < 6). */
static const char **
vuln_str(struct vg_vuln_pkg *v, size_t i)
{
	const char **const members[] = {&v->package,       &v->version,
					&v->binaries,      &v->ids,
					&v->fixed_version, &v->kev_ids};

	return members[i];
}

/*
 * Strings that make the writers escape, replace or copy: each piece at
 * every offset of strings of every length up to 3 words of 8 bytes (the
 * scan goes 8 bytes at a time, then the last 8), some very long. The
 * pretty text is jansson's, byte for byte; the compact text reads back
 * as the tree and keeps the store's own escapes ("\u001f").
 */
static void
test_escapes(void **state)
{
	static const char *const pieces[] = {
		"\x01",
		"\x1f",
		"\n",
		"\t",
		"\x7f",
		"\"",
		"\\",
		"/",
		" ",
		"\xc3\xa9",
		"\xe2\x82\xac",
		"\xf0\x9f\x98\x80",
		"\xff",
		"\xe2\x82",
		"\xc0\x80",
		"\xed\xa0\x80",
		"\xf4\x90\x80\x80",
		"\x80",
	};
	struct vg_vuln_pkg *v = NULL;
	struct vg_facts f;
	struct vg_buf b;
	json_t *tree, *text;
	size_t len, at, i, n, k = 0;
	char s[64], *big;

	(void)state;
	vg_facts_init(&f);
	for (len = 0; len <= 24; len++)
		for (at = 0; at <= len; at++)
			for (i = 0; i < VG_ARRAY_LEN(pieces); i++) {
				/* at bytes, the piece, len - at bytes. */
				memset(s, 'a', at);
				n = strlen(pieces[i]);
				memcpy(s + at, pieces[i], n);
				memset(s + at + n, 'b', len - at);
				s[len + n] = '\0';
				/* Six strings a package. */
				if (k % 6 == 0) {
					assert_non_null(
						v = vg_facts_add_vuln_pkg(&f));
					v->cvss = -1;
					v->epss = -1;
				}
				*vuln_str(v, k++ % 6) = vg_facts_str(&f, s);
			}
	/* Longer than what the printer holds before it writes. */
	len = 200000;
	assert_non_null(big = malloc(len + 1));
	memset(big, 'x', len);
	big[len] = '\0';
	assert_non_null(v = vg_facts_add_vuln_pkg(&f));
	v->package = vg_facts_str(&f, big);
	big[len - 3] = '"';
	big[len / 2] = '\x01';
	v->ids = vg_facts_str(&f, big);
	free(big);
	expect_pretty_as_jansson(&f);

	f.sources[VG_SRC_VULNS].collected = true;
	assert_non_null(tree = vg_facts_to_json(&f));
	vg_buf_init(&b, VG_MAX_JSON_DOC);
	assert_int_equal(vg_facts_write(&f, &b), VG_OK);
	assert_non_null(text = json_loadb(b.data, b.len, 0, NULL));
	assert_true(json_equal(tree, text));
	assert_non_null(strstr(b.data, "\"a\\u001f\""));
	assert_non_null(strstr(b.data, "\"a\\u000a\""));
	assert_null(strstr(b.data, "\\u001F"));
	json_decref(tree);
	json_decref(text);
	vg_buf_release(&b);
	vg_facts_release(&f);
}

/* A stream that refuses the text: VG_ERR_IO, whether it refuses the
 * first piece or a later one. */
static void
test_pretty_write_error(void **state)
{
	const char *const sinks[] = {"/dev/null", "/dev/full"};
	const char *const modes[] = {"r", "w"};
	struct vg_vuln_pkg *v;
	struct vg_facts f;
	size_t i;
	FILE *fp;

	(void)state;
	vg_facts_init(&f);
	/* Some 200 KB of text: several pieces. */
	for (i = 0; i < 2000; i++) {
		assert_non_null(v = vg_facts_add_vuln_pkg(&f));
		v->package = vg_facts_str(&f, "openssl");
		v->version = vg_facts_str(&f, "3.0.11-1~deb12u2");
		v->cvss = -1;
		v->epss = -1;
	}
	for (i = 0; i < VG_ARRAY_LEN(sinks); i++) {
		assert_non_null(fp = fopen(sinks[i], modes[i]));
		assert_int_equal(vg_vuln_pkgs_print(&f, fp), VG_ERR_IO);
		(void)fclose(fp);
	}
	vg_facts_release(&f);
}

/* The vulnerable packages round-trip exactly, through tree and text
 * alike; absent when matching did not run. */
static void
test_vuln_round_trip(void **state)
{
	struct vg_facts f, g;
	struct vg_vuln_pkg *v;
	struct vg_err err;
	struct vg_buf b;
	json_t *j1, *j2, *a, *text;
	char *s;

	(void)state;
	vg_facts_init(&f);
	vg_facts_init(&g);
	/* Not collected: no section, and a document without one reads. */
	assert_non_null(j1 = vg_facts_to_json(&f));
	assert_null(json_object_get(j1, "vulnerable_packages"));
	assert_int_equal(vg_facts_from_json(&g, j1, &err), VG_OK);
	assert_int_equal(g.n_vuln_pkgs, 0);
	json_decref(j1);
	vg_facts_release(&g);

	vg_facts_collected(&f, VG_SRC_VULNS);
	assert_non_null(v = vg_facts_add_vuln_pkg(&f));
	v->package = vg_facts_str(&f, "openssl");
	v->version = vg_facts_str(&f, "3.0.11-1~deb12u1");
	v->binaries = vg_facts_str(&f, "libssl3,openssl");
	v->ids = vg_facts_str(&f, "CVE-2024-0001,CVE-2024-0002");
	v->n_ids = 2;
	v->fixed_version = vg_facts_str(&f, "3.0.13-1~deb12u1");
	v->status = VG_VPKG_FIX_AVAILABLE;
	v->urgency = 3; /* VG_URG_MEDIUM */
	v->cvss = 7.5;
	v->kev_ids = vg_facts_str(&f, "CVE-2024-0001");
	v->n_kev = 1;
	v->ransomware = true;
	v->epss = 0.03351;
	assert_non_null(v = vg_facts_add_vuln_pkg(&f));
	v->package = vg_facts_str(&f, "zlib");
	v->version = vg_facts_str(&f, "1:1.2.13.dfsg-1");
	v->ids = vg_facts_str(&f, "TEMP-0000000-1A2B3C");
	v->n_ids = 1;
	v->status = VG_VPKG_UNDETERMINED;
	v->cvss = 10.0; /* a whole number stays a real in text */

	assert_non_null(j1 = vg_facts_to_json(&f));
	a = json_object_get(j1, "vulnerable_packages");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(a, 0), "status")),
			    "fixed-available");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(a, 0), "urgency")),
			    "medium");
	assert_true(
		json_is_real(json_object_get(json_array_get(a, 1), "cvss")));
	assert_true(
		json_is_null(json_object_get(json_array_get(a, 1), "epss")));
	assert_null(json_object_get(json_array_get(a, 1), "fixed_version"));

	s = dump(j1);
	assert_int_equal(vg_facts_parse(&g, s, strlen(s), &err), VG_OK);
	assert_non_null(j2 = vg_facts_to_json(&g));
	assert_true(json_equal(j1, j2));
	assert_true(g.sources[VG_SRC_VULNS].collected);
	assert_int_equal(g.n_vuln_pkgs, 2);
	v = &g.vuln_pkgs[0];
	assert_string_equal(v->package, "openssl");
	assert_string_equal(v->version, "3.0.11-1~deb12u1");
	assert_string_equal(v->binaries, "libssl3,openssl");
	assert_string_equal(v->ids, "CVE-2024-0001,CVE-2024-0002");
	assert_int_equal(v->n_ids, 2);
	assert_string_equal(v->fixed_version, "3.0.13-1~deb12u1");
	assert_int_equal(v->status, VG_VPKG_FIX_AVAILABLE);
	assert_int_equal(v->urgency, 3);
	assert_true(v->cvss == 7.5);
	assert_string_equal(v->kev_ids, "CVE-2024-0001");
	assert_int_equal(v->n_kev, 1);
	assert_true(v->ransomware);
	assert_true(v->epss == 0.03351);
	v = &g.vuln_pkgs[1];
	assert_int_equal(v->status, VG_VPKG_UNDETERMINED);
	assert_int_equal(v->urgency, 0);
	assert_true(v->cvss == 10.0);
	assert_true(v->epss < 0);
	assert_null(v->fixed_version);
	assert_null(v->kev_ids);
	assert_false(v->ransomware);

	/* The streaming writer gives the same document, and its text
	 * reads back to the same scores. */
	vg_buf_init(&b, VG_MAX_JSON_DOC);
	assert_int_equal(vg_facts_write(&f, &b), VG_OK);
	text = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(text);
	assert_true(json_equal(j1, text));
	json_decref(text);
	vg_facts_release(&g);
	vg_facts_init(&g);
	assert_int_equal(vg_facts_parse(&g, b.data, b.len, &err), VG_OK);
	assert_true(g.vuln_pkgs[0].epss == 0.03351);
	assert_true(g.vuln_pkgs[0].cvss == 7.5);
	vg_buf_release(&b);
	free(s);
	json_decref(j1);
	json_decref(j2);
	vg_facts_release(&g);
	vg_facts_release(&f);
}

/* Host facts have no device section, even with every source collected
 * (no key: nothing describes a device); older documents decode. */
static void
test_device_absent(void **state)
{
	static const char old[] = "{\"schema\":\"vigie.facts/1\","
				  "\"sources\":{\"os\":{\"collected\":true}}}";
	struct vg_facts f, g;
	struct vg_err err;
	json_t *j;

	(void)state;
	vg_facts_init(&f);
	fill_rich(&f);
	assert_true(f.sources[VG_SRC_DEVICE].collected);
	assert_false(vg_facts_is_device(&f));
	assert_non_null(j = vg_facts_to_json(&f));
	assert_null(json_object_get(j, "device"));
	json_decref(j);
	vg_facts_release(&f);

	vg_facts_init(&g);
	assert_int_equal(vg_facts_parse(&g, old, strlen(old), &err), VG_OK);
	assert_false(g.sources[VG_SRC_DEVICE].collected);
	assert_null(g.device.key);
	assert_int_equal(g.device.first_seen, VG_TIME_UNKNOWN);
	assert_int_equal(g.n_device_logins, 0);
	assert_int_equal(g.n_device_evidence, 0);
	assert_false(vg_facts_is_device(&g));
	vg_facts_release(&g);
}

/* A device document from before the evidence decodes with none. */
static void
test_device_evidence_absent(void **state)
{
	static const char old[] =
		"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		"{\"collected\":true}},\"device\":{\"key\":\"k\","
		"\"cleartext_logins\":[{\"protocol\":\"ftp\"}]}}";
	static const char empty[] =
		"{\"schema\":\"vigie.facts/1\",\"device\":{\"key\":\"k\","
		"\"evidence\":[]}}";
	struct vg_facts f;
	struct vg_err err;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_facts_parse(&f, old, strlen(old), &err), VG_OK);
	assert_true(vg_facts_is_device(&f));
	assert_int_equal(f.n_device_logins, 1);
	assert_int_equal(f.n_device_evidence, 0);
	vg_facts_release(&f);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_parse(&f, empty, strlen(empty), &err), VG_OK);
	assert_int_equal(f.n_device_evidence, 0);
	vg_facts_release(&f);
}

/* Evidence past its limit is refused before any item is read. */
static void
test_device_evidence_limit(void **state)
{
	struct vg_facts f;
	struct vg_err err;
	json_t *doc, *ev;
	size_t i;

	(void)state;
	assert_non_null(ev = json_array());
	for (i = 0; i <= VG_MAX_DEVICE_EVIDENCE; i++)
		assert_int_equal(
			json_array_append_new(
				ev,
				json_pack("{s:s, s:s, s:I}", "source", "dhcp",
					  "attribute", "hostname", "count",
					  (json_int_t)i)),
			0);
	doc = json_pack("{s:s, s:{s:s, s:o}}", "schema", VG_FACTS_SCHEMA,
			"device", "key", "k", "evidence", ev);
	assert_non_null(doc);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg,
			       "facts.device.evidence: "
			       "more than 1024 items"));
	assert_int_equal(f.n_device_evidence, 0);
	vg_facts_release(&f);
	/* Exactly the limit decodes, and the facts take no more. */
	assert_int_equal(json_array_remove(ev, 0), 0);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_OK);
	assert_int_equal(f.n_device_evidence, VG_MAX_DEVICE_EVIDENCE);
	assert_int_equal(f.device_evidence[0].count, 1);
	assert_null(vg_facts_add_device_evidence(&f));
	assert_int_equal(f.n_device_evidence, VG_MAX_DEVICE_EVIDENCE);
	vg_facts_release(&f);
	json_decref(doc);
}

/* Device strings past the string limit and logins past theirs. */
static void
test_device_limits(void **state)
{
	struct vg_facts f;
	struct vg_err err;
	json_t *doc, *logins;
	char *huge;
	size_t i, n = (1u << 20) + 1;

	(void)state;
	/* A key one byte past the 1 MiB string limit. */
	assert_non_null(huge = malloc(n + 1));
	memset(huge, 'a', n);
	huge[n] = '\0';
	doc = json_pack("{s:s, s:{s:s}}", "schema", VG_FACTS_SCHEMA, "device",
			"key", huge);
	assert_non_null(doc);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "facts.device.key: string too long"));
	vg_facts_release(&f);
	json_decref(doc);
	/* And in a login's user name. */
	doc = json_pack("{s:s, s:{s:s, s:[{s:s, s:s}]}}", "schema",
			VG_FACTS_SCHEMA, "device", "key", "k",
			"cleartext_logins", "protocol", "ftp", "user", huge);
	assert_non_null(doc);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg,
			       "facts.device.cleartext_logins[0]."
			       "user: string too long"));
	vg_facts_release(&f);
	json_decref(doc);
	free(huge);

	/* One login more than a device may hold: refused before reading. */
	assert_non_null(logins = json_array());
	for (i = 0; i <= VG_MAX_DEVICE_LOGINS; i++)
		assert_int_equal(json_array_append_new(
					 logins,
					 json_pack("{s:s, s:s}", "protocol",
						   "telnet", "user", "u")),
				 0);
	doc = json_pack("{s:s, s:{s:s, s:o}}", "schema", VG_FACTS_SCHEMA,
			"device", "key", "k", "cleartext_logins", logins);
	assert_non_null(doc);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg,
			       "facts.device.cleartext_logins: "
			       "more than 4096 items"));
	assert_int_equal(f.n_device_logins, 0);
	vg_facts_release(&f);
	/* Exactly the limit decodes. */
	assert_int_equal(json_array_remove(logins, 0), 0);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_OK);
	assert_int_equal(f.n_device_logins, VG_MAX_DEVICE_LOGINS);
	/* The facts refuse one more login however it comes. */
	assert_null(vg_facts_add_device_login(&f));
	assert_int_equal(f.n_device_logins, VG_MAX_DEVICE_LOGINS);
	vg_facts_release(&f);
	json_decref(doc);
}

/* Members this vigie does not know are ignored; absent ones default. */
static void
test_forward_compatible(void **state)
{
	static const char doc[] =
		"{\"schema\":\"vigie.facts/1\",\"future\":{\"x\":[1,2]},"
		"\"sources\":{\"os\":{\"collected\":true},\"radar\":{}},"
		"\"accounts\":[{\"name\":\"a\",\"uid\":5,\"gid\":5,"
		"\"mfa\":true}],\"backups\":[{\"name\":\"b\"}]}";
	struct vg_facts f;
	struct vg_err err;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_facts_parse(&f, doc, strlen(doc), &err), VG_OK);
	assert_true(f.sources[VG_SRC_OS].collected);
	assert_false(f.sources[VG_SRC_PASSWD].collected);
	assert_int_equal(f.n_accounts, 1);
	assert_int_equal(f.accounts[0].uid, 5);
	assert_int_equal(f.accounts[0].pw, VG_PW_UNKNOWN);
	assert_int_equal(f.accounts[0].last_login, VG_TIME_UNKNOWN);
	/* A document from before "expires" existed: no expiry known. */
	assert_int_equal(f.accounts[0].expires, VG_TIME_UNKNOWN);
	assert_int_equal(f.backups[0].last_success, VG_TIME_UNKNOWN);
	assert_int_equal(f.backups[0].restore_tested, VG_TIME_NEVER);
	assert_int_equal(f.collected_at, VG_TIME_UNKNOWN);
	vg_facts_release(&f);
}

/* A hostile document and what the decoder must say of it. */
struct bad_row {
	const char *name;
	const char *doc;
	enum vg_rc rc;
	const char *msg; /* a substring of the error */
};

#define S "{\"schema\":\"vigie.facts/1\","
#define ACC(x) S "\"accounts\":[{\"name\":\"a\",\"uid\":1,\"gid\":1}," x "]}"
#define DEV(x) S "\"device\":{" x "}}"
#define VULN_DOC(x) S "\"vulnerable_packages\":" x "}"
#define VULN(x) VULN_DOC("[{\"package\":\"a\",\"version\":\"1\"," x "}]")

static const struct bad_row bad_rows[] = {
	{"empty", "", VG_ERR_PARSE, "facts: line"},
	{"truncated", S "\"accounts\":[{\"name\":", VG_ERR_PARSE,
	 "facts: line"},
	{"trailing garbage", S "\"root\":\"/\"} x", VG_ERR_PARSE,
	 "facts: line"},
	{"array root", "[1,2]", VG_ERR_PARSE, "facts: expected an object"},
	{"scalar root", "42", VG_ERR_PARSE, "facts: line"},
	{"no schema", "{\"root\":\"/\"}", VG_ERR_PARSE, "facts.schema"},
	{"wrong schema", "{\"schema\":\"vigie.facts/2\"}", VG_ERR_PARSE,
	 "facts.schema"},
	{"schema not a string", "{\"schema\":1}", VG_ERR_PARSE, "facts.schema"},
	{"duplicate key", S "\"root\":\"/\",\"root\":\"/x\"}", VG_ERR_PARSE,
	 "duplicate"},
	{"NUL in string", S "\"root\":\"a\\u0000b\"}", VG_ERR_PARSE,
	 "facts: line"},
	{"invalid UTF-8", S "\"root\":\"\xff\"}", VG_ERR_PARSE, "facts: line"},
	{"uid as string", ACC("{\"name\":\"b\",\"uid\":\"0\",\"gid\":1}"),
	 VG_ERR_PARSE, "facts.accounts[1].uid: expected an integer"},
	{"negative uid", ACC("{\"name\":\"b\",\"uid\":-1,\"gid\":1}"),
	 VG_ERR_PARSE, "facts.accounts[1].uid: out of range"},
	{"uid too big", ACC("{\"name\":\"b\",\"uid\":4294967296,\"gid\":1}"),
	 VG_ERR_PARSE, "facts.accounts[1].uid: out of range"},
	{"uid real", ACC("{\"name\":\"b\",\"uid\":1.0,\"gid\":1}"),
	 VG_ERR_PARSE, "facts.accounts[1].uid: expected an integer"},
	{"huge number", ACC("{\"name\":\"b\",\"uid\":1e999,\"gid\":1}"),
	 VG_ERR_PARSE, "facts: line"},
	{"huge integer",
	 ACC("{\"name\":\"b\",\"uid\":99999999999999999999999,\"gid\":1}"),
	 VG_ERR_PARSE, "facts: line"},
	{"uid missing", ACC("{\"name\":\"b\",\"gid\":1}"), VG_ERR_PARSE,
	 "facts.accounts[1].uid: missing"},
	{"uid null", ACC("{\"name\":\"b\",\"uid\":null,\"gid\":1}"),
	 VG_ERR_PARSE, "facts.accounts[1].uid: missing"},
	{"name missing", ACC("{\"uid\":1,\"gid\":1}"), VG_ERR_PARSE,
	 "facts.accounts[1].name: missing"},
	{"account not object", ACC("\"root\""), VG_ERR_PARSE,
	 "facts.accounts[1]: expected an object"},
	{"bad password",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"password\":\"plain\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].password"},
	{"bool as int",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"authorized_keys\":1}"),
	 VG_ERR_PARSE, "facts.accounts[1].authorized_keys: expected true"},
	{"never for last_change",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"last_change\":\"never\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].last_change: expected a time"},
	{"never for expires",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"expires\":\"never\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires as days",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,\"expires\":19000}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires as bool",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,\"expires\":false}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires empty string",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,\"expires\":\"\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires date only",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"expires\":\"2024-05-01\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires Feb 30",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"expires\":\"2024-02-30T00:00:00Z\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires before 1970",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"expires\":\"1969-12-31T23:59:59Z\"}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"expires object",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,\"expires\":{}}"),
	 VG_ERR_PARSE, "facts.accounts[1].expires: expected a time"},
	{"time as number",
	 ACC("{\"name\":\"b\",\"uid\":1,\"gid\":1,"
	     "\"last_login\":1700000000}"),
	 VG_ERR_PARSE, "facts.accounts[1].last_login: expected a time"},
	{"Feb 30", S "\"collected_at\":\"2024-02-30T00:00:00Z\"}", VG_ERR_PARSE,
	 "facts.collected_at"},
	{"Feb 29 no leap", S "\"collected_at\":\"2023-02-29T00:00:00Z\"}",
	 VG_ERR_PARSE, "facts.collected_at"},
	{"hour 24", S "\"collected_at\":\"2024-01-01T24:00:00Z\"}",
	 VG_ERR_PARSE, "facts.collected_at"},
	{"second 60", S "\"collected_at\":\"2024-01-01T00:00:60Z\"}",
	 VG_ERR_PARSE, "facts.collected_at"},
	{"no Z", S "\"collected_at\":\"2024-01-01T00:00:00\"}", VG_ERR_PARSE,
	 "facts.collected_at"},
	{"offset", S "\"collected_at\":\"2024-01-01T00:00:00+01:00\"}",
	 VG_ERR_PARSE, "facts.collected_at"},
	{"space", S "\"collected_at\":\"2024-01-01 00:00:00Z\"}", VG_ERR_PARSE,
	 "facts.collected_at"},
	{"signed field", S "\"collected_at\":\"2024-01-01T-1:00:00Z\"}",
	 VG_ERR_PARSE, "facts.collected_at"},
	{"before 1970", S "\"collected_at\":\"1969-12-31T23:59:59Z\"}",
	 VG_ERR_PARSE, "facts.collected_at"},
	{"criticality 5", S "\"asset\":{\"criticality\":5}}", VG_ERR_PARSE,
	 "facts.asset.criticality: out of range"},
	{"negative line", S "\"sshd\":{\"line\":-3}}", VG_ERR_PARSE,
	 "facts.sshd.line: out of range"},
	{"line past int", S "\"sshd\":{\"line\":2147483648}}", VG_ERR_PARSE,
	 "facts.sshd.line: out of range"},
	{"os not object", S "\"os\":[\"debian\"]}", VG_ERR_PARSE,
	 "facts.os: expected an object"},
	{"hostname number", S "\"os\":{\"hostname\":7}}", VG_ERR_PARSE,
	 "facts.os.hostname: expected a string"},
	{"packages object", S "\"packages\":{}}", VG_ERR_PARSE,
	 "facts.packages: expected an array"},
	{"member not string",
	 S "\"groups\":[{\"name\":\"g\",\"gid\":1,"
	   "\"members\":[\"a\",2]}]}",
	 VG_ERR_PARSE, "facts.groups[0].members[1]: expected a string"},
	{"sudo user bad",
	 S "\"sudo_rules\":[{\"users\":[{\"name\":\"a\","
	   "\"negated\":\"no\"}]}]}",
	 VG_ERR_PARSE, "facts.sudo_rules[0].users[0].negated"},
	{"sudo users not array", S "\"sudo_rules\":[{\"users\":\"a\"}]}",
	 VG_ERR_PARSE, "facts.sudo_rules[0].users: expected an array"},
	{"source not object", S "\"sources\":{\"os\":true}}", VG_ERR_PARSE,
	 "facts.sources.os: expected an object"},
	{"collected string", S "\"sources\":{\"os\":{\"collected\":\"yes\"}}}",
	 VG_ERR_PARSE, "facts.sources.os.collected"},
	{"warning not string", S "\"warnings\":[null]}", VG_ERR_PARSE,
	 "facts.warnings[0]: expected a string"},
	{"dropped negative", S "\"warnings_dropped\":-1}", VG_ERR_PARSE,
	 "facts.warnings_dropped"},
	{"n_lists negative", S "\"apt\":{\"n_lists\":-1}}", VG_ERR_PARSE,
	 "facts.apt.n_lists"},
	{"min_length real", S "\"pam\":{\"min_length\":8.5}}", VG_ERR_PARSE,
	 "facts.pam.min_length: expected an integer"},
	{"backup time junk",
	 S "\"backups\":[{\"name\":\"b\","
	   "\"last_success\":\"yesterday\"}]}",
	 VG_ERR_PARSE, "facts.backups[0].last_success"},
	{"service no protocol", S "\"services\":[{\"via\":\"inetd\"}]}",
	 VG_ERR_PARSE,
	 "facts.services[0].protocol: missing"}, /* The device section (a
						    network device recorded as
						    an asset). */
	{"device not object", S "\"device\":[\"aa:bb\"]}", VG_ERR_PARSE,
	 "facts.device: expected an object"},
	{"device key missing", DEV("\"mac\":\"aa:bb:cc:dd:ee:ff\""),
	 VG_ERR_PARSE, "facts.device.key: missing"},
	{"device key null", DEV("\"key\":null"), VG_ERR_PARSE,
	 "facts.device.key: missing"},
	{"device key empty", DEV("\"key\":\"\""), VG_ERR_PARSE,
	 "facts.device.key: empty"},
	{"device key number", DEV("\"key\":42"), VG_ERR_PARSE,
	 "facts.device.key: expected a string"},
	{"device ips array", DEV("\"key\":\"k\",\"ips\":[\"10.0.0.1\"]"),
	 VG_ERR_PARSE, "facts.device.ips: expected a string"},
	{"device confidence string", DEV("\"key\":\"k\",\"confidence\":\"90\""),
	 VG_ERR_PARSE, "facts.device.confidence: expected an integer"},
	{"device confidence 101", DEV("\"key\":\"k\",\"confidence\":101"),
	 VG_ERR_PARSE, "facts.device.confidence: out of range"},
	{"device confidence negative", DEV("\"key\":\"k\",\"confidence\":-1"),
	 VG_ERR_PARSE, "facts.device.confidence: out of range"},
	{"device confidence real", DEV("\"key\":\"k\",\"confidence\":50.5"),
	 VG_ERR_PARSE, "facts.device.confidence: expected an integer"},
	{"device managed_by bool", DEV("\"key\":\"k\",\"managed_by\":false"),
	 VG_ERR_PARSE, "facts.device.managed_by: expected a string"},
	{"device first_seen number",
	 DEV("\"key\":\"k\",\"first_seen\":1700000000"), VG_ERR_PARSE,
	 "facts.device.first_seen: expected a time"},
	{"device last_seen never", DEV("\"key\":\"k\",\"last_seen\":\"never\""),
	 VG_ERR_PARSE, "facts.device.last_seen: expected a time"},
	{"device logins object", DEV("\"key\":\"k\",\"cleartext_logins\":{}"),
	 VG_ERR_PARSE, "facts.device.cleartext_logins: expected an array"},
	{"device login not object",
	 DEV("\"key\":\"k\",\"cleartext_logins\":[\"telnet\"]"), VG_ERR_PARSE,
	 "facts.device.cleartext_logins[0]: expected an object"},
	{"device login no protocol",
	 DEV("\"key\":\"k\",\"cleartext_logins\":[{\"protocol\":"
	     "\"ftp\"},{\"user\":\"root\"}]"),
	 VG_ERR_PARSE, "facts.device.cleartext_logins[1].protocol: missing"},
	{"device login user number",
	 DEV("\"key\":\"k\",\"cleartext_logins\":[{\"protocol\":"
	     "\"ftp\",\"user\":0}]"),
	 VG_ERR_PARSE,
	 "facts.device.cleartext_logins[0].user: expected a string"},
	{"device evidence object", DEV("\"key\":\"k\",\"evidence\":{}"),
	 VG_ERR_PARSE, "facts.device.evidence: expected an array"},
	{"device evidence not object",
	 DEV("\"key\":\"k\",\"evidence\":[\"dhcp\"]"), VG_ERR_PARSE,
	 "facts.device.evidence[0]: expected an object"},
	{"device evidence no source",
	 DEV("\"key\":\"k\",\"evidence\":[{\"attribute\":\"hostname\"}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].source: missing"},
	{"device evidence no attribute",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"dhcp\"}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].attribute: missing"},
	{"device evidence null source",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":null,"
	     "\"attribute\":\"a\"}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].source: missing"},
	{"device evidence value number",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"dhcp\","
	     "\"attribute\":\"hostname\",\"value\":7}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].value: expected a string"},
	{"device evidence value NUL",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"dhcp\","
	     "\"attribute\":\"hostname\",\"value\":\"a\\u0000b\"}]"),
	 VG_ERR_PARSE, "is not allowed without JSON_ALLOW_NUL"},
	{"device evidence detail array",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"dhcp\","
	     "\"attribute\":\"a\",\"detail\":[\"x\"]}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].detail: expected a string"},
	{"device evidence weight above 100",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"weight\":101}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].weight: out of range"},
	{"device evidence negative weight",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"weight\":-1}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].weight: out of range"},
	{"device evidence negative count",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"count\":-5}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].count: out of range"},
	{"device evidence count overflowing",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"count\":99999999999999999999}]"),
	 VG_ERR_PARSE, "facts: line"},
	{"device evidence count real",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"count\":1.5}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].count: expected an integer"},
	{"device evidence first_seen number",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"first_seen\":1700000000}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].first_seen: expected a time"},
	{"device evidence last_seen impossible date",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\",\"last_seen\":\"2024-02-30T00:00:00Z\"}]"),
	 VG_ERR_PARSE, "facts.device.evidence[0].last_seen: expected a time"},
	{"device evidence second item bad",
	 DEV("\"key\":\"k\",\"evidence\":[{\"source\":\"s\","
	     "\"attribute\":\"a\"},{\"source\":\"s\"}]"),
	 VG_ERR_PARSE, "facts.device.evidence[1].attribute: missing"},
	{"vulnerable packages not an array", VULN_DOC("{}"), VG_ERR_PARSE,
	 "facts.vulnerable_packages: expected an array"},
	{"vulnerable package not an object", VULN_DOC("[\"openssl\"]"),
	 VG_ERR_PARSE, "facts.vulnerable_packages[0]: expected an object"},
	{"vulnerable package no name",
	 VULN_DOC("[{\"version\":\"1\",\"status\":\"no-fix-yet\"}]"),
	 VG_ERR_PARSE, "facts.vulnerable_packages[0].package: missing"},
	{"vulnerable package no status",
	 VULN_DOC("[{\"package\":\"a\",\"version\":\"1\"}]"), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].status: missing"},
	{"vulnerable package bad status", VULN("\"status\":\"fixed\""),
	 VG_ERR_PARSE, "facts.vulnerable_packages[0].status: expected"},
	{"vulnerable package bad urgency",
	 VULN("\"status\":\"no-fix-yet\",\"urgency\":\"low**\""), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].urgency: expected"},
	{"vulnerable package cvss too high",
	 VULN("\"status\":\"no-fix-yet\",\"cvss\":10.1"), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].cvss: out of range"},
	{"vulnerable package negative cvss",
	 VULN("\"status\":\"no-fix-yet\",\"cvss\":-1"), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].cvss: out of range"},
	{"vulnerable package epss as string",
	 VULN("\"status\":\"no-fix-yet\",\"epss\":\"0.5\""), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].epss: expected a number"},
	{"vulnerable package epss above 1",
	 VULN("\"status\":\"no-fix-yet\",\"epss\":1.5"), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].epss: out of range"},
	{"vulnerable package negative count",
	 VULN("\"status\":\"no-fix-yet\",\"n_ids\":-1"), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].n_ids: out of range"},
	{"vulnerable package more kev than ids",
	 VULN("\"status\":\"no-fix-yet\",\"n_ids\":1,\"n_kev\":2"),
	 VG_ERR_PARSE, "facts.vulnerable_packages[0].n_kev: more than n_ids"},
	{"vulnerable package ransomware string",
	 VULN("\"status\":\"no-fix-yet\",\"ransomware\":\"yes\""), VG_ERR_PARSE,
	 "facts.vulnerable_packages[0].ransomware: expected"},
};

/* Decode every row into facts that already hold data: on error they
 * must come back empty. */
static void
test_hostile_table(void **state)
{
	struct vg_facts f;
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(bad_rows); i++) {
		const struct bad_row *b = &bad_rows[i];
		enum vg_rc rc;

		vg_facts_init(&f);
		fill_rich(&f);
		vg_err_clear(&err);
		rc = vg_facts_parse(&f, b->doc, strlen(b->doc), &err);
		if (rc != b->rc || strstr(err.msg, b->msg) == NULL)
			fail_msg("row '%s': rc %d, message '%s'", b->name,
				 (int)rc, err.msg);
		assert_int_equal(f.n_accounts, 0);
		assert_null(f.os.hostname);
		assert_int_equal(f.collected_at, VG_TIME_UNKNOWN);
		vg_facts_release(&f);
	}
}

/* Nesting: 32 levels are fine, 33 are not, even in an unknown member. */
static void
test_depth(void **state)
{
	struct vg_facts f;
	struct vg_err err;
	char doc[4096];
	size_t n;
	int levels, i;

	(void)state;
	for (levels = 32; levels <= 33; levels++) {
		/* The root object is level 1; "x" holds levels - 1 arrays. */
		n = (size_t)snprintf(doc, sizeof(doc), S "\"x\":");
		for (i = 0; i < levels - 1; i++)
			doc[n++] = '[';
		for (i = 0; i < levels - 1; i++)
			doc[n++] = ']';
		doc[n++] = '}';
		doc[n] = '\0';
		vg_facts_init(&f);
		vg_err_clear(&err);
		if (levels == 32) {
			assert_int_equal(vg_facts_parse(&f, doc, n, &err),
					 VG_OK);
		} else {
			assert_int_equal(vg_facts_parse(&f, doc, n, &err),
					 VG_ERR_LIMIT);
			assert_non_null(strstr(err.msg, "deeper"));
		}
		vg_facts_release(&f);
	}
	/* Far deeper than jansson's own limit: refused, no crash. */
	{
		size_t deep = 100000;
		char *big = malloc(2 * deep + 1);

		assert_non_null(big);
		memset(big, '[', deep);
		memset(big + deep, ']', deep);
		vg_facts_init(&f);
		assert_int_not_equal(vg_facts_parse(&f, big, 2 * deep, &err),
				     VG_OK);
		vg_facts_release(&f);
		free(big);
	}
}

/* Size: refused before a byte is read (the buffer is not that long). */
static void
test_too_big(void **state)
{
	struct vg_facts f;
	struct vg_err err;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(
		vg_facts_parse(&f, "{}", (size_t)VG_MAX_JSON_DOC + 1, &err),
		VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "larger"));
	vg_facts_release(&f);
}

/* A string built in memory with a NUL (not from text) is refused too. */
static void
test_nul_in_json_value(void **state)
{
	struct vg_facts f;
	struct vg_err err;
	json_t *doc;

	(void)state;
	doc = json_pack("{s:s, s:o}", "schema", VG_FACTS_SCHEMA, "root",
			json_stringn("a\0b", 3));
	assert_non_null(doc);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "facts.root"));
	vg_facts_release(&f);
	json_decref(doc);
}

/* Arrays past their limit are refused before items are read. */
static void
test_too_many_members(void **state)
{
	struct vg_facts f;
	struct vg_err err;
	json_t *doc, *members;
	size_t i;

	(void)state;
	members = json_array();
	for (i = 0; i <= VG_MAX_LIST_ITEMS; i++)
		json_array_append_new(members, json_string("u"));
	doc = json_pack("{s:s, s:[{s:s, s:i, s:o}]}", "schema", VG_FACTS_SCHEMA,
			"groups", "name", "g", "gid", 1, "members", members);
	assert_non_null(doc);
	vg_facts_init(&f);
	assert_int_equal(vg_facts_from_json(&f, doc, &err), VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "facts.groups[0].members"));
	vg_facts_release(&f);
	json_decref(doc);
}

/* The text writer and the tree builder give the same document. */
static void
test_text_equals_tree(void **state)
{
	struct vg_facts f, g;
	struct vg_err err;
	struct vg_buf b;
	json_t *tree, *text;

	(void)state;
	vg_facts_init(&f);
	fill_rich(&f);
	/* Every byte that needs escaping or replacing. */
	vg_facts_warn(&f,
		      "ctl \x01\x1f\x7f \n\r\b\f / \"q\" \\ "
		      "\xc3\xa9 \xe9 \xf0\x9f\x98\x80 \xc0\x80 "
		      "\xf4\x90\x80\x80 \xe2\x82");
	f.os.id_like = vg_facts_str(&f, "debian\tubuntu");
	assert_non_null(tree = vg_facts_to_json(&f));
	vg_buf_init(&b, VG_MAX_JSON_DOC);
	assert_int_equal(vg_facts_write(&f, &b), VG_OK);
	text = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(text);
	assert_true(json_equal(tree, text));
	/* And it decodes like any document. */
	vg_facts_init(&g);
	assert_int_equal(vg_facts_parse(&g, b.data, b.len, &err), VG_OK);
	assert_string_equal(g.os.id_like, "debian\tubuntu");
	vg_facts_release(&g);
	json_decref(tree);
	json_decref(text);
	vg_buf_release(&b);
	vg_facts_release(&f);
}

/* A writer past its buffer's ceiling fails and leaves it untouched. */
static void
test_text_limit(void **state)
{
	struct vg_facts f;
	struct vg_buf b;

	(void)state;
	vg_facts_init(&f);
	fill_rich(&f);
	vg_buf_init(&b, 1024);
	assert_int_equal(vg_buf_adds(&b, "prefix"), VG_OK);
	assert_int_equal(vg_facts_write(&f, &b), VG_ERR_LIMIT);
	assert_string_equal(vg_buf_str(&b), "prefix");
	vg_buf_release(&b);
	vg_facts_release(&f);
}

/* The one UTF-8 decoder (util/utf8.c): as strict as jansson. */
static void
test_utf8_seq(void **state)
{
	static const struct {
		const char *name, *s;
		size_t n, len; /* bytes given, sequence length (0: invalid) */
	} rows[] = {
		{"ascii", "a", 1, 1},
		{"nul byte", "\0", 1, 1},
		{"two bytes", "\xc3\xa9", 2, 2},
		{"three bytes", "\xe2\x82\xac", 3, 3},
		{"four bytes", "\xf0\x9f\x98\x80", 4, 4},
		{"last code point", "\xf4\x8f\xbf\xbf", 4, 4},
		{"lone continuation", "\x80", 1, 0},
		{"overlong 2-byte lead", "\xc0\x80", 2, 0},
		{"overlong 3-byte", "\xe0\x80\x80", 3, 0},
		{"overlong 4-byte", "\xf0\x8f\xbf\xbf", 4, 0},
		{"surrogate", "\xed\xa0\x80", 3, 0},
		{"past U+10FFFF", "\xf4\x90\x80\x80", 4, 0},
		{"lead past f4", "\xf5\x80\x80\x80", 4, 0},
		{"truncated by n", "\xe2\x82\xac", 2, 0},
		{"bad continuation", "\xe2\x28\xac", 3, 0},
		{"latin-1", "\xe9t\xe9", 3, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		if (vg_utf8_seq(rows[i].s, rows[i].n) != rows[i].len)
			fail_msg("%s: got %zu", rows[i].name,
				 vg_utf8_seq(rows[i].s, rows[i].n));
		/* A row of one whole sequence is valid exactly when it is
		 * that long. */
		assert_int_equal(vg_utf8_valid(rows[i].s, rows[i].n),
				 rows[i].len == rows[i].n);
	}
	assert_true(vg_utf8_valid("", 0));
	assert_true(vg_utf8_valid("h\xc3\xa9l\xc3\xa8ne", 8));
	assert_false(vg_utf8_valid("h\xc3\xa9l\xe8ne", 7));
}

/* vg_json_str keeps valid text and turns each bad byte into U+FFFD. */
static void
test_json_str(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{"", ""},
		{"plain", "plain"},
		{"h\xc3\xa9l\xc3\xa8ne", "h\xc3\xa9l\xc3\xa8ne"},
		{"h\xe9l\xe8ne", "h\xef\xbf\xbdl\xef\xbf\xbdne"},
		{"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xff\xc3\xa9", "\xef\xbf\xbd\xc3\xa9"},
	};
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_non_null(j = vg_json_str(rows[i].in));
		assert_string_equal(json_string_value(j), rows[i].out);
		json_decref(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_empty),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_non_utf8),
		cmocka_unit_test(test_forward_compatible),
		cmocka_unit_test(test_device_round_trip),
		cmocka_unit_test(test_device_absent),
		cmocka_unit_test(test_device_limits),
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_vuln_round_trip),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_nul_in_json_value),
		cmocka_unit_test(test_too_many_members),
		cmocka_unit_test(test_text_equals_tree),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_utf8_seq),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_vuln_pretty),
		cmocka_unit_test(test_vuln_pretty_hostile),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_pretty_write_error),
		cmocka_unit_test(test_device_evidence_absent),
		cmocka_unit_test(test_device_evidence_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
