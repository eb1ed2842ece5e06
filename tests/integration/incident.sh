#!/bin/sh
# vigie incident on the real program: open an incident on hosts of a
# store made by `vigie scan --db`, add a note, change its status, close
# it, show it (JSON checked with jq), verify its timeline; then tamper
# with a stored entry (the append-only trigger dropped first): verify
# fails and names it. Bad input (unknown type, a detection in the
# future, an unknown asset, no title) is one line on stderr, exit 2 or
# 1, and nothing stored.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"

if ! "$vigie" incident --help >/dev/null 2>&1; then
	echo "vigie incident is not available yet: skipped"
	exit 77
fi
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: skipped"; exit 77; }

prepare_roots
db=$tmp/store/vigie.db
# No contact in this policy: no alert is sent.
conf=$tmp/vigie.conf
: >"$conf"
inc() {
	"$vigie" incident "$@" --db "$db"
}

# has FILE TEXT: FILE (out or err) holds the fixed string TEXT.
has() {
	if ! grep -qF -- "$2" "$tmp/$1"; then
		fail "$1 lacks '$2'"
		sed "s/^/  $1: /" "$tmp/$1" | head -n 20 >&2
	fi
}

# one_line: stderr is a single line.
one_line() {
	if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		fail "$1: stderr is not one line"
		sed 's/^/  err: /' "$tmp/err" >&2
	fi
}

# check WHAT JQ-FILTER: the filter prints true on the shown incident.
check() {
	if [ "$(jq -r "$2" "$tmp/show.json")" != true ]; then
		fail "$1"
		sed 's/^/  show: /' "$tmp/show.json" | head -n 60 >&2
	fi
}

count() {
	sqlite3 "$db" "SELECT count(*) FROM $1"
}

# Two hosts in the store.
expect_status 0 "$vigie" scan --root "$tmp/clean" --db "$db"
"$vigie" scan --root "$tmp/dirty" --db "$db" >/dev/null 2>&1 || true
[ "$(sqlite3 "$db" "SELECT count(*) FROM hosts WHERE hostname IN ('srv-clean', 'srv-dirty')")" = 2 ] ||
	fail "the scans did not record both hosts"

# Help.
expect_status 0 "$vigie" incident --help
has out "vigie incident open"
expect_status 0 "$vigie" incident open --help
has out "--degraded-since"

# Open.
expect_status 0 inc open --config "$conf" --title "Rançongiciel sur srv-dirty" \
	--type ransomware --detected 2026-01-10T08:00:00Z \
	--asset srv-dirty --asset srv-clean --care potential \
	--health-data --persons 1200 --cia c,a --perimeter "PACS, RIS" \
	--actor alice
has out "incident 1 opened"
expect_status 0 inc note 1 "Machine débranchée du réseau" --actor bob
has out "entry 2"
expect_status 0 inc status 1 --config "$conf" --status contained \
	--degraded-since "2026-01-10T09:00+01:00" --actor bob
has out "incident 1 updated"
expect_status 0 inc status 1 --config "$conf" --reported-ans --ref CERT-42 \
	--reported-cnil=2026-01-11T10:00:00Z --ref CNIL-7
# No change: nothing recorded.
expect_status 0 inc status 1 --config "$conf" --status contained
has out "nothing changed"
expect_status 0 inc close 1 --config "$conf" --actor carol
has out "incident 1 closed"
expect_status 1 inc close 1 --config "$conf"
one_line "close twice"

expect_status 0 inc show 1 --config "$conf" --format json
cp "$tmp/out" "$tmp/show.json"
check "fields" '.id == 1 and .type == "ransomware" and .status == "closed"
	and .care == "potential" and .health_data and (.personal_data | not)
	and .persons == 1200 and .confidentiality and (.integrity | not)
	and .availability and .perimeter == "PACS, RIS" and .causes == null
	and .detected_at == 1768032000 and .degraded_since == 1768032000
	and .closed_at > 0 and .ans_ref == "CERT-42"
	and .reported_cnil_at == 1768125600 and .cnil_ref == "CNIL-7"'
check "assets" '[.assets[].name] == ["srv-clean", "srv-dirty"]'
check "timeline kinds" '[.timeline[].kind] ==
	["opened", "note", "status", "reported", "closed"]'
