/*
 * Declared assets: the normalisers, the declarations file (every
 * refusal, word for word), and the import into a temporary SQLite store
 * (counts, upsert, all or nothing) and into the memory store.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "store/store.h"
#include "util/buf.h"

/* Refusals and warnings, one a line: "R msg" or "W msg". */
static void
collect(void *ctx, bool refused, const char *msg)
{
	struct vg_buf *b = ctx;

	assert_int_equal(vg_buf_printf(b, "%c %s\n", refused ? 'R' : 'W', msg),
			 VG_OK);
}

static enum vg_rc
parse(const char *text, struct vg_asset_set *set, struct vg_buf *notes,
      struct vg_err *err)
{
	vg_asset_set_init(set);
	vg_err_clear(err);
	return vg_assets_parse_csv("t.csv", text, strlen(text), set, collect,
				   notes, err);
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
test_norm_mac(void **state)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} rows[] = {
		{"aa:bb:cc:dd:ee:f0", "aa:bb:cc:dd:ee:f0"},
		{"AA:BB:CC:DD:EE:F0", "aa:bb:cc:dd:ee:f0"},
		{"00-1A-2b-3C-4d-5E", "00:1a:2b:3c:4d:5e"},
		{"001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e"},
		{"001A2B3C4D5E", "00:1a:2b:3c:4d:5e"},
		{"zz", NULL},
		{"", NULL},
		{"00:1a:2b:3c:4d", NULL},
		{"00:1a:2b:3c:4d:5e:6f", NULL},
		{"00:1a-2b:3c:4d:5e", NULL}, /* mixed separators */
		{"001a:2b3c:4d5e", NULL},    /* ':' every 4 */
		{"00:1a:2b:3c:4d:5g", NULL}, /* not hex */
		{"0:1a:2b:3c:4d:5e0", NULL}, /* groups misplaced */
		{"001a.2b3c-4d5e", NULL},
		{"00 1a 2b 3c 4d 5e", NULL},
		{"01:00:5e:00:00:01", NULL}, /* multicast */
		{"ff:ff:ff:ff:ff:ff", NULL}, /* broadcast */
		{"00:00:00:00:00:00", NULL}, /* zero */
		{"+0:1a:2b:3c:4d:5e", NULL},
	};
	char out[VG_ASSET_MAC_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		bool ok =
			vg_asset_norm_mac(rows[i].in, strlen(rows[i].in), out);

		if (ok != (rows[i].want != NULL))
			fail_msg("'%s': %s", rows[i].in,
				 ok ? "accepted" : "refused");
		if (ok)
			assert_string_equal(out, rows[i].want);
	}
}

static void
test_norm_ip(void **state)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{"10.1.2.3", "10.1.2.3"},
		{"192.168.001.002", NULL},
		{"FE80::0:1", "fe80::1"},
		{"2001:db8:0:0:0:0:0:1", "2001:db8::1"},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
		{"10.1.2", NULL},
		{"10.1.2.256", NULL},
		{"host.example", NULL},
		{"10.1.2.3/24", NULL},
		{"", NULL},
		{"fe80::1%eth0", NULL},
		{"1111:2222:3333:4444:5555:6666:7777:8888:9999", NULL},
	};
	char out[VG_ASSET_IP_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		bool ok = vg_asset_norm_ip(rows[i].in, strlen(rows[i].in), out);

		if (ok != (rows[i].want != NULL))
			fail_msg("'%s': %s", rows[i].in,
				 ok ? "accepted" : "refused");
		if (ok)
			assert_string_equal(out, rows[i].want);
	}
}

static void
test_norm_category(void **state)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{"biomedical", "biomedical"},
		{"Biomédical", "biomedical"},
		{"BIOMÉDICAL", "biomedical"},
		{"GTB", "building-management"},
		{"gestion technique", "building-management"},
		{"gestion_technique", "building-management"},
		{"building-management", "building-management"},
		{"Imprimante", "printer"},
		{"printer", "printer"},
		{"IoT", "iot"},
		{"objet-connecté", "iot"},
		{"Objet connecte", "iot"},
		{"RÉSEAU", "network"},
		{"reseau", "network"},
		{"poste de travail", "workstation"},
		{"Poste", "workstation"},
		{"serveur", "server"},
		{"Server", "server"},
		{"scanner", NULL},
		{"", NULL},
		{"biomedicalbiomedicalbiomedicalbiomedicalbiomedicalbiomedical"
		 "biomedical",
		 NULL},
	};
	const char *out;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		bool ok = vg_asset_norm_category(rows[i].in, strlen(rows[i].in),
						 &out);

		if (ok != (rows[i].want != NULL))
			fail_msg("'%s': %s", rows[i].in,
				 ok ? "accepted" : "refused");
		if (ok)
			assert_string_equal(out, rows[i].want);
	}
}

