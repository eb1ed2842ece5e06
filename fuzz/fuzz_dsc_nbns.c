/* Fuzz target: the NetBIOS name service decoder (vg_nbns_decode) on one UDP
 * payload. */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_datagram(vg_nbns_decode, VG_PKT_UDP, data, size, 137, 137);
	return 0;
}
