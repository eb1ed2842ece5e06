/*
 * The task watcher (tasks.h): long-poll GET /api/v1/tasks, carry out
 * "isolate" and "release", answer each with its result.
 *
 * It has its own libcurl handle (upload.c's client only POSTs and cannot
 * be told where the server is): once the host is isolated, the server's
 * host name is pinned with CURLOPT_RESOLVE to the address the agent
 * actually talked to, the only one the ruleset lets through, so no DNS
 * is needed and the agent keeps answering its server.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/isolation_state.h"
#include "agent/state.h"
#include "agent/tasks.h"
#include "agent/upload.h"
#include "respond/isolate.h"
#include "respond/snapshot.h"
#include "util/buf.h"
#include "util/curl_lazy.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

#define URL_MAX 4096
#define HOST_MAX VG_AGENT_HOST_MAX /* agent/upload.h */
#define NS_PER_S INT64_C(1000000000)
/* Beyond the server's hold, time for it to answer. */
#define POLL_SLACK 30
/* A watcher that lived this long did not die "early": backoff reset. */
#define WATCHER_HEALTHY_NS (60 * NS_PER_S)
/* Seconds a stopping watcher gets before SIGKILL. */
#define WATCHER_STOP_WAIT 5
/* Result detail kept (nft's reason, evidence errors). */
#define DETAIL_MAX 1024

struct client {
	CURL *curl;
	const struct vg_agent_state *st;
	const volatile sig_atomic_t *stop;
	struct curl_slist *resolve; /* the pin of host:port, or NULL */
	char *bearer;               /* "Authorization: Bearer id:secret" */
	char host[HOST_MAX];        /* the server's host, no brackets */
	long port;                  /* its port (default one filled in) */
	bool host_is_ip;            /* nothing to pin */
	/* The address and port of the last answered request. */
	char primary_ip[INET6_ADDRSTRLEN];
	long primary_port;
	struct vg_buf *answer;
	bool over_cap;
	char errbuf[CURL_ERROR_SIZE];
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Sleep s seconds in short slices, returning early on stop. */
static void
nap(int64_t s, const volatile sig_atomic_t *stop)
{
	int64_t wake = mono_ns() + s * NS_PER_S, left;
	struct timespec ts;

	while (!*stop && (left = wake - mono_ns()) > 0) {
		if (left > NS_PER_S / 4)
			left = NS_PER_S / 4;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left;
		(void)nanosleep(&ts, NULL);
	}
}

/* Retry delay after `failures` failed polls: 1, 2, 4... 60 s, ±20 %.
 * Short on purpose: an isolation must not wait long for a server that
 * came back. */
static int64_t
poll_backoff(unsigned failures)
{
	int64_t d = VG_TASKS_BACKOFF_MIN;
	uint32_t r = 0;
	unsigned i;

	for (i = 1; i < failures && d < VG_TASKS_BACKOFF_MAX; i++)
		d *= 2;
	if (d > VG_TASKS_BACKOFF_MAX)
		d = VG_TASKS_BACKOFF_MAX;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)mono_ns();
	d = d * 4 / 5 + (int64_t)(((uint64_t)d * 2 / 5 * r) >> 32);
	return d > 0 ? d : 1;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct client *c = ctx;
	size_t n = size * nmemb;

	if (c->answer == NULL)
		return n;
	if (vg_buf_add(c->answer, p, n) != VG_OK) {
		c->over_cap = true;
		return 0;
	}
	return n;
}

static int
progress_cb(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	    curl_off_t ulnow)
{
	struct client *c = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return *c->stop ? 1 : 0;
}

/* The host and port of the server URL, as CURLOPT_RESOLVE names them. */
static enum vg_rc
split_server(struct client *c, struct vg_err *err)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char *host = NULL, *port = NULL;
	int64_t p = 0;
	size_t n;
	CURLU *u;
	enum vg_rc rc = VG_OK;

	if ((u = curl_url()) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if (curl_url_set(u, CURLUPART_URL, c->st->server, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK ||
	    vg_parse_intz(port, 1, 65535, &p) != VG_OK) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("cannot read the host and port of '%s'"),
				c->st->server);
		goto done;
	}
	c->port = (long)p;
	/* An IPv6 host comes as "[addr]". */
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		memmove(host, host + 1, n - 1);
	}
	if (snprintf(c->host, sizeof(c->host), "%s", host) >=
	    (int)sizeof(c->host)) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("host name too long"));
		goto done;
	}
	c->host_is_ip = inet_pton(AF_INET, c->host, bin) == 1 ||
		inet_pton(AF_INET6, c->host, bin) == 1;