#define HDR "name,mac,ip,category,owner,site,criticality\n"

/* Each bad line, under the English header, and its refusals exactly. */
static void
test_refusals(void **state)
{
	static const struct {
		const char *line, *want;
	} rows[] = {
		{"pump,zz,,,,,\n",
		 "R t.csv:2: column 'mac': invalid MAC address 'zz'\n"},
		{"pump,,10.0.0.300,,,,\n",
		 "R t.csv:2: column 'ip': invalid IP address '10.0.0.300'\n"},
		{"pump,,,,,,\n",
		 "R t.csv:2: no MAC or IP address: one of 'mac' and 'ip' is "
		 "needed\n"},
		{",00:11:22:33:44:55,,,,,\n",
		 "R t.csv:2: column 'name': missing\n"},
		{"  ,00:11:22:33:44:55,,,,,\n",
		 "R t.csv:2: column 'name': missing\n"},
		{"pump,,10.0.0.1,scanner,,,\n",
		 "R t.csv:2: column 'category': unknown category 'scanner' "
		 "(biomedical, building-management, printer, iot, network, "
		 "workstation, server)\n"},
		{"pump,,10.0.0.1,,,,5\n",
		 "R t.csv:2: column 'criticality': '5' is not 1, 2, 3 or 4\n"},
		{"pump,,10.0.0.1,,,,0\n",
		 "R t.csv:2: column 'criticality': '0' is not 1, 2, 3 or 4\n"},
		{"pump,,10.0.0.1,,,,high\n",
		 "R t.csv:2: column 'criticality': 'high' is not 1, 2, 3 or "
		 "4\n"},
		{"pump,,10.0.0.1,,,,-1\n",
		 "R t.csv:2: column 'criticality': '-1' is not 1, 2, 3 or 4\n"},
		{"pump,,10.0.0.1,,\"a\tb\",,\n",
		 "R t.csv:2: column 'owner': control character in the value\n"},
		{"\"pu\nmp\",,10.0.0.1,,,,\n",
		 "R t.csv:2: column 'name': control character in the value\n"},
		{"pump,,10.0.0.1,,\xe9quipe,,\n",
		 "R t.csv:2: column 'owner': not UTF-8 text (save the file as "
		 "\"CSV UTF-8\")\n"},
		{"pump,,10.0.0.1,,,,,extra\n",
		 "R t.csv:2: 8 fields, the header names 7\n"},
		{"\"pump\"x,,10.0.0.1,,,,\n",
		 "R t.csv:2: text after a closing quote\n"},
		{"pump,,10.0.0.1,,,\"site\n",
		 "R t.csv:2: quoted field not closed at the end of the file\n"},
		/* Every fault of a line is reported, the line counted once. */
		{"pump,zz,1.2.3,toaster,,,9\n",
		 "R t.csv:2: column 'mac': invalid MAC address 'zz'\n"
		 "R t.csv:2: column 'ip': invalid IP address '1.2.3'\n"
		 "R t.csv:2: column 'category': unknown category 'toaster' "
		 "(biomedical, building-management, printer, iot, network, "
		 "workstation, server)\n"
		 "R t.csv:2: column 'criticality': '9' is not 1, 2, 3 or 4\n"},
	};
	struct vg_asset_set set;
	struct vg_buf notes, text;
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_buf_init(&notes, 1 << 16);
		vg_buf_init(&text, 1 << 16);
		/* A good line after the bad one: still read. */
		assert_int_equal(vg_buf_printf(&text,
					       HDR "%sok,,10.9.9.9,,,,\n",
					       rows[i].line),
				 VG_OK);
		assert_int_equal(parse(text.data, &set, &notes, &err), VG_OK);
		if (strcmp(vg_buf_str(&notes), rows[i].want) != 0)
			fail_msg("row %zu: got\n%s\nwant\n%s", i,
				 vg_buf_str(&notes), rows[i].want);
		assert_int_equal(set.n_refused, 1);
		/* The unterminated quote swallows the rest of the file. */
		if (strstr(rows[i].want, "not closed") == NULL) {
			assert_int_equal(set.n, 1);
			assert_string_equal(set.v[0].name, "ok");
		}
		vg_asset_set_release(&set);
		vg_buf_release(&notes);
		vg_buf_release(&text);
	}
}

