/*
 * libcurl, loaded on first use (util/dynlib.h). Only the agent, the
 * feed download and the alert senders need it, and its dependency tree
 * (Kerberos, LDAP, SSH, RTMP, IDN, HTTP/2: 18 libraries in all) cost every
 * other command about 3 ms of dynamic loading at start. The agent's
 * long-lived service process, whose children upload, never maps it.
 *
 * Nothing changes where libcurl is called: curl_lazy.c defines each
 * libcurl function vigie calls, and each forwards to the library opened
 * at the first call. Defining the functions themselves, rather than
 * renaming them with macros, keeps libcurl's compile-time checks of the
 * argument given to each curl_easy_setopt option (its typecheck-gcc.h
 * wraps the call in a macro of the same name). The program is not linked
 * with libcurl: a libcurl function called without being defined here is
 * an error at link time, not a silent direct dependency.
 *
 * When the library cannot be opened every function fails as libcurl does
 * when out of resources (NULL handles, CURLE_FAILED_INIT,
 * CURLUE_OUT_OF_MEMORY), and vg_curl_error says why.
 */
#ifndef VG_UTIL_CURL_LAZY_H
#define VG_UTIL_CURL_LAZY_H

#include <curl/curl.h>

#include "util/err.h"

/*
 * Why libcurl could not be opened ("cannot load libcurl-gnutls.so.4:
 * ..."), NULL when it was or is not yet asked for. Opens it if no libcurl
 * function was called yet.
 */
const char *vg_curl_error(void);

/*
 * Report in err that libcurl cannot start (a failed curl_global_init or
 * curl_easy_init): the load failure when there is one. Returns VG_ERR_IO.
 */
enum vg_rc vg_curl_err(struct vg_err *err);

#endif
