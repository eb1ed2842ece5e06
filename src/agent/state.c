/*
 * agent.json: read, check field by field, write atomically (0600). The
 * agent trusts this file only as far as it checks it: every field ends
 * up in a URL or an HTTP header, so each has a strict character set.
 */
#include "util/common.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/state.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/banned.h"

void
vg_agent_state_init(struct vg_agent_state *s)
{
	memset(s, 0, sizeof(*s));
}

void
vg_agent_state_release(struct vg_agent_state *s)
{
	if (s->secret != NULL)
		explicit_bzero(s->secret, strlen(s->secret));
	free(s->server);
	free(s->pin);
	free(s->agent_id);
	free(s->secret);
	free(s->site);
	vg_agent_state_init(s);
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

/* Is c allowed in field? The sets are the narrowest that work. */
static bool
field_char_ok(const char *field, unsigned char c)
{
	if (strcmp(field, "agent_id") == 0)
		return is_alnum((char)c) || c == '-';
	if (strcmp(field, "secret") == 0)
		return is_hex((char)c);
	if (strcmp(field, "pin") == 0)
		return is_alnum((char)c) || strchr("+/=;", c) != NULL;
	if (strcmp(field, "server") == 0)
		return c > 0x20 && c < 0x7f && strchr("\"\\<>`{}|^", c) == NULL;
	/* site: free text (UTF-8 allowed), but no control characters. */
	return c >= 0x20 && c != 0x7f;
}

enum vg_rc
vg_agent_check_field(const char *field, const char *value, struct vg_err *err)
{
	size_t i, n = strlen(value);

	if (n == 0)
		return vg_err_set(err, VG_ERR_PARSE, _("%s: empty"), field);
	if (n > VG_AGENT_FIELD_MAX)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s: longer than %d bytes"), field,
				  VG_AGENT_FIELD_MAX);
	for (i = 0; i < n; i++)
		if (!field_char_ok(field, (unsigned char)value[i]))
			return vg_err_set(err, VG_ERR_PARSE,
					  _("%s: invalid character at offset "
					    "%zu"),
					  field, i);
	if (strcmp(field, "server") == 0 &&
	    strncmp(value, "https://", 8) != 0 &&
	    strncmp(value, "http://", 7) != 0)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s: not an http:// or https:// URL"),
				  field);
	if (strcmp(field, "pin") == 0 && strncmp(value, "sha256//", 8) != 0)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s: not of the form sha256//BASE64"),
				  field);
	/* 128 bits at least: a short secret is a corrupt file. */
	if (strcmp(field, "secret") == 0 && n < 32)
		return vg_err_set(err, VG_ERR_PARSE, _("%s: too short"), field);
	return VG_OK;
}

/* Copy the string member name of o into *out (checked); a missing
 * optional member leaves *out NULL. */
static enum vg_rc
get_field(const json_t *o, const char *path, const char *name, bool required,
	  char **out, struct vg_err *err)
{
	const json_t *v = json_object_get(o, name);
	struct vg_err why;

	*out = NULL;
	if (v == NULL || (json_is_null(v) && !required)) {
		if (!required)
			return VG_OK;
		return vg_err_set(err, VG_ERR_PARSE,
				  _("'%s': field '%s' is missing"), path, name);
	}
	if (!json_is_string(v))
		return vg_err_set(err, VG_ERR_PARSE,
				  _("'%s': field '%s' is not a string"), path,
				  name);
	/* A NUL inside the value would cut it short: refuse it. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return vg_err_set(err, VG_ERR_PARSE,
				  _("'%s': field '%s' holds a NUL byte"), path,
				  name);
	vg_err_clear(&why);
	if (vg_agent_check_field(name, json_string_value(v), &why) != VG_OK)
		return vg_err_set(err, VG_ERR_PARSE, _("'%s': field %s"), path,
				  why.msg);
	if ((*out = strdup(json_string_value(v))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	return VG_OK;
}

enum vg_rc
vg_agent_state_load(struct vg_agent_state *s, const char *dir,
		    struct vg_err *err)
{
	char path[4096];
	struct vg_buf b;
	json_error_t jerr;
	json_t *doc = NULL;
	enum vg_rc rc;

	vg_agent_state_init(s);
	vg_buf_init(&b, VG_AGENT_STATE_MAX);
	if (snprintf(path, sizeof(path), "%s/%s", dir, VG_AGENT_STATE_FILE) >=
	    (int)sizeof(path)) {
		rc = vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				dir);
		goto done;
	}
	if ((rc = vg_file_read(path, VG_AGENT_STATE_MAX, &b, err)) != VG_OK)
		goto done;
	doc = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("'%s':%d: %s"), path,
				jerr.line, jerr.text);
		goto done;
	}
	if (!json_is_object(doc)) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("'%s': not an object"),
				path);
		goto done;
	}
	if ((rc = get_field(doc, path, "server", true, &s->server, err)) !=
		    VG_OK ||
	    (rc = get_field(doc, path, "pin", false, &s->pin, err)) != VG_OK ||
	    (rc = get_field(doc, path, "agent_id", true, &s->agent_id, err)) !=
		    VG_OK ||
	    (rc = get_field(doc, path, "secret", true, &s->secret, err)) !=
		    VG_OK ||
	    (rc = get_field(doc, path, "site", false, &s->site, err)) != VG_OK)
		goto done;
done:
	if (doc != NULL) {
		/* The secret was in the parsed tree and the buffer: wipe. */
		json_t *sec = json_object_get(doc, "secret");
		if (json_is_string(sec))
			explicit_bzero((char *)json_string_value(sec),
				       json_string_length(sec));
		json_decref(doc);
	}
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	vg_buf_release(&b);
	if (rc != VG_OK)
		vg_agent_state_release(s);
	return rc;
}

enum vg_rc
vg_agent_state_save(const struct vg_agent_state *s, const char *dir,
		    struct vg_err *err)
{
	char path[4096];
	char *text = NULL;
	json_t *doc;
	enum vg_rc rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, VG_AGENT_STATE_FILE) >=
	    (int)sizeof(path))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  dir);
	doc = json_pack("{s:s, s:s?, s:s, s:s, s:s?}", "server", s->server,
			"pin", s->pin, "agent_id", s->agent_id, "secret",
			s->secret, "site", s->site);
	if (doc == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	rc = vg_file_write_atomic(path, text, strlen(text), 0600, err);
	explicit_bzero(text, strlen(text));
	free(text);
	return rc;
}

enum vg_rc
vg_agent_mkdir(const char *dir, struct vg_err *err)
{
	char path[4096];
	char *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  dir);
	/* Parents as a package would make them; the state dir itself is
	 * private: it holds the secret and the spooled facts. */
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

/* /var/lib/vigie/LEAF as root, else under the user's state directory. */
static const char *
default_dir(const char *leaf, char *path, size_t size)
{
	const char *xdg, *home;

	if (geteuid() == 0) {
		(void)snprintf(path, size, "/var/lib/vigie/%s", leaf);
		return path;
	}
	if ((xdg = getenv("XDG_STATE_HOME")) != NULL && xdg[0] == '/')
		(void)snprintf(path, size, "%s/vigie/%s", xdg, leaf);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		(void)snprintf(path, size, "%s/.local/state/vigie/%s", home,
			       leaf);
	else
		return NULL;
	return path;
}

const char *
vg_agent_default_state_dir(void)
{
	static char path[4096];

	return default_dir("agent", path, sizeof(path));
}

const char *
vg_sensor_default_state_dir(void)
{
	static char path[4096];

	return default_dir("sensor", path, sizeof(path));
}
