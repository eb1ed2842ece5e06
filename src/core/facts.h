/*
 * The facts of one host, or of one network device found by vigie discover
 * (vg_facts_is_device): what was observed, never judged. Collectors fill
 * a struct vg_facts, the JSON codec (core/facts_json.h) writes and reads
 * it, rules (core/rules.h) judge it. Every string and array is owned by
 * the facts' arena and freed by vg_facts_release.
 *
 * Times are Unix seconds (int64_t). VG_TIME_UNKNOWN means "not known";
 * VG_TIME_NEVER means "known never to have happened".
 */
#ifndef VG_CORE_FACTS_H
#define VG_CORE_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

#define VG_TIME_UNKNOWN INT64_C(-1)
#define VG_TIME_NEVER INT64_C(0)

/*
 * A source of facts. A rule that needs a source that was not collected
 * reports "not evaluated" with the source's reason.
 */
enum vg_source {
	VG_SRC_OS,           /* os-release, hostname */
	VG_SRC_PACKAGES,     /* dpkg status */
	VG_SRC_APT,          /* apt lists and Release files */
	VG_SRC_PASSWD,       /* /etc/passwd */
	VG_SRC_SHADOW,       /* /etc/shadow */
	VG_SRC_GROUP,        /* /etc/group */
	VG_SRC_SUDOERS,      /* /etc/sudoers and includes */
	VG_SRC_SSHD,         /* sshd_config and includes */
	VG_SRC_LOGINS,       /* lastlog, lastlog2, wtmp */
	VG_SRC_PAM,          /* PAM stacks */
	VG_SRC_MAIL_FORWARD, /* ~/.forward, /etc/aliases */
	VG_SRC_CLOUD,        /* personal cloud clients */
	VG_SRC_SERVICES,     /* cleartext remote services */
	VG_SRC_KERNEL,       /* reboot flag, installed/running kernels */
	VG_SRC_AUTO_UPDATES, /* unattended-upgrades, dnf-automatic */
	VG_SRC_BACKUPS,      /* backup jobs declared in vigie.conf */
	VG_SRC_ASSET,        /* [asset] declared in vigie.conf */
	VG_SRC_DEVICE,       /* a network device seen by vigie discover */
	VG_SRC_VULNS,        /* derived: packages matched against the
			      * vulnerability data (vuln/match.h) */
	VG_SRC_ISOLATION,    /* can the agent isolate this host (nft) */
	VG_SRC_INCIDENTS,    /* derived: the open incidents naming this
			      * host (respond/incident_facts.h) */
	VG_SRC_COUNT
};

/* The JSON name of a source ("os", "packages", ...); NULL if out of range. */
const char *vg_source_name(enum vg_source s);
/* The source called name, or VG_SRC_COUNT when none is. */
enum vg_source vg_source_from_name(const char *name);

struct vg_source_state {
	bool collected;
	const char *reason; /* why not collected (translated), or NULL */
};

struct vg_os {
	const char *hostname;
	const char *id;          /* os-release ID: debian, ubuntu, rhel... */
	const char *id_like;     /* ID_LIKE, space-separated */
	const char *version_id;  /* VERSION_ID: "12", "22.04", "9.3" */
	const char *codename;    /* VERSION_CODENAME: bookworm */
	const char *pretty_name; /* PRETTY_NAME */
};

/* An installed package (dpkg "install ok installed"). */
struct vg_package {
	const char *name;
	const char *version;
	const char *arch;
	const char *source;         /* source package; name when absent */
	const char *source_version; /* version when absent */
};

/* An installed package with a newer version in the apt lists. */
struct vg_upgrade {
	const char *name;
	const char *installed;
	const char *candidate;
	const char *suite; /* Release "Suite"/"Codename" of the candidate */
	bool security;     /* the candidate comes from a security suite */
};

struct vg_apt {
	int64_t lists_updated; /* newest list/Release mtime, or UNKNOWN */
	size_t n_lists;        /* Packages files read */
};

enum vg_pw_state {
	VG_PW_UNKNOWN, /* shadow unreadable or no entry */
	VG_PW_EMPTY,   /* empty field: login with no password */
	VG_PW_LOCKED,  /* "!", "*", "!!" or a "!"-prefixed hash */
	VG_PW_HASH,    /* a usable hash */
};

struct vg_account {
	const char *name;
	int64_t uid;
	int64_t gid;
	const char *gecos;
	const char *home;
	const char *shell;
	enum vg_pw_state pw;
	/* Hash scheme when pw == VG_PW_HASH: "des", "md5", "sha256",
	 * "sha512", "bcrypt", "scrypt", "yescrypt", "gost-yescrypt",
	 * "sunmd5", "bsdi", "unknown". NULL otherwise. */
	const char *scheme;
	/* Accounts sharing one hash string get the same group number
	 * (1, 2, ...); 0 when the hash is not shared. The hash itself never
	 * leaves the collector. */
	int shared_group;
	int64_t last_change;  /* last password change (shadow), or UNKNOWN */
	int64_t expires;      /* account expiry (shadow field 8), UNKNOWN
			       * when none is set */
	int64_t last_login;   /* newest login seen, NEVER or UNKNOWN */
	bool authorized_keys; /* ~/.ssh/authorized_keys exists, non-empty */
};

