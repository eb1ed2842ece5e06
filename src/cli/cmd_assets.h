/*
 * `vigie assets import|list` (cmd_assets.c), registered in main.c's table:
 *   assets  - "declare known devices from a CSV file (assets import)"
 */
#ifndef VG_CLI_CMD_ASSETS_H
#define VG_CLI_CMD_ASSETS_H

/*
 * Exit status: 0 done (every line imported), 1 failure (unreadable or
 * unusable file, store), 2 usage error, 3 some lines refused while the
 * good ones were imported.
 */
int vg_cmd_assets(int argc, char **argv);

#endif
