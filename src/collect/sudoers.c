/*
 * sudoers(5) collector: /etc/sudoers and what it includes, read inside the
 * audited root, turned into struct vg_sudo_rule facts.
 *
 * The parse has two phases. Reading files collects aliases, user
 * specifications and the Defaults that set "authenticate" into a scratch
 * arena; resolving then expands aliases (sudo looks them up when a command
 * is checked, so a use may precede the definition) and applies Defaults
 * to every rule, including rules written before them.
 *
 * Simplifications, on purpose:
 * - host lists are read but not judged: each host group is a rule;
 * - "!ALIAS" negates each item the alias expands to, in order; this is
 *   exact for the usual "OPS = %ops, !eve" / "!OPS" shapes;
 * - a command list grants ALL when some "ALL" is not followed by a
 *   negated "ALL"; "ALL, !/bin/su" still counts as ALL;
 * - "Defaults@host" applies everywhere (host lists are not judged
 *   either); "Defaults>runas" applies to rules that may run as root when
 *   its list names root; "Defaults!cmnd" to ALL rules when its list holds
 *   ALL; "Defaults:user" to rules that name one of its users (or ALL).
 */
#include "util/common.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collectors.h"
#include "collect/include.h"
#include "collect/sudoers.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

#define SD_MAX_ALIAS_DEPTH 16          /* nesting of alias references */
#define SD_MAX_EXPAND_STEPS (1u << 20) /* alias expansion work per parse */
#define SD_MAX_TEXT 512                /* evidence text kept per rule */
#define SD_MAX_DIR_ENTRIES 4096        /* names read from one includedir */
#define SD_MAX_QUOTE 64                /* input bytes quoted in a warning */

enum sd_type {
	SD_USER,
	SD_RUNAS,
	SD_HOST,
	SD_CMND
};

/* Tag states of a command; also bits of a mask of the states seen. */
enum {
	SD_TAG_UNSET = 1,
	SD_TAG_PASSWD = 2,
	SD_TAG_NOPASSWD = 4
};

/* Defaults bindings in the order sudo applies them. */
enum sd_scope {
	SD_GLOBAL,
	SD_ATHOST,
	SD_TOUSER,
	SD_TORUNAS,
	SD_TOCMND
};

struct sd_item {
	const char *name;
	bool neg;
};

struct sd_list {
	struct sd_item *v;
	size_t n, cap;
};

struct sd_alias {
	enum sd_type type;
	const char *name;
	struct sd_list list;
	const char *file;
	int line;
	size_t seq; /* definition order */
	bool busy;  /* being expanded: seeing it again is a cycle */
};

/* One Cmnd_Spec with the Runas_Spec and tag carried over to it. */
struct sd_cmnd {
	const struct sd_list *runas; /* runas users; NULL: none written */
	int tag;
	struct sd_item cmd;
};

/* One host group of a user specification: becomes one rule. */
struct sd_spec {
	const char *file; /* owned by the facts */
	int line;
	const char *text; /* owned by the facts */
	const struct sd_list *users;
	struct sd_cmnd *v;
	size_t n, cap;
	/* Filled when resolving. */
	size_t rule;   /* index in f->sudo_rules */
	unsigned mask; /* tag states of the commands that decided */
	bool emitted;
};

/* A Defaults entry that sets or clears "authenticate". */
struct sd_default {
	enum sd_scope scope;
	struct sd_list binding;
	bool authenticate;
	const char *file;
	int line;
};

/* An alias expansion result. */
struct sd_exp {
	const char *name;
	bool neg;
	const char *alias; /* outermost alias it came through, or NULL */
};

struct sd_parser {
	struct vg_facts *f;
	const struct vg_root *root;
	struct vg_arena a; /* scratch, released at the end of the parse */
	bool oom;

	struct sd_alias *aliases;
	size_t n_aliases, cap_aliases;
	struct sd_spec *specs;
	size_t n_specs, cap_specs;
	struct sd_default *defs;
	size_t n_defs, cap_defs;

	struct vg_include_guard inc; /* loops and limits of #include */

	/* Alias expansion output (malloc'd, reused) and its budget. */
	struct sd_exp *exp;
	size_t n_exp, cap_exp;
	size_t steps;
	bool warned_steps, truncated;
};

/* The read position in one logical line. */
struct sd_lex {
	const char *s, *end;
	int paren; /* inside "( ... )": ')' ends a word */
};

static const char *const sd_tags[] = {
	"PASSWD",     "NOPASSWD",     "EXEC",      "NOEXEC",
	"SETENV",     "NOSETENV",     "LOG_INPUT", "NOLOG_INPUT",
	"LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL",      "NOMAIL",
	"FOLLOW",     "NOFOLLOW",     "INTERCEPT", "NOINTERCEPT",
};

/* Command options of a Cmnd_Spec ("CWD=/tmp"). */
static const char *const sd_options[] = {
	"CWD",     "CHROOT",     "ROLE",     "TYPE",
	"TIMEOUT", "NOTBEFORE",  "NOTAFTER", "APPARMOR_PROFILE",
	"PRIVS",   "LIMITPRIVS",
};

static const char *const sd_digests[] = {
	"sha224",
	"sha256",
	"sha384",
	"sha512",
};

static enum vg_rc sd_parse_buf(struct sd_parser *p, const char *name,
			       const char *buf, size_t len);

static bool
sd_in(const char *const *table, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i], s) == 0)
			return true;
	return false;
}

/* An alias name: [A-Z][A-Z0-9_]*, except the reserved word ALL. */
static bool
sd_is_alias_name(const char *s)
{
	const char *q;

	if (*s < 'A' || *s > 'Z' || strcmp(s, "ALL") == 0)
		return false;
	for (q = s; *q != '\0'; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
		      *q == '_'))
			return false;
	return true;
}

static int
sd_quote_len(size_t n)
{
	return n > SD_MAX_QUOTE ? SD_MAX_QUOTE : (int)n;
}

/*
 * Make room for one more element in an array held in the scratch arena
 * (the old copy stays in the arena: at most twice the final size).
 */
