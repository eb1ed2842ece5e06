/*
 * `vigie discover` with a store: privilege separation. The parent opens
 * the store, reads what the establishment knows (enrolled hosts,
 * declared assets) and the policy, then forks; the child captures,
 * drops its privileges and decodes (discover/capture.c), and sends each
 * device's facts back as one JSON document per line. The parent, which
 * never touches a packet, decodes them as the untrusted input they are,
 * judges them with the rules and records each device as an asset.
 */
#include "util/common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/discover_record.h"
#include "core/facts_json.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/banned.h"

#define RECORD_MAX_STREAM (256u << 20) /* all the child's facts */
#define RECORD_PAGE 500                /* hosts read per store page */

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
	struct vg_asset_filter flt = {NULL, NULL, NULL, -1, -1, 0, RECORD_PAGE,
				       NULL, 0};
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

bool
vg_discover_record_open(struct vg_discover_record *r, const char *db)
{
	struct vg_err err;
	json_t *a;
	size_t i, n;

	memset(r, 0, sizeof(*r));
	r->db = db;
	r->fd = -1;
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
		/* The child has no use for the store: only the parent
		 * writes it. */
		vg_store_free(r->store);
		r->store = NULL;
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

/* Parent: judge and record one facts line; counts what it found. */
static bool
record_line(struct vg_discover_record *r, const char *line, size_t n)
{
	struct vg_report rep;
	struct vg_facts f;
	struct vg_err err;
	int64_t id;
	bool ok = false;

	vg_err_clear(&err);
	vg_facts_init(&f);
	if (vg_facts_parse(&f, line, n, &err) != VG_OK) {
		log_errx(_("a device's facts were refused: %s"), err.msg);
		return false;
	}
	if (!vg_judge(&f, &r->policy, &rep))
		goto done;
	if (vg_store_put_scan(r->store, &f, &rep, &id, &err) != VG_OK) {
		log_errx(_("cannot record the device %s in '%s': %s"),
			 f.device.key ? f.device.key : "?", r->db, err.msg);
		vg_report_release(&rep);
		goto done;
	}
	r->recorded++;
	if (f.device.managed_by == NULL)
		r->unmanaged++;
	r->findings += rep.n_findings;
	vg_report_release(&rep);
	ok = true;
done:
	vg_facts_release(&f);
	return ok;
}

int
vg_discover_record_finish(struct vg_discover_record *r)
{
	struct vg_buf in;
	char chunk[65536];
	const char *p, *nl;
	int status, ws;
	ssize_t got;
	bool ok = true;

	vg_buf_init(&in, RECORD_MAX_STREAM);
	while ((got = read(r->fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || vg_buf_add(&in, chunk, (size_t)got) != VG_OK) {
			log_errx("%s",
				 _("cannot read the devices from the "
				   "capture process"));
			ok = false;
			break;
		}
	}
	close(r->fd);
	r->fd = -1;
	while (waitpid(r->pid, &ws, 0) == -1 && errno == EINTR)
		;
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : VG_EXIT_FAILURE;
	for (p = vg_buf_str(&in); ok && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break; /* a cut last line: the child failed */
		ok = record_line(r, p, (size_t)(nl - p));
	}
	vg_buf_release(&in);
	if (!ok)
		return VG_EXIT_FAILURE;
	fprintf(stderr,
		_("vigie: %zu devices recorded in %s, %zu findings; %zu are "
		  "neither an enrolled host nor a declared asset\n"),
		r->recorded, r->db, r->findings, r->unmanaged);
	return status;
}

void
vg_discover_record_release(struct vg_discover_record *r)
{
	if (r->fd != -1)
		close(r->fd);
	vg_store_free(r->store);
	free(r->known);
	json_decref(r->assets);
	json_decref(r->hosts);
	if (r->have_policy)
		vg_policy_release(&r->policy);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}
