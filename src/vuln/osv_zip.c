/*
 * OSV dumps, zip archive or directory, one record at a time (osv_zip.h).
 * The archive's own sizes are hints only: a member is read until its end
 * or until it passes VG_OSV_MAX_MEMBER, so a lying header costs at most
 * one capped buffer; libzip checks each member's CRC as it ends.
 */
#include "util/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "util/dynlib.h"
#include "vuln/osv_zip.h"

#include "util/banned.h"

/*
 * libzip, loaded when a zip is read (util/dynlib.h): the agent's service
 * and every other command never map it nor bzip2.
 */
#define ZIP_SONAME "libzip.so.4"

static struct {
	zip_file_t *(*fopen_index)(zip_t *, zip_uint64_t, zip_flags_t);
	const char *(*strerror)(zip_t *);
	zip_int64_t (*fread)(zip_file_t *, void *, zip_uint64_t);
	const char *(*error_strerror)(zip_error_t *);
	zip_error_t *(*file_get_error)(zip_file_t *);
	int (*fclose)(zip_file_t *);
	zip_int64_t (*get_num_entries)(zip_t *, zip_flags_t);
	const char *(*get_name)(zip_t *, zip_uint64_t, zip_flags_t);
	zip_t *(*open)(const char *, int, int *);
	void (*error_init_with_code)(zip_error_t *, int);
	void (*error_fini)(zip_error_t *);
	void (*discard)(zip_t *);
	void (*error_init)(zip_error_t *);
	zip_source_t *(*source_buffer_create)(const void *, zip_uint64_t, int,
					      zip_error_t *);
	zip_t *(*open_from_source)(zip_source_t *, int, zip_error_t *);
	void (*source_free)(zip_source_t *);
	int (*error_code_zip)(const zip_error_t *);
} Z;
static void *zip_handle;

static enum vg_rc
load_zip(struct vg_err *err)
{
#define SYM(f)                                                                 \
	{                                                                      \
		"zip_" #f, (void *)&Z.f                                        \
	}
	const struct vg_dynsym syms[] = {
		SYM(fopen_index),
		SYM(strerror),
		SYM(fread),
		SYM(error_strerror),
		SYM(file_get_error),
		SYM(fclose),
		SYM(get_num_entries),
		SYM(get_name),
		SYM(open),
		SYM(error_init_with_code),
		SYM(error_fini),
		SYM(discard),
		SYM(error_init),
		SYM(source_buffer_create),
		SYM(open_from_source),
		SYM(source_free),
		SYM(error_code_zip),
	};
#undef SYM

	return vg_dynlib_load(ZIP_SONAME, syms, VG_ARRAY_LEN(syms), &zip_handle,
			      err);
}

/* Names in warnings are cut: a member name is up to 64 KiB. */
#define NAME_SHOWN 200
/* Entries of one directory listed before sorting. */
#define DIR_MAX_ENTRIES 1000000

/* A growable read buffer, capped at VG_OSV_MAX_MEMBER + 1 bytes. */
struct rbuf {
	char *p;
	size_t len, cap;
};

/* The state of one dump's read. */
struct dump {
	vg_osv_member_fn fn;
	void *ctx;
	struct vg_feed_sink *sink;
	struct vg_err *err;
	struct rbuf b;
	size_t n_members;
	unsigned long long total;
};

/* Room for n more bytes; false (nothing changed) past the cap or on no
 * memory, told apart by *nomem. */