done:
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static void
client_free(struct client *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->resolve);
	if (c->bearer != NULL) {
		explicit_bzero(c->bearer, strlen(c->bearer));
		free(c->bearer);
	}
	memset(c, 0, sizeof(*c));
}

/* The same transport rules as upload.c (vg_agent_curl_setup), and a
 * kept-alive connection for the long-poll. */
static enum vg_rc
client_init(struct client *c, const struct vg_agent_state *st,
	    const volatile sig_atomic_t *stop, struct vg_err *err)
{
	CURL *h;
	size_t n;
	bool ok = true;
	enum vg_rc rc;

	memset(c, 0, sizeof(*c));
	c->st = st;
	c->stop = stop;
	if ((rc = split_server(c, err)) != VG_OK)
		return rc;
	n = strlen(st->agent_id) + strlen(st->secret) + 32;
	if ((c->bearer = malloc(n)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	(void)snprintf(c->bearer, n, "Authorization: Bearer %s:%s",
		       st->agent_id, st->secret);
	if ((h = c->curl = curl_easy_init()) == NULL) {
		client_free(c);
		return vg_curl_err(err);
	}
	ok = vg_agent_curl_setup(h, st->pin, c->errbuf);
	ok = ok &&
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, c) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_XFERINFODATA, c) == CURLE_OK;
	/* A long-poll idles for up to VG_TASKS_WAIT seconds: keep the
	 * connection alive through middleboxes. */
	ok = ok && curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK;
	if (!ok) {
		client_free(c);
		return vg_err_set(err, VG_ERR_IO,
				  _("this libcurl lacks an option the agent "
				    "needs"));
	}
	return VG_OK;
}

/*
 * Pin the server's host name to ip (or unpin it with ip NULL): from now
 * on libcurl connects there without asking DNS, which an isolated host
 * cannot reach.
 */
static void
client_pin(struct client *c, const char *ip)
{
	struct curl_slist *l;

	if (c->host_is_ip)
		return;
	if ((l = vg_agent_resolve_list(c->host, c->port, ip)) == NULL) {
		log_warnx(_("out of memory"));
		return;
	}
	(void)curl_easy_setopt(c->curl, CURLOPT_RESOLVE, l);
	curl_slist_free_all(c->resolve);
	c->resolve = l;
	if (ip != NULL)
		log_info(_("server %s pinned to %s port %ld"), c->host, ip,
			 c->port);
}

static enum vg_rc
transfer_error(struct client *c, const char *url, CURLcode crc,
	       struct vg_err *err)
{
	const char *why =
		c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(crc);

	if (crc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		return vg_err_set(err, VG_ERR_IO,
				  _("pin mismatch: the public key of '%s' is "
				    "not the one enrolled; refusing to talk "
				    "to it"),
				  url);
	if (crc == CURLE_WRITE_ERROR && c->over_cap)
		return vg_err_set(err, VG_ERR_IO,
				  _("the answer of '%s' is too long"), url);
	return vg_err_set(err, VG_ERR_IO, _("request to '%s' failed: %s"), url,
			  why);
}

static bool
add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (l == NULL)
		return false;
	*list = l;
	return true;
}

/*
 * One request: GET when body is NULL, else POST of the JSON body.
 * timeout in seconds. On VG_OK *status and answer hold the server's
 * answer, and primary_ip/port where it came from.
 */
static enum vg_rc
client_request(struct client *c, const char *path, const char *body, size_t len,
	       long timeout, long *status, struct vg_buf *answer,
	       struct vg_err *err)
{
	struct curl_slist *headers = NULL, *h;
	char url[URL_MAX];
	char *ip = NULL;
	long port = 0;
	CURLcode crc;
	enum vg_rc rc = VG_OK;
	bool ok;

