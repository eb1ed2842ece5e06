/* discover/mdns.c: DNS-SD responses, compression, hostile messages. */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "obs_record.h"
#include "support.h"
#include "discover/discover.h"

/* A DNS message under construction (tests only: aborts on overflow). */
struct msg {
	uint8_t b[2048];
	size_t n;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put8(struct msg *m, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(m, &b, 1);
}

static void
put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* "a.b.c" as labels and the root; "" is the root alone. */
static void
put_name(struct msg *m, const char *name)
{
	const char *dot;

	while (*name != '\0') {
		dot = strchr(name, '.');
		size_t n = dot != NULL ? (size_t)(dot - name) : strlen(name);

		put8(m, (unsigned)n);
		put(m, name, n);
		name += n + (dot != NULL);
	}
	put8(m, 0);
}

static void
put_hdr(struct msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns,
	unsigned ar)
{
	m->n = 0;
	put16(m, 0);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* Record header after the owner name; the caller adds rdlen bytes. */
static void
put_rr(struct msg *m, unsigned type, unsigned rdlen)
{
	put16(m, type);
	put16(m, 0x8001); /* IN with the mDNS cache-flush bit */
	put32(m, 120);
	put16(m, rdlen);
}

static void
put_txt(struct msg *m, const char *const *items, size_t count)
{
	size_t i, len = 0;

	for (i = 0; i < count; i++)
		len += 1 + strlen(items[i]);
	put_rr(m, 16, (unsigned)len);
	for (i = 0; i < count; i++) {
		put8(m, (unsigned)strlen(items[i]));
		put(m, items[i], strlen(items[i]));
	}
}

static enum vg_rc
decode(const uint8_t *p, size_t n, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_UDP;
	pkt.sport = pkt.dport = 5353;
	pkt.src.family = 4;
	pkt.payload = p;
	pkt.payload_len = n;
	return vg_mdns_decode(&pkt, &sink);
}

/* Appendix B frame 4, byte for byte: PTR + TXT, answers only. */
static void
build_appendix_b(struct msg *m)
{
	static const char *const txt[] = {"ty=HP LaserJet M404",
					  "product=(HP LaserJet M404)",
					  "note=Ward 4F"};

	put_hdr(m, 0x8400, 0, 2, 0, 0);
	put_name(m, "_ipp._tcp.local");
	put_rr(m, 12, 23);
	m->b[m->n - 8] = 0; /* Appendix B uses class 1 for the PTR */
	m->b[m->n - 7] = 1;
	put_name(m, "HP-4F._ipp._tcp.local");
	put_name(m, "HP-4F._ipp._tcp.local");
	put_txt(m, txt, VG_ARRAY_LEN(txt));
}

/*
 * A full printer announcement with compression: PTR (data points back
 * at nothing, a plain name), SRV whose owner and target use pointers,
 * TXT, then A and AAAA in the additional section.
 */
static void
build_printer(struct msg *m, unsigned flags)
{
	static const char *const txt[] = {
		"txtvers=1",
		"TY=Brother HL-L8360CDW",
		"product=(Brother HL-L8360CDW series)",
		"usb_MFG=Brother",
		"usb_MDL=HL-L8360CDW",
		"note=Ward 4F",
		"rp=ipp/print",
		"manufacturer=Brother Industries",
		"md=", /* empty value: nothing */
	};
	size_t svc_off, inst_off, host_off;

	put_hdr(m, flags, 0, 3, 0, 3);
	svc_off = m->n;
	put_name(m, "_ipp._tcp.local");
	put_rr(m, 12, 11); /* "\x08BRN-4F01" + pointer */
	inst_off = m->n;
	put8(m, 8);
	put(m, "BRN-4F01", 8);
	put16(m, 0xc000 | (unsigned)svc_off);
	/* SRV owner: pointer to the instance name in the PTR data */
	put16(m, 0xc000 | (unsigned)inst_off);
	put_rr(m, 33, 6 + 11);
	put16(m, 0);
	put16(m, 0);
	put16(m, 631);
	host_off = m->n;
	put8(m, 8);
	put(m, "BRN-4F01", 8);
	put16(m, 0xc000 | (unsigned)(svc_off + 10)); /* "local" */
	put16(m, 0xc000 | (unsigned)inst_off);
	put_txt(m, txt, VG_ARRAY_LEN(txt));
	/* additional: A and AAAA of "BRN-4F01.local", NSEC skipped */
	put16(m, 0xc000 | (unsigned)host_off);
	put_rr(m, 1, 4);
	put32(m, 0x0a01041e);
	put16(m, 0xc000 | (unsigned)host_off);
	put_rr(m, 47, 5); /* NSEC: unknown here, skipped by RDLENGTH */
	put(m, "\xc0\x0c\x00\x01\x40", 5);
	put16(m, 0xc000 | (unsigned)host_off);
	put_rr(m, 28, 16);
	put(m, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
}

static void
test_appendix_b(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	build_appendix_b(&m);
	assert_int_equal(m.n, 12 + 17 + 10 + 23 + 23 + 10 + 60);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src mdns service _ipp._tcp"));
	/* ty= and product= (parentheses stripped) both name the model */
	assert_int_equal(vg_obs_rec_count(&rec, "src mdns model "), 2);
	assert_true(vg_obs_rec_has(&rec, "src mdns model HP LaserJet M404"));
	assert_int_equal(rec.n, 3); /* note= says nothing */
	vg_obs_rec_release(&rec);
}

static void
test_printer(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	build_printer(&m, 0x8400);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src mdns service _ipp._tcp"));
	assert_true(vg_obs_rec_has(&rec, "src mdns hostname BRN-4F01"));
	/* SRV target, A owner, AAAA owner */
	assert_int_equal(vg_obs_rec_count(&rec, "src mdns hostname "), 3);
	assert_true(vg_obs_rec_has(&rec, "src mdns model Brother HL-L8360CDW"));
	assert_true(vg_obs_rec_has(
		&rec, "src mdns model Brother HL-L8360CDW series"));
	assert_true(vg_obs_rec_has(&rec, "src mdns model HL-L8360CDW"));
	assert_int_equal(vg_obs_rec_count(&rec, "src mdns model "), 3);
	assert_true(vg_obs_rec_has(&rec, "src mdns vendor Brother"));
	assert_true(vg_obs_rec_has(&rec, "src mdns vendor Brother Industries"));
	assert_int_equal(rec.n, 1 + 3 + 3 + 2);
	vg_obs_rec_release(&rec);
}

/* A query, or another opcode, says nothing about its sender. */
static void
test_query_silent(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	build_printer(&m, 0x0000);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_int_equal(rec.n, 0);
	build_printer(&m, 0x8400 | (5 << 11)); /* UPDATE */
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_int_equal(rec.n, 0);
	/* A query with a question: walked, still silent. */
	put_hdr(&m, 0, 1, 0, 0, 0);
	put_name(&m, "_ipp._tcp.local");
	put16(&m, 12);
	put16(&m, 1);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

/* The DNS-SD meta-query lists service types in its data. */
static void
test_services_meta(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	put_hdr(&m, 0x8400, 0, 2, 0, 0);
	put_name(&m, "_services._dns-sd._udp.local");
	put_rr(&m, 12, 22);
	put_name(&m, "_pdl-datastream._tcp"); /* 22 bytes, no .local */
	put_name(&m, "_services._dns-sd._udp.local");
	put_rr(&m, 12, 18);
	put_name(&m, "_http._tcp.local");
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src mdns service _http._tcp"));
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
}

/* Subtypes, reverse lookups and other PTRs. */
static void
test_ptr_kinds(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	put_hdr(&m, 0x8400, 0, 3, 0, 0);
	put_name(&m, "_universal._sub._ipp._tcp.LOCAL");
	put_rr(&m, 12, 2);
	put16(&m, 0xc00c);
	put_name(&m, "30.4.1.10.in-addr.arpa");
	put_rr(&m, 12, 14);
	put_name(&m, "BRN-4F.local");
	put_name(&m, "x._tcp.local"); /* not "_x": not a service type */
	put_rr(&m, 12, 2);
	put16(&m, 0xc00c);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src mdns service _ipp._tcp"));
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
}

/* A and AAAA owners outside .local, wrong address sizes, NUL bytes. */
static void
test_address_records(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	vg_obs_rec_init(&rec);
	put_hdr(&m, 0x8400, 0, 2, 0, 0);
	put_name(&m, "printer.example.org");
	put_rr(&m, 1, 4);
	put32(&m, 0x0a000001);
	put8(&m, 7);
	put(&m, "PU\0MP-7", 7);
	put_name(&m, "local");
	put_rr(&m, 1, 4);
	put32(&m, 0x0a000001);
	assert_int_equal(decode(m.b, m.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src mdns hostname PU\\x00MP-7"));
	assert_int_equal(rec.n, 1);
	/* an A record of 5 bytes is malformed */
	put_hdr(&m, 0x8400, 0, 1, 0, 0);
	put_name(&m, "h.local");
	put_rr(&m, 1, 5);
	put(&m, "\x0a\0\0\x01\x02", 5);
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
}

/* Hostile names, one row each: all malformed, all must terminate. */
struct bad_name {
	const char *what;
	const uint8_t *name; /* owner name bytes at offset 12 */
	size_t n;
};

static void
test_bad_names(void **state)
{
	static uint8_t long_name[300];
	static const struct bad_name rows[] = {
		{"pointer to itself", (const uint8_t *)"\xc0\x0c", 2},
		{"two pointers in a loop",
		 (const uint8_t *)"\x01"
				  "a\xc0\x10\xc0\x0c",
		 6},
		{"pointer chain past the hop limit (loop via label)",
		 (const uint8_t *)"\x01"
				  "b\xc0\x0c",
		 4},
		{"pointer past the end", (const uint8_t *)"\xc3\xff", 2},
		{"pointer cut short", (const uint8_t *)"\xc0", 1},
		{"label of 64 (0x40 prefix)", (const uint8_t *)"\x40", 1},
		{"label of 0x80 prefix",
		 (const uint8_t *)"\x80"
				  "abc",
		 4},
		{"label past the end",
		 (const uint8_t *)"\x3f"
				  "abc",
		 4},
		{"name longer than 255", long_name, sizeof(long_name)},
	};
	struct vg_obs_rec rec;
	struct msg m;
	size_t i, j;

	(void)state;
	/* 4 labels of 63 + root = 257 bytes on the wire */
	for (i = 0; i < 4; i++) {
		long_name[i * 64] = 63;
		for (j = 1; j < 64; j++)
			long_name[i * 64 + j] = 'x';
	}
	vg_obs_rec_init(&rec);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		/* the name as a question, then as an answer owner */
		put_hdr(&m, 0x8400, 1, 0, 0, 0);
		put(&m, rows[i].name, rows[i].n);
		put(&m, "\0\x0c\0\x01", 4);
		assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
		put_hdr(&m, 0x8400, 0, 1, 0, 0);
		put(&m, rows[i].name, rows[i].n);
		put_rr(&m, 1, 4);
		put32(&m, 0);
		if (decode(m.b, m.n, &rec) != VG_ERR_PARSE)
			fail_msg("row '%s' accepted", rows[i].what);
	}
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

/* The longest legal name (255 bytes on the wire) is accepted whole,
 * one byte more is not. */
static void
test_name_limit(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;
	char label[64];
	size_t i, last;

	(void)state;
	memset(label, 'h', 63);
	vg_obs_rec_init(&rec);
	for (last = 55; last <= 56; last++) {
		put_hdr(&m, 0x8400, 0, 1, 0, 0);
		/* 3 x (1+63) + (1+55) + (1+5) + root = 255 */
		for (i = 0; i < 3; i++) {
			put8(&m, 63);
			put(&m, label, 63);
		}
		put8(&m, (unsigned)last);
		put(&m, label, last);
		put8(&m, 5);
		put(&m, "local", 5);
		put8(&m, 0);
		put_rr(&m, 1, 4);
		put32(&m, 0);
		assert_int_equal(decode(m.b, m.n, &rec),
				 last == 55 ? VG_OK : VG_ERR_PARSE);
	}
	assert_int_equal(rec.n, 1);
	assert_int_equal(strlen(rec.lines[0]),
			 strlen("src mdns hostname ") + 3 * 64 + 55);
	vg_obs_rec_release(&rec);
}

/* Counts and lengths that lie. */
static void
test_lying_counts(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;

	(void)state;
	vg_obs_rec_init(&rec);
	/* ANCOUNT 5 with 2 records: what was there is emitted */
	build_appendix_b(&m);
	m.b[7] = 5;
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 3);
	/* every count at 0xffff: over the limits */
	build_appendix_b(&m);
	memset(m.b + 4, 0xff, 8);
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	m.b[4] = m.b[5] = 0;
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 3);
	/* RDLENGTH past the end, and 0xffff */
	put_hdr(&m, 0x8400, 0, 1, 0, 0);
	put_name(&m, "h.local");
	put_rr(&m, 99, 10);
	put(&m, "abc", 3);
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	m.b[m.n - 5] = 0xff;
	m.b[m.n - 4] = 0xff;
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	/* a TXT string longer than its record (but inside the message) */
	put_hdr(&m, 0x8400, 0, 1, 0, 0);
	put_name(&m, "p._ipp._tcp.local");
	put_rr(&m, 16, 3);
	put(&m, "\x09ty=abcdefghij", 14);
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	/* an SRV target running out of its record */
	put_hdr(&m, 0x8400, 0, 1, 0, 0);
	put_name(&m, "p._ipp._tcp.local");
	put_rr(&m, 33, 8);
	put(&m, "\0\0\0\0\x02\x77\x04host\x05local\0", 18);
	assert_int_equal(decode(m.b, m.n, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 3);
	/* header cut short; empty payload; NULL payload */
	assert_int_equal(decode(m.b, 11, &rec), VG_ERR_PARSE);
	assert_int_equal(decode(m.b, 0, &rec), VG_ERR_PARSE);
	assert_int_equal(decode(NULL, 100, &rec), VG_ERR_PARSE);
	vg_obs_rec_release(&rec);
}

/* Every prefix of a valid message is malformed, none crashes. */
static void
test_every_prefix(void **state)
{
	struct vg_obs_rec rec;
	struct msg m;
	uint8_t *cut;
	size_t len;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			build_printer(&m, 0x8400);
		else
			build_appendix_b(&m);
		for (len = 0; len < m.n; len++) {
			/* a copy the exact size, so ASan sees overreads */
			cut = malloc(len + (len == 0));
			assert_non_null(cut);
			memcpy(cut, m.b, len);
			vg_obs_rec_init(&rec);
			assert_int_equal(decode(cut, len, &rec), VG_ERR_PARSE);
			vg_obs_rec_release(&rec);
			free(cut);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_b),
		cmocka_unit_test(test_printer),
		cmocka_unit_test(test_query_silent),
		cmocka_unit_test(test_services_meta),
		cmocka_unit_test(test_ptr_kinds),
		cmocka_unit_test(test_address_records),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_name_limit),
		cmocka_unit_test(test_lying_counts),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
