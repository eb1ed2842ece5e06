/*
 * The TCP flow table (flow.h): connections in a chained hash table keyed
 * by both endpoints and the VLAN (the same key for both directions),
 * kept on an LRU list that gives both the eviction victim at max_flows
 * and the idle connections to expire, oldest first, a few per segment.
 *
 * Each direction reassembles in order: a next expected sequence number,
 * a buffer of the bytes the decoders have not consumed yet (lazily
 * allocated, never above reasm_cap), a count of bytes to skip unseen and
 * a short sorted queue of out-of-order segments. A direction that cannot
 * be followed any more (every decoder said no, the cap was reached, a
 * segment was lost) is "done": its memory is freed and later segments
 * cost nothing but the lookup.
 *
 * Memory: a connection that carried no payload yet is one allocation of
 * struct conn (under 200 bytes with the allocator's header) plus its
 * share of the bucket array; buffers, queued segments and decoder states
 * (VG_STREAM_STATE bytes per decoder tried) only exist while needed.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "discover/flow.h"
#include "util/banned.h"

/* The decoders a direction has excluded fit a 32-bit mask. */
#define FLOW_MAX_DECODERS 32
/* Buckets start few and double while connections outnumber them. */
#define FLOW_MIN_BUCKETS 64u
#define FLOW_MAX_BUCKETS (1u << 24)
/* Idle connections expired per segment at most: the sweep is incremental
 * (each connection expires once, so the work is O(1) amortised). */
#define FLOW_EXPIRE_BATCH 16
/* A segment is cut to this length so sequence offsets stay far from 2^31
 * (a real one is at most 64 KiB, a jumbogram 4 GiB). */
#define FLOW_MAX_SEGMENT (1u << 24)
/* Out-of-order queue length stored in 16 bits. */
#define FLOW_MAX_OOO 65535u
/* A reassembly buffer starts this size and doubles up to reasm_cap. */
#define FLOW_BUF_MIN 256u
/* An empty buffer larger than this is freed rather than kept. */
#define FLOW_BUF_KEEP 4096u
#define FLOW_UNBOUND 0xff

/* Bytes of one direction not consumed yet: data[off, off + len). */
struct fbuf {
	size_t off, len, cap;
	uint8_t data[];
};

/* A queued out-of-order segment (a copy). */
struct fseg {
	struct fseg *next;
	uint32_t seq;
	size_t len;
	uint8_t data[];
};

struct fdir {
	uint64_t skip;     /* bytes still to drop unseen */
	struct fbuf *buf;  /* NULL until the first bytes */
	struct fseg *ooo;  /* sorted by offset from next */
	uint32_t next;     /* next expected sequence number */
	uint32_t excluded; /* decoders that said no (bit i: decoder i) */
	uint16_t nooo;     /* segments queued */
	uint8_t seq_known; /* next is set (SYN or first payload seen) */
	uint8_t done;      /* given up or ignored: nothing kept */
	uint8_t bound;     /* decoder index, or FLOW_UNBOUND */
	uint8_t fin;       /* this side sent FIN */
};

/*
 * Side 0 is the endpoint whose (address, port) sorts lower, so a packet
 * and its reply find the same key; dir[i] holds the bytes side i sent.
 * The key is memset to zero first so padding compares and hashes equal.
 */
struct fkey {
	uint8_t a[16], b[16];
	uint16_t pa, pb, vlan;
	uint8_t family, pad;
};

struct conn {
	struct conn *hnext;         /* hash chain */
	struct conn *lprev, *lnext; /* LRU: lprev towards the newest */
	uint8_t **states;           /* NULL, or one pointer per decoder */
	int64_t last;               /* newest packet time when last seen */
	struct fkey key;
	uint32_t hash;
	uint8_t client;   /* side that opened the connection */
	uint8_t syn_seen; /* client known from a SYN or SYN+ACK */
	struct fdir dir[2];
};

struct vg_flows {
	struct vg_flow_limits lim;
	const struct vg_stream_decoder *dec;
	size_t ndec;
	struct conn **buckets;
	size_t nbuckets; /* a power of two */
	struct conn *newest, *oldest;
	size_t count;
	int64_t now; /* newest packet time seen */
	bool have_now;
	uint64_t seed;
	struct vg_flow_stats st;
};

