/*
 * vigie user | token | apikey: the server's credentials, made from the
 * command line by whoever may write the store. Each secret is printed
 * once on stdout (alone, so scripts can capture it) and only its hash
 * is stored; each action goes to the audit log as "cli:<unix user>".
 */
#include "util/common.h"

#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_server.h"
#include "store/store.h"
#include "web/auth.h"
#include "util/log.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/uuid.h"
#include "util/banned.h"

#define ADMIN_PW_MIN 12   /* shortest password accepted */
#define ADMIN_PW_MAX 1024 /* longest password read */
#define ADMIN_PW_GEN 20   /* length of a generated password */
#define ADMIN_EXPIRES_DEF (7 * 86400)
#define ADMIN_EXPIRES_MAX (365 * 86400)

/* One admin command: its words, usage and help. */
struct admin_cmd {
	const char *name; /* "user add" */
	const char *usage;
	const char *help;
};

static const struct admin_cmd user_add = {
	"user add",
	N_("vigie user add NAME --role ROLE [--password-stdin] [--db FILE]"),
	N_("Add a console user.\n\n"
	   "  --role ROLE        admin, rssi, technicien, auditeur or "
	   "direction\n"
	   "  --password-stdin   read the password from the first line of "
	   "stdin\n"
	   "                     (at least 12 characters); otherwise a "
	   "random one is\n"
	   "                     printed once\n"
	   "  --db FILE          the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"),
};

static const struct admin_cmd token_create = {
	"token create",
	N_("vigie token create --site SITE [--expires DURATION] [--db FILE]"),
	N_("Create a one-time enrolment token for an agent of SITE; it is "
	   "printed once.\n\n"
	   "  --site SITE        the site the agent belongs to\n"
	   "  --expires DURATION validity: a number and s, m, h or d "
	   "(default 7d,\n"
	   "                     at most 365d)\n"
	   "  --db FILE          the store (default as for `vigie serve`)\n"),
};

static const struct admin_cmd apikey_create = {
	"apikey create",
	N_("vigie apikey create --role ROLE [--db FILE]"),
	N_("Create an API key for an integration; \"ID:SECRET\" is printed "
	   "once, to be\nsent as \"Authorization: Bearer ID:SECRET\".\n\n"
	   "  --role ROLE        admin, rssi, technicien, auditeur or "
	   "direction\n"
	   "  --db FILE          the store (default as for `vigie serve`)\n"),
};

/* Options of the admin commands, parsed by one loop. */
struct admin_opts {
	const char *db, *role, *site, *expires;
	bool password_stdin;
	const char *operand; /* NAME of user add */
};

static int
admin_usage_error(const struct admin_cmd *c)
{
	vg_usage(stderr, _(c->usage), NULL);
	return VG_EXIT_USAGE;
}

/*
 * Parse argv (argv[0] is the verb) for c. allowed lists the long options
 * c takes, by their short letter; nargs is the operand count. -1 to go
 * on, else the exit status.
 */
static int
admin_parse(const struct admin_cmd *c, const char *allowed, int nargs, int argc,
	    char **argv, struct admin_opts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"role", required_argument, NULL, 'r'},
		{"site", required_argument, NULL, 's'},
		{"expires", required_argument, NULL, 'e'},
		{"password-stdin", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			vg_usage(stdout, _(c->usage), _(c->help));
			return VG_EXIT_OK;
		}
		if (ch == '?' || strchr(allowed, ch) == NULL) {
			log_errx(_("%s: unknown option '%s'"), c->name,
				 argv[optind - 1]);
			return admin_usage_error(c);
		}
		switch (ch) {
		case 'd':
			o->db = optarg;
			break;
		case 'r':
			o->role = optarg;
			break;
		case 's':
			o->site = optarg;
			break;
		case 'e':
			o->expires = optarg;
			break;
		case 'p':
			o->password_stdin = true;
			break;
		}
	}
	if (argc - optind != nargs) {
		log_errx(argc - optind < nargs ? _("%s: missing operand")
					       : _("%s: too many operands"),
			 c->name);
		return admin_usage_error(c);
	}
	if (nargs > 0)
		o->operand = argv[optind];
	if (o->db == NULL)
		o->db = vg_default_db();
	return -1;
}

/* A role named by --role; false after printing the error. */
static bool
admin_role(const struct admin_cmd *c, const char *arg, enum vg_role *out)
{
	if (arg == NULL) {
		log_errx(_("%s: --role is required"), c->name);
		return false;
	}
	if (!vg_role_parse(arg, out)) {
		log_errx(_("%s: unknown role '%s' (admin, rssi, technicien, "
			   "auditeur or direction)"),
			 c->name, arg);
		return false;
	}
	return true;
}

/* "cli:<login>" for the audit log. */
static void
admin_actor(char *out, size_t size)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw != NULL)
		(void)snprintf(out, size, "cli:%s", pw->pw_name);
	else
		(void)snprintf(out, size, "cli:%lu", (unsigned long)getuid());
}

