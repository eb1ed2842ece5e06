/*
 * Alerts by e-mail (notify_private.h): the RFC 5322 message, its
 * headers encoded per RFC 2047 and cleaned so that no value can add a
 * header or a recipient, and one SMTP attempt with libcurl (STARTTLS or
 * implicit TLS, authentication with a password read from a file).
 */
#include "util/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "respond/notify_private.h"
#include "util/curl_lazy.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/banned.h"

#define HEADER_LINE 76    /* RFC 2047 §2: lines with encoded-words */
#define PASSWORD_MAX 1024 /* bytes read of password_file */
#define VALUE_MAX 4096    /* bytes of one cleaned value */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Append s (at most max bytes of it) to out as one line of text: CR, LF
 * and every other C0 control or DEL become a space, bytes that are not
 * UTF-8 become U+FFFD, so the text can neither end a header nor break
 * the body's encoding.
 */
static enum vg_rc
clean_add(struct vg_buf *out, const char *s, size_t max)
{
	size_t n = strnlen(s, max), i = 0, k;
	enum vg_rc rc = VG_OK;

	while (i < n && rc == VG_OK) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			rc = vg_buf_addc(out, ' ');
			i++;
		} else if ((k = vg_utf8_seq(s + i, n - i)) == 0) {
			rc = vg_buf_adds(out, "\xef\xbf\xbd");
			i++;
		} else {
			rc = vg_buf_add(out, s + i, k);
			i += k;
		}
	}
	return rc;
}

/* True when the NUL-terminated s needs no encoding in a header. */
static bool
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Append the base64 of the n bytes at p. */
static enum vg_rc
b64_add(struct vg_buf *b, const unsigned char *p, size_t n)
{
	char q[4];
	size_t i;
	enum vg_rc rc = VG_OK;

	for (i = 0; i < n && rc == VG_OK; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		rc = vg_buf_add(b, q, 4);
	}
	return rc;
}

/*
 * Append s (clean UTF-8) as encoded-words, the first on a line already
 * used holds col characters, the next ones on folded lines; each word
 * takes whole UTF-8 sequences only (RFC 2047 §5).
 */
static enum vg_rc
encoded_words(struct vg_buf *b, const char *s, size_t col)
{
	size_t n = strlen(s), i = 0, room, take, k = 1;
	enum vg_rc rc = VG_OK;

	while (rc == VG_OK && (i < n || i == 0)) {
		/* "=?UTF-8?B?" and "?=" around 4 characters per 3 bytes */
		room = col + 12 < HEADER_LINE ? (HEADER_LINE - col - 12) / 4 * 3
					      : 3;
		for (take = 0; i + take < n; take += k) {
			k = vg_utf8_seq(s + i + take, n - i - take);
			if (k == 0)
				k = 1; /* not reached: s is clean */
			if (take + k > room)
				break;
		}
		if (take == 0 && i < n)
			take = k; /* one sequence always fits a new line */
		if ((rc = vg_buf_adds(b, "=?UTF-8?B?")) == VG_OK &&
		    (rc = b64_add(b, (const unsigned char *)s + i, take)) ==
			    VG_OK)
			rc = vg_buf_adds(b, "?=");
		i += take;
		if (i >= n)
			break;
		if (rc == VG_OK)
			rc = vg_buf_adds(b, "\r\n ");
		col = 1;
	}
	return rc;
}

enum vg_rc
vg_notify_header(struct vg_buf *b, const char *name, const char *value)
{
	struct vg_buf v;
	size_t len0 = b->len;
	enum vg_rc rc;

	vg_buf_init(&v, VALUE_MAX * 3);
	rc = clean_add(&v, value, VALUE_MAX);
	if (rc == VG_OK)
		rc = vg_buf_printf(b, "%s: ", name);
	/* Encoded also when long or holding "=?": a reader must not
	 * decode as a word what was text. */
	if (rc == VG_OK && plain_ascii(vg_buf_str(&v)) &&
	    strstr(vg_buf_str(&v), "=?") == NULL &&
	    strlen(name) + 2 + v.len <= HEADER_LINE)
		rc = vg_buf_add(b, vg_buf_str(&v), v.len);
	else if (rc == VG_OK)
		rc = encoded_words(b, vg_buf_str(&v), strlen(name) + 2);
	if (rc == VG_OK)
		rc = vg_buf_adds(b, "\r\n");
	if (rc != VG_OK && b->data != NULL) {
		b->len = len0; /* nothing half-written */
		b->data[len0] = '\0';
	}
	vg_buf_release(&v);
	return rc;
}

