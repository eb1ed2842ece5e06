/* Discover test support (obs_record.h): the recording sink, pcap fixtures. */
#include "util/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "obs_record.h"
#include "util/buf.h"
#include "util/banned.h"

void
vg_obs_rec_init(struct vg_obs_rec *r)
{
	memset(r, 0, sizeof(*r));
}

void
vg_obs_rec_release(struct vg_obs_rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

static void
add_text(struct vg_buf *b, struct vg_text t)
{
	char hex[8];
	size_t i;

	for (i = 0; i < t.n; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			(void)vg_buf_add(b, (const char *)&c, 1);
			continue;
		}
		(void)snprintf(hex, sizeof(hex), "\\x%02x", c);
		(void)vg_buf_adds(b, hex);
	}
}

static void
record(void *ctx, const struct vg_packet *pkt, const struct vg_obs *o)
{
	struct vg_obs_rec *r = ctx;
	char tmp[INET6_ADDRSTRLEN + 24];
	struct vg_buf b;
	size_t last, i;

	(void)pkt;
	vg_buf_init(&b, 1u << 20);
	if (o->about == VG_ABOUT_SRC)
		(void)vg_buf_adds(&b, "src");
	else if (o->about == VG_ABOUT_DST)
		(void)vg_buf_adds(&b, "dst");
	else {
		(void)snprintf(tmp, sizeof(tmp),
			       "%02x:%02x:%02x:%02x:%02x:%02x", o->mac[0],
			       o->mac[1], o->mac[2], o->mac[3], o->mac[4],
			       o->mac[5]);
		(void)vg_buf_adds(&b, tmp);
	}
	(void)vg_buf_printf(
		&b, " %s %s ",
		vg_proto_name(o->proto) ? vg_proto_name(o->proto) : "?",
		vg_attr_name(o->attr) ? vg_attr_name(o->attr) : "?");
	if (o->attr == VG_ATTR_IP) {
		tmp[0] = '\0';
		(void)inet_ntop(o->ip.family == 6 ? AF_INET6 : AF_INET, o->ip.b,
				tmp, sizeof(tmp));
		(void)vg_buf_adds(&b, tmp);
	}
	for (last = VG_OBS_FIELDS; last > 0 && o->v[last - 1].n == 0; last--)
		;
	for (i = 0; i < last; i++) {
		if (i > 0 || o->attr == VG_ATTR_IP)
			(void)vg_buf_adds(&b, "|");
		add_text(&b, o->v[i]);
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **l = realloc(r->lines, cap * sizeof(*l));

		if (l == NULL)
			abort();
		r->lines = l;
		r->cap = cap;
	}
	if ((r->lines[r->n++] = strdup(vg_buf_str(&b))) == NULL)
		abort();
	vg_buf_release(&b);
}

struct vg_obs_sink
vg_obs_rec_sink(struct vg_obs_rec *r)
{
	struct vg_obs_sink s = {record, r};
	return s;
}

bool
vg_obs_rec_has(const struct vg_obs_rec *r, const char *line)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->lines[i], line) == 0)
			return true;
	fprintf(stderr, "observation not found: %s\nrecorded:\n", line);
	for (i = 0; i < r->n; i++)
		fprintf(stderr, "  %s\n", r->lines[i]);
	return false;
}

size_t
vg_obs_rec_count(const struct vg_obs_rec *r, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += strncmp(r->lines[i], prefix, strlen(prefix)) == 0;
	return n;
}

static uint32_t
rd32(const uint8_t *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		(uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}

void
vg_test_pcap_open(struct vg_test_pcap *pc, const char *path)
{
	FILE *f = fopen(path, "rb");
	long sz;
	uint32_t magic;

	memset(pc, 0, sizeof(*pc));
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz > 24);
	rewind(f);
	pc->size = (size_t)sz;
	pc->file = malloc(pc->size);
	assert_non_null(pc->file);
	assert_int_equal(fread(pc->file, 1, pc->size, f), pc->size);
	fclose(f);
	/* microsecond or nanosecond magic, in the reader's order or not */
	magic = rd32(pc->file, false);
	pc->swap = magic != 0xa1b2c3d4u && magic != 0xa1b23c4du;
	assert_int_equal(rd32(pc->file + 20, pc->swap), VG_LINK_EN10MB);
	pc->off = 24;
}

bool
vg_test_pcap_next_tcp(struct vg_test_pcap *pc, struct vg_packet *pkt)
{
	while (pc->size - pc->off >= 16) {
		const uint8_t *e = pc->file + pc->off + 16, *ip, *tcp;
		size_t len = rd32(pc->file + pc->off + 8, pc->swap);
		size_t ihl, iplen, thl;

		assert_true(len <= pc->size - pc->off - 16);
		pc->off += 16 + len;
		if (len < 14 + 20 + 20 || e[12] != 0x08 || e[13] != 0x00)
			continue;
		ip = e + 14;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		iplen = (size_t)ip[2] << 8 | ip[3];
		if (ip[9] != 6 || iplen > len - 14 || ihl + 20 > iplen)
			continue;
		tcp = ip + ihl;
		thl = (size_t)(tcp[12] >> 4) * 4;
		assert_true(ihl + thl <= iplen);
		memset(pkt, 0, sizeof(*pkt));
		pkt->kind = VG_PKT_TCP;
		pkt->ip_proto = 6;
		pkt->src.family = pkt->dst.family = 4;
		memcpy(pkt->src.b, ip + 12, 4);
		memcpy(pkt->dst.b, ip + 16, 4);
		pkt->sport = (uint16_t)(tcp[0] << 8 | tcp[1]);
		pkt->dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
		pkt->seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
			(uint32_t)tcp[6] << 8 | tcp[7];
		pkt->tcp_flags = tcp[13];
		pkt->payload = tcp + thl;
		pkt->payload_len = iplen - ihl - thl;
		return true;
	}
	return false;
}

void
vg_test_pcap_close(struct vg_test_pcap *pc)
{
	free(pc->file);
	memset(pc, 0, sizeof(*pc));
}
