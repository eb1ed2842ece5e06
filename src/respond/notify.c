/*
 * Alerts (respond/notify.h): every contact of the policy is told of an
 * incident by each channel it declares, each delivery retried a few
 * times with a short backoff, and recorded in the incident's timeline.
 * The messages are in French (the establishments' language) whatever
 * the caller's locale; the texts themselves are English msgids.
 */
#include "util/common.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "respond/incident_json.h"
#include "respond/notify.h"
#include "respond/notify_private.h"
#include "util/log.h"
#include "util/banned.h"

/* The reason of a failed delivery kept in the timeline (curl's
 * CURL_ERROR_SIZE). */
#define NOTIFY_ERROR_MAX 256

/* Waits before the second and third attempts, in milliseconds. */
static const long backoff_ms[VG_NOTIFY_ATTEMPTS - 1] = {500, 1000};

static pthread_once_t fr_once = PTHREAD_ONCE_INIT;
static locale_t fr_locale;

static void
fr_make(void)
{
	static const char *const names[] = {"fr_FR.UTF-8", "fr_FR.utf8",
					    "fr_FR"};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(names) && fr_locale == (locale_t)0; i++)
		fr_locale = newlocale(LC_ALL_MASK, names[i], (locale_t)0);
}

/* Display texts of the stable names, in the order of their enums. */
static const char *const type_texts[VG_INC_TYPE_COUNT] = {
	N_("ransomware"), N_("intrusion"),      N_("data leak"),
	N_("phishing"),   N_("unavailability"), N_("loss or theft"),
	N_("other"),
};
static const char *const care_texts[VG_CARE_COUNT] = {
	N_("none"),
	N_("potential"),
	N_("proven"),
};
static const char *const status_texts[VG_INC_STATUS_COUNT] = {
	N_("open"),
	N_("contained"),
	N_("recovered"),
	N_("closed"),
};

const char *
vg_notify_type_text(enum vg_incident_type t)
{
	return (unsigned)t < VG_INC_TYPE_COUNT ? _(type_texts[t]) : "?";
}

const char *
vg_notify_care_text(enum vg_care_impact c)
{
	return (unsigned)c < VG_CARE_COUNT ? _(care_texts[c]) : "?";
}

const char *
vg_notify_status_text(enum vg_incident_status s)
{
	return (unsigned)s < VG_INC_STATUS_COUNT ? _(status_texts[s]) : "?";
}

void
vg_notify_format_time(int64_t t, char out[VG_NOTIFY_TIME_MAX])
{
	struct tm tm;
	time_t tt = (time_t)t;
	long off;

	if (t == 0 || localtime_r(&tt, &tm) == NULL) {
		(void)snprintf(out, VG_NOTIFY_TIME_MAX, "-");
		return;
	}
	/* The reader's wall clock, with the offset so no one guesses. */
	off = tm.tm_gmtoff;
	(void)snprintf(out, VG_NOTIFY_TIME_MAX,
		       "%04d-%02d-%02d %02d:%02d (UTC%c%02ld:%02ld)",
		       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		       tm.tm_min, off < 0 ? '-' : '+',
		       (off < 0 ? -off : off) / 3600 % 100,
		       (off < 0 ? -off : off) % 3600 / 60);
}

enum vg_rc
vg_notify_view_read(struct vg_notify_view *v, const struct vg_policy *p,
		    const json_t *incident, struct vg_err *err)
{
	enum vg_rc rc;

	memset(v, 0, sizeof(*v));
	if (!json_is_object(incident))
		return vg_err_set(err, VG_ERR_USAGE,
				  "the incident is not a JSON object");
	if ((rc = vg_incident_from_json(incident, &v->inc, err)) != VG_OK)
		return rc == VG_ERR_NOMEM ? rc : VG_ERR_USAGE;
	v->doc = incident;
	v->id = v->inc.id;
	v->assets = json_object_get(incident, "assets");
	if (!json_is_array(v->assets))
		v->assets = NULL;
	v->report_hours = p->incident_report_hours;
	v->serious = vg_incident_is_serious(&v->inc);
	v->deadline_ans = vg_incident_ans_deadline(&v->inc, v->report_hours);
	v->deadline_cnil = vg_incident_cnil_deadline(&v->inc);
	return VG_OK;
}

/* The "to" recorded for a webhook: scheme and host only, since the path
 * or query of a chat hook (or a user:password in it) is often its
 * secret, and the timeline is kept for ever. */
static void
webhook_shown(const char *url, char *out, size_t outlen)
{
	const char *h = strstr(url, "://"), *at, *host;
	size_t n, scheme, hn;

	h = h != NULL ? h + 3 : url;
	scheme = (size_t)(h - url);
	hn = strcspn(h, "/?#");
	/* user:password@ in the authority is a secret too: the host only. */
	host = h;
	while ((at = memchr(host, '@', hn - (size_t)(host - h))) != NULL)
		host = at + 1;
	n = scheme + (hn - (size_t)(host - h));
	if (n >= outlen)
		n = outlen - 1;
	if (scheme >= n) {
		memcpy(out, url, n);
	} else {
		memcpy(out, url, scheme);
		memcpy(out + scheme, host, n - scheme);
	}
	out[n] = '\0';
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One delivery to be tried and recorded. */
struct delivery {
	const struct vg_contact_decl *c;
	const char *channel; /* "email" or "webhook" */
	const char *to;      /* as recorded */
	int attempts;
	bool sent;
	char error[NOTIFY_ERROR_MAX];
};

/* Record d in the timeline of incident id. */
static enum vg_rc
record(struct vg_store *st, int64_t id, const struct delivery *d,
       struct vg_err *err)
{
	json_t *o;
	char *text = NULL;
	int64_t seq;
	enum vg_rc rc = VG_ERR_NOMEM;

	o = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:i, s:s?}", "contact", d->c->name,
		"role", vg_contact_role_name(d->c->role), "channel", d->channel,
		"to", d->to, "state", d->sent ? "sent" : "failed", "attempts",
		(json_int_t)d->attempts, "error", d->sent ? NULL : d->error);
	if (o != NULL && (text = json_dumps(o, JSON_COMPACT)) != NULL)
		rc = vg_store_timeline_append(st, id, (int64_t)time(NULL),
					      "vigie", "alert", text, &seq,
					      err);
	else
		(void)vg_err_set(err, rc, "out of memory");
	free(text);
	json_decref(o);
	return rc;
}

