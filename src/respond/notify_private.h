/*
 * Inside the alerts (notify.c, notify_smtp.c, notify_webhook.c): the
 * message builders, kept apart from the senders so that unit tests
 * check the exact bytes without a network, and one attempt of each
 * channel, which notify.c retries.
 */
#ifndef VG_RESPOND_NOTIFY_PRIVATE_H
#define VG_RESPOND_NOTIFY_PRIVATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"
#include "respond/incident.h"
#include "respond/notify.h"
#include "util/buf.h"
#include "util/err.h"

#define VG_NOTIFY_CONNECT_TIMEOUT 5L    /* seconds to reach a server */
#define VG_NOTIFY_TIMEOUT 15L           /* seconds for one whole attempt */
#define VG_NOTIFY_ATTEMPTS 3            /* per delivery */
#define VG_NOTIFY_MAIL_MAX (256u << 10) /* one built e-mail */
#define VG_NOTIFY_BODY_MAX (1u << 20)   /* one webhook JSON body */
#define VG_NOTIFY_ASSETS_SHOWN 50       /* assets named in a message */
#define VG_NOTIFY_TIME_MAX 48           /* a formatted time */

/*
 * What the messages say of an incident, read from its JSON (the shape
 * of vg_store_incident_get); strings borrowed from that JSON, NULL when
 * absent. deadline_cnil is 0 when no personal data is concerned.
 */
struct vg_notify_view {
	const json_t *doc;
	int64_t id;
	struct vg_incident inc; /* title points into doc */
	const json_t *assets;   /* the "assets" array, or NULL */
	bool serious;
	int64_t deadline_ans, deadline_cnil;
	int report_hours;
};

/* Read incident (needs an integer "id" and a string "title"):
 * VG_ERR_USAGE otherwise. Unknown enum names fall back to "other",
 * "none" and "open". */
enum vg_rc vg_notify_view_read(struct vg_notify_view *v,
			       const struct vg_policy *p,
			       const json_t *incident, struct vg_err *err);

/* t as local time "YYYY-MM-DD HH:MM (UTC+HH:MM)", "-" when 0. */
void vg_notify_format_time(int64_t t, char out[VG_NOTIFY_TIME_MAX]);

/* The display text (a msgid, translated by the caller's locale) of an
 * incident type, care impact or status. */
const char *vg_notify_type_text(enum vg_incident_type t);
const char *vg_notify_care_text(enum vg_care_impact c);
const char *vg_notify_status_text(enum vg_incident_status s);

/*
 * Append one header "Name: value\r\n" to b, value cleaned of CR, LF and
 * every other control byte (no header can be injected), and encoded per
 * RFC 2047 (UTF-8, base64 encoded-words of at most 75 characters, on
 * folded lines, never splitting a UTF-8 sequence) when it holds a byte
 * over 0x7e or would make a line longer than 78. Invalid UTF-8 bytes
 * become U+FFFD.
 */
enum vg_rc vg_notify_header(struct vg_buf *b, const char *name,
			    const char *value);
/* Same, for an address header: "Name: display <addr>\r\n", the display
 * name encoded as a phrase (RFC 2047 §5(3)) unless plain ASCII letters,
 * digits and spaces; display may be NULL. */
enum vg_rc vg_notify_header_addr(struct vg_buf *b, const char *name,
				 const char *display, const char *addr);

/*
 * The whole e-mail to contact c (RFC 5322, CRLF line ends, UTF-8 body
 * in 8bit) about the incident read in v, dated now; message ID from
 * from's domain and random bytes. The texts follow the calling
 * thread's locale: vg_notify_incident sets French around it.
 */
enum vg_rc vg_notify_mail_build(const struct vg_policy *p,
				const struct vg_contact_decl *c,
				const struct vg_notify_view *v,
				enum vg_notify_event ev,
				const char *console_url, int64_t now,
				struct vg_buf *out, struct vg_err *err);

/*
 * The webhook's JSON text (caller frees): {"event", "incident" (the
 * incident object without its timeline), "establishment" (its declared
 * fields, or null), "deadlines" {"ans", "cnil"}, "console_url" (or
 * null)}.
 */
enum vg_rc vg_notify_webhook_body(const struct vg_policy *p,
				  const struct vg_notify_view *v,
				  enum vg_notify_event ev,
				  const char *console_url, char **out,
				  struct vg_err *err);

/*
 * One attempt. VG_OK when the server took the message (SMTP 250 after
 * DATA) or answered 2xx (webhook); VG_ERR_IO otherwise, with the reason
 * in errbuf; VG_ERR_NOMEM.
 */
enum vg_rc vg_notify_smtp_send(const struct vg_smtp_decl *smtp, const char *to,
			       const struct vg_buf *msg, char *errbuf,
			       size_t errlen);
enum vg_rc vg_notify_webhook_post(const char *url, const char *body,
				  char *errbuf, size_t errlen);

/*
 * The answer of an attempt that got no libcurl handle: VG_ERR_IO with the
 * reason in errbuf when libcurl cannot be loaded (a failed delivery,
 * recorded as any other), VG_ERR_NOMEM otherwise.
 */
enum vg_rc vg_notify_no_curl(char *errbuf, size_t errlen);

#endif
