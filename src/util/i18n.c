#include "util/common.h"

#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util/root.h"

#include "util/banned.h"

/*
 * Catalogues come from VIGIE_LOCALEDIR when set, else the build tree's
 * for the program in the build tree, else the installed ones.
 */
void
vg_i18n_init(void)
{
	const char *dir = getenv("VIGIE_LOCALEDIR");
	struct stat st;

	(void)setlocale(LC_ALL, "");
	/* Numbers stay C's: the JSON, CSV and SQL the program writes with
	 * printf need a decimal point, never a French comma. */
	(void)setlocale(LC_NUMERIC, "C");
	if (dir == NULL || *dir == '\0') {
		dir = VG_LOCALEDIR;
		if (vg_exe_in_build_tree() ||
		    stat(VG_LOCALEDIR "/fr/LC_MESSAGES/vigie.mo", &st) == -1)
			dir = VG_BUILD_LOCALEDIR;
	}
	(void)bindtextdomain("vigie", dir);
	(void)bind_textdomain_codeset("vigie", "UTF-8");
	/* ngettext() and gettext() look in the default domain. */
	(void)textdomain("vigie");
}
