/*
 * The GnuTLS functions vigie calls, forwarding to the library opened on
 * the first call (gnutls_lazy.h). Each definition is checked against
 * GnuTLS's own prototype, and each pointer is typed from it.
 */
#include "util/common.h"

#include "util/dynlib.h"
#include "util/gnutls_lazy.h"
#include "util/banned.h"

/* Debian 12's libgnutls30, what libgnutls28-dev links against, and what
 * libmicrohttpd.so.12 and libcurl-gnutls.so.4 load. */
#define GNUTLS_SONAME "libgnutls.so.30"

/* What a function answers when the library cannot be opened: any error
 * code would do, gnutls_strerror then says why whatever the code. */
#define NOT_LOADED GNUTLS_E_INTERNAL_ERROR

static struct {
	/* The address of GnuTLS's variable, read at each call: the
	 * deallocator is the library's to choose. */
	gnutls_free_function *free;
	__typeof__(gnutls_pubkey_deinit) *pubkey_deinit;
	__typeof__(gnutls_pubkey_export2) *pubkey_export2;
	__typeof__(gnutls_pubkey_import_x509) *pubkey_import_x509;
	__typeof__(gnutls_pubkey_init) *pubkey_init;
	__typeof__(gnutls_strerror) *strerror;
	__typeof__(gnutls_x509_crt_deinit) *x509_crt_deinit;
	__typeof__(gnutls_x509_crt_export2) *x509_crt_export2;
	__typeof__(gnutls_x509_crt_get_key_id) *x509_crt_get_key_id;
	__typeof__(gnutls_x509_crt_import) *x509_crt_import;
	__typeof__(gnutls_x509_crt_init) *x509_crt_init;
	__typeof__(gnutls_x509_crt_set_activation_time)
		*x509_crt_set_activation_time;
	__typeof__(gnutls_x509_crt_set_basic_constraints)
		*x509_crt_set_basic_constraints;
	__typeof__(gnutls_x509_crt_set_dn_by_oid) *x509_crt_set_dn_by_oid;
	__typeof__(gnutls_x509_crt_set_expiration_time)
		*x509_crt_set_expiration_time;
	__typeof__(gnutls_x509_crt_set_key) *x509_crt_set_key;
	__typeof__(gnutls_x509_crt_set_key_purpose_oid)
		*x509_crt_set_key_purpose_oid;
	__typeof__(gnutls_x509_crt_set_key_usage) *x509_crt_set_key_usage;
	__typeof__(gnutls_x509_crt_set_serial) *x509_crt_set_serial;
	__typeof__(gnutls_x509_crt_set_subject_alt_name)
		*x509_crt_set_subject_alt_name;
	__typeof__(gnutls_x509_crt_set_subject_key_id)
		*x509_crt_set_subject_key_id;
	__typeof__(gnutls_x509_crt_set_version) *x509_crt_set_version;
	__typeof__(gnutls_x509_crt_sign2) *x509_crt_sign2;
	__typeof__(gnutls_x509_privkey_deinit) *x509_privkey_deinit;
	__typeof__(gnutls_x509_privkey_export2_pkcs8)
		*x509_privkey_export2_pkcs8;
	__typeof__(gnutls_x509_privkey_generate) *x509_privkey_generate;
	__typeof__(gnutls_x509_privkey_get_key_id) *x509_privkey_get_key_id;
	__typeof__(gnutls_x509_privkey_import2) *x509_privkey_import2;
	__typeof__(gnutls_x509_privkey_init) *x509_privkey_init;
} G;