/* A value too long, and a long bad value quoted back cut short. */
static void
test_long_values(void **state)
{
	struct vg_asset_set set;
	struct vg_buf notes, text;
	struct vg_err err;
	char name[VG_ASSET_TEXT_MAX + 2];

	(void)state;
	vg_buf_init(&notes, 1 << 16);
	vg_buf_init(&text, 1 << 20);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(vg_buf_printf(&text, HDR "%s,,10.0.0.1,,,,\n", name),
			 VG_OK);
	/* At the cap: accepted. */
	assert_int_equal(vg_buf_printf(&text, "%.*s,,10.0.0.2,,,,\n",
				       VG_ASSET_TEXT_MAX, name),
			 VG_OK);
	assert_int_equal(vg_buf_printf(&text, "m,,%0100d,,,,\n", 7), VG_OK);
	assert_int_equal(parse(text.data, &set, &notes, &err), VG_OK);
	assert_int_equal(set.n, 1);
	assert_int_equal(strlen(set.v[0].name), VG_ASSET_TEXT_MAX);
	assert_int_equal(set.n_refused, 2);
	assert_non_null(strstr(vg_buf_str(&notes),
			       "R t.csv:2: column 'name': value longer than "
			       "127 bytes\n"));
	/* 64 bytes of the value, no more. */
	assert_non_null(strstr(vg_buf_str(&notes),
			       "R t.csv:4: column 'ip': invalid IP address "
			       "'0000000000000000000000000000000000000000000000"
			       "000000000000000000'\n"));
	vg_asset_set_release(&set);
	vg_buf_release(&notes);
	vg_buf_release(&text);
}

/* Files that cannot be read at all. */
static void
test_file_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} rows[] = {
		{"", "t.csv: empty file: the first line must name the columns"},
		{"\n\n", "t.csv: empty file"},
		{"mac,ip\n00:11:22:33:44:55,\n",
		 "t.csv:1: no 'name' (or 'nom') column in the header"},
		{"name,site\npump,A\n",
		 "t.csv:1: no 'mac' or 'ip' column in the header: each asset "
		 "needs one"},
		{"name,nom,ip\n", "t.csv:1: column 'name' appears twice"},
		{"\n\nName,IP,Adresse IP\n",
		 "t.csv:3: column 'ip' appears twice"},
		{"name,\"ip\n", "t.csv:1: header: quoted field not closed"},
		{"na\0me,ip\n", "t.csv:1: header: NUL byte"},
	};
	struct vg_asset_set set;
	struct vg_buf notes;
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		size_t len = i == 7 ? 9 : strlen(rows[i].text);

		vg_buf_init(&notes, 1 << 16);
		vg_asset_set_init(&set);
		vg_err_clear(&err);
		assert_int_equal(vg_assets_parse_csv("t.csv", rows[i].text, len,
						     &set, collect, &notes,
						     &err),
				 VG_ERR_PARSE);
		if (strstr(err.msg, rows[i].want) == NULL)
			fail_msg("row %zu: '%s' lacks '%s'", i, err.msg,
				 rows[i].want);
		assert_int_equal(set.n, 0);
		assert_null(set.v);
		vg_asset_set_release(&set);
		vg_buf_release(&notes);
	}
}

/* French names, ';', BOM, CRLF, accents, unknown columns, blank rows,
 * quoted fields: normalised declarations, sorted by name. */
