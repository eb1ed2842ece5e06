/*
 * `vigie discover` (cmd_discover.c), registered in main.c's table:
 *   discover - "inventory devices passively from network traffic"
 */
#ifndef VG_CLI_CMD_DISCOVER_H
#define VG_CLI_CMD_DISCOVER_H

/* Exit status: 0 done, 1 failure (capture, write), 2 usage error. */
int vg_cmd_discover(int argc, char **argv);

#endif
