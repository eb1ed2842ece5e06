/*
 * respond/isolate: the nftables ruleset text (IPv4, IPv6, refused
 * addresses and ports) and agent/isolation_state: isolation.json round
 * trip and damaged files. nft itself is not run here (see
 * tests/integration/isolation.sh).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "agent/isolation_state.h"
#include "agent/upload.h"
#include "respond/isolate.h"
#include "util/buf.h"

static void
check_common(const char *t)
{
	const char *decl, *del, *full;

	/* One transaction: declare, delete, re-create, in that order. */
	decl = strstr(t, "\ntable inet vigie_isolation\n");
	del = strstr(t, "\ndelete table inet vigie_isolation\n");
	full = strstr(t, "\ntable inet vigie_isolation {\n");
	assert_non_null(decl);
	assert_non_null(del);
	assert_non_null(full);
	assert_true(decl < del && del < full);
	assert_non_null(strstr(t,
			       "type filter hook input priority -200; "
			       "policy drop;"));
	assert_non_null(strstr(t,
			       "type filter hook output priority -200; "
			       "policy drop;"));
	assert_non_null(strstr(t, "iif \"lo\" accept"));
	assert_non_null(strstr(t, "oif \"lo\" accept"));
	/* Nothing but these two tables' chains. */
	assert_null(strstr(t, "flush ruleset"));
}

static void
test_ipv4(void **state)
{
	struct vg_buf b;
	struct vg_err err;

	(void)state;
	vg_err_clear(&err);
	vg_buf_init(&b, VG_ISOLATE_RULESET_MAX);
	assert_int_equal(vg_isolate_ruleset("10.20.0.2", 8443, &b, &err),
			 VG_OK);
	check_common(b.data);
	assert_non_null(strstr(b.data,
			       "ip saddr 10.20.0.2 tcp sport 8443 "
			       "tcp flags & (syn | ack) != syn "
			       "accept"));
	assert_non_null(strstr(b.data,
			       "ip daddr 10.20.0.2 tcp dport 8443 "
			       "accept"));
	assert_null(strstr(b.data, "ip6 "));
	assert_null(strstr(b.data, "icmpv6"));
	vg_buf_release(&b);
}

static void
test_ipv6(void **state)
{
	struct vg_buf b;
	struct vg_err err;

	(void)state;
	vg_err_clear(&err);
	vg_buf_init(&b, VG_ISOLATE_RULESET_MAX);
	/* Written long: the ruleset has the canonical form. */
	assert_int_equal(
		vg_isolate_ruleset("fd00:0:0:0:0:0:0:2", 443, &b, &err), VG_OK);
	check_common(b.data);
	assert_non_null(strstr(b.data, "ip6 saddr fd00::2 tcp sport 443 "));
	assert_non_null(strstr(b.data,
			       "ip6 daddr fd00::2 tcp dport 443 "
			       "accept"));
	assert_non_null(strstr(b.data, "nd-neighbor-solicit"));
	/* An off-link server stays reachable: router advertisements in,
	 * router solicitations out, "packet too big" in. */
	assert_non_null(strstr(b.data, "nd-router-advert"));
	assert_non_null(strstr(b.data, "nd-router-solicit"));
	assert_non_null(strstr(b.data, "packet-too-big"));
	assert_null(strstr(b.data, "ip saddr"));
	vg_buf_release(&b);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *ip;
		long port;
	} rows[] = {
		{"vigie.example", 8443}, /* a name: never resolved here */
		{"10.0.0.2; flush ruleset", 8443},
		{"10.0.0.2\n", 8443},
		{"10.0.0.256", 8443},
		{"10.0.0.2/24", 8443},
		{"[fd00::2]", 8443},
		{"", 8443},
		{"10.0.0.2", 0},
		{"10.0.0.2", 65536},
		{"10.0.0.2", -1},
		{"fd00::2%eth0", 443},
		{"1111:2222:3333:4444:5555:6666:7777:8888:9999", 443},
	};
	struct vg_buf b;
	struct vg_err err;
	size_t i;

	(void)state;
	vg_buf_init(&b, VG_ISOLATE_RULESET_MAX);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		assert_int_equal(
			vg_isolate_ruleset(rows[i].ip, rows[i].port, &b, &err),
			VG_ERR_USAGE);
		assert_int_equal(b.len, 0);
		assert_true(err.msg[0] != '\0');
	}
	assert_int_equal(vg_isolate_ruleset(NULL, 443, &b, &err), VG_ERR_USAGE);
	vg_buf_release(&b);
}

