/*
 * Per-request language of the console (console_i18n.h). The two locales
 * are made once and shared by every thread (a locale_t may be used by
 * several threads at once); a request installs one with uselocale(3)
 * for its own thread only, so gettext's answer follows the request.
 */
#include "util/common.h"

#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "web/console_i18n.h"
#include "util/banned.h"

/* A year, for the language cookie. */
#define LANG_COOKIE_AGE (365L * 24 * 3600)

static pthread_once_t locales_once = PTHREAD_ONCE_INIT;
static locale_t locales[2]; /* by enum vg_console_lang; 0 when missing */
static _Thread_local const char *current_code;

/* The first of names this system has, or 0. */
static locale_t
first_locale(const char *const *names)
{
	locale_t l;

	for (; *names != NULL; names++)
		if ((l = newlocale(LC_ALL_MASK, *names, (locale_t)0)) !=
		    (locale_t)0)
			return l;
	return (locale_t)0;
}

static void
locales_make(void)
{
	static const char *const fr[] = {"fr_FR.UTF-8", "fr_FR.utf8", "fr_FR",
					 NULL};
	static const char *const en[] = {"C.UTF-8", "C.utf8", "C", NULL};

	locales[VG_LANG_FR] = first_locale(fr);
	locales[VG_LANG_EN] = first_locale(en);
}

/* "fr", "en", "fr-FR", "en-GB;q=0.8"...: the language of the tag at s. */
static bool
tag_is(const char *s, const char *lang)
{
	size_t n = strlen(lang);

	return strncasecmp(s, lang, n) == 0 &&
		(s[n] == '\0' || s[n] == '-' || s[n] == '_' || s[n] == ';' ||
		 s[n] == ',' || s[n] == ' ');
}

enum vg_console_lang
vg_console_lang_pick(const struct vg_http_request *req,
		     struct vg_http_response *resp)
{
	const char *arg = vg_http_arg(req, "lang");
	const char *al = req->accept_language;
	enum vg_console_lang l;

	if (arg != NULL && (tag_is(arg, "fr") || tag_is(arg, "en"))) {
		l = tag_is(arg, "en") ? VG_LANG_EN : VG_LANG_FR;
		/* Remembered by the browser for the pages that follow. */
		if (resp != NULL && resp->set_cookie[0] == '\0')
			(void)snprintf(
				resp->set_cookie, sizeof(resp->set_cookie),
				"%s=%s; Path=/; Max-Age=%ld; "
				"SameSite=Strict%s",
				VG_LANG_COOKIE, l == VG_LANG_EN ? "en" : "fr",
				LANG_COOKIE_AGE, req->tls ? "; Secure" : "");
		return l;
	}
	/* The choice made on an earlier page, then the browser's. */
	if (req->lang_cookie != NULL &&
	    (tag_is(req->lang_cookie, "fr") || tag_is(req->lang_cookie, "en")))
		return tag_is(req->lang_cookie, "en") ? VG_LANG_EN : VG_LANG_FR;
	if (al != NULL) {
		while (*al == ' ')
			al++;
		if (tag_is(al, "en"))
			return VG_LANG_EN;
	}
	return VG_LANG_FR;
}

const char *
vg_console_lang_code(void)
{
	return current_code != NULL ? current_code : "en";
}

void
vg_console_run(vg_api_handler h, const struct vg_api_ctx *ctx,
	       const struct vg_http_request *req, struct vg_http_response *resp)
{
	enum vg_console_lang l;
	locale_t old = (locale_t)0;
	bool switched = false;
	char cookie[sizeof(resp->set_cookie)];

	(void)pthread_once(&locales_once, locales_make);
	cookie[0] = '\0';
	l = vg_console_lang_pick(req, resp);
	/* The handler may set its own cookie (login): keep the language's
	 * only when it did not. */
	memcpy(cookie, resp->set_cookie, sizeof(cookie));
	resp->set_cookie[0] = '\0';
	if (locales[l] != (locale_t)0) {
		old = uselocale(locales[l]);
		switched = old != (locale_t)0;
		current_code = l == VG_LANG_EN ? "en" : "fr";
	}
	h(ctx, req, resp);
	if (resp->set_cookie[0] == '\0')
		memcpy(resp->set_cookie, cookie, sizeof(cookie));
	if (switched)
		(void)uselocale(old);
	current_code = NULL;
}
