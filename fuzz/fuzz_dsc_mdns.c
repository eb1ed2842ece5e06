/* Fuzz target: vg_mdns_decode on arbitrary mDNS responses and queries. */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_datagram(vg_mdns_decode, VG_PKT_UDP, data, size, 5353, 5353);
	return 0;
}
