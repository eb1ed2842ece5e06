/*
 * `vigie agent run`: collect, spool, deliver, sleep. A report is written
 * to the spool before any upload is tried and leaves it only after the
 * server acknowledged it (200 or 201), so neither a dead network nor a
 * crash loses one; the server drops a resent UUID, so a lost
 * acknowledgement costs a resend, never a duplicate.
 *
 * Between cycles the agent holds only its identity and the spool's
 * names: the facts, the HTTP client and every buffer are freed each
 * cycle, which keeps an idle agent small.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/isolation_state.h"
#include "agent/sections.h"
#include "agent/spool.h"
#include "agent/state.h"
#include "agent/tasks.h"
#include "agent/upload.h"
#include "collect/collect.h"
#include "core/facts_json.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/root.h"
#include "util/text.h"
#include "util/uuid.h"
#include "util/banned.h"

/* One report, as the server takes it (its VG_SERVER_MAX_BODY). */
#define AGENT_MAX_REPORT (16u << 20)
#define NS_PER_S INT64_C(1000000000)
/* Longest single nanosleep: bounds how late a stop signal that lands
 * just before the sleep is noticed. */
#define SLEEP_SLICE_NS NS_PER_S

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct agent {
	const struct vg_agent_config *cfg;
	struct vg_agent_state st;
	struct vg_spool sp;
	size_t rejected; /* reports the server refused, this run */
	/* The task watcher (isolation), a child of the service; lock_fd
	 * is closed in it, the lock belonging to the service alone. */
	struct vg_tasks_watcher watcher;
	int lock_fd;
	char last_error[VG_ERR_MSG_MAX];
};

enum vg_rc
vg_agent_parse_interval(const char *s, int64_t *out, struct vg_err *err)
{
	int64_t v;

	*out = 0;
	switch (vg_parse_duration(s, VG_AGENT_MAX_INTERVAL, &v)) {
	case VG_OK:
		break;
	case VG_ERR_LIMIT:
		return vg_err_set(err, VG_ERR_PARSE,
				  _("interval '%s' is longer than %d days"), s,
				  VG_AGENT_MAX_INTERVAL / 86400);
	default:
		return vg_err_set(err, VG_ERR_PARSE,
				  _("invalid interval '%s' (a number followed "
				    "by s, m, h or d: 90s, 15m, 1h, 1d)"),
				  s);
	}
	if (v < VG_AGENT_MIN_INTERVAL)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("interval '%s' is shorter than %d "
				    "seconds"),
				  s, VG_AGENT_MIN_INTERVAL);
	*out = v;
	return VG_OK;
}

int64_t
vg_agent_backoff(unsigned failures, uint32_t rnd)
{
	int64_t base = VG_AGENT_BACKOFF_MIN, d;
	unsigned i;

	for (i = 1; i < failures && base < VG_AGENT_BACKOFF_MAX; i++)
		base *= 2;
	if (base > VG_AGENT_BACKOFF_MAX)
		base = VG_AGENT_BACKOFF_MAX;
	/* ±20 %: base * (0.8 + 0.4 * rnd / 2^32), in integers. */
	d = base * 4 / 5 + (int64_t)(((uint64_t)base * 2 / 5 * rnd) >> 32);
	return d > 0 ? d : 1;
}

/* Uniform random bits for jitter; they need not be secret, so a
 * failing getrandom falls back to the clock. */
