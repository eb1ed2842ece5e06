#include "util/common.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/text.h"
#include "util/banned.h"

void
vg_lines_init(struct vg_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = 0;
}

bool
vg_lines_next(struct vg_lines *it, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	*line = it->p;
	*len = n;
	if (n > 0 && it->p[n - 1] == '\r')
		(*len)--;
	it->p += n + (nl ? 1 : 0);
	it->lineno++;
	return true;
}

void
vg_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 &&
	       ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
		(*s)[*n - 1] == '\r'))
		(*n)--;
}

bool
vg_streqn(const char *a, const char *b, size_t n)
{
	return strlen(a) == n && memcmp(a, b, n) == 0;
}

bool
vg_strcaseeqn(const char *a, const char *b, size_t n)
{
	return strlen(a) == n && strncasecmp(a, b, n) == 0;
}

bool
vg_has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

enum vg_rc
vg_parse_int(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, limit;

	if (n > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n)
		return VG_ERR_PARSE;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return VG_ERR_PARSE;
		if (v > (limit - (uint64_t)(s[i] - '0')) / 10)
			return VG_ERR_LIMIT;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg) {
		int64_t r =
			v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		if (r < min || r > max)
			return VG_ERR_LIMIT;
		*out = r;
	} else {
		if ((int64_t)v < min || (int64_t)v > max)
			return VG_ERR_LIMIT;
		*out = (int64_t)v;
	}
	return VG_OK;
}

enum vg_rc
vg_parse_intz(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return vg_parse_int(s, strlen(s), min, max, out);
}

enum vg_rc
vg_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return VG_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return VG_OK;
		}
	}
	return VG_ERR_PARSE;
}

size_t
vg_format_int(int64_t v, char out[VG_INT_TEXT_MAX])
{
	/* The magnitude as unsigned: -INT64_MIN does not fit an int64_t. */
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char digits[VG_INT_TEXT_MAX];
	size_t n = 0, len = 0;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		out[len++] = '-';
	while (n > 0)
		out[len++] = digits[--n];
	return len;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

enum vg_rc
vg_parse_date(const char *s, int64_t *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int64_t y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return VG_ERR_PARSE;
	if (vg_parse_int(s, 4, 1970, 9999, &y) != VG_OK ||
	    vg_parse_int(s + 5, 2, 1, 12, &m) != VG_OK ||
	    vg_parse_int(s + 8, 2, 1, 31, &d) != VG_OK)
		return VG_ERR_PARSE;
	if (d > mdays[m - 1])
		return VG_ERR_PARSE;
	*out = days_from_civil(y, m, d) * 86400;
	return VG_OK;
}

void
vg_format_time(int64_t t, char out[21])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
}

enum vg_rc
vg_parse_duration(const char *s, int64_t max, int64_t *out)
{
	static const struct {
		char unit;
		int64_t mult;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	size_t n = strlen(s), i;
	int64_t v, mult = 1;

	*out = 0;
	if (n > 0 && !(s[n - 1] >= '0' && s[n - 1] <= '9')) {
		for (i = 0; i < VG_ARRAY_LEN(units); i++)
			if (s[n - 1] == units[i].unit)
				break;
		if (i == VG_ARRAY_LEN(units))
			return VG_ERR_PARSE;
		mult = units[i].mult;
		n--;
	}
	if (n == 0 || s[0] == '-' ||
	    vg_parse_int(s, n, 0, INT64_MAX, &v) != VG_OK)
		return VG_ERR_PARSE;
	/* Compared before multiplying: no overflow. */
	if (v > max / mult)
		return VG_ERR_LIMIT;
	*out = v * mult;
	return VG_OK;
}

int
vg_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