	*status = 0;
	vg_buf_reset(answer);
	if (snprintf(url, sizeof(url), "%s%s", c->st->server, path) >=
	    (int)sizeof(url))
		return vg_err_set(err, VG_ERR_USAGE, _("URL too long: '%s'"),
				  c->st->server);
	if (!add_header(&headers, c->bearer) ||
	    !add_header(&headers, "Expect:") ||
	    !add_header(&headers, "Content-Type: application/json")) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	c->answer = answer;
	c->over_cap = false;
	c->errbuf[0] = '\0';
	ok = curl_easy_setopt(c->curl, CURLOPT_URL, url) == CURLE_OK &&
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers) ==
			CURLE_OK &&
		curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, timeout) == CURLE_OK;
	if (ok && body != NULL)
		ok = curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				      (curl_off_t)len) == CURLE_OK &&
			curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body) ==
				CURLE_OK;
	else if (ok)
		ok = curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L) == CURLE_OK;
	if (!ok) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	if ((crc = curl_easy_perform(c->curl)) != CURLE_OK) {
		rc = transfer_error(c, url, crc, err);
		vg_buf_reset(answer);
		goto done;
	}
	(void)curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	/* Where the answer really came from: the one address the
	 * isolation will let through. */
	if (curl_easy_getinfo(c->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip != NULL &&
	    curl_easy_getinfo(c->curl, CURLINFO_PRIMARY_PORT, &port) ==
		    CURLE_OK) {
		(void)snprintf(c->primary_ip, sizeof(c->primary_ip), "%s", ip);
		c->primary_port = port;
	}
done:
	for (h = headers; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(headers);
	(void)curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	(void)curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
	c->answer = NULL;
	return rc;
}

/* POST a JSON body to path; VG_OK only for a 200 (409 too when
 * dup_ok: the result was already recorded). */
static enum vg_rc
post_json(struct client *c, const char *path, const char *body, size_t len,
	  bool dup_ok, struct vg_buf *answer, struct vg_err *err)
{
	char why[256];
	long status;
	enum vg_rc rc;

	rc = client_request(c, path, body, len, VG_UPLOAD_TIMEOUT, &status,
			    answer, err);
	if (rc != VG_OK)
		return rc;
	if (status == 200 || status == 201 || (dup_ok && status == 409))
		return VG_OK;
	vg_upload_error_text(answer, why, sizeof(why));
	return vg_err_set(err, VG_ERR_IO,
			  _("%s: the server answered HTTP %ld%s%s"), path,
			  status, why[0] != '\0' ? ": " : "", why);
}

/* Answer task id with state ("confirmed" or "failed") and detail; a
 * few quick retries, then the server sends the task again later. */
static void
post_result(struct client *c, int64_t id, const char *state, const char *detail)
{
	struct vg_buf answer;
	struct vg_err err;
	char path[64];
	json_t *doc;
	char *text;
	int attempt;

	doc = json_pack("{s:s, s:s}", "state", state, "detail", detail);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL) {
		log_warnx(_("out of memory"));
		return;
	}
	(void)snprintf(path, sizeof(path), "/api/v1/tasks/%lld/result",
		       (long long)id);
	vg_buf_init(&answer, VG_UPLOAD_MAX_ANSWER);
	for (attempt = 0; attempt < 3 && !*c->stop; attempt++) {
		vg_err_clear(&err);
		if (post_json(c, path, text, strlen(text), true, &answer,
			      &err) == VG_OK) {
			log_info(_("task %lld: %s reported"), (long long)id,
				 state);
			break;
		}
		log_warnx(_("task %lld: cannot report the result: %s"),
			  (long long)id, err.msg);
		nap(attempt + 1, c->stop);
	}
	vg_buf_release(&answer);
	free(text);
}

/* Snapshot and send it; the outcome goes into note (for the detail).
 * A failure here never holds the isolation back. */