check "timeline actors" '[.timeline[].actor][0:3] == ["alice", "bob", "bob"]
	and .timeline[4].actor == "carol"'
check "note text" '.timeline[1].detail.text == "Machine débranchée du réseau"'
check "status detail" '.timeline[2].detail.status == ["open", "contained"]
	and .timeline[2].detail.degraded_since == [0, 1768032000]'
check "chain links" '.timeline[1].prev == .timeline[0].hash
	and (.timeline[0].prev | test("^0{64}$"))
	and all(.timeline[]; .hash | test("^[0-9a-f]{64}$"))'
check "deadlines" '.deadlines.serious and .deadlines.ans == 1768032000 + 86400
	and .deadlines.cnil == 1768032000 + 259200 and (.deadlines.overdue | not)'
check "tasks" '.tasks == []'

expect_status 0 inc show 1 --config "$conf"
has out "Rançongiciel sur srv-dirty"
has out "CERT-42"

expect_status 0 inc list --format json
[ "$(jq length "$tmp/out")" = 1 ] || fail "list: not one incident"
expect_status 0 inc list --status active
has out "no incident"
expect_status 2 inc list --status ouvert
one_line "list bad status"

expect_status 0 inc verify 1
has out "timeline intact: 5 entries"

# The record itself changed without an entry (marked reported, its
# reference forged): verify exits 1 and names the field; put back, the
# record matches again.
cp "$db" "$tmp/before-forge.db"
sqlite3 "$db" "UPDATE incidents SET ans_ref = 'FORGED' WHERE id = 1"
expect_status 1 inc verify 1
has out "ans_ref does not match its timeline"
cp "$tmp/before-forge.db" "$db"
expect_status 0 inc verify 1

# A hash with text appended is not the hash: entry 3 named.
cp "$db" "$tmp/before-hash.db"
sqlite3 "$db" "DROP TRIGGER timeline_no_update; UPDATE timeline SET hash = hash || 'x' WHERE incident_id=1 AND seq=3"
expect_status 1 inc verify 1
has out "entry 3 does not match"
cp "$tmp/before-hash.db" "$db"

# Tamper with entry 2: verify exits 1 and names it.
sqlite3 "$db" "DROP TRIGGER timeline_no_update; UPDATE timeline SET detail='{}' WHERE incident_id=1 AND seq=2"
expect_status 1 inc verify 1
has out "entry 2 does not match"

# Bad input: one line, nothing stored.
before_inc=$(count incidents)
before_tl=$(count timeline)
expect_status 2 inc open --config "$conf" --title x --type virus
one_line "unknown type"
has err "unknown type 'virus'"
expect_status 2 inc open --config "$conf" --title x --type other \
	--detected 2099-01-01T00:00:00Z
one_line "future detection"
has err "detected_at"
expect_status 1 inc open --config "$conf" --title x --type other \
	--asset srv-ghost
one_line "unknown asset"
has err "srv-ghost"
expect_status 2 inc open --config "$conf" --type other
has err "--title is required"
expect_status 2 inc open --config "$conf" --title "" --type other
one_line "empty title"
expect_status 2 inc open --config "$conf" --title x --type other \
	--detected 2026-02-30T08:00Z
one_line "no such date"
expect_status 2 inc open --config "$conf" --title x --type other --persons -3
one_line "negative persons"
expect_status 2 inc open --config "$conf" --title x --type other --cia q
one_line "bad cia"
expect_status 2 inc note 1
expect_status 2 inc status 1 --config "$conf"
expect_status 2 inc status 1 --config "$conf" --ref X
expect_status 2 inc status x --config "$conf" --status open
expect_status 2 inc verify 0
expect_status 1 inc show 99 --config "$conf"
one_line "unknown incident"
expect_status 2 inc frobnicate
[ "$(count incidents)" = "$before_inc" ] || fail "bad input stored an incident"
[ "$(count timeline)" = "$before_tl" ] || fail "bad input stored an entry"

# No store: nothing created.
expect_status 1 "$vigie" incident verify 1 --db "$tmp/none.db"
[ ! -e "$tmp/none.db" ] || fail "verify created a store"

finish
