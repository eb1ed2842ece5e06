/* Fuzz target: vg_lldp_decode on arbitrary LLDPDUs. */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_datagram(vg_lldp_decode, VG_PKT_LLDP, data, size, 0, 0);
	return 0;
}
