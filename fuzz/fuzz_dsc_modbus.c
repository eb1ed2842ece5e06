/*
 * Fuzz target: vg_modbus_stream over one direction, fed in input-chosen
 * chunks (dsc_sink.h), on port 502 and on another port (where only Read
 * Device Identification is accepted first).
 */
#include "util/common.h"

#include "discover/discover.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_stream(vg_modbus_stream, data, size, 502, 40000);
	vg_fuzz_stream(vg_modbus_stream, data, size, 40000, 5020);
	return 0;
}
