/*
 * Libraries loaded on first use (dlopen), for the few dependencies only
 * some commands need: a program that never captures or never reads a zip
 * never maps libpcap or libzip and their own dependencies (D-Bus,
 * systemd, libgcrypt, bzip2), which keeps the agent's service within its
 * memory budget; one that neither downloads nor serves skips libcurl,
 * libmicrohttpd and GnuTLS, whose trees cost a short command most of its
 * start.
 */
#ifndef VG_UTIL_DYNLIB_H
#define VG_UTIL_DYNLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* One function to resolve: its name, and where its address goes (a
 * function pointer of the right type, passed as void *). */
struct vg_dynsym {
	const char *name;
	void *slot;
};

/* The row for the function prefix##f, whose address goes to slots.f. */
#define VG_DYNSYM(prefix, slots, f)                                            \
	{                                                                      \
		prefix #f, (void *)&(slots).f                                  \
	}

/*
 * Open soname (the library's ABI name, "libpcap.so.0.8") and resolve
 * every symbol into its slot, once: a second call answers as the first
 * did. VG_ERR_NOTFOUND with err naming the library (or the missing
 * function) when it cannot be; the slots are then left NULL. Not for
 * concurrent first calls: call it before starting threads, or from one.
 */
enum vg_rc vg_dynlib_load(const char *soname, const struct vg_dynsym *syms,
			  size_t n, void **handle, struct vg_err *err);

/*
 * A library whose functions vigie defines itself, each forwarding to the
 * library opened by the first call from any thread (util/curl_lazy.c,
 * util/mhd_lazy.c, util/gnutls_lazy.c, and the compression libraries'
 * util/zlib_lazy.c, util/lzma_lazy.c, util/lz4_lazy.c,
 * util/zstd_lazy.c). Defined with VG_DYNLIB_DEFINE; the fields are
 * vg_dynlib_ready's.
 */
struct vg_dynlib {
	const char *soname;
	const struct vg_dynsym *syms;
	size_t n;
	void (*open)(void); /* pthread_once's routine, for this library */
	pthread_once_t once;
	void *handle;      /* set once opened */
	struct vg_err err; /* why it could not be, else empty */
};

/*
 * In a file that forwards to one library, the one named so (its soname)
 * whose symbols are the array table, define: lib, its struct vg_dynlib;
 * lib_open, its pthread_once routine (which takes no argument, hence one
 * per library); and loaded(), whether it is open, opening it on the
 * first call from any thread (vg_dynlib_ready).
 */
#define VG_DYNLIB_DEFINE(so, table)                                            \
	static struct vg_dynlib lib;                                           \
	static void lib_open(void)                                             \
	{                                                                      \
		vg_dynlib_open(&lib);                                          \
	}                                                                      \
	static bool loaded(void)                                               \
	{                                                                      \
		return vg_dynlib_ready(&lib);                                  \
	}                                                                      \
	static struct vg_dynlib lib = {.soname = (so),                         \
				       .syms = (table),                        \
				       .n = VG_ARRAY_LEN(table),               \
				       .open = lib_open,                       \
				       .once = PTHREAD_ONCE_INIT}

/* Open lib and resolve its symbols: the body of its pthread_once
 * routine, not to be called otherwise. */
void vg_dynlib_open(struct vg_dynlib *lib);

/*
 * Whether lib is open, opening it on the first call from any thread;
 * a call that races with that first one waits for it. Cheap after that
 * (pthread_once's check), so each forwarder asks.
 */
bool vg_dynlib_ready(struct vg_dynlib *lib);

/* Why lib cannot be opened ("cannot load libgnutls.so.30: ..."), NULL
 * when it can: opens it if not yet asked for. */
const char *vg_dynlib_error(struct vg_dynlib *lib);

/*
 * Report in err a failure of lib's that, the library open, only a lack
 * of memory explains (a NULL context, a stream that cannot start): why
 * lib cannot be opened when it cannot (VG_ERR_NOTFOUND), else "out of
 * memory" (VG_ERR_NOMEM). Returns the code set.
 */
enum vg_rc vg_dynlib_nomem(struct vg_dynlib *lib, struct vg_err *err);

#endif
