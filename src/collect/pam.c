/*
 * PAM collector: which password-quality module guards password changes,
 * the shortest password it lets through, and whether authentication
 * locks an account out after failures (R4 password.policy_weak and
 * password.no_lockout).
 *
 * Stacks read: Debian/Ubuntu/SUSE common-password + common-auth; RHEL
 * system-auth (password) + system-auth and password-auth (auth: login
 * uses the first, sshd the second); else passwd + login. Lines are
 * "type control module args", with bracketed controls and arguments,
 * a leading '-' on the type, '#' comments, '\' continuations, and the
 * includes "@include file", "type include file", "type substack file"
 * followed inside the root with a depth limit.
 */
#include "util/common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect/collectors.h"
#include "collect/include.h"
#include "collect/pam.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

#define PAM_DIR "/etc/pam.d"
#define PWQ_CONF "/etc/security/pwquality.conf"
#define PWQ_CONF_DIR "/etc/security/pwquality.conf.d"

#define PAM_MAX_TOKENS 64      /* fields of one PAM line; more are ignored */
#define PAM_MAX_PATH 4096      /* an included file's path */
#define PAM_MAX_NUMBER 1000000 /* any length or credit beyond is nonsense */

/*
 * libpwquality: minlen defaults to 8 and is raised to 6 when set lower
 * (PWQ_BASE_MIN_LENGTH); credits default to 0. pam_cracklib, its
 * predecessor, defaults to minlen 9 with credits of 1 per class.
 * pam_passwdqc's default "min=disabled,24,11,8,7" allows 7 characters.
 */
#define PWQ_DEFAULT_MINLEN 8
#define PWQ_BASE_MIN_LENGTH 6
#define CRACKLIB_DEFAULT_MINLEN 9
#define CRACKLIB_DEFAULT_CREDIT 1
#define PASSWDQC_DEFAULT_MIN 7
#define PASSWDQC_FIELDS 5 /* min=N0,N1,N2,N3,N4 */

/* The line types a parse looks at (a bit mask). */
enum {
	PAM_T_AUTH = 1,
	PAM_T_PASSWORD = 2,
	PAM_T_OTHER = 4, /* account, session: read, never judged */
};

/* pwquality settings that make the minimum length. */
enum {
	PWQ_MINLEN,
	PWQ_DCREDIT,
	PWQ_UCREDIT,
	PWQ_LCREDIT,
	PWQ_OCREDIT,
	PWQ_N
};
static const char *const pwq_keys[PWQ_N] = {
	"minlen", "dcredit", "ucredit", "lcredit", "ocredit",
};

struct pwq_opts {
	bool set[PWQ_N];
	int64_t v[PWQ_N];
};

struct pam_token {
	const char *s;
	size_t n;
};

/* What one stack (with its includes) showed. */
struct pam_stack {
	const char *quality;  /* "pam_pwquality", "pam_cracklib", ... */
	struct pwq_opts args; /* pwquality/cracklib module arguments */
	const char *conf;     /* pam_pwquality conf= argument, or NULL */
	bool qc_min_set;      /* passwdqc min= given */
	int64_t qc_min;       /* smallest enabled passwdqc min, or -1 */
	int64_t unix_minlen;  /* pam_unix minlen=, or -1 */
	const char *lockout;  /* "pam_faillock", "pam_tally2", "pam_tally" */
};

struct pam_ctx {
	struct vg_facts *f;
	const struct vg_root *root;  /* NULL: includes are not followed */
	struct vg_include_guard inc; /* loops and limits of includes */
	struct pam_stack st;
};

/* What a file is parsed with: the line types its include asked for. */
struct pam_file_ctx {
	struct pam_ctx *x;
	int mask;
};

static enum vg_rc pam_parse_cb(void *ctx, const char *name, const char *buf,
			       size_t len);

static void
stack_init(struct pam_stack *st)
{
	memset(st, 0, sizeof(*st));
	st->qc_min = -1;
	st->unix_minlen = -1;
}

static bool
tok_is(const struct pam_token *t, const char *s)
{
	return vg_streqn(s, t->s, t->n);
}

/*
 * Split a logical line into fields. A field opening with '[' runs to the
 * next ']' (Linux-PAM's bracketed controls and arguments may hold
 * spaces); an unclosed bracket runs to the end of the line.
 */
