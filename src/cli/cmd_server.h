/*
 * The server's commands (issue 3), registered in main.c's table:
 *   serve   - "run the HTTPS server that receives agents' reports"
 *   user    - "manage console users (user add)"
 *   token   - "create one-time agent enrolment tokens"
 *   apikey  - "create API keys for integrations"
 */
#ifndef VG_CLI_CMD_SERVER_H
#define VG_CLI_CMD_SERVER_H

int vg_cmd_serve(int argc, char **argv);
int vg_cmd_user(int argc, char **argv);
int vg_cmd_token(int argc, char **argv);
int vg_cmd_apikey(int argc, char **argv);

#endif
