/*
 * Libraries loaded on first use (dlopen), for the few dependencies only
 * one command needs: a program that never captures or never reads a zip
 * never maps libpcap or libzip and their own dependencies (D-Bus,
 * systemd, libgcrypt, bzip2), which keeps the agent's service within its
 * memory budget.
 */
#ifndef VG_UTIL_DYNLIB_H
#define VG_UTIL_DYNLIB_H

#include <stddef.h>

#include "util/err.h"

/* One function to resolve: its name, and where its address goes (a
 * function pointer of the right type, passed as void *). */
struct vg_dynsym {
	const char *name;
	void *slot;
};

/*
 * Open soname (the library's ABI name, "libpcap.so.0.8") and resolve
 * every symbol into its slot, once: a second call answers as the first
 * did. VG_ERR_NOTFOUND with err naming the library (or the missing
 * function) when it cannot be; the slots are then left NULL. Not for
 * concurrent first calls: call it before starting threads, or from one.
 */
enum vg_rc vg_dynlib_load(const char *soname, const struct vg_dynsym *syms,
			  size_t n, void **handle, struct vg_err *err);

#endif
