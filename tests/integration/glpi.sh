#!/bin/sh
# vigie export glpi: the GLPI native inventory of each fixture root (and
# of a hostile one) validates against GLPI's own schema, with the Draft
# it declares (python3-jsonschema); no password data leaves; the store
# path, --output and usage errors.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C
schema=${VIGIE_GLPI_SCHEMA:-$here/../../../shared/data/glpi/inventory.schema.json}

# Until main.c registers the command, there is nothing to test.
if ! "$vigie" export --help >/dev/null 2>&1; then
	echo "SKIP: vigie has no export command"
	exit 77
fi
# Debian's python3 and python3-jsonschema, which scripts/install-deps
# installs: a missing validator is a failure, never a pass.
py=/usr/bin/python3
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
	echo "FAIL: $py cannot import jsonschema (run scripts/install-deps)"
	exit 1
fi
if [ ! -r "$schema" ]; then
	echo "SKIP: no GLPI schema at $schema"
	exit 77
fi

# validate DOC...: every document valid, each error printed with its
# place. The validator class is the one the schema's $schema names.
cat >"$tmp/validate.py" <<'PY'
import json, sys
import jsonschema
from jsonschema import validators

schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = validators.validator_for(schema)
if schema.get("$schema", "").rstrip("#").endswith("draft-07/schema"):
    assert cls is jsonschema.Draft7Validator, cls
cls.check_schema(schema)
checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
v = cls(schema, format_checker=checker)
rc = 0
for path in sys.argv[2:]:
    doc = json.load(open(path, encoding="utf-8"))
    for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.path))):
        print("%s: /%s: %s" % (path, "/".join(map(str, e.path)), e.message))
        rc = 1
sys.exit(rc)
PY
validate() {
	if ! "$py" "$tmp/validate.py" "$schema" "$@" >"$tmp/verr" 2>&1; then
		fail "not valid against the GLPI schema: $*"
		sed 's/^/  /' "$tmp/verr" | head -n 20 >&2
	fi
}

# The checker must be able to fail: a broken copy of the example.
example=$(dirname "$schema")/example-hygiene.json
if [ -r "$example" ]; then
	validate "$example"
	jq '.content.local_users[0].id = 0' "$example" >"$tmp/bad1.json"
	jq 'del(.content.versionclient)' "$example" >"$tmp/bad2.json"
	jq '.content.operatingsystem.boot_time = "yesterday"' "$example" \
		>"$tmp/bad3.json"
	for bad in bad1 bad2 bad3; do
		"$py" "$tmp/validate.py" "$schema" "$tmp/$bad.json" \
			>/dev/null 2>&1 && fail "the validator accepts $bad.json"
	done
fi

prepare_roots

# Help and usage errors.
expect_status 0 "$vigie" export --help
grep -q "usage: vigie export glpi" "$tmp/out" || fail "no export usage"
expect_status 0 "$vigie" export glpi --help
grep -q -- "--asset ID" "$tmp/out" || fail "export glpi --help lacks --asset"
expect_status 2 "$vigie" export
expect_status 2 "$vigie" export csv
grep -q "unknown format 'csv'" "$tmp/err" || fail "bad format not named"
expect_status 2 "$vigie" export glpi --bogus
expect_status 2 "$vigie" export glpi extra
expect_status 2 "$vigie" export glpi --db "$tmp/x.db"
expect_status 2 "$vigie" export glpi --asset 1 --root "$tmp/clean"
expect_status 2 "$vigie" export glpi --asset abc --db "$tmp/x.db"
expect_status 1 "$vigie" export glpi --asset 1 --db "$tmp/none.db"
[ -e "$tmp/none.db" ] && fail "reading a missing store created it"
expect_status 2 "$vigie" export glpi --root "$tmp/does-not-exist"

# Each fixture root: valid, and what the facts say.
for root in dirty clean; do
	expect_status 0 "$vigie" export glpi --root "$tmp/$root"
	cp "$tmp/out" "$tmp/$root.json"
	validate "$tmp/$root.json"
	jq -e --arg h "srv-$root" '.action == "inventory" and
		.itemtype == "Computer" and .partial == false and
		.content.hardware.name == $h and
		(.deviceid | startswith($h + "-")) and
		(.content.versionclient | startswith("vigie_v")) and
		(.content.hardware.description |
			test("^vigie hygiene score: [0-9]+/100")) and
		(.content.softwares | length > 0) and
		all(.content.softwares[]; .from == "deb") and
		any(.content.local_users[]; .login == "root" and .id == "0")' \
		"$tmp/$root.json" >/dev/null ||
		fail "$root: the inventory does not match the facts"
