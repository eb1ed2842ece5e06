/*
 * The command line: one file per subcommand (cmd_*.c), registered in the
 * table of main.c. Each command parses its own options and returns the
 * process exit status.
 */
#ifndef VG_CLI_CLI_H
#define VG_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "util/err.h"

/* Exit statuses (vigie(1)). */
#define VG_EXIT_OK 0
#define VG_EXIT_FAILURE 1
#define VG_EXIT_USAGE 2
#define VG_EXIT_FINDINGS 3

struct vg_command {
	const char *name;
	const char *summary; /* N_() one line for `vigie --help` */
	int (*run)(int argc, char **argv);
};

int vg_cmd_scan(int argc, char **argv);
int vg_cmd_facts(int argc, char **argv);
int vg_cmd_evaluate(int argc, char **argv);
int vg_cmd_history(int argc, char **argv);
int vg_cmd_findings(int argc, char **argv);

enum vg_format {
	VG_FORMAT_TEXT,
	VG_FORMAT_JSON
};

/* Options common to the commands (options.c). */
struct vg_options {
	const char *root;   /* --root, default "/" */
	const char *config; /* --config, default under the root */
	enum vg_format format;
	const char *db;	    /* --db, default vg_default_db() */
	bool no_store;
	bool fail_on_set;
	enum vg_severity fail_on;
};

/* Parse a --format / --fail-on value; print the error and return false. */
bool vg_opt_format(const char *cmd, const char *arg, enum vg_format *out);
bool vg_opt_severity(const char *cmd, const char *arg, enum vg_severity *out);

/* The default store: /var/lib/vigie/vigie.db as root, else
 * $XDG_DATA_HOME/vigie/vigie.db (~/.local/share when unset). Static. */
const char *vg_default_db(void);
/* Create the store's parent directories (0700 for the user's). */
bool vg_prepare_db_dir(const char *db);

/*
 * Load the policy: --config when given (missing is an error), else
 * ROOT/etc/vigie/vigie.conf when present; then the end-of-life table.
 * Warnings are printed; false after printing an error.
 */
bool vg_load_policy(struct vg_policy *p, const char *root, const char *config);

/* Print usage of cmd to fp (stdout for --help, stderr on error). */
void vg_usage(FILE *fp, const char *usage, const char *help);

/* Output (output_text.c, output_json.c). host is the facts' host part. */
void vg_output_text(FILE *fp, const struct vg_facts *f,
		    const struct vg_report *r, bool colour);
bool vg_output_json(FILE *fp, const struct vg_facts *f,
		    const struct vg_report *r, bool with_facts);

/* Exit status after a judged scan: 3 when a finding >= fail_on exists. */
int vg_exit_for(const struct vg_report *r, const struct vg_options *o);

#endif
