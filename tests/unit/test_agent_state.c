/* agent/state: agent.json round trip and checks; interval and backoff. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "agent/agent.h"
#include "agent/state.h"

#define SECRET                                                                 \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define AGENT "6f1c2a4e-9b1d-4c3e-8f7a-1234567890ab"

static void
test_round_trip(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_agent_state s, t;
	struct vg_err err;
	struct stat st;
	char path[4096];

	(void)state;
	vg_err_clear(&err);
	vg_agent_state_init(&s);
	s.server = strdup("https://vigie.chu-exemple.fr:8443");
	s.pin = strdup("sha256//AbCd+/ef=");
	s.agent_id = strdup(AGENT);
	s.secret = strdup(SECRET);
	s.site = strdup("Hôpital Nord");
	assert_int_equal(vg_agent_state_save(&s, dir, &err), VG_OK);
	(void)snprintf(path, sizeof(path), "%s/agent.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(vg_agent_state_load(&t, dir, &err), VG_OK);
	assert_string_equal(t.server, s.server);
	assert_string_equal(t.pin, s.pin);
	assert_string_equal(t.agent_id, s.agent_id);
	assert_string_equal(t.secret, s.secret);
	assert_string_equal(t.site, s.site);
	vg_agent_state_release(&t);
	assert_null(t.secret);

	/* No pin, no site: saved without them, loaded as NULL. */
	free(s.pin);
	free(s.site);
	s.pin = NULL;
	s.site = NULL;
	assert_int_equal(vg_agent_state_save(&s, dir, &err), VG_OK);
	assert_int_equal(vg_agent_state_load(&t, dir, &err), VG_OK);
	assert_null(t.pin);
	assert_null(t.site);
	assert_string_equal(t.secret, SECRET);
	vg_agent_state_release(&t);
	vg_agent_state_release(&s);

	/* Not enrolled: NOTFOUND, so the caller can say so. */
	vg_test_rmtree(dir);
	assert_int_equal(vg_agent_state_load(&t, dir, &err), VG_ERR_NOTFOUND);
	assert_null(t.server);
	free(dir);
}

#define GOOD_SERVER "\"server\": \"https://h:1\""
#define GOOD_ID "\"agent_id\": \"" AGENT "\""
#define GOOD_SECRET "\"secret\": \"" SECRET "\""

