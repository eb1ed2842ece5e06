/*
 * The server's certificate (server.h: vg_tls_ensure). With none
 * configured, a self-signed one is made at first start with GnuTLS: an
 * ECDSA P-256 key, X.509 v3, ten years, names for this host and
 * loopback. Agents trust it by pinning its public key, so the pin is
 * computed exactly as libcurl's CURLOPT_PINNEDPUBLICKEY does: SHA-256
 * over the DER SubjectPublicKeyInfo, in base64.
 */
#include "util/common.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "web/http.h"
#include "web/server.h"
#include "util/buf.h"
#include "util/gnutls_lazy.h"
#include "util/root.h"
#include "util/banned.h"

#define TLS_MAX_PEM (1u << 20)            /* a certificate or key file */
#define TLS_VALIDITY (10 * 365 * 86400LL) /* self-signed lifetime */
#define TLS_BACKDATE 3600                 /* tolerate clock skew */

enum vg_rc
vg_tls_paths(const char *state_dir, const char *cert, const char *key,
	     char crt_out[4096], char key_out[4096], struct vg_err *err)
{
	if ((cert == NULL) != (key == NULL))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("--cert and --key go together"));
	if (cert != NULL) {
		if (snprintf(crt_out, 4096, "%s", cert) >= 4096 ||
		    snprintf(key_out, 4096, "%s", key) >= 4096)
			return vg_err_set(err, VG_ERR_USAGE,
					  _("certificate path too long"));
		return VG_OK;
	}
	if (state_dir == NULL || state_dir[0] == '\0')
		return vg_err_set(err, VG_ERR_USAGE, _("no state directory"));
	if (snprintf(crt_out, 4096, "%s/server.crt", state_dir) >= 4096 ||
	    snprintf(key_out, 4096, "%s/server.key", state_dir) >= 4096)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("state directory path too long: '%s'"),
				  state_dir);
	return VG_OK;
}

/* mkdir -p dir, the last component 0700 (it will hold the key). */
static enum vg_rc
make_dir(const char *dir, struct vg_err *err)
{
	char path[4096];
	char *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("state directory path too long: '%s'"),
				  dir);
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		goto fail;
	return VG_OK;
fail:
	return vg_err_set(err, VG_ERR_IO, _("cannot create directory '%s': %s"),
			  path, strerror(errno));
}

/* A DNS name GnuTLS may put in a SAN: letters, digits, '-', '.'. */
static bool
dns_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

#define GT(call)                                                               \
	do {                                                                   \
		if ((ret = (call)) < 0)                                        \
			goto gnutls_fail;                                      \
	} while (0)

/* Generate the self-signed pair and write it (key 0600, cert 0644). */
static enum vg_rc
generate(const char *crt_path, const char *key_path, struct vg_err *err)
{
	static const unsigned char ip4[4] = {127, 0, 0, 1};
	static const unsigned char ip6[16] = {[15] = 1};
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = {NULL, 0}, cpem = {NULL, 0};
	unsigned char serial[16], kid[64];
	size_t kid_len = sizeof(kid);
	char host[256] = "localhost";
	time_t now = time(NULL);
	enum vg_rc rc = VG_OK;
	int ret;

	if (gethostname(host, sizeof(host)) != 0 || !dns_name_ok(host))
		(void)snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	/* A positive serial of 127 random bits (RFC 5280: at most 20
	 * octets, unpredictable). */
	randombytes_buf(serial, sizeof(serial));
	serial[0] &= 0x7f;
	serial[0] |= 0x01;

	GT(gnutls_x509_privkey_init(&key));
	GT(gnutls_x509_privkey_generate(
		key, GNUTLS_PK_ECDSA,
		GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	GT(gnutls_x509_crt_init(&crt));
	GT(gnutls_x509_crt_set_version(crt, 3));
	GT(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)));
	GT(gnutls_x509_crt_set_activation_time(crt, now - TLS_BACKDATE));
	GT(gnutls_x509_crt_set_expiration_time(crt,
					       (time_t)(now + TLS_VALIDITY)));
	GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					 host, (unsigned)strlen(host)));
	GT(gnutls_x509_crt_set_key(crt, key));
	GT(gnutls_x509_crt_set_subject_alt_name(
		crt, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND));
	if (strcmp(host, "localhost") != 0)
		GT(gnutls_x509_crt_set_subject_alt_name(
			crt, GNUTLS_SAN_DNSNAME, host, (unsigned)strlen(host),
			GNUTLS_FSAN_APPEND));
	GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4,
						sizeof(ip4),
						GNUTLS_FSAN_APPEND));
	GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6,
						sizeof(ip6),
						GNUTLS_FSAN_APPEND));
	/* A server certificate, not a CA. */
	GT(gnutls_x509_crt_set_basic_constraints(crt, 0, -1));
	GT(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
	GT(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER,
					       0));
	GT(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, kid,
				      &kid_len));
	GT(gnutls_x509_crt_set_subject_key_id(crt, kid, kid_len));
	GT(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));
	GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem));
	GT(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
					     GNUTLS_PKCS_PLAIN, &kpem));

	/* The key first: a certificate without its key is useless. */
	if ((rc = vg_file_write_atomic(key_path, kpem.data, kpem.size, 0600,
				       err)) != VG_OK ||
	    (rc = vg_file_write_atomic(crt_path, cpem.data, cpem.size, 0644,
				       err)) != VG_OK)
		goto done;
	goto done;
