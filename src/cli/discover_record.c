/*
 * `vigie discover` with a store or a server: privilege separation. The
 * parent opens the destination -- the store, with what the
 * establishment knows (enrolled hosts, declared assets) and the policy;
 * or, for a sensor, its identity and spool -- then forks; the child
 * captures, drops its privileges and decodes (discover/capture.c), and
 * sends each device's facts back as one JSON document per line. The
 * parent, which never touches a packet, decodes them as the untrusted
 * input they are, then either judges them with the rules and records
 * each device as an asset, or spools them as reports to the server
 * (POST /api/v1/devices, docs/internals/agent-protocol.md) and delivers
 * the spool as the agent does: a report leaves it only once the server
 * acknowledged it.
 */
#include "util/common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/upload.h"
#include "cli/cli.h"
#include "cli/discover_record.h"
#include "core/facts_json.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/uuid.h"
#include "util/banned.h"

#define RECORD_MAX_STREAM (256u << 20) /* all the child's facts */
#define RECORD_PAGE 500                /* hosts read per store page */
/* A sensor's report, as the server takes it: its body limit
 * (VG_SERVER_MAX_BODY) and documents per report (VG_SERVER_MAX_DEVICES);
 * more devices go in several reports. */
#define SENSOR_MAX_REPORT (16u << 20)
#define SENSOR_MAX_DEVICES 65536u
/* {"uuid":"<36>","devices":[ ... ]} around the documents, with room. */
#define SENSOR_ENVELOPE 64u
#define SENSOR_PATH "/api/v1/devices"

/* String member key of o, or NULL. */
static const char *
member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Enrolled hosts, page by page (the read API's own query). */
static bool
read_hosts(struct vg_discover_record *r, struct vg_err *err)
{
	struct vg_asset_filter flt = {NULL, NULL,        NULL, -1, -1,
				      0,    RECORD_PAGE, NULL, 0,  NULL};
	size_t i, n;
	json_t *page, *a;

	for (;;) {
		if (vg_store_list_assets(r->store, &flt, &page, err) != VG_OK)
			return false;
		n = json_array_size(json_object_get(page, "assets"));
		json_array_foreach(json_object_get(page, "assets"), i, a)(void)
			json_array_append(r->hosts, a);
		json_decref(page);
		if (n < RECORD_PAGE)
			return true;
		flt.offset += n;
	}
}

void
vg_discover_record_init(struct vg_discover_record *r)
{
	memset(r, 0, sizeof(*r));
	vg_agent_state_init(&r->st);
	r->fd = -1;
	r->lock_fd = -1;
}

bool
vg_discover_record_open(struct vg_discover_record *r, const char *db)
{
	struct vg_err err;
	json_t *a;
	size_t i, n;

	vg_discover_record_init(r);
	r->db = db;
	vg_err_clear(&err);
	if (!vg_load_policy(&r->policy, NULL, NULL))
		return false;
	r->have_policy = true;
	if (!vg_prepare_db_dir(db))
		return false;
	if ((r->hosts = json_array()) == NULL ||
	    vg_store_open_sqlite(&r->store, db, &err) != VG_OK ||
	    vg_store_assets_list(r->store, &r->assets, &err) != VG_OK ||
	    !read_hosts(r, &err)) {
		log_errx(_("cannot read the inventory of '%s': %s"), db,
			 err.msg[0] ? err.msg : _("out of memory"));
		return false;
	}
	n = json_array_size(r->assets) + json_array_size(r->hosts);
	if (n > 0 && (r->known = calloc(n, sizeof(*r->known))) == NULL) {
		log_errx("%s", _("out of memory"));
		return false;
	}
	json_array_foreach(r->assets, i, a)
	{
		struct vg_known_asset *k = &r->known[r->n_known++];

		k->kind = "asset";
		k->name = member(a, "name");
		k->mac = member(a, "mac");
		k->ip = member(a, "ip");
	}
	/* Network devices recorded earlier are assets too, but not a
	 * management: only hosts with an agent or a scan count. */
	json_array_foreach(r->hosts, i, a)
	{
		struct vg_known_asset *k;

		if (member(a, "kind") != NULL &&
		    strcmp(member(a, "kind"), "host") != 0)
			continue;
		k = &r->known[r->n_known++];
		k->kind = "host";
		k->name = member(a, "hostname");
	}
	return true;
}

/* True when url names the server enrolled: a final '/' aside, as
 * enrolment stored it. */
static bool
same_server(const char *url, const char *enrolled)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return n == strlen(enrolled) && strncmp(url, enrolled, n) == 0;
}

