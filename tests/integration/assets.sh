#!/bin/sh
# vigie assets import | list on the real program: a good file (English),
# a French spreadsheet export (';', BOM, CRLF), a file with bad lines
# (exit 3, each refusal named by file and line, the good lines
# imported), a re-import that updates by name, and the failures: a
# missing, oversized or headless file (exit 1) and usage errors (exit 2).
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
fx=$fixtures/assets

if ! "$vigie" assets --help >/dev/null 2>&1; then
	echo "vigie assets is not available yet: skipped"
	exit 77
fi
db=$tmp/store/vigie.db

# check WHAT JQ-FILTER: the filter must print true on the JSON list.
check() {
	if [ "$(jq -r "$2" "$tmp/list.json")" != true ]; then
		fail "$1"
		sed 's/^/  list: /' "$tmp/list.json" | head -n 40 >&2
	fi
}

list_json() {
	expect_status 0 "$vigie" assets list --db "$db" --format json
	cp "$tmp/out" "$tmp/list.json"
}

# has FILE TEXT: FILE (out or err) holds the fixed string TEXT.
has() {
	if ! grep -qF -- "$2" "$tmp/$1"; then
		fail "$1 lacks '$2'"
		sed "s/^/  $1: /" "$tmp/$1" | head -n 20 >&2
	fi
}

# Help: the command, and the file format described.
expect_status 0 "$vigie" assets --help
has out "vigie assets import FILE.csv"
expect_status 0 "$vigie" assets import --help
has out "adresse_mac"
has out "building-management"
has out "3 some"

# Nothing declared yet: an empty list, and no store created.
expect_status 0 "$vigie" assets list --db "$db"
has out "no declared asset"
expect_status 0 "$vigie" assets list --db "$db" --format json
[ "$(jq length "$tmp/out")" = 0 ] || fail "empty list is not []"
[ ! -e "$db" ] || fail "listing created the store"

# A good file; options may follow the operand.
expect_status 0 "$vigie" assets import "$fx/good.csv" --db "$db"
has out "4 assets imported (4 added, 0 updated), 0 lines refused"
[ ! -s "$tmp/err" ] || fail "good.csv: unexpected messages"
list_json
check "four assets, by name" \
	'[.[].name] == ["automate-cta-3", "imprimante-accueil",
	 "pompe-rea-12", "scanner, salle 2"]'
check "MAC normalised" \
	'(.[] | select(.name == "pompe-rea-12") | .mac) == "00:1a:2b:3c:4d:5e"
	 and (.[] | select(.name == "automate-cta-3") | .mac)
	   == "00:1a:2b:3c:4d:60"'
check "IPv6 normalised" \
	'(.[] | select(.name == "scanner, salle 2")) | .ip == "2001:db8::7"
	 and .owner == "Imagerie \"IRM\"" and .criticality == null'
check "all fields" \
	'(.[] | select(.name == "pompe-rea-12")) | .category == "biomedical"
	 and .owner == "Réanimation" and .site == "Hôpital Nord"
	 and .criticality == 4 and .ip == "10.10.1.12"
	 and (.imported_at | type) == "number" and .id > 0'
check "no MAC is null" \
	'(.[] | select(.name == "imprimante-accueil") | .mac) == null'
expect_status 0 "$vigie" assets list --db "$db"
has out "pompe-rea-12"
has out "00:1a:2b:3c:4d:5e"
id_pompe=$(jq '.[] | select(.name == "pompe-rea-12") | .id' "$tmp/list.json")

# The French export: ';', BOM, CRLF, accents; an extra column ignored.
expect_status 0 "$vigie" assets import --db "$db" "$fx/francais.csv"
has out "3 assets imported (3 added, 0 updated), 0 lines refused"
has err "francais.csv:1: unknown column 'Commentaire' ignored"
list_json
check "French values normalised" \
	'(.[] | select(.name == "Pousse-seringue 4")) | .mac
	   == "00:1a:2b:3c:4d:70" and .category == "biomedical"
	 and .criticality == 4'
check "French categories" \
	'(.[] | select(.name == "Borne Wi-Fi") | .category) == "network"
	 and (.[] | select(.name == "Caméra parking") | .category) == "iot"'

# Bad lines: refused one by one, the good ones imported, exit 3.
expect_status 3 "$vigie" assets import --db "$db" "$fx/bad_lines.csv"
has out "2 assets imported (2 added, 0 updated), 6 lines refused"
has err "bad_lines.csv:3: column 'mac': invalid MAC address 'zz'"
has err "bad_lines.csv:4: column 'ip': invalid IP address '10.0.0.300'"
has err "bad_lines.csv:5: column 'name': missing"
has err "bad_lines.csv:6: no MAC or IP address"
has err "bad_lines.csv:7: column 'category': unknown category 'grille-pain'"
has err "bad_lines.csv:8: column 'criticality': '7' is not 1, 2, 3 or 4"
has err "bad_lines.csv:10: asset 'moniteur-1' already declared on line 2"
list_json
check "good lines of bad_lines.csv listed" \
	'([.[].name] | index("moniteur-1") != null
	   and index("moniteur-8") != null and index("moniteur-2") == null
	   and index("moniteur-7") == null) and length == 9'
check "the later line wins" \
	'(.[] | select(.name == "moniteur-1")) | .mac == "00:1a:2b:3c:4d:81"
	 and .criticality == 2'

# A re-import updates by name: every field replaced, the id kept.
expect_status 0 "$vigie" assets import --db "$db" "$fx/update.csv"
has out "2 assets imported (1 added, 1 updated), 0 lines refused"
list_json
check "updated in place" \
	"(.[] | select(.name == \"pompe-rea-12\")) | .id == $id_pompe
	 and .ip == \"10.10.1.13\" and .mac == null
	 and .owner == \"Réanimation médicale\" and .criticality == 3
	 and .site == null"
check "ten assets" 'length == 10'

# Failures: nothing written.
cp "$db" "$tmp/before.db"
expect_status 1 "$vigie" assets import --db "$db" "$tmp/missing.csv"
has err "missing.csv"
expect_status 1 "$vigie" assets import --db "$db" "$fx/no_name.csv"
has err "no_name.csv:1: no 'name' (or 'nom') column in the header"
: >"$tmp/empty.csv"
expect_status 1 "$vigie" assets import --db "$db" "$tmp/empty.csv"
has err "empty file"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$tmp/big.csv"
expect_status 1 "$vigie" assets import --db "$db" "$tmp/big.csv"
has err "larger than 16 MiB"
expect_status 1 "$vigie" assets import --db "$db" "$tmp"
list_json
check "failures changed nothing" 'length == 10'
# A store that cannot be opened is a failure too.
echo "not a database" >"$tmp/bad.db"
expect_status 1 "$vigie" assets import --db "$tmp/bad.db" "$fx/good.csv"

# Usage errors.
expect_status 2 "$vigie" assets
expect_status 2 "$vigie" assets frobnicate
has err "unknown command 'frobnicate'"
expect_status 2 "$vigie" assets import
has err "missing operand"
expect_status 2 "$vigie" assets import "$fx/good.csv" "$fx/update.csv"
has err "too many operands"
expect_status 2 "$vigie" assets import --bogus "$fx/good.csv"
has err "unknown option '--bogus'"
expect_status 2 "$vigie" assets import "$fx/good.csv" --db
has err "needs a value"
expect_status 2 "$vigie" assets import --format json "$fx/good.csv"
expect_status 2 "$vigie" assets list --format xml
expect_status 2 "$vigie" assets list extra

finish
