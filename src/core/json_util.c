/* JSON helpers shared by core/: see json_util.h. */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "core/json_util.h"
#include "util/utf8.h"
#include "util/banned.h"

#define UTF8_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, 3 bytes */

json_t *
vg_json_str(const char *s)
{
	size_t n = strlen(s), i, k, o = 0;
	json_t *j;
	char *t;

	if (vg_utf8_valid(s, n))
		return json_stringn_nocheck(s, n);
	/* Each byte grows to at most 3. */
	if (n > (SIZE_MAX - 1) / 3 || (t = malloc(n * 3 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i += k) {
		if ((k = vg_utf8_seq(s + i, n - i)) == 0) {
			memcpy(t + o, UTF8_REPLACEMENT, 3);
			o += 3;
			k = 1;
			continue;
		}
		memcpy(t + o, s + i, k);
		o += k;
	}
	j = json_stringn_nocheck(t, o);
	free(t);
	return j;
}

int
vg_json_depth(const json_t *v, int limit)
{
	const json_t *x;
	const char *k;
	size_t i;
	int d, best = 0;

	if (limit <= 0)
		return 1;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
		{
			if ((d = vg_json_depth(x, limit - 1)) > best)
				best = d;
			if (best >= limit)
				break;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if ((d = vg_json_depth(x, limit - 1)) > best)
				best = d;
			if (best >= limit)
				break;
		}
	}
	return best + 1;
}