/* Try one channel up to VG_NOTIFY_ATTEMPTS times. */
static enum vg_rc
attempt(struct delivery *d, const struct vg_smtp_decl *smtp,
	const struct vg_buf *mail, const char *webhook_body)
{
	enum vg_rc rc = VG_ERR_IO;
	int i;

	for (i = 0; i < VG_NOTIFY_ATTEMPTS; i++) {
		if (i > 0)
			sleep_ms(backoff_ms[i - 1]);
		d->attempts = i + 1;
		d->error[0] = '\0';
		if (mail != NULL)
			rc = vg_notify_smtp_send(smtp, d->c->email, mail,
						 d->error, sizeof(d->error));
		else
			rc = vg_notify_webhook_post(d->c->webhook, webhook_body,
						    d->error, sizeof(d->error));
		if (rc != VG_ERR_IO)
			break;
	}
	d->sent = rc == VG_OK;
	return rc == VG_ERR_NOMEM ? rc : VG_OK;
}

/* Build the e-mail to c in French and send it; d filled. */
static enum vg_rc
notify_email(const struct vg_policy *p, const struct vg_contact_decl *c,
	     const struct vg_notify_view *v, enum vg_notify_event ev,
	     const char *console_url, struct delivery *d, struct vg_err *err)
{
	struct vg_buf mail;
	locale_t old = (locale_t)0;
	enum vg_rc rc;

	d->channel = "email";
	d->to = c->email;
	if (p->smtp.url == NULL || p->smtp.from == NULL) {
		(void)snprintf(d->error, sizeof(d->error), "%s",
			       _("no [smtp] url and from in the "
				 "configuration"));
		return VG_OK;
	}
	vg_buf_init(&mail, VG_NOTIFY_MAIL_MAX);
	(void)pthread_once(&fr_once, fr_make);
	if (fr_locale != (locale_t)0)
		old = uselocale(fr_locale);
	rc = vg_notify_mail_build(p, c, v, ev, console_url, (int64_t)time(NULL),
				  &mail, err);
	if (old != (locale_t)0)
		(void)uselocale(old);
	if (rc == VG_OK)
		rc = attempt(d, &p->smtp, &mail, NULL);
	else if (rc != VG_ERR_NOMEM) {
		/* Too big a message is this delivery's failure only. */
		(void)snprintf(d->error, sizeof(d->error), "%.200s", err->msg);
		rc = VG_OK;
	}
	vg_buf_release(&mail);
	return rc;
}

enum vg_rc
vg_notify_incident(struct vg_store *st, const struct vg_policy *p,
		   const json_t *incident, enum vg_notify_event ev,
		   const char *console_url, size_t *n_sent, size_t *n_failed,
		   struct vg_err *err)
{
	struct vg_notify_view v;
	struct delivery d;
	struct vg_err rec_err;
	char *body = NULL;
	char shown[256];
	enum vg_rc rc, store_rc = VG_OK;
	size_t i;

	*n_sent = *n_failed = 0;
	if ((rc = vg_notify_view_read(&v, p, incident, err)) != VG_OK)
		return rc;
	for (i = 0; i < p->n_contacts; i++) {
		const struct vg_contact_decl *c = &p->contacts[i];
		int ch;

		for (ch = 0; ch < 2; ch++) {
			memset(&d, 0, sizeof(d));
			d.c = c;
			if (ch == 0 && c->email != NULL) {
				rc = notify_email(p, c, &v, ev, console_url, &d,
						  err);
			} else if (ch == 1 && c->webhook != NULL) {
				d.channel = "webhook";
				webhook_shown(c->webhook, shown, sizeof(shown));
				d.to = shown;
				rc = VG_OK;
				if (body == NULL)
					rc = vg_notify_webhook_body(p, &v, ev,
								    console_url,
								    &body, err);
				if (rc == VG_OK)
					rc = attempt(&d, NULL, NULL, body);
			} else {
				continue;
			}
			if (rc != VG_OK)
				goto done;
			if (d.sent)
				(*n_sent)++;
			else
				(*n_failed)++;
			if (!d.sent)
				log_warnx(_("incident %lld: alert to %s by "
					    "%s failed: %s"),
					  (long long)v.id, c->name, d.channel,
					  d.error);
			/* Keep telling the others if the record fails:
			 * the alert matters more; report it at the end. */
			vg_err_clear(&rec_err);
			if ((rc = record(st, v.id, &d, &rec_err)) != VG_OK &&
			    store_rc == VG_OK) {
				store_rc = rc;
				*err = rec_err;
			}
		}
	}
	rc = store_rc;
done:
	free(body);
	return rc;
}
