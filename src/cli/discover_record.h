/*
 * Where `vigie discover` sends the devices it heard (discover_record.c):
 * into a store (--db), or to a server as a sensor (--server). Either
 * way the parent prepares the destination before the capture (the
 * store, or the sensor's identity and spool: files only root may
 * read), forks, then the child sends the devices' facts and the parent
 * checks them and records or delivers them.
 */
#ifndef VG_CLI_DISCOVER_RECORD_H
#define VG_CLI_DISCOVER_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "agent/spool.h"
#include "agent/state.h"
#include "core/policy.h"
#include "discover/devices.h"

struct vg_store;

/* One facts line the child sent, checked (a view into the stream). */
struct vg_discover_line {
	const char *p;
	size_t n;
};

struct vg_discover_record {
	/* A store: */
	const char *db;
	struct vg_store *store; /* parent only */
	struct vg_policy policy;
	bool have_policy;
	json_t *assets, *hosts;       /* what the store knows */
	struct vg_known_asset *known; /* views into assets and hosts */
	size_t n_known;
	/* Or a server (the store's fields unused): */
	const char *server;
	struct vg_agent_state st; /* parent only: holds the secret */
	struct vg_spool sp;
	int lock_fd;
	struct vg_discover_line *lines; /* checked, waiting to be spooled */
	size_t n_lines, cap_lines;
	/* Both: */
	pid_t pid; /* parent: the capture process */
	int fd;    /* the pipe: child writes, parent reads */
	size_t recorded, unmanaged, findings;
};

/* Nothing open: what vg_discover_record_release expects at least. */
void vg_discover_record_init(struct vg_discover_record *r);

/* Open db and read the inventory and the policy; false after an error
 * message. Release with vg_discover_record_release either way. */
bool vg_discover_record_open(struct vg_discover_record *r, const char *db);

/*
 * A sensor: load the identity enrolled in state_dir (`vigie agent
 * enroll --state-dir`), check that server is the server it enrolled
 * with, lock state_dir and open its spool. VG_EXIT_OK, else the exit
 * status after an error message (VG_EXIT_USAGE when not enrolled or
 * for another server). Release with vg_discover_record_release.
 */
int vg_discover_sensor_open(struct vg_discover_record *r, const char *server,
			    const char *state_dir);

/* Fork; *child says which side returned. False after an error message.
 * The child keeps neither the store nor the sensor's secret. */
bool vg_discover_record_fork(struct vg_discover_record *r, bool *child);

/* Child: send every device's facts to the parent, then close the pipe. */
bool vg_discover_record_send(struct vg_discover_record *r, struct vg_devices *d,
			     struct vg_oui *oui);

/*
 * Parent: check each device's facts the child sends, wait for it, then
 * record them in the store, or spool them as reports to the server
 * (each at most the server's body limit) and deliver the whole spool
 * once. The exit status: the child's, or failure when a device's facts
 * were refused, recording failed, or the spool could not be delivered
 * (the reports then wait in the spool for the next run).
 */
int vg_discover_record_finish(struct vg_discover_record *r);

void vg_discover_record_release(struct vg_discover_record *r);

#endif