static uint32_t
rand32(void)
{
	struct timespec ts;
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ (uint32_t)getpid();
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Sleep until the monotonic time wake, or until a stop signal; the
 * service looks after its task watcher every slice. */
static void
sleep_until(struct agent *a, int64_t wake)
{
	struct timespec ts;
	int64_t left;

	while (!stop_flag && (left = wake - mono_ns()) > 0) {
		if (left > SLEEP_SLICE_NS)
			left = SLEEP_SLICE_NS;
		ts.tv_sec = (time_t)(left / NS_PER_S);
		ts.tv_nsec = (long)(left % NS_PER_S);
		(void)nanosleep(&ts, NULL); /* EINTR: the loop checks */
		if (!a->cfg->once)
			vg_tasks_watcher_tend(&a->watcher, &a->st,
					      a->cfg->state_dir, "/",
					      a->lock_fd, &stop_flag);
	}
}

/* Collect the facts and spool one report {"uuid", "facts"}. */
static enum vg_rc
collect_and_spool(struct agent *a, struct vg_err *err)
{
	char uuid[37], name[VG_SPOOL_NAME_MAX];
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_buf b;
	size_t dropped = 0;
	bool have_facts = false;
	enum vg_rc rc;

	vg_buf_init(&b, AGENT_MAX_REPORT);
	if ((rc = vg_root_open(&root, a->cfg->root, err)) != VG_OK)
		return rc;
	vg_facts_init(&f);
	have_facts = true;
	c.root = &root;
	c.policy = a->cfg->policy;
	c.facts = &f;
	if ((rc = vg_collect_all(&c, err)) != VG_OK)
		goto done;
	if (f.n_warnings > 0)
		log_info(_("%zu collection warnings (sent with the facts)"),
			 f.n_warnings + f.n_warnings_dropped);
	vg_uuid_new(uuid);
	/* Written straight into the buffer: no JSON tree of the facts;
	 * its big members apart, sent by reference once the server
	 * acknowledged them (agent/sections.h). */
	if ((rc = vg_agent_report_write(&f, uuid, &b)) != VG_OK) {
		vg_err_set(err, rc,
			   rc == VG_ERR_LIMIT
				   ? _("the facts of this host exceed %u "
				       "bytes: report not spooled")
				   : _("out of memory (%u-byte report)"),
			   AGENT_MAX_REPORT);
		goto done;
	}
	/* Nothing but the text is needed now: free the facts before the
	 * write so both are never held with the HTTP client. */
	vg_facts_release(&f);
	have_facts = false;
	rc = vg_spool_put(&a->sp, (int64_t)time(NULL), uuid, b.data, b.len,
			  VG_AGENT_SPOOL_MAX, &dropped, name, err);
	if (dropped > 0)
		log_warnx(_("spool full (%d reports): dropped the %zu oldest"),
			  VG_AGENT_SPOOL_MAX, dropped);
	if (rc == VG_OK)
		log_info(_("report %s spooled"), name);
done:
	if (have_facts)
		vg_facts_release(&f);
	vg_root_close(&root);
	vg_buf_release(&b);
	return rc;
}

/* What the answer to one report means for it. */
enum verdict {
	DELIVERED, /* 200, 201: delete */
	REFUSED,   /* 400, 413: it will never be taken, set aside */
	RETRY,     /* anything else: keep, back off */
};

static enum verdict
judge_status(long status)
{
	if (status == 200 || status == 201)
		return DELIVERED;
	/* Resending the same bytes cannot turn these into a success. */
	if (status == 400 || status == 413)
		return REFUSED;
	return RETRY;
}

/* Move a report that can never be delivered aside, saying why. */
static void
refuse(const struct vg_spool *sp, const char *name, const char *why,
       struct vg_agent_delivery *out)
{
	struct vg_err err;
	size_t dropped = 0;

	vg_err_clear(&err);
	log_warnx(_("report %s refused (%s): moved to '%s'"), name, why,
		  sp->rejected);
	if (vg_spool_reject(sp, name, VG_AGENT_REJECTED_MAX, &dropped, &err) !=
	    VG_OK)
		log_warnx("%s", err.msg);
	if (dropped > 0)
		log_info(_("dropped %zu old refused reports"), dropped);
	out->refused++;
}

/* "Bearer" credentials "<agent_id>:<secret>"; wipe before freeing. */
static char *
make_auth(const struct vg_agent_state *st)
{
	size_t n = strlen(st->agent_id) + strlen(st->secret) + 2;
	char *auth;

	if ((auth = malloc(n)) != NULL)
		(void)snprintf(auth, n, "%s:%s", st->agent_id, st->secret);
	return auth;
}

/*
 * Isolated, the host has no DNS: the reports go to the address the
 * isolation allows, the server's host name pinned to it (as the task
 * watcher does). No isolation record: nothing to do.
 */
static enum vg_rc
pin_if_isolated(struct vg_upload *u, const struct vg_spool *sp,
		struct vg_err *err)
{
	struct vg_isolation_state iso;
	struct vg_err e2;

	vg_err_clear(&e2);
	if (sp->state_dir == NULL ||
	    vg_isolation_state_load(sp->state_dir, &iso, &e2) != VG_OK)
		return VG_OK; /* not isolated (a damaged record: reapply says)
			       */
	return vg_upload_pin(u, iso.server_ip, err);
}

enum vg_rc
vg_agent_deliver(const struct vg_agent_state *st, const struct vg_spool *sp,
		 const char *path, const volatile sig_atomic_t *stop,
		 struct vg_agent_delivery *out, struct vg_err *err)
{
	struct vg_agent_delivery mine = {0, 0};
	struct vg_err local;
	struct vg_upload *u = NULL;
	struct vg_spool_list l = {NULL, 0};
	struct vg_buf body, text, answer;
	struct vg_agent_acked acked;
	char why[256], reason[320], state_dir[4096];
	char *auth = NULL;
	long status;
	size_t i;
	enum vg_rc rc = VG_OK, r;

	if (out == NULL)
		out = &mine;
	if (err == NULL)
		err = &local;
	memset(out, 0, sizeof(*out));
	vg_err_clear(err);
	vg_buf_init(&body, AGENT_MAX_REPORT);
	vg_buf_init(&text, AGENT_MAX_REPORT);
	vg_buf_init(&answer, VG_UPLOAD_MAX_ANSWER);
	/* The spool is STATE_DIR/spool: the digests are beside it. */
	(void)snprintf(state_dir, sizeof(state_dir), "%s/..", sp->dir);
	vg_agent_acked_load(&acked, state_dir);
	if ((rc = vg_spool_list(sp->dir, &l, err)) != VG_OK || l.n == 0)
		goto done;
	if ((auth = make_auth(st)) == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	if ((rc = vg_upload_new(&u, st->server, st->pin, stop, err)) != VG_OK ||
	    (rc = pin_if_isolated(u, sp, err)) != VG_OK)
		goto done;
	for (i = 0; i < l.n && (stop == NULL || !*stop); i++) {
		r = vg_spool_read(sp, l.names[i], AGENT_MAX_REPORT, &text, err);
		if (r == VG_ERR_NOTFOUND)
			continue; /* removed meanwhile: nothing to send */
		if (r == VG_ERR_LIMIT) {
			refuse(sp, l.names[i],
			       _("larger than the server takes"), out);
			continue;
		}
		if (r != VG_OK) {
			rc = r;
			break;
		}
		if ((rc = vg_agent_report_body(vg_buf_str(&text), text.len,
					       &acked, &body)) != VG_OK) {
			rc = vg_err_set(err, rc, _("out of memory"));
			break;
		}
		/* No answer: the next one would fare alike. */
		if ((rc = vg_upload_post(u, path, auth, body.data, body.len,
					 &status, &answer, err)) != VG_OK)
			break;
		/* A section the server no longer holds (a new store): forget
		 * every digest and send the report again in full. A 400 to a
		 * report with references is the same to an agent: a server
		 * that does not read them (an older vigie after a rollback)
		 * or cannot decode what it holds; the full report decides. */
		if ((status == 409 || status == 400) && acked.n > 0) {
			log_info(_("report %s: the server asks for its "
				   "sections in full"),
				 l.names[i]);
			acked.n = 0;
			if (vg_agent_acked_save(&acked, state_dir, err) !=
			    VG_OK)
				log_warnx("%s", err->msg);
			if ((rc = vg_agent_report_body(vg_buf_str(&text),
						       text.len, NULL,
						       &body)) != VG_OK ||
			    (rc = vg_upload_post(u, path, auth, body.data,
						 body.len, &status, &answer,
						 err)) != VG_OK)
				break;
		}
		if (status == 201 &&
		    vg_agent_acked_from_answer(&acked, vg_buf_str(&answer),
					       answer.len) &&
		    vg_agent_acked_save(&acked, state_dir, err) != VG_OK)
			/* Only a cost: the next report is sent in full. */
			log_warnx("%s", err->msg);
		switch (judge_status(status)) {
		case DELIVERED:
			log_info(_("report %s delivered"), l.names[i]);
			out->delivered++;
			if (vg_spool_remove(sp, l.names[i], err) != VG_OK)
				log_warnx("%s", err->msg);
			break;
		case REFUSED:
			vg_upload_error_text(&answer, why, sizeof(why));
			(void)snprintf(reason, sizeof(reason),
				       _("the server answered HTTP %ld: %s"),
				       status, why[0] != '\0' ? why : "-");
			refuse(sp, l.names[i], reason, out);
			break;
		case RETRY:
			vg_upload_error_text(&answer, why, sizeof(why));
			if (status == 401)
				rc = vg_err_set(err, VG_ERR_IO,
						_("the server refused this "
						  "agent's credentials (401); "
						  "enrol it again if it was "
						  "removed"));
			else
				rc = vg_err_set(
					err, VG_ERR_IO,
					_("the server answered HTTP %ld%s%s"),
					status, why[0] != '\0' ? ": " : "",
					why);
			break;
		}
		if (rc != VG_OK)
			break;
	}
	/* Whatever went wrong, the reports left wait for the next try. */
	if (rc != VG_OK && rc != VG_ERR_NOMEM)
		rc = VG_ERR_IO;
done:
	vg_upload_free(u);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	vg_spool_list_release(&l);
	vg_buf_release(&body);
	vg_buf_release(&text);
	vg_buf_release(&answer);
	return rc;
}

/*
 * The agent's delivery: returns true when the server could not take
 * the reports (the caller backs off); the reason is in a->last_error.
 */
static bool
deliver(struct agent *a)
{
	struct vg_agent_delivery d;
	struct vg_err err;

	vg_err_clear(&err);
	if (vg_agent_deliver(&a->st, &a->sp, "/api/v1/reports", &stop_flag, &d,
			     &err) != VG_OK) {
		(void)snprintf(a->last_error, sizeof(a->last_error), "%s",
			       err.msg);
		log_warnx("%s", err.msg);
		a->rejected += d.refused;
		return true;
	}
	a->rejected += d.refused;
	return false;
}

int
vg_agent_lock(const char *dir, struct vg_err *err)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/agent.lock", dir) >=
	    (int)sizeof(path)) {
		vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"), dir);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		vg_err_set(err, VG_ERR_IO, _("cannot open '%s': %s"), path,
			   strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		vg_err_set(err, VG_ERR_IO,
			   errno == EWOULDBLOCK
				   ? _("another agent is running with the "
				       "state directory '%s'")
				   : _("cannot lock '%s'"),
			   dir);
		close(fd);
		return -1;
	}
	return fd;
}

