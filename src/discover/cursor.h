/*
 * A bounds-checked reader over untrusted bytes (packets, PDUs). Every
 * read checks the remaining length first; a read that does not fit
 * fails, sets the sticky `bad` flag, zeroes its output (so chained
 * reads never leave a variable unset) and leaves the position
 * unchanged: a decoder can chain reads and test `bad` once.
 *
 * Invariant: off <= len. Nothing is copied: pointers handed out point
 * into the caller's buffer and live as long as it does.
 */
#ifndef VG_DISCOVER_CURSOR_H
#define VG_DISCOVER_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_cur {
	const uint8_t *p; /* the bytes */
	size_t len;       /* how many */
	size_t off;       /* next byte to read */
	bool bad;         /* a read did not fit */
};

static inline void
vg_cur_init(struct vg_cur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
	c->off = 0;
	c->bad = false;
}

static inline size_t
vg_cur_left(const struct vg_cur *c)
{
	return c->len - c->off;
}

/* The next byte's address (valid only while vg_cur_left > 0). */
static inline const uint8_t *
vg_cur_here(const struct vg_cur *c)
{
	return c->p + c->off;
}

static inline bool
vg_cur_need(struct vg_cur *c, size_t n)
{
	if (n > c->len - c->off) {
		c->bad = true;
		return false;
	}
	return true;
}

static inline bool
vg_cur_skip(struct vg_cur *c, size_t n)
{
	if (!vg_cur_need(c, n))
		return false;
	c->off += n;
	return true;
}

static inline bool
vg_cur_u8(struct vg_cur *c, uint8_t *v)
{
	*v = 0;
	if (!vg_cur_need(c, 1))
		return false;
	*v = c->p[c->off++];
	return true;
}

static inline bool
vg_cur_u16be(struct vg_cur *c, uint16_t *v)
{
	*v = 0;
	if (!vg_cur_need(c, 2))
		return false;
	*v = (uint16_t)((unsigned)c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return true;
}

static inline bool
vg_cur_u16le(struct vg_cur *c, uint16_t *v)
{
	*v = 0;
	if (!vg_cur_need(c, 2))
		return false;
	*v = (uint16_t)((unsigned)c->p[c->off + 1] << 8 | c->p[c->off]);
	c->off += 2;
	return true;
}

static inline bool
vg_cur_u32be(struct vg_cur *c, uint32_t *v)
{
	*v = 0;
	if (!vg_cur_need(c, 4))
		return false;
	*v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
		(uint32_t)c->p[c->off + 2] << 8 | c->p[c->off + 3];
	c->off += 4;
	return true;
}

/* n bytes in place: *out points into the buffer. */
static inline bool
vg_cur_bytes(struct vg_cur *c, size_t n, const uint8_t **out)
{
	*out = NULL;
	if (!vg_cur_need(c, n))
		return false;
	*out = c->p + c->off;
	c->off += n;
	return true;
}

/* A cursor over the next n bytes, which this one then skips. */
static inline bool
vg_cur_sub(struct vg_cur *c, size_t n, struct vg_cur *sub)
{
	vg_cur_init(sub, NULL, 0);
	if (!vg_cur_need(c, n))
		return false;
	vg_cur_init(sub, c->p + c->off, n);
	c->off += n;
	return true;
}

#endif
