/*
 * The index cache of apt lists (see apt_cache.h for the image layout).
 * Building sorts offsets, never strings: the strings stay in list order
 * so equal names keep their order, which the upgrade logic relies on.
 * Loading reads the file whole (~2 MB for Debian main), checks it, and
 * looks names up by binary search: nothing is allocated per record.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/apt_cache.h"
#include "util/text.h"
#include "util/zlib_lazy.h"
#include "util/banned.h"

#define CACHE_MAGIC "VGAPTIDX"
/* Bump when the image layout or its meaning changes. */
#define CACHE_FORMAT 1
#define CACHE_HEADER 96
/* vigie's version in the header: a new vigie rebuilds its caches. */
#define CACHE_VERSION_LEN 16
/* Longest key (a real path) kept in an image. */
#define CACHE_MAX_KEY 4096
/* Strings of one index: a list is at most VG_MAX_LIST_FILE decoded. */
#define CACHE_MAX_STRINGS VG_MAX_LIST_FILE
/* Records: a stanza is at least "Package:x\nVersion:1\n\n". */
#define CACHE_MAX_RECORDS (VG_MAX_LIST_FILE / 16)
/* Warnings replayed from one index, and the bytes they take. */
#define CACHE_MAX_WARNINGS 200
#define CACHE_MAX_WARNING_BYTES (64u << 10)
/* Largest cache file read back. */
#define CACHE_MAX_FILE                                                         \
	(CACHE_HEADER + CACHE_MAX_KEY + 4 * (size_t)CACHE_MAX_RECORDS +        \
	 CACHE_MAX_STRINGS + CACHE_MAX_WARNING_BYTES + 16)
/* Longest version the upgrade logic takes (apt.c's APT_MAX_VERSION). */
#define CACHE_MAX_VERSION 512

/* Header fields, by offset. */
enum {
	H_MAGIC = 0,
	H_FORMAT = 8,
	H_HEADER = 12,
	H_VERSION = 16,
	H_DEV = 32,
	H_INO = 40,
	H_SIZE = 48,
	H_MTIME = 56,
	H_MTIME_NS = 64,
	H_KEY_LEN = 72,
	H_RECORDS = 76,
	H_STRINGS = 80,
	H_WARNINGS = 84,
	H_WARNING_BYTES = 88,
	H_CRC = 92,
};

static void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static uint64_t
get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static uint32_t
crc_of(const unsigned char *p, size_t n)
{
	return (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), p, n);
}

/* ------------------------------------------------------------------ */
/* Building                                                             */

