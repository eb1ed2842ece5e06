/*
 * Accounts collector: /etc/passwd, /etc/shadow, /etc/group and the
 * presence of ~/.ssh/authorized_keys. Password hashes are read only to
 * derive facts (empty, locked, scheme, shared with whom); they are never
 * copied into the facts, and the buffers holding them are wiped.
 */
#include "util/common.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collectors.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

/* uid and gid are 32-bit unsigned on Linux. */
#define ACCOUNTS_MAX_ID INT64_C(4294967295)
/* Days since the epoch in shadow's lastchg (year ~5.8 million): no
 * realistic date exceeds it, and days * 86400 cannot overflow. */
#define ACCOUNTS_MAX_DAYS INT64_C(2147483647)
/* Fields of a passwd, shadow (at most) and group line. */
#define PASSWD_FIELDS 7
#define SHADOW_FIELDS 9
#define GROUP_FIELDS 4

/*
 * A string-keyed hash table (open addressing, linear probing) mapping a
 * key that points into a caller-owned buffer to an index. It copies no
 * key, so a password hash used as a key stays only in the input buffer.
 */
struct strtab_slot {
	const char *key; /* NULL: empty slot */
	size_t len;
	size_t val;
};

struct strtab {
	struct strtab_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

static uint64_t
strtab_hash(const char *k, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	/* FNV-1a: the inputs are system files, not attacker-timed data. */
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static void
strtab_release(struct strtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
}

static struct strtab_slot *
strtab_find(const struct strtab *t, const char *k, size_t n)
{
	size_t i, mask;

	if (t->cap == 0)
		return NULL;
	mask = t->cap - 1;
	for (i = strtab_hash(k, n) & mask;; i = (i + 1) & mask) {
		struct strtab_slot *s = &t->slots[i];

		if (s->key == NULL)
			return s;
		if (s->len == n && memcmp(s->key, k, n) == 0)
			return s;
	}
}

/* Keep the load under 1/2 so probing always ends on an empty slot. */
static enum vg_rc
strtab_grow(struct strtab *t)
{
	struct strtab old = *t;
	size_t i, ncap = t->cap ? t->cap * 2 : 64;

	if (t->n + 1 <= t->cap / 2)
		return VG_OK;
	if (ncap < t->cap ||
	    (t->slots = calloc(ncap, sizeof(*t->slots))) == NULL) {
		t->slots = old.slots;
		return VG_ERR_NOMEM;
	}
	t->cap = ncap;
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key != NULL)
			*strtab_find(t, old.slots[i].key, old.slots[i].len) =
				old.slots[i];
	free(old.slots);
	return VG_OK;
}

/*
 * Insert k -> val unless k is present. *first is the value already there
 * (and *dup true), or val (and *dup false).
 */
static enum vg_rc
strtab_insert(struct strtab *t, const char *k, size_t n, size_t val,
	      size_t *first, bool *dup)
{
	struct strtab_slot *s;

	if (strtab_grow(t) != VG_OK)
		return VG_ERR_NOMEM;
	s = strtab_find(t, k, n);
	if (s->key != NULL) {
		*first = s->val;
		*dup = true;
		return VG_OK;
	}
	s->key = k;
	s->len = n;
	s->val = val;
	t->n++;
	*first = val;
	*dup = false;
	return VG_OK;
}

static bool
strtab_get(const struct strtab *t, const char *k, size_t n, size_t *val)
{
	struct strtab_slot *s = strtab_find(t, k, n);

	if (s == NULL || s->key == NULL)
		return false;
	*val = s->val;
	return true;
}

/*
 * Split [line, line + len) on ':' into at most max fields. Returns the
 * number of fields present (which may exceed max).
 */
static size_t
split_fields(const char *line, size_t len, const char **fld, size_t *flen,
	     size_t max)
{
	const char *p = line, *end = line + len, *c;
	size_t n = 0;

	for (;;) {
		c = memchr(p, ':', (size_t)(end - p));
		if (n < max) {
			fld[n] = p;
			flen[n] = c ? (size_t)(c - p) : (size_t)(end - p);
		}
		n++;
		if (c == NULL)
			return n;
		p = c + 1;
	}
}

/* A name usable as a key and in messages: valid UTF-8, no control. */
static bool
valid_name(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
		if ((k = vg_utf8_seq(s + i, n - i)) == 0)
			return false;
		i += k;
	}
	return n > 0;
}

