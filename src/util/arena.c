#include "util/common.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/banned.h"

/* Chunks grow to this size; larger requests get a chunk of their own. */
#define ARENA_CHUNK (64u * 1024u)

struct vg_arena_chunk {
	struct vg_arena_chunk *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void
vg_arena_init(struct vg_arena *a)
{
	a->head = NULL;
}

void
vg_arena_release(struct vg_arena *a)
{
	struct vg_arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

void *
vg_arena_alloc(struct vg_arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct vg_arena_chunk *c = a->head;
	size_t off, csize;
	void *p;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - align - sizeof(*c))
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	if (c == NULL || c->size - c->used < size) {
		csize = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		if ((c = malloc(sizeof(*c) + csize)) == NULL)
			return NULL;
		c->used = 0;
		c->size = csize;
		/* A big private chunk goes behind the head so the head's
		 * free space stays usable. */
		if (a->head != NULL && csize > ARENA_CHUNK) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	off = c->used;
	c->used += size;
	p = c->data + off;
	memset(p, 0, size);
	return p;
}

char *
vg_arena_strndup(struct vg_arena *a, const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	if (n == SIZE_MAX || (p = vg_arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
vg_arena_strdup(struct vg_arena *a, const char *s)
{
	return s == NULL ? NULL : vg_arena_strndup(a, s, strlen(s));
}