static enum vg_rc
add_zeros(struct vg_buf *b, size_t n)
{
	static const char zeros[CACHE_HEADER];
	size_t k;
	enum vg_rc rc;

	for (; n > 0; n -= k) {
		k = n < sizeof(zeros) ? n : sizeof(zeros);
		if ((rc = vg_buf_add(b, zeros, k)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

enum vg_rc
vg_apt_index_builder_init(struct vg_apt_index_builder *b, const char *key)
{
	size_t k = strlen(key);

	memset(b, 0, sizeof(*b));
	/* The image holds the header, key and strings, then offsets. */
	vg_buf_init(&b->img, CACHE_MAX_FILE);
	vg_buf_init(&b->warnings, CACHE_MAX_WARNING_BYTES);
	if (k > CACHE_MAX_KEY) {
		b->no_store = true;
		k = 0;
	}
	if (add_zeros(&b->img, CACHE_HEADER) != VG_OK ||
	    vg_buf_add(&b->img, key, k) != VG_OK ||
	    add_zeros(&b->img, pad4(k) - k) != VG_OK) {
		vg_apt_index_builder_release(b);
		return VG_ERR_NOMEM;
	}
	b->key_len = k;
	b->strings_at = b->img.len;
	return VG_OK;
}

void
vg_apt_index_builder_release(struct vg_apt_index_builder *b)
{
	vg_buf_release(&b->img);
	vg_buf_release(&b->warnings);
	free(b->offs);
	b->offs = NULL;
	b->n = b->cap = 0;
}

enum vg_rc
vg_apt_index_add(struct vg_apt_index_builder *b, const struct vg_apt_stanza *st)
{
	const char *arch = st->arch, *version = st->version;
	size_t alen = st->arch_len, vlen = st->version_len, need, cap;
	size_t at = b->img.len - b->strings_at;
	uint32_t *o;
	bool bad_version =
		vlen >= CACHE_MAX_VERSION || vg_has_nul(version, vlen);

	if (vg_has_nul(st->name, st->name_len))
		return VG_OK; /* never an installed package's name */
	/* The reader only warns about an invalid version: store "". */
	if (bad_version)
		vlen = 0;
	if (vg_has_nul(arch, alen)) {
		if (!bad_version)
			return VG_OK; /* matches no installed architecture */
		alen = 0;
	}
	need = st->name_len + alen + vlen + 3;
	if (b->too_big || b->n >= CACHE_MAX_RECORDS ||
	    need > CACHE_MAX_STRINGS - at) {
		b->too_big = true;
		return VG_OK;
	}
	if (b->n == b->cap) {
		cap = b->cap == 0 ? 1024 : 2 * b->cap;
		if ((o = reallocarray(b->offs, cap, sizeof(*o))) == NULL)
			return VG_ERR_NOMEM;
		b->offs = o;
		b->cap = cap;
	}
	if (vg_buf_add(&b->img, st->name, st->name_len) != VG_OK ||
	    vg_buf_addc(&b->img, '\0') != VG_OK ||
	    vg_buf_add(&b->img, arch, alen) != VG_OK ||
	    vg_buf_addc(&b->img, '\0') != VG_OK ||
	    vg_buf_add(&b->img, version, vlen) != VG_OK ||
	    vg_buf_addc(&b->img, '\0') != VG_OK) {
		/* Take back a partial record: the buffer never shrinks. */
		b->img.len = b->strings_at + at;
		b->img.data[b->img.len] = '\0';
		return VG_ERR_NOMEM;
	}
	b->offs[b->n++] = (uint32_t)at;
	return VG_OK;
}

enum vg_rc
vg_apt_index_add_warning(struct vg_apt_index_builder *b, const char *text)
{
	enum vg_rc rc;

	if (b->n_warnings >= CACHE_MAX_WARNINGS) {
		b->no_store = true;
		return VG_OK;
	}
	rc = vg_buf_add(&b->warnings, text, strlen(text) + 1);
	if (rc == VG_ERR_LIMIT) {
		b->no_store = true;
		return VG_OK;
	}
	if (rc == VG_OK)
		b->n_warnings++;
	return rc;
}

/* A record's name: the bytes up to its NUL, bounded by the strings. */
static const char *
rec_name(const char *strings, size_t len, uint32_t off, size_t *n)
{
	const char *nul;

	if (off >= len ||
	    (nul = memchr(strings + off, '\0', len - off)) == NULL) {
		*n = 0;
		return "";
	}
	*n = (size_t)(nul - (strings + off));
	return strings + off;
}

/* Names compared as bytes, the shorter first on a common prefix. */
static int
name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

/* qsort_r order: by name, then by offset (list order). */
static int
offs_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct vg_apt_index_builder *b = ctx;
	const char *strings = b->img.data + b->strings_at;
	size_t len = b->img.len - b->strings_at, an, bn;
	uint32_t oa = *(const uint32_t *)pa, ob = *(const uint32_t *)pb;
	const char *a = rec_name(strings, len, oa, &an);
	const char *bs = rec_name(strings, len, ob, &bn);
	int c = name_cmp(a, an, bs, bn);

	if (c != 0)
		return c;
	return oa < ob ? -1 : oa > ob ? 1 : 0;
}

enum vg_rc
vg_apt_index_build(struct vg_apt_index_builder *b,
		   const struct vg_apt_list_id *id, const unsigned char **img,
		   size_t *len)
{
	unsigned char *h, four[4];
	size_t strings_len = b->img.len - b->strings_at, i, key_len;
	bool sorted = true;

	*img = NULL;
	*len = 0;
	key_len = b->key_len;
	/* Lists are mostly sorted already: check before sorting. */
	for (i = 1; i < b->n && sorted; i++)
		sorted = offs_cmp(&b->offs[i - 1], &b->offs[i], b) < 0;
	if (!sorted)
		qsort_r(b->offs, b->n, sizeof(*b->offs), offs_cmp, b);
	if (add_zeros(&b->img, pad4(strings_len) - strings_len) != VG_OK)
		return VG_ERR_NOMEM;
	for (i = 0; i < b->n; i++) {
		put_u32(four, b->offs[i]);
		if (vg_buf_add(&b->img, four, 4) != VG_OK)
			return VG_ERR_NOMEM;
	}
	if (vg_buf_add(&b->img, b->warnings.data, b->warnings.len) != VG_OK)
		return VG_ERR_NOMEM;
	h = (unsigned char *)b->img.data;
	memcpy(h + H_MAGIC, CACHE_MAGIC, 8);
	put_u32(h + H_FORMAT, CACHE_FORMAT);
	put_u32(h + H_HEADER, CACHE_HEADER);
	memset(h + H_VERSION, 0, CACHE_VERSION_LEN);
	memcpy(h + H_VERSION, VG_VERSION,
	       strlen(VG_VERSION) < CACHE_VERSION_LEN ? strlen(VG_VERSION)
						      : CACHE_VERSION_LEN);
	put_u64(h + H_DEV, id->dev);
	put_u64(h + H_INO, id->ino);
	put_u64(h + H_SIZE, id->size);
	put_u64(h + H_MTIME, (uint64_t)id->mtime_sec);
	put_u64(h + H_MTIME_NS, (uint64_t)id->mtime_nsec);
	put_u32(h + H_KEY_LEN, (uint32_t)key_len);
	put_u32(h + H_RECORDS, (uint32_t)b->n);
	put_u32(h + H_STRINGS, (uint32_t)strings_len);
	put_u32(h + H_WARNINGS, (uint32_t)b->n_warnings);
	put_u32(h + H_WARNING_BYTES, (uint32_t)b->warnings.len);
	put_u32(h + H_CRC, crc_of(h + CACHE_HEADER, b->img.len - CACHE_HEADER));
	*img = h;
	*len = b->img.len;
	return VG_OK;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

enum vg_rc
vg_apt_index_open(struct vg_apt_index *ix, const void *img, size_t len,
		  const char *key, const struct vg_apt_list_id *id)
{
	const unsigned char *h = img;
	char version[CACHE_VERSION_LEN];
	size_t key_len, n, strings_len, n_warn, warn_len, at, i, count;
	const char *w, *nul;

	memset(ix, 0, sizeof(*ix));
	if (len < CACHE_HEADER || memcmp(h + H_MAGIC, CACHE_MAGIC, 8) != 0 ||
	    get_u32(h + H_FORMAT) != CACHE_FORMAT ||
	    get_u32(h + H_HEADER) != CACHE_HEADER)
		return VG_ERR_PARSE;
	memset(version, 0, sizeof(version));
	memcpy(version, VG_VERSION,
	       strlen(VG_VERSION) < sizeof(version) ? strlen(VG_VERSION)
						    : sizeof(version));
	if (id != NULL &&
	    (memcmp(h + H_VERSION, version, sizeof(version)) != 0 ||
	     get_u64(h + H_DEV) != id->dev || get_u64(h + H_INO) != id->ino ||
	     get_u64(h + H_SIZE) != id->size ||
	     get_u64(h + H_MTIME) != (uint64_t)id->mtime_sec ||
	     get_u64(h + H_MTIME_NS) != (uint64_t)id->mtime_nsec))
		return VG_ERR_PARSE;
	key_len = get_u32(h + H_KEY_LEN);
	n = get_u32(h + H_RECORDS);
	strings_len = get_u32(h + H_STRINGS);
	n_warn = get_u32(h + H_WARNINGS);
	warn_len = get_u32(h + H_WARNING_BYTES);
	/* Each part within its limit, then the sum is exact (no wrap). */
	if (key_len > CACHE_MAX_KEY || n > CACHE_MAX_RECORDS ||
	    strings_len > CACHE_MAX_STRINGS || n_warn > CACHE_MAX_WARNINGS ||
	    warn_len > CACHE_MAX_WARNING_BYTES ||
	    len !=
		    CACHE_HEADER + pad4(key_len) + pad4(strings_len) + 4 * n +
			    warn_len)
		return VG_ERR_PARSE;
	if (key != NULL &&
	    (strlen(key) != key_len ||
	     memcmp(h + CACHE_HEADER, key, key_len) != 0))
		return VG_ERR_PARSE;
	if (get_u32(h + H_CRC) != crc_of(h + CACHE_HEADER, len - CACHE_HEADER))
		return VG_ERR_PARSE;
	at = CACHE_HEADER + pad4(key_len);
	ix->strings = (const char *)h + at;
	ix->strings_len = strings_len;
	at += pad4(strings_len);
	ix->offs = h + at;
	ix->n = n;
	at += 4 * n;
	ix->warnings = (const char *)h + at;
	ix->warnings_len = warn_len;
	/* Exactly n_warn strings, each ended by its NUL. */
	for (i = 0, count = 0, w = ix->warnings; i < warn_len; count++) {
		if ((nul = memchr(w + i, '\0', warn_len - i)) == NULL)
			return VG_ERR_PARSE;
		i = (size_t)(nul - w) + 1;
	}
	if (count != n_warn)
		return VG_ERR_PARSE;
	ix->n_warnings = n_warn;
	ix->img = h;
	ix->len = len;
	return VG_OK;
}

void
vg_apt_index_release(struct vg_apt_index *ix)
{
	free(ix->owned);
	memset(ix, 0, sizeof(*ix));
}

static uint32_t
off_at(const struct vg_apt_index *ix, size_t i)
{
	return get_u32(ix->offs + 4 * i);
}

size_t
vg_apt_index_find(const struct vg_apt_index *ix, const char *name, size_t n,
		  size_t *first)
{
	size_t lo = 0, hi = ix->n, mid, rn, count = 0;
	const char *r;

	/* The first record not below name. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = rec_name(ix->strings, ix->strings_len, off_at(ix, mid),
			     &rn);
		if (name_cmp(r, rn, name, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + count < ix->n) {
		r = rec_name(ix->strings, ix->strings_len,
			     off_at(ix, lo + count), &rn);
		if (name_cmp(r, rn, name, n) != 0)
			break;
		count++;
	}
	return count;
}

bool
vg_apt_index_get(const struct vg_apt_index *ix, size_t i,
		 struct vg_apt_stanza *st)
{
	const char *s = ix->strings, *p[3], *nul;
	size_t len = ix->strings_len, at, k, n[3];

	memset(st, 0, sizeof(*st));
	if (i >= ix->n)
		return false;
	/* Three NUL-terminated strings, all inside the strings. */
	for (at = off_at(ix, i), k = 0; k < 3; k++) {
		if (at >= len || (nul = memchr(s + at, '\0', len - at)) == NULL)
			return false;
		p[k] = s + at;
		n[k] = (size_t)(nul - p[k]);
		at += n[k] + 1;
	}
	st->name = p[0];
	st->name_len = n[0];
	st->arch = p[1];
	st->arch_len = n[1];
	st->version = p[2];
	st->version_len = n[2];
	return true;
}

bool
vg_apt_index_warning(const struct vg_apt_index *ix, size_t *pos,
		     const char **text)
{
	const char *nul;

	if (*pos >= ix->warnings_len ||
	    (nul = memchr(ix->warnings + *pos, '\0',
			  ix->warnings_len - *pos)) == NULL)
		return false;
	*text = ix->warnings + *pos;
	*pos = (size_t)(nul - ix->warnings) + 1;
	return true;
}

/* ------------------------------------------------------------------ */
/* The cache directory and files                                        */

/* A directory that only we may change, else no cache there. */
static bool
dir_is_ours(const char *dir)
{
	struct stat st;

	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

/* mkdir -p, 0700 for what is created; errors show in dir_is_ours. */
static void
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(path, 0700);
		*p = '/';
	}
	(void)mkdir(path, 0700);
}

bool
vg_apt_cache_dir(const struct vg_root *root, char *out, size_t n)
{
	const char *off = getenv("VIGIE_NO_CACHE"), *base;
	int k;

	if (off != NULL && *off != '\0' && strcmp(off, "0") != 0)
		return false;
	if (geteuid() == 0 && root->live)
		k = snprintf(out, n, "/var/cache/vigie/apt");
	else if ((base = getenv("XDG_CACHE_HOME")) != NULL && base[0] == '/')
		k = snprintf(out, n, "%s/vigie/apt", base);
	else if ((base = getenv("HOME")) != NULL && base[0] == '/')
		k = snprintf(out, n, "%s/.cache/vigie/apt", base);
	else
		return false;
	if (k < 0 || (size_t)k >= n)
		return false;
	if (!dir_is_ours(out))
		make_dirs(out);
	return dir_is_ours(out);
}

/* dir/<FNV-1a of key>.idx: a key is a path, too long for a name. */
static bool
cache_path(const char *dir, const char *key, char *out, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	const char *p;
	int k;

	for (p = key; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= UINT64_C(1099511628211);
	}
	k = snprintf(out, n, "%s/%016" PRIx64 ".idx", dir, h);
	return k > 0 && (size_t)k < n;
}

enum vg_rc
vg_apt_cache_load(struct vg_apt_index *ix, const char *dir, const char *key,
		  const struct vg_apt_list_id *id)
{
	char path[4096];
	unsigned char *data = NULL;
	struct stat st;
	size_t done = 0;
	ssize_t r;
	int fd = -1;
	enum vg_rc rc = VG_ERR_NOTFOUND;

	memset(ix, 0, sizeof(*ix));
	if (!cache_path(dir, key, path, sizeof(path)))
		return VG_ERR_NOTFOUND;
	if ((fd = open(path,
		       O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
			       O_CLOEXEC)) == -1)
		return VG_ERR_NOTFOUND;
	/* Ours, regular, of a size an index can have. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_size < CACHE_HEADER ||
	    (uint64_t)st.st_size > CACHE_MAX_FILE)
		goto done;
	if ((data = malloc((size_t)st.st_size)) == NULL) {
		rc = VG_ERR_NOMEM;
		goto done;
	}
	while (done < (size_t)st.st_size) {
		r = read(fd, data + done, (size_t)st.st_size - done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			goto done;
		done += (size_t)r;
	}
	if (vg_apt_index_open(ix, data, done, key, id) != VG_OK)
		goto done;
	ix->owned = data;
	data = NULL;
	rc = VG_OK;
done:
	free(data);
	if (fd != -1)
		close(fd);
	return rc;
}

void
vg_apt_cache_store(const char *dir, const char *key, const void *img,
		   size_t len)
{
	char path[4096];
	struct vg_err err;

	if (!cache_path(dir, key, path, sizeof(path)))
		return;
	/* A read-only or full file system only costs the next scan time. */
	(void)vg_file_write_atomic(path, img, len, 0600, &err);
}
