/* os-release quoting, hostname, and the collector on a temporary root. */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

/* One os-release line and the ID it must give (NULL: none). */
struct row {
	const char *text;
	const char *id;
	int warnings;
	size_t len; /* 0: strlen(text) */
};

static const struct row rows[] = {
	{"ID=debian\n", "debian", 0, 0},
	{"ID=\"debian\"\n", "debian", 0, 0},
	{"ID='debian'\n", "debian", 0, 0},
	{"ID=\"deb\\\"ian\"\n", "deb\"ian", 0, 0},
	{"ID=\"a\\\\b\\$c\\`d\"\n", "a\\b$c`d", 0, 0},
	{"ID=\"a\\nb\"\n", "a\\nb", 0, 0},     /* \n is no escape in "" */
	{"ID='a\\b'\n", "a\\b", 0, 0},         /* none in '' */
	{"ID=a\\ b\n", "a b", 0, 0},           /* unquoted backslash */
	{"ID=\"deb\"'ian'\n", "debian", 0, 0}, /* concatenation */
	{"ID=\n", "", 0, 0},
	{"ID=\"\"\n", "", 0, 0},
	{"  ID=debian  \r\n", "debian", 0, 0},
	{"ID=\"debian\n", NULL, 1, 0}, /* unterminated */
	{"ID=debian\\\n", NULL, 1, 0}, /* dangling backslash */
	{"ID\n", NULL, 1, 0},
	{"=debian\n", NULL, 1, 0},
	{"1D=debian\n", NULL, 1, 0},
	{"I D=debian\n", NULL, 1, 0},
	{"# ID=debian\n", NULL, 0, 0},
	{"ID=one\nID=two\n", "two", 0, 0}, /* later wins */
	{"ID=\"a\0b\"\n", NULL, 1, 9},     /* NUL byte */
	{"", NULL, 0, 0},
};

static void
test_quoting(void **state)
{
	struct vg_facts f;
	size_t i, len;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_facts_init(&f);
		len = rows[i].len ? rows[i].len : strlen(rows[i].text);
		vg_os_release_parse(&f, "os-release", rows[i].text, len);
		if (rows[i].id == NULL)
			assert_null(f.os.id);
		else
			assert_string_equal(f.os.id, rows[i].id);
		assert_int_equal(f.n_warnings, rows[i].warnings);
		vg_facts_release(&f);
	}
}

static void
test_fields(void **state)
{
	static const char text[] =
		"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
		"NAME=\"Debian GNU/Linux\"\n"
		"VERSION_ID=\"12\"\n"
		"VERSION=\"12 (bookworm)\"\n"
		"VERSION_CODENAME=bookworm\n"
		"ID=debian\n"
		"ID_LIKE=\"rhel centos fedora\"\n"
		"HOME_URL=\"https://www.debian.org/\"\n";
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	vg_os_release_parse(&f, "os-release", text, sizeof(text) - 1);
	assert_string_equal(f.os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(f.os.version_id, "12");
	assert_string_equal(f.os.codename, "bookworm");
	assert_string_equal(f.os.id, "debian");
	assert_string_equal(f.os.id_like, "rhel centos fedora");
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
}

/* A very long value is kept whole, a longer one refused with a warning. */
static void
test_long_line(void **state)
{
	size_t n = VG_MAX_LINE + 100;
	char *text = malloc(n + 16);
	struct vg_facts f;

	(void)state;
	assert_non_null(text);
	memcpy(text, "ID=", 3);
	memset(text + 3, 'x', n);
	vg_facts_init(&f);
	vg_os_release_parse(&f, "os-release", text, n + 3);
	assert_null(f.os.id);
	assert_int_equal(f.n_warnings, 1);
	vg_facts_release(&f);
	free(text);
}

static void
run(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_collect c;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(f);
	memset(&c, 0, sizeof(c));
	c.root = &root;
	c.facts = f;
	assert_int_equal(vg_collect_os(&c), VG_OK);
	vg_root_close(&root);
}

static void
test_collect(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	/* Nothing there: not collected, no host name (not live). */
	run(dir, &f);
	assert_false(f.sources[VG_SRC_OS].collected);
	assert_non_null(f.sources[VG_SRC_OS].reason);
	assert_null(f.os.hostname);
	vg_facts_release(&f);

	/* The /usr/lib fallback, and a commented hostname file. */
	vg_test_write(dir, "usr/lib/os-release",
		      "ID=ubuntu\nVERSION_ID=22.04\n");
	vg_test_write(dir, "etc/hostname",
		      "# set by cloud-init\n\n  pc-042 \n");
	run(dir, &f);
	assert_true(f.sources[VG_SRC_OS].collected);
	assert_string_equal(f.os.id, "ubuntu");
	assert_string_equal(f.os.version_id, "22.04");
	assert_string_equal(f.os.hostname, "pc-042");
	vg_facts_release(&f);

	/* /etc/os-release wins over /usr/lib. */
	vg_test_write(dir, "etc/os-release", "ID=debian\n");
	run(dir, &f);
	assert_string_equal(f.os.id, "debian");
	assert_null(f.os.version_id);
	vg_facts_release(&f);

	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_collect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
