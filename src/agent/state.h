/*
 * The agent's identity, STATE_DIR/agent.json: the server it enrolled
 * with, the pin of that server's key, and the id and secret the server
 * gave it. The file is written atomically with mode 0600: it holds a
 * secret.
 */
#ifndef VG_AGENT_STATE_H
#define VG_AGENT_STATE_H

#include <stddef.h>

#include "util/err.h"

#define VG_AGENT_STATE_FILE "agent.json"
#define VG_AGENT_STATE_MAX (64u << 10) /* agent.json is a few lines */
#define VG_AGENT_FIELD_MAX 2048        /* one field, a URL at most */

/* Every string is owned (malloc'd); pin and site may be NULL. */
struct vg_agent_state {
	char *server;   /* base URL, "https://host:port", no final '/' */
	char *pin;      /* "sha256//<base64>", or NULL: the system's CAs */
	char *agent_id; /* the server's id for this agent */
	char *secret;   /* hex; wiped on release */
	char *site;     /* the site the token was made for */
};

/* An empty state (everything NULL). */
void vg_agent_state_init(struct vg_agent_state *s);
/* Free the strings, wiping the secret first; s is empty afterwards. */
void vg_agent_state_release(struct vg_agent_state *s);

/*
 * Read STATE_DIR/agent.json into s (initialised here). VG_ERR_NOTFOUND
 * when the file does not exist (the agent is not enrolled), VG_ERR_PARSE
 * with a message naming the field when one is missing or malformed.
 * s is empty on failure.
 */
enum vg_rc vg_agent_state_load(struct vg_agent_state *s, const char *dir,
			       struct vg_err *err);

/* Write s to STATE_DIR/agent.json (mode 0600, atomically). */
enum vg_rc vg_agent_state_save(const struct vg_agent_state *s, const char *dir,
			       struct vg_err *err);

/*
 * Checks shared by load and enroll, so that nothing unfit for an HTTP
 * header or a URL is ever stored: a printable ASCII string, at most
 * VG_AGENT_FIELD_MAX bytes, of the characters the field allows.
 */
enum vg_rc vg_agent_check_field(const char *field, const char *value,
				struct vg_err *err);

/* Create dir (and missing parents) with mode 0700 for dir itself. */
enum vg_rc vg_agent_mkdir(const char *dir, struct vg_err *err);

#endif
