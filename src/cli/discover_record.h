/*
 * `vigie discover` recording devices in a store (discover_record.c):
 * open (parent, before the capture), fork, then the child sends the
 * devices' facts and the parent judges and records them.
 */
#ifndef VG_CLI_DISCOVER_RECORD_H
#define VG_CLI_DISCOVER_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "core/policy.h"
#include "discover/devices.h"

struct vg_store;

struct vg_discover_record {
	const char *db;
	struct vg_store *store; /* parent only */
	struct vg_policy policy;
	bool have_policy;
	json_t *assets, *hosts;       /* what the store knows */
	struct vg_known_asset *known; /* views into assets and hosts */
	size_t n_known;
	pid_t pid; /* parent: the capture process */
	int fd;    /* the pipe: child writes, parent reads */
	size_t recorded, unmanaged, findings;
};

/* Open db and read the inventory and the policy; false after an error
 * message. Release with vg_discover_record_release either way. */
bool vg_discover_record_open(struct vg_discover_record *r, const char *db);

/* Fork; *child says which side returned. False after an error message. */
bool vg_discover_record_fork(struct vg_discover_record *r, bool *child);

/* Child: send every device's facts to the parent, then close the pipe. */
bool vg_discover_record_send(struct vg_discover_record *r, struct vg_devices *d,
			     struct vg_oui *oui);

/* Parent: record what the child sends, wait for it; the exit status
 * (the child's, or failure when recording failed). */
int vg_discover_record_finish(struct vg_discover_record *r);

void vg_discover_record_release(struct vg_discover_record *r);

#endif
