/*
 * Every limit on input someone else controls, in one place. A file or
 * count past its limit is refused or truncated with a warning, never
 * trusted.
 */
#ifndef VG_UTIL_LIMITS_H
#define VG_UTIL_LIMITS_H

#define VG_MAX_CONFIG_FILE (1u << 20)   /* vigie.conf, sshd_config, PAM */
#define VG_MAX_TEXT_FILE (64u << 20)    /* passwd, group, dpkg status */
#define VG_MAX_LIST_FILE (256u << 20)   /* one decompressed apt list */
#define VG_MAX_BINARY_FILE (256u << 20) /* lastlog, wtmp */
#define VG_MAX_LINE 65536         /* one logical line, continuations joined */
#define VG_MAX_INCLUDE_DEPTH 8    /* sudoers / sshd_config includes */
#define VG_MAX_INCLUDED_FILES 256 /* files pulled in by includes */
#define VG_MAX_WARNINGS 1000      /* warnings kept in one facts document */
#define VG_MAX_ITEMS 1000000      /* entries in one facts array */
#define VG_MAX_LIST_ITEMS 4096    /* members in a group, users in a rule */
#define VG_MAX_HOMES 100000       /* home directories inspected */
#define VG_MAX_JSON_DOC (256u << 20) /* one facts JSON document */
#define VG_MAX_JSON_DEPTH 32         /* nesting of a facts document */
#define VG_MAX_SYMLINKS 40           /* links followed in one path, as Linux */

#endif
