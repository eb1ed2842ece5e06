/*
 * GnuTLS, loaded on first use (util/dynlib.h). Only `vigie serve` needs
 * it: web/tls.c makes and checks the server's certificate with it, and
 * libmicrohttpd (mhd_lazy.h) serves TLS with it. Linked, its
 * constructor and its tree (p11-kit, nettle, hogweed, gmp, libtasn1,
 * libidn2, libunistring, libffi) cost every command about a millisecond
 * and a half at start, more than the rest of `vigie --version`.
 *
 * As for libcurl (curl_lazy.h), gnutls_lazy.c defines each GnuTLS
 * function vigie calls, each checked against the library's prototype
 * and forwarding to the library opened at the first call, and
 * gnutls_free, which GnuTLS declares as a variable (a pointer to its
 * deallocator), not a function. The program is not linked with GnuTLS,
 * so a function missing there is an error at link time.
 *
 * When the library cannot be opened the functions answer
 * GNUTLS_E_INTERNAL_ERROR (the deinit ones do nothing), gnutls_strerror
 * answers why for any code, and so does vg_gnutls_error.
 */
#ifndef VG_UTIL_GNUTLS_LAZY_H
#define VG_UTIL_GNUTLS_LAZY_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/*
 * Why GnuTLS could not be opened ("cannot load libgnutls.so.30: ..."),
 * NULL when it was. Opens it if no GnuTLS function was called yet.
 */
const char *vg_gnutls_error(void);

#endif