static size_t
pam_tokenize(const char *s, size_t n, struct pam_token *t, size_t max)
{
	size_t i = 0, nt = 0, start;
	const char *close;

	while (i < n && nt < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		start = i;
		if (s[i] == '[' &&
		    (close = memchr(s + i, ']', n - i)) != NULL) {
			i = (size_t)(close - s) + 1;
		} else {
			while (i < n && s[i] != ' ' && s[i] != '\t')
				i++;
		}
		t[nt].s = s + start;
		t[nt].n = i - start;
		nt++;
	}
	return nt;
}

/* The module's name without directory and ".so": "pam_unix". */
static void
module_name(const struct pam_token *path, struct pam_token *out)
{
	const char *s = path->s, *slash;
	size_t n = path->n;

	while ((slash = memchr(s, '/', n)) != NULL) {
		n -= (size_t)(slash - s) + 1;
		s = slash + 1;
	}
	if (n > 3 && memcmp(s + n - 3, ".so", 3) == 0)
		n -= 3;
	out->s = s;
	out->n = n;
}

/* Split "key=value"; false when there is no '='. */
static bool
split_arg(const struct pam_token *arg, struct pam_token *key,
	  struct pam_token *val)
{
	const char *eq = memchr(arg->s, '=', arg->n);

	if (eq == NULL)
		return false;
	key->s = arg->s;
	key->n = (size_t)(eq - arg->s);
	val->s = eq + 1;
	val->n = arg->n - key->n - 1;
	return true;
}

/* Set a pwquality option from a "key"/"value" pair; false if unknown. */
static bool
pwq_set(struct vg_facts *f, const char *name, int lineno, struct pwq_opts *o,
	const char *key, size_t keylen, const char *val, size_t vallen)
{
	int64_t v;
	size_t i;

	for (i = 0; i < PWQ_N; i++) {
		if (!vg_streqn(pwq_keys[i], key, keylen))
			continue;
		if (vg_parse_int(val, vallen,
				 i == PWQ_MINLEN ? 0 : -PAM_MAX_NUMBER,
				 PAM_MAX_NUMBER, &v) != VG_OK) {
			vg_facts_warn(f, _("%s:%d: bad %s value '%.*s'"), name,
				      lineno, pwq_keys[i], (int)vallen, val);
			return true;
		}
		o->set[i] = true;
		o->v[i] = v;
		return true;
	}
	return false;
}

/*
 * passwdqc "min=N0,N1,N2,N3,N4": the minimum length per kind of password
 * (one class, two classes, passphrase, three, four classes), each a
 * number or "disabled". A user may pick the weakest kind allowed, so the
 * effective minimum is the smallest enabled value; -1 when all are
 * disabled (no password is accepted at all).
 */
