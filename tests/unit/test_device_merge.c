/*
 * Devices merged over time (issue 4): vg_device_facts_merge, the pure
 * union of a device's facts with those recorded before, and the store's
 * device_facts, which reads them back.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/facts.h"
#include "discover/devices.h"
#include "store/store.h"
#include "util/banned.h"

#define KEY "00:1b:2c:3d:4e:5f"
#define T0 INT64_C(1709296496)

/* A device's facts: key, name, addresses, times. */
static void
device(struct vg_facts *f, const char *key, const char *name, const char *ips,
       int64_t first, int64_t last)
{
	vg_facts_init(f);
	vg_facts_collected(f, VG_SRC_DEVICE);
	f->collected_at = last;
	f->device.key = vg_facts_str(f, key);
	f->device.mac = f->device.key;
	f->device.name = vg_facts_str(f, name);
	f->device.ips = vg_facts_str(f, ips);
	f->device.sensor = vg_facts_str(f, "local");
	f->device.first_seen = first;
	f->device.last_seen = last;
	f->os.hostname = f->device.key;
}

static struct vg_device_evidence *
evidence(struct vg_facts *f, const char *src, const char *attr,
	 const char *value, const char *detail, int weight, int64_t count,
	 int64_t first, int64_t last)
{
	struct vg_device_evidence *e = vg_facts_add_device_evidence(f);

	assert_non_null(e);
	e->source = vg_facts_str(f, src);
	e->attribute = vg_facts_str(f, attr);
	e->value = vg_facts_str(f, value);
	e->detail = vg_facts_str(f, detail);
	e->weight = weight;
	e->count = count;
	e->first_seen = first;
	e->last_seen = last;
	return e;
}

static void
login(struct vg_facts *f, const char *proto, const char *user)
{
	struct vg_device_login *l = vg_facts_add_device_login(f);

	assert_non_null(l);
	l->protocol = vg_facts_str(f, proto);
	l->user = vg_facts_str(f, user);
}

/* The evidence item of now with these keys, or NULL. */
static const struct vg_device_evidence *
find(const struct vg_facts *f, const char *attr, const char *value,
     const char *detail)
{
	size_t i;

	for (i = 0; i < f->n_device_evidence; i++) {
		const struct vg_device_evidence *e = &f->device_evidence[i];

		if (strcmp(e->attribute, attr) == 0 &&
		    (e->value == value ||
		     (e->value && value && !strcmp(e->value, value))) &&
		    (e->detail == detail ||
		     (e->detail && detail && !strcmp(e->detail, detail))))
			return e;
	}
	return NULL;
}

