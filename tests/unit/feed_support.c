/*
 * Harness shared by the feed parser tests: see feed_support.h.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "feed_support.h"
#include "util/banned.h"

void
feed_on_warn(void *ctx, const char *msg)
{
	/* A pointer to a struct is a pointer to its first member. */
	struct feed_warns *w = ctx;
	int n = snprintf(w->text + w->len, sizeof(w->text) - w->len, "%s\n",
			 msg);

	if (n > 0 && (size_t)n < sizeof(w->text) - w->len)
		w->len += (size_t)n;
	if (w->n++ == 0)
		feed_copy(w->first, sizeof(w->first), msg);
}

void
feed_sink_init(struct vg_feed_sink *sink, void *ctx, struct vg_err *err)
{
	memset(sink, 0, sizeof(*sink));
	sink->warn = feed_on_warn;
	sink->ctx = ctx;
	if (err != NULL)
		vg_err_clear(err);
}

void
feed_check_msg(const char *what, const char *msg, enum vg_rc rc,
	       const struct vg_feed_sink *sink, const struct vg_err *err,
	       const struct feed_warns *w)
{
	if (msg == NULL && sink->n_warnings != 0)
		fail_msg("%s: warned %s", what, w->text);
	if (msg != NULL &&
	    strstr(rc != VG_OK ? err->msg : w->text, msg) == NULL)
		fail_msg("%s: no '%s' in '%s' / '%s'", what, msg, err->msg,
			 w->text);
}

enum vg_rc
feed_count(size_t *n, size_t stop_after)
{
	(*n)++;
	if (stop_after != 0 && *n >= stop_after)
		return VG_ERR_STORE;
	return VG_OK;
}

void
feed_copy(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s != NULL ? s : "");
}

char *
feed_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

char *
feed_slurp(const char *path, size_t *len)
{
	char *p = feed_read_file(path, len);

	assert_non_null(p);
	return p;
}
