/* Unit tests: the NetBIOS name service decoder (vg_nbns_decode). */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

static const uint8_t src_ip[4] = {10, 1, 2, 30};

/* A message under construction. */
struct msg {
	uint8_t b[1024];
	size_t n;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	assert_true(n <= sizeof(m->b) - m->n);
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put16(struct msg *m, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	put(m, b, 2);
}

static void
header(struct msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns,
       unsigned ar)
{
	m->n = 0;
	put16(m, 0x7a01);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* The first-level encoding of name (15 chars, space padded) + suffix,
 * followed by the root label (the Appendix B nbname()). */
static void
nbname(struct msg *m, const char *name, size_t len, uint8_t suffix)
{
	uint8_t raw[16], enc[34];
	size_t i;

	memset(raw, ' ', 15);
	memcpy(raw, name, len < 15 ? len : 15);
	raw[15] = suffix;
	enc[0] = 0x20;
	for (i = 0; i < 16; i++) {
		enc[1 + 2 * i] = (uint8_t)('A' + (raw[i] >> 4));
		enc[2 + 2 * i] = (uint8_t)('A' + (raw[i] & 15));
	}
	enc[33] = 0;
	put(m, enc, sizeof(enc));
}

/* An NB resource record: type, class, ttl, rdlength 6, flags, ip. */
static void
nb_rr(struct msg *m, unsigned nbflags, const uint8_t ip[4])
{
	put16(m, 0x20);
	put16(m, 1);
	put(m, "\x00\x04\x93\xe0", 4); /* ttl 300000 */
	put16(m, 6);
	put16(m, nbflags);
	put(m, ip, 4);
}

/* Appendix B frame 6: registration of PACS-WS-02<00>. */
static void
registration(struct msg *m, unsigned flags, unsigned nbflags)
{
	header(m, flags, 1, 0, 0, 1);
	nbname(m, "PACS-WS-02", 10, 0);
	put16(m, 0x20);
	put16(m, 1);
	put(m, "\xc0\x0c", 2);
	nb_rr(m, nbflags, src_ip);
}

static enum vg_rc
decode(const uint8_t *p, size_t n, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_UDP;
	pkt.src.family = 4;
	memcpy(pkt.src.b, src_ip, 4);
	pkt.sport = pkt.dport = 137;
	pkt.payload = p;
	pkt.payload_len = n;
	return vg_nbns_decode(&pkt, &sink);
}

/* Decode m; expect rc, `count` lines and (if not NULL) line want. */
static void
expect(const struct msg *m, enum vg_rc rc, size_t count, const char *want)
{
	struct vg_obs_rec rec;

	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m->b, m->n, &rec), rc);
	if (want != NULL)
		assert_true(vg_obs_rec_has(&rec, want));
	assert_int_equal(rec.n, count);
	vg_obs_rec_release(&rec);
}

static void
test_registration(void **state)
{
	struct msg m;

	(void)state;
	registration(&m, 0x2910, 0);
	assert_int_equal(m.n, 68); /* the Appendix B payload size */
	expect(&m, VG_OK, 1, "src nbns hostname PACS-WS-02|00");
	registration(&m, 0x4000, 0); /* refresh, opcode 8 */
	expect(&m, VG_OK, 1, "src nbns hostname PACS-WS-02|00");
	registration(&m, 0x4800, 0); /* refresh, opcode 9 */
	expect(&m, VG_OK, 1, "src nbns hostname PACS-WS-02|00");
	registration(&m, 0x2910, 0x8000); /* a group (workgroup) name */
	expect(&m, VG_OK, 0, NULL);
	registration(&m, 0x0110, 0); /* a query (opcode 0) */
	expect(&m, VG_OK, 0, NULL);
	registration(&m, 0x3010, 0); /* a release (opcode 6) */
	expect(&m, VG_OK, 0, NULL);
}

static void
test_responses(void **state)
{
	static const uint8_t other[4] = {10, 1, 2, 99};
	struct msg m;

	(void)state;
	/* positive name query answer from the owner */
	header(&m, 0x8500, 0, 1, 0, 0);
	nbname(&m, "pump-srv", 8, 0x20);
	nb_rr(&m, 0x6000, src_ip);
	expect(&m, VG_OK, 1, "src nbns hostname pump-srv|20");
	/* the same from a name server about another host */
	header(&m, 0x8500, 0, 1, 0, 0);
	nbname(&m, "pump-srv", 8, 0x20);
	nb_rr(&m, 0x6000, other);
	expect(&m, VG_OK, 0, NULL);
	/* a negative answer */
	header(&m, 0x8503, 0, 1, 0, 0);
	nbname(&m, "pump-srv", 8, 0x20);
	nb_rr(&m, 0x6000, src_ip);
	expect(&m, VG_OK, 0, NULL);
	/* a registration conflict answer (rcode 6) */
	header(&m, 0xad86, 0, 1, 0, 0);
	nbname(&m, "PACS-WS-02", 10, 0);
	nb_rr(&m, 0, src_ip);
	expect(&m, VG_OK, 0, NULL);
}