/* Open the store at db (creating it); NULL after printing the error. */
static struct vg_store *
admin_open(const char *db)
{
	struct vg_store *s = NULL;
	struct vg_err err;

	vg_err_clear(&err);
	if (!vg_prepare_db_dir(db))
		return NULL;
	if (vg_store_open_sqlite(&s, db, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return NULL;
	}
	return s;
}

/* Record the action in the audit log; false after printing why. */
static bool
admin_audit(struct vg_store *s, const char *action, const char *detail)
{
	struct vg_err err;
	char actor[300];

	vg_err_clear(&err);
	admin_actor(actor, sizeof(actor));
	if (vg_store_audit_add(s, (int64_t)time(NULL), actor, action, detail,
			       &err) != VG_OK) {
		log_errx("%s", err.msg);
		return false;
	}
	return true;
}

/* A name or site: 1 to VG_STORE_NAME_MAX - 1 bytes of UTF-8, no
 * control character. */
static bool
admin_text_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < VG_STORE_NAME_MAX && vg_utf8_printable(s, n);
}

/* Read the password from stdin's first line; false after an error. */
static bool
read_password(char *pw, size_t size)
{
	size_t n;

	if (fgets(pw, (int)size, stdin) == NULL) {
		log_errx(_("user add: no password on stdin"));
		return false;
	}
	n = strlen(pw);
	if (n == size - 1 && pw[n - 1] != '\n' && !feof(stdin)) {
		log_errx(_("user add: password longer than %d bytes"),
			 ADMIN_PW_MAX);
		return false;
	}
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	if (n < ADMIN_PW_MIN) {
		log_errx(_("user add: the password needs at least %d "
			   "characters"),
			 ADMIN_PW_MIN);
		return false;
	}
	return true;
}

/* A random password from letters and digits that read unambiguously. */
static void
generate_password(char *pw, size_t len)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyz"
				       "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t i;

	for (i = 0; i < len; i++)
		pw[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	pw[len] = '\0';
}

static int
cmd_user_add(int argc, char **argv)
{
	char pw[ADMIN_PW_MAX + 2], detail[300];
	struct vg_store *s = NULL;
	struct vg_user_rec u;
	struct admin_opts o;
	struct vg_err err;
	enum vg_role role;
	enum vg_rc rc;
	int status;

	if ((status = admin_parse(&user_add, "drp", 1, argc, argv, &o)) >= 0)
		return status;
	if (!admin_role(&user_add, o.role, &role))
		return admin_usage_error(&user_add);
	if (!admin_text_ok(o.operand) || strpbrk(o.operand, " :/") != NULL) {
		log_errx(_("user add: bad user name '%s'"), o.operand);
		return admin_usage_error(&user_add);
	}
	memset(&u, 0, sizeof(u));
	if (o.password_stdin) {
		if (!read_password(pw, sizeof(pw)))
			return VG_EXIT_FAILURE;
	} else
		generate_password(pw, ADMIN_PW_GEN);
	status = VG_EXIT_FAILURE;
	vg_err_clear(&err);
	(void)snprintf(u.name, sizeof(u.name), "%s", o.operand);
	(void)snprintf(u.role, sizeof(u.role), "%s", vg_role_name(role));
	u.created_at = (int64_t)time(NULL);
	if (!vg_password_hash(pw, u.pwhash)) {
		log_errx(_("user add: out of memory hashing the password"));
		goto done;
	}
	if ((s = admin_open(o.db)) == NULL)
		goto done;
	if ((rc = vg_store_user_add(s, &u, &err)) != VG_OK) {
		if (rc == VG_ERR_USAGE)
			log_errx(_("user add: user '%s' already exists"),
				 u.name);
		else
			log_errx("%s", err.msg);
		goto done;
	}
	(void)snprintf(detail, sizeof(detail), "%s role=%s", u.name, u.role);
	if (!admin_audit(s, "user.add", detail))
		goto done;
	if (!o.password_stdin) {
		fprintf(stderr,
			_("vigie: user '%s' (%s) added; its password, shown "
			  "once:\n"),
			u.name, u.role);
		printf("%s\n", pw);
	}
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	sodium_memzero(pw, sizeof(pw));
	vg_store_free(s);
	return status;
}

/* "30s", "15m", "12h", "7d" -> seconds in [1, 365 days]. */
static bool
parse_duration(const char *s, int64_t *out)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	size_t i, n = strlen(s);
	int64_t v;

	if (n < 2)
		return false;
	for (i = 0; i < VG_ARRAY_LEN(units); i++) {
		if (s[n - 1] != units[i].unit)
			continue;
		if (vg_parse_int(s, n - 1, 1, ADMIN_EXPIRES_MAX, &v) != VG_OK ||
		    v > ADMIN_EXPIRES_MAX / units[i].secs)
			return false;
		*out = v * units[i].secs;
		return true;
	}
	return false;
}