/* The union: times widened, addresses, evidence and logins joined. */
static void
test_merge_union(void **state)
{
	const struct vg_device_evidence *e;
	struct vg_facts now, before;

	(void)state;
	device(&now, KEY, "pump-7", "10.0.0.5,10.0.0.6", T0, T0 + 100);
	device(&before, KEY, "old-name", "10.0.0.6,10.0.0.9", T0 - 86400,
	       T0 - 3600);
	/* The same item in both, another only before, one only now. */
	evidence(&now, "dhcp", "hostname", "pump-7", NULL, 40, 3, T0, T0 + 50);
	evidence(&before, "dhcp", "hostname", "pump-7", NULL, 60, 5, T0 - 86400,
		 T0 - 3600);
	evidence(&before, "dhcp", "vendor_class", "BBraun", "opt60", 70, 2,
		 T0 - 7200, T0 - 7000);
	evidence(&now, "lldp", "model", "Space", NULL, 50, 1, T0, T0);
	/* Same value, another detail: another item. */
	evidence(&before, "lldp", "model", "Space", "rev B", 50, 1, T0 - 10,
		 T0 - 10);
	login(&now, "telnet", "admin");
	login(&before, "telnet", "admin");
	login(&before, "ftp", NULL);

	vg_device_facts_merge(&now, &before);
	assert_int_equal(now.device.first_seen, T0 - 86400);
	assert_int_equal(now.device.last_seen, T0 + 100);
	assert_int_equal(now.collected_at, T0 + 100);
	assert_string_equal(now.device.name, "pump-7");
	assert_string_equal(now.device.ips, "10.0.0.5,10.0.0.6,10.0.0.9");
	assert_int_equal(now.n_device_evidence, 4);
	assert_non_null(e = find(&now, "hostname", "pump-7", NULL));
	assert_int_equal(e->count, 8);
	assert_int_equal(e->weight, 60);
	assert_int_equal(e->first_seen, T0 - 86400);
	assert_int_equal(e->last_seen, T0 + 50);
	assert_non_null(e = find(&now, "vendor_class", "BBraun", "opt60"));
	assert_string_equal(e->source, "dhcp");
	assert_int_equal(e->count, 2);
	assert_int_equal(e->weight, 70);
	assert_non_null(find(&now, "model", "Space", NULL));
	assert_non_null(e = find(&now, "model", "Space", "rev B"));
	assert_int_equal(e->first_seen, T0 - 10);
	assert_int_equal(now.n_device_logins, 2);
	assert_string_equal(now.device_logins[1].protocol, "ftp");
	assert_null(now.device_logins[1].user);
	/* What came from before lives in now's arena: before can go. */
	vg_facts_release(&before);
	assert_string_equal(now.device_evidence[2].value, "BBraun");
	vg_facts_release(&now);
}

/* Table: the name, times and addresses, edge by edge. */
static void
test_merge_fields(void **state)
{
	static const struct {
		const char *what;
		const char *now_name, *before_name, *name;
		const char *now_ips, *before_ips, *ips;
		int64_t nf, nl, bf, bl, first, last;
	} rows[] = {
		{"name kept from now", "a", "b", "a", NULL, NULL, NULL, 10, 20,
		 5, 15, 5, 20},
		{"now named by its key only", KEY, "pump", "pump", NULL, NULL,
		 NULL, 10, 20, 30, 40, 10, 40},
		{"now's name empty", "", "pump", "pump", "10.0.0.1", NULL,
		 "10.0.0.1", -1, -1, 30, 40, 30, 40},
		{"before's name empty too", "", "", "", "10.0.0.1", "",
		 "10.0.0.1", 10, 20, -1, -1, 10, 20},
		{"addresses only before", "a", NULL, "a", NULL,
		 "10.0.0.1,fe80::1", "10.0.0.1,fe80::1", 10, 20, 10, 20, 10,
		 20},
		{"an address prefix is not the address", "a", NULL, "a",
		 "10.0.0.1", "10.0.0.10,10.0.0.1", "10.0.0.1,10.0.0.10", 10, 20,
		 10, 20, 10, 20},
		{"hostile addresses skipped", "a", NULL, "a", "10.0.0.1",
		 ",,,10.0.0.2,,"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		 "10.0.0.1,10.0.0.2", 10, 20, 10, 20, 10, 20},
	};
	struct vg_facts now, before;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		device(&now, KEY, rows[i].now_name, rows[i].now_ips, rows[i].nf,
		       rows[i].nl);
		device(&before, KEY, rows[i].before_name, rows[i].before_ips,
		       rows[i].bf, rows[i].bl);
		vg_device_facts_merge(&now, &before);
		if (strcmp(now.device.name, rows[i].name) != 0 ||
		    !((now.device.ips == NULL && rows[i].ips == NULL) ||
		      (now.device.ips && rows[i].ips &&
		       !strcmp(now.device.ips, rows[i].ips))) ||
		    now.device.first_seen != rows[i].first ||
		    now.device.last_seen != rows[i].last)
			fail_msg("row '%s': name '%s' ips '%s' %lld-%lld",
				 rows[i].what, now.device.name,
				 now.device.ips ? now.device.ips : "(null)",
				 (long long)now.device.first_seen,
				 (long long)now.device.last_seen);
		vg_facts_release(&before);
		vg_facts_release(&now);
	}
}