static void
passwdqc_min(struct pam_ctx *x, const char *name, int lineno,
	     const struct pam_token *val)
{
	const char *p = val->s, *end = val->s + val->n, *comma;
	int64_t v, best = -1;
	size_t n, fields = 0;

	while (p <= end && fields < PASSWDQC_FIELDS + 1) {
		comma = memchr(p, ',', (size_t)(end - p));
		n = comma ? (size_t)(comma - p) : (size_t)(end - p);
		fields++;
		if (!vg_streqn("disabled", p, n)) {
			if (vg_parse_int(p, n, 0, PAM_MAX_NUMBER, &v) !=
			    VG_OK) {
				vg_facts_warn(x->f,
					      _("%s:%d: bad passwdqc min "
						"value '%.*s'"),
					      name, lineno, (int)val->n,
					      val->s);
				return;
			}
			if (best == -1 || v < best)
				best = v;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (fields != PASSWDQC_FIELDS) {
		vg_facts_warn(x->f,
			      _("%s:%d: passwdqc min= needs 5 values: '%.*s'"),
			      name, lineno, (int)val->n, val->s);
		return;
	}
	x->st.qc_min_set = true;
	x->st.qc_min = best;
}

/* A password line: quality module or pam_unix arguments. */
static void
password_module(struct pam_ctx *x, const char *name, int lineno,
		const struct pam_token *mod, const struct pam_token *args,
		size_t nargs)
{
	struct pam_token key, val;
	const char *quality = NULL;
	size_t i;

	if (tok_is(mod, "pam_pwquality"))
		quality = "pam_pwquality";
	else if (tok_is(mod, "pam_cracklib"))
		quality = "pam_cracklib";
	else if (tok_is(mod, "pam_passwdqc"))
		quality = "pam_passwdqc";

	if (quality == NULL && tok_is(mod, "pam_unix")) {
		/* pam_unix's own minimum counts only when written down. */
		for (i = 0; i < nargs; i++) {
			if (!split_arg(&args[i], &key, &val) ||
			    !tok_is(&key, "minlen"))
				continue;
			if (vg_parse_int(val.s, val.n, 0, PAM_MAX_NUMBER,
					 &x->st.unix_minlen) != VG_OK) {
				x->st.unix_minlen = -1;
				vg_facts_warn(x->f,
					      _("%s:%d: bad minlen value "
						"'%.*s'"),
					      name, lineno, (int)val.n, val.s);
			}
		}
		return;
	}
	/* The first quality module of the stack is the one reported. */
	if (quality == NULL || x->st.quality != NULL)
		return;
	x->st.quality = quality;
	for (i = 0; i < nargs; i++) {
		if (!split_arg(&args[i], &key, &val))
			continue;
		if (strcmp(quality, "pam_passwdqc") == 0) {
			if (tok_is(&key, "min"))
				passwdqc_min(x, name, lineno, &val);
			continue;
		}
		if (tok_is(&key, "conf") && val.n > 0 && val.n < PAM_MAX_PATH) {
			x->st.conf = vg_facts_strn(x->f, val.s, val.n);
			continue;
		}
		(void)pwq_set(x->f, name, lineno, &x->st.args, key.s, key.n,
			      val.s, val.n);
	}
}

/* Follow an include: path is relative to /etc/pam.d unless absolute. */
static enum vg_rc
pam_include(struct pam_ctx *x, const char *name, int lineno,
	    const struct pam_token *file, int mask)
{
	char path[PAM_MAX_PATH];
	struct pam_file_ctx fx = {x, mask};

	if (x->root == NULL)
		return VG_OK;
	if (!vg_include_path(PAM_DIR, strlen(PAM_DIR), file->s, file->n, path,
			     sizeof(path))) {
		vg_facts_warn(x->f, _("%s:%d: include path too long"), name,
			      lineno);
		return VG_OK;
	}
	return vg_include_file(&x->inc, name, lineno, path, pam_parse_cb, &fx);
}

/* One logical line, already split into fields. */
static enum vg_rc
pam_line(struct pam_ctx *x, const char *name, int lineno, struct pam_token *t,
	 size_t nt, int mask)
{
	struct pam_token type = t[0], mod;
	int tmask;

	/* Debian's "@include file" pulls in every line of file. */
	if (tok_is(&type, "@include")) {
		if (nt < 2) {
			vg_facts_warn(x->f, _("%s:%d: @include without a file"),
				      name, lineno);
			return VG_OK;
		}
		return pam_include(x, name, lineno, &t[1], mask);
	}
	/* "-type": do not log when the module is missing. */
	if (type.n > 0 && type.s[0] == '-') {
		type.s++;
		type.n--;
	}
	if (vg_strcaseeqn("auth", type.s, type.n))
		tmask = PAM_T_AUTH;
	else if (vg_strcaseeqn("password", type.s, type.n))
		tmask = PAM_T_PASSWORD;
	else if (vg_strcaseeqn("account", type.s, type.n) ||
		 vg_strcaseeqn("session", type.s, type.n))
		tmask = PAM_T_OTHER;
	else {
		vg_facts_warn(x->f, _("%s:%d: unknown pam type '%.*s'"), name,
			      lineno, (int)type.n, type.s);
		return VG_OK;
	}
	if (nt < 3) {
		vg_facts_warn(x->f, _("%s:%d: pam line without a module"), name,
			      lineno);
		return VG_OK;
	}
	if ((mask & tmask) == 0)
		return VG_OK;
	/* "type include file" / "type substack file": that type's lines. */
	if (tok_is(&t[1], "include") || tok_is(&t[1], "substack"))
		return pam_include(x, name, lineno, &t[2], tmask);

	module_name(&t[2], &mod);
	if (tmask == PAM_T_PASSWORD)
		password_module(x, name, lineno, &mod, t + 3, nt - 3);
	else if (tmask == PAM_T_AUTH && x->st.lockout == NULL) {
		if (tok_is(&mod, "pam_faillock"))
			x->st.lockout = "pam_faillock";
		else if (tok_is(&mod, "pam_tally2"))
			x->st.lockout = "pam_tally2";
		else if (tok_is(&mod, "pam_tally"))
			x->st.lockout = "pam_tally";
	}
	return VG_OK;
}

/*
 * Parse a PAM file: '#' starts a comment, a '\' at the end of a line
 * joins the next one (as Linux-PAM's _pam_assemble_line does).
 */
static enum vg_rc
pam_parse_cb(void *ctx, const char *name, const char *buf, size_t len)
{
	struct pam_ctx *x = ((struct pam_file_ctx *)ctx)->x;
	int mask = ((struct pam_file_ctx *)ctx)->mask;
	struct pam_token t[PAM_MAX_TOKENS];
	struct vg_lines it;
	struct vg_buf lb;
	const char *line, *hash;
	size_t n, nt;
	bool more, too_long = false;
	int first = 0;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&lb, VG_MAX_LINE);
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (lb.len == 0 && !too_long)
			first = it.lineno;
		if ((hash = memchr(line, '#', n)) != NULL)
			n = (size_t)(hash - line);
		vg_trim(&line, &n);
		more = n > 0 && line[n - 1] == '\\';
		if (more)
			n--;
		if (!too_long) {
			rc = vg_buf_add(&lb, line, n);
			if (rc == VG_OK && more)
				rc = vg_buf_addc(&lb, ' ');
			if (rc == VG_ERR_NOMEM)
				goto done;
			too_long = rc != VG_OK;
			rc = VG_OK;
		}
		if (more && it.p < it.end)
			continue;
		if (too_long)
			vg_facts_warn(x->f, _("%s:%d: line too long"), name,
				      first);
		else if (lb.len > 0 && vg_has_nul(lb.data, lb.len))
			vg_facts_warn(x->f, _("%s:%d: NUL byte in line"), name,
				      first);
		else if ((nt = pam_tokenize(vg_buf_str(&lb), lb.len, t,
					    PAM_MAX_TOKENS)) > 0 &&
			 (rc = pam_line(x, name, first, t, nt, mask)) != VG_OK)
			goto done;
		vg_buf_reset(&lb);
		too_long = false;
	}
done:
	vg_buf_release(&lb);
	return rc;
}

