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
	const char *db; /* --db, default vg_default_db() */
	bool no_store;
	bool fail_on_set;
	enum vg_severity fail_on;
	bool verbose; /* text: show each finding's evidence */
};

/* Options a command accepts, for vg_parse_options. */
enum {
	VG_OPT_ROOT = 1 << 0,
	VG_OPT_CONFIG = 1 << 1,
	VG_OPT_FORMAT = 1 << 2,
	VG_OPT_DB = 1 << 3,
	VG_OPT_NO_STORE = 1 << 4,
	VG_OPT_FAIL_ON = 1 << 5,
	VG_OPT_VERBOSE = 1 << 6,
};

/* What a command says of itself for --help and usage errors. */
struct vg_command_help {
	const char *name;
	const char *usage;      /* N_() "vigie scan [--root DIR] ..." */
	const char *help;       /* N_() option descriptions */
	unsigned allowed;       /* VG_OPT_* */
	int min_args, max_args; /* operands after the options */
};

/*
 * Parse argv for command h into o (defaults first). Returns -1 to go on,
 * with *first the index of the first operand, or the exit status to
 * return at once (0 after --help, 2 on a usage error).
 */
int vg_parse_options(const struct vg_command_help *h, int argc, char **argv,
		     struct vg_options *o, int *first);

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
struct vg_root;
bool vg_load_policy(struct vg_policy *p, const struct vg_root *root,
		    const char *config);

/*
 * Open o->root, load the policy into p and collect the facts into f
 * (cmd_scan.c; shared with `vigie facts`). Returns -1 on success, with p
 * and f to release, or the exit status after printing the error.
 */
int vg_collect_root(const struct vg_options *o, struct vg_policy *p,
		    struct vg_facts *f);
/* The same, collecting only os-release and the packages (vuln check). */
int vg_collect_root_packages(const struct vg_options *o, struct vg_policy *p,
			     struct vg_facts *f);

/* Print the facts' collection warnings to stderr. */
void vg_print_warnings(const struct vg_facts *f);

/* Judge f under p into r (initialised here); false after an error. */
bool vg_judge(const struct vg_facts *f, const struct vg_policy *p,
	      struct vg_report *r);

/* Record a judged scan in the store at db; false after an error. */
bool vg_record_scan(const char *db, const struct vg_facts *f,
		    const struct vg_report *r);

/* Show a judged scan in the format asked; false on a write error. */
bool vg_show_report(const struct vg_options *o, const struct vg_facts *f,
		    const struct vg_report *r);

/* A subcommand of a command with verbs (`vigie vuln update`). */
struct vg_verb {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
};

/*
 * Run the verb argv[1] of command cmd from verbs[0..n): --help prints
 * usage and help (both N_() strings), a missing or unknown verb is a
 * usage error. Returns the exit status.
 */
int vg_run_verb(const char *cmd, const struct vg_verb *verbs, size_t n,
		const char *usage, const char *help, int argc, char **argv);

/* Print usage of cmd to fp (stdout for --help, stderr on error). */
void vg_usage(FILE *fp, const char *usage, const char *help);

/*
 * One cell of a text table (output_text.c): s escaped (it may come from
 * a file or the network), padded with spaces to width characters (UTF-8
 * sequences count one), at least one space after it; with cut, s is cut
 * to width - 1 characters first.
 */
void vg_put_cell(FILE *fp, const char *s, size_t width, bool cut);

/* Output (output_text.c, output_json.c). host is the facts' host part. */
void vg_output_text(FILE *fp, const struct vg_facts *f,
		    const struct vg_report *r, bool colour, bool verbose);
bool vg_output_json(FILE *fp, const struct vg_facts *f,
		    const struct vg_report *r, bool with_facts);

/* Exit status after a judged scan: 3 when a finding >= fail_on exists. */
int vg_exit_for(const struct vg_report *r, const struct vg_options *o);

#endif
