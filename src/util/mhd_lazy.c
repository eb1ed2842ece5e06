/*
 * The libmicrohttpd functions vigie calls, forwarding to the library
 * opened on the first call (mhd_lazy.h). Each definition is checked
 * against libmicrohttpd's own prototype, and each pointer is typed from
 * it.
 */
#include "util/common.h"

#include <stdarg.h>

#include "util/dynlib.h"
#include "util/mhd_lazy.h"
#include "util/banned.h"

/* Debian 12's libmicrohttpd12, what libmicrohttpd-dev links against. */
#define MHD_SONAME "libmicrohttpd.so.12"

static struct {
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_create_response_from_buffer)
		*create_response_from_buffer;
	__typeof__(MHD_create_response_from_buffer_with_free_callback)
		*create_response_from_buffer_with_free_callback;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_get_connection_values) *get_connection_values;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_resume_connection) *resume_connection;
	__typeof__(MHD_start_daemon_va) *start_daemon_va;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_suspend_connection) *suspend_connection;
} M;

#define SYM(f) VG_DYNSYM("MHD_", M, f)
static const struct vg_dynsym mhd_syms[] = {
	SYM(add_response_header),
	SYM(create_response_from_buffer),
	SYM(create_response_from_buffer_with_free_callback),
	SYM(destroy_response),
	SYM(get_connection_info),
	SYM(get_connection_values),
	SYM(lookup_connection_value),
	SYM(queue_response),
	SYM(resume_connection),
	SYM(start_daemon_va),
	SYM(stop_daemon),
	SYM(suspend_connection),
};
#undef SYM

/* Opened on the first call: the server's, before any worker exists. */
VG_DYNLIB_DEFINE(MHD_SONAME, mhd_syms);

const char *
vg_mhd_error(void)
{
	return vg_dynlib_error(&lib);
}

/* The options after dh_cls go on as the va_list the library's own
 * MHD_start_daemon hands to MHD_start_daemon_va. */
struct MHD_Daemon *
MHD_start_daemon(unsigned int flags, uint16_t port,
		 MHD_AcceptPolicyCallback apc, void *apc_cls,
		 MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	if (!loaded())
		return NULL;
	va_start(ap, dh_cls);
	d = M.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void
MHD_stop_daemon(struct MHD_Daemon *daemon)
{
	if (loaded())
		M.stop_daemon(daemon);
}

/*
 * No info type vigie asks for takes an argument after it (nor does
 * libmicrohttpd read one for any type: its definition never opens its
 * "..."), so none is passed on.
 */
const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *connection,
			enum MHD_ConnectionInfoType info_type, ...)
{
	return loaded() ? M.get_connection_info(connection, info_type) : NULL;
}

int
MHD_get_connection_values(struct MHD_Connection *connection,
			  enum MHD_ValueKind kind,
			  MHD_KeyValueIterator iterator, void *iterator_cls)
{
	return loaded() ? M.get_connection_values(connection, kind, iterator,
						  iterator_cls)
			: 0;
}

const char *
MHD_lookup_connection_value(struct MHD_Connection *connection,
			    enum MHD_ValueKind kind, const char *key)
{
	return loaded() ? M.lookup_connection_value(connection, kind, key)
			: NULL;
}

void
MHD_suspend_connection(struct MHD_Connection *connection)
{
	if (loaded())
		M.suspend_connection(connection);
}

void
MHD_resume_connection(struct MHD_Connection *connection)
{
	if (loaded())
		M.resume_connection(connection);
}

struct MHD_Response *
MHD_create_response_from_buffer(size_t size, void *buffer,
				enum MHD_ResponseMemoryMode mode)
{
	return loaded() ? M.create_response_from_buffer(size, buffer, mode)
			: NULL;
}

struct MHD_Response *
MHD_create_response_from_buffer_with_free_callback(
	size_t size, void *buffer, MHD_ContentReaderFreeCallback crfc)
{
	return loaded() ? M.create_response_from_buffer_with_free_callback(
				  size, buffer, crfc)
			: NULL;
}

enum MHD_Result
MHD_add_response_header(struct MHD_Response *response, const char *header,
			const char *content)
{
	return loaded() ? M.add_response_header(response, header, content)
			: MHD_NO;
}

enum MHD_Result
MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
		   struct MHD_Response *response)
{
	return loaded() ? M.queue_response(connection, status_code, response)
			: MHD_NO;
}

void
MHD_destroy_response(struct MHD_Response *response)
{
	if (loaded())
		M.destroy_response(response);
}
