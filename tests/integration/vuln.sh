#!/bin/sh
# vigie vuln update on the real program: the real 2021 bullseye debsecan
# feed and CISA's KEV catalogue (read-only, from ../shared/data/vuln),
# the repository's small EPSS, OSV and tracker fixtures; a corrupt or
# missing feed fails (exit 1) and leaves the previous rows in place
# (counted with sqlite3) while the other feeds of the run are imported;
# a download from a loopback http.server, then the same again answered
# 304 ("not modified"); http to another host and usage errors refused.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
data=${VIGIE_VULN_DATA:-$here/../../../shared/data/vuln}
fx=$fixtures/vuln

if ! "$vigie" vuln --help >/dev/null 2>&1; then
	echo "SKIP: vigie has no vuln command"
	exit 77
fi
for tool in sqlite3 python3 gzip; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool is needed (run scripts/install-deps)"
		exit 1
	fi
done
if [ ! -r "$data/debsecan-bullseye-2021.z" ] ||
	[ ! -r "$data/cisa-kev.json" ]; then
	echo "SKIP: no vulnerability data at $data"
	exit 77
fi
db=$tmp/store/vigie.db

# count SQL: one number from the store.
count() {
	sqlite3 "$db" "$1"
}

# eq WHAT GOT WANT
eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: got '$2', expected '$3'"
	fi
}

# has FILE TEXT: FILE (out or err) holds the fixed string TEXT.
has() {
	if ! grep -qF -- "$2" "$tmp/$1"; then
		fail "$1 lacks '$2'"
		sed "s/^/  $1: /" "$tmp/$1" | head -n 20 >&2
	fi
}

# 1. The real feeds, as files.
expect_status 0 "$vigie" vuln update --db "$db" \
	--debsecan "$data/debsecan-bullseye-2021.z" --release bullseye \
	--kev "$data/cisa-kev.json"
has out "debsecan-bullseye: 34,796 records"
has out "kev: 1,404 records"
cat "$tmp/out"
n_deb=$(count "SELECT count(*) FROM vulns WHERE source = 'debsecan-bullseye'")
n_kev=$(count "SELECT count(*) FROM kev")
eq "debsecan rows" "$n_deb" 34796
eq "kev rows" "$n_kev" 1404
eq "bullseye rows have their release" \
	"$(count "SELECT count(*) FROM vulns WHERE release IS NOT 'bullseye'")" 0
# A known entry: openssl's CVE-2021-3712, fixed in 1.1.1l-1.
eq "openssl CVE-2021-3712" \
	"$(count "SELECT status || ' ' || fixed_version FROM vulns WHERE
		package = 'openssl' AND vuln_id = 'CVE-2021-3712'")" "0 1.1.1l-1"
eq "feed state" "$(count "SELECT records || ' ' || (location LIKE
	'%debsecan-bullseye-2021.z') FROM vuln_feeds
	WHERE source = 'debsecan-bullseye'")" "34796 1"
eq "store mode" "$(stat -c %a "$db")" 600

# 2. A corrupt feed (cut short) and a missing one: exit 1, the
# previous rows kept; the good KEV of the same run is imported.
head -c 20000 "$data/debsecan-bullseye-2021.z" >"$tmp/cut.z"
printf '{"vulnerabilities": [' >"$tmp/cut-kev.json"
expect_status 1 "$vigie" vuln update --db "$db" \
	--debsecan "$tmp/cut.z" --release bullseye --kev "$data/cisa-kev.json"
has err "debsecan-bullseye: import failed, previous data kept"
has out "kev: 1,404 records"
eq "rows after a corrupt feed" \
	"$(count "SELECT count(*) FROM vulns
		WHERE source = 'debsecan-bullseye'")" "$n_deb"
eq "feed state after a corrupt feed" "$(count "SELECT location LIKE
	'%cut.z' FROM vuln_feeds WHERE source = 'debsecan-bullseye'")" 0
expect_status 1 "$vigie" vuln update --db "$db" --kev "$tmp/cut-kev.json"
has err "kev: import failed, previous data kept"
eq "kev rows after a corrupt catalogue" "$(count "SELECT count(*) FROM kev")" \
	"$n_kev"
expect_status 1 "$vigie" vuln update --db "$db" --kev "$tmp/nonexistent.json"
has err "previous data kept"
eq "kev rows after a missing file" "$(count "SELECT count(*) FROM kev")" \
	"$n_kev"

# 3. The small fixtures: EPSS (gzip and plain), OSV, the tracker JSON;
# a GENERIC debsecan feed has release-independent rows.
gzip -c "$fx/epss-sample.csv" >"$tmp/epss.csv.gz"
expect_status 0 "$vigie" vuln update --db "$db" --epss "$tmp/epss.csv.gz" \
	--osv "$fx/osv" --debian-json "$fx/debian-tracker.json"