int
vg_discover_sensor_open(struct vg_discover_record *r, const char *server,
			const char *state_dir)
{
	struct vg_err err;
	enum vg_rc rc;

	vg_discover_record_init(r);
	r->server = server;
	vg_err_clear(&err);
	if (state_dir == NULL) {
		log_errx("%s",
			 _("discover: no state directory for the sensor "
			   "(neither XDG_STATE_HOME nor HOME is set): give "
			   "--state-dir"));
		return VG_EXIT_USAGE;
	}
	rc = vg_agent_state_load(&r->st, state_dir, &err);
	if (rc == VG_ERR_NOTFOUND) {
		log_errx(_("this sensor is not enrolled (no '%s/%s'): run "
			   "`vigie agent enroll --server URL --token TOKEN "
			   "--fingerprint PIN --state-dir %s` first"),
			 state_dir, VG_AGENT_STATE_FILE, state_dir);
		return VG_EXIT_USAGE;
	}
	if (rc != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_FAILURE;
	}
	/* The credentials belong to one server: never hand them to
	 * another one named on the command line. */
	if (!same_server(server, r->st.server)) {
		log_errx(_("discover: --server '%s' is not the server this "
			   "sensor is enrolled with ('%s', in '%s/%s')"),
			 server, r->st.server, state_dir, VG_AGENT_STATE_FILE);
		return VG_EXIT_USAGE;
	}
	if ((r->lock_fd = vg_agent_lock(state_dir, &err)) == -1 ||
	    vg_spool_open(&r->sp, state_dir, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_FAILURE;
	}
	return VG_EXIT_OK;
}

bool
vg_discover_record_fork(struct vg_discover_record *r, bool *child)
{
	int fds[2];

	*child = false;
	fflush(NULL);
	if (pipe(fds) != 0 || (r->pid = fork()) == -1) {
		log_errx(_("cannot start the capture process: %s"),
			 strerror(errno));
		return false;
	}
	if (r->pid == 0) {
		close(fds[0]);
		r->fd = fds[1];
		*child = true;
		/* The child has no use for the store or the sensor's
		 * identity: only the parent writes or sends. The secret is
		 * wiped from the child's copy of memory. */
		vg_store_free(r->store);
		r->store = NULL;
		vg_agent_state_release(&r->st);
		vg_spool_release(&r->sp);
		if (r->lock_fd != -1)
			close(r->lock_fd); /* the parent keeps the lock */
		r->lock_fd = -1;
		return true;
	}
	close(fds[1]);
	r->fd = fds[0];
	return true;
}

/* Child: one facts document per line to the parent. */
static enum vg_rc
send_facts(void *ctx, struct vg_facts *f)
{
	struct vg_discover_record *r = ctx;
	struct vg_buf b;
	enum vg_rc rc;
	size_t off = 0;
	ssize_t w;

	vg_buf_init(&b, VG_MAX_JSON_DOC);
	if ((rc = vg_facts_write(f, &b)) != VG_OK ||
	    (rc = vg_buf_addc(&b, '\n')) != VG_OK)
		goto done;
	while (off < b.len) {
		if ((w = write(r->fd, b.data + off, b.len - off)) < 0) {
			if (errno == EINTR)
				continue;
			rc = VG_ERR_IO;
			break;
		}
		off += (size_t)w;
	}
done:
	vg_buf_release(&b);
	return rc;
}

bool
vg_discover_record_send(struct vg_discover_record *r, struct vg_devices *d,
			struct vg_oui *oui)
{
	enum vg_rc rc = vg_devices_each_facts(d, oui, "local", r->known,
					      r->n_known, send_facts, r);

	close(r->fd);
	r->fd = -1;
	if (rc != VG_OK)
		log_errx("%s",
			 _("cannot hand the devices to the recording "
			   "process"));
	return rc == VG_OK;
}

/*
 * Parent: merge what the store holds of the device into this run's
 * facts (issue 4: observations merged over time), then decide again
 * whether it is managed, since the merge may have added an address or
 * a name the inventory knows. A device never recorded is as it is.
 */
static bool
merge_stored(struct vg_discover_record *r, struct vg_facts *f)
{
	struct vg_facts before;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_facts_init(&before);
	rc = vg_store_device_facts(r->store, f->device.key, &before, &err);
	if (rc == VG_OK) {
		vg_device_facts_merge(f, &before);
		vg_device_facts_manage(f, r->known, r->n_known);
	} else if (rc == VG_ERR_PARSE) {
		/* A damaged earlier record must not stop this one. */
		log_warnx(_("the device %s's earlier facts in '%s' are not "
			    "merged: %s"),
			  f->device.key, r->db, err.msg);
		rc = VG_OK;
	} else if (rc == VG_ERR_NOTFOUND) {
		rc = VG_OK;
	} else {
		log_errx(_("cannot read the device %s in '%s': %s"),
			 f->device.key, r->db, err.msg);
	}
	vg_facts_release(&before);
	return rc == VG_OK;
}

/* Parent: merge, judge and record one device; counts what it found. */
static bool
record_facts(struct vg_discover_record *r, struct vg_facts *f)
{
	struct vg_report rep;
	struct vg_err err;
	int64_t id;

	vg_err_clear(&err);
	if (!merge_stored(r, f))
		return false;
	if (!vg_judge(f, &r->policy, &rep))
		return false;
	if (vg_store_put_scan(r->store, f, &rep, &id, &err) != VG_OK) {
		log_errx(_("cannot record the device %s in '%s': %s"),
			 f->device.key ? f->device.key : "?", r->db, err.msg);
		vg_report_release(&rep);
		return false;
	}
	r->recorded++;
	if (f->device.managed_by == NULL)
		r->unmanaged++;
	r->findings += rep.n_findings;
	vg_report_release(&rep);
	return true;
}

/* Parent, sensor: keep a checked line for the reports, as it is. The
 * server would refuse what is not a device's or too large for it. */
static bool
keep_line(struct vg_discover_record *r, const struct vg_facts *f,
	  const char *line, size_t n)
{
	struct vg_discover_line *l;
	size_t cap;

	if (!vg_facts_is_device(f)) {
		log_errx("%s",
			 _("a device's facts were refused: not a "
			   "device's facts"));
		return false;
	}
	if (n > SENSOR_MAX_REPORT - SENSOR_ENVELOPE) {
		log_errx(_("a device's facts were refused: %s: larger than "
			   "the server takes"),
			 f->device.key);
		return false;
	}
	if (r->n_lines == r->cap_lines) {
		cap = r->cap_lines ? r->cap_lines * 2 : 64;
		if ((l = reallocarray(r->lines, cap, sizeof(*l))) == NULL) {
			log_errx("%s", _("out of memory"));
			return false;
		}
		r->lines = l;
		r->cap_lines = cap;
	}
	r->lines[r->n_lines].p = line;
	r->lines[r->n_lines++].n = n;
	return true;
}

/* Parent: decode one facts line (untrusted: the child decoded packets),
 * then record it or keep it for the server. */
static bool
take_line(struct vg_discover_record *r, const char *line, size_t n)
{
	struct vg_facts f;
	struct vg_err err;
	bool ok;

	vg_err_clear(&err);
	vg_facts_init(&f);
	if (vg_facts_parse(&f, line, n, &err) != VG_OK) {
		log_errx(_("a device's facts were refused: %s"), err.msg);
		vg_facts_release(&f);
		return false;
	}
	ok = r->server != NULL ? keep_line(r, &f, line, n)
			       : record_facts(r, &f);
	vg_facts_release(&f);
	return ok;
}

/* Spool the report in b (its uuid given), saying when room was made. */
static enum vg_rc
spool_report(struct vg_discover_record *r, const char *uuid,
	     const struct vg_buf *b, struct vg_err *err)
{
	char name[VG_SPOOL_NAME_MAX];
	size_t dropped = 0;
	enum vg_rc rc;

	rc = vg_spool_put(&r->sp, (int64_t)time(NULL), uuid, b->data, b->len,
			  VG_AGENT_SPOOL_MAX, &dropped, name, err);
	if (dropped > 0)
		log_warnx(_("spool full (%d reports): dropped the %zu oldest"),
			  VG_AGENT_SPOOL_MAX, dropped);
	if (rc == VG_OK)
		log_info(_("report %s spooled"), name);
	return rc;
}

/*
 * The kept lines as reports {"uuid", "devices": [lines...]}, each
 * within the server's limits, each spooled under a UUID of its own.
 * Nothing when no device was heard.
 */
static enum vg_rc
spool_lines(struct vg_discover_record *r, struct vg_err *err)
{
	char uuid[VG_UUID_LEN + 1];
	struct vg_buf b;
	size_t i, in_report = 0, n;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&b, SENSOR_MAX_REPORT);
	for (i = 0; i <= r->n_lines && rc == VG_OK; i++) {
		n = i < r->n_lines ? r->lines[i].n : 0;
		/* Close the report at the end, or when this line would take
		 * it over a limit ("]}" and a ',' counted). */
		if (in_report > 0 &&
		    (i == r->n_lines || in_report == SENSOR_MAX_DEVICES ||
		     b.len + n + 3 > SENSOR_MAX_REPORT)) {
			if ((rc = vg_buf_add(&b, "]}", 2)) != VG_OK ||
			    (rc = spool_report(r, uuid, &b, err)) != VG_OK)
				break;
			in_report = 0;
		}
		if (i == r->n_lines)
			break;
		if (in_report == 0) {
			vg_uuid_new(uuid);
			vg_buf_reset(&b);
			rc = vg_buf_printf(&b, "{\"uuid\":\"%s\",\"devices\":[",
					   uuid);
		} else
			rc = vg_buf_addc(&b, ',');
		if (rc == VG_OK)
			rc = vg_buf_add(&b, r->lines[i].p, n);
		in_report++;
	}
	if (rc != VG_OK && err->msg[0] == '\0')
		vg_err_set(err, rc, _("out of memory"));
	vg_buf_release(&b);
	return rc;
}

