/* Pool sizes (util/threads.h). */
#include "util/common.h"

#include <unistd.h>

#include "util/threads.h"
#include "util/banned.h"

unsigned
vg_thread_count(unsigned asked, unsigned max)
{
	long n = asked;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return (unsigned long)n > max ? max : (unsigned)n;
}