static void
send_evidence(struct client *c, const char *root, int64_t id, char *note,
	      size_t size)
{
	struct vg_buf snap, answer;
	struct vg_err err;
	char host[256] = "", path[64];
	json_t *doc;

	vg_err_clear(&err);
	vg_buf_init(&snap, VG_SNAPSHOT_MAX);
	vg_buf_init(&answer, VG_UPLOAD_MAX_ANSWER);
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	(void)snprintf(path, sizeof(path), "/api/v1/tasks/%lld/evidence",
		       (long long)id);
	if (vg_snapshot_take(root, host, (int64_t)time(NULL), &snap, &err) !=
		    VG_OK ||
	    post_json(c, path, snap.data, snap.len, false, &answer, &err) !=
		    VG_OK) {
		log_warnx(_("task %lld: evidence not sent: %s"), (long long)id,
			  err.msg);
		(void)snprintf(note, size, _("; evidence not sent: %s"),
			       err.msg);
		goto done;
	}
	doc = json_loadb(answer.data != NULL ? answer.data : "", answer.len, 0,
			 NULL);
	if (json_is_integer(json_object_get(doc, "evidence")))
		(void)snprintf(note, size, _("; evidence %lld recorded"),
			       (long long)json_integer_value(
				       json_object_get(doc, "evidence")));
	json_decref(doc);
	log_info(_("task %lld: evidence sent (%zu bytes)"), (long long)id,
		 snap.len);
done:
	vg_buf_release(&snap);
	vg_buf_release(&answer);
}

/*
 * "isolate": evidence, record, ruleset, result. The address allowed is
 * the one that delivered the task. A task sent again (its result was
 * lost) for an isolation already recorded is only applied again.
 */
static void
do_isolate(struct client *c, const char *dir, const char *root, int64_t id,
	   int64_t incident)
{
	struct vg_isolation_state prev, s;
	struct vg_err err;
	char note[DETAIL_MAX] = "", detail[DETAIL_MAX];
	bool had_prev;

	vg_err_clear(&err);
	had_prev = vg_isolation_state_load(dir, &prev, NULL) == VG_OK;
	memset(&s, 0, sizeof(s));
	if (had_prev && prev.task_id == id) {
		s = prev;
	} else {
		if (c->primary_ip[0] == '\0' || c->primary_port <= 0) {
			post_result(c, id, "failed",
				    _("the agent does not know its server's "
				      "address"));
			return;
		}
		(void)snprintf(s.server_ip, sizeof(s.server_ip), "%s",
			       c->primary_ip);
		s.server_port = c->primary_port;
		s.task_id = id;
		s.incident_id = incident;
		s.applied_at = (int64_t)time(NULL);
		send_evidence(c, root, id, note, sizeof(note));
		/* Recorded first: a crash after nft must not leave a host
		 * isolated with no record to re-apply or release it. */
		if (vg_isolation_state_save(dir, &s, &err) != VG_OK) {
			log_warnx(_("task %lld: %s"), (long long)id, err.msg);
			(void)snprintf(detail, sizeof(detail),
				       _("cannot record the isolation: %s"),
				       err.msg);
			post_result(c, id, "failed", detail);
			return;
		}
	}
	if (vg_isolate_apply(s.server_ip, s.server_port, &err) != VG_OK) {
		struct vg_err e2;

		vg_err_clear(&e2);
		/* nft -f changed nothing: the record goes back to what it
		 * was, so it keeps matching the rules in force. */
		if (had_prev && prev.task_id != id)
			(void)vg_isolation_state_save(dir, &prev, &e2);
		else if (!had_prev)
			(void)vg_isolation_state_remove(dir, &e2);
		log_warnx(_("task %lld: isolation failed: %s"), (long long)id,
			  err.msg);
		post_result(c, id, "failed", err.msg);
		return;
	}
	client_pin(c, s.server_ip);
	log_warnx(_("host isolated (task %lld, incident %lld): only %s port "
		    "%ld is reachable"),
		  (long long)id, (long long)s.incident_id, s.server_ip,
		  s.server_port);
	(void)snprintf(detail, sizeof(detail),
		       _("isolated: table inet %s allows only %s port %ld%s"),
		       VG_ISOLATE_TABLE, s.server_ip, s.server_port, note);
	post_result(c, id, "confirmed", detail);
}

