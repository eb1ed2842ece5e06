/*
 * Fuzz target: vg_login_stream over arbitrary bytes, fed in chunks as
 * the flow table feeds one direction. The first byte picks the ports:
 * client or server side of FTP (21) or Telnet (23).
 */
#include "util/common.h"

#include "dsc_sink.h"
#include "discover/discover.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports[4][2] = {
		{50000, 21},
		{21, 50000},
		{50000, 23},
		{23, 50000},
	};
	unsigned k;

	if (size == 0)
		return 0;
	k = data[0] % 4;
	vg_fuzz_stream(vg_login_stream, data + 1, size - 1, ports[k][0],
		       ports[k][1]);
	return 0;
}
