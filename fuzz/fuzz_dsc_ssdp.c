/* Fuzz target: the SSDP decoder (vg_ssdp_decode) on one UDP payload. */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_datagram(vg_ssdp_decode, VG_PKT_UDP, data, size, 1900, 1900);
	return 0;
}
