/*
 * The collectors, one per file, and the parsers they are built on. Parsers
 * take a buffer and the name to use in messages, so unit tests and fuzz
 * targets call them without a root. Module-private: only collect/,
 * tests/ and fuzz/ include it.
 */
#ifndef VG_COLLECT_COLLECTORS_H
#define VG_COLLECT_COLLECTORS_H

#include <stddef.h>

#include "collect/collect.h"
/* vg_dpkg_version_cmp, in core/ since vulnerability matching shares it */
#include "core/dpkg_version.h"
#include "util/buf.h"

/* os.c: /etc/os-release (or /usr/lib/os-release), /etc/hostname */
enum vg_rc vg_collect_os(struct vg_collect *c);
void vg_os_release_parse(struct vg_facts *f, const char *name, const char *buf,
			 size_t len);

/* dpkg.c: /var/lib/dpkg/status */
enum vg_rc vg_collect_dpkg(struct vg_collect *c);
/* The whole status file in buf: vg_dpkg_parse_some's last piece. */
enum vg_rc vg_dpkg_status_parse(struct vg_facts *f, const char *name,
				const char *buf, size_t len);

/* A status file parsed piece by piece (name only used in messages). */
struct vg_dpkg_parser {
	struct vg_facts *f;
	const char *name;
	int lineno; /* lines consumed before the next piece */
};

void vg_dpkg_parser_init(struct vg_dpkg_parser *p, struct vg_facts *f,
			 const char *name);
/*
 * Keep the packages of the stanzas that end in buf[0..len): *used is
 * how far they went; the rest (an unfinished stanza) must come again at
 * the start of the next piece. The last piece (last) is parsed whole.
 * The pieces' stanzas come out as the whole file's would, with the same
 * line numbers in warnings. VG_ERR_NOMEM only.
 */
enum vg_rc vg_dpkg_parse_some(struct vg_dpkg_parser *p, const char *buf,
			      size_t len, bool last, size_t *used);

/* apt.c: /var/lib/apt/lists (plain, .gz, .xz, .lz4, .zst) */
enum vg_rc vg_collect_apt(struct vg_collect *c);

/* decompress.c: by file name suffix; plain copy when none */
enum vg_rc vg_decompress(const char *name, const void *in, size_t len,
			 struct vg_buf *out, struct vg_err *err);

/* accounts.c: passwd, shadow, group, authorized_keys */
enum vg_rc vg_collect_accounts(struct vg_collect *c);
enum vg_rc vg_passwd_parse(struct vg_facts *f, const char *name,
			   const char *buf, size_t len);
/* Sets pw, scheme, last_change and shared_group of known accounts. */
enum vg_rc vg_shadow_parse(struct vg_facts *f, const char *name,
			   const char *buf, size_t len);
enum vg_rc vg_group_parse(struct vg_facts *f, const char *name, const char *buf,
			  size_t len);
/* The scheme of a crypt(3) hash string ("sha512", "des", "unknown"...). */
const char *vg_hash_scheme(const char *hash);

/* logins.c: lastlog, lastlog2 (SQLite), wtmp */
enum vg_rc vg_collect_logins(struct vg_collect *c);
enum vg_rc vg_lastlog_parse(struct vg_facts *f, const char *name,
			    const void *buf, size_t len);
enum vg_rc vg_wtmp_parse(struct vg_facts *f, const char *name, const void *buf,
			 size_t len);

/* sudoers.c: /etc/sudoers and includes */
enum vg_rc vg_collect_sudoers(struct vg_collect *c);

/* sshd.c: /etc/ssh/sshd_config and includes */
enum vg_rc vg_collect_sshd(struct vg_collect *c);

/* pam.c: Debian common-*, RHEL system-auth/password-auth */
enum vg_rc vg_collect_pam(struct vg_collect *c);

/* forward.c: ~/.forward and /etc/aliases */
enum vg_rc vg_collect_forwards(struct vg_collect *c);
enum vg_rc vg_aliases_parse(struct vg_facts *f, const char *name,
			    const char *buf, size_t len);
enum vg_rc vg_forward_parse(struct vg_facts *f, const char *user,
			    const char *name, const char *buf, size_t len);

/* cloud.c: personal cloud clients */
enum vg_rc vg_collect_cloud(struct vg_collect *c);

/* services.c: cleartext remote services */
enum vg_rc vg_collect_services(struct vg_collect *c);

/* kernel.c: reboot-required, running and installed kernels */
enum vg_rc vg_collect_kernel(struct vg_collect *c);

/* isolation.c: nft(8), what the agent isolates the host with */
enum vg_rc vg_collect_isolation(struct vg_collect *c);

/* auto_updates.c: unattended-upgrades, dnf-automatic */
enum vg_rc vg_collect_auto_updates(struct vg_collect *c);

/* declared.c: [asset] and [backup "..."] of the policy, backup evidence */
enum vg_rc vg_collect_declared(struct vg_collect *c);

#endif
