/*
 * `vigie agent`: enrol with a server once, then collect facts on a
 * schedule, spool each report on disk and upload it; a report leaves the
 * spool only once the server acknowledged it.
 */
#ifndef VG_AGENT_AGENT_H
#define VG_AGENT_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define VG_AGENT_SPOOL_MAX 500 /* reports kept; the oldest are dropped */

struct vg_agent_config {
	const char *state_dir;	 /* agent.json (id, secret, server), spool/ */
	const char *root;	 /* collect under this root ("/") */
	const char *config;	 /* policy file for [asset]/[backup], or NULL */
	int64_t interval;	 /* seconds between collections */
	bool once;		 /* one collection, one upload attempt */
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
enum vg_rc vg_agent_run(const struct vg_agent_config *cfg,
			struct vg_err *err);

#endif
