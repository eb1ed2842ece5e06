/*
 * Helpers shared by every feed parser (feed_*.c): the capped warning
 * channel of struct vg_feed_sink, CVE ids, locale-free decimals.
 */
#include "util/common.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vuln/feed.h"

#include "util/banned.h"

/* A warning names a location and a short excerpt: one line is plenty. */
#define FEED_WARN_MAX 1024

void
vg_feed_warn(struct vg_feed_sink *sink, const char *fmt, ...)
{
	char msg[FEED_WARN_MAX];
	va_list ap;

	if (sink == NULL)
		return;
	/* Always counted, so the caller can report how many were dropped;
	 * formatted only while under the cap (a hostile feed could
	 * otherwise make millions of them). */
	sink->n_warnings++;
	if (sink->warn == NULL || sink->n_warnings > VG_FEED_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink->warn(sink->ctx, msg);
}

bool
vg_feed_is_cve(const char *s)
{
	size_t i, n;

	if (strncmp(s, "CVE-", 4) != 0)
		return false;
	for (i = 4; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (s[8] != '-')
		return false;
	for (n = 0; s[9 + n] >= '0' && s[9 + n] <= '9'; n++)
		;
	return n >= 4 && n <= 19 && s[9 + n] == '\0';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
vg_feed_parse_decimal(const char *s, const struct vg_feed_decimal *fmt,
		      double *out)
{
	size_t max_int = fmt->max_int != 0 ? fmt->max_int : SIZE_MAX;
	size_t max_all = fmt->max_digits != 0 ? fmt->max_digits : SIZE_MAX;
	size_t i = 0, digits = 0, exd = 0;
	double v = 0, scale = 1;
	int64_t ex = 0;
	bool neg = false;

	/* Digit limits stop the loops early: the rest then fails the
	 * end-of-string test below. */
	for (; is_digit(s[i]) && digits < max_int; i++, digits++)
		v = v * 10 + (s[i] - '0');
	if (s[i] == '.')
		for (i++; is_digit(s[i]) && digits < max_all; i++, digits++) {
			scale /= 10;
			v += (s[i] - '0') * scale;
		}
	if (digits == 0)
		return false;
	if (fmt->exponent && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (s[i] == '-' || s[i] == '+')
			neg = s[i++] == '-';
		/* Three digits reach past any double: enough. */
		for (; is_digit(s[i]) && exd < 3; i++, exd++)
			ex = ex * 10 + (s[i] - '0');
		if (exd == 0)
			return false;
		/* Scaling stops once past 10: no overflow, no long loop. */
		for (; ex > 0 && v != 0 && v <= 10; ex--)
			v = neg ? v / 10 : v * 10;
	}
	if (s[i] != '\0' || !(v >= 0 && v <= fmt->max))
		return false;
	*out = v;
	return true;
}