struct vg_group {
	const char *name;
	int64_t gid;
	const char **members; /* supplementary members, as listed */
	size_t n_members;
};

/* One user-list entry of a sudoers rule, aliases expanded. */
struct vg_sudo_user {
	const char
		*name; /* "alice", "%sudo", "%#27", "#0", "ALL", "+netgroup" */
	bool negated;  /* written "!name" (or reached through "!ALIAS") */
	const char *alias; /* User_Alias it came through, or NULL */
};

/*
 * One user specification of sudoers (per host/runas/command group: a
 * line "a, b ALL=(root) NOPASSWD: ALL" gives one rule). Per sudoers(5),
 * a user matches when the last entry matching it is not negated.
 */
struct vg_sudo_rule {
	const char *file;
	int line;
	struct vg_sudo_user *users;
	size_t n_users;
	bool runas_root; /* may run commands as root (default, root, ALL, #0) */
	bool all_commands; /* the command list allows ALL (aliases expanded) */
	bool nopasswd;     /* NOPASSWD: tag, or Defaults !authenticate */
	const char *text;  /* the specification as written, for evidence */
};

struct vg_sshd {
	/* Effective global PermitRootLogin, lower case; the compiled-in
	 * default ("prohibit-password") when never set; NULL when sshd is
	 * not installed. */
	const char *permit_root_login;
	const char *file; /* where it was set, or NULL for the default */
	int line;
};

struct vg_pam {
	const char *quality_module; /* "pam_pwquality", "pam_passwdqc", NULL */
	int64_t min_length;         /* effective minimum length, or -1 */
	const char *lockout_module; /* "pam_faillock", "pam_tally2", NULL */
	const char *file;           /* the password stack read */
};

struct vg_mail_forward {
	const char *user; /* account or alias */
	const char *file; /* ~/.forward or /etc/aliases */
	int line;
	const char *target; /* an address, as written */
};

struct vg_cloud_client {
	const char *client; /* "Dropbox", "MEGA", "pCloud", ... */
	const char *kind;   /* "package", "binary", "folder" */
	const char *path;   /* package name or path inside the root */
	const char *user;   /* for a folder in a home, else NULL */
};

struct vg_service {
	const char *protocol; /* "telnet", "rsh", "rlogin", "rexec", "ftp" */
	const char *via;      /* "package", "inetd", "socket", "service",
			       * "binary" (no package database), "listen" */
	const char *detail;   /* package, file:line, unit or address:port */
};

struct vg_kernel {
	bool reboot_flag;             /* /var/run/reboot-required exists */
	const char *reboot_packages;  /* reboot-required.pkgs, comma-joined */
	const char *running;          /* uname -r on a live host, else NULL */
	const char *newest_installed; /* newest installed kernel release */
};

struct vg_auto_updates {
	bool enabled;
	const char *mechanism; /* "unattended-upgrades", "dnf-automatic" */
	const char *detail;    /* the file and setting that decided */
};

/* A backup job declared in vigie.conf and what was found of it. */
struct vg_backup {
	const char *name;
	const char *path;
	int64_t last_success;   /* newest file's mtime, NEVER, or UNKNOWN */
	bool offline;           /* an offline or immutable copy exists */
	int64_t restore_tested; /* date of the last restore test, or NEVER */
};

/* The asset's own declaration ([asset] in vigie.conf). */
struct vg_asset {
	const char *name;
	const char *site;
	const char *owner;
	const char *category;
	int criticality; /* 1 (low) to 4 (vital); 0 when not declared */
};

/*
 * A device seen on the network by passive discovery (vigie discover),
 * recorded as an asset of its own: facts describing a device carry this
 * section and no host source (vg_facts_is_device).
 */
struct vg_device_info {
	/* The MAC "aa:bb:cc:dd:ee:ff" or, for a device known only by
	 * address, the IP: what identifies the device from scan to scan. */
	const char *key;
	const char *mac;
	const char *ips;  /* comma-separated, may be NULL */
	const char *name; /* best display name: a hostname, an AE title, else
			   * the key */
	const char *vendor;
	/* biomedical, building-management, printer, iot, network,
	 * workstation, server, unknown */
	const char *category;
	int confidence; /* of the category, percent (0-100) */
	/* "host NAME" or "asset NAME" when an enrolled host or a declared
	 * asset is this device; NULL when neither. */
	const char *managed_by;
	const char *sensor; /* who saw it: "local" or a sensor's agent id */
	int64_t first_seen, last_seen; /* or UNKNOWN */
};

