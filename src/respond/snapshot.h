/*
 * The volatile evidence snapshot taken before a host is isolated: its
 * processes (with the SHA-256 of each executable), its network
 * connections and its logged-in users, as the JSON document
 * "vigie.evidence/1" the server keeps (POST /api/v1/tasks/ID/evidence).
 * Everything is read from ROOT/proc, ROOT/etc/passwd and ROOT/run/utmp,
 * bounded, and tolerant of processes that vanish while it is read.
 */
#ifndef VG_RESPOND_SNAPSHOT_H
#define VG_RESPOND_SNAPSHOT_H

#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define VG_SNAPSHOT_MAX (16u << 20)            /* the server takes 16 MiB */
#define VG_SNAPSHOT_MAX_PROCS 8192             /* processes listed */
#define VG_SNAPSHOT_MAX_CONNS 16384            /* sockets listed */
#define VG_SNAPSHOT_MAX_USERS 512              /* utmp sessions listed */
#define VG_SNAPSHOT_HASH_FILE_MAX (256u << 20) /* larger: not hashed */
/* All executables hashed together: past it, the rest are not (the
 * snapshot must not hold the isolation back for minutes). */
#define VG_SNAPSHOT_HASH_TOTAL_MAX (1024ull << 20)

/*
 * Take the snapshot of the system whose root is root ("/" for this
 * host), naming it host, dated now (Unix time), into out (reset first,
 * JSON text). A missing /proc or utmp gives empty arrays; only
 * out-of-memory (VG_ERR_NOMEM) or a document past VG_SNAPSHOT_MAX
 * (VG_ERR_LIMIT) fails.
 */
enum vg_rc vg_snapshot_take(const char *root, const char *host, int64_t now,
			    struct vg_buf *out, struct vg_err *err);

#endif