static void
test_french_file(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf"
		"Nom;Adresse MAC;Adresse_IP;Catégorie;Propriétaire;Site;"
		"CRITICITÉ;Commentaire\r\n"
		"Pompe 12;001A.2B3C.4D5E;;Biomédical;\"Service \"\"Réa\"\"\";"
		"Hôpital Nord;4;à vérifier\r\n"
		";;;;;;;\r\n"
		"\r\n"
		"\"Automate; GTB\";00-1A-2B-3C-4D-5F;10.1.2.3;GTB;;;;\r\n"
		"  Imprimante 3e  ;;FE80::0:1;imprimante;  ;Site \"B\";2;\r\n";
	struct vg_asset_set set;
	struct vg_buf notes;
	struct vg_err err;

	(void)state;
	vg_buf_init(&notes, 1 << 16);
	assert_int_equal(parse(text, &set, &notes, &err), VG_OK);
	assert_string_equal(vg_buf_str(&notes),
			    "W t.csv:1: unknown column 'Commentaire' "
			    "ignored\n");
	assert_int_equal(set.n_refused, 0);
	assert_int_equal(set.n_warnings, 1);
	assert_int_equal(set.n, 3);
	/* By name (bytes): "Automate", "Imprimante", "Pompe". */
	assert_string_equal(set.v[0].name, "Automate; GTB");
	assert_string_equal(set.v[0].mac, "00:1a:2b:3c:4d:5f");
	assert_string_equal(set.v[0].ip, "10.1.2.3");
	assert_string_equal(set.v[0].category, "building-management");
	assert_null(set.v[0].owner);
	assert_int_equal(set.v[0].criticality, 0);
	assert_int_equal(set.line[0], 5);
	assert_string_equal(set.v[1].name, "Imprimante 3e");
	assert_null(set.v[1].mac);
	assert_string_equal(set.v[1].ip, "fe80::1");
	assert_string_equal(set.v[1].category, "printer");
	assert_null(set.v[1].owner);
	assert_string_equal(set.v[1].site, "Site \"B\"");
	assert_int_equal(set.v[1].criticality, 2);
	assert_string_equal(set.v[2].name, "Pompe 12");
	assert_string_equal(set.v[2].mac, "00:1a:2b:3c:4d:5e");
	assert_null(set.v[2].ip);
	assert_string_equal(set.v[2].category, "biomedical");
	assert_string_equal(set.v[2].owner, "Service \"Réa\"");
	assert_string_equal(set.v[2].site, "Hôpital Nord");
	assert_int_equal(set.v[2].criticality, 4);
	assert_int_equal(set.line[2], 2);
	vg_asset_set_release(&set);
	vg_buf_release(&notes);
}

/* A name twice in a file: the later line wins, with a warning. */
static void
test_duplicates(void **state)
{
	static const char text[] = "name,ip\n"
				   "b,10.0.0.1\n"
				   "a,10.0.0.2\n"
				   "b,10.0.0.3\n"
				   "b,10.0.0.4\n";
	struct vg_asset_set set;
	struct vg_buf notes;
	struct vg_err err;

	(void)state;
	vg_buf_init(&notes, 1 << 16);
	assert_int_equal(parse(text, &set, &notes, &err), VG_OK);
	assert_string_equal(vg_buf_str(&notes),
			    "W t.csv:4: asset 'b' already declared on line 2: "
			    "this line replaces it\n"
			    "W t.csv:5: asset 'b' already declared on line 4: "
			    "this line replaces it\n");
	assert_int_equal(set.n, 2);
	assert_int_equal(set.n_refused, 0);
	assert_string_equal(set.v[0].name, "a");
	assert_string_equal(set.v[1].name, "b");
	assert_string_equal(set.v[1].ip, "10.0.0.4");
	assert_int_equal(set.line[1], 5);
	vg_asset_set_release(&set);
	vg_buf_release(&notes);
}

/* The store contract, as both backends enforce it. */
static void
test_decl_check(void **state)
{
	static const struct vg_declared_asset bad[] = {
		{NULL, "00:11:22:33:44:55", NULL, NULL, NULL, NULL, 0},
		{"", "00:11:22:33:44:55", NULL, NULL, NULL, NULL, 0},
		{"a", NULL, NULL, NULL, NULL, NULL, 0},
		{"a", "", "", NULL, NULL, NULL, 0},
		{"a", "00:11:22:33:44:5G", NULL, NULL, NULL, NULL, 0},
		{"a", "00-11-22-33-44-55", NULL, NULL, NULL, NULL, 0},
		{"a", NULL, "10.0.0.01", NULL, NULL, NULL, 0},
		{"a", NULL, "FE80::1", NULL, NULL, NULL, 0},
		{"a", NULL, "10.0.0.1", "imprimante", NULL, NULL, 0},
		{"a", NULL, "10.0.0.1", NULL, "x\ny", NULL, 0},
		{"a", NULL, "10.0.0.1", NULL, NULL, "\xff", 0},
		{"a", NULL, "10.0.0.1", NULL, NULL, NULL, 5},
		{"a", NULL, "10.0.0.1", NULL, NULL, NULL, -1},
	};
	static const struct vg_declared_asset good = {
		"a", "00:11:22:33:44:55", "fe80::1", "printer", "o", "s", 4};
	struct vg_err err;
	size_t i;

	(void)state;
	assert_int_equal(vg_asset_decl_check(&good, &err), VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(bad); i++)
		if (vg_asset_decl_check(&bad[i], &err) != VG_ERR_USAGE)
			fail_msg("bad declaration %zu accepted", i);
}