static bool
sd_grow(struct sd_parser *p, void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size ||
	    (nv = vg_arena_alloc(&p->a, ncap * size)) == NULL) {
		p->oom = true;
		return false;
	}
	if (n > 0)
		memcpy(nv, *v, n * size);
	*v = nv;
	*cap = ncap;
	return true;
}

#define SD_PUSH(p, arr, n, cap)                                                \
	(sd_grow((p), (void **)&(arr), &(cap), (n), sizeof(*(arr)))            \
		 ? &(arr)[(n)++]                                               \
		 : NULL)

static bool
sd_list_add(struct sd_parser *p, struct sd_list *l, const char *name, bool neg)
{
	struct sd_item *it;

	if ((it = SD_PUSH(p, l->v, l->n, l->cap)) == NULL)
		return false;
	it->name = name;
	it->neg = neg;
	return true;
}

/* ---- lexer over one logical line ---------------------------------- */

static void
lx_skip(struct sd_lex *lx)
{
	while (lx->s < lx->end && (*lx->s == ' ' || *lx->s == '\t'))
		lx->s++;
}

/* The next non-blank byte, or -1 at the end of the line. */
static int
lx_peek(struct sd_lex *lx)
{
	lx_skip(lx);
	return lx->s < lx->end ? (unsigned char)*lx->s : -1;
}

static bool
lx_accept(struct sd_lex *lx, int c)
{
	if (lx_peek(lx) != c)
		return false;
	lx->s++;
	return true;
}

static bool
lx_stop(const struct sd_lex *lx, char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == ':' || c == '=' ||
		(c == ')' && lx->paren > 0);
}

/*
 * Read one word: backslash escapes undone, double quotes removed. NULL
 * when no word starts here (end, or a punctuation byte); the copy lives
 * in the scratch arena (p->oom set when it cannot be made).
 */
static const char *
lx_word(struct sd_parser *p, struct sd_lex *lx)
{
	const char *q, *start;
	char *out, *o;
	bool inq = false;

	lx_skip(lx);
	start = lx->s;
	if (start >= lx->end || lx_stop(lx, *start) || *start == '!' ||
	    *start == '(' || *start == ')')
		return NULL;
	for (q = start; q < lx->end; q++) {
		if (*q == '\\' && q + 1 < lx->end) {
			q++;
			continue;
		}
		if (*q == '"') {
			inq = !inq;
			continue;
		}
		if (!inq && lx_stop(lx, *q))
			break;
	}
	lx->s = q;
	if ((out = vg_arena_alloc(&p->a, (size_t)(q - start) + 1)) == NULL) {
		p->oom = true;
		return NULL;
	}
	/* Undo escapes and quotes: the result is never longer. */
	for (o = out; start < q; start++) {
		if (*start == '\\' && start + 1 < q)
			*o++ = *++start;
		else if (*start != '"')
			*o++ = *start;
	}
	*o = '\0';
	return out;
}

/* Count and skip the '!' before an item; true when negated. */
static bool
lx_negation(struct sd_lex *lx)
{
	bool neg = false;

	while (lx_accept(lx, '!'))
		neg = !neg;
	return neg;
}

/*
 * Read a command with its arguments ("/usr/bin/systemctl restart nginx")
 * up to ',', ':', '=' or the end, words joined by one space. A digest
 * prefix ("sha256:BASE64 /bin/ls") is skipped. NULL when there is none.
 */
static const char *
lx_command(struct sd_parser *p, struct sd_lex *lx)
{
	const char *w, *first = NULL;
	struct vg_buf b;
	char *out = NULL;

	for (;;) {
		if ((w = lx_word(p, lx)) == NULL)
			return NULL;
		if (!sd_in(sd_digests, VG_ARRAY_LEN(sd_digests), w) ||
		    lx->s >= lx->end || *lx->s != ':')
			break;
		/* The digest itself: base64 or hex, '=' padding included. */
		lx->s++;
		lx_skip(lx);
		while (lx->s < lx->end &&
		       (strchr("+/=,", *lx->s) != NULL ||
			(*lx->s >= '0' && *lx->s <= '9') ||
			(*lx->s >= 'a' && *lx->s <= 'z') ||
			(*lx->s >= 'A' && *lx->s <= 'Z')))
			lx->s++;
	}
	first = w;
	if (lx_peek(lx) == -1 || lx_stop(lx, *lx->s))
		return first;
	/* Arguments follow: join them to the command. */
	vg_buf_init(&b, VG_MAX_LINE);
	if (vg_buf_adds(&b, first) != VG_OK)
		goto done;
	while ((w = lx_word(p, lx)) != NULL)
		if (vg_buf_addc(&b, ' ') != VG_OK ||
		    vg_buf_adds(&b, w) != VG_OK)
			goto done;
	if ((out = vg_arena_strdup(&p->a, vg_buf_str(&b))) == NULL)
		p->oom = true;
done:
	if (out == NULL)
		p->oom = true;
	vg_buf_release(&b);
	return out;
}

/*
 * Read a list: item ("," item)*, each item '!'* word (or a command when
 * cmnd). An empty list is accepted when allow_empty; false on a syntax
 * error.
 */
static bool
sd_list_parse(struct sd_parser *p, struct sd_lex *lx, struct sd_list *out,
	      bool cmnd, bool allow_empty)
{
	const char *w;
	bool neg;
	int c;

	memset(out, 0, sizeof(*out));
	c = lx_peek(lx);
	if (allow_empty && (c == -1 || c == ':' || c == ')'))
		return true;
	for (;;) {
		neg = lx_negation(lx);
		w = cmnd ? lx_command(p, lx) : lx_word(p, lx);
		if (w == NULL || !sd_list_add(p, out, w, neg))
			return false;
		if (!lx_accept(lx, ','))
			return true;
	}
}

/* ---- aliases --------------------------------------------------------- */

