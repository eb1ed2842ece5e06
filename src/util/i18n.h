/* gettext shorthands. _() translates now; N_() marks for later. */
#ifndef VG_UTIL_I18N_H
#define VG_UTIL_I18N_H

#include <libintl.h>

#define _(s) dgettext("vigie", s)
#define N_(s) (s)

/* Bind the "vigie" text domain (installed or build-tree catalogues). */
void vg_i18n_init(void);

#endif