/* True when display can go as is in a phrase (atext and spaces). */
static bool
plain_phrase(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == ' ' || *s == '-' ||
		      *s == '.' || *s == '_'))
			return false;
	return true;
}

enum vg_rc
vg_notify_header_addr(struct vg_buf *b, const char *name, const char *display,
		      const char *addr)
{
	struct vg_buf v, a;
	size_t len0 = b->len;
	enum vg_rc rc;

	vg_buf_init(&v, VALUE_MAX * 3);
	vg_buf_init(&a, VALUE_MAX * 3);
	rc = clean_add(&a, addr, VALUE_MAX);
	if (rc == VG_OK && display != NULL)
		rc = clean_add(&v, display, VALUE_MAX);
	if (rc == VG_OK)
		rc = vg_buf_printf(b, "%s: ", name);
	if (rc == VG_OK && v.len > 0) {
		if (plain_phrase(vg_buf_str(&v)) && v.len < 40) {
			if ((rc = vg_buf_add(b, vg_buf_str(&v), v.len)) ==
			    VG_OK)
				rc = vg_buf_adds(b, " ");
		} else {
			/* the address on a folded line of its own */
			if ((rc = encoded_words(b, vg_buf_str(&v),
						strlen(name) + 2)) == VG_OK)
				rc = vg_buf_adds(b, "\r\n ");
		}
	}
	/* The address was checked at parse (no space, <, >, comma):
	 * cleaning keeps a hand-made policy from breaking the line. */
	if (rc == VG_OK)
		rc = vg_buf_printf(b, "<%s>\r\n", vg_buf_str(&a));
	if (rc != VG_OK && b->data != NULL) {
		b->len = len0;
		b->data[len0] = '\0';
	}
	vg_buf_release(&v);
	vg_buf_release(&a);
	return rc;
}

