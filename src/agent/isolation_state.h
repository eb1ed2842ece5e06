/*
 * The agent's record of an isolation in force, STATE_DIR/isolation.json:
 * the server address and port the ruleset allows, the task and incident
 * that asked for it. Written (temporary file, fsync, rename, mode 0600)
 * before the isolation is confirmed, so that a restart or a reboot
 * re-applies it; removed when released.
 */
#ifndef VG_AGENT_ISOLATION_STATE_H
#define VG_AGENT_ISOLATION_STATE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define VG_ISOLATION_STATE_FILE "isolation.json"
#define VG_ISOLATION_STATE_MAX (16u << 10) /* a few lines */

struct vg_isolation_state {
	char server_ip[INET6_ADDRSTRLEN]; /* an address literal */
	long server_port;                 /* 1-65535 */
	int64_t task_id;                  /* the isolate task, 0 unknown */
	int64_t incident_id;              /* its incident, 0 unknown */
	int64_t applied_at;               /* Unix time it was recorded */
};

/*
 * Read STATE_DIR/isolation.json into s. VG_ERR_NOTFOUND when there is
 * none (not isolated); VG_ERR_PARSE when it is malformed (bad address,
 * port out of range, wrong types), with a message naming the file.
 */
enum vg_rc vg_isolation_state_load(const char *dir,
				   struct vg_isolation_state *s,
				   struct vg_err *err);

/* Write s to STATE_DIR/isolation.json atomically (0600, fsync'd). */
enum vg_rc vg_isolation_state_save(const char *dir,
				   const struct vg_isolation_state *s,
				   struct vg_err *err);

/* Remove the record; VG_OK when there was none. */
enum vg_rc vg_isolation_state_remove(const char *dir, struct vg_err *err);

/*
 * At start: when STATE_DIR says the host is isolated, apply the ruleset
 * again (idempotent). *isolated (may be NULL) says whether a record
 * exists. VG_OK when not isolated or re-applied; the error of the load
 * or of nft otherwise.
 */
enum vg_rc vg_isolation_reapply(const char *dir, bool *isolated,
				struct vg_err *err);

#endif