/* The --once ending: success only when nothing is left behind. */
static enum vg_rc
once_result(struct agent *a, enum vg_rc collected, struct vg_err *err)
{
	struct vg_err e;
	size_t left = 0;

	vg_err_clear(&e);
	if (vg_spool_count(&a->sp, &left, &e) != VG_OK)
		return vg_err_set(err, VG_ERR_IO, "%s", e.msg);
	if (left > 0)
		return vg_err_set(err, VG_ERR_IO,
				  ngettext("%zu report remains in the spool "
					   "(%s)",
					   "%zu reports remain in the spool "
					   "(%s)",
					   left),
				  left,
				  a->last_error[0] != '\0' ? a->last_error
							   : _("stopped"));
	if (a->rejected > 0)
		return vg_err_set(err, VG_ERR_IO,
				  ngettext("%zu report was refused by the "
					   "server and moved to '%s'",
					   "%zu reports were refused by the "
					   "server and moved to '%s'",
					   a->rejected),
				  a->rejected, a->sp.rejected);
	return collected;
}

/*
 * One cycle: collect and spool when collect, then deliver what waits.
 * Returns whether delivery failed (back off); a collection failure is
 * logged, and put into *rc and err for --once.
 */
static bool
cycle(struct agent *a, bool collect, enum vg_rc *rc, struct vg_err *err)
{
	struct vg_err cerr;

	if (collect) {
		vg_err_clear(&cerr);
		if ((*rc = collect_and_spool(a, &cerr)) != VG_OK) {
			log_warnx("%s", cerr.msg);
			if (err != NULL)
				vg_err_set(err, *rc, "%s", cerr.msg);
		}
	}
	return deliver(a);
}

