/*
 * Fuzz target: vg_lastlog_parse on arbitrary bytes, over a few accounts
 * (small and huge uids, a 32-byte name) so records are matched.
 */
#include "util/common.h"

#include "collect/collectors.h"
#include "util/banned.h"

static const struct {
	const char *name;
	int64_t uid;
} accounts[] = {
	{"root", 0},  {"daemon", 1},
	{"alice", 2}, {"bob", 3},
	{"u", 1000},  {"abcdefghijklmnopqrstuvwxyz012345", 4294967295},
	{"neg", -1},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_account *a;
	struct vg_facts f;
	size_t i;

	vg_facts_init(&f);
	for (i = 0; i < VG_ARRAY_LEN(accounts); i++) {
		if ((a = vg_facts_add_account(&f)) == NULL)
			goto done;
		a->name = vg_facts_str(&f, accounts[i].name);
		a->uid = accounts[i].uid;
	}
	(void)vg_lastlog_parse(&f, "lastlog", data, size);
done:
	vg_facts_release(&f);
	return 0;
}