static bool
rbuf_room(struct rbuf *b, size_t n, bool *nomem)
{
	size_t cap;
	char *p;

	*nomem = false;
	if (n > VG_OSV_MAX_MEMBER + 1 - b->len)
		return false;
	if (b->len + n <= b->cap)
		return true;
	cap = b->cap != 0 ? b->cap : 64 * 1024;
	while (cap < b->len + n)
		cap *= 2;
	if (cap > VG_OSV_MAX_MEMBER + 1)
		cap = VG_OSV_MAX_MEMBER + 1;
	if ((p = realloc(b->p, cap)) == NULL) {
		*nomem = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

/*
 * Count a record read, delivered or not (a bomb of oversized members
 * must hit the caps too): VG_ERR_LIMIT past them.
 */
static enum vg_rc
account(struct dump *d)
{
	if (++d->n_members > VG_OSV_MAX_MEMBERS)
		return vg_err_set(d->err, VG_ERR_LIMIT,
				  _("more than %d records in the dump"),
				  VG_OSV_MAX_MEMBERS);
	d->total += d->b.len;
	if (d->total > VG_OSV_MAX_TOTAL)
		return vg_err_set(d->err, VG_ERR_LIMIT,
				  _("more than %llu bytes in the dump"),
				  (unsigned long long)VG_OSV_MAX_TOTAL);
	return VG_OK;
}

static bool
is_json_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* ---- zip ---- */

/* Read member i into d->b: VG_OK, VG_ERR_PARSE (warned: skip it) or
 * VG_ERR_NOMEM. */
static enum vg_rc
osv_member(struct dump *d, zip_t *za, zip_uint64_t i, const char *name)
{
	zip_file_t *zf;
	zip_int64_t got;
	enum vg_rc rc = VG_OK;
	bool nomem;

	d->b.len = 0;
	if ((zf = Z.fopen_index(za, i, 0)) == NULL) {
		vg_feed_warn(d->sink, _("%.*s: cannot read: %s"), NAME_SHOWN,
			     name, Z.strerror(za));
		return VG_ERR_PARSE;
	}
	for (;;) {
		if (!rbuf_room(&d->b, 64 * 1024, &nomem) &&
		    !rbuf_room(&d->b, 1, &nomem)) {
			if (nomem)
				rc = vg_err_set(d->err, VG_ERR_NOMEM,
						_("out of memory"));
			else {
				vg_feed_warn(d->sink,
					     _("%.*s: larger than %u bytes, "
					       "skipped"),
					     NAME_SHOWN, name,
					     VG_OSV_MAX_MEMBER);
				rc = VG_ERR_PARSE;
			}
			break;
		}
		got = Z.fread(zf, d->b.p + d->b.len, d->b.cap - d->b.len);
		if (got < 0) {
			vg_feed_warn(d->sink, _("%.*s: cannot read: %s"),
				     NAME_SHOWN, name,
				     Z.error_strerror(Z.file_get_error(zf)));
			rc = VG_ERR_PARSE;
			break;
		}
		if (got == 0)
			break;
		d->b.len += (size_t)got;
		if (d->b.len > VG_OSV_MAX_MEMBER) {
			vg_feed_warn(d->sink,
				     _("%.*s: larger than %u bytes, skipped"),
				     NAME_SHOWN, name, VG_OSV_MAX_MEMBER);
			rc = VG_ERR_PARSE;
			break;
		}
	}
	Z.fclose(zf);
	return rc;
}

static enum vg_rc
osv_walk(struct dump *d, zip_t *za)
{
	zip_int64_t n;
	zip_uint64_t i;
	const char *name;
	enum vg_rc rc, lrc;

	if ((n = Z.get_num_entries(za, 0)) < 0)
		return vg_err_set(d->err, VG_ERR_PARSE, _("not a zip archive"));
	for (i = 0; i < (zip_uint64_t)n; i++) {
		if ((name = Z.get_name(za, i, ZIP_FL_ENC_GUESS)) == NULL ||
		    !is_json_name(name))
			continue;
		rc = osv_member(d, za, i, name);
		if (rc == VG_ERR_NOMEM)
			return rc;
		if ((lrc = account(d)) != VG_OK)
			return lrc;
		if (rc == VG_ERR_PARSE)
			continue;
		if ((rc = d->fn(d->ctx, name, d->b.p, d->b.len)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* The vg_rc for a libzip open error: not a zip, or not readable. */
static enum vg_rc
osv_open_rc(int ze)
{
	switch (ze) {
	case ZIP_ER_MEMORY:
		return VG_ERR_NOMEM;
	case ZIP_ER_NOENT:
	case ZIP_ER_OPEN:
	case ZIP_ER_READ:
	case ZIP_ER_SEEK:
		return VG_ERR_IO;
	default:
		return VG_ERR_PARSE;
	}
}

enum vg_rc
vg_osv_zip_file(const char *path, vg_osv_member_fn fn, void *ctx,
		struct vg_feed_sink *sink, struct vg_err *err)
{
	struct dump d = {fn, ctx, sink, err, {NULL, 0, 0}, 0, 0};
	zip_error_t ze;
	struct stat st;
	zip_t *za;
	int code;
	enum vg_rc rc;

	if ((rc = load_zip(err)) != VG_OK)
		return rc;
	/* libzip opens an empty file as an empty archive: a cut download. */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
		return vg_err_set(err, VG_ERR_PARSE, _("cannot open '%s': %s"),
				  path, _("empty file"));
	if ((za = Z.open(path, ZIP_RDONLY, &code)) == NULL) {
		Z.error_init_with_code(&ze, code);
		rc = vg_err_set(err, osv_open_rc(code),
				_("cannot open '%s': %s"), path,
				Z.error_strerror(&ze));
		Z.error_fini(&ze);
		return rc;
	}
	rc = osv_walk(&d, za);
	Z.discard(za);
	free(d.b.p);
	return rc;
}

enum vg_rc
vg_osv_zip_buf(const void *buf, size_t len, vg_osv_member_fn fn, void *ctx,
	       struct vg_feed_sink *sink, struct vg_err *err)
{
	struct dump d = {fn, ctx, sink, err, {NULL, 0, 0}, 0, 0};
	zip_source_t *src;
	zip_error_t ze;
	zip_t *za;
	enum vg_rc rc;

	if ((rc = load_zip(err)) != VG_OK)
		return rc;
	Z.error_init(&ze);
	/* libzip takes no bytes for an empty archive; a feed does not. */
	if (len == 0) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("not a zip archive: %s"),
				_("empty"));
		goto done;
	}
	if ((src = Z.source_buffer_create(len > 0 ? buf : NULL, len, 0, &ze)) ==
	    NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	if ((za = Z.open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		Z.source_free(src);
		rc = vg_err_set(err, osv_open_rc(Z.error_code_zip(&ze)),
				_("not a zip archive: %s"),
				Z.error_strerror(&ze));
		goto done;
	}
	rc = osv_walk(&d, za);
	Z.discard(za); /* frees src too */
done:
	Z.error_fini(&ze);
	free(d.b.p);
	return rc;
}

/* ---- directory ---- */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the regular file name (relative to dirfd) into d->b. VG_OK,
 * VG_ERR_PARSE (warned: skip it) or VG_ERR_NOMEM. */
static enum vg_rc
dir_file(struct dump *d, int dirfd, const char *name, const char *shown)
{
	struct stat st;
	ssize_t got;
	enum vg_rc rc = VG_OK;
	bool nomem;
	int fd;

	d->b.len = 0;
	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		vg_feed_warn(d->sink, _("cannot read '%.*s': %s"), NAME_SHOWN,
			     shown, strerror(errno));
		rc = VG_ERR_PARSE;
		goto done;
	}
	if (!S_ISREG(st.st_mode))
		goto skip;
	for (;;) {
		if (!rbuf_room(&d->b, 64 * 1024, &nomem) &&
		    !rbuf_room(&d->b, 1, &nomem)) {
			if (nomem) {
				rc = vg_err_set(d->err, VG_ERR_NOMEM,
						_("out of memory"));
				goto done;
			}
			vg_feed_warn(d->sink,
				     _("'%.*s': larger than %u bytes, skipped"),
				     NAME_SHOWN, shown, VG_OSV_MAX_MEMBER);
			goto skip;
		}
		got = read(fd, d->b.p + d->b.len, d->b.cap - d->b.len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			vg_feed_warn(d->sink, _("cannot read '%.*s': %s"),
				     NAME_SHOWN, shown, strerror(errno));
			goto skip;
		}
		if (got == 0)
			break;
		d->b.len += (size_t)got;
		if (d->b.len > VG_OSV_MAX_MEMBER) {
			vg_feed_warn(d->sink,
				     _("'%.*s': larger than %u bytes, skipped"),
				     NAME_SHOWN, shown, VG_OSV_MAX_MEMBER);
			goto skip;
		}
	}
	goto done;
skip:
	rc = VG_ERR_PARSE;
done:
	if (fd >= 0)
		close(fd);
	return rc;
}

static enum vg_rc dir_walk(struct dump *d, int fd, const char *prefix,
			   int depth);

/* One entry of a directory: a subdirectory walked, a *.json file read
 * and delivered, anything else (links, devices) passed over. */
static enum vg_rc
dir_entry(struct dump *d, int fd, const char *prefix, const char *name,
	  int depth)
{
	char shown[4096];
	struct stat st;
	enum vg_rc rc, lrc;
	int sub;

	snprintf(shown, sizeof(shown), "%s%s%s", prefix, prefix[0] ? "/" : "",
		 name);
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return VG_OK;
	if (S_ISDIR(st.st_mode)) {
		if (depth >= VG_OSV_MAX_DIR_DEPTH) {
			vg_feed_warn(d->sink,
				     _("'%.*s': deeper than %d levels, "
				       "skipped"),
				     NAME_SHOWN, shown, VG_OSV_MAX_DIR_DEPTH);
			return VG_OK;
		}
		sub = openat(fd, name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			vg_feed_warn(d->sink, _("cannot read '%.*s': %s"),
				     NAME_SHOWN, shown, strerror(errno));
			return VG_OK;
		}
		return dir_walk(d, sub, shown, depth + 1);
	}
	if (!S_ISREG(st.st_mode) || !is_json_name(name))
		return VG_OK;
	rc = dir_file(d, fd, name, shown);
	if (rc == VG_ERR_NOMEM)
		return rc;
	if ((lrc = account(d)) != VG_OK)
		return lrc;
	if (rc == VG_ERR_PARSE)
		return VG_OK;
	return d->fn(d->ctx, shown, d->b.p, d->b.len);
}

/* Walk the directory open at fd (closed here) in name order. */
static enum vg_rc
dir_walk(struct dump *d, int fd, const char *prefix, int depth)
{
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	enum vg_rc rc = VG_OK;
	DIR *dir;

	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return vg_err_set(d->err, VG_ERR_IO, _("cannot read '%s': %s"),
				  prefix, strerror(errno));
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == DIR_MAX_ENTRIES) {
			vg_feed_warn(d->sink,
				     _("'%.*s': more than %d entries, the "
				       "rest skipped"),
				     NAME_SHOWN, prefix, DIR_MAX_ENTRIES);
			break;
		}
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 256;
			if ((grown = reallocarray(names, cap,
						  sizeof(*names))) == NULL)
				goto nomem;
			names = grown;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	/* Name order: the same dump gives the same sequence anywhere. */
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && rc == VG_OK; i++)
		rc = dir_entry(d, dirfd(dir), prefix, names[i], depth);
	goto done;
nomem:
	rc = vg_err_set(d->err, VG_ERR_NOMEM, _("out of memory"));
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

enum vg_rc
vg_osv_dir(const char *path, vg_osv_member_fn fn, void *ctx,
	   struct vg_feed_sink *sink, struct vg_err *err)
{
	struct dump d = {fn, ctx, sink, err, {NULL, 0, 0}, 0, 0};
	enum vg_rc rc;
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return vg_err_set(err, VG_ERR_IO, _("cannot open '%s': %s"),
				  path, strerror(errno));
	rc = dir_walk(&d, fd, "", 0);
	free(d.b.p);
	return rc;
}

/* ---- a dump into vg_feed_osv ---- */

struct dump_feed {
	struct vg_feed_sink *sink;
	struct vg_err *err;
};

static enum vg_rc
feed_member(void *ctx, const char *name, const char *buf, size_t len)
{
	struct dump_feed *f = ctx;
	struct vg_err rerr;
	enum vg_rc rc;

	vg_err_clear(&rerr);
	rc = vg_feed_osv(buf, len, name, f->sink, &rerr);
	/* One bad record does not spoil the dump. */
	if (rc == VG_ERR_PARSE || rc == VG_ERR_LIMIT) {
		vg_feed_warn(f->sink, "%s", rerr.msg);
		return VG_OK;
	}
	if (rc != VG_OK && rerr.msg[0] != '\0')
		(void)vg_err_set(f->err, rc, "%s", rerr.msg);
	return rc;
}

enum vg_rc
vg_osv_dump(const char *path, struct vg_feed_sink *sink, struct vg_err *err)
{
	struct dump_feed f = {sink, err};
	struct stat st;

	if (stat(path, &st) != 0)
		return vg_err_set(err, VG_ERR_IO, _("cannot open '%s': %s"),
				  path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return vg_osv_dir(path, feed_member, &f, sink, err);
	return vg_osv_zip_file(path, feed_member, &f, sink, err);
}
