/*
 * vigie vuln update: import the vulnerability feeds into the store, from
 * files (hospitals without internet access) or HTTPS URLs (conditional
 * requests: an unchanged feed is not downloaded again).
 *
 * Each feed is parsed by its vuln/feed.h parser straight into the
 * store's import (store.h vuln_import_*), one transaction per feed: a
 * corrupt file or an interrupted run leaves that feed's previous data in
 * use, and the other feeds are imported all the same.
 */
#include "util/common.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/vuln_cli.h"
#include "cli/vuln_fetch.h"
#include "collect/collectors.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/root.h"
#include "vuln/feed.h"
#include "vuln/osv_zip.h"
#include "util/banned.h"

/*
 * The largest feed read or downloaded, by kind: the tracker's JSON is
 * ~70 MB in 2024 and grows; a debsecan feed ~1 MB compressed; the KEV
 * catalogue ~1.3 MB; EPSS ~10 MB compressed, ~12 MB as CSV.
 */
#define VULN_DEBIAN_MAX (1024u << 20)
#define VULN_DEBSECAN_MAX (64u << 20)
#define VULN_KEV_MAX (64u << 20)
#define VULN_EPSS_MAX (256u << 20)
#define VULN_MAX_BRANCH_FIXES 8192 /* debsecan fixed versions of one row */
/* Parser warnings printed per feed; the others are counted. */
#define VULN_WARN_PRINT 20
/* The import's progress line is redrawn every this many records. */
#define VULN_PROGRESS_EVERY 4096
/* A release codename given with --release: "bullseye", "jammy". */
#define VULN_RELEASE_MAX 32

enum feed_kind {
	F_DEBIAN,
	F_DEBSECAN,
	F_OSV,
	F_KEV,
	F_EPSS,
	F_COUNT
};

/* What each feed option reads. */
static const struct {
	const char *opt; /* its option and, but for debsecan, its source */
	size_t max;      /* the largest file or body */
	bool url_ok;     /* may be a URL */
} feed_defs[F_COUNT] = {
	[F_DEBIAN] = {"debian-json", VULN_DEBIAN_MAX, true},
	[F_DEBSECAN] = {"debsecan", VULN_DEBSECAN_MAX, true},
	[F_OSV] = {"osv", 0, false},
	[F_KEV] = {"kev", VULN_KEV_MAX, true},
	[F_EPSS] = {"epss", VULN_EPSS_MAX, true},
};

static const char update_usage[] =
	N_("vigie vuln update [--debian-json FILE|URL] [--debsecan FILE|URL "
	   "[--release CODENAME]]\n"
	   "                  [--osv DIR|ZIP] [--kev FILE|URL] "
	   "[--epss FILE|URL] [--db FILE]");

static const char update_help[] =
	N_("Import vulnerability feeds into the store, each as a whole: a feed "
	   "that cannot\nbe read or parsed is not imported and its previous "
	   "data stays in use. A URL\nis downloaded over https (the stored "
	   "ETag and Last-Modified make the request\nconditional: an unchanged "
	   "feed is not downloaded again); a FILE is imported\nas it is, for "
	   "hosts without internet access. At least one feed is needed.\n\n"
	   "  --debian-json FILE|URL  the Debian security tracker's JSON\n"
	   "                          "
	   "(https://security-tracker.debian.org/tracker/data/json)\n"
	   "  --debsecan FILE|URL     a debsecan feed (zlib), e.g.\n"
	   "                          https://security-tracker.debian.org/"
	   "tracker/debsecan/release/1/bullseye\n"
	   "  --release CODENAME      the release of the debsecan feed "
	   "(default: the URL's\n"
	   "                          last component, else GENERIC: any "
	   "release)\n"
	   "  --osv DIR|ZIP           OSV records, Debian and Ubuntu (a "
	   "directory or OSV.dev's\n"
	   "                          all.zip)\n"
	   "  --kev FILE|URL          CISA's Known Exploited Vulnerabilities "
	   "catalogue (JSON)\n"
	   "  --epss FILE|URL         FIRST EPSS scores (CSV, gzip or not)\n"
	   "  --db FILE               the store (default: "
	   "/var/lib/vigie/vigie.db as root,\n"
	   "                          else $XDG_DATA_HOME/vigie/vigie.db)\n\n"
	   "Exit status: 0 every feed imported or not modified, 1 a feed "
	   "failed (the\nothers are imported), 2 usage error.\n");