/* Parent, sensor: spool the devices, deliver the whole spool once. */
static int
send_devices(struct vg_discover_record *r, int status)
{
	struct vg_agent_delivery d = {0, 0};
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (spool_lines(r, &err) != VG_OK) {
		log_errx(_("cannot spool the devices: %s"), err.msg);
		return VG_EXIT_FAILURE;
	}
	/* One attempt: what the server does not take waits in the spool,
	 * and the next run delivers it first (oldest first). */
	if ((rc = vg_upload_global_init(&err)) == VG_OK) {
		rc = vg_agent_deliver(&r->st, &r->sp, SENSOR_PATH, NULL, &d,
				      &err);
		vg_upload_global_cleanup();
	}
	if (rc != VG_OK) {
		fprintf(stderr,
			_("vigie: %zu devices spooled, delivery failed: %s\n"),
			r->n_lines, err.msg);
		return VG_EXIT_FAILURE;
	}
	fprintf(stderr, _("vigie: %zu devices sent to %s\n"), r->n_lines,
		r->st.server);
	if (d.refused > 0) {
		log_errx(ngettext("%zu report was refused by the server and "
				  "moved to '%s'",
				  "%zu reports were refused by the server and "
				  "moved to '%s'",
				  d.refused),
			 d.refused, r->sp.rejected);
		return VG_EXIT_FAILURE;
	}
	return status;
}

