/* The recording observation sink of obs_record.h. */
#include "util/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
