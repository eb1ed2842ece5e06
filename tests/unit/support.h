/* Helpers shared by the cmocka unit tests. */
#ifndef VG_TEST_SUPPORT_H
#define VG_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/facts.h"

/* True when f holds a warning containing needle. */
int vg_test_has_warning(const struct vg_facts *f, const char *needle);

/* Make a fresh temporary directory (caller removes it with
 * vg_test_rmtree); aborts the test on failure. */
char *vg_test_tmpdir(void);
void vg_test_rmtree(const char *dir);
/* Write content to dir/rel, creating parent directories. */
void vg_test_write(const char *dir, const char *rel, const char *content);
void vg_test_write_bytes(const char *dir, const char *rel, const void *p,
			 size_t n);

/*
 * Turn off (or back on) the capabilities that let root ignore file
 * modes, so a test run as root meets EACCES like an ordinary user.
 * Without them (not root) it changes nothing. False when the kernel
 * refuses.
 */
int vg_test_dac_caps(int on);

#endif