has out "epss: "
has out "osv: "
has out "debian-json: "
n_epss=$(count "SELECT count(*) FROM epss")
eq "epss rows" "$n_epss" \
	"$(grep -c '^CVE-' "$fx/epss-sample.csv")"
expect_status 0 "$vigie" vuln update --db "$db" --epss "$fx/epss-sample.csv"
eq "epss rows (plain CSV)" "$(count "SELECT count(*) FROM epss")" "$n_epss"
if [ "$(count "SELECT count(*) FROM vulns WHERE source = 'osv'")" -lt 1 ]; then
	fail "no OSV row imported"
fi
if [ "$(count "SELECT count(*) FROM vulns
		WHERE source = 'debian-json'")" -lt 1 ]; then
	fail "no tracker row imported"
fi
expect_status 0 "$vigie" vuln update --db "$db" \
	--debsecan "$data/debsecan-GENERIC-2021.z"
has out "debsecan-generic: "
eq "generic rows have no release" \
	"$(count "SELECT count(*) FROM vulns WHERE source = 'debsecan-generic'
		AND release IS NOT NULL")" 0
eq "bullseye rows untouched" \
	"$(count "SELECT count(*) FROM vulns
		WHERE source = 'debsecan-bullseye'")" "$n_deb"

# 4. A download from loopback (plain http is allowed there only), then
# again: python's http.server sends Last-Modified and answers the
# If-Modified-Since that follows with 304.
mkdir "$tmp/www"
cp "$data/cisa-kev.json" "$tmp/www/kev.json"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp/www" \
	>"$tmp/http.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || :; rm -rf "$tmp"' EXIT INT TERM
port=
for _ in $(seq 1 50); do
	port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$tmp/http.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -z "$port" ]; then
	fail "http.server did not start"
	cat "$tmp/http.log" >&2
else
	url=http://127.0.0.1:$port/kev.json
	sqlite3 "$db" "DELETE FROM kev"
	expect_status 0 "$vigie" vuln update --db "$db" --kev "$url"
	has out "kev: 1,404 records"
	eq "kev rows downloaded" "$(count "SELECT count(*) FROM kev")" "$n_kev"
	eq "validator kept" "$(count "SELECT last_modified IS NOT NULL
		AND location = '$url' FROM vuln_feeds WHERE source = 'kev'")" 1
	expect_status 0 "$vigie" vuln update --db "$db" --kev "$url"
	has out "kev: not modified"
	eq "kev rows after 304" "$(count "SELECT count(*) FROM kev")" "$n_kev"
	# A newer file is downloaded again.
	touch -d '+1 hour' "$tmp/www/kev.json"
	expect_status 0 "$vigie" vuln update --db "$db" --kev "$url"
	has out "kev: 1,404 records"
	# A 404 fails and keeps the rows.
	expect_status 1 "$vigie" vuln update --db "$db" \
		--kev "http://127.0.0.1:$port/missing.json"
	has err "HTTP status 404"
	eq "kev rows after a 404" "$(count "SELECT count(*) FROM kev")" \
		"$n_kev"
	# Served corrupt: rolled back like a file.
	printf '{"vulnerabilities": [' >"$tmp/www/bad.json"
	expect_status 1 "$vigie" vuln update --db "$db" \
		--kev "http://127.0.0.1:$port/bad.json"
	has err "previous data kept"
	eq "kev rows after a corrupt download" \
		"$(count "SELECT count(*) FROM kev")" "$n_kev"
	# http.server logs a 304 for the conditional request.
	if ! grep -q '" 304 ' "$tmp/http.log"; then
		fail "no conditional request seen by the server"
	fi
fi

# 5. Refusals: plain http to another host (before any connection),
# usage errors.
expect_status 1 "$vigie" vuln update --db "$db" \
	--kev http://192.0.2.1/kev.json
has err "https only"
expect_status 1 "$vigie" vuln update --db "$db" --kev ftp://127.0.0.1/kev.json
expect_status 2 "$vigie" vuln update --db "$db"
has err "no feed given"
expect_status 2 "$vigie" vuln update --db "$db" --osv https://x.test/all.zip
expect_status 2 "$vigie" vuln update --db "$db" --release bullseye \
	--kev "$data/cisa-kev.json"
expect_status 2 "$vigie" vuln update --db "$db" --debsecan x --release 'a b'
expect_status 2 "$vigie" vuln update --db "$db" --kev a --kev b
expect_status 2 "$vigie" vuln update --db "$db" --bogus
expect_status 2 "$vigie" vuln frobnicate
expect_status 0 "$vigie" vuln update --help
has out "--debsecan FILE|URL"
eq "kev rows at the end" "$(count "SELECT count(*) FROM kev")" "$n_kev"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "vuln: all checks passed"