#define SYM(f) VG_DYNSYM("gnutls_", G, f)
static const struct vg_dynsym gnutls_syms[] = {
	SYM(free),
	SYM(pubkey_deinit),
	SYM(pubkey_export2),
	SYM(pubkey_import_x509),
	SYM(pubkey_init),
	SYM(strerror),
	SYM(x509_crt_deinit),
	SYM(x509_crt_export2),
	SYM(x509_crt_get_key_id),
	SYM(x509_crt_import),
	SYM(x509_crt_init),
	SYM(x509_crt_set_activation_time),
	SYM(x509_crt_set_basic_constraints),
	SYM(x509_crt_set_dn_by_oid),
	SYM(x509_crt_set_expiration_time),
	SYM(x509_crt_set_key),
	SYM(x509_crt_set_key_purpose_oid),
	SYM(x509_crt_set_key_usage),
	SYM(x509_crt_set_serial),
	SYM(x509_crt_set_subject_alt_name),
	SYM(x509_crt_set_subject_key_id),
	SYM(x509_crt_set_version),
	SYM(x509_crt_sign2),
	SYM(x509_privkey_deinit),
	SYM(x509_privkey_export2_pkcs8),
	SYM(x509_privkey_generate),
	SYM(x509_privkey_get_key_id),
	SYM(x509_privkey_import2),
	SYM(x509_privkey_init),
};
#undef SYM

/* Opened on the first call: the server's, before any worker exists. */
VG_DYNLIB_DEFINE(GNUTLS_SONAME, gnutls_syms);

const char *
vg_gnutls_error(void)
{
	return vg_dynlib_error(&lib);
}

/* Not loaded, nothing was allocated by GnuTLS: p is NULL. */
static void
free_forward(void *p)
{
	if (loaded())
		(*G.free)(p);
}

/* GnuTLS's headers declare gnutls_free a variable, which callers call
 * through: defined here, it points to the forwarder. */
gnutls_free_function gnutls_free = free_forward;

/*
 * Not loaded, the reason is the load failure, whatever the code: a
 * caller that reports a failed call with it says why. (Declared
 * __attribute__((const)): the answer for a code changes at most once,
 * when the library is opened, which callers cannot tell apart.)
 */
const char *
gnutls_strerror(int error)
{
	return loaded() ? G.strerror(error) : lib.err.msg;
}

int
gnutls_pubkey_init(gnutls_pubkey_t *key)
{
	return loaded() ? G.pubkey_init(key) : NOT_LOADED;
}

void
gnutls_pubkey_deinit(gnutls_pubkey_t key)
{
	if (loaded())
		G.pubkey_deinit(key);
}

int
gnutls_pubkey_import_x509(gnutls_pubkey_t key, gnutls_x509_crt_t crt,
			  unsigned int flags)
{
	return loaded() ? G.pubkey_import_x509(key, crt, flags) : NOT_LOADED;
}

int
gnutls_pubkey_export2(gnutls_pubkey_t key, gnutls_x509_crt_fmt_t format,
		      gnutls_datum_t *out)
{
	return loaded() ? G.pubkey_export2(key, format, out) : NOT_LOADED;
}

int
gnutls_x509_crt_init(gnutls_x509_crt_t *cert)
{
	return loaded() ? G.x509_crt_init(cert) : NOT_LOADED;
}

void
gnutls_x509_crt_deinit(gnutls_x509_crt_t cert)
{
	if (loaded())
		G.x509_crt_deinit(cert);
}

int
gnutls_x509_crt_import(gnutls_x509_crt_t cert, const gnutls_datum_t *data,
		       gnutls_x509_crt_fmt_t format)
{
	return loaded() ? G.x509_crt_import(cert, data, format) : NOT_LOADED;
}

int
gnutls_x509_crt_export2(gnutls_x509_crt_t cert, gnutls_x509_crt_fmt_t format,
			gnutls_datum_t *out)
{
	return loaded() ? G.x509_crt_export2(cert, format, out) : NOT_LOADED;
}