/* A cycle with libcurl (and its TLS and SSH libraries) set up for it
 * alone: the service never initialises them in its long-lived process. */
static bool
in_process(struct agent *a, bool collect)
{
	enum vg_rc rc = VG_OK;
	struct vg_err err;
	bool failed;

	vg_err_clear(&err);
	if (vg_upload_global_init(&err) != VG_OK) {
		log_warnx("%s", err.msg);
		return true;
	}
	failed = cycle(a, collect, &rc, NULL);
	vg_upload_global_cleanup();
	return failed;
}

/*
 * The service runs each cycle in a child process: the facts, libcurl
 * and TLS state a cycle needs are all returned to the system when the
 * child ends, so the agent idles between cycles at its start-up size
 * (issue 3: idle peak memory <= 10 MB). A stop signal to the agent
 * alone is passed on to the child. Without fork the cycle runs here.
 */
static bool
cycle_in_child(struct agent *a, bool collect)
{
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warnx(_("cannot start a cycle process: %s"),
			  strerror(errno));
		return in_process(a, collect);
	}
	if (pid == 0)
		_exit(in_process(a, collect) ? 1 : 0);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			log_warnx(_("cannot wait for the cycle process: %s"),
				  strerror(errno));
			return true;
		}
		if (stop_flag)
			(void)kill(pid, SIGTERM);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status) != 0;
	log_warnx(_("the cycle process ended by signal %d"),
		  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return true;
}

