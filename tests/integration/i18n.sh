#!/bin/sh
# LANG=fr_FR.UTF-8 makes vigie speak French; English otherwise.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
prepare_roots

if ! locale -a 2>/dev/null | grep -qi '^fr_FR\.utf-\{0,1\}8$'; then
	echo "fr_FR.UTF-8 locale missing: run scripts/install-deps" >&2
	exit 1
fi
LC_ALL=fr_FR.UTF-8 "$vigie" scan --root "$tmp/dirty" --no-store \
	>"$tmp/fr.txt" 2>"$tmp/fr.err" || true
grep -q "Score global" "$tmp/fr.txt" || fail "no French score line"
grep -q "R3 Administrateurs" "$tmp/fr.txt" || fail "rule names not French"
grep -q "ÉLEVÉE\|CRITIQUE" "$tmp/fr.txt" || fail "severities not French"
grep -q "avertissement" "$tmp/fr.err" || fail "warnings not French"
LC_ALL=fr_FR.UTF-8 "$vigie" --help >"$tmp/help.txt"
grep -q "Commandes" "$tmp/help.txt" || fail "--help not French"
LC_ALL=C "$vigie" scan --root "$tmp/dirty" --no-store >"$tmp/en.txt" \
	2>/dev/null || true
grep -q "Overall score" "$tmp/en.txt" || fail "C locale is not English"
finish
