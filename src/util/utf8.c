/* UTF-8 validation: see utf8.h. */
#include "util/common.h"

#include "util/utf8.h"
#include "util/banned.h"

size_t
vg_utf8_seq(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t len, i;

	if (u[0] < 0x80)
		return 1;
	/* The lead byte gives the length; 0x80-0xc1 and 0xf5-0xff never
	 * start a sequence (continuations, overlong 2-byte, past 0x10ffff). */
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2, cp = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3, cp = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4, cp = u[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

bool
vg_utf8_valid(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k)
		if ((k = vg_utf8_seq(s + i, n - i)) == 0)
			return false;
	return true;
}

bool
vg_utf8_printable(const char *s, size_t n)
{
	size_t i;

	if (!vg_utf8_valid(s, n))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}