done
jq -e '.content.operatingsystem | .name == "Debian GNU/Linux" and
	.version == "10" and .full_name == "Debian GNU/Linux 10 (buster)" and
	.kernel_name == "linux"' "$tmp/dirty.json" >/dev/null ||
	fail "dirty: operatingsystem is wrong"
jq -e 'any(.content.local_groups[]; .name == "sudo" and .id == "27" and
	.members == ["alice"])' "$tmp/dirty.json" >/dev/null ||
	fail "dirty: sudo group or its members missing"
n=$(grep -c '^Package:' "$fixtures/roots/dirty/var/lib/dpkg/status")
jq -e --argjson n "$n" '.content.softwares | length <= $n' \
	"$tmp/dirty.json" >/dev/null || fail "dirty: more softwares than packages"

# No password data: no hash from shadow, no member naming one.
for root in dirty clean; do
	cut -d: -f2 "$fixtures/roots/$root/etc/shadow" |
		while IFS= read -r hash; do
			[ "${#hash}" -gt 2 ] || continue
			if grep -qF -- "$hash" "$tmp/$root.json"; then
				echo "$root: a password hash is exported" >&2
				exit 1
			fi
		done || fail "$root: a password hash is exported"
	jq -e '[.. | objects | keys[]] | map(select(test(
		"^(pw|password|hash|scheme|shared_group)$"))) | length == 0' \
		"$tmp/$root.json" >/dev/null ||
		fail "$root: a password member is exported"
done

# The declared asset gives the tag; --output writes a 0600 file whole.
out=$tmp/out-dir/clean-glpi.json
mkdir -p "$tmp/out-dir"
expect_status 0 "$vigie" export glpi --root "$tmp/clean" --output "$out"
[ -s "$tmp/out" ] && fail "--output also wrote standard output"
[ "$(stat -c %a "$out")" = 600 ] || fail "--output file is not mode 0600"
validate "$out"
jq -e '.tag == "Hôpital Nord" and .content.hardware.name == "srv-clean"' \
	"$out" >/dev/null || fail "clean: tag or name wrong in --output file"
expect_status 1 "$vigie" export glpi --root "$tmp/clean" \
	--output "$tmp/no-such-dir/x.json"

# A hostile root: Latin-1 GECOS, odd members, no VERSION_ID, a line with
# control bytes, no dpkg database (a partial inventory).
h=$tmp/hostile
cp -a "$tmp/clean" "$h"
rm -rf "$h/var/lib/dpkg"
printf 'root:x:0:0:R\351n\351 \001,,,:/root:/bin/bash\nweird:x:70000:5::/:\nnum:x:-3:1:Neg:/:/bin/sh\n' \
	>"$h/etc/passwd"
printf 'sudo:x:27:weird,,\377bad,root\nempty:x:9:\n:x:10:a\n' >"$h/etc/group"
printf 'NAME="Odd\tOS"\nID=odd\nPRETTY_NAME="Odd \342\200\224 OS \377"\n' \
	>"$h/etc/os-release"
printf 'h\303\251te\n' >"$h/etc/hostname"
expect_status 0 "$vigie" export glpi --root "$h"
cp "$tmp/out" "$tmp/hostile.json"
validate "$tmp/hostile.json"
jq -e '.partial == true and (.content | has("softwares") | not)' \
	"$tmp/hostile.json" >/dev/null ||
	fail "hostile: no dpkg database should give a partial inventory"

# The store path: the same document from a recorded scan (once the
# store answers get_asset).
db=$tmp/store/vigie.db
expect_status 0 "$vigie" scan --root "$tmp/dirty" --db "$db"
set +e
"$vigie" export glpi --db "$db" --asset 1 \
	--config "$tmp/dirty/etc/vigie/vigie.conf" >"$tmp/stored.json" 2>"$tmp/err"
got=$?
set -e
if [ "$got" -eq 1 ] && grep -q "cannot get_asset" "$tmp/err"; then
	echo "note: this store has no get_asset yet; store export not tested"
elif [ "$got" -ne 0 ]; then
	fail "export glpi --db --asset 1 exited $got"
	sed 's/^/  stderr: /' "$tmp/err" | head -n 5 >&2
else
	validate "$tmp/stored.json"
	jq -e '.content.hardware.name == "srv-dirty"' "$tmp/stored.json" \
		>/dev/null || fail "store: asset 1 is not srv-dirty"
	jq -S 'del(.deviceid)' "$tmp/stored.json" >"$tmp/stored.norm"
	jq -S 'del(.deviceid)' "$tmp/dirty.json" >"$tmp/dirty.norm"
	diff -u "$tmp/dirty.norm" "$tmp/stored.norm" >&2 ||
		fail "store: the stored asset exports differently"
	expect_status 1 "$vigie" export glpi --db "$db" --asset 999
	grep -q "no asset 999" "$tmp/err" || fail "unknown asset not named"
fi

finish
