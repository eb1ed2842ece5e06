/* Error type shared by every module: a code plus a caller-owned message. */
#ifndef VG_UTIL_ERR_H
#define VG_UTIL_ERR_H

enum vg_rc {
	VG_OK = 0,
	VG_ERR_IO,       /* a file or socket could not be read or written */
	VG_ERR_PARSE,    /* input is malformed */
	VG_ERR_NOMEM,    /* allocation failed */
	VG_ERR_LIMIT,    /* input exceeds a named limit */
	VG_ERR_USAGE,    /* the caller asked for something invalid */
	VG_ERR_NOTFOUND, /* the thing asked for does not exist */
	VG_ERR_STORE,    /* the store failed */
};

#define VG_ERR_MSG_MAX 512

struct vg_err {
	enum vg_rc rc;
	char msg[VG_ERR_MSG_MAX];
};

/* Clear an error (rc VG_OK, empty message). */
void vg_err_clear(struct vg_err *err);

/*
 * Record rc and a printf-style message in err (which may be NULL) and
 * return rc, so callers write `return vg_err_set(err, VG_ERR_IO, ...)`.
 */
enum vg_rc vg_err_set(struct vg_err *err, enum vg_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