struct update_opts {
	const char *arg[F_COUNT]; /* NULL: not asked for */
	const char *release;      /* --release */
	const char *db;
};

/* The state of one feed's import, for the parser's callbacks. */
struct imp {
	struct vg_store *s;
	const char *source;
	size_t records;
	size_t printed;    /* warnings seen (the first few printed) */
	struct vg_err err; /* the store's error, which stops the parse */
	bool progress;     /* stderr is a terminal */
	bool drawn;        /* the progress line is on it */
};

static long long
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Erase the progress line before anything else is written. */
static void
clear_progress(struct imp *m)
{
	if (m->drawn) {
		fputs("\r\033[K", stderr);
		m->drawn = false;
	}
}

/* A record stored: counted, and shown every so often. */
static enum vg_rc
stored(struct imp *m, enum vg_rc rc)
{
	if (rc != VG_OK)
		return rc;
	m->records++;
	if (m->progress && m->records % VULN_PROGRESS_EVERY == 0) {
		fprintf(stderr, _("\r%s: %zu records\033[K"), m->source,
			m->records);
		(void)fflush(stderr);
		m->drawn = true;
	}
	return VG_OK;
}

static enum vg_rc
on_rec(void *ctx, const struct vg_vuln_rec *r)
{
	struct imp *m = ctx;

	return stored(m, vg_store_vuln_import_rec(m->s, r, &m->err));
}

static enum vg_rc
on_debsecan(void *ctx, const struct vg_vuln_rec *r,
	    const struct vg_debsecan_extra *x)
{
	/* other_versions are fixes on some branch: kept for matching
	 * (vg_vuln_affects), space-separated, capped. */
	char list[VULN_MAX_BRANCH_FIXES];
	struct vg_vuln_rec rec = *r;
	size_t i, off = 0;
	int n;

	list[0] = '\0';
	for (i = 0; x != NULL && i < x->n_other_versions; i++) {
		n = snprintf(list + off, sizeof(list) - off, "%s%s",
			     off ? " " : "", x->other_versions[i]);
		if (n < 0 || (size_t)n >= sizeof(list) - off) {
			list[off] = '\0'; /* whole versions only */
			break;
		}
		off += (size_t)n;
	}
	rec.fixed_on_branches = off > 0 ? list : NULL;
	return on_rec(ctx, &rec);
}

static enum vg_rc
on_kev(void *ctx, const struct vg_kev_rec *r)
{
	struct imp *m = ctx;

	return stored(m, vg_store_vuln_import_kev(m->s, r, &m->err));
}

static enum vg_rc
on_epss(void *ctx, const struct vg_epss_rec *r)
{
	struct imp *m = ctx;

	return stored(m, vg_store_vuln_import_epss(m->s, r, &m->err));
}

/* The parsers' warnings name their place; the first few are shown. */
static void
on_warn(void *ctx, const char *msg)
{
	struct imp *m = ctx;

	if (m->printed++ >= VULN_WARN_PRINT)
		return;
	clear_progress(m);
	log_warnx("%s", msg);
}

/* n with thousands separated: "34,796". */
static void
fmt_count(char *out, size_t size, size_t n)
{
	char digits[32], *p = out;
	size_t len, i;

	len = (size_t)snprintf(digits, sizeof(digits), "%zu", n);
	for (i = 0; i < len && (size_t)(p - out) + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			*p++ = ',';
		*p++ = digits[i];
	}
	*p = '\0';
}

/*
 * The validators stored for source in feeds (an array, vuln_feeds) when
 * it was last read from url, else NULL: another URL's ETag means nothing
 * to this server.
 */
