/*
 * apt.conf(5) parser behind vg_collect_auto_updates. Module-private: only
 * collect/, tests/ and fuzz/ include it.
 */
#ifndef VG_COLLECT_AUTO_UPDATES_H
#define VG_COLLECT_AUTO_UPDATES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"

/* The last value an apt option was given, and where ("file:line"). */
struct vg_apt_setting {
	char value[32]; /* truncated to 31 bytes */
	char where[600];
	bool set;
};

/* The APT::Periodic options that decide whether apt updates itself. */
struct vg_apt_periodic {
	struct vg_apt_setting enable;  /* APT::Periodic::Enable */
	struct vg_apt_setting upgrade; /* APT::Periodic::Unattended-Upgrade */
	struct vg_apt_setting lists;   /* APT::Periodic::Update-Package-Lists */
};

/*
 * Parse the apt.conf text buf (len bytes, may hold NUL bytes, which count
 * as blanks) read from the file called name, and record in *ap every
 * option of interest it sets; a later setting overrides an earlier one,
 * so call it on each file in apt's order with the same *ap (zeroed
 * first). Bad syntax is a warning in f; never fails. Iterative, with no
 * recursion, so the input size does not bound the stack.
 */
void vg_apt_conf_parse(struct vg_facts *f, struct vg_apt_periodic *ap,
		       const char *name, const char *buf, size_t len);

/*
 * True when an APT::Periodic interval value turns the job on, as
 * apt.systemd.daily reads it: "always", or a positive number of days,
 * optionally with an s, m, h or d unit suffix ("1", "12h", "1d").
 */
bool vg_apt_periodic_on(const char *value);

#endif
