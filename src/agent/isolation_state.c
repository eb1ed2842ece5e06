/*
 * isolation.json (isolation_state.h): small, checked field by field; a
 * damaged file is an error, never a guess, since it decides which
 * address the host may still reach.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/isolation_state.h"
#include "respond/isolate.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/banned.h"

static enum vg_rc
state_path(const char *dir, char *path, size_t size, struct vg_err *err)
{
	if (snprintf(path, size, "%s/%s", dir, VG_ISOLATION_STATE_FILE) >=
	    (int)size)
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  dir);
	return VG_OK;
}

static bool
is_address(const char *s)
{
	unsigned char bin[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, bin) == 1 ||
		inet_pton(AF_INET6, s, bin) == 1;
}

/* An optional integer member, >= 0, defaulting to 0. */
static bool
get_count(const json_t *o, const char *name, int64_t *out)
{
	const json_t *v = json_object_get(o, name);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (int64_t)json_integer_value(v);
	return true;
}

enum vg_rc
vg_isolation_state_load(const char *dir, struct vg_isolation_state *s,
			struct vg_err *err)
{
	char path[4096];
	struct vg_buf b;
	json_t *doc = NULL, *ip, *port;
	enum vg_rc rc;

	memset(s, 0, sizeof(*s));
	if ((rc = state_path(dir, path, sizeof(path), err)) != VG_OK)
		return rc;
	vg_buf_init(&b, VG_ISOLATION_STATE_MAX);
	if ((rc = vg_file_read(path, VG_ISOLATION_STATE_MAX, &b, err)) != VG_OK)
		goto done;
	doc = json_loadb(b.data != NULL ? b.data : "", b.len,
			 JSON_REJECT_DUPLICATES, NULL);
	ip = json_object_get(doc, "server_ip");
	port = json_object_get(doc, "server_port");
	if (!json_is_object(doc) || !json_is_string(ip) ||
	    json_string_length(ip) >= sizeof(s->server_ip) ||
	    !is_address(json_string_value(ip)) || !json_is_integer(port) ||
	    json_integer_value(port) < 1 || json_integer_value(port) > 65535 ||
	    !get_count(doc, "task_id", &s->task_id) ||
	    !get_count(doc, "incident_id", &s->incident_id) ||
	    !get_count(doc, "applied_at", &s->applied_at)) {
		memset(s, 0, sizeof(*s));
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("'%s' is damaged: remove it with `vigie "
				  "agent release --local`"),
				path);
		goto done;
	}
	(void)snprintf(s->server_ip, sizeof(s->server_ip), "%s",
		       json_string_value(ip));
	s->server_port = (long)json_integer_value(port);
done:
	json_decref(doc);
	vg_buf_release(&b);
	return rc;
}

enum vg_rc
vg_isolation_state_save(const char *dir, const struct vg_isolation_state *s,
			struct vg_err *err)
{
	char path[4096];
	json_t *doc;
	char *text;
	enum vg_rc rc;

	if ((rc = state_path(dir, path, sizeof(path), err)) != VG_OK)
		return rc;
	if (!is_address(s->server_ip) || s->server_port < 1 ||
	    s->server_port > 65535)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("invalid server address for the "
				    "isolation"));
	doc = json_pack("{s:b, s:s, s:I, s:I, s:I, s:I}", "isolated", 1,
			"server_ip", s->server_ip, "server_port",
			(json_int_t)s->server_port, "task_id",
			(json_int_t)s->task_id, "incident_id",
			(json_int_t)s->incident_id, "applied_at",
			(json_int_t)s->applied_at);
	if (doc == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	rc = vg_file_write_atomic(path, text, strlen(text), 0600, err);
	free(text);
	return rc;
}

enum vg_rc
vg_isolation_state_remove(const char *dir, struct vg_err *err)
{
	char path[4096];
	enum vg_rc rc;

	if ((rc = state_path(dir, path, sizeof(path), err)) != VG_OK)
		return rc;
	if (unlink(path) == -1 && errno != ENOENT)
		return vg_err_set(err, VG_ERR_IO, _("cannot remove '%s': %s"),
				  path, strerror(errno));
	return VG_OK;
}

enum vg_rc
vg_isolation_reapply(const char *dir, bool *isolated, struct vg_err *err)
{
	struct vg_isolation_state s;
	enum vg_rc rc;

	if (isolated != NULL)
		*isolated = false;
	rc = vg_isolation_state_load(dir, &s, err);
	if (rc == VG_ERR_NOTFOUND) {
		vg_err_clear(err);
		return VG_OK;
	}
	if (rc != VG_OK)
		return rc;
	if (isolated != NULL)
		*isolated = true;
	return vg_isolate_apply(s.server_ip, s.server_port, err);
}
