/*
 * Fuzz target: the DICOM Upper Layer stream decoder (vg_dicom_stream),
 * driven as the flow table drives it: chunks, consumed bytes dropped,
 * P-DATA bodies skipped, the per-connection state shared.
 */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_stream(vg_dicom_stream, data, size, 40001, 11112);
	return 0;
}