struct fx {
	char *dir;
	char path[4096];
	struct vg_store *s;
};

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	assert_non_null(fx);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(fx->path, sizeof(fx->path), "%s/v.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	vg_store_free(fx->s);
	vg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Import text into s; the counts into added/updated. */
static enum vg_rc
import(struct vg_store *s, const char *text, int64_t now, size_t *added,
       size_t *updated, struct vg_err *err)
{
	struct vg_asset_set set;
	struct vg_buf notes;
	enum vg_rc rc;

	vg_buf_init(&notes, 1 << 16);
	assert_int_equal(parse(text, &set, &notes, err), VG_OK);
	rc = vg_store_assets_import(s, set.v, set.n, now, added, updated, err);
	vg_asset_set_release(&set);
	vg_buf_release(&notes);
	return rc;
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Import, list, re-import: counts, values, ids kept, fields replaced. */
static void
check_upsert(struct vg_store *s)
{
	struct vg_err err;
	size_t added, updated;
	json_t *arr, *a;
	int64_t id_pump;

	vg_err_clear(&err);
	assert_int_equal(vg_store_assets_list(s, &arr, &err), VG_OK);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	assert_int_equal(import(s,
				"name,mac,ip,category,owner,site,criticality\n"
				"pump,00-1A-2B-3C-4D-5E,,biomédical,Réa,"
				"Nord,4\n"
				"printer,,10.0.0.9,imprimante,,,\n",
				1000, &added, &updated, &err),
			 VG_OK);
	assert_int_equal(added, 2);
	assert_int_equal(updated, 0);
	assert_int_equal(vg_store_assets_list(s, &arr, &err), VG_OK);
	assert_int_equal(json_array_size(arr), 2);
	a = json_array_get(arr, 1);
	assert_string_equal(str(a, "name"), "pump");
	assert_string_equal(str(a, "mac"), "00:1a:2b:3c:4d:5e");
	assert_true(json_is_null(json_object_get(a, "ip")));
	assert_string_equal(str(a, "category"), "biomedical");
	assert_string_equal(str(a, "owner"), "Réa");
	assert_string_equal(str(a, "site"), "Nord");
	assert_int_equal(json_integer_value(json_object_get(a, "criticality")),
			 4);
	assert_int_equal(json_integer_value(json_object_get(a, "imported_at")),
			 1000);
	id_pump = json_integer_value(json_object_get(a, "id"));
	assert_true(id_pump > 0);
	a = json_array_get(arr, 0);
	assert_string_equal(str(a, "name"), "printer");
	assert_string_equal(str(a, "ip"), "10.0.0.9");
	assert_true(json_is_null(json_object_get(a, "mac")));
	assert_true(json_is_null(json_object_get(a, "owner")));
	assert_true(json_is_null(json_object_get(a, "criticality")));
	json_decref(arr);

	/* Again: pump updated (every field replaced), a new one added. */
	assert_int_equal(import(s,
				"nom;adresse_ip;criticite\n"
				"pump;10.0.0.5;2\n"
				"autoclave;10.0.0.6;\n",
				2000, &added, &updated, &err),
			 VG_OK);
	assert_int_equal(added, 1);
	assert_int_equal(updated, 1);
	assert_int_equal(vg_store_assets_list(s, &arr, &err), VG_OK);
	assert_int_equal(json_array_size(arr), 3);
	assert_string_equal(str(json_array_get(arr, 0), "name"), "autoclave");
	a = json_array_get(arr, 2);
	assert_string_equal(str(a, "name"), "pump");
	assert_int_equal(json_integer_value(json_object_get(a, "id")), id_pump);
	assert_true(json_is_null(json_object_get(a, "mac")));
	assert_string_equal(str(a, "ip"), "10.0.0.5");
	assert_true(json_is_null(json_object_get(a, "category")));
	assert_true(json_is_null(json_object_get(a, "owner")));
	assert_int_equal(json_integer_value(json_object_get(a, "criticality")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(a, "imported_at")),
			 2000);
	/* printer untouched. */
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(arr, 1), "imported_at")),
			 1000);
	json_decref(arr);
}

