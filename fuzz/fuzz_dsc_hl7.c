/*
 * Fuzz target: vg_hl7_stream over one direction of a connection, fed in
 * input-chosen chunks the way the flow table feeds it (dsc_sink.h).
 */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_stream(vg_hl7_stream, data, size, 40000, 2575);
	return 0;
}