/*
 * The effective minimum length of a pwquality-like module: defaults,
 * then pwquality.conf (conf, may be NULL), then the module's arguments.
 * A positive credit lets that many characters of a class count twice,
 * so the shortest password accepted is minlen minus the credits.
 */
static int64_t
pwq_effective(const char *quality, const struct pwq_opts *conf,
	      const struct pwq_opts *args)
{
	bool cracklib = strcmp(quality, "pam_cracklib") == 0;
	int64_t v[PWQ_N], len;
	size_t i;

	v[PWQ_MINLEN] = cracklib ? CRACKLIB_DEFAULT_MINLEN : PWQ_DEFAULT_MINLEN;
	for (i = PWQ_DCREDIT; i < PWQ_N; i++)
		v[i] = cracklib ? CRACKLIB_DEFAULT_CREDIT : 0;
	for (i = 0; i < PWQ_N; i++) {
		if (conf != NULL && conf->set[i])
			v[i] = conf->v[i];
		if (args->set[i])
			v[i] = args->v[i];
	}
	len = v[PWQ_MINLEN];
	for (i = PWQ_DCREDIT; i < PWQ_N; i++)
		if (v[i] > 0)
			len -= v[i];
	return len < PWQ_BASE_MIN_LENGTH ? PWQ_BASE_MIN_LENGTH : len;
}

/* Fill f->pam from the password stack st (conf: pwquality.conf). */
static void
pam_resolve(struct vg_facts *f, const struct pam_stack *st,
	    const struct pwq_opts *conf)
{
	f->pam.quality_module = st->quality;
	if (st->quality == NULL)
		f->pam.min_length = st->unix_minlen;
	else if (strcmp(st->quality, "pam_passwdqc") == 0)
		f->pam.min_length =
			st->qc_min_set ? st->qc_min : PASSWDQC_DEFAULT_MIN;
	else
		f->pam.min_length = pwq_effective(st->quality, conf, &st->args);
}

