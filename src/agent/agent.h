/*
 * `vigie agent`: enrol with a server once, then collect facts on a
 * schedule, spool each report on disk and upload it; a report leaves the
 * spool only once the server acknowledged it.
 */
#ifndef VG_AGENT_AGENT_H
#define VG_AGENT_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VG_AGENT_SPOOL_MAX 500   /* reports kept; the oldest are dropped */
#define VG_AGENT_REJECTED_MAX 20 /* refused reports kept for a look */
#define VG_AGENT_MIN_INTERVAL 60 /* seconds; a lower --interval is refused */
#define VG_AGENT_MAX_INTERVAL (366 * 86400)
#define VG_AGENT_BACKOFF_MIN 30   /* first retry after a failed upload, s */
#define VG_AGENT_BACKOFF_MAX 3600 /* retries never wait longer, s */

struct vg_agent_state;
struct vg_policy;
struct vg_spool;

struct vg_agent_config {
	const char *state_dir; /* agent.json (id, secret, server), spool/ */
	const char *root;      /* collect under this root ("/") */
	const char *config;    /* policy file for [asset]/[backup], or NULL */
	int64_t interval;      /* seconds between collections */
	bool once;             /* one collection, one upload attempt */
	/* The policy loaded from config by the caller (the agent never
	 * reads vigie.conf itself), or NULL for no declarations. Borrowed. */
	const struct vg_policy *policy;
};

/*
 * Exchange a one-time token for an agent id and secret, stored with the
 * server URL and pin in state_dir/agent.json (mode 0600, written
 * atomically). pin may be NULL to trust the system's CAs.
 */
enum vg_rc vg_agent_enroll(const char *state_dir, const char *server,
			   const char *token, const char *pin,
			   struct vg_err *err);

/* Run the agent (see struct vg_agent_config); returns on SIGTERM/SIGINT,
 * or after one cycle with once. */
enum vg_rc vg_agent_run(const struct vg_agent_config *cfg, struct vg_err *err);

/*
 * The default state directory: /var/lib/vigie/agent as root, else
 * $XDG_STATE_HOME/vigie/agent (~/.local/state/vigie/agent). Static
 * storage; NULL when neither XDG_STATE_HOME nor HOME is absolute.
 */
const char *vg_agent_default_state_dir(void);

/* The same for a sensor (`vigie discover --server`): "sensor" instead
 * of "agent" (/var/lib/vigie/sensor as root). */
const char *vg_sensor_default_state_dir(void);

/*
 * Take the lock of state_dir (state_dir/agent.lock): one agent or
 * sensor per state directory, else each report would be sent twice and
 * the spool raced on. Returns the lock's fd (close it to release), or
 * -1 after setting err (VG_ERR_IO).
 */
int vg_agent_lock(const char *state_dir, struct vg_err *err);

/* What one delivery did. */
struct vg_agent_delivery {
	size_t delivered; /* acknowledged (200, 201) and deleted */
	size_t refused;   /* refused for good (400, 413): moved to rejected/ */
};

/*
 * Upload every report of the spool sp to st's server at path
 * ("/api/v1/reports" for an agent, "/api/v1/devices" for a sensor),
 * oldest first, authenticated with st's id and secret. A report leaves
 * the spool only after a 200 or 201; one refused with 400 or 413 (or
 * larger than the server takes) moves to rejected/ and the next one is
 * tried. VG_OK when every report got such an answer, or when stop (if
 * not NULL) became non-zero; VG_ERR_IO with the reason in err when the
 * server could not take them (no answer, 401, 5xx...): the rest wait in
 * the spool. *out (may be NULL) gets the counts. Needs
 * vg_upload_global_init.
 */
enum vg_rc vg_agent_deliver(const struct vg_agent_state *st,
			    const struct vg_spool *sp, const char *path,
			    const volatile sig_atomic_t *stop,
			    struct vg_agent_delivery *out, struct vg_err *err);

/*
 * Parse an interval "90s", "15m", "1h", "2d" (or plain seconds) into
 * seconds within [VG_AGENT_MIN_INTERVAL, VG_AGENT_MAX_INTERVAL];
 * VG_ERR_PARSE with a message naming the value otherwise.
 */
enum vg_rc vg_agent_parse_interval(const char *s, int64_t *out,
				   struct vg_err *err);

/*
 * Seconds to wait before retry number `failures` (1 for the first):
 * VG_AGENT_BACKOFF_MIN doubled per failure up to VG_AGENT_BACKOFF_MAX,
 * then scaled by a jitter in [0.8, 1.2] taken from rnd (uniform over
 * uint32_t).
 */
int64_t vg_agent_backoff(unsigned failures, uint32_t rnd);

#endif