/* RFC 5322 date, in UTC, with English names whatever the locale. */
static enum vg_rc
date_header(struct vg_buf *b, int64_t now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	time_t t = (time_t)now;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	return vg_buf_printf(
		b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Message-ID: <vigie.incident-ID.NOW.RANDOM@domain of from>. */
static enum vg_rc
message_id(struct vg_buf *b, int64_t id, int64_t now, const char *from)
{
	const char *at = strrchr(from, '@'), *d;
	unsigned char rnd[8] = {0};
	char dom[256];
	size_t n = 0;

	/* Only the characters of a host name from the domain. */
	for (d = at != NULL ? at + 1 : ""; *d != '\0' && n < sizeof(dom) - 1;
	     d++)
		if ((*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z') ||
		    (*d >= '0' && *d <= '9') || *d == '.' || *d == '-')
			dom[n++] = *d;
	dom[n] = '\0';
	if (n == 0)
		(void)snprintf(dom, sizeof(dom), "vigie.invalid");
	/* Unique enough without randomness: the time and id are there. */
	(void)getrandom(rnd, sizeof(rnd), GRND_NONBLOCK);
	return vg_buf_printf(b,
			     "Message-ID: <vigie.incident-%lld.%lld."
			     "%02x%02x%02x%02x%02x%02x%02x%02x@%s>\r\n",
			     (long long)id, (long long)now, rnd[0], rnd[1],
			     rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7],
			     dom);
}

/* Display text of a contact role. */
static const char *
role_text(enum vg_contact_role r)
{
	static const char *const texts[VG_CONTACT_ROLE_COUNT] = {
		N_("hierarchy"),
		N_("security officer"),
		N_("on-call"),
		N_("management"),
	};

	return (unsigned)r < VG_CONTACT_ROLE_COUNT ? _(texts[r]) : "?";
}

/* "label: value" body line, value cleaned (one line). */
static enum vg_rc
body_line(struct vg_buf *b, const char *label, const char *value)
{
	enum vg_rc rc;

	if ((rc = vg_buf_adds(b, label)) == VG_OK &&
	    (rc = vg_buf_adds(b, " ")) == VG_OK &&
	    (rc = clean_add(b, value, VALUE_MAX)) == VG_OK)
		rc = vg_buf_adds(b, "\r\n");
	return rc;
}

/* The names of the incident's assets, ", "-separated, into out. */
static enum vg_rc
assets_text(const struct vg_notify_view *v, struct vg_buf *out)
{
	const json_t *a, *name;
	size_t i;
	enum vg_rc rc = VG_OK;

	json_array_foreach(v->assets, i, a)
	{
		if (i >= VG_NOTIFY_ASSETS_SHOWN) {
			return vg_buf_printf(out, _(", and %zu more"),
					     json_array_size(v->assets) - i);
		}
		/* {"name": ...} as incident_get, or a bare name (list) */
		name = json_is_object(a) ? json_object_get(a, "name") : a;
		if (!json_is_string(name))
			continue;
		if (out->len > 0 && (rc = vg_buf_adds(out, ", ")) != VG_OK)
			return rc;
		if ((rc = clean_add(out, json_string_value(name), 256)) !=
		    VG_OK)
			return rc;
	}
	return rc;
}

/* The body's deadline paragraph. */
static enum vg_rc
body_deadlines(struct vg_buf *b, const struct vg_notify_view *v)
{
	char t[VG_NOTIFY_TIME_MAX];
	enum vg_rc rc;

	if ((rc = vg_buf_printf(b, "\r\n%s\r\n", _("Deadlines:"))) != VG_OK)
		return rc;
	if (v->inc.reported_ans_at != 0) {
		vg_notify_format_time(v->inc.reported_ans_at, t);
		rc = vg_buf_printf(b,
				   _("- reported to the national portal "
				     "(CERT Santé) on %s"),
				   t);
	} else {
		vg_notify_format_time(v->deadline_ans, t);
		rc = vg_buf_printf(b,
				   v->serious
					   ? _("- serious incident: report to "
					       "the national portal (CERT "
					       "Santé) without delay, by %s")
					   : _("- if it proves serious: report "
					       "to the national portal (CERT "
					       "Santé) by %s"),
				   t);
	}
	if (rc == VG_OK)
		rc = vg_buf_adds(b, "\r\n");
	if (rc != VG_OK || v->deadline_cnil == 0)
		return rc;
	if (v->inc.reported_cnil_at != 0) {
		vg_notify_format_time(v->inc.reported_cnil_at, t);
		rc = vg_buf_printf(b, _("- notified to the CNIL on %s"), t);
	} else {
		vg_notify_format_time(v->deadline_cnil, t);
		rc = vg_buf_printf(b,
				   _("- personal data breach: notify the CNIL "
				     "by %s (72 hours)"),
				   t);
	}
	if (rc == VG_OK)
		rc = vg_buf_adds(b, "\r\n");
	return rc;
}

static enum vg_rc
mail_body(struct vg_buf *b, const struct vg_contact_decl *c,
	  const struct vg_notify_view *v, enum vg_notify_event ev,
	  const char *console_url)
{
	const struct vg_incident *inc = &v->inc;
	char t[VG_NOTIFY_TIME_MAX], n[32];
	struct vg_buf assets;
	enum vg_rc rc;

	vg_buf_init(&assets, VALUE_MAX);
	if (ev == VG_NOTIFY_OPENED)
		rc = vg_buf_printf(b, _("Incident %lld has been opened."),
				   (long long)v->id);
	else
		rc = vg_buf_printf(b,
				   _("Incident %lld has changed: its "
				     "status is now \"%s\"."),
				   (long long)v->id,
				   vg_notify_status_text(inc->status));
	if (rc == VG_OK)
		rc = vg_buf_adds(b, "\r\n\r\n");
	if (rc == VG_OK)
		rc = body_line(b, _("Title:"), inc->title);
	if (rc == VG_OK)
		rc = body_line(b, _("Type:"), vg_notify_type_text(inc->type));
	if (rc == VG_OK)
		rc = body_line(b, _("Status:"),
			       vg_notify_status_text(inc->status));
	vg_notify_format_time(inc->detected_at, t);
	if (rc == VG_OK)
		rc = body_line(b, _("Detected:"), t);
	if (rc == VG_OK)
		rc = body_line(b, _("Impact on care:"),
			       vg_notify_care_text(inc->care));
	if (rc == VG_OK && inc->degraded_since != 0) {
		vg_notify_format_time(inc->degraded_since, t);
		rc = body_line(b, _("Degraded mode since:"), t);
	}
	if (rc == VG_OK)
		rc = body_line(b, _("Health data concerned:"),
			       inc->health_data ? _("yes") : _("no"));
	if (rc == VG_OK && inc->personal_data) {
		(void)snprintf(n, sizeof(n), "%lld", (long long)inc->persons);
		rc = body_line(b, _("Persons concerned (approximately):"),
			       inc->persons >= 0 ? n : _("unknown"));
	}
	if (rc == VG_OK && v->assets != NULL)
		rc = assets_text(v, &assets);
	if (rc == VG_OK)
		rc = body_line(b, _("Assets:"),
			       assets.len > 0 ? vg_buf_str(&assets)
					      : _("none named"));
	if (rc == VG_OK)
		rc = body_deadlines(b, v);
	if (rc == VG_OK && console_url != NULL) {
		rc = vg_buf_printf(b, "\r\n%s\r\n", _("In the console:"));
		if (rc == VG_OK)
			rc = clean_add(b, console_url, 2048);
		if (rc == VG_OK)
			rc = vg_buf_adds(b, "\r\n");
	}
	if (rc == VG_OK)
		rc = vg_buf_adds(b, "\r\n-- \r\n");
	if (rc == VG_OK)
		rc = vg_buf_printf(b,
				   _("Sent by vigie to %s (%s), of the "
				     "establishment's alert chain."),
				   c->name, role_text(c->role));
	if (rc == VG_OK)
		rc = vg_buf_adds(b, "\r\n");
	vg_buf_release(&assets);
	return rc;
}

enum vg_rc
vg_notify_mail_build(const struct vg_policy *p, const struct vg_contact_decl *c,
		     const struct vg_notify_view *v, enum vg_notify_event ev,
		     const char *console_url, int64_t now, struct vg_buf *out,
		     struct vg_err *err)
{
	char subject[VG_INCIDENT_TITLE_MAX + 256];
	const char *from =
		p->smtp.from != NULL ? p->smtp.from : "vigie@localhost";
	size_t len0 = out->len;
	enum vg_rc rc;

	if (c->email == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "contact without e-mail");
	if (ev == VG_NOTIFY_OPENED)
		(void)snprintf(subject, sizeof(subject),
			       _("[vigie] Incident %lld opened: %s"),
			       (long long)v->id, v->inc.title);
	else
		(void)snprintf(
			subject, sizeof(subject),
			_("[vigie] Incident %lld %s: %s"), (long long)v->id,
			vg_notify_status_text(v->inc.status), v->inc.title);
	rc = date_header(out, now);
	if (rc == VG_OK)
		rc = vg_notify_header_addr(out, "From", "vigie", from);
	if (rc == VG_OK)
		rc = vg_notify_header_addr(out, "To", c->name, c->email);
	if (rc == VG_OK)
		rc = vg_notify_header(out, "Subject", subject);
	if (rc == VG_OK)
		rc = message_id(out, v->id, now, from);
	if (rc == VG_OK)
		rc = vg_buf_adds(out,
				 "MIME-Version: 1.0\r\n"
				 "Content-Type: text/plain; charset=UTF-8\r\n"
				 "Content-Transfer-Encoding: 8bit\r\n"
				 "Auto-Submitted: auto-generated\r\n");
	if (rc == VG_OK)
		rc = vg_buf_printf(out, "X-Vigie-Incident: %lld\r\n\r\n",
				   (long long)v->id);
	if (rc == VG_OK)
		rc = mail_body(out, c, v, ev, console_url);
	if (rc != VG_OK) {
		if (out->data != NULL) {
			out->len = len0;
			out->data[len0] = '\0';
		}
		return vg_err_set(err, rc,
				  rc == VG_ERR_NOMEM
					  ? "out of memory"
					  : _("the e-mail is too long"));
	}
	return VG_OK;
}

/*
 * The first line of path into out (cleared by the caller with
 * explicit_bzero). False, with a warning, when it cannot be read or
 * others may read it: authentication is then skipped, and a server
 * that needs it refuses the message.
 */
static bool
read_password(const char *path, char *out, size_t outlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		log_warn(_("smtp: cannot read password_file '%s'"), path);
		return false;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & S_IROTH) != 0) {
		log_warnx(_("smtp: password_file '%s' is not a file "
			    "private to its owner and group; no "
			    "authentication"),
			  path);
		(void)close(fd);
		return false;
	}
	n = read(fd, out, outlen - 1);
	(void)close(fd);
	if (n < 0)
		return false;
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] != '\0';
}