enum vg_rc
vg_pam_parse(struct vg_facts *f, const char *name, const char *buf, size_t len)
{
	struct pam_ctx x;
	struct pam_file_ctx fx = {&x,
				  PAM_T_AUTH | PAM_T_PASSWORD | PAM_T_OTHER};
	enum vg_rc rc;

	memset(&x, 0, sizeof(x));
	x.f = f;
	vg_include_init(&x.inc, f, NULL);
	stack_init(&x.st);
	rc = vg_include_top(&x.inc, name, buf, len, pam_parse_cb, &fx);
	if (rc != VG_OK)
		return rc;
	pam_resolve(f, &x.st, NULL);
	f->pam.lockout_module = x.st.lockout;
	f->pam.file = vg_facts_str(f, name);
	return f->pam.file == NULL ? VG_ERR_NOMEM : VG_OK;
}

/* pwquality.conf: "key = value" lines, '#' comments. */
static void
pwq_conf_parse(struct vg_facts *f, const char *name, const char *buf,
	       size_t len, struct pwq_opts *o)
{
	struct vg_lines it;
	const char *line, *eq, *key, *val, *hash;
	size_t n, keylen, vallen;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if ((hash = memchr(line, '#', n)) != NULL)
			n = (size_t)(hash - line);
		vg_trim(&line, &n);
		if (n == 0)
			continue;
		if ((eq = memchr(line, '=', n)) == NULL) {
			/* Flags such as "enforce_for_root" stand alone. */
			continue;
		}
		key = line;
		keylen = (size_t)(eq - line);
		val = eq + 1;
		vallen = n - keylen - 1;
		vg_trim(&key, &keylen);
		vg_trim(&val, &vallen);
		(void)pwq_set(f, name, it.lineno, o, key, keylen, val, vallen);
	}
}

/* Read one pwquality file into o; a missing file is normal. */
static enum vg_rc
pwq_conf_read(struct vg_collect *c, const char *path, struct vg_buf *buf,
	      struct pwq_opts *o)
{
	struct vg_err err;
	enum vg_rc rc;

	rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, buf, &err);
	if (rc == VG_ERR_NOMEM)
		return rc;
	if (rc == VG_ERR_NOTFOUND)
		return VG_OK;
	if (rc != VG_OK) {
		vg_facts_warn(c->facts, "%s", err.msg);
		return VG_OK;
	}
	pwq_conf_parse(c->facts, path, buf->data, buf->len, o);
	return VG_OK;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * libpwquality's settings: the *.conf files of pwquality.conf.d in ASCII
 * order, then pwquality.conf over them; a conf= argument replaces both.
 */
static enum vg_rc
pwq_conf_load(struct vg_collect *c, const char *conf_arg, struct pwq_opts *o)
{
	char path[PAM_MAX_PATH], **names = NULL, **grown;
	struct dirent *de;
	struct vg_buf buf;
	size_t i, n = 0, nlen;
	DIR *d = NULL;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	if (conf_arg != NULL) {
		rc = pwq_conf_read(c, conf_arg, &buf, o);
		goto done;
	}
	if ((d = vg_root_opendir(c->root, PWQ_CONF_DIR)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			nlen = strlen(de->d_name);
			if (de->d_name[0] == '.' || nlen < 6 ||
			    strcmp(de->d_name + nlen - 5, ".conf") != 0)
				continue;
			if (n >= VG_MAX_INCLUDED_FILES) {
				vg_facts_warn(c->facts, _("%s: too many files"),
					      PWQ_CONF_DIR);
				break;
			}
			grown = reallocarray(names, n + 1, sizeof(*names));
			if (grown == NULL) {
				rc = VG_ERR_NOMEM;
				goto done;
			}
			names = grown;
			if ((names[n] = strdup(de->d_name)) == NULL) {
				rc = VG_ERR_NOMEM;
				goto done;
			}
			n++;
		}
		if (n > 0)
			qsort(names, n, sizeof(*names), name_cmp);
		for (i = 0; i < n; i++) {
			if (snprintf(path, sizeof(path), "%s/%s", PWQ_CONF_DIR,
				     names[i]) >= (int)sizeof(path))
				continue;
			if ((rc = pwq_conf_read(c, path, &buf, o)) != VG_OK)
				goto done;
		}
	}
	rc = pwq_conf_read(c, PWQ_CONF, &buf, o);
done:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	vg_buf_release(&buf);
	return rc;
}