/* Another device's facts, or host facts, are not merged. */
static void
test_merge_other_device(void **state)
{
	struct vg_facts now, before;

	(void)state;
	device(&now, KEY, "a", "10.0.0.1", 10, 20);
	device(&before, "aa:aa:aa:aa:aa:aa", "b", "10.0.0.2", 1, 30);
	evidence(&before, "dhcp", "hostname", "b", NULL, 10, 1, 1, 1);
	vg_device_facts_merge(&now, &before);
	assert_string_equal(now.device.ips, "10.0.0.1");
	assert_int_equal(now.device.first_seen, 10);
	assert_int_equal(now.n_device_evidence, 0);
	vg_facts_release(&before);
	/* Host facts: no device section. */
	vg_facts_init(&before);
	before.device.first_seen = 1;
	vg_device_facts_merge(&now, &before);
	assert_int_equal(now.device.first_seen, 10);
	vg_facts_release(&before);
	vg_facts_release(&now);
}

/* Counts saturate; the union stops at the caps; the address list at
 * VG_DEV_MAX_IPS. */
static void
test_merge_caps(void **state)
{
	struct vg_facts now, before;
	char v[32], ips[1024];
	size_t i, len = 0, commas = 0;

	(void)state;
	ips[0] = '\0';
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(ips + len, sizeof(ips) - len,
					"%s10.0.1.%zu", i ? "," : "", i);
	device(&now, KEY, "a", "10.0.0.1", 10, 20);
	device(&before, KEY, "a", ips, 10, 20);
	evidence(&now, "s", "a", "x", NULL, 10, INT64_MAX - 1, 1, 1);
	evidence(&before, "s", "a", "x", NULL, 10, 5, 1, 1);
	for (i = 0; i + 1 < VG_MAX_DEVICE_EVIDENCE; i++) {
		(void)snprintf(v, sizeof(v), "v%zu", i);
		evidence(&before, "s", "b", v, NULL, 1, 1, 1, 1);
	}
	for (i = 0; i < VG_MAX_DEVICE_LOGINS; i++) {
		(void)snprintf(v, sizeof(v), "u%zu", i);
		login(&before, "ftp", v);
	}
	login(&now, "telnet", NULL);
	/* One more of each in now: the union overflows the caps. */
	evidence(&now, "s", "c", "only-now", NULL, 1, 1, 1, 1);
	vg_device_facts_merge(&now, &before);
	assert_true(now.device_evidence[0].count == INT64_MAX);
	assert_int_equal(now.n_device_evidence, VG_MAX_DEVICE_EVIDENCE);
	assert_int_equal(now.n_device_logins, VG_MAX_DEVICE_LOGINS);
	assert_string_equal(now.device_logins[0].protocol, "telnet");
	for (i = 0; now.device.ips[i] != '\0'; i++)
		commas += now.device.ips[i] == ',';
	assert_int_equal(commas + 1, VG_DEV_MAX_IPS);
	assert_true(strncmp(now.device.ips, "10.0.0.1,10.0.1.0,", 18) == 0);
	vg_facts_release(&before);
	vg_facts_release(&now);
}

/* A store in a temporary directory. */
struct fx {
	char *dir;
	char path[4096];
	struct vg_store *s;
};

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	if (fx == NULL || (fx->dir = vg_test_tmpdir()) == NULL)
		return -1;
	(void)snprintf(fx->path, sizeof(fx->path), "%s/vigie.db", fx->dir);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		return -1;
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	vg_store_free(fx->s);
	vg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static void
put(struct vg_store *s, const struct vg_facts *f)
{
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	vg_report_init(&r);
	assert_int_equal(vg_store_put_scan(s, f, &r, &id, &err), VG_OK);
	vg_report_release(&r);
}

/* The latest stored facts of a device, NOTFOUND when none, never a
 * host's. */
