/*
 * Network isolation of this host with nftables: one table of our own,
 * `inet vigie_isolation`, that drops everything but loopback and the
 * vigie server's address and port. Applied atomically with `nft -f`
 * (the whole file is one transaction: a failure leaves the host as it
 * was), released by deleting exactly that table.
 */
#ifndef VG_RESPOND_ISOLATE_H
#define VG_RESPOND_ISOLATE_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/err.h"

#define VG_ISOLATE_TABLE "vigie_isolation"
#define VG_ISOLATE_FAMILY "inet"
/* Longest ruleset text (a few hundred bytes in practice). */
#define VG_ISOLATE_RULESET_MAX 4096u
/* nft's stderr kept as a failure reason. */
#define VG_ISOLATE_REASON_MAX 400u

/*
 * The ruleset text for `nft -f` allowing only loopback and the server at
 * ip (an IPv4 or IPv6 literal, without brackets) and TCP port (1-65535),
 * both ways, the agent's open connection included. out is reset first.
 * VG_ERR_USAGE when ip is not an address literal or the port is out of
 * range (nothing is written then).
 */
enum vg_rc vg_isolate_ruleset(const char *ip, long port, struct vg_buf *out,
			      struct vg_err *err);

/*
 * The path of the nft program (/usr/sbin/nft, /sbin/nft, ...), or NULL
 * when none is installed.
 */
const char *vg_isolate_nft_path(void);

/*
 * Build the ruleset, apply it with `nft -f` (absolute path, clean
 * environment, no shell) and check afterwards that the table exists.
 * VG_ERR_USAGE for a bad address; VG_ERR_IO when nft is missing or
 * refused the file, err then holding nft's own error text (bounded):
 * nothing was changed.
 */
enum vg_rc vg_isolate_apply(const char *ip, long port, struct vg_err *err);

/*
 * Remove the table. An absent table is already released: VG_OK with
 * *was_present (may be NULL) false. VG_ERR_IO with nft's text otherwise.
 */
enum vg_rc vg_isolate_release(bool *was_present, struct vg_err *err);

/* True when the table exists (`nft list table` exits 0). */
bool vg_isolate_active(void);

#endif