/* Seeded FNV-1a over the key, then a 64-bit finaliser so the low bits
 * used as the bucket index depend on every byte. */
static uint32_t
key_hash(const struct vg_flows *fl, const struct fkey *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ULL ^ fl->seed;
	size_t i;

	for (i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

/* Build the key of pkt; *side is the side its sender is. */
static void
key_make(const struct vg_packet *pkt, struct fkey *k, uint8_t *side)
{
	size_t alen = pkt->src.family == 6 ? 16 : 4;
	int cmp;

	memset(k, 0, sizeof(*k));
	k->family = pkt->src.family;
	k->vlan = pkt->vlan;
	cmp = memcmp(pkt->src.b, pkt->dst.b, alen);
	if (cmp == 0)
		cmp = (int)pkt->sport - (int)pkt->dport;
	if (cmp <= 0) {
		memcpy(k->a, pkt->src.b, alen);
		memcpy(k->b, pkt->dst.b, alen);
		k->pa = pkt->sport;
		k->pb = pkt->dport;
		*side = 0;
	} else {
		memcpy(k->a, pkt->dst.b, alen);
		memcpy(k->b, pkt->src.b, alen);
		k->pa = pkt->dport;
		k->pb = pkt->sport;
		*side = 1;
	}
}

static void
lru_unlink(struct vg_flows *fl, struct conn *c)
{
	if (c->lprev != NULL)
		c->lprev->lnext = c->lnext;
	else
		fl->newest = c->lnext;
	if (c->lnext != NULL)
		c->lnext->lprev = c->lprev;
	else
		fl->oldest = c->lprev;
	c->lprev = c->lnext = NULL;
}

static void
lru_push(struct vg_flows *fl, struct conn *c)
{
	c->lprev = NULL;
	c->lnext = fl->newest;
	if (fl->newest != NULL)
		fl->newest->lprev = c;
	else
		fl->oldest = c;
	fl->newest = c;
}

/* Free the queued segments; each one is a segment never delivered. */
static void
dir_release(struct vg_flows *fl, struct fdir *d)
{
	struct fseg *s;

	while ((s = d->ooo) != NULL) {
		d->ooo = s->next;
		fl->st.ooo_dropped++;
		free(s);
	}
	d->nooo = 0;
	free(d->buf);
	d->buf = NULL;
}

/* Stop following a direction: nothing is kept or decoded any more. */
static void
dir_give_up(struct vg_flows *fl, struct fdir *d)
{
	dir_release(fl, d);
	d->done = 1;
	d->skip = 0;
}

static void
conn_free(struct vg_flows *fl, struct conn *c)
{
	struct conn **pp = &fl->buckets[c->hash & (fl->nbuckets - 1)];
	size_t i;

	while (*pp != NULL && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp == c)
		*pp = c->hnext;
	lru_unlink(fl, c);
	dir_release(fl, &c->dir[0]);
	dir_release(fl, &c->dir[1]);
	if (c->states != NULL) {
		for (i = 0; i < fl->ndec; i++)
			free(c->states[i]);
		free(c->states);
	}
	free(c);
	fl->count--;
}

/* Double the bucket array; on failure the chains just grow longer. */
static void
table_grow(struct vg_flows *fl)
{
	size_t nb = fl->nbuckets * 2, i;
	struct conn **b, *c, *next;

	if (nb > FLOW_MAX_BUCKETS || (b = calloc(nb, sizeof(*b))) == NULL)
		return;
	for (i = 0; i < fl->nbuckets; i++) {
		for (c = fl->buckets[i]; c != NULL; c = next) {
			next = c->hnext;
			c->hnext = b[c->hash & (nb - 1)];
			b[c->hash & (nb - 1)] = c;
		}
	}
	free(fl->buckets);
	fl->buckets = b;
	fl->nbuckets = nb;
}

static struct conn *
conn_find(const struct vg_flows *fl, const struct fkey *k, uint32_t h)
{
	struct conn *c;

	for (c = fl->buckets[h & (fl->nbuckets - 1)]; c != NULL; c = c->hnext)
		if (c->hash == h && memcmp(&c->key, k, sizeof(*k)) == 0)
			return c;
	return NULL;
}

/* Forget connections idle longer than idle_us, oldest first, a few. */
static void
expire_some(struct vg_flows *fl)
{
	int n;

	for (n = 0; n < FLOW_EXPIRE_BATCH && fl->oldest != NULL; n++) {
		/* last <= now always: now only grows and last is a copy. */
		if ((uint64_t)fl->now - (uint64_t)fl->oldest->last <=
		    (uint64_t)fl->lim.idle_us)
			break;
		conn_free(fl, fl->oldest);
		fl->st.expired++;
	}
}

/*
 * The state of decoder i for c, allocated (zeroed) on first use; NULL
 * when memory runs out (the caller then treats the decoder as a no).
 */
static uint8_t *
state_get(struct vg_flows *fl, struct conn *c, size_t i)
{
	if (c->states == NULL &&
	    (c->states = calloc(fl->ndec, sizeof(*c->states))) == NULL)
		return NULL;
	if (c->states[i] == NULL)
		c->states[i] = calloc(1, VG_STREAM_STATE);
	return c->states[i];
}

/* Whether decoder i may still be called on some direction of c. */
static bool
state_needed(const struct conn *c, size_t i)
{
	const struct fdir *d;
	int k;

	for (k = 0; k < 2; k++) {
		d = &c->dir[k];
		if (d->done)
			continue;
		if (d->bound != FLOW_UNBOUND ? d->bound == i
					     : !(d->excluded & (1u << i)))
			return true;
	}
	return false;
}

/* Free the states no direction can use any more. */
static void
state_prune(struct vg_flows *fl, struct conn *c)
{
	bool any = false;
	size_t i;

	if (c->states == NULL)
		return;
	for (i = 0; i < fl->ndec; i++) {
		if (state_needed(c, i)) {
			any = true;
		} else {
			free(c->states[i]);
			c->states[i] = NULL;
		}
	}
	if (!any) {
		free(c->states);
		c->states = NULL;
	}
}

static size_t
buf_len(const struct fdir *d)
{
	return d->buf != NULL ? d->buf->len : 0;
}

static void
buf_drop(struct fdir *d, size_t k)
{
	d->buf->off += k;
	d->buf->len -= k;
	if (d->buf->len == 0)
		d->buf->off = 0;
}

/* Append p[0..k) (k <= reasm_cap - buffered); false when out of memory. */
static bool
buf_append(const struct vg_flows *fl, struct fdir *d, const uint8_t *p,
	   size_t k)
{
	size_t len = buf_len(d), need = len + k, cap;
	struct fbuf *b = d->buf;

	if (b != NULL && b->off + need <= b->cap)
		goto copy;
	if (b != NULL && need <= b->cap) {
		/* Room enough once the consumed front is reclaimed. */
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
		goto copy;
	}
	cap = b != NULL ? b->cap : FLOW_BUF_MIN;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > fl->lim.reasm_cap)
		cap = fl->lim.reasm_cap;
	if (cap > SIZE_MAX - sizeof(*b))
		return false;
	if (b != NULL && b->off > 0) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	if ((b = realloc(b, sizeof(*b) + cap)) == NULL)
		return false;
	if (d->buf == NULL)
		b->off = b->len = 0;
	b->cap = cap;
	d->buf = b;
copy:
	memcpy(b->data + b->off + b->len, p, k);
	b->len += k;
	return true;
}

/*
 * Call decoder i on the buffered bytes. A decoder that answers OK with
 * a consumed count outside (0, n], or something not in the enum, broke
 * the contract and counts as a no.
 */
static enum vg_stream_rc
dec_call(struct vg_flows *fl, struct conn *c, uint8_t side, size_t i,
	 const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	 struct vg_stream_out *out)
{
	const struct fbuf *b = c->dir[side].buf;
	uint8_t *state = state_get(fl, c, i);
	enum vg_stream_rc rc;

	memset(out, 0, sizeof(*out));
	if (state == NULL)
		return VG_STREAM_NO;
	rc = fl->dec[i].fn(state, pkt, side == c->client, b->data + b->off,
			   b->len, out, sink);
	if (rc == VG_STREAM_OK &&
	    (out->consumed == 0 || out->consumed > b->len))
		return VG_STREAM_NO;
	if (rc != VG_STREAM_OK && rc != VG_STREAM_MORE)
		return VG_STREAM_NO;
	return rc;
}

/* Decoder i took out->consumed bytes and asks to skip out->skip more. */
static void
dir_took(struct fdir *d, const struct vg_stream_out *out)
{
	buf_drop(d, out->consumed);
	d->skip = out->skip;
}

/*
 * Run the decoders over the buffered bytes of one direction until they
 * make no more progress; then a full buffer means the direction is given
 * up (nothing can ever be consumed from it).
 */
static void
dir_run(struct vg_flows *fl, struct conn *c, uint8_t side,
	const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct fdir *d = &c->dir[side];
	struct vg_stream_out out;
	enum vg_stream_rc rc;
	bool more, bound;
	size_t i, k;

	while (!d->done) {
		if (d->skip > 0 && buf_len(d) > 0) {
			k = d->skip < buf_len(d) ? (size_t)d->skip : buf_len(d);
			buf_drop(d, k);
			d->skip -= k;
		}
		if (buf_len(d) == 0)
			break;
		if (d->bound != FLOW_UNBOUND) {
			rc = dec_call(fl, c, side, d->bound, pkt, sink, &out);
			if (rc == VG_STREAM_MORE)
				break;
			if (rc == VG_STREAM_OK) {
				dir_took(d, &out);
				continue;
			}
			/* The bound decoder lost track: stop following. */
			dir_give_up(fl, d);
			break;
		}
		more = bound = false;
		for (i = 0; i < fl->ndec && !bound; i++) {
			if (d->excluded & (1u << i))
				continue;
			rc = dec_call(fl, c, side, i, pkt, sink, &out);
			if (rc == VG_STREAM_NO) {
				d->excluded |= 1u << i;
			} else if (rc == VG_STREAM_MORE) {
				more = true;
			} else {
				d->bound = (uint8_t)i;
				if ((size_t)fl->dec[i].proto < VG_PROTO_COUNT)
					fl->st.identified[fl->dec[i].proto]++;
				dir_took(d, &out);
				bound = true;
			}
		}
		if (bound)
			continue;
		if (!more)
			dir_give_up(fl, d); /* ignored: no decoder wants it */
		break;
	}
	if (!d->done && buf_len(d) >= fl->lim.reasm_cap) {
		fl->st.capped++;
		dir_give_up(fl, d);
	}
	if (d->buf != NULL && d->buf->len == 0 && d->buf->cap > FLOW_BUF_KEEP) {
		free(d->buf);
		d->buf = NULL;
	}
	state_prune(fl, c);
}

/*
 * In-order bytes p[0..n) of one direction (next already advanced past
 * them): skip first, then buffer at most up to the cap and run the
 * decoders, repeatedly, so a segment larger than the room left is
 * decoded in pieces when the decoder consumes.
 */
static void
dir_feed(struct vg_flows *fl, struct conn *c, uint8_t side,
	 const struct vg_packet *pkt, const uint8_t *p, size_t n,
	 const struct vg_obs_sink *sink)
{
	struct fdir *d = &c->dir[side];
	size_t k;

	while (n > 0 && !d->done) {
		if (d->skip > 0) {
			k = d->skip < n ? (size_t)d->skip : n;
			d->skip -= k;
			p += k;
			n -= k;
			continue;
		}
		k = fl->lim.reasm_cap - buf_len(d);
		if (k > n)
			k = n;
		if (k == 0 || !buf_append(fl, d, p, k)) {
			/* Out of memory: the bytes are lost for good. */
			fl->st.capped++;
			dir_give_up(fl, d);
			break;
		}
		p += k;
		n -= k;
		dir_run(fl, c, side, pkt, sink);
	}
}

/*
 * Bytes missing before a segment that lies inside the region to skip
 * need not arrive: move next over them (at most off) and return what
 * remains of the offset.
 */
static int64_t
dir_skip_hole(struct fdir *d, int64_t off)
{
	uint64_t adv;

	if (off <= 0 || d->skip == 0)
		return off;
	adv = d->skip < (uint64_t)off ? d->skip : (uint64_t)off;
	d->next += (uint32_t)adv;
	d->skip -= adv;
	return off - (int64_t)adv;
}

/* Deliver the queued segments the stream has reached. */
static void
dir_drain(struct vg_flows *fl, struct conn *c, uint8_t side,
	  const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct fdir *d = &c->dir[side];
	struct fseg *s;
	int64_t off, end;

	while (!d->done && (s = d->ooo) != NULL) {
		off = dir_skip_hole(d, (int32_t)(s->seq - d->next));
		if (off > 0)
			break;
		d->ooo = s->next;
		d->nooo--;
		end = off + (int64_t)s->len;
		if (end > 0) {
			d->next += (uint32_t)end;
			dir_feed(fl, c, side, pkt, s->data + (size_t)-off,
				 (size_t)end, sink);
		}
		free(s);
	}
}

/*
 * Queue a copy of a segment starting off bytes (> 0) after next. The
 * queue is sorted by offset; a same-start duplicate keeps the longer
 * copy. A full queue means the missing segment is taken as lost: the
 * direction is given up. Copies are cut to reasm_cap and all of them
 * together kept under reasm_cap too (a segment past it is dropped).
 */
static void
dir_queue(struct vg_flows *fl, struct fdir *d, uint32_t seq, const uint8_t *p,
	  size_t n)
{
	struct fseg **pp = &d->ooo, *s;
	size_t total = 0;
	int32_t off = (int32_t)(seq - d->next);

	if (n > fl->lim.reasm_cap)
		n = fl->lim.reasm_cap;
	for (s = d->ooo; s != NULL; s = s->next)
		total += s->len;
	while (*pp != NULL && (int32_t)((*pp)->seq - d->next) < off)
		pp = &(*pp)->next;
	if (*pp != NULL && (*pp)->seq == seq) {
		if ((*pp)->len >= n)
			return; /* a retransmission of a queued segment */
		s = *pp;        /* replaced by the longer copy below */
		*pp = s->next;
		total -= s->len;
		d->nooo--;
		free(s);
	}
	if (d->nooo >= fl->lim.ooo_max) {
		fl->st.gaps++;
		fl->st.ooo_dropped++;
		dir_give_up(fl, d);
		return;
	}
	if (n > fl->lim.reasm_cap - total ||
	    (s = malloc(sizeof(*s) + n)) == NULL) {
		fl->st.ooo_dropped++;
		return;
	}
	s->seq = seq;
	s->len = n;
	memcpy(s->data, p, n);
	s->next = *pp;
	*pp = s;
	d->nooo++;
}

/* The payload of one segment for the direction side sent. */
static void
dir_segment(struct vg_flows *fl, struct conn *c, uint8_t side,
	    const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct fdir *d = &c->dir[side];
	const uint8_t *p = pkt->payload;
	size_t n = p != NULL ? pkt->payload_len : 0;
	uint32_t seq = pkt->seq;
	int64_t off;

	if (pkt->tcp_flags & VG_TCP_SYN) {
		/* The SYN takes one sequence number before the data. */
		if (!d->seq_known) {
			d->next = seq + 1;
			d->seq_known = 1;
		}
		seq++;
	}
	if (d->done || n == 0)
		return;
	if (n > FLOW_MAX_SEGMENT)
		n = FLOW_MAX_SEGMENT;
	if (!d->seq_known) {
		/* SYN not seen: the stream starts here. */
		d->next = seq;
		d->seq_known = 1;
	}
	off = (int32_t)(seq - d->next);
	if (off + (int64_t)n <= 0)
		return; /* wholly before next: a retransmission */
	if (off < 0) {
		/* Overlaps what was delivered: keep the new part only. */
		p += (size_t)-off;
		n -= (size_t)-off;
		off = 0;
	}
	/* Ahead of next: in order all the same if the hole is skipped. */
	off = dir_skip_hole(d, off);
	if (off > 0) {
		dir_queue(fl, d, d->next + (uint32_t)off, p, n);
	} else {
		d->next += (uint32_t)n;
		dir_feed(fl, c, side, pkt, p, n, sink);
	}
	dir_drain(fl, c, side, pkt, sink);
}

enum vg_rc
vg_flows_new(struct vg_flows **out, const struct vg_flow_limits *lim,
	     const struct vg_stream_decoder *decoders, size_t n)
{
	static const struct vg_flow_limits defaults = {
		VG_FLOW_MAX_FLOWS, VG_FLOW_REASM_CAP, VG_FLOW_OOO_MAX,
		VG_FLOW_IDLE_US};
	struct vg_flows *fl;
	size_t i;

	if (out == NULL)
		return VG_ERR_USAGE;
	*out = NULL;
	if (lim == NULL)
		lim = &defaults;
	if (lim->max_flows == 0 || lim->reasm_cap == 0 || lim->ooo_max == 0 ||
	    lim->idle_us <= 0 || n > FLOW_MAX_DECODERS ||
	    (n > 0 && decoders == NULL))
		return VG_ERR_USAGE;
	for (i = 0; i < n; i++)
		if (decoders[i].fn == NULL)
			return VG_ERR_USAGE;
	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return VG_ERR_NOMEM;
	fl->lim = *lim;
	if (fl->lim.ooo_max > FLOW_MAX_OOO)
		fl->lim.ooo_max = FLOW_MAX_OOO;
	fl->dec = decoders;
	fl->ndec = n;
	fl->nbuckets = FLOW_MIN_BUCKETS;
	if ((fl->buckets = calloc(fl->nbuckets, sizeof(*fl->buckets))) ==
	    NULL) {
		free(fl);
		return VG_ERR_NOMEM;
	}
	/* A secret seed so crafted addresses cannot pile into one chain;
	 * a fixed one if the kernel will not say (the hash still works). */
	if (getrandom(&fl->seed, sizeof(fl->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(fl->seed))
		fl->seed = 0x9e3779b97f4a7c15ULL;
	*out = fl;
	return VG_OK;
}

void
vg_flows_free(struct vg_flows *fl)
{
	if (fl == NULL)
		return;
	while (fl->oldest != NULL)
		conn_free(fl, fl->oldest);
	free(fl->buckets);
	free(fl);
}

/* A new connection for pkt (evicting the oldest at max_flows). */
static struct conn *
conn_new(struct vg_flows *fl, const struct vg_packet *pkt, const struct fkey *k,
	 uint32_t h, uint8_t side)
{
	struct conn *c;
	size_t b;

	while (fl->count >= fl->lim.max_flows && fl->oldest != NULL) {
		conn_free(fl, fl->oldest);
		fl->st.evicted++;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->key = *k;
	c->hash = h;
	c->dir[0].bound = c->dir[1].bound = FLOW_UNBOUND;
	/* Until a SYN says otherwise: the higher port is the client, and
	 * on a tie the side seen first. */
	if (pkt->sport < pkt->dport)
		c->client = (uint8_t)(1 - side);
	else
		c->client = side;
	b = h & (fl->nbuckets - 1);
	c->hnext = fl->buckets[b];
	fl->buckets[b] = c;
	fl->count++;
	fl->st.flows++;
	if (fl->count > fl->nbuckets)
		table_grow(fl);
	return c;
}

void
vg_flows_segment(struct vg_flows *fl, const struct vg_packet *pkt,
		 const struct vg_obs_sink *sink)
{
	struct conn *c;
	struct fkey k;
	uint8_t side, flags;
	uint32_t h;

	if (fl == NULL || pkt == NULL || pkt->kind != VG_PKT_TCP)
		return;
	if (!fl->have_now || pkt->ts_us > fl->now) {
		fl->now = pkt->ts_us;
		fl->have_now = true;
	}
	expire_some(fl);
	flags = pkt->tcp_flags;
	key_make(pkt, &k, &side);
	h = key_hash(fl, &k);
	if ((c = conn_find(fl, &k, h)) == NULL) {
		if (flags & VG_TCP_RST)
			return; /* nothing to end */
		if ((c = conn_new(fl, pkt, &k, h, side)) == NULL)
			return;
	} else {
		lru_unlink(fl, c);
	}
	lru_push(fl, c);
	c->last = fl->now;
	if (flags & VG_TCP_RST) {
		conn_free(fl, c);
		return;
	}
	if ((flags & (VG_TCP_SYN | VG_TCP_ACK)) == VG_TCP_SYN) {
		c->client = side;
		c->syn_seen = 1;
	} else if ((flags & VG_TCP_SYN) && !c->syn_seen) {
		/* SYN+ACK answers the other side's SYN. */
		c->client = (uint8_t)(1 - side);
		c->syn_seen = 1;
	}
	dir_segment(fl, c, side, pkt, sink);
	if (flags & VG_TCP_FIN)
		c->dir[side].fin = 1;
	if (c->dir[0].fin && c->dir[1].fin)
		conn_free(fl, c);
}

size_t
vg_flows_count(const struct vg_flows *fl)
{
	return fl != NULL ? fl->count : 0;
}

const struct vg_flow_stats *
vg_flows_stats(const struct vg_flows *fl)
{
	return fl != NULL ? &fl->st : NULL;
}
