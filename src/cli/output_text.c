/*
 * The text report: findings grouped by rule, a score per rule, each with
 * its subject and a one-line remediation. Colour only on a terminal.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* The campaign's names for its ten rules (RULES.md headings). */
static const char *const rule_names[VG_RULE_COUNT + 1] = {
	NULL,
	N_("Inventory"),
	N_("Access rights"),
	N_("Administrators"),
	N_("Passwords"),
	N_("Backups"),
	N_("Professional data"),
	N_("Updates"),
	N_("Links and mail"),
	N_("Continuity"),
	N_("Incident reflexes"),
};

/* ANSI colours, empty when not on a terminal. */
struct palette {
	const char *bold, *dim, *reset;
	const char *sev[VG_SEV_COUNT];
};

static const struct palette plain = {"", "", "", {"", "", "", ""}};
static const struct palette ansi = {
	"\033[1m",
	"\033[2m",
	"\033[0m",
	{"\033[36m", "\033[33m", "\033[31m", "\033[1;31m"},
};

/* Translated severity names, upper case in every language. */
static const char *
severity_label(enum vg_severity s)
{
	switch (s) {
	case VG_SEV_LOW:
		return _("LOW");
	case VG_SEV_MEDIUM:
		return _("MEDIUM");
	case VG_SEV_HIGH:
		return _("HIGH");
	default:
		return _("CRITICAL");
	}
}

static void
print_score(FILE *fp, const struct palette *c, int score)
{
	if (score == VG_SCORE_NONE)
		fprintf(fp, "%s%s%s", c->dim, _("not scored"), c->reset);
	else
		fprintf(fp, "%s%d/100%s", c->bold, score, c->reset);
}

/* Characters (not bytes) in a UTF-8 string, for column alignment. */
static int
text_width(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
print_finding(FILE *fp, const struct palette *c, const struct vg_finding *fd,
	      bool verbose)
{
	const char *label = severity_label(fd->severity);
	int pad = 8 - text_width(label);
	char *ev;

	/* printf pads bytes: "ÉLEVÉE" would end two columns short. */
	fprintf(fp, "  %s%s%s%*s %s  ", c->sev[fd->severity], label, c->reset,
		pad > 0 ? pad : 0, "", fd->check);
	vg_fput_untrusted(fp, fd->subject);
	fputc('\n', fp);
	if (fd->remediation != NULL)
		fprintf(fp, "           %s-> %s%s\n", c->dim,
			_(fd->remediation), c->reset);
	if (verbose && fd->evidence != NULL &&
	    (ev = json_dumps(fd->evidence,
			     JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
		fprintf(fp, "           %s%s%s\n", c->dim, ev, c->reset);
		free(ev);
	}
}

void
vg_output_text(FILE *fp, const struct vg_facts *f, const struct vg_report *r,
	       bool colour, bool verbose)
{
	const struct palette *c = colour ? &ansi : &plain;
	char when[21];
	size_t i, k, shown;
	int rule;

	vg_format_time(f->collected_at, when);
	fprintf(fp, "%svigie%s  ", c->bold, c->reset);
	/* A network device's facts name it by its device section. */
	vg_fput_untrusted(fp,
			  f->os.hostname != NULL           ? f->os.hostname
				  : f->device.name != NULL ? f->device.name
				  : f->device.key != NULL  ? f->device.key
							   : "?");
	if (f->os.pretty_name != NULL) {
		fputs(" (", fp);
		vg_fput_untrusted(fp, f->os.pretty_name);
		fputc(')', fp);
	}
	if (f->root != NULL && strcmp(f->root, "/") != 0) {
		fprintf(fp, "  %s ", _("root"));
		vg_fput_untrusted(fp, f->root);
	}
	fprintf(fp, "  %s\n", when);
	fputs(_("Overall score: "), fp);
	print_score(fp, c, r->overall);
	fprintf(fp, _("  (%zu findings)\n"), r->n_findings);

	for (rule = 1; rule <= VG_RULE_COUNT; rule++) {
		shown = 0;
		for (k = 0; k < r->n_findings; k++)
			shown += r->findings[k].rule == rule;
		if (r->scores[rule] == VG_SCORE_NONE && shown == 0)
			continue;
		fprintf(fp, "\n%sR%d %s%s  ", c->bold, rule,
			_(rule_names[rule]), c->reset);
		print_score(fp, c, r->scores[rule]);
		fputc('\n', fp);
		if (shown == 0)
			fprintf(fp, _("  no finding\n"));
		for (k = 0; k < r->n_findings; k++)
			if (r->findings[k].rule == rule)
				print_finding(fp, c, &r->findings[k], verbose);
	}

	if (r->n_not_evaluated > 0) {
		fprintf(fp,
			_("\n%sNot evaluated%s (no score is given for "
			  "missing data)\n"),
			c->bold, c->reset);
		for (i = 0; i < r->n_not_evaluated; i++) {
			fprintf(fp, "  R%-2d %-28s ", r->not_evaluated[i].rule,
				r->not_evaluated[i].check);
			vg_fput_untrusted(fp, r->not_evaluated[i].reason);
			fputc('\n', fp);
		}
	}
	fprintf(fp,
		_("\nRules R8 and R9 (phishing, continuity) are judged by "
		  "the establishment's\nconsole, not on a single host.\n"));
}

void
vg_put_cell(FILE *fp, const char *s, size_t width, bool cut)
{
	char part[1024];
	size_t i, chars = 0, end;

	for (end = 0; s[end] != '\0'; end++) {
		bool starts = ((unsigned char)s[end] & 0xc0) != 0x80;

		if (starts && cut && chars + 1 >= width)
			break;
		chars += starts;
	}
	if (end < strlen(s) && end < sizeof(part)) {
		memcpy(part, s, end);
		part[end] = '\0';
		s = part;
	}
	vg_fput_untrusted(fp, s);
	for (i = chars; i == chars || i < width; i++)
		fputc(' ', fp);
}