/* "release": exactly the table, then the record. */
static void
do_release(struct client *c, const char *dir, int64_t id)
{
	struct vg_err err;
	bool present = false;

	vg_err_clear(&err);
	if (vg_isolate_release(&present, &err) != VG_OK) {
		log_warnx(_("task %lld: release failed: %s"), (long long)id,
			  err.msg);
		post_result(c, id, "failed", err.msg);
		return;
	}
	if (vg_isolation_state_remove(dir, &err) != VG_OK)
		log_warnx("%s", err.msg);
	client_pin(c, NULL);
	log_warnx(_("isolation released (task %lld)"), (long long)id);
	post_result(c, id, "confirmed",
		    present ? _("released: table removed")
			    : _("released: the host was not isolated"));
}

/* One task of the answer; a malformed one is refused and logged. */
static void
handle_task(struct client *c, const char *dir, const char *root,
	    const json_t *t)
{
	const json_t *id = json_object_get(t, "id");
	const json_t *kind = json_object_get(t, "kind");
	const json_t *inc = json_object_get(t, "incident_id");
	char detail[256];
	int64_t tid, incident = 0;

	if (!json_is_integer(id) || json_integer_value(id) <= 0) {
		log_warnx(_("malformed task ignored (no valid id)"));
		return;
	}
	tid = (int64_t)json_integer_value(id);
	if (json_is_integer(inc) && json_integer_value(inc) > 0)
		incident = (int64_t)json_integer_value(inc);
	if (json_is_string(kind) &&
	    strcmp(json_string_value(kind), "isolate") == 0) {
		log_info(_("task %lld: isolate"), (long long)tid);
		do_isolate(c, dir, root, tid, incident);
	} else if (json_is_string(kind) &&
		   strcmp(json_string_value(kind), "release") == 0) {
		log_info(_("task %lld: release"), (long long)tid);
		do_release(c, dir, tid);
	} else {
		log_warnx(_("task %lld refused: unknown kind"), (long long)tid);
		(void)snprintf(detail, sizeof(detail), "%s",
			       _("refused: unknown task kind"));
		post_result(c, tid, "failed", detail);
	}
}

/* Parse the answer of a poll and carry out its tasks, in order. */
static enum vg_rc
handle_answer(struct client *c, const char *dir, const char *root,
	      const struct vg_buf *answer, struct vg_err *err)
{
	json_t *doc, *tasks;
	size_t i, n;

	doc = json_loadb(answer->data != NULL ? answer->data : "", answer->len,
			 JSON_REJECT_DUPLICATES, NULL);
	tasks = json_object_get(doc, "tasks");
	if (!json_is_array(tasks)) {
		json_decref(doc);
		return vg_err_set(err, VG_ERR_PARSE,
				  _("the server's task list is malformed"));
	}
	n = json_array_size(tasks);
	if (n > VG_TASKS_MAX_PER_POLL)
		n = VG_TASKS_MAX_PER_POLL; /* the rest come next poll */
	for (i = 0; i < n && !*c->stop; i++) {
		const json_t *t = json_array_get(tasks, i);

		if (!json_is_object(t)) {
			log_warnx(_("malformed task ignored"));
			continue;
		}
		handle_task(c, dir, root, t);
	}
	json_decref(doc);
	return VG_OK;
}

enum vg_rc
vg_tasks_watch(const struct vg_agent_state *st, const char *state_dir,
	       const char *root, bool once, const volatile sig_atomic_t *stop,
	       struct vg_err *err)
{
	struct vg_isolation_state iso;
	struct client c;
	struct vg_buf answer;
	struct vg_err e;
	char path[64], why[256];
	unsigned failures = 0;
	long status, wait = once ? 0 : VG_TASKS_WAIT;
	enum vg_rc rc;

