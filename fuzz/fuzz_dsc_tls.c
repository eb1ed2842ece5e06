/*
 * Fuzz target: vg_tls_stream over arbitrary bytes (TLS records), fed in
 * chunks as the flow table feeds one direction of a connection.
 */
#include "util/common.h"

#include "dsc_sink.h"
#include "discover/discover.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_fuzz_stream(vg_tls_stream, data, size, 40000, 443);
	return 0;
}