/* Node status answer: the sender's name table, group names skipped. */
static void
test_node_status(void **state)
{
	struct msg m;
	struct vg_obs_rec rec;

	(void)state;
	header(&m, 0x8400, 0, 1, 0, 0);
	nbname(&m, "*\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15, 0);
	put16(&m, 0x21);
	put16(&m, 1);
	put(&m, "\0\0\0\0", 4);
	put16(&m, 1 + 3 * 18 + 6);
	put(&m, "\x03", 1);
	put(&m, "CT-CONSOLE     \x00\x04\x00", 18);
	put(&m, "WORKGROUP      \x00\x84\x00", 18);
	put(&m, "CT-CONSOLE     \x20\x04\x00", 18);
	put(&m, "\x00\x0c\x29\x01\x02\x03", 6); /* unit id (statistics) */
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src nbns hostname CT-CONSOLE|00"));
	assert_true(vg_obs_rec_has(&rec, "src nbns hostname CT-CONSOLE|20"));
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
	/* the count says more names than rdlength holds */
	m.b[12 + 34 + 10] = 9;
	expect(&m, VG_ERR_PARSE, 2, NULL);
}

/* Names: scope labels, NUL bytes, padding, pointer abuse. */
static void
test_names(void **state)
{
	struct msg m;

	(void)state;
	/* a scope after the encoded label */
	header(&m, 0x2910, 1, 0, 0, 0);
	nbname(&m, "MR-3T", 5, 0);
	m.n--;
	put(&m,
	    "\x07NETBIOS\x03"
	    "COM\x00",
	    13);
	put16(&m, 0x20);
	put16(&m, 1);
	expect(&m, VG_OK, 1, "src nbns hostname MR-3T|00");
	/* NUL bytes in a name are handed on (the device table cleans) */
	header(&m, 0x2910, 1, 0, 0, 0);
	nbname(&m, "A\0B", 3, 0x03);
	put(&m, "\x00\x20\x00\x01", 4);
	expect(&m, VG_OK, 1, "src nbns hostname A\\x00B|03");
	/* all spaces: nothing */
	header(&m, 0x2910, 1, 0, 0, 0);
	nbname(&m, "", 0, 0);
	put(&m, "\x00\x20\x00\x01", 4);
	expect(&m, VG_OK, 0, NULL);
	/* not 'A'..'P': not a NetBIOS name */
	header(&m, 0x2910, 1, 0, 0, 0);
	nbname(&m, "PACS", 4, 0);
	m.b[13] = 'a';
	put(&m, "\x00\x20\x00\x01", 4);
	expect(&m, VG_OK, 0, NULL);
	/* a label of another length: a DNS name, not ours */
	header(&m, 0x2910, 1, 0, 0, 0);
	put(&m,
	    "\x03"
	    "abc\x00\x00\x20\x00\x01",
	    9);
	expect(&m, VG_OK, 0, NULL);
	/* a pointer to itself: loops are cut */
	header(&m, 0x2910, 1, 0, 0, 0);
	put(&m, "\xc0\x0c\x00\x20\x00\x01", 6);
	expect(&m, VG_ERR_PARSE, 0, NULL);
	/* a pointer past the end */
	header(&m, 0x2910, 1, 0, 0, 0);
	put(&m, "\xff\xff\x00\x20\x00\x01", 6);
	expect(&m, VG_ERR_PARSE, 0, NULL);
	/* a reserved label type */
	header(&m, 0x2910, 1, 0, 0, 0);
	put(&m, "\x40\x00\x20\x00\x01", 5);
	expect(&m, VG_ERR_PARSE, 0, NULL);
	/* scope labels longer than a name may be */
	header(&m, 0x2910, 1, 0, 0, 0);
	nbname(&m, "X", 1, 0);
	m.n--;
	for (int i = 0; i < 8; i++) {
		uint8_t lab[64];

		memset(lab, 's', sizeof(lab));
		lab[0] = 63;
		put(&m, lab, sizeof(lab));
	}
	put(&m, "\x00\x00\x20\x00\x01", 5);
	expect(&m, VG_ERR_PARSE, 0, NULL);
}

/* Counts and lengths that lie. */
static void
test_lying_lengths(void **state)
{
	struct msg m;

	(void)state;
	registration(&m, 0x2910, 0);
	m.b[m.n - 8] = 0xff; /* rdlength 0xff06 */
	expect(&m, VG_ERR_PARSE, 0, NULL);
	registration(&m, 0x2910, 0);
	m.b[m.n - 7] = 0; /* rdlength 0: flags unknown, still unique */
	m.n -= 6;
	expect(&m, VG_OK, 1, "src nbns hostname PACS-WS-02|00");
	registration(&m, 0x2910, 0);
	m.b[4] = m.b[5] = 0xff; /* qdcount 0xffff */
	expect(&m, VG_ERR_PARSE, 0, NULL);
	registration(&m, 0x2910, 0);
	m.b[10] = m.b[11] = 0xff; /* arcount 0xffff */
	expect(&m, VG_ERR_PARSE, 0, NULL);
	registration(&m, 0x2910, 0);
	m.b[11] = 0; /* no additional record: the question alone */
	expect(&m, VG_OK, 1, "src nbns hostname PACS-WS-02|00");
	expect(&(struct msg){.n = 0}, VG_ERR_PARSE, 0, NULL);
	assert_int_equal(vg_nbns_decode(NULL, NULL), VG_ERR_PARSE);
}

static void
test_prefixes(void **state)
{
	struct msg m[2];
	size_t k, i;
	enum vg_rc rc;
	struct vg_obs_rec rec;

	(void)state;
	registration(&m[0], 0x2910, 0);
	header(&m[1], 0x8500, 0, 1, 0, 0);
	nbname(&m[1], "pump-srv", 8, 0x20);
	nb_rr(&m[1], 0x6000, src_ip);
	for (k = 0; k < 2; k++)
		for (i = 0; i <= m[k].n; i++) {
			vg_obs_rec_init(&rec);
			rc = decode(m[k].b, i, &rec);
			assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
			if (i < m[k].n)
				assert_true(rc == VG_ERR_PARSE || i >= 12);
			/* a cut registration never names anyone */
			if (k == 0 && i < m[k].n)
				assert_int_equal(rec.n, 0);
			vg_obs_rec_release(&rec);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registration),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_node_status),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
