/*
 * `vigie export FORMAT` (cmd_export.c), registered in main.c's table:
 *   export  - "export an asset for another tool (export glpi)"
 */
#ifndef VG_CLI_CMD_EXPORT_H
#define VG_CLI_CMD_EXPORT_H

/* Exit status: 0 written, 1 failure (collection, store, write), 2 usage
 * error. */
int vg_cmd_export(int argc, char **argv);

#endif