static void
test_store_device_facts(void **state)
{
	struct fx *fx = *state;
	struct vg_facts f, got;
	struct vg_err err;

	vg_facts_init(&got);
	assert_int_equal(vg_store_device_facts(fx->s, KEY, &got, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_device_facts(fx->s, "", &got, &err),
			 VG_ERR_USAGE);
	device(&f, KEY, "first", "10.0.0.1", T0 - 100, T0 - 50);
	evidence(&f, "dhcp", "hostname", "first", "a | <b>", 40, 2, T0 - 100,
		 T0 - 50);
	put(fx->s, &f);
	vg_facts_release(&f);
	device(&f, KEY, "second", "10.0.0.2", T0, T0 + 10);
	put(fx->s, &f);
	vg_facts_release(&f);
	assert_int_equal(vg_store_device_facts(fx->s, KEY, &got, &err), VG_OK);
	assert_true(vg_facts_is_device(&got));
	assert_string_equal(got.device.name, "second");
	assert_int_equal(got.device.last_seen, T0 + 10);
	vg_facts_release(&got);

	/* A host scan under a name is not a device of that name. */
	vg_facts_init(&f);
	vg_facts_collected(&f, VG_SRC_OS);
	f.collected_at = T0;
	f.os.hostname = vg_facts_str(&f, "10.9.9.9");
	put(fx->s, &f);
	vg_facts_release(&f);
	vg_facts_init(&got);
	assert_int_equal(vg_store_device_facts(fx->s, "10.9.9.9", &got, &err),
			 VG_ERR_NOTFOUND);
	vg_facts_release(&got);
}

/* Recording as discover does (read, merge, record) twice: the second
 * record holds the union, and reading it back gives it whole. */
static void
test_store_merge_twice(void **state)
{
	struct fx *fx = *state;
	struct vg_facts f, before;
	struct vg_err err;
	const struct vg_device_evidence *e;
	int round;

	for (round = 0; round < 2; round++) {
		if (round == 0) {
			device(&f, KEY, KEY, "10.0.0.1", T0, T0 + 5);
			evidence(&f, "arp", "mac_ip", "10.0.0.1", NULL, 10, 4,
				 T0, T0 + 5);
		} else {
			/* An older capture, heard after. */
			device(&f, KEY, "pump-7", "10.0.0.2", T0 - 3600,
			       T0 - 3000);
			evidence(&f, "dhcp", "hostname", "pump-7", NULL, 40, 1,
				 T0 - 3600, T0 - 3600);
			evidence(&f, "arp", "mac_ip", "10.0.0.1", NULL, 10, 2,
				 T0 - 3500, T0 - 3000);
		}
		vg_facts_init(&before);
		if (vg_store_device_facts(fx->s, KEY, &before, &err) == VG_OK)
			vg_device_facts_merge(&f, &before);
		vg_facts_release(&before);
		put(fx->s, &f);
		vg_facts_release(&f);
	}
	vg_facts_init(&f);
	assert_int_equal(vg_store_device_facts(fx->s, KEY, &f, &err), VG_OK);
	assert_string_equal(f.device.name, "pump-7");
	assert_string_equal(f.device.ips, "10.0.0.2,10.0.0.1");
	assert_int_equal(f.device.first_seen, T0 - 3600);
	assert_int_equal(f.device.last_seen, T0 + 5);
	assert_int_equal(f.n_device_evidence, 2);
	assert_non_null(e = find(&f, "mac_ip", "10.0.0.1", NULL));
	assert_int_equal(e->count, 6);
	assert_int_equal(e->first_seen, T0 - 3500);
	assert_int_equal(e->last_seen, T0 + 5);
	assert_non_null(find(&f, "hostname", "pump-7", NULL));
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_union),
		cmocka_unit_test(test_merge_fields),
		cmocka_unit_test(test_merge_other_device),
		cmocka_unit_test(test_merge_caps),
		cmocka_unit_test_setup_teardown(test_store_device_facts,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_merge_twice,
						fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
