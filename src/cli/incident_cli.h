/*
 * `vigie incident`: the verbs live in three files, dispatched by
 * cmd_incident.c (open, note, status, close, show, list, verify):
 * incident_isolate.c (isolate, release: tasks for the host's agent) and
 * incident_export.c (export: the report drafts). Each takes the verb's
 * own argv (argv[0] the verb) and returns the exit status.
 */
#ifndef VG_CLI_INCIDENT_CLI_H
#define VG_CLI_INCIDENT_CLI_H

#include <stdbool.h>

int vg_cmd_incident(int argc, char **argv);
/* release false: isolate; true: release. */
int vg_incident_isolate_main(int argc, char **argv, bool release);
int vg_incident_export_main(int argc, char **argv);

#endif
