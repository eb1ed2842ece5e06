/* Fuzz target: vg_lldp_decode on arbitrary LLDPDUs. */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile unsigned sum = 0;
	struct vg_obs_sink sink = {vg_fuzz_touch, (void *)&sum};
	struct vg_packet pkt;

	vg_fuzz_packet(&pkt, VG_PKT_LLDP, data, size, 0, 0);
	(void)vg_lldp_decode(&pkt, &sink);
	return 0;
}
