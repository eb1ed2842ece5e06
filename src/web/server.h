/*
 * `vigie serve`: the HTTPS server (libmicrohttpd with GnuTLS) that
 * receives agents' reports and serves the API. Runs until SIGINT or
 * SIGTERM; SIGHUP reloads the policy.
 */
#ifndef VG_WEB_SERVER_H
#define VG_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct vg_policy;

#define VG_SERVER_MAX_BODY (16u << 20)       /* one facts report */
#define VG_SERVER_MAX_SMALL_BODY (64u << 10) /* enrolment, forms */
/* Devices' facts documents in one sensor's report (POST /api/v1/devices):
 * as many as one capture keeps (discover/devices.h, VG_DEV_MAX_DEVICES). */
#define VG_SERVER_MAX_DEVICES 65536u

struct vg_server_config {
	const char *listen;    /* "127.0.0.1:8443", "[::1]:8443", ":8443" */
	const char *db;        /* SQLite store */
	const char *config;    /* policy file, or NULL for the default */
	const char *state_dir; /* certificate and key live here */
	const char *cert;      /* PEM certificate, or NULL: state_dir's */
	const char *key;       /* PEM key, or NULL: state_dir's */
	bool tls;              /* false only on a loopback address */
	const char *user;      /* drop to this user when root ("vigie") */
	unsigned threads;      /* thread pool size, 0 = number of CPUs */
	/* The policy judging reports: the caller's, kept until the run
	 * ends; NULL for the defaults of RULES.md. */
	const struct vg_policy *policy;
	/* On SIGHUP: load the policy anew into *out (the callback
	 * initialises it); false keeps the current one, the callback having
	 * said why. NULL: SIGHUP changes nothing. Stored facts are not
	 * re-judged yet. */
	bool (*reload_policy)(void *ctx, struct vg_policy *out);
	void *reload_ctx;
};

/*
 * Start serving and block until a stop signal. Prints the listening URL
 * and, under TLS, the certificate's public-key pin ("sha256//...") on
 * stdout. VG_ERR_USAGE for a bad listen address or --no-tls off
 * loopback.
 */
enum vg_rc vg_server_run(const struct vg_server_config *cfg,
			 struct vg_err *err);

/* Make sure state_dir holds a certificate and key, generating a
 * self-signed pair at first start; out gets the public-key pin
 * "sha256//<base64>" that agents give as --fingerprint. */
enum vg_rc vg_tls_ensure(const char *state_dir, const char *cert,
			 const char *key, char pin[128], struct vg_err *err);

#endif