/* The schedule: collect every interval (first one jittered), deliver
 * after each collection, retry with backoff while reports wait. */
static enum vg_rc
loop(struct agent *a, struct vg_err *err)
{
	const struct vg_agent_config *cfg = a->cfg;
	int64_t interval = cfg->interval, now, next_collect, next_retry;
	int64_t delay;
	unsigned failures = 0;
	bool pending, due, failed;
	size_t waiting = 0;
	enum vg_rc rc = VG_OK;

	if (interval < VG_AGENT_MIN_INTERVAL)
		interval = VG_AGENT_MIN_INTERVAL;
	now = mono_ns();
	/* Up to 10 % of the interval: agents started together (a boot
	 * storm, a deployment) do not all report in the same second. */
	next_collect = now;
	if (!cfg->once)
		next_collect += (int64_t)(((uint64_t)(interval / 10) *
					   NS_PER_S * rand32()) >>
					  32);
	/* Reports left by a previous run go out at once. */
	pending = !cfg->once &&
		vg_spool_count(&a->sp, &waiting, NULL) == VG_OK && waiting > 0;
	next_retry = now;
	for (;;) {
		due = false;
		now = mono_ns();
		if (now >= next_collect) {
			next_collect += interval * NS_PER_S;
			if (next_collect <= now)
				next_collect = now + interval * NS_PER_S;
			due = true;
		}
		if (due || (pending && now >= next_retry)) {
			a->last_error[0] = '\0';
			if (cfg->once)
				failed = cycle(a, due, &rc, err);
			else
				failed = cycle_in_child(a, due);
			if (failed) {
				failures++;
				delay = vg_agent_backoff(failures, rand32());
				next_retry = mono_ns() + delay * NS_PER_S;
				pending = true;
				log_info(_("next upload attempt in %lld s"),
					 (long long)delay);
			} else {
				failures = 0;
				pending = false;
			}
		}
		if (cfg->once || stop_flag)
			break;
		sleep_until(a,
			    pending && next_retry < next_collect
				    ? next_retry
				    : next_collect);
		if (stop_flag)
			break;
	}
	if (cfg->once)
		return once_result(a, rc, err);
	return VG_OK;
}