static int
cmd_token_create(int argc, char **argv)
{
	char token[VG_SECRET_HEX], hash[VG_HASH_HEX], until[21];
	char detail[VG_STORE_NAME_MAX + 64];
	struct vg_store *s = NULL;
	int64_t expires = ADMIN_EXPIRES_DEF, at;
	struct admin_opts o;
	struct vg_err err;
	int status;

	if ((status = admin_parse(&token_create, "dse", 0, argc, argv, &o)) >=
	    0)
		return status;
	if (o.site == NULL) {
		log_errx(_("token create: --site is required"));
		return admin_usage_error(&token_create);
	}
	if (!admin_text_ok(o.site)) {
		log_errx(_("token create: bad site name (1 to %d bytes of "
			   "text)"),
			 VG_STORE_NAME_MAX - 1);
		return admin_usage_error(&token_create);
	}
	if (o.expires != NULL && !parse_duration(o.expires, &expires)) {
		log_errx(_("token create: bad --expires '%s' (a number and s, "
			   "m, h or d; at most 365d)"),
			 o.expires);
		return admin_usage_error(&token_create);
	}
	status = VG_EXIT_FAILURE;
	vg_err_clear(&err);
	vg_secret_new(token);
	vg_secret_hash(token, hash);
	at = (int64_t)time(NULL) + expires;
	if ((s = admin_open(o.db)) == NULL)
		goto done;
	if (vg_store_token_add(s, hash, o.site, at, &err) != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	vg_format_time(at, until);
	(void)snprintf(detail, sizeof(detail), "site=%s expires=%s", o.site,
		       until);
	if (!admin_audit(s, "token.create", detail))
		goto done;
	fprintf(stderr,
		_("vigie: enrolment token for site '%s', valid once until "
		  "%s, shown once:\n"),
		o.site, until);
	printf("%s\n", token);
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	sodium_memzero(token, sizeof(token));
	vg_store_free(s);
	return status;
}

static int
cmd_apikey_create(int argc, char **argv)
{
	char secret[VG_SECRET_HEX], detail[128];
	struct vg_store *s = NULL;
	struct vg_apikey_rec k;
	struct admin_opts o;
	struct vg_err err;
	enum vg_role role;
	int status;

	if ((status = admin_parse(&apikey_create, "dr", 0, argc, argv, &o)) >=
	    0)
		return status;
	if (!admin_role(&apikey_create, o.role, &role))
		return admin_usage_error(&apikey_create);
	status = VG_EXIT_FAILURE;
	vg_err_clear(&err);
	memset(&k, 0, sizeof(k));
	vg_uuid_new(k.id);
	(void)snprintf(k.role, sizeof(k.role), "%s", vg_role_name(role));
	vg_secret_new(secret);
	vg_secret_hash(secret, k.secret_hash);
	k.created_at = (int64_t)time(NULL);
	if ((s = admin_open(o.db)) == NULL)
		goto done;
	if (vg_store_apikey_add(s, &k, &err) != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	(void)snprintf(detail, sizeof(detail), "%s role=%s", k.id, k.role);
	if (!admin_audit(s, "apikey.create", detail))
		goto done;
	fprintf(stderr, _("vigie: API key for role '%s', shown once:\n"),
		k.role);
	printf("%s:%s\n", k.id, secret);
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	sodium_memzero(secret, sizeof(secret));
	vg_store_free(s);
	return status;
}

/* A command with verbs: `vigie WORD VERB ...`. */
struct admin_verb {
	const char *verb;
	const struct admin_cmd *cmd;
	int (*run)(int argc, char **argv);
};

static int
dispatch(const char *word, const struct admin_verb *verbs, size_t n, int argc,
	 char **argv)
{
	size_t i;

	if (vg_auth_init(NULL) != VG_OK) {
		log_errx(_("cannot initialise libsodium"));
		return VG_EXIT_FAILURE;
	}
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		for (i = 0; i < n; i++)
			vg_usage(stdout, _(verbs[i].cmd->usage),
				 _(verbs[i].cmd->help));
		return VG_EXIT_OK;
	}
	for (i = 0; argc >= 2 && i < n; i++)
		if (strcmp(argv[1], verbs[i].verb) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	if (argc < 2)
		log_errx(_("%s: missing command"), word);
	else
		log_errx(_("%s: unknown command '%s'"), word, argv[1]);
	for (i = 0; i < n; i++)
		vg_usage(stderr, _(verbs[i].cmd->usage), NULL);
	return VG_EXIT_USAGE;
}

int
vg_cmd_user(int argc, char **argv)
{
	static const struct admin_verb verbs[] = {
		{"add", &user_add, cmd_user_add},
	};

	return dispatch("user", verbs, VG_ARRAY_LEN(verbs), argc, argv);
}

int
vg_cmd_token(int argc, char **argv)
{
	static const struct admin_verb verbs[] = {
		{"create", &token_create, cmd_token_create},
	};

	return dispatch("token", verbs, VG_ARRAY_LEN(verbs), argc, argv);
}

int
vg_cmd_apikey(int argc, char **argv)
{
	static const struct admin_verb verbs[] = {
		{"create", &apikey_create, cmd_apikey_create},
	};

	return dispatch("apikey", verbs, VG_ARRAY_LEN(verbs), argc, argv);
}
