/*
 * Replay driver: runs LLVMFuzzerTestOneInput on every file of the corpus
 * directories (or files) given, so a corpus is a regression test without
 * libFuzzer. Exits non-zero when a path cannot be read.
 */
#include "util/common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *fp;
	uint8_t *data = NULL;
	long n;
	int rc = 1;

	if ((fp = fopen(path, "rb")) == NULL)
		goto done;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		goto done;
	if ((data = malloc((size_t)n + 1)) == NULL)
		goto done;
	if (fread(data, 1, (size_t)n, fp) != (size_t)n)
		goto done;
	(void)LLVMFuzzerTestOneInput(data, (size_t)n);
	rc = 0;
done:
	if (rc != 0)
		fprintf(stderr, "replay: cannot read '%s'\n", path);
	free(data);
	if (fp != NULL)
		fclose(fp);
	return rc;
}

int
main(int argc, char **argv)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	int i, rc = 0, count = 0;
	DIR *d;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: cannot stat '%s'\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc |= replay_file(argv[i]);
			count++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			return 1;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s", argv[i],
				       de->d_name);
			rc |= replay_file(path);
			count++;
		}
		closedir(d);
	}
	printf("replayed %d inputs\n", count);
	return rc;
}