static void
stored_validators(const json_t *feeds, const char *source, const char *url,
		  const char **etag, const char **lm)
{
	const char *src, *loc;
	const json_t *o;
	size_t i;

	*etag = NULL;
	*lm = NULL;
	json_array_foreach(feeds, i, o)
	{
		src = json_string_value(json_object_get(o, "source"));
		loc = json_string_value(json_object_get(o, "location"));
		if (src == NULL || strcmp(src, source) != 0)
			continue;
		if (loc != NULL && strcmp(loc, url) == 0) {
			*etag = json_string_value(json_object_get(o, "etag"));
			*lm = json_string_value(
				json_object_get(o, "last_modified"));
		}
		return;
	}
}

/* debsecan's release: --release, else a URL's last component when it
 * names one (".../release/1/bullseye"), else NULL (GENERIC). */
static const char *
debsecan_release(const char *given, const char *arg)
{
	const char *last = strrchr(arg, '/');
	size_t i;

	if (given != NULL)
		return given;
	if (!vg_fetch_is_url(arg) || last == NULL || last[1] == '\0')
		return NULL;
	last++;
	if (strcmp(last, "GENERIC") == 0 || strlen(last) >= VULN_RELEASE_MAX)
		return NULL;
	for (i = 0; last[i] != '\0'; i++)
		if (last[i] < 'a' || last[i] > 'z')
			return NULL;
	return last;
}

/* Parse the feed held in data into the import m. */
static enum vg_rc
parse_feed(enum feed_kind k, const char *location, const struct vg_buf *data,
	   const char *release, struct vg_feed_sink *sink, struct vg_err *err)
{
	const char *p = data->data != NULL ? data->data : "";
	bool inflated;

	switch (k) {
	case F_DEBIAN:
		return vg_feed_debian_json(p, data->len, location, sink, err);
	case F_DEBSECAN:
		/* As served it is zlib; a copy inflated by hand (zlib-flate)
		 * starts with its header. */
		inflated = data->len >= 9 && memcmp(p, "VERSION 1", 9) == 0;
		return vg_feed_debsecan(p, data->len, inflated, release,
					location, sink, err);
	case F_OSV:
		return vg_osv_dump(location, sink, err);
	case F_KEV:
		return vg_feed_kev(p, data->len, location, sink, err);
	case F_EPSS:
		return vg_feed_epss(p, data->len, location, sink, err);
	case F_COUNT:
		break;
	}
	return vg_err_set(err, VG_ERR_USAGE, "bad feed kind");
}

/* EPSS is served gzipped (epss_scores-current.csv.gz): inflate it. */
static bool
gunzip_if_needed(const char *source, struct vg_buf *data)
{
	struct vg_buf out;
	struct vg_err err;

	if (data->len < 2 || (unsigned char)data->data[0] != 0x1f ||
	    (unsigned char)data->data[1] != 0x8b)
		return true;
	vg_err_clear(&err);
	vg_buf_init(&out, VULN_EPSS_MAX);
	if (vg_decompress("epss.csv.gz", data->data, data->len, &out, &err) !=
	    VG_OK) {
		log_errx(_("%s: %s; previous data kept"), source, err.msg);
		vg_buf_release(&out);
		return false;
	}
	vg_buf_release(data);
	*data = out;
	return true;
}

/*
 * Fetch or read one feed, then import it. feeds: the stored states
 * (validators). True when imported or not modified.
 */
