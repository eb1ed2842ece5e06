/*
 * The chained timeline (core/timeline.h): a known answer computed
 * independently (python3 hashlib.blake2b(digest_size=32) over the
 * documented serialisation), then a chain of five whose every field,
 * order and completeness verify checks.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"

#include "core/timeline.h"
#include "util/banned.h"

/* hashlib.blake2b(b"vigie.timeline/1" + bytes(32) + le64(1) + le64(1) +
 * le64(1700000000) + le64(5) + b"alice" + le64(6) + b"opened" +
 * le64(13) + b'{"title":"x"}', digest_size=32) */
static const char kat1[] =
	"53fb191181ce43b7b71d4ba9c16613da854c0f55b3c226e83b5785ab07ecca7c";
/* The next one: seq 2, at 1700000060, "bob", "note", {"text":"é"}
 * (UTF-8), prev kat1. */
static const char kat2[] =
	"9121f370b6df9dbef2248b6286218233e34cff66ff37d286573db8de1ca6397f";

static void
test_known_answer(void **state)
{
	struct vg_timeline_entry e;
	char out[VG_TIMELINE_HASH_HEX];
	struct vg_err err;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.incident_id = 1;
	e.seq = 1;
	e.at = 1700000000;
	e.actor = "alice";
	e.kind = "opened";
	e.detail = "{\"title\":\"x\"}";
	vg_timeline_genesis(e.prev);
	assert_int_equal(strlen(e.prev), 64);
	assert_int_equal(vg_timeline_hash(&e, out, &err), VG_OK);
	assert_string_equal(out, kat1);

	memcpy(e.prev, kat1, sizeof(kat1));
	e.seq = 2;
	e.at = 1700000060;
	e.actor = "bob";
	e.kind = "note";
	e.detail = "{\"text\":\"\xc3\xa9\"}";
	assert_int_equal(vg_timeline_hash(&e, out, &err), VG_OK);
	assert_string_equal(out, kat2);
}

/* Moving bytes between fields changes the hash (length prefixes). */
static void
test_no_ambiguity(void **state)
{
	struct vg_timeline_entry a, b;
	char ha[VG_TIMELINE_HASH_HEX], hb[VG_TIMELINE_HASH_HEX];

	(void)state;
	memset(&a, 0, sizeof(a));
	a.incident_id = 1;
	a.seq = 1;
	a.actor = "ab";
	a.kind = "c";
	a.detail = "{}";
	vg_timeline_genesis(a.prev);
	b = a;
	b.actor = "a";
	b.kind = "bc";
	assert_int_equal(vg_timeline_hash(&a, ha, NULL), VG_OK);
	assert_int_equal(vg_timeline_hash(&b, hb, NULL), VG_OK);
	assert_string_not_equal(ha, hb);
}

static const char *const actors[5] = {"alice", "vigie", "agent:1", "bob",
				      "alice"};
static const char *const kinds[5] = {"opened", "note", "isolate", "task",
				     "closed"};
static const char *const details[5] = {
	"{\"title\":\"rançongiciel\"}", "{\"text\":\"a\"}",
	"{\"task\":1,\"host\":\"pc-1\"}", "{\"state\":\"confirmed\"}", "{}"};

/* A valid chain of five entries of incident 7. */
static void
make_chain(struct vg_timeline_entry e[5])
{
	size_t i;

	memset(e, 0, 5 * sizeof(*e));
	for (i = 0; i < 5; i++) {
		e[i].incident_id = 7;
		e[i].seq = (int64_t)i + 1;
		e[i].at = 1700000000 + 60 * (int64_t)i;
		e[i].actor = actors[i];
		e[i].kind = kinds[i];
		e[i].detail = details[i];
		if (i == 0)
			vg_timeline_genesis(e[i].prev);
		else
			memcpy(e[i].prev, e[i - 1].hash, sizeof(e[i].prev));
		assert_int_equal(vg_timeline_hash(&e[i], e[i].hash, NULL),
				 VG_OK);
	}
}

static size_t
verify(const struct vg_timeline_entry *e, size_t n)
{
	struct vg_err err;
	size_t bad = 999;

	assert_int_equal(vg_timeline_verify(e, n, &bad, &err), VG_OK);
	return bad;
}

static void
test_chain_intact(void **state)
{
	struct vg_timeline_entry e[5];

	(void)state;
	make_chain(e);
	assert_int_equal(verify(e, 5), 5);
	assert_int_equal(verify(e, 0), 0);
	/* A prefix is intact too (the tail cannot vouch for itself). */
	assert_int_equal(verify(e, 3), 3);
}

/* Each field of entry `at` changed: verify names that entry. */
enum mutation {
	M_INCIDENT,
	M_SEQ,
	M_AT,
	M_ACTOR,
	M_KIND,
	M_DETAIL,
	M_PREV,
	M_HASH,
	M_HASH_UPPER,
	M_HASH_UNTERMINATED,
	M_ACTOR_NULL,
};