int
gnutls_x509_crt_get_key_id(gnutls_x509_crt_t crt, unsigned int flags,
			   unsigned char *output_data, size_t *output_data_size)
{
	return loaded() ? G.x509_crt_get_key_id(crt, flags, output_data,
						output_data_size)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_version(gnutls_x509_crt_t crt, unsigned int version)
{
	return loaded() ? G.x509_crt_set_version(crt, version) : NOT_LOADED;
}

int
gnutls_x509_crt_set_serial(gnutls_x509_crt_t cert, const void *serial,
			   size_t serial_size)
{
	return loaded() ? G.x509_crt_set_serial(cert, serial, serial_size)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_activation_time(gnutls_x509_crt_t cert, time_t act_time)
{
	return loaded() ? G.x509_crt_set_activation_time(cert, act_time)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_expiration_time(gnutls_x509_crt_t cert, time_t exp_time)
{
	return loaded() ? G.x509_crt_set_expiration_time(cert, exp_time)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_dn_by_oid(gnutls_x509_crt_t crt, const char *oid,
			      unsigned int raw_flag, const void *name,
			      unsigned int sizeof_name)
{
	return loaded() ? G.x509_crt_set_dn_by_oid(crt, oid, raw_flag, name,
						   sizeof_name)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_key(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	return loaded() ? G.x509_crt_set_key(crt, key) : NOT_LOADED;
}

int
gnutls_x509_crt_set_subject_alt_name(gnutls_x509_crt_t crt,
				     gnutls_x509_subject_alt_name_t type,
				     const void *data, unsigned int data_size,
				     unsigned int flags)
{
	return loaded() ? G.x509_crt_set_subject_alt_name(crt, type, data,
							  data_size, flags)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_basic_constraints(gnutls_x509_crt_t crt, unsigned int ca,
				      int pathLenConstraint)
{
	return loaded()
		? G.x509_crt_set_basic_constraints(crt, ca, pathLenConstraint)
		: NOT_LOADED;
}

int
gnutls_x509_crt_set_key_usage(gnutls_x509_crt_t crt, unsigned int usage)
{
	return loaded() ? G.x509_crt_set_key_usage(crt, usage) : NOT_LOADED;
}

int
gnutls_x509_crt_set_key_purpose_oid(gnutls_x509_crt_t cert, const void *oid,
				    unsigned int critical)
{
	return loaded() ? G.x509_crt_set_key_purpose_oid(cert, oid, critical)
			: NOT_LOADED;
}

int
gnutls_x509_crt_set_subject_key_id(gnutls_x509_crt_t cert, const void *id,
				   size_t id_size)
{
	return loaded() ? G.x509_crt_set_subject_key_id(cert, id, id_size)
			: NOT_LOADED;
}

int
gnutls_x509_crt_sign2(gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer,
		      gnutls_x509_privkey_t issuer_key,
		      gnutls_digest_algorithm_t dig, unsigned int flags)
{
	return loaded() ? G.x509_crt_sign2(crt, issuer, issuer_key, dig, flags)
			: NOT_LOADED;
}

int
gnutls_x509_privkey_init(gnutls_x509_privkey_t *key)
{
	return loaded() ? G.x509_privkey_init(key) : NOT_LOADED;
}

void
gnutls_x509_privkey_deinit(gnutls_x509_privkey_t key)
{
	if (loaded())
		G.x509_privkey_deinit(key);
}

int
gnutls_x509_privkey_generate(gnutls_x509_privkey_t key,
			     gnutls_pk_algorithm_t algo, unsigned int bits,
			     unsigned int flags)
{
	return loaded() ? G.x509_privkey_generate(key, algo, bits, flags)
			: NOT_LOADED;
}

int
gnutls_x509_privkey_import2(gnutls_x509_privkey_t key,
			    const gnutls_datum_t *data,
			    gnutls_x509_crt_fmt_t format, const char *password,
			    unsigned int flags)
{
	return loaded()
		? G.x509_privkey_import2(key, data, format, password, flags)
		: NOT_LOADED;
}

int
gnutls_x509_privkey_export2_pkcs8(gnutls_x509_privkey_t key,
				  gnutls_x509_crt_fmt_t format,
				  const char *password, unsigned int flags,
				  gnutls_datum_t *out)
{
	return loaded() ? G.x509_privkey_export2_pkcs8(key, format, password,
						       flags, out)
			: NOT_LOADED;
}

int
gnutls_x509_privkey_get_key_id(gnutls_x509_privkey_t key, unsigned int flags,
			       unsigned char *output_data,
			       size_t *output_data_size)
{
	return loaded() ? G.x509_privkey_get_key_id(key, flags, output_data,
						    output_data_size)
			: NOT_LOADED;
}