int
vg_discover_record_finish(struct vg_discover_record *r)
{
	struct vg_buf in;
	char chunk[65536];
	const char *p, *nl;
	int status, ws = 0;
	ssize_t got;
	pid_t w;
	bool ok = true;

	vg_buf_init(&in, RECORD_MAX_STREAM);
	while ((got = read(r->fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		/* Past the cap, keep draining the pipe: a child blocked on a
		 * full pipe would never exit. */
		if (ok && vg_buf_add(&in, chunk, (size_t)got) != VG_OK)
			ok = false;
	}
	if (!ok || got < 0) {
		log_errx("%s",
			 _("cannot read the devices from the capture "
			   "process"));
		ok = false;
	}
	close(r->fd);
	r->fd = -1;
	status = VG_EXIT_FAILURE;
	while ((w = waitpid(r->pid, &ws, 0)) == -1 && errno == EINTR)
		;
	if (w == r->pid && WIFEXITED(ws))
		status = WEXITSTATUS(ws);
	for (p = vg_buf_str(&in); ok && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break; /* a cut last line: the child failed */
		ok = take_line(r, p, (size_t)(nl - p));
	}
	if (!ok)
		status = VG_EXIT_FAILURE; /* nothing of this run is sent */
	else if (r->server != NULL)
		status = send_devices(r, status); /* the lines point into in */
	else
		fprintf(stderr,
			_("vigie: %zu devices recorded in %s, %zu findings; "
			  "%zu are neither an enrolled host nor a declared "
			  "asset\n"),
			r->recorded, r->db, r->findings, r->unmanaged);
	vg_buf_release(&in);
	return status;
}

void
vg_discover_record_release(struct vg_discover_record *r)
{
	if (r->fd != -1)
		close(r->fd);
	if (r->lock_fd != -1)
		close(r->lock_fd);
	vg_store_free(r->store);
	free(r->known);
	json_decref(r->assets);
	json_decref(r->hosts);
	if (r->have_policy)
		vg_policy_release(&r->policy);
	vg_agent_state_release(&r->st);
	vg_spool_release(&r->sp);
	free(r->lines);
	vg_discover_record_init(r);
}
