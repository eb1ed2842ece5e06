#include "util/common.h"

#include "cli/cli.h"
#include "util/banned.h"

int
vg_cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return VG_EXIT_FAILURE;
}