/* A batch with a declaration out of contract writes nothing. */
static void
check_refused_batch(struct vg_store *s)
{
	struct vg_declared_asset v[2] = {
		{"new", NULL, "10.1.1.1", NULL, NULL, NULL, 0},
		{"bad", "AA:BB:CC:DD:EE:F0", NULL, NULL, NULL, NULL, 0},
	};
	struct vg_err err;
	size_t added = 9, updated = 9;
	json_t *arr;

	vg_err_clear(&err);
	assert_int_equal(
		vg_store_assets_import(s, v, 2, 3000, &added, &updated, &err),
		VG_ERR_USAGE);
	assert_non_null(strstr(err.msg, "not normalised"));
	assert_int_equal(added, 0);
	assert_int_equal(updated, 0);
	assert_int_equal(vg_store_assets_list(s, &arr, &err), VG_OK);
	assert_int_equal(json_array_size(arr), 3);
	json_decref(arr);
	/* Nothing to import is not an error. */
	assert_int_equal(vg_store_assets_import(s, NULL, 0, 3000, &added,
						&updated, &err),
			 VG_OK);
	assert_int_equal(added + updated, 0);
}

static void
test_sqlite_upsert(void **state)
{
	struct fx *fx = *state;

	check_upsert(fx->s);
	check_refused_batch(fx->s);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM assets"), 3);
}

static void
test_memory_upsert(void **state)
{
	struct vg_store *s = NULL;
	struct vg_err err;

	(void)state;
	assert_int_equal(vg_store_open_memory(&s, &err), VG_OK);
	check_upsert(s);
	check_refused_batch(s);
	vg_store_free(s);
}

/* Migration 7: the table, its indexes, hosts.kind. */
static void
test_sqlite_schema(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 17);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM sqlite_master WHERE name"
				 " IN ('assets', 'assets_mac', 'assets_ip')"),
			 3);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM pragma_table_info("
				 "'hosts') WHERE name = 'kind'"
				 " AND dflt_value = '''host'''"),
			 1);
}

/* A store failure in the middle of the batch: nothing half-written. */
static void
test_sqlite_all_or_nothing(void **state)
{
	struct fx *fx = *state;
	struct vg_err err;
	size_t added = 9, updated = 9;
	json_t *arr;

	vg_err_clear(&err);
	assert_int_equal(import(fx->s, "name,ip\na,10.0.0.1\n", 1000, &added,
				&updated, &err),
			 VG_OK);
	raw_exec(fx->path,
		 "CREATE TRIGGER boom BEFORE INSERT ON assets"
		 " WHEN NEW.name = 'm' BEGIN"
		 " SELECT RAISE(ABORT, 'boom'); END;");
	assert_int_equal(import(fx->s,
				"name,ip\na,10.0.0.2\nb,10.0.0.3\n"
				"m,10.0.0.4\nz,10.0.0.5\n",
				2000, &added, &updated, &err),
			 VG_ERR_STORE);
	assert_non_null(strstr(err.msg, "boom"));
	assert_int_equal(added, 0);
	assert_int_equal(updated, 0);
	assert_int_equal(vg_store_assets_list(fx->s, &arr, &err), VG_OK);
	assert_int_equal(json_array_size(arr), 1);
	assert_string_equal(str(json_array_get(arr, 0), "ip"), "10.0.0.1");
	json_decref(arr);
	/* The store goes on working afterwards. */
	raw_exec(fx->path, "DROP TRIGGER boom");
	assert_int_equal(import(fx->s, "name,ip\nm,10.0.0.4\n", 3000, &added,
				&updated, &err),
			 VG_OK);
	assert_int_equal(added, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_norm_mac),
		cmocka_unit_test(test_norm_ip),
		cmocka_unit_test(test_norm_category),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_french_file),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_decl_check),
		cmocka_unit_test(test_memory_upsert),
		cmocka_unit_test_setup_teardown(test_sqlite_upsert, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_schema, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_all_or_nothing,
						fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