	if ((rc = client_init(&c, st, stop, err)) != VG_OK)
		return rc;
	vg_buf_init(&answer, VG_TASKS_MAX_ANSWER);
	/* Isolated already (a restart): the name cannot be resolved any
	 * more, and the recorded address is the one let through. */
	if (vg_isolation_state_load(state_dir, &iso, NULL) == VG_OK) {
		client_pin(&c, iso.server_ip);
		(void)snprintf(c.primary_ip, sizeof(c.primary_ip), "%s",
			       iso.server_ip);
		c.primary_port = iso.server_port;
	}
	(void)snprintf(path, sizeof(path), "/api/v1/tasks?wait=%ld", wait);
	while (!*stop) {
		vg_err_clear(&e);
		rc = client_request(&c, path, NULL, 0, wait + POLL_SLACK,
				    &status, &answer, &e);
		if (rc == VG_OK && status != 200) {
			vg_upload_error_text(&answer, why, sizeof(why));
			if (status == 401)
				rc = vg_err_set(&e, VG_ERR_IO,
						_("the server refused this "
						  "agent's credentials (401)"));
			else
				rc = vg_err_set(&e, VG_ERR_IO,
						_("tasks: the server answered "
						  "HTTP %ld%s%s"),
						status,
						why[0] != '\0' ? ": " : "",
						why);
		}
		if (rc == VG_OK)
			rc = handle_answer(&c, state_dir, root, &answer, &e);
		if (once) {
			if (rc != VG_OK)
				(void)vg_err_set(err, VG_ERR_IO, "%s", e.msg);
			break;
		}
		if (rc != VG_OK && !*stop) {
			int64_t d = poll_backoff(++failures);

			log_warnx(_("%s; next task poll in %lld s"), e.msg,
				  (long long)d);
			nap(d, stop);
			continue;
		}
		failures = 0;
	}
	vg_buf_release(&answer);
	client_free(&c);
	return once ? rc : VG_OK;
}

void
vg_tasks_watcher_init(struct vg_tasks_watcher *w)
{
	memset(w, 0, sizeof(*w));
}

/* The child: libcurl, the watch loop, and nothing else. */
static void __attribute__((noreturn))
watcher_main(const struct vg_agent_state *st, const char *state_dir,
	     const char *root, int close_fd, pid_t parent,
	     const volatile sig_atomic_t *stop)
{
	struct vg_err err;

	/* Ends with the service, even when the service is killed -9:
	 * else a restarted agent would meet its old watcher. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	if (close_fd != -1)
		close(close_fd);
	vg_err_clear(&err);
	if (vg_upload_global_init(&err) != VG_OK) {
		log_warnx("%s", err.msg);
		_exit(1);
	}
	if (vg_tasks_watch(st, state_dir, root, false, stop, &err) != VG_OK)
		log_warnx("%s", err.msg);
	vg_upload_global_cleanup();
	_exit(0);
}

void
vg_tasks_watcher_tend(struct vg_tasks_watcher *w,
		      const struct vg_agent_state *st, const char *state_dir,
		      const char *root, int close_fd,
		      const volatile sig_atomic_t *stop)
{
	int64_t now = mono_ns(), d;
	pid_t pid, parent = getpid();
	int status;

	if (w->pid > 0) {
		pid = waitpid(w->pid, &status, WNOHANG);
		if (pid == 0 || (pid == -1 && errno == EINTR))
			return; /* running */
		if (WIFSIGNALED(status))
			log_warnx(_("the task watcher ended by signal %d"),
				  WTERMSIG(status));
		/* Dying soon after start again and again: back off. */
		if (now - w->started < WATCHER_HEALTHY_NS)
			w->failures++;
		else
			w->failures = 0;
		d = w->failures > 0 ? poll_backoff(w->failures) : 0;
		w->next_start = now + d * NS_PER_S;
		w->pid = 0;
	}
	if (*stop || now < w->next_start)
		return;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warnx(_("cannot start the task watcher: %s"),
			  strerror(errno));
		w->next_start = now + VG_TASKS_BACKOFF_MAX * NS_PER_S;
		return;
	}
	if (pid == 0)
		watcher_main(st, state_dir, root, close_fd, parent, stop);
	w->pid = pid;
	w->started = now;
	log_info(_("task watcher started (process %d)"), (int)pid);
}

void
vg_tasks_watcher_stop(struct vg_tasks_watcher *w)
{
	int status, i;

	if (w->pid <= 0)
		return;
	(void)kill(w->pid, SIGTERM);
	for (i = 0; i < WATCHER_STOP_WAIT * 20; i++) {
		if (waitpid(w->pid, &status, WNOHANG) != 0)
			goto done;
		(void)nanosleep(&(struct timespec){0, NS_PER_S / 20}, NULL);
	}
	(void)kill(w->pid, SIGKILL);
	(void)waitpid(w->pid, &status, 0);
done:
	w->pid = 0;
}
