/*
 * The console's language, per request (private to web/): French by
 * default, English on request. Each request switches its own thread's
 * locale with uselocale(3), so gettext answers in the request's
 * language while other threads serve others.
 */
#ifndef VG_WEB_CONSOLE_I18N_H
#define VG_WEB_CONSOLE_I18N_H

#include "web/http.h"

enum vg_console_lang {
	VG_LANG_FR,
	VG_LANG_EN,
};

/*
 * The language a request asks for: its `lang` argument ("fr" or "en",
 * which also sets the VG_LANG_COOKIE cookie on resp when resp has no
 * other cookie), else its Accept-Language's first tag, else French.
 */
enum vg_console_lang vg_console_lang_pick(const struct vg_http_request *req,
					  struct vg_http_response *resp);

/* "fr" or "en": the language the calling thread's page is rendered in
 * ("en" outside vg_console_run, where messages are untranslated). */
const char *vg_console_lang_code(void);

/* Run a console handler in the request's language, then restore the
 * thread's locale. */
void vg_console_run(vg_api_handler h, const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);

#endif