static bool
update_feed(struct vg_store *s, enum feed_kind k, const char *arg,
	    const char *release, const json_t *feeds)
{
	const char *source = feed_defs[k].opt, *etag, *lm;
	struct vg_vuln_feed_meta meta;
	struct vg_feed_sink sink;
	struct vg_fetch_req rq;
	struct vg_fetch_res res;
	struct vg_buf data;
	struct vg_err err;
	struct imp m;
	char src[80], count[40];
	bool url = vg_fetch_is_url(arg), ok = false;
	long long t0;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&res, 0, sizeof(res));
	if (k == F_DEBSECAN) {
		(void)snprintf(src, sizeof(src), "debsecan-%s",
			       release != NULL ? release : "generic");
		source = src;
	}
	vg_buf_init(&data, feed_defs[k].max);
	if (url) {
		stored_validators(feeds, source, arg, &etag, &lm);
		memset(&rq, 0, sizeof(rq));
		rq.url = arg;
		rq.label = source;
		rq.etag = etag;
		rq.last_modified = lm;
		rq.progress = isatty(STDERR_FILENO) == 1;
		if (vg_fetch(&rq, &data, &res, &err) != VG_OK) {
			log_errx(_("%s: %s; previous data kept"), source,
				 err.msg);
			goto done;
		}
		if (res.not_modified) {
			printf(_("%s: not modified\n"), source);
			ok = true;
			goto done;
		}
	}
	t0 = now_ns();
	if (!url && k != F_OSV &&
	    vg_file_read(arg, feed_defs[k].max, &data, &err) != VG_OK) {
		if (err.rc == VG_ERR_LIMIT)
			log_errx(_("%s: '%s' is larger than %zu MiB; "
				   "previous data kept"),
				 source, arg, feed_defs[k].max >> 20);
		else
			log_errx(_("%s: %s; previous data kept"), source,
				 err.msg);
		goto done;
	}
	if (k == F_EPSS && !gunzip_if_needed(source, &data))
		goto done;

	memset(&m, 0, sizeof(m));
	m.s = s;
	m.source = source;
	m.progress = isatty(STDERR_FILENO) == 1;
	vg_err_clear(&m.err);
	memset(&sink, 0, sizeof(sink));
	sink.rec = on_rec;
	sink.debsecan = on_debsecan;
	sink.kev = on_kev;
	sink.epss = on_epss;
	sink.warn = on_warn;
	sink.ctx = &m;
	if (vg_store_vuln_import_begin(s, source, &err) != VG_OK) {
		log_errx(_("%s: %s; previous data kept"), source, err.msg);
		goto done;
	}
	rc = parse_feed(k, arg, &data, release, &sink, &err);
	clear_progress(&m);
	if (sink.n_warnings > VULN_WARN_PRINT)
		log_warnx(_("%s: %zu more warnings not shown"), source,
			  sink.n_warnings - VULN_WARN_PRINT);
	if (rc != VG_OK) {
		/* The store's own failure stopped the parse: its message
		 * says more than the parser's. */
		log_errx(_("%s: import failed, previous data kept: %s"), source,
			 m.err.rc != VG_OK ? m.err.msg : err.msg);
		(void)vg_store_vuln_import_end(s, false, NULL, &err);
		goto done;
	}
	memset(&meta, 0, sizeof(meta));
	meta.source = source;
	meta.location = arg;
	meta.etag = res.etag[0] != '\0' ? res.etag : NULL;
	meta.last_modified =
		res.last_modified[0] != '\0' ? res.last_modified : NULL;
	meta.records = m.records;
	meta.warnings = sink.n_warnings;
	if (vg_store_vuln_import_end(s, true, &meta, &err) != VG_OK) {
		log_errx(_("%s: import failed, previous data kept: %s"), source,
			 err.msg);
		goto done;
	}
	fmt_count(count, sizeof(count), m.records);
	printf(dngettext("vigie", "%s: %s record", "%s: %s records", m.records),
	       source, count);
	if (sink.n_warnings > 0)
		printf(dngettext("vigie", " (%zu warning)", " (%zu warnings)",
				 sink.n_warnings),
		       sink.n_warnings);
	printf(_(" in %.2f s\n"), (double)(now_ns() - t0) / 1e9);
	ok = true;
done:
	(void)fflush(stdout);
	vg_buf_release(&data);
	return ok;
}

static int
update_usage_error(void)
{
	vg_usage(stderr, _(update_usage), NULL);
	return VG_EXIT_USAGE;
}

/* A codename: lower-case letters and digits, as os-release has it. */
static bool
release_ok(const char *r)
{
	size_t i, n = strlen(r);

	if (n == 0 || n >= VULN_RELEASE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') ||
		      (r[i] >= '0' && r[i] <= '9') || r[i] == '-'))
			return false;
	return true;
}