/* Order aliases by type, name, then definition order. */
static int
sd_alias_cmp(const void *a, const void *b)
{
	const struct sd_alias *x = a, *y = b;
	int c;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sort the aliases for look-ups once every file is read; a second
 * definition of a name is dropped with a warning (sudo refuses it).
 */
static void
sd_alias_index(struct sd_parser *p)
{
	struct sd_alias *v = p->aliases;
	size_t i, o = 0;

	if (p->n_aliases == 0)
		return;
	qsort(v, p->n_aliases, sizeof(*v), sd_alias_cmp);
	for (i = 0; i < p->n_aliases; i++) {
		if (o > 0 && v[o - 1].type == v[i].type &&
		    strcmp(v[o - 1].name, v[i].name) == 0) {
			vg_facts_warn(p->f,
				      _("%s:%d: alias '%s' already defined at "
					"%s:%d, ignored"),
				      v[i].file, v[i].line, v[i].name,
				      v[o - 1].file, v[o - 1].line);
			continue;
		}
		v[o++] = v[i];
	}
	p->n_aliases = o;
}

static struct sd_alias *
sd_alias_find(struct sd_parser *p, enum sd_type type, const char *name)
{
	size_t lo = 0, hi = p->n_aliases, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = p->aliases[mid].type != type
			? (p->aliases[mid].type < type ? -1 : 1)
			: strcmp(p->aliases[mid].name, name);
		if (c == 0)
			return &p->aliases[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
sd_syntax(struct sd_parser *p, const char *file, int line,
	  const struct sd_lex *lx, const char *what)
{
	size_t n = (size_t)(lx->end - lx->s);

	if (p->oom)
		return;
	if (n == 0)
		vg_facts_warn(p->f, _("%s:%d: syntax error: %s at end of line"),
			      file, line, what);
	else
		vg_facts_warn(p->f, _("%s:%d: syntax error: %s near '%.*s'"),
			      file, line, what, sd_quote_len(n), lx->s);
}

/* "User_Alias A = x, y : B = z" (the keyword already read). */
static void
sd_alias_line(struct sd_parser *p, const char *file, int line,
	      enum sd_type type, struct sd_lex *lx)
{
	struct sd_alias *al;
	struct sd_list list;
	const char *name;

	for (;;) {
		if ((name = lx_word(p, lx)) == NULL ||
		    !sd_is_alias_name(name)) {
			sd_syntax(p, file, line, lx,
				  _("expected an alias name"));
			return;
		}
		if (!lx_accept(lx, '=')) {
			sd_syntax(p, file, line, lx, _("expected '='"));
			return;
		}
		if (!sd_list_parse(p, lx, &list, type == SD_CMND, false)) {
			sd_syntax(p, file, line, lx,
				  _("expected an alias member"));
			return;
		}
		if ((al = SD_PUSH(p, p->aliases, p->n_aliases,
				  p->cap_aliases)) == NULL)
			return;
		al->type = type;
		al->name = name;
		al->list = list;
		al->file = file;
		al->line = line;
		al->seq = p->n_aliases;
		al->busy = false;
		if (lx_accept(lx, ':'))
			continue;
		if (lx_peek(lx) != -1)
			sd_syntax(p, file, line, lx, _("expected ':'"));
		return;
	}
}

/* ---- Defaults -------------------------------------------------------- */

/* One parameter of a Defaults line: only "authenticate" matters here. */
static void
sd_default_param(struct sd_parser *p, const char *file, int line,
		 enum sd_scope scope, const struct sd_list *binding,
		 const char *s, size_t n)
{
	struct sd_default *d;
	bool neg = false;
	size_t k;

	vg_trim(&s, &n);
	while (n > 0 && *s == '!') {
		neg = !neg;
		s++;
		n--;
		vg_trim(&s, &n);
	}
	for (k = 0; k < n && s[k] != '=' && s[k] != '+' && s[k] != '-' &&
	     s[k] != ' ' && s[k] != '\t';
	     k++)
		;
	if (k == 0) {
		vg_facts_warn(p->f, _("%s:%d: empty Defaults parameter"), file,
			      line);
		return;
	}
	if (!vg_streqn("authenticate", s, k))
		return;
	if (k != n) {
		vg_facts_warn(p->f,
			      _("%s:%d: 'authenticate' is a flag and takes no "
				"value"),
			      file, line);
		return;
	}
	if ((d = SD_PUSH(p, p->defs, p->n_defs, p->cap_defs)) == NULL)
		return;
	d->scope = scope;
	d->binding = *binding;
	d->authenticate = !neg;
	d->file = file;
	d->line = line;
}

/* "Defaults[:@>!binding] param, param..." (lx just after "Defaults"). */
static void
sd_defaults_line(struct sd_parser *p, const char *file, int line,
		 struct sd_lex *lx)
{
	struct sd_list binding;
	enum sd_scope scope = SD_GLOBAL;
	const char *s, *start;
	bool inq = false;

	memset(&binding, 0, sizeof(binding));
	if (lx->s < lx->end) {
		switch (*lx->s) {
		case ':':
			scope = SD_TOUSER;
			break;
		case '@':
			scope = SD_ATHOST;
			break;
		case '>':
			scope = SD_TORUNAS;
			break;
		case '!':
			scope = SD_TOCMND;
			break;
		default:
			break;
		}
	}
	if (scope != SD_GLOBAL) {
		lx->s++;
		if (!sd_list_parse(p, lx, &binding, false, false)) {
			sd_syntax(p, file, line, lx, _("expected a binding"));
			return;
		}
	}
	lx_skip(lx);
	if (lx->s >= lx->end) {
		vg_facts_warn(p->f, _("%s:%d: Defaults without parameters"),
			      file, line);
		return;
	}
	/* Parameters split on commas outside quotes and escapes. */
	for (start = s = lx->s; s <= lx->end; s++) {
		if (s < lx->end && *s == '\\' && s + 1 < lx->end) {
			s++;
			continue;
		}
		if (s < lx->end && *s == '"')
			inq = !inq;
		if (s == lx->end || (!inq && *s == ',')) {
			sd_default_param(p, file, line, scope, &binding, start,
					 (size_t)(s - start));
			start = s + 1;
		}
	}
}

/* ---- user specifications --------------------------------------------- */

/*
 * At a tag-like "WORD:" that is no known tag: true when what follows the
 * ':' reads as "host_list =", i.e. WORD is a Cmnd_Alias ending a host
 * group ("ALL = CMDS : SRV = ALL").
 */
static bool
sd_starts_host_group(struct sd_parser *p, const struct sd_lex *at)
{
	struct sd_lex lx = *at;
	struct sd_list hosts;

	if (!lx_accept(&lx, ':'))
		return false;
	return sd_list_parse(p, &lx, &hosts, false, false) &&
		lx_accept(&lx, '=');
}

/* "(runas_users[:runas_groups])" after its '('. */
static bool
sd_runas_parse(struct sd_parser *p, struct sd_lex *lx,
	       const struct sd_list **runas)
{
	struct sd_list *users, groups;

	if ((users = vg_arena_alloc(&p->a, sizeof(*users))) == NULL) {
		p->oom = true;
		return false;
	}
	lx->paren++;
	if (!sd_list_parse(p, lx, users, false, true))
		return false;
	if (lx_accept(lx, ':') && !sd_list_parse(p, lx, &groups, false, true))
		return false;
	if (!lx_accept(lx, ')'))
		return false;
	lx->paren--;
	*runas = users;
	return true;
}

/*
 * Options and tags before a command: "CWD=/tmp", "NOPASSWD:". Updates
 * *tag; false on a syntax error.
 */
static bool
sd_tags_parse(struct sd_parser *p, const char *file, int line,
	      struct sd_lex *lx, int *tag)
{
	struct sd_lex save;
	const char *w;

	for (;;) {
		save = *lx;
		if ((w = lx_word(p, lx)) == NULL)
			break;
		if (lx_peek(lx) == '=' &&
		    sd_in(sd_options, VG_ARRAY_LEN(sd_options), w)) {
			lx->s++;
			if (lx_word(p, lx) == NULL)
				return false;
			continue;
		}
		if (lx_peek(lx) != ':' ||
		    sd_in(sd_digests, VG_ARRAY_LEN(sd_digests), w))
			break;
		if (sd_in(sd_tags, VG_ARRAY_LEN(sd_tags), w)) {
			if (strcmp(w, "NOPASSWD") == 0)
				*tag = SD_TAG_NOPASSWD;
			else if (strcmp(w, "PASSWD") == 0)
				*tag = SD_TAG_PASSWD;
			lx->s++;
			continue;
		}
		if (!sd_is_alias_name(w) || sd_starts_host_group(p, lx))
			break;
		vg_facts_warn(p->f, _("%s:%d: unknown tag '%.*s', ignored"),
			      file, line, sd_quote_len(strlen(w)), w);
		lx->s++;
	}
	*lx = save;
	return !p->oom;
}

/*
 * "user_list host_list = cmnd_spec_list [: host_list = ...]". Specs are
 * kept only when the whole line parses (sudo skips a bad line too).
 */
static void
sd_userspec_line(struct sd_parser *p, const char *file, int line,
		 const char *text, struct sd_lex *lx)
{
	size_t first = p->n_specs;
	const struct sd_list *runas;
	struct sd_list *users, hosts;
	struct sd_spec *spec;
	struct sd_cmnd *c;
	const char *cmd;
	int tag;
	bool neg;

	if ((users = vg_arena_alloc(&p->a, sizeof(*users))) == NULL) {
		p->oom = true;
		return;
	}
	if (!sd_list_parse(p, lx, users, false, false)) {
		sd_syntax(p, file, line, lx, _("expected a user"));
		goto fail;
	}
	for (;;) {
		if (!sd_list_parse(p, lx, &hosts, false, false)) {
			sd_syntax(p, file, line, lx, _("expected a host"));
			goto fail;
		}
		if (!lx_accept(lx, '=')) {
			sd_syntax(p, file, line, lx, _("expected '='"));
			goto fail;
		}
		if ((spec = SD_PUSH(p, p->specs, p->n_specs, p->cap_specs)) ==
		    NULL)
			goto fail;
		memset(spec, 0, sizeof(*spec));
		spec->file = file;
		spec->line = line;
		spec->text = text;
		spec->users = users;
		/* Runas and tags carry over to the following commands. */
		runas = NULL;
		tag = SD_TAG_UNSET;
		for (;;) {
			if (lx_accept(lx, '(') &&
			    !sd_runas_parse(p, lx, &runas)) {
				sd_syntax(p, file, line, lx,
					  _("bad runas specification"));
				goto fail;
			}
			if (!sd_tags_parse(p, file, line, lx, &tag)) {
				sd_syntax(p, file, line, lx, _("bad option"));
				goto fail;
			}
			neg = lx_negation(lx);
			if ((cmd = lx_command(p, lx)) == NULL) {
				sd_syntax(p, file, line, lx,
					  _("expected a command"));
				goto fail;
			}
			if ((c = SD_PUSH(p, spec->v, spec->n, spec->cap)) ==
			    NULL)
				goto fail;
			c->runas = runas;
			c->tag = tag;
			c->cmd.name = cmd;
			c->cmd.neg = neg;
			if (lx_accept(lx, ','))
				continue;
			if (lx_accept(lx, ':'))
				break;
			if (lx_peek(lx) == -1)
				return;
			sd_syntax(p, file, line, lx, _("unexpected text"));
			goto fail;
		}
	}
fail:
	p->n_specs = first;
}

/* The evidence text: the line, capped without splitting a UTF-8 char. */
static const char *
sd_text(struct sd_parser *p, const char *s, size_t n)
{
	const char *t;

	if (n > SD_MAX_TEXT) {
		n = SD_MAX_TEXT;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if ((t = vg_facts_strn(p->f, s, n)) == NULL)
		p->oom = true;
	return t;
}

/* One logical line, comments removed, continuations joined, no NUL. */
static void
sd_logical_line(struct sd_parser *p, const char *file, int line, const char *s,
		size_t n)
{
	static const struct {
		const char *kw;
		enum sd_type type;
	} alias_kw[] = {
		{"User_Alias", SD_USER}, {"Runas_Alias", SD_RUNAS},
		{"Host_Alias", SD_HOST}, {"Cmnd_Alias", SD_CMND},
		{"Cmd_Alias", SD_CMND},
	};
	struct sd_lex lx;
	const char *text;
	size_t i, k;

	vg_trim(&s, &n);
	if (n == 0)
		return;
	lx.s = s;
	lx.end = s + n;
	lx.paren = 0;
	for (k = 0; k < n && s[k] != ' ' && s[k] != '\t'; k++)
		;
	for (i = 0; i < VG_ARRAY_LEN(alias_kw); i++) {
		if (vg_streqn(alias_kw[i].kw, s, k)) {
			lx.s += k;
			sd_alias_line(p, file, line, alias_kw[i].type, &lx);
			return;
		}
	}
	/* "Defaults" then a blank, a binding character or the end. */
	if (n >= 8 && memcmp(s, "Defaults", 8) == 0 &&
	    (n == 8 || memchr(" \t:@>!", s[8], 6) != NULL)) {
		lx.s += 8;
		sd_defaults_line(p, file, line, &lx);
		return;
	}
	if ((text = sd_text(p, s, n)) == NULL)
		return;
	sd_userspec_line(p, file, line, text, &lx);
}

/* ---- includes --------------------------------------------------------- */

/*
 * Resolve rel against the directory of from (rel may be absolute) into
 * out, normalised (vg_include_path). False when it does not fit.
 */
static bool
sd_path_resolve(const char *from, const char *rel, size_t rel_len, char *out,
		size_t outsz)
{
	const char *slash = strrchr(from, '/');

	return vg_include_path(from, slash ? (size_t)(slash - from) : 0, rel,
			       rel_len, out, outsz);
}

static enum vg_rc
sd_parse_cb(void *ctx, const char *name, const char *buf, size_t len)
{
	return sd_parse_buf(ctx, name, buf, len);
}

/* Read and parse one included file (path resolved inside the root). */
static enum vg_rc
sd_include_file(struct sd_parser *p, const char *from, int line,
		const char *path)
{
	return vg_include_file(&p->inc, from, line, path, sd_parse_cb, p);
}

static int
sd_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * #includedir: the directory's files whose name holds no '.' and does
 * not end in '~', in lexical order (sudoers(5)).
 */
static enum vg_rc
sd_include_dir(struct sd_parser *p, const char *from, int line, const char *dir)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i, len;
	enum vg_rc rc = VG_OK;
	DIR *d;

	if ((d = vg_root_opendir(p->root, dir)) == NULL) {
		if (errno != ENOENT)
			vg_facts_warn(p->f,
				      _("%s:%d: cannot read directory '%s': "
					"%s"),
				      from, line, dir, strerror(errno));
		return VG_OK;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len == 0 || strchr(de->d_name, '.') != NULL ||
		    de->d_name[len - 1] == '~')
			continue;
		if (n >= SD_MAX_DIR_ENTRIES) {
			vg_facts_warn(p->f,
				      _("%s:%d: more than %d entries in '%s', "
					"the rest ignored"),
				      from, line, SD_MAX_DIR_ENTRIES, dir);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nn = reallocarray(names, cap, sizeof(*names))) ==
			    NULL) {
				rc = VG_ERR_NOMEM;
				goto done;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), sd_name_cmp);
	for (i = 0; i < n && rc == VG_OK; i++) {
		len = (size_t)snprintf(tmp, sizeof(tmp), "%s/%s", dir,
				       names[i]);
		if (len >= sizeof(tmp) ||
		    !sd_path_resolve("/", tmp, len, path, sizeof(path)))
			continue;
		/* Sub-directories and devices are not sudoers files. */
		if (vg_root_stat(p->root, path, &st) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		rc = sd_include_file(p, from, line, path);
	}
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/*
 * A "#include"/"@include"/"#includedir"/"@includedir" line: true when s
 * is one (handled here, rc set), false for any other line.
 */
static bool
sd_directive(struct sd_parser *p, const char *file, int line, const char *s,
	     size_t n, enum vg_rc *rc)
{
	char path[PATH_MAX];
	const char *arg, *q;
	bool dir;
	size_t k, alen;

	*rc = VG_OK;
	vg_trim(&s, &n);
	/* A NUL would cut the path short: such a line is refused later. */
	if (n < 8 || vg_has_nul(s, n) || (s[0] != '#' && s[0] != '@') ||
	    memcmp(s + 1, "include", 7) != 0)
		return false;
	k = 8;
	dir = n >= 11 && memcmp(s + 8, "dir", 3) == 0;
	if (dir)
		k = 11;
	if (k < n && s[k] != ' ' && s[k] != '\t')
		return false;
	if (k == n && s[0] == '#')
		return false; /* a bare "#include" is a comment */
	arg = s + k;
	alen = n - k;
	vg_trim(&arg, &alen);
	/* A quoted path may hold blanks; otherwise the first word. */
	if (alen > 0 && arg[0] == '"') {
		arg++;
		alen--;
		q = memchr(arg, '"', alen);
		alen = q ? (size_t)(q - arg) : alen;
	} else {
		for (k = 0; k < alen && arg[k] != ' ' && arg[k] != '\t'; k++)
			;
		alen = k;
	}
	if (alen == 0) {
		vg_facts_warn(p->f, _("%s:%d: include without a path"), file,
			      line);
		return true;
	}
	if (p->root == NULL) {
		vg_facts_warn(p->f, _("%s:%d: include of '%.*s' ignored"), file,
			      line, sd_quote_len(alen), arg);
		return true;
	}
	if (!sd_path_resolve(file, arg, alen, path, sizeof(path))) {
		vg_facts_warn(p->f, _("%s:%d: include path too long"), file,
			      line);
		return true;
	}
	*rc = dir ? sd_include_dir(p, file, line, path)
		  : sd_include_file(p, file, line, path);
	return true;
}

/*
 * Offset of the comment in the line, or n: a '#' outside double quotes,
 * not escaped, and not followed by a digit ("#1001" is a uid, "%#27" a
 * gid).
 */
static size_t
sd_comment(const char *s, size_t n)
{
	bool inq = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			inq = !inq;
		if (inq || s[i] != '#')
			continue;
		if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
			continue;
		if (i + 2 < n && s[i + 1] == '-' && s[i + 2] >= '0' &&
		    s[i + 2] <= '9')
			continue;
		return i;
	}
	return n;
}

/* Split a file into logical lines and parse each. */
static enum vg_rc
sd_parse_buf(struct sd_parser *p, const char *name, const char *buf, size_t len)
{
	struct vg_lines it;
	struct vg_buf lb;
	const char *l;
	size_t n, c, bs;
	int first = 0;
	bool cont = false, toolong = false, nul = false;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&lb, VG_MAX_LINE);
	vg_lines_init(&it, buf, len);
	while (rc == VG_OK && !p->oom && vg_lines_next(&it, &l, &n)) {
		if (!cont) {
			first = it.lineno;
			vg_buf_reset(&lb);
			toolong = nul = false;
			if (sd_directive(p, name, first, l, n, &rc))
				continue;
		}
		if (vg_has_nul(l, n))
			nul = true;
		if (cont) /* joined lines are separated by one space */
			while (n > 0 && (*l == ' ' || *l == '\t')) {
				l++;
				n--;
			}
		/* A comment ends the line: it never continues. */
		c = sd_comment(l, n);
		cont = false;
		if (c == n) {
			while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
				n--;
			for (bs = 0; bs < n && l[n - 1 - bs] == '\\'; bs++)
				;
			if (bs % 2 == 1) {
				cont = true;
				n--;
				while (n > 0 &&
				       (l[n - 1] == ' ' || l[n - 1] == '\t'))
					n--;
			}
		} else {
			n = c;
		}
		if (!toolong &&
		    ((lb.len > 0 && vg_buf_addc(&lb, ' ') != VG_OK) ||
		     vg_buf_add(&lb, l, n) != VG_OK))
			toolong = true;
		if (cont)
			continue;
		if (toolong)
			vg_facts_warn(p->f,
				      _("%s:%d: line longer than %d bytes, "
					"ignored"),
				      name, first, VG_MAX_LINE);
		else if (nul)
			vg_facts_warn(p->f,
				      _("%s:%d: NUL byte in line, ignored"),
				      name, first);
		else
			sd_logical_line(p, name, first, vg_buf_str(&lb),
					lb.len);
	}
	if (cont && rc == VG_OK && !p->oom) {
		vg_facts_warn(p->f,
			      _("%s:%d: line continuation at end of file"),
			      name, first);
		if (!toolong && !nul)
			sd_logical_line(p, name, first, vg_buf_str(&lb),
					lb.len);
	}
	vg_buf_release(&lb);
	if (rc == VG_OK && p->oom)
		rc = VG_ERR_NOMEM;
	return rc;
}

/* ---- resolution -------------------------------------------------------- */

static void
sd_exp_push(struct sd_parser *p, const char *name, bool neg, const char *alias)
{
	struct sd_exp *v;
	size_t ncap;

	if (p->n_exp >= VG_MAX_LIST_ITEMS) {
		p->truncated = true;
		return;
	}
	if (p->n_exp == p->cap_exp) {
		ncap = p->cap_exp ? p->cap_exp * 2 : 16;
		if ((v = reallocarray(p->exp, ncap, sizeof(*v))) == NULL) {
			p->oom = true;
			return;
		}
		p->exp = v;
		p->cap_exp = ncap;
	}
	p->exp[p->n_exp].name = name;
	p->exp[p->n_exp].neg = neg;
	p->exp[p->n_exp].alias = alias;
	p->n_exp++;
}

/*
 * Append the expansion of one item to p->exp: aliases of type replaced
 * by their members (recursively, negation flipped through "!ALIAS"),
 * cycles and deep nesting cut with a warning at file:line (the use).
 */
static void
sd_expand_item(struct sd_parser *p, enum sd_type type, const struct sd_item *it,
	       bool neg, const char *via, int depth, const char *file, int line)
{
	struct sd_alias *al;
	size_t i;

	neg = neg != it->neg;
	if (p->oom || p->truncated)
		return;
	if (++p->steps > SD_MAX_EXPAND_STEPS) {
		if (!p->warned_steps)
			vg_facts_warn(p->f,
				      _("%s:%d: alias expansion limit reached, "
					"rules from here on are incomplete"),
				      file, line);
		p->warned_steps = true;
		p->truncated = true;
		return;
	}
	if (!sd_is_alias_name(it->name)) {
		sd_exp_push(p, it->name, neg, via);
		return;
	}
	if ((al = sd_alias_find(p, type, it->name)) == NULL) {
		/* Kept as written: it matches nobody, as in sudo. */
		vg_facts_warn(p->f, _("%s:%d: alias '%s' is not defined"), file,
			      line, it->name);
		sd_exp_push(p, it->name, neg, via);
		return;
	}
	if (al->busy) {
		vg_facts_warn(p->f, _("%s:%d: alias cycle through '%s'"), file,
			      line, al->name);
		return;
	}
	if (depth >= SD_MAX_ALIAS_DEPTH) {
		vg_facts_warn(p->f,
			      _("%s:%d: aliases nested deeper than %d at "
				"'%s'"),
			      file, line, SD_MAX_ALIAS_DEPTH, al->name);
		return;
	}
	al->busy = true;
	for (i = 0; i < al->list.n; i++)
		sd_expand_item(p, type, &al->list.v[i], neg,
			       via ? via : al->name, depth + 1, file, line);
	al->busy = false;
}

/* Expand a whole list into p->exp (emptied first). */
static void
sd_expand(struct sd_parser *p, enum sd_type type, const struct sd_list *l,
	  const char *file, int line)
{
	size_t i;

	p->n_exp = 0;
	p->truncated = false;
	for (i = 0; i < l->n; i++)
		sd_expand_item(p, type, &l->v[i], false, NULL, 0, file, line);
}

/*
 * May a command with this runas list run as root? No Runas_Spec means
 * root; "()" or "(:group)" means the invoking user only. Otherwise the
 * last entry matching root (root, ALL, #0) decides, as sudo does.
 */
static bool
sd_runas_root(struct sd_parser *p, const struct sd_list *runas,
	      const char *file, int line)
{
	bool root = false;
	size_t i;

	if (runas == NULL)
		return true;
	sd_expand(p, SD_RUNAS, runas, file, line);
	for (i = 0; i < p->n_exp; i++)
		if (strcmp(p->exp[i].name, "root") == 0 ||
		    strcmp(p->exp[i].name, "ALL") == 0 ||
		    strcmp(p->exp[i].name, "#0") == 0)
			root = !p->exp[i].neg;
	return root;
}

/* Fill rule's users from spec's user list. */
static bool
sd_rule_users(struct sd_parser *p, struct sd_spec *s, struct vg_sudo_rule *r)
{
	struct vg_sudo_user *u;
	size_t i;

	sd_expand(p, SD_USER, s->users, s->file, s->line);
	if (p->truncated && !p->warned_steps)
		vg_facts_warn(p->f, _("%s:%d: more than %d users, truncated"),
			      s->file, s->line, VG_MAX_LIST_ITEMS);
	if (p->n_exp == 0)
		return !p->oom;
	if ((u = vg_arena_alloc(&p->f->arena, p->n_exp * sizeof(*u))) == NULL) {
		p->oom = true;
		return false;
	}
	for (i = 0; i < p->n_exp; i++) {
		/* Names live in the scratch arena: copy them to the facts. */
		u[i].name = vg_facts_str(p->f, p->exp[i].name);
		u[i].alias = vg_facts_str(p->f, p->exp[i].alias);
		u[i].negated = p->exp[i].neg;
		if (u[i].name == NULL ||
		    (p->exp[i].alias != NULL && u[i].alias == NULL)) {
			p->oom = true;
			return false;
		}
	}
	r->users = u;
	r->n_users = p->n_exp;
	return true;
}

/*
 * Decide all_commands and runas_root of a rule from its commands, and
 * keep in s->mask the tag states of the commands that decided (nopasswd
 * waits for Defaults). An ALL that may run as root wins over an ALL as
 * another user, which wins over plain commands. For a command run as
 * ALL, sudoers(5) uses the last matching entry, so the tag of the last
 * such ALL decides: "NOPASSWD: ALL, PASSWD: ALL" asks for a password.
 */
static void
sd_rule_commands(struct sd_parser *p, struct sd_spec *s, struct vg_sudo_rule *r)
{
	bool all_root = false, all_any = false, any_root = false, rr;
	unsigned m_root = 0, m_any = 0, m_other = 0;
	size_t i, j;

	for (i = 0; i < s->n && !p->oom; i++) {
		rr = sd_runas_root(p, s->v[i].runas, s->file, s->line);
		p->n_exp = 0;
		sd_expand_item(p, SD_CMND, &s->v[i].cmd, false, NULL, 0,
			       s->file, s->line);
		for (j = 0; j < p->n_exp; j++) {
			if (strcmp(p->exp[j].name, "ALL") != 0) {
				if (!p->exp[j].neg) {
					any_root = any_root || rr;
					m_other |= (unsigned)s->v[i].tag;
				}
			} else if (p->exp[j].neg) {
				/* "!ALL" takes back every ALL before it. */
				all_root = all_any = false;
				m_root = m_any = 0;
			} else {
				/* The last ALL replaces the earlier ones. */
				all_any = true;
				m_any = (unsigned)s->v[i].tag;
				if (rr) {
					all_root = true;
					m_root = (unsigned)s->v[i].tag;
				}
			}
		}
	}
	r->all_commands = all_any;
	if (all_root) {
		r->runas_root = true;
		s->mask = m_root;
	} else if (all_any) {
		r->runas_root = false;
		s->mask = m_any;
	} else {
		r->runas_root = any_root;
		s->mask = m_other;
	}
}

/* A user named by a "Defaults:users" entry, with the entry's order. */
struct sd_uset {
	const char *name;
	size_t idx; /* index in p->defs: the later one wins */
	bool authenticate;
};

static int
sd_uset_cmp(const void *a, const void *b)
{
	const struct sd_uset *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The last "Defaults:users" entry naming name, or NULL. */
static const struct sd_uset *
sd_uset_find(const struct sd_uset *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n, mid;

	/* Upper bound of name: the entry just before it is the last one. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].name, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && strcmp(v[lo - 1].name, name) == 0)
		return &v[lo - 1];
	return NULL;
}

/*
 * The value of "authenticate" that holds for each scope, computed once
 * (each binding expanded once) so that applying them stays linear in
 * the number of rules.
 */
struct sd_auth {
	bool base; /* global and @host entries, in order */
	int runas; /* -1 unset, else the last >runas entry naming root */
	int cmnd;  /* -1 unset, else the last !cmnd entry holding ALL */
	struct sd_uset *users; /* sorted by name, then order */
	size_t n_users;
	size_t all_idx; /* last ":ALL" entry, SIZE_MAX when none */
	bool all_val;
};

static bool
sd_auth_build(struct sd_parser *p, struct sd_auth *au)
{
	const struct sd_default *d;
	struct sd_uset *u;
	size_t i, j, cap = 0;
	bool hit;

	memset(au, 0, sizeof(*au));
	au->base = true;
	au->runas = au->cmnd = -1;
	au->all_idx = SIZE_MAX;
	for (i = 0; i < p->n_defs && !p->oom; i++) {
		d = &p->defs[i];
		switch (d->scope) {
		case SD_GLOBAL:
			au->base = d->authenticate;
			break;
		case SD_ATHOST:
			break; /* applied after every global entry below */
		case SD_TORUNAS:
			if (sd_runas_root(p, &d->binding, d->file, d->line))
				au->runas = d->authenticate;
			break;
		case SD_TOCMND:
			sd_expand(p, SD_CMND, &d->binding, d->file, d->line);
			hit = false;
			for (j = 0; j < p->n_exp; j++)
				if (strcmp(p->exp[j].name, "ALL") == 0)
					hit = !p->exp[j].neg;
			if (hit)
				au->cmnd = d->authenticate;
			break;
		case SD_TOUSER:
			sd_expand(p, SD_USER, &d->binding, d->file, d->line);
			for (j = 0; j < p->n_exp; j++) {
				if (p->exp[j].neg)
					continue;
				if (strcmp(p->exp[j].name, "ALL") == 0) {
					au->all_idx = i;
					au->all_val = d->authenticate;
					continue;
				}
				if ((u = SD_PUSH(p, au->users, au->n_users,
						 cap)) == NULL)
					return false;
				u->name = p->exp[j].name;
				u->idx = i;
				u->authenticate = d->authenticate;
			}
			break;
		}
	}
	/* sudo applies host entries after the global ones. */
	for (i = 0; i < p->n_defs; i++)
		if (p->defs[i].scope == SD_ATHOST)
			au->base = p->defs[i].authenticate;
	if (au->n_users > 0)
		qsort(au->users, au->n_users, sizeof(*au->users), sd_uset_cmp);
	return !p->oom;
}

/* The value of "authenticate" for rule r: scopes in sudo's order. */
static bool
sd_auth_for(const struct sd_auth *au, const struct vg_sudo_rule *r)
{
	const struct sd_uset *u;
	size_t i, best = au->all_idx;
	bool v = au->base;

	if (best != SIZE_MAX)
		v = au->all_val;
	for (i = 0; i < r->n_users; i++) {
		if (r->users[i].negated ||
		    (u = sd_uset_find(au->users, au->n_users,
				      r->users[i].name)) == NULL)
			continue;
		if (best == SIZE_MAX || u->idx > best) {
			best = u->idx;
			v = u->authenticate;
		}
	}
	if (r->runas_root && au->runas != -1)
		v = au->runas;
	if (r->all_commands && au->cmnd != -1)
		v = au->cmnd;
	return v;
}

/* Expand every spec into a rule, then apply Defaults (authenticate). */
static enum vg_rc
sd_resolve(struct sd_parser *p)
{
	struct vg_sudo_rule *r;
	struct sd_spec *s;
	struct sd_auth au;
	size_t i;

	sd_alias_index(p);
	for (i = 0; i < p->n_specs && !p->oom; i++) {
		s = &p->specs[i];
		if (p->f->n_sudo_rules >= VG_MAX_ITEMS) {
			vg_facts_warn(p->f,
				      _("%s:%d: too many sudoers rules, the "
					"rest ignored"),
				      s->file, s->line);
			break;
		}
		if ((r = vg_facts_add_sudo_rule(p->f)) == NULL) {
			p->oom = true;
			break;
		}
		s->rule = p->f->n_sudo_rules - 1;
		s->emitted = true;
		r->file = s->file;
		r->line = s->line;
		r->text = s->text;
		if (!sd_rule_users(p, s, r))
			break;
		sd_rule_commands(p, s, r);
	}
	if (p->oom || !sd_auth_build(p, &au))
		return VG_ERR_NOMEM;
	/* A tag beats the default; an untagged command follows it. */
	for (i = 0; i < p->n_specs; i++) {
		s = &p->specs[i];
		if (!s->emitted)
			continue;
		r = &p->f->sudo_rules[s->rule];
		r->nopasswd = (s->mask & SD_TAG_NOPASSWD) != 0 ||
			((s->mask & SD_TAG_UNSET) != 0 && !sd_auth_for(&au, r));
	}
	return VG_OK;
}

enum vg_rc
vg_sudoers_parse(struct vg_facts *f, const struct vg_root *root,
		 const char *name, const char *buf, size_t len)
{
	struct sd_parser p;
	const char *fname;
	enum vg_rc rc;

	memset(&p, 0, sizeof(p));
	p.f = f;
	p.root = root;
	vg_arena_init(&p.a);
	if ((fname = vg_facts_str(f, name)) == NULL) {
		rc = VG_ERR_NOMEM;
		goto done;
	}
	vg_include_init(&p.inc, f, root);
	if ((rc = vg_include_top(&p.inc, fname, buf, len, sd_parse_cb, &p)) !=
	    VG_OK)
		goto done;
	rc = sd_resolve(&p);
done:
	free(p.exp);
	vg_arena_release(&p.a);
	return rc;
}

/* Is a sudo binary installed in the root? */
static bool
sd_sudo_installed(const struct vg_root *root)
{
	static const char *const bins[] = {
		"/usr/bin/sudo",
		"/bin/sudo",
		"/usr/local/bin/sudo",
		"/usr/bin/sudo-rs",
	};

	return vg_root_exists_any(root, bins, VG_ARRAY_LEN(bins));
}

enum vg_rc
vg_collect_sudoers(struct vg_collect *c)
{
	struct vg_err err;
	struct vg_buf b;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&b, VG_MAX_CONFIG_FILE);
	if (vg_root_read(c->root, "/etc/sudoers", VG_MAX_CONFIG_FILE, &b,
			 &err) != VG_OK) {
		if (err.rc == VG_ERR_NOMEM)
			rc = VG_ERR_NOMEM;
		else if (err.rc == VG_ERR_NOTFOUND &&
			 !sd_sudo_installed(c->root))
			/* No sudo at all: a fact (no rule grants anything),
			 * so admin.excess can still be judged. */
			vg_facts_collected(c->facts, VG_SRC_SUDOERS);
		else
			vg_facts_not_collected(c->facts, VG_SRC_SUDOERS, "%s",
					       err.msg);
		goto done;
	}
	if ((rc = vg_sudoers_parse(c->facts, c->root, "/etc/sudoers", b.data,
				   b.len)) == VG_OK)
		vg_facts_collected(c->facts, VG_SRC_SUDOERS);
done:
	vg_buf_release(&b);
	return rc;
}