static void
test_state_round_trip(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_isolation_state s, t;
	struct vg_err err;
	struct stat st;
	char path[4096];

	(void)state;
	vg_err_clear(&err);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vg_isolation_state_load(dir, &t, &err),
			 VG_ERR_NOTFOUND);
	(void)snprintf(s.server_ip, sizeof(s.server_ip), "fd00::2");
	s.server_port = 8443;
	s.task_id = 12;
	s.incident_id = 3;
	s.applied_at = 1700000000;
	assert_int_equal(vg_isolation_state_save(dir, &s, &err), VG_OK);
	(void)snprintf(path, sizeof(path), "%s/isolation.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(vg_isolation_state_load(dir, &t, &err), VG_OK);
	assert_string_equal(t.server_ip, "fd00::2");
	assert_int_equal(t.server_port, 8443);
	assert_int_equal(t.task_id, 12);
	assert_int_equal(t.incident_id, 3);
	assert_int_equal(t.applied_at, 1700000000);
	assert_int_equal(vg_isolation_state_remove(dir, &err), VG_OK);
	assert_int_equal(vg_isolation_state_load(dir, &t, &err),
			 VG_ERR_NOTFOUND);
	/* Removing twice is fine: already released. */
	assert_int_equal(vg_isolation_state_remove(dir, &err), VG_OK);
	/* A bad address is never written. */
	(void)snprintf(s.server_ip, sizeof(s.server_ip), "vigie.example");
	assert_int_equal(vg_isolation_state_save(dir, &s, &err), VG_ERR_USAGE);
	assert_int_equal(stat(path, &st), -1);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_state_damaged(void **state)
{
	static const char *const rows[] = {
		"",
		"{",
		"[]",
		"{\"server_ip\":\"10.0.0.2\"}",
		"{\"server_ip\":\"10.0.0.2\",\"server_port\":0}",
		"{\"server_ip\":\"10.0.0.2\",\"server_port\":70000}",
		"{\"server_ip\":\"10.0.0.2\",\"server_port\":\"8443\"}",
		"{\"server_ip\":\"host; flush ruleset\",\"server_port\":1}",
		"{\"server_ip\":10,\"server_port\":8443}",
		"{\"server_ip\":\"10.0.0.2\",\"server_port\":8443,"
		"\"task_id\":-4}",
		"{\"server_ip\":\"10.0.0.2\",\"server_port\":8443,"
		"\"server_port\":1}",
		"{\"server_ip\":\"10.0.0.2\0\",\"server_port\":8443}",
	};
	char *dir = vg_test_tmpdir();
	struct vg_isolation_state t;
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		vg_test_write(dir, "isolation.json", rows[i]);
		assert_int_equal(vg_isolation_state_load(dir, &t, &err),
				 VG_ERR_PARSE);
		assert_non_null(strstr(err.msg, "isolation.json"));
		assert_string_equal(t.server_ip, "");
	}
	vg_test_rmtree(dir);
	free(dir);
}

/* The pin of the server's name to the isolation's address: the entry
 * dropping an older pin first, IPv6 in brackets, only the drop without
 * an address. */
static void
test_resolve_list(void **state)
{
	struct curl_slist *l;

	(void)state;
	l = vg_agent_resolve_list("vigie.chu.fr", 8443, "10.0.0.1");
	assert_non_null(l);
	assert_string_equal(l->data, "-vigie.chu.fr:8443");
	assert_non_null(l->next);
	assert_string_equal(l->next->data, "vigie.chu.fr:8443:10.0.0.1");
	assert_null(l->next->next);
	curl_slist_free_all(l);

	l = vg_agent_resolve_list("vigie.chu.fr", 443, "fd00::1");
	assert_string_equal(l->next->data, "vigie.chu.fr:443:[fd00::1]");
	curl_slist_free_all(l);

	l = vg_agent_resolve_list("vigie.chu.fr", 443, NULL);
	assert_string_equal(l->data, "-vigie.chu.fr:443");
	assert_null(l->next);
	curl_slist_free_all(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_damaged),
		cmocka_unit_test(test_resolve_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
