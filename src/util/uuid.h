/* Random (version 4) UUIDs, for agent ids, API key ids and report ids. */
#ifndef VG_UTIL_UUID_H
#define VG_UTIL_UUID_H

#define VG_UUID_LEN 36 /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" */

/*
 * A new version 4 UUID in lower case, NUL-terminated, from getrandom(2).
 * Aborts when the kernel gives no randomness at all: a guessable id is
 * worse than no id.
 */
void vg_uuid_new(char out[37]);

#endif
