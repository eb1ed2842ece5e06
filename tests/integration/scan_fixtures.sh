#!/bin/sh
# Scan the fixture roots with the real program and compare the findings
# and the checks not evaluated with the expected lists.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
prepare_roots

for root in dirty clean; do
	# A store of the test's own, whatever this machine has: no
	# vulnerability data, no incident.
	expect_status 0 "$vigie" scan --root "$tmp/$root" \
		--db "$tmp/$root.db" --format json
	cp "$tmp/out" "$tmp/$root.json"
	jq -r '(.findings[] | "\(.check) \(.subject)"),
	       (.not_evaluated[] | "not-evaluated \(.check)")' \
		"$tmp/$root.json" | LC_ALL=C sort >"$tmp/$root.got"
	if ! diff -u "$here/expected/$root.txt" "$tmp/$root.got"; then
		fail "findings of the $root root differ from expected/$root.txt"
	fi
	# The document is what the issue promises.
	jq -e '.schema == "vigie.scan/1" and (.facts.schema ==
	       "vigie.facts/1") and (.scores | has("overall")) and
	       ([.findings[] | has("rule", "check", "severity", "subject",
	       "evidence", "remediation")] | all)' "$tmp/$root.json" \
		>/dev/null || fail "$root: scan document lacks a member"
	# No password hash ever leaves the collector.
	if grep -q '\$6\$\|\$y\$\|\$1\$' "$tmp/$root.json"; then
		fail "$root: a password hash is in the scan document"
	fi
done

# Scores: the clean root loses no point on the rules it can judge.
jq -e '.scores.overall == 100' "$tmp/clean.json" >/dev/null ||
	fail "clean root: overall score is $(jq .scores.overall "$tmp/clean.json")"
jq -e '.scores.overall < 50 and .scores.R8 == null' "$tmp/dirty.json" \
	>/dev/null || fail "dirty root: unexpected scores"

# admin.excess names every administrator and how.
jq -e '[.findings[] | select(.check == "admin.excess") |
	.evidence.administrators[].name] | sort ==
	["alice", "bob", "carol", "dave", "eve", "root", "toor"]' \
	"$tmp/dirty.json" >/dev/null ||
	fail "admin.excess does not list the expected administrators"

# --fail-on: exit 3 when a finding is at or above the severity.
expect_status 3 "$vigie" scan --root "$tmp/dirty" --db "$tmp/fail.db" \
	--fail-on high
expect_status 0 "$vigie" scan --root "$tmp/clean" --db "$tmp/fail.db" \
	--fail-on low

finish