/*
 * What a vulnerable package's affecting entries allow, the first that
 * applies in this order (the most actionable first): one has a fixed
 * version, one is open, one is past its security support, all are
 * undetermined.
 */
enum vg_vuln_pkg_status {
	VG_VPKG_FIX_AVAILABLE = 0, /* "fixed-available" */
	VG_VPKG_NO_FIX_YET,        /* "no-fix-yet" */
	VG_VPKG_END_OF_LIFE,       /* "end-of-life" */
	VG_VPKG_UNDETERMINED,      /* "undetermined" */
	VG_VPKG_STATUS_COUNT
};

/*
 * An installed source package affected by known vulnerabilities
 * (derived by vuln/match.h from the vulnerability data; source
 * VG_SRC_VULNS). Lists are comma-joined and capped; their counts are
 * exact.
 */
struct vg_vuln_pkg {
	const char *package;  /* source package */
	const char *version;  /* installed source version */
	const char *binaries; /* installed binary packages of it */
	const char *ids;      /* affecting CVE/TEMP ids */
	size_t n_ids;
	/* The highest fixed version among the affecting entries that have
	 * a fix (installing it fixes them all), or NULL when none has. */
	const char *fixed_version;
	enum vg_vuln_pkg_status status;
	/* enum vg_urgency (core/vulns.h), the highest; VG_URG_UNIMPORTANT
	 * only when every affecting entry is unimportant. */
	int urgency;
	double cvss;         /* highest base score, or -1 */
	const char *kev_ids; /* affecting ids in CISA KEV, or NULL */
	size_t n_kev;
	bool ransomware; /* a KEV id is known in ransomware campaigns */
	double epss;     /* highest EPSS probability, or -1 */
};

/* The JSON name of a status ("fixed-available", ...); NULL if out of
 * range. */
const char *vg_vuln_pkg_status_name(enum vg_vuln_pkg_status s);
/* The status called name, or VG_VPKG_STATUS_COUNT when none is. */
enum vg_vuln_pkg_status vg_vuln_pkg_status_from_name(const char *name);
/* An urgency's name ("unknown", "unimportant", "low", "medium",
 * "high"); NULL if out of range. */
const char *vg_urgency_name(int urgency);
/* The urgency called name, or -1 when none is. */
int vg_urgency_from_name(const char *name);

/*
 * Whether the agent could isolate this host (rule R10): the nftables
 * command it runs, looked for where Debian and RHEL install it.
 */
struct vg_isolation {
	bool nft;             /* nft found, executable */
	const char *nft_path; /* where, or NULL */
};

/*
 * An incident that names this host and is not closed (derived from the
 * store's incidents, source VG_SRC_INCIDENTS): what R10's
 * incident.report_overdue needs, the deadline being the policy's.
 */
struct vg_incident_ref {
	int64_t id;
	const char *title;
	const char *status; /* "open", "contained", "recovered" */
	bool serious;       /* vg_incident_is_serious (respond/incident.h) */
	int64_t detected_at;
	int64_t reported_ans_at; /* 0: not reported to the national portal */
};

/* A login seen in clear on the network (the password is never kept). */
struct vg_device_login {
	const char *protocol; /* "telnet", "ftp", "http-basic" */
	const char *user;     /* may be NULL when the name was not seen */
};

/*
 * One distinct observation of a device (discover's evidence list), kept
 * in its facts so the console shows why the device is what it is, and
 * merged from run to run (vg_device_facts_merge).
 */
struct vg_device_evidence {
	const char *source;    /* the protocol: "dhcp", "lldp", "dicom" */
	const char *attribute; /* "hostname", "vendor_class", "model" */
	const char *value;     /* may be NULL */
	const char *detail;    /* the other fields joined with " | ", or NULL */
	int weight;            /* 0-100, what it weighs in the category */
	int64_t count;         /* times seen */
	int64_t first_seen, last_seen; /* or UNKNOWN */
};

struct vg_facts {
	struct vg_arena arena;
	int64_t collected_at; /* "now" for every rule judging these facts */
	const char *root;     /* the root directory audited, "/" when live */
	struct vg_source_state sources[VG_SRC_COUNT];

	struct vg_os os;
	struct vg_asset asset;
	struct vg_apt apt;
	struct vg_sshd sshd;
	struct vg_pam pam;
	struct vg_kernel kernel;
	struct vg_auto_updates auto_updates;
	struct vg_device_info device;
	struct vg_isolation isolation;