/* Re-apply a recorded isolation; a failure is logged, the agent goes
 * on (it must still report and take a release). */
static void
reapply_isolation(const char *dir)
{
	struct vg_err e;
	bool isolated = false;

	vg_err_clear(&e);
	if (vg_isolation_reapply(dir, &isolated, &e) != VG_OK)
		log_errx(_("cannot re-apply the isolation of this host: %s"),
			 e.msg);
	else if (isolated)
		log_warnx(_("this host is isolated (recorded in '%s/%s'): "
			    "ruleset applied again"),
			  dir, VG_ISOLATION_STATE_FILE);
}

/* One task poll that does not wait, for --once. */
static void
once_tasks(struct agent *a)
{
	struct vg_err e;

	vg_err_clear(&e);
	if (vg_tasks_watch(&a->st, a->cfg->state_dir, "/", true, &stop_flag,
			   &e) != VG_OK)
		log_warnx(_("tasks not checked: %s"), e.msg);
}

enum vg_rc
vg_agent_run(const struct vg_agent_config *cfg, struct vg_err *err)
{
	struct sigaction sa, old_term, old_int;
	struct agent a;
	int lock_fd = -1;
	bool curl_up = false, handlers = false;
	enum vg_rc rc;

	memset(&a, 0, sizeof(a));
	a.cfg = cfg;
	a.lock_fd = -1;
	vg_tasks_watcher_init(&a.watcher);
	vg_agent_state_init(&a.st);
	/* An isolation recorded before a restart or a reboot is applied
	 * again before anything else (issue 6). */
	reapply_isolation(cfg->state_dir);
	rc = vg_agent_state_load(&a.st, cfg->state_dir, err);
	if (rc == VG_ERR_NOTFOUND) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("this agent is not enrolled (no '%s/%s'): "
				  "run `vigie agent enroll` first"),
				cfg->state_dir, VG_AGENT_STATE_FILE);
		goto done;
	}
	if (rc != VG_OK)
		goto done;
	if ((lock_fd = vg_agent_lock(cfg->state_dir, err)) == -1) {
		rc = err != NULL ? err->rc : VG_ERR_IO;
		goto done;
	}
	if ((rc = vg_spool_open(&a.sp, cfg->state_dir, err)) != VG_OK)
		goto done;
	/* --once uploads from this process; the service from a child per
	 * cycle (cycle_in_child), which sets libcurl up itself. */
	if (cfg->once) {
		if ((rc = vg_upload_global_init(err)) != VG_OK)
			goto done;
		curl_up = true;
	}
	/* No SA_RESTART: a signal ends nanosleep at once. */
	stop_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, &old_term) == 0 &&
	    sigaction(SIGINT, &sa, &old_int) == 0)
		handlers = true;
	log_info(_("agent %s reporting to %s"), a.st.agent_id, a.st.server);
	a.lock_fd = lock_fd;
	/* The service: the task watcher runs beside the cycles from the
	 * start (an isolation must not wait for the next collection). Its
	 * snapshot is of the running system ("/"), whatever --root the
	 * facts come from: that is the host the isolation cuts off. */
	if (!cfg->once)
		vg_tasks_watcher_tend(&a.watcher, &a.st, cfg->state_dir, "/",
				      lock_fd, &stop_flag);
	rc = loop(&a, err);
	/* --once (cron): the tasks waiting now, without waiting for more. */
	if (cfg->once && !stop_flag)
		once_tasks(&a);
	if (stop_flag)
		log_info(_("stopping"));
	vg_tasks_watcher_stop(&a.watcher);
done:
	if (handlers) {
		(void)sigaction(SIGTERM, &old_term, NULL);
		(void)sigaction(SIGINT, &old_int, NULL);
	}
	if (curl_up)
		vg_upload_global_cleanup();
	vg_spool_release(&a.sp);
	vg_agent_state_release(&a.st);
	if (lock_fd != -1)
		close(lock_fd);
	return rc;
}