/*
 * Copy free text (gecos, home, shell, member) into the facts, replacing
 * each byte of an invalid UTF-8 sequence or control character by '?', so
 * a Latin-1 gecos cannot make the facts document unencodable.
 */
static const char *
facts_text(struct vg_facts *f, const char *s, size_t n)
{
	char *copy;
	size_t i = 0, k;

	if ((copy = (char *)vg_facts_strn(f, s, n)) == NULL)
		return NULL;
	while (i < n) {
		k = vg_utf8_seq(copy + i, n - i);
		if (k == 0 || (unsigned char)copy[i] < 0x20 ||
		    copy[i] == 0x7f) {
			copy[i++] = '?';
			continue;
		}
		i += k;
	}
	return copy;
}

static bool
is_b64(char ch)
{
	return ch == '.' || ch == '/' || (ch >= '0' && ch <= '9') ||
		(ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool
all_b64(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_b64(s[i]))
			return false;
	return true;
}

static bool
has_prefix(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	return n >= pn && memcmp(s, p, pn) == 0;
}

/* vg_hash_scheme on a counted string: the hash is never copied. */
static const char *
hash_scheme_n(const char *h, size_t n)
{
	static const struct {
		const char *prefix;
		const char *scheme;
	} prefixes[] = {
		{"$1$", "md5"},      {"$5$", "sha256"},
		{"$6$", "sha512"},   {"$2a$", "bcrypt"},
		{"$2b$", "bcrypt"},  {"$2y$", "bcrypt"},
		{"$2x$", "bcrypt"},  {"$7$", "scrypt"},
		{"$y$", "yescrypt"}, {"$gy$", "gost-yescrypt"},
		{"$md5", "sunmd5"},
	};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(prefixes); i++)
		if (has_prefix(h, n, prefixes[i].prefix))
			return prefixes[i].scheme;
	/* BSDi extended DES: "_", 4 count, 4 salt, 11 hash characters. */
	if (n == 20 && h[0] == '_' && all_b64(h + 1, 19))
		return "bsdi";
	/* Traditional DES: 2 salt and 11 hash characters. */
	if (n == 13 && all_b64(h, 13))
		return "des";
	return "unknown";
}

const char *
vg_hash_scheme(const char *hash)
{
	if (hash == NULL)
		return "unknown";
	return hash_scheme_n(hash, strlen(hash));
}

/* What a password field (of passwd or shadow) says about the account. */
static void
set_password(struct vg_account *a, const char *h, size_t n)
{
	a->scheme = NULL;
	if (n == 0) {
		a->pw = VG_PW_EMPTY;
	} else if (h[0] == '!' || h[0] == '*') {
		/* "!", "!!", "*", "!<hash>" (usermod -L), "*LK*"... */
		a->pw = VG_PW_LOCKED;
	} else {
		a->pw = VG_PW_HASH;
		a->scheme = hash_scheme_n(h, n);
	}
}

/* The highest shared_group number already given, so numbers stay unique
 * when both passwd and shadow carry hashes. */
static int
max_shared_group(const struct vg_facts *f)
{
	int m = 0;
	size_t i;

	for (i = 0; i < f->n_accounts; i++)
		if (f->accounts[i].shared_group > m)
			m = f->accounts[i].shared_group;
	return m;
}

/*
 * Record that account idx carries the usable hash h: accounts carrying
 * the same string get the same group number (*next is the last given).
 */