/* Where each family keeps its stacks; the first with a password file. */
static const struct pam_layout {
	const char *password;
	const char *auth[2];
} layouts[] = {
	{PAM_DIR "/common-password", {PAM_DIR "/common-auth", NULL}},
	{PAM_DIR "/system-auth",
	 {PAM_DIR "/system-auth", PAM_DIR "/password-auth"}},
	{PAM_DIR "/passwd", {PAM_DIR "/login", NULL}},
};

/* Parse the top-level file path with the given type mask into x. */
static enum vg_rc
pam_read_stack(struct vg_collect *c, struct pam_ctx *x, const char *path,
	       int mask, bool *found)
{
	struct pam_file_ctx fx = {x, mask};
	struct vg_buf buf;
	struct vg_err err;
	enum vg_rc rc;

	*found = false;
	memset(x, 0, sizeof(*x));
	x->f = c->facts;
	x->root = c->root;
	vg_include_init(&x->inc, c->facts, c->root);
	stack_init(&x->st);
	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, &buf, &err);
	if (rc == VG_ERR_NOMEM)
		goto done;
	if (rc != VG_OK) {
		if (rc != VG_ERR_NOTFOUND)
			vg_facts_warn(c->facts, "%s", err.msg);
		rc = VG_OK;
		goto done;
	}
	*found = true;
	rc = vg_include_top(&x->inc, path, buf.data, buf.len, pam_parse_cb,
			    &fx);
done:
	vg_buf_release(&buf);
	return rc;
}

enum vg_rc
vg_collect_pam(struct vg_collect *c)
{
	const struct pam_layout *lay = NULL;
	struct vg_facts *f = c->facts;
	struct pwq_opts conf;
	struct pam_ctx pw, auth;
	struct stat st;
	const char *lockout = NULL;
	bool found, any_auth = false, all_lock = true;
	size_t i;
	enum vg_rc rc;

	if (vg_root_stat(c->root, PAM_DIR, &st) == -1) {
		vg_facts_not_collected(f, VG_SRC_PAM, _("cannot read '%s': %s"),
				       PAM_DIR, strerror(errno));
		return VG_OK;
	}
	if (!S_ISDIR(st.st_mode)) {
		vg_facts_not_collected(f, VG_SRC_PAM,
				       _("'%s' is not a directory"), PAM_DIR);
		return VG_OK;
	}
	for (i = 0; i < VG_ARRAY_LEN(layouts); i++) {
		if (vg_root_stat(c->root, layouts[i].password, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			lay = &layouts[i];
			break;
		}
	}
	if (lay == NULL) {
		vg_facts_not_collected(f, VG_SRC_PAM,
				       _("no password stack in '%s' "
					 "(common-password, system-auth, "
					 "passwd)"),
				       PAM_DIR);
		return VG_OK;
	}
	if ((rc = pam_read_stack(c, &pw, lay->password, PAM_T_PASSWORD,
				 &found)) != VG_OK)
		return rc;
	if (!found) {
		vg_facts_not_collected(f, VG_SRC_PAM, _("cannot read '%s'"),
				       lay->password);
		return VG_OK;
	}
	memset(&conf, 0, sizeof(conf));
	if (pw.st.quality != NULL &&
	    strcmp(pw.st.quality, "pam_pwquality") == 0 &&
	    (rc = pwq_conf_load(c, pw.st.conf, &conf)) != VG_OK)
		return rc;
	pam_resolve(f, &pw.st, &conf);
	if ((f->pam.file = vg_facts_str(f, lay->password)) == NULL)
		return VG_ERR_NOMEM;

	/* Lockout must guard every auth stack read: sshd on RHEL uses
	 * password-auth, and an attacker picks the door without a lock. */
	for (i = 0; i < VG_ARRAY_LEN(lay->auth) && lay->auth[i] != NULL; i++) {
		if ((rc = pam_read_stack(c, &auth, lay->auth[i], PAM_T_AUTH,
					 &found)) != VG_OK)
			return rc;
		if (!found)
			continue;
		any_auth = true;
		if (auth.st.lockout == NULL)
			all_lock = false;
		else if (lockout == NULL)
			lockout = auth.st.lockout;
	}
	f->pam.lockout_module = any_auth && all_lock ? lockout : NULL;
	vg_facts_collected(f, VG_SRC_PAM);
	return VG_OK;
}
