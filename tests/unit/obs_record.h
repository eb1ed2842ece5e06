/*
 * A recording observation sink for the discover decoders' unit tests:
 * each observation becomes one line
 *     "<about> <proto> <attr> <v0>|<v1>|<v2>|<v3>"
 * with about "src", "dst" or the MAC "aa:bb:cc:dd:ee:ff", trailing empty
 * fields and their bars left out, an IP (VG_ATTR_IP) as v0 in its usual
 * text form, and bytes outside printable ASCII as \xNN.
 */
#ifndef VG_TEST_OBS_RECORD_H
#define VG_TEST_OBS_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "discover/discover.h"

struct vg_obs_rec {
	char **lines;
	size_t n, cap;
};

void vg_obs_rec_init(struct vg_obs_rec *r);
void vg_obs_rec_release(struct vg_obs_rec *r);
/* A sink appending to r. */
struct vg_obs_sink vg_obs_rec_sink(struct vg_obs_rec *r);
/* True when r holds exactly line; prints every line when it does not. */
bool vg_obs_rec_has(const struct vg_obs_rec *r, const char *line);
/* How many lines start with prefix. */
size_t vg_obs_rec_count(const struct vg_obs_rec *r, const char *prefix);

#endif
