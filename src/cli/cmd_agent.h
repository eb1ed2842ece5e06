/* `vigie agent enroll|run` (cmd_agent.c), registered in main.c. */
#ifndef VG_CLI_CMD_AGENT_H
#define VG_CLI_CMD_AGENT_H

/* Exit status: 0 done, 1 failure (with --once: reports left in the
 * spool or refused), 2 usage error. */
int vg_cmd_agent(int argc, char **argv);

#endif
