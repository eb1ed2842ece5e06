/*
 * The verbs of `vigie vuln` (cmd_vuln.c's table), private to the vuln
 * command's files. Each takes argv with argv[0] the verb and returns the
 * process exit status (vigie(1)).
 */
#ifndef VG_CLI_VULN_CLI_H
#define VG_CLI_VULN_CLI_H

/* vuln update (vuln_update.c): 0 every feed imported or not modified, 1
 * a feed failed (the others are imported), 2 usage error. */
int vg_vuln_update(int argc, char **argv);

/* vuln check (vuln_check.c): 0 no vulnerable package, 1 failure, 2 usage
 * error, 3 vulnerable packages found. */
int vg_vuln_check(int argc, char **argv);

/* vuln list (vuln_check.c): 0 listed, 1 failure, 2 usage error. */
int vg_vuln_list(int argc, char **argv);

#endif