/* Whether the relay of url is this machine (a local MTA). */
static bool
relay_is_local(const char *url)
{
	char *host = NULL;
	CURLU *u = curl_url();
	bool local = false;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		local = vg_host_is_loopback(host, strlen(host));
	curl_free(host);
	curl_url_cleanup(u);
	return local;
}

/* The upload cursor over the message. */
struct reader {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct reader *r = ud;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

enum vg_rc
vg_notify_smtp_send(const struct vg_smtp_decl *smtp, const char *to,
		    const struct vg_buf *msg, char *errbuf, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "", addr[512], pass[PASSWORD_MAX];
	struct curl_slist *rcpt = NULL;
	struct reader r = {vg_buf_str(msg), msg->len};
	CURL *c;
	CURLcode cc;
	long code = 0;
	bool ok, auth = false;
	enum vg_rc rc = VG_ERR_IO;

	if ((c = curl_easy_init()) == NULL)
		return vg_notify_no_curl(errbuf, errlen);
	(void)snprintf(addr, sizeof(addr), "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, addr)) == NULL) {
		curl_easy_cleanup(c);
		return VG_ERR_NOMEM;
	}
	(void)snprintf(addr, sizeof(addr), "<%s>", smtp->from);
	ok = curl_easy_setopt(c, CURLOPT_URL, smtp->url) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps") ==
			CURLE_OK;
	/* required: STARTTLS or nothing; optional: TLS when offered, but
	 * a password goes in clear to this machine's relay only (across a
	 * network, a stripped STARTTLS would hand it to whoever stripped
	 * it). */
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_USE_SSL,
				 smtp->starttls_optional &&
						 (smtp->user == NULL ||
						  relay_is_local(smtp->url))
					 ? (long)CURLUSESSL_TRY
					 : (long)CURLUSESSL_ALL) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_READDATA, &r) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
				 VG_NOTIFY_CONNECT_TIMEOUT) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_TIMEOUT, VG_NOTIFY_TIMEOUT) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr) == CURLE_OK;
	if (ok && smtp->user != NULL && smtp->password_file != NULL &&
	    read_password(smtp->password_file, pass, sizeof(pass))) {
		auth = true;
		ok = curl_easy_setopt(c, CURLOPT_USERNAME, smtp->user) ==
				CURLE_OK &&
			curl_easy_setopt(c, CURLOPT_PASSWORD, pass) == CURLE_OK;
	}
	if (!ok) {
		(void)snprintf(errbuf, errlen, "%s",
			       _("cannot set up the SMTP transfer"));
		goto done;
	}
	cc = curl_easy_perform(c);
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK) {
		rc = VG_OK;
	} else if (cc == CURLE_OUT_OF_MEMORY) {
		rc = VG_ERR_NOMEM;
	} else {
		/* curl's detailed message, and the server's last code */
		if (code != 0)
			(void)snprintf(errbuf, errlen, "%s (SMTP %ld)",
				       cerr[0] ? cerr : curl_easy_strerror(cc),
				       code);
		else
			(void)snprintf(errbuf, errlen, "%s",
				       cerr[0] ? cerr : curl_easy_strerror(cc));
	}
done:
	if (auth)
		explicit_bzero(pass, sizeof(pass));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc;
}
