/*
 * libmicrohttpd, loaded on first use (util/dynlib.h). Only `vigie serve`
 * needs it, and it needs GnuTLS, whose tree (p11-kit, nettle, hogweed,
 * gmp, libtasn1, libidn2, libunistring, libffi) and constructor cost
 * every other command about a millisecond and a half at start, more than
 * the rest of a short command such as `vigie --version`.
 *
 * As for libcurl (curl_lazy.h), mhd_lazy.c defines each libmicrohttpd
 * function vigie calls, each checked against the library's prototype
 * and forwarding to the library opened at the first call; the program
 * is not linked with it, so a function missing there is an error at
 * link time.
 *
 * When the library cannot be opened, MHD_start_daemon answers NULL, the
 * other functions what they answer for nothing found (NULL, MHD_NO, 0)
 * and vg_mhd_error says why: the server asks it before starting.
 */
#ifndef VG_UTIL_MHD_LAZY_H
#define VG_UTIL_MHD_LAZY_H

#include <microhttpd.h>

/*
 * Why libmicrohttpd could not be opened ("cannot load
 * libmicrohttpd.so.12: ..."), NULL when it was. Opens it if no
 * libmicrohttpd function was called yet.
 */
const char *vg_mhd_error(void);

#endif