	struct vg_package *packages;
	size_t n_packages, cap_packages;
	struct vg_upgrade *upgrades;
	size_t n_upgrades, cap_upgrades;
	struct vg_account *accounts;
	size_t n_accounts, cap_accounts;
	struct vg_group *groups;
	size_t n_groups, cap_groups;
	struct vg_sudo_rule *sudo_rules;
	size_t n_sudo_rules, cap_sudo_rules;
	struct vg_mail_forward *forwards;
	size_t n_forwards, cap_forwards;
	struct vg_cloud_client *cloud_clients;
	size_t n_cloud_clients, cap_cloud_clients;
	struct vg_service *services;
	size_t n_services, cap_services;
	struct vg_backup *backups;
	size_t n_backups, cap_backups;
	/* Cleartext logins seen to the device, at most
	 * VG_MAX_DEVICE_LOGINS. */
	struct vg_device_login *device_logins;
	size_t n_device_logins, cap_device_logins;
	/* What was seen of the device, at most VG_MAX_DEVICE_EVIDENCE. */
	struct vg_device_evidence *device_evidence;
	size_t n_device_evidence, cap_device_evidence;
	/* Derived by vulnerability matching (VG_SRC_VULNS). */
	struct vg_vuln_pkg *vuln_pkgs;
	size_t n_vuln_pkgs, cap_vuln_pkgs;
	/* Derived from the store's incidents (VG_SRC_INCIDENTS). */
	struct vg_incident_ref *incidents;
	size_t n_incidents, cap_incidents;

	/* Warnings met while collecting ("file:line: message"). */
	const char **warnings;
	size_t n_warnings, cap_warnings;
	size_t n_warnings_dropped; /* past VG_MAX_WARNINGS */
};

/* Open incidents kept for one host (vg_facts_add_incident_ref). */
#define VG_MAX_INCIDENT_REFS 256

/* Cleartext logins kept for one device (vg_facts_add_device_login). */
#define VG_MAX_DEVICE_LOGINS 4096
/* Evidence items kept for one device (vg_facts_add_device_evidence):
 * four times what one run keeps (VG_DEV_MAX_EVIDENCE), room for the
 * union of several runs. */
#define VG_MAX_DEVICE_EVIDENCE 1024

/* Empty facts: every source not collected, every time unknown. */
void vg_facts_init(struct vg_facts *f);
/* Free everything the facts own. */
void vg_facts_release(struct vg_facts *f);

/* A copy of s owned by the facts (NULL in, NULL out; NULL on no memory). */
const char *vg_facts_str(struct vg_facts *f, const char *s);
const char *vg_facts_strn(struct vg_facts *f, const char *s, size_t n);

/* Mark a source collected, or not collected with a printf reason. */
void vg_facts_collected(struct vg_facts *f, enum vg_source s);
void vg_facts_not_collected(struct vg_facts *f, enum vg_source s,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a warning (printf-style); silently counted past the limit. */
void vg_facts_warn(struct vg_facts *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Append a zeroed element and return it (its times set to UNKNOWN where
 * it has any); NULL on no memory or past VG_MAX_ITEMS.
 */
struct vg_package *vg_facts_add_package(struct vg_facts *f);
struct vg_upgrade *vg_facts_add_upgrade(struct vg_facts *f);
struct vg_account *vg_facts_add_account(struct vg_facts *f);
struct vg_group *vg_facts_add_group(struct vg_facts *f);
struct vg_sudo_rule *vg_facts_add_sudo_rule(struct vg_facts *f);
struct vg_mail_forward *vg_facts_add_forward(struct vg_facts *f);
struct vg_cloud_client *vg_facts_add_cloud_client(struct vg_facts *f);
struct vg_service *vg_facts_add_service(struct vg_facts *f);
struct vg_backup *vg_facts_add_backup(struct vg_facts *f);
/* NULL past VG_MAX_DEVICE_LOGINS too. */
struct vg_device_login *vg_facts_add_device_login(struct vg_facts *f);
/* Times UNKNOWN; NULL past VG_MAX_DEVICE_EVIDENCE too. */
struct vg_device_evidence *vg_facts_add_device_evidence(struct vg_facts *f);
/* cvss and epss set to -1 (unknown). */
struct vg_vuln_pkg *vg_facts_add_vuln_pkg(struct vg_facts *f);
/* NULL past VG_MAX_INCIDENT_REFS too. */
struct vg_incident_ref *vg_facts_add_incident_ref(struct vg_facts *f);

/*
 * True when f describes a network device rather than a host: the device
 * source is collected and the device has a key. Rules judge device facts
 * with the device checks only, and host facts without them.
 */
bool vg_facts_is_device(const struct vg_facts *f);

/* Look-ups (linear; NULL when absent). */
struct vg_account *vg_facts_account(const struct vg_facts *f, const char *name);
struct vg_group *vg_facts_group(const struct vg_facts *f, const char *name);
struct vg_group *vg_facts_group_by_gid(const struct vg_facts *f, int64_t gid);

#endif