/* argv for update; -1 to go on, else the exit status. */
static int
update_parse(int argc, char **argv, struct update_opts *o)
{
	static const struct option longopts[] = {
		{"debian-json", required_argument, NULL, 'j'},
		{"debsecan", required_argument, NULL, 's'},
		{"osv", required_argument, NULL, 'o'},
		{"kev", required_argument, NULL, 'k'},
		{"epss", required_argument, NULL, 'e'},
		{"release", required_argument, NULL, 'r'},
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char letters[F_COUNT] = {
		[F_DEBIAN] = 'j', [F_DEBSECAN] = 's', [F_OSV] = 'o',
		[F_KEV] = 'k',    [F_EPSS] = 'e',
	};
	bool any = false;
	int ch, k;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			vg_usage(stdout, _(update_usage), _(update_help));
			return VG_EXIT_OK;
		case ':':
			log_errx(_("%s: option '%s' needs a value"),
				 "vuln update", argv[optind - 1]);
			return update_usage_error();
		case 'd':
			o->db = optarg;
			continue;
		case 'r':
			if (!release_ok(optarg)) {
				log_errx(_("%s: bad release codename '%s'"),
					 "vuln update", optarg);
				return update_usage_error();
			}
			o->release = optarg;
			continue;
		default:
			break;
		}
		for (k = 0; k < F_COUNT && letters[k] != ch; k++)
			;
		if (k == F_COUNT) {
			log_errx(_("%s: unknown option '%s'"), "vuln update",
				 argv[optind - 1]);
			return update_usage_error();
		}
		/* One of each: a second would replace the first's data. */
		if (o->arg[k] != NULL) {
			log_errx(_("%s: --%s given twice"), "vuln update",
				 feed_defs[k].opt);
			return update_usage_error();
		}
		if (!feed_defs[k].url_ok && vg_fetch_is_url(optarg)) {
			log_errx(_("%s: --%s takes a directory or a zip "
				   "file, not a URL"),
				 "vuln update", feed_defs[k].opt);
			return update_usage_error();
		}
		o->arg[k] = optarg;
		any = true;
	}
	if (optind < argc) {
		log_errx(_("%s: too many operands"), "vuln update");
		return update_usage_error();
	}
	if (!any) {
		log_errx(_("%s: no feed given"), "vuln update");
		return update_usage_error();
	}
	if (o->release != NULL && o->arg[F_DEBSECAN] == NULL) {
		log_errx(_("%s: --release goes with --debsecan"),
			 "vuln update");
		return update_usage_error();
	}
	if (o->db == NULL)
		o->db = vg_default_db();
	return -1;
}

int
vg_vuln_update(int argc, char **argv)
{
	struct update_opts o;
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *feeds = NULL;
	bool curl = false, all = true;
	int status, k;

	if ((status = update_parse(argc, argv, &o)) >= 0)
		return status;
	vg_err_clear(&err);
	status = VG_EXIT_FAILURE;
	for (k = 0; k < F_COUNT; k++)
		if (o.arg[k] != NULL && vg_fetch_is_url(o.arg[k]))
			curl = true;
	if (curl && vg_fetch_global_init(&err) != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_FAILURE;
	}
	if (!vg_prepare_db_dir(o.db))
		goto done;
	if (vg_store_open_sqlite(&s, o.db, &err) != VG_OK ||
	    vg_store_vuln_feeds(s, &feeds, &err) != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	/* Each feed on its own: one that fails leaves the others. */
	for (k = 0; k < F_COUNT; k++)
		if (o.arg[k] != NULL &&
		    !update_feed(s, (enum feed_kind)k, o.arg[k],
				 k == F_DEBSECAN
					 ? debsecan_release(o.release, o.arg[k])
					 : NULL,
				 feeds))
			all = false;
	status = all ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	json_decref(feeds);
	vg_store_free(s);
	if (curl)
		vg_fetch_global_cleanup();
	return status;
}