static const struct {
	enum mutation m;
	size_t at;
} mutations[] = {
	{M_INCIDENT, 0},
	{M_SEQ, 1},
	{M_AT, 2},
	{M_ACTOR, 3},
	{M_KIND, 4},
	{M_DETAIL, 2},
	{M_PREV, 3},
	{M_HASH, 1},
	{M_HASH_UPPER, 4},
	{M_DETAIL, 0},
	{M_HASH_UNTERMINATED, 2},
	{M_ACTOR_NULL, 1},
};

static void
test_each_field(void **state)
{
	struct vg_timeline_entry e[5];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(mutations); i++) {
		struct vg_timeline_entry *x = &e[mutations[i].at];

		make_chain(e);
		switch (mutations[i].m) {
		case M_INCIDENT:
			x->incident_id = 8;
			break;
		case M_SEQ:
			x->seq = 7;
			break;
		case M_AT:
			x->at += 1;
			break;
		case M_ACTOR:
			x->actor = "mallory";
			break;
		case M_KIND:
			x->kind = "note";
			break;
		case M_DETAIL:
			x->detail = "{\"title\":\"rien\"}";
			break;
		case M_PREV:
			x->prev[10] = x->prev[10] == 'a' ? 'b' : 'a';
			break;
		case M_HASH:
			x->hash[63] = x->hash[63] == '0' ? '1' : '0';
			break;
		case M_HASH_UPPER:
			/* Hex is lower case: the same bytes in capitals
			 * are not the stored hash. */
			for (size_t k = 0; k < 64; k++)
				if (x->hash[k] >= 'a' && x->hash[k] <= 'f')
					x->hash[k] =
						(char)(x->hash[k] - 'a' + 'A');
			break;
		case M_HASH_UNTERMINATED:
			memset(x->hash, 'a', sizeof(x->hash));
			break;
		case M_ACTOR_NULL:
			x->actor = NULL;
			break;
		}
		assert_int_equal(verify(e, 5), mutations[i].at);
	}
}

/* Entry 3 (index 2) removed: index 2 now holds seq 4. */
static void
test_removed(void **state)
{
	struct vg_timeline_entry e[5], r[4];

	(void)state;
	make_chain(e);
	r[0] = e[0];
	r[1] = e[1];
	r[2] = e[3];
	r[3] = e[4];
	assert_int_equal(verify(r, 4), 2);
	/* The first removed. */
	assert_int_equal(verify(e + 1, 4), 0);
}

/* Reordered, seq renumbered or not: the swapped place is named. */
static void
test_reordered(void **state)
{
	struct vg_timeline_entry e[5], t;

	(void)state;
	make_chain(e);
	t = e[1];
	e[1] = e[2];
	e[2] = t;
	assert_int_equal(verify(e, 5), 1);
	e[1].seq = 2;
	e[2].seq = 3;
	assert_int_equal(verify(e, 5), 1);
}

/* prev not 64 hex digits: hash refuses, verify names the entry. */
static void
test_bad_prev(void **state)
{
	static const char *const bad[] = {
		"",
		"00",
		"0000000000000000000000000000000000000000000000000000000000000"
		"00g",
		"000000000000000000000000000000000000000000000000000000000000"
		"000 ",
		"-000000000000000000000000000000000000000000000000000000000000"
		"000",
	};
	struct vg_timeline_entry e[5];
	char out[VG_TIMELINE_HASH_HEX];
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(bad); i++) {
		make_chain(e);
		(void)snprintf(e[0].prev, sizeof(e[0].prev), "%s", bad[i]);
		vg_err_clear(&err);
		assert_int_equal(vg_timeline_hash(&e[0], out, &err),
				 VG_ERR_USAGE);
		assert_non_null(strstr(err.msg, "hex"));
		assert_string_equal(out, "");
		assert_int_equal(verify(e, 5), 0);
	}
	/* Upper-case hex digits are digits: the hash is the same. */
	make_chain(e);
	for (i = 0; i < 64; i++)
		e[0].prev[i] = 'A';
	e[1].prev[0] = '\0';
	assert_int_equal(vg_timeline_hash(&e[0], out, &err), VG_OK);
	for (i = 0; i < 64; i++)
		e[0].prev[i] = 'a';
	assert_int_equal(vg_timeline_hash(&e[0], e[1].prev, &err), VG_OK);
	assert_string_equal(out, e[1].prev);
	/* NULL entries with n > 0 are a bad argument. */
	assert_int_equal(vg_timeline_verify(NULL, 1, &i, &err), VG_ERR_USAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_no_ambiguity),
		cmocka_unit_test(test_chain_intact),
		cmocka_unit_test(test_each_field),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_reordered),
		cmocka_unit_test(test_bad_prev),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
