/*
 * struct vg_arena: a bump allocator for data that lives and dies together
 * (a facts document). Nothing is freed until vg_arena_release.
 */
#ifndef VG_UTIL_ARENA_H
#define VG_UTIL_ARENA_H

#include <stddef.h>

struct vg_arena_chunk;

struct vg_arena {
	struct vg_arena_chunk *head;
};

void vg_arena_init(struct vg_arena *a);
/* Free every allocation made from the arena. */
void vg_arena_release(struct vg_arena *a);
/* Zeroed, max-aligned memory; NULL on allocation failure or overflow. */
void *vg_arena_alloc(struct vg_arena *a, size_t size);
/* Copies owned by the arena; NULL in, NULL out. */
char *vg_arena_strdup(struct vg_arena *a, const char *s);
char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t n);

#endif
