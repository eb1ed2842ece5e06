#!/bin/sh
# The command line end to end: help, usage errors, the store round trip
# (scan -> history -> findings), facts -> evaluate, bad input.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
prepare_roots
export LANG=C LC_ALL=C

# --help on every command, usage errors exit 2 with one clear line.
expect_status 0 "$vigie" --help
grep -q 'scan' "$tmp/out" || fail "vigie --help does not list scan"
for cmd in scan facts evaluate history findings; do
	expect_status 0 "$vigie" "$cmd" --help
	grep -q "usage: vigie $cmd" "$tmp/out" ||
		fail "vigie $cmd --help prints no usage"
done
expect_status 2 "$vigie"
expect_status 2 "$vigie" frobnicate
grep -q "unknown command 'frobnicate'" "$tmp/err" ||
	fail "unknown command not named"
expect_status 2 "$vigie" scan --format yaml
grep -q "unknown format 'yaml'" "$tmp/err" || fail "bad format not named"
expect_status 2 "$vigie" scan --fail-on severe
expect_status 2 "$vigie" scan --bogus
expect_status 2 "$vigie" scan --db x.db --no-store
expect_status 2 "$vigie" scan --root "$tmp/does-not-exist" --no-store
grep -q "does-not-exist" "$tmp/err" || fail "missing root not named"
expect_status 2 "$vigie" evaluate
expect_status 1 "$vigie" scan --root "$tmp/clean" --no-store \
	--config "$tmp/none.conf"
grep -q "none.conf" "$tmp/err" || fail "missing --config not named"

# A scan is recorded; history and findings read it back.
db=$tmp/store/vigie.db
expect_status 0 "$vigie" scan --root "$tmp/dirty" --db "$db"
cp "$tmp/out" "$tmp/scan.txt"
grep -q "R3 Administrators" "$tmp/scan.txt" || fail "text output has no R3"
grep -q "admin.uid0_duplicate  toor" "$tmp/scan.txt" ||
	fail "text output lacks a finding"
[ "$(stat -c %a "$db")" = 600 ] || fail "store is not mode 0600"
expect_status 0 "$vigie" scan --root "$tmp/clean" --db "$db"
expect_status 0 "$vigie" history --db "$db"
[ "$(grep -c 'srv-' "$tmp/out")" -eq 2 ] || fail "history lists no 2 scans"
expect_status 0 "$vigie" history --db "$db" --format json
jq -e '.scans | length == 2 and .[0].host == "srv-clean" and
	.[1].host == "srv-dirty"' "$tmp/out" >/dev/null ||
	fail "history json is not newest first"
expect_status 0 "$vigie" findings --db "$db" --format json
jq -e '.host.hostname == "srv-clean"' "$tmp/out" >/dev/null ||
	fail "findings does not show the last scan"
expect_status 0 "$vigie" scan --root "$tmp/dirty" --db "$db" --format json
jq -S '{findings, not_evaluated, scores}' "$tmp/out" >"$tmp/scan.norm"
expect_status 0 "$vigie" findings --db "$db" --format json
jq -S '{findings, not_evaluated, scores}' "$tmp/out" >"$tmp/findings.norm"
diff -u "$tmp/scan.norm" "$tmp/findings.norm" >/dev/null ||
	fail "findings differs from the scan it shows"
expect_status 3 "$vigie" findings --db "$db" --fail-on critical
expect_status 1 "$vigie" findings --db "$tmp/empty.db"
grep -q "no scan recorded" "$tmp/err" || fail "empty store not explained"

# facts -> evaluate gives the same judgement as scan.
expect_status 0 "$vigie" facts --root "$tmp/dirty"
cp "$tmp/out" "$tmp/facts.json"
jq -e '.schema == "vigie.facts/1"' "$tmp/facts.json" >/dev/null ||
	fail "facts document has no schema"
expect_status 0 "$vigie" evaluate --config "$tmp/dirty/etc/vigie/vigie.conf" \
	--format json "$tmp/facts.json"
jq -S '[.findings[] | {check, subject}]' "$tmp/out" >"$tmp/eval.norm"
jq -S '[.findings[] | {check, subject}]' "$tmp/scan.norm" >"$tmp/scan2.norm"
diff -u "$tmp/scan2.norm" "$tmp/eval.norm" >/dev/null ||
	fail "evaluate of the facts differs from the scan"
"$vigie" evaluate --format json - <"$tmp/facts.json" >/dev/null ||
	fail "evaluate - (stdin) failed"

# Bad facts documents: a clear error naming the file, exit 1.
printf '{"schema":"vigie.facts/1","accounts":[{"name":"a","uid":"zero"}]}' \
	>"$tmp/bad.json"
expect_status 1 "$vigie" evaluate "$tmp/bad.json"
grep -q "bad.json" "$tmp/err" || fail "bad facts file not named"
printf 'not json' >"$tmp/bad2.json"
expect_status 1 "$vigie" evaluate "$tmp/bad2.json"
expect_status 1 "$vigie" evaluate "$tmp/missing.json"

# A malformed line is a warning naming file and line; the scan goes on.
expect_status 0 "$vigie" scan --root "$tmp/dirty" --no-store
grep -q "/etc/passwd:14" "$tmp/err" || fail "bad passwd line not named"
grep -q "/etc/sudoers:" "$tmp/err" || fail "bad sudoers line not named"

# Nothing outside --root is read: an absolute symlink stays inside.
mkdir -p "$tmp/jail/etc"
ln -s /etc/passwd "$tmp/jail/etc/passwd"
expect_status 0 "$vigie" facts --root "$tmp/jail"
jq -e '.sources.passwd.collected == false' "$tmp/out" >/dev/null ||
	fail "a symlink out of the root was followed"

# zlib, liblzma, liblz4 and libzstd are opened on first use, never
# linked: without them (hidden in a mount namespace, where one can be
# made) a command that needs none still runs, and the others name the
# library they cannot load.
if command -v readelf >/dev/null 2>&1; then
	! readelf -d "$vigie" | grep -Eq 'NEEDED.*\[lib(z|lzma|lz4|zstd)\.' ||
		fail "vigie is linked with a compression library"
fi
libs=$(PATH=$PATH:/sbin:/usr/sbin ldconfig -p 2>/dev/null | sed -n \
	's/^[[:space:]]*lib\(z\|lzma\|lz4\|zstd\)\.so\.[0-9]* .*=> //p')
if [ -n "$libs" ] && unshare -rm true 2>/dev/null; then
	# shellcheck disable=SC2016 # expanded by the inner shell
	hidden='for l in $LIBS; do mount --bind /dev/null "$l" || exit 9; done
		exec "$@"'
	# shellcheck disable=SC2086 # the command's words
	without() { LIBS=$libs expect_status "$1" unshare -rm sh -c "$hidden" \
		sh "$vigie" $2; }
	without 0 --version
	without 0 "facts --root $tmp/clean"
	grep -q 'cannot load liblzma\.so\.5: ' "$tmp/err" ||
		fail "a missing liblzma is not named"
	grep -q 'cannot load libzstd\.so\.1: ' "$tmp/err" ||
		fail "a missing libzstd is not named"
	without 1 "scan --root $tmp/dirty --db $tmp/nolib.db"
	grep -q '^vigie: error: .*cannot load libzstd\.so\.1: ' "$tmp/err" ||
		fail "a scan not recorded without libzstd does not say why"
else
	echo "no mount namespace: commands without zlib, xz, lz4, zstd not checked"
fi

finish
