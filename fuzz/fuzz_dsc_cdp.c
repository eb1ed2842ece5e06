/* Fuzz target: vg_cdp_decode on arbitrary CDP packets (after LLC/SNAP). */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_datagram(vg_cdp_decode, VG_PKT_CDP, data, size, 0, 0);
	return 0;
}