static void
test_bad_files(void **state)
{
	static const struct {
		const char *content;
		const char *needle; /* the message names this */
	} rows[] = {
		{"", "agent.json"},
		{"not json", "agent.json"},
		{"[1, 2]", "not an object"},
		{"{" GOOD_ID ", " GOOD_SECRET "}", "'server' is missing"},
		{"{" GOOD_SERVER ", " GOOD_SECRET "}", "'agent_id' is missing"},
		{"{" GOOD_SERVER ", " GOOD_ID "}", "'secret' is missing"},
		{"{\"server\": 42, " GOOD_ID ", " GOOD_SECRET "}",
		 "'server' is not a string"},
		{"{\"server\": \"ftp://h\", " GOOD_ID ", " GOOD_SECRET "}",
		 "server: not an http"},
		{"{\"server\": \"https://h/a b\", " GOOD_ID ", " GOOD_SECRET
		 "}",
		 "server: invalid character"},
		{"{" GOOD_SERVER
		 ", \"agent_id\": \"a\\r\\nX-Evil: 1\", " GOOD_SECRET "}",
		 "agent_id: invalid character"},
		{"{" GOOD_SERVER ", \"agent_id\": \"\", " GOOD_SECRET "}",
		 "agent_id: empty"},
		{"{" GOOD_SERVER ", " GOOD_ID ", \"secret\": \"xyz:0123456789"
		 "abcdef0123456789abcdef0123456789\"}",
		 "secret: invalid character"},
		{"{" GOOD_SERVER ", " GOOD_ID ", \"secret\": \"abcdef\"}",
		 "secret: too short"},
		{"{" GOOD_SERVER ", " GOOD_ID ", " GOOD_SECRET
		 ", \"pin\": \"md5//abc\"}",
		 "pin: not of the form"},
		{"{" GOOD_SERVER ", " GOOD_ID ", " GOOD_SECRET
		 ", \"pin\": [\"sha256//a\"]}",
		 "'pin' is not a string"},
		{"{" GOOD_SERVER ", " GOOD_ID ", " GOOD_SECRET
		 ", \"site\": \"a\\u0007b\"}",
		 "site: invalid character"},
		/* A NUL would cut the value short: jansson refuses it. */
		{"{" GOOD_SERVER ", " GOOD_ID ", \"secret\": \"" SECRET
		 "\\u0000x\"}",
		 "agent.json"},
		/* Two values for one key: which would win? Neither. */
		{"{" GOOD_SERVER ", " GOOD_ID ", " GOOD_SECRET ", " GOOD_SERVER
		 "}",
		 "agent.json"},
	};
	char *dir = vg_test_tmpdir();
	struct vg_agent_state t;
	struct vg_err err;
	size_t i;
	enum vg_rc rc;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		vg_test_write(dir, "agent.json", rows[i].content);
		rc = vg_agent_state_load(&t, dir, &err);
		if (rc != VG_ERR_PARSE)
			fail_msg("row %zu: rc %d, want VG_ERR_PARSE (%s)", i,
				 (int)rc, err.msg);
		if (strstr(err.msg, rows[i].needle) == NULL)
			fail_msg("row %zu: '%s' lacks '%s'", i, err.msg,
				 rows[i].needle);
		assert_null(t.server);
		assert_null(t.secret);
	}
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_too_large(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_agent_state t;
	struct vg_err err;
	size_t n = VG_AGENT_STATE_MAX + 1;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	vg_test_write_bytes(dir, "agent.json", big, n);
	vg_err_clear(&err);
	assert_int_equal(vg_agent_state_load(&t, dir, &err), VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "agent.json"));
	free(big);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_interval(void **state)
{
	static const struct {
		const char *s;
		int64_t want; /* -1: refused */
	} rows[] = {
		{"60", 60},
		{"90s", 90},
		{"15m", 900},
		{"1h", 3600},
		{"2d", 172800},
		{"366d", 366 * 86400},
		{"1m", 60},
		{"59s", -1}, /* below the minimum */
		{"0", -1},
		{"0h", -1},
		{"367d", -1},
		{"", -1},
		{"h", -1},
		{"1x", -1},
		{"1H", -1},
		{"-5m", -1},
		{"+5m", -1},
		{"1.5h", -1},
		{" 1h", -1},
		{"1h ", -1},
		{"1hh", -1},
		{"99999999999999999999d", -1}, /* would overflow */
		{"9223372036854775807s", -1},
	};
	struct vg_err err;
	int64_t v;
	size_t i;
	enum vg_rc rc;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		rc = vg_agent_parse_interval(rows[i].s, &v, &err);
		if (rows[i].want < 0) {
			if (rc != VG_ERR_PARSE)
				fail_msg("row %zu '%s': accepted", i,
					 rows[i].s);
			/* The message quotes the value. */
			if (strstr(err.msg, rows[i].s) == NULL)
				fail_msg("row %zu: '%s'", i, err.msg);
		} else if (rc != VG_OK || v != rows[i].want) {
			fail_msg("row %zu '%s': rc %d, %lld", i, rows[i].s,
				 (int)rc, (long long)v);
		}
	}
}

static void
test_backoff(void **state)
{
	static const struct {
		unsigned failures;
		uint32_t rnd;
		int64_t want;
	} rows[] = {
		{1, 0, 24}, /* 30 s - 20 % */
		{1, UINT32_C(0x80000000), 30},
		{1, UINT32_MAX, 35},           /* just under 30 s + 20 % */
		{0, UINT32_C(0x80000000), 30}, /* treated as the first */
		{2, UINT32_C(0x80000000), 60},
		{3, 0, 96},
		{7, UINT32_C(0x80000000), 1920},
		{8, UINT32_C(0x80000000), 3600}, /* 3840 capped */
		{8, 0, 2880},
		{8, UINT32_MAX, 4319},
		{1000, UINT32_C(0x80000000), 3600}, /* no overflow */
		{UINT32_MAX, UINT32_C(0x80000000), 3600},
	};
	size_t i;
	int64_t got;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		got = vg_agent_backoff(rows[i].failures, rows[i].rnd);
		if (got != rows[i].want)
			fail_msg("row %zu: %lld, want %lld", i, (long long)got,
				 (long long)rows[i].want);
	}
}

static void
test_default_dir(void **state)
{
	const char *d;

	(void)state;
	if (geteuid() == 0) {
		assert_string_equal(vg_agent_default_state_dir(),
				    "/var/lib/vigie/agent");
		return;
	}
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_string_equal(vg_agent_default_state_dir(),
			    "/x/state/vigie/agent");
	setenv("XDG_STATE_HOME", "relative", 1); /* ignored, per XDG */
	setenv("HOME", "/home/u", 1);
	d = vg_agent_default_state_dir();
	assert_string_equal(d, "/home/u/.local/state/vigie/agent");
}

static void
test_check_field(void **state)
{
	struct vg_err err;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(
		vg_agent_check_field("pin", "sha256//a+b/c=;sha256//d", &err),
		VG_OK);
	assert_int_equal(
		vg_agent_check_field("server", "http://[::1]:8080", &err),
		VG_OK);
	assert_int_equal(vg_agent_check_field("server", "https://h\"x", &err),
			 VG_ERR_PARSE);
	assert_int_equal(vg_agent_check_field("pin", "sha256//a b", &err),
			 VG_ERR_PARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test(test_check_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