static enum vg_rc
share_hash(struct vg_facts *f, struct strtab *hashes, const char *h, size_t n,
	   size_t idx, int *next)
{
	size_t first;
	bool dup;

	if (strtab_insert(hashes, h, n, idx, &first, &dup) != VG_OK)
		return VG_ERR_NOMEM;
	if (!dup)
		return VG_OK;
	if (f->accounts[first].shared_group == 0)
		f->accounts[first].shared_group = ++*next;
	f->accounts[idx].shared_group = f->accounts[first].shared_group;
	return VG_OK;
}

/*
 * Common line filter: false (after a warning when it is bad) for lines
 * that are blank, comments, NIS "+"/"-" entries, too long or hold NULs.
 */
static bool
usable_line(struct vg_facts *f, const char *name, int lineno, const char *line,
	    size_t len)
{
	const char *t = line;
	size_t tn = len;

	vg_trim(&t, &tn);
	if (tn == 0 || t[0] == '#')
		return false;
	/* NIS compat entries: resolved by NIS, nothing to judge here. */
	if (line[0] == '+' || line[0] == '-')
		return false;
	if (len > VG_MAX_LINE) {
		vg_facts_warn(f, _("%s:%d: line longer than %d bytes ignored"),
			      name, lineno, VG_MAX_LINE);
		return false;
	}
	if (vg_has_nul(line, len)) {
		vg_facts_warn(f, _("%s:%d: NUL byte, line ignored"), name,
			      lineno);
		return false;
	}
	return true;
}

/* Parse a uid/gid field; warn and return false when out of range. */
static bool
parse_id(struct vg_facts *f, const char *name, int lineno, const char *what,
	 const char *s, size_t n, int64_t *out)
{
	if (vg_parse_int(s, n, 0, ACCOUNTS_MAX_ID, out) == VG_OK)
		return true;
	vg_facts_warn(f, _("%s:%d: invalid %s, line ignored"), name, lineno,
		      what);
	return false;
}

/* True when a passwd password field defers to shadow ("x", "##name"). */
static bool
shadowed(const char *pw, size_t pwn, const char *user, size_t un)
{
	if (pwn == 1 && pw[0] == 'x')
		return true;
	return pwn == un + 2 && pw[0] == '#' && pw[1] == '#' &&
		memcmp(pw + 2, user, un) == 0;
}