gnutls_fail:
	rc = vg_err_set(err, VG_ERR_IO,
			_("cannot generate the server certificate: %s"),
			gnutls_strerror(ret));
done:
	if (kpem.data != NULL) {
		sodium_memzero(kpem.data, kpem.size);
		gnutls_free(kpem.data);
	}
	gnutls_free(cpem.data);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

/*
 * Load the certificate and key at these paths, check that they belong
 * together, and compute the certificate's public-key pin.
 */
static enum vg_rc
check_and_pin(const char *crt_path, const char *key_path, char pin[128],
	      struct vg_err *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	unsigned char cid[64], kid[64];
	size_t cid_len = sizeof(cid), kid_len = sizeof(kid);
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t d, der = {NULL, 0};
	struct vg_buf cb, kb;
	char b64[64];
	enum vg_rc rc;
	int ret;

	vg_buf_init(&cb, TLS_MAX_PEM);
	vg_buf_init(&kb, TLS_MAX_PEM);
	if ((rc = vg_file_read(crt_path, TLS_MAX_PEM, &cb, err)) != VG_OK ||
	    (rc = vg_file_read(key_path, TLS_MAX_PEM, &kb, err)) != VG_OK)
		goto done;
	d.data = (unsigned char *)cb.data;
	d.size = (unsigned)cb.len;
	if ((ret = gnutls_x509_crt_init(&crt)) < 0 ||
	    (ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM)) < 0) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("'%s': %s"), crt_path,
				gnutls_strerror(ret));
		goto done;
	}
	d.data = (unsigned char *)kb.data;
	d.size = (unsigned)kb.len;
	if ((ret = gnutls_x509_privkey_init(&key)) < 0 ||
	    (ret = gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM,
					       NULL, 0)) < 0) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("'%s': %s"), key_path,
				gnutls_strerror(ret));
		goto done;
	}
	/* Same key id: the key is the certificate's. */
	if ((ret = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, cid,
					      &cid_len)) < 0 ||
	    (ret = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256,
						  kid, &kid_len)) < 0 ||
	    cid_len != kid_len || memcmp(cid, kid, cid_len) != 0) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("key '%s' does not match certificate '%s'"),
				key_path, crt_path);
		goto done;
	}
	if ((ret = gnutls_pubkey_init(&pub)) < 0 ||
	    (ret = gnutls_pubkey_import_x509(pub, crt, 0)) < 0 ||
	    (ret = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der)) < 0) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("'%s': %s"), crt_path,
				gnutls_strerror(ret));
		goto done;
	}
	(void)crypto_hash_sha256(h, der.data, der.size);
	(void)sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
				sodium_base64_VARIANT_ORIGINAL);
	(void)snprintf(pin, 128, "sha256//%s", b64);
done:
	gnutls_free(der.data);
	if (pub != NULL)
		gnutls_pubkey_deinit(pub);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	if (kb.data != NULL)
		sodium_memzero(kb.data, kb.len);
	vg_buf_release(&kb);
	vg_buf_release(&cb);
	return rc;
}

enum vg_rc
vg_tls_ensure(const char *state_dir, const char *cert, const char *key,
	      char pin[128], struct vg_err *err)
{
	char crt_path[4096], key_path[4096];
	bool have_crt, have_key;
	const char *why;
	enum vg_rc rc;

	pin[0] = '\0';
	if ((rc = vg_tls_paths(state_dir, cert, key, crt_path, key_path,
			       err)) != VG_OK)
		return rc;
	/* GnuTLS is opened here, the first time: without it, say so
	 * rather than blame a certificate file. */
	if ((why = vg_gnutls_error()) != NULL)
		return vg_err_set(err, VG_ERR_IO, "%s", why);
	if (cert == NULL) {
		/* Ours to make: generate both at first start, never one. */
		if ((rc = make_dir(state_dir, err)) != VG_OK)
			return rc;
		have_crt = access(crt_path, F_OK) == 0;
		have_key = access(key_path, F_OK) == 0;
		if (have_crt != have_key)
			return vg_err_set(err, VG_ERR_IO,
					  _("'%s' exists without '%s': remove "
					    "it to generate a new pair"),
					  have_crt ? crt_path : key_path,
					  have_crt ? key_path : crt_path);
		if (!have_crt &&
		    (rc = generate(crt_path, key_path, err)) != VG_OK)
			return rc;
	}
	return check_and_pin(crt_path, key_path, pin, err);
}