enum vg_rc
vg_passwd_parse(struct vg_facts *f, const char *name, const char *buf,
		size_t len)
{
	const char *line, *fld[PASSWD_FIELDS];
	size_t n, nf, flen[PASSWD_FIELDS], i, first;
	struct strtab names = {0}, hashes = {0};
	struct vg_lines it;
	struct vg_account *a;
	int64_t uid, gid;
	int next = max_shared_group(f);
	enum vg_rc rc = VG_OK;
	bool dup;

	/* Accounts already known (a second call) keep their names. */
	for (i = 0; i < f->n_accounts; i++)
		if (strtab_insert(&names, f->accounts[i].name,
				  strlen(f->accounts[i].name), i, &first,
				  &dup) != VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (!usable_line(f, name, it.lineno, line, n))
			continue;
		nf = split_fields(line, n, fld, flen, PASSWD_FIELDS);
		if (nf != PASSWD_FIELDS) {
			vg_facts_warn(f,
				      _("%s:%d: %zu fields instead of 7, line "
					"ignored"),
				      name, it.lineno, nf);
			continue;
		}
		if (flen[0] == 0 || !valid_name(fld[0], flen[0])) {
			vg_facts_warn(f,
				      _("%s:%d: empty or invalid user name, "
					"line ignored"),
				      name, it.lineno);
			continue;
		}
		if (!parse_id(f, name, it.lineno, "uid", fld[2], flen[2],
			      &uid) ||
		    !parse_id(f, name, it.lineno, "gid", fld[3], flen[3], &gid))
			continue;
		if (strtab_get(&names, fld[0], flen[0], &first)) {
			vg_facts_warn(f,
				      _("%s:%d: duplicate user '%.*s' ignored "
					"(the first entry wins)"),
				      name, it.lineno, (int)flen[0], fld[0]);
			continue;
		}
		if ((a = vg_facts_add_account(f)) == NULL) {
			/* Past VG_MAX_ITEMS the rest is dropped, loudly. */
			if (f->n_accounts >= VG_MAX_ITEMS) {
				vg_facts_warn(f,
					      _("%s:%d: more than %d "
						"accounts, rest ignored"),
					      name, it.lineno, VG_MAX_ITEMS);
				break;
			}
			rc = VG_ERR_NOMEM;
			goto done;
		}
		a->uid = uid;
		a->gid = gid;
		a->pw = VG_PW_UNKNOWN;
		if ((a->name = vg_facts_strn(f, fld[0], flen[0])) == NULL ||
		    (a->gecos = facts_text(f, fld[4], flen[4])) == NULL ||
		    (a->home = facts_text(f, fld[5], flen[5])) == NULL ||
		    (a->shell = facts_text(f, fld[6], flen[6])) == NULL) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
		i = f->n_accounts - 1;
		if (strtab_insert(&names, a->name, flen[0], i, &first, &dup) !=
		    VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
		/* A password field other than "x" is used as is (no shadow). */
		if (shadowed(fld[1], flen[1], fld[0], flen[0]))
			continue;
		set_password(a, fld[1], flen[1]);
		if (a->pw == VG_PW_HASH &&
		    share_hash(f, &hashes, fld[1], flen[1], i, &next) !=
			    VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
	}
done:
	strtab_release(&names);
	strtab_release(&hashes);
	return rc;
}

/* shadow's lastchg: days since the epoch; empty or 0 is not a date. */
static int64_t
shadow_lastchg(struct vg_facts *f, const char *name, int lineno, const char *s,
	       size_t n)
{
	int64_t days;

	if (n == 0)
		return VG_TIME_UNKNOWN;
	if (vg_parse_int(s, n, 0, ACCOUNTS_MAX_DAYS, &days) != VG_OK) {
		vg_facts_warn(f, _("%s:%d: invalid last password change"), name,
			      lineno);
		return VG_TIME_UNKNOWN;
	}
	/* 0 means "must change at next login": no known change date. */
	return days == 0 ? VG_TIME_UNKNOWN : days * 86400;
}

/*
 * shadow's expire (field 8): days since the epoch. Unlike lastchg, 0 is
 * a real date (1970-01-01: the account expired long ago, a common way
 * to lock it). Empty means no expiry; "-1" is what getspnam(3) reports
 * for none and is accepted as such.
 */
static int64_t
shadow_expire(struct vg_facts *f, const char *name, int lineno, const char *s,
	      size_t n)
{
	int64_t days;

	if (n == 0 || (n == 2 && s[0] == '-' && s[1] == '1'))
		return VG_TIME_UNKNOWN;
	if (vg_parse_int(s, n, 0, ACCOUNTS_MAX_DAYS, &days) != VG_OK) {
		vg_facts_warn(f, _("%s:%d: invalid account expiry date"), name,
			      lineno);
		return VG_TIME_UNKNOWN;
	}
	return days * 86400;
}

enum vg_rc
vg_shadow_parse(struct vg_facts *f, const char *name, const char *buf,
		size_t len)
{
	const char *line, *fld[SHADOW_FIELDS];
	size_t n, nf, flen[SHADOW_FIELDS], i, first;
	struct strtab names = {0}, hashes = {0};
	struct vg_lines it;
	struct vg_account *a;
	bool *seen = NULL, dup;
	int next = max_shared_group(f);
	enum vg_rc rc = VG_OK;

	if (f->n_accounts > 0 &&
	    (seen = calloc(f->n_accounts, sizeof(*seen))) == NULL)
		return VG_ERR_NOMEM;
	/* Index the accounts by name: one look-up per shadow line. */
	for (i = 0; i < f->n_accounts; i++)
		if (strtab_insert(&names, f->accounts[i].name,
				  strlen(f->accounts[i].name), i, &first,
				  &dup) != VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (!usable_line(f, name, it.lineno, line, n))
			continue;
		nf = split_fields(line, n, fld, flen, SHADOW_FIELDS);
		if (nf < 2 || nf > SHADOW_FIELDS) {
			vg_facts_warn(f,
				      _("%s:%d: %zu fields instead of 9, line "
					"ignored"),
				      name, it.lineno, nf);
			continue;
		}
		if (flen[0] == 0 || !valid_name(fld[0], flen[0])) {
			vg_facts_warn(f,
				      _("%s:%d: empty or invalid user name, "
					"line ignored"),
				      name, it.lineno);
			continue;
		}
		if (!strtab_get(&names, fld[0], flen[0], &i)) {
			vg_facts_warn(f,
				      _("%s:%d: user '%.*s' has no passwd "
					"entry"),
				      name, it.lineno, (int)flen[0], fld[0]);
			continue;
		}
		if (seen[i]) {
			vg_facts_warn(f,
				      _("%s:%d: duplicate user '%.*s' ignored "
					"(the first entry wins)"),
				      name, it.lineno, (int)flen[0], fld[0]);
			continue;
		}
		seen[i] = true;
		a = &f->accounts[i];
		a->last_change = nf > 2
			? shadow_lastchg(f, name, it.lineno, fld[2], flen[2])
			: VG_TIME_UNKNOWN;
		a->expires = nf > 7
			? shadow_expire(f, name, it.lineno, fld[7], flen[7])
			: VG_TIME_UNKNOWN;
		/* Only a passwd field of "x" defers to shadow; an account
		 * whose state came from passwd itself keeps it. */
		if (a->pw != VG_PW_UNKNOWN)
			continue;
		set_password(a, fld[1], flen[1]);
		if (a->pw == VG_PW_HASH &&
		    share_hash(f, &hashes, fld[1], flen[1], i, &next) !=
			    VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
	}
done:
	free(seen);
	strtab_release(&names);
	/* The table held pointers into buf only; clear them all the same. */
	if (hashes.slots != NULL)
		explicit_bzero(hashes.slots,
			       hashes.cap * sizeof(*hashes.slots));
	strtab_release(&hashes);
	return rc;
}

/* Fill g's members from the comma-separated list s (n bytes). */
static enum vg_rc
group_members(struct vg_facts *f, const char *name, int lineno,
	      struct vg_group *g, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *c, *m;
	size_t count = 0, mn;

	/* Count first, so the array is allocated once and bounded. */
	for (p = s; p < end; p = c + 1) {
		if ((c = memchr(p, ',', (size_t)(end - p))) == NULL)
			c = end;
		m = p;
		mn = (size_t)(c - p);
		vg_trim(&m, &mn);
		if (mn > 0)
			count++;
	}
	if (count > VG_MAX_LIST_ITEMS) {
		vg_facts_warn(f,
			      _("%s:%d: more than %d members, the rest "
				"ignored"),
			      name, lineno, VG_MAX_LIST_ITEMS);
		count = VG_MAX_LIST_ITEMS;
	}
	if (count == 0)
		return VG_OK;
	if ((g->members = vg_arena_alloc(&f->arena,
					 count * sizeof(*g->members))) == NULL)
		return VG_ERR_NOMEM;
	for (p = s; p < end && g->n_members < count; p = c + 1) {
		if ((c = memchr(p, ',', (size_t)(end - p))) == NULL)
			c = end;
		m = p;
		mn = (size_t)(c - p);
		vg_trim(&m, &mn);
		if (mn == 0)
			continue;
		if ((g->members[g->n_members] = facts_text(f, m, mn)) == NULL)
			return VG_ERR_NOMEM;
		g->n_members++;
	}
	return VG_OK;
}

enum vg_rc
vg_group_parse(struct vg_facts *f, const char *name, const char *buf,
	       size_t len)
{
	const char *line, *fld[GROUP_FIELDS];
	size_t n, nf, flen[GROUP_FIELDS], i, first;
	struct strtab names = {0};
	struct vg_lines it;
	struct vg_group *g;
	int64_t gid;
	enum vg_rc rc = VG_OK;
	bool dup;

	for (i = 0; i < f->n_groups; i++)
		if (strtab_insert(&names, f->groups[i].name,
				  strlen(f->groups[i].name), i, &first,
				  &dup) != VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (!usable_line(f, name, it.lineno, line, n))
			continue;
		nf = split_fields(line, n, fld, flen, GROUP_FIELDS);
		if (nf != GROUP_FIELDS) {
			vg_facts_warn(f,
				      _("%s:%d: %zu fields instead of 4, line "
					"ignored"),
				      name, it.lineno, nf);
			continue;
		}
		if (flen[0] == 0 || !valid_name(fld[0], flen[0])) {
			vg_facts_warn(f,
				      _("%s:%d: empty or invalid group "
					"name, line ignored"),
				      name, it.lineno);
			continue;
		}
		if (!parse_id(f, name, it.lineno, "gid", fld[2], flen[2], &gid))
			continue;
		if (strtab_get(&names, fld[0], flen[0], &first)) {
			vg_facts_warn(f,
				      _("%s:%d: duplicate group '%.*s' ignored "
					"(the first entry wins)"),
				      name, it.lineno, (int)flen[0], fld[0]);
			continue;
		}
		if ((g = vg_facts_add_group(f)) == NULL) {
			if (f->n_groups >= VG_MAX_ITEMS) {
				vg_facts_warn(f,
					      _("%s:%d: more than %d "
						"groups, rest ignored"),
					      name, it.lineno, VG_MAX_ITEMS);
				break;
			}
			rc = VG_ERR_NOMEM;
			goto done;
		}
		g->gid = gid;
		if ((g->name = vg_facts_strn(f, fld[0], flen[0])) == NULL ||
		    strtab_insert(&names, g->name, flen[0], f->n_groups - 1,
				  &first, &dup) != VG_OK ||
		    (rc = group_members(f, name, it.lineno, g, fld[3],
					flen[3])) != VG_OK) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
	}
done:
	strtab_release(&names);
	return rc;
}

/* Overwrite and free a buffer that may hold password hashes. */
static void
buf_wipe(struct vg_buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	vg_buf_release(b);
}

/*
 * Give b room for the whole file at path before vg_root_read fills it,
 * so the buffer is not reallocated while reading (which would leave
 * copies of the hashes in freed memory). Best effort: on any failure the
 * read simply grows the buffer as usual.
 */
static void
buf_presize(const struct vg_root *root, const char *path, struct vg_buf *b)
{
	static const char zeros[4096];
	struct stat st;
	size_t want, n;

	if (vg_root_stat(root, path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < 0 || (uint64_t)st.st_size >= VG_MAX_TEXT_FILE)
		return;
	/* One read chunk of slack for a file that grows meanwhile. */
	want = (size_t)st.st_size + 65536;
	if (want > VG_MAX_TEXT_FILE)
		want = VG_MAX_TEXT_FILE;
	while (b->len < want) {
		n = want - b->len < sizeof(zeros) ? want - b->len
						  : sizeof(zeros);
		if (vg_buf_add(b, zeros, n) != VG_OK)
			break;
	}
	vg_buf_reset(b);
}

typedef enum vg_rc (*text_parser)(struct vg_facts *, const char *, const char *,
				  size_t);

/*
 * Read path into b and run parse on it, marking src collected; a file
 * that cannot be read marks src not collected with the reason. Only out
 * of memory is returned.
 */
static enum vg_rc
read_and_parse(struct vg_collect *c, enum vg_source src, const char *path,
	       struct vg_buf *b, text_parser parse, bool *ok)
{
	struct vg_err err;
	enum vg_rc rc;

	*ok = false;
	vg_err_clear(&err);
	rc = vg_root_read(c->root, path, VG_MAX_TEXT_FILE, b, &err);
	if (rc == VG_ERR_NOMEM)
		return rc;
	if (rc != VG_OK) {
		vg_facts_not_collected(c->facts, src, "%s", err.msg);
		return VG_OK;
	}
	if ((rc = parse(c->facts, path, b->data, b->len)) != VG_OK)
		return rc;
	vg_facts_collected(c->facts, src);
	*ok = true;
	return VG_OK;
}

/*
 * True when home/rel is a non-empty regular file inside the root. *denied
 * is set when the path could not be searched: a 0700 home or ~/.ssh
 * when vigie does not run as root.
 */
static bool
nonempty_file(const struct vg_root *root, const char *home, const char *rel,
	      bool *denied)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", home, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	if (vg_root_stat(root, path, &st) == -1) {
		if (errno == EACCES)
			*denied = true;
		return false;
	}
	return S_ISREG(st.st_mode) && st.st_size > 0;
}

/*
 * authorized_keys: sshd's default AuthorizedKeysFile is
 * ".ssh/authorized_keys .ssh/authorized_keys2", so both count. Homes
 * that could not be searched are counted and reported once, so a scan
 * that is not root does not silently find no keys.
 */
static void
find_authorized_keys(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	struct vg_account *a;
	size_t i, homes = 0, denied_homes = 0;
	bool denied;

	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (a->home == NULL || a->home[0] == '\0')
			continue;
		if (homes++ >= VG_MAX_HOMES) {
			vg_facts_warn(f,
				      _("more than %d home directories, "
					"authorized_keys not checked for the "
					"rest"),
				      VG_MAX_HOMES);
			break;
		}
		denied = false;
		a->authorized_keys =
			nonempty_file(c->root, a->home, ".ssh/authorized_keys",
				      &denied) ||
			nonempty_file(c->root, a->home, ".ssh/authorized_keys2",
				      &denied);
		if (!a->authorized_keys && denied)
			denied_homes++;
	}
	if (denied_homes > 0)
		vg_facts_warn(f,
			      _("%zu home directories could not be read "
				"(run as root)"),
			      denied_homes);
}

enum vg_rc
vg_collect_accounts(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	struct vg_buf b;
	enum vg_rc rc;
	bool passwd_ok, ok;

	vg_buf_init(&b, VG_MAX_TEXT_FILE);
	/* passwd may hold hashes too (no shadow): wipe it like shadow. */
	buf_presize(c->root, "/etc/passwd", &b);
	rc = read_and_parse(c, VG_SRC_PASSWD, "/etc/passwd", &b,
			    vg_passwd_parse, &passwd_ok);
	buf_wipe(&b);
	if (rc != VG_OK)
		goto done;
	if (passwd_ok) {
		buf_presize(c->root, "/etc/shadow", &b);
		rc = read_and_parse(c, VG_SRC_SHADOW, "/etc/shadow", &b,
				    vg_shadow_parse, &ok);
		buf_wipe(&b);
		if (rc != VG_OK)
			goto done;
	} else {
		vg_facts_not_collected(f, VG_SRC_SHADOW,
				       _("'/etc/passwd' could not be read"));
	}
	rc = read_and_parse(c, VG_SRC_GROUP, "/etc/group", &b, vg_group_parse,
			    &ok);
	if (rc != VG_OK)
		goto done;
	find_authorized_keys(c);
done:
	buf_wipe(&b);
	return rc;
}
