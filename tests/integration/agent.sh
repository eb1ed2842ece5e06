#!/bin/sh
# The agent against the real server on a loopback port, over TLS with a
# pinned key: enrol, deliver, spool while the server is down and deliver
# everything once it is back, with no duplicate; refused pins, tokens
# and reports; a clean stop on SIGTERM.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C

# The commands land one by one; until all are registered, skip (77).
for cmd in agent serve token; do
	if ! "$vigie" "$cmd" --help >/dev/null 2>&1; then
		echo "vigie $cmd is not available yet: skipped"
		exit 77
	fi
done
prepare_roots

db=$tmp/server/vigie.db
state=$tmp/agent
server_pid=
mkdir -p "$tmp/server"

stop_server() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT INT TERM

# start_server LISTEN: start `vigie serve`, wait for its URL and pin.
start_server() {
	: >"$tmp/serve.out"
	"$vigie" serve --listen "$1" --db "$db" --state-dir "$tmp/server" \
		>"$tmp/serve.out" 2>"$tmp/serve.err" &
	server_pid=$!
	i=0
	while ! grep -q 'sha256//' "$tmp/serve.out" "$tmp/serve.err" \
		2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			sed 's/^/  serve: /' "$tmp/serve.err" >&2
			echo "FAIL: vigie serve did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	url=$(grep -ohE 'https://[][0-9a-zA-Z.:]+' "$tmp/serve.out" \
		"$tmp/serve.err" | head -n 1)
	pin=$(grep -ohE 'sha256//[A-Za-z0-9+/=]+' "$tmp/serve.out" \
		"$tmp/serve.err" | head -n 1)
}

new_token() {
	"$vigie" token create --site "Hôpital Nord" --db "$db" \
		>"$tmp/token.out" 2>"$tmp/token.err" ||
		fail "vigie token create failed: $(cat "$tmp/token.err")"
	grep -oE '[0-9a-f]{64}' "$tmp/token.out" | head -n 1
}

spooled() {
	find "$state/spool" -name '*.json' | wc -l
}

# Scans recorded for the host srv-clean (all from this agent).
scans() {
	"$vigie" history --db "$db" --format json >"$tmp/history.json" ||
		fail "vigie history failed"
	jq '[.scans[] | select(.host == "srv-clean")] | length' \
		"$tmp/history.json"
}

start_server 127.0.0.1:0
port=${url##*:}

# Not enrolled yet: a usage error saying what to do.
expect_status 2 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
grep -q 'not enrolled' "$tmp/err" || fail "run before enrol: no clear error"

# A wrong pin: refused before anything is sent, nothing stored.
token=$(new_token)
expect_status 1 "$vigie" agent enroll --server "$url" --token "$token" \
	--fingerprint 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' \
	--state-dir "$tmp/wrong"
grep -q 'pin mismatch' "$tmp/err" || fail "wrong pin: no clear error"
[ ! -e "$tmp/wrong/agent.json" ] || fail "wrong pin: agent.json written"
# No pin: the self-signed certificate is not trusted.
expect_status 1 "$vigie" agent enroll --server "$url" --token "$token" \
	--state-dir "$tmp/wrong"
grep -q 'fingerprint' "$tmp/err" || fail "no pin: error does not say how"

# The right pin: enrolled, the secret kept private.
expect_status 0 "$vigie" agent enroll --server "$url" --token "$token" \
	--fingerprint "$pin" --state-dir "$state"
[ "$(stat -c %a "$state/agent.json")" = 600 ] ||
	fail "agent.json is not mode 0600"
[ "$(stat -c %a "$state")" = 700 ] || fail "state dir is not mode 0700"
jq -e '.agent_id and (.secret | length == 64) and
	.site == "Hôpital Nord" and .pin == "'"$pin"'"' \
	"$state/agent.json" >/dev/null || fail "agent.json lacks a field"
# The token was one-time.
expect_status 1 "$vigie" agent enroll --server "$url" --token "$token" \
	--fingerprint "$pin" --state-dir "$tmp/again"
grep -q '401' "$tmp/err" || fail "reused token: no clear error"

# One cycle: collected, delivered, nothing left behind.
expect_status 0 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
[ "$(spooled)" -eq 0 ] || fail "report left in the spool after delivery"
[ "$(scans)" -eq 1 ] || fail "the server has no scan of srv-clean"
jq -e '.scans[0].host == "srv-clean"' "$tmp/history.json" >/dev/null ||
	fail "history does not show the agent's host"

# The server goes away: reports wait in the spool, exit status 1.
stop_server
expect_status 1 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
grep -q '1 report remains in the spool' "$tmp/err" ||
	fail "down server: no count of waiting reports"
grep -q 'unreachable' "$tmp/err" || fail "down server: reason not given"
expect_status 1 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
grep -q '2 reports remain in the spool' "$tmp/err" ||
	fail "down server: second report not counted"
[ "$(spooled)" -eq 2 ] || fail "expected 2 spooled reports"
for f in "$state"/spool/*.json; do
	[ "$(stat -c %a "$f")" = 600 ] || fail "spooled report not 0600"
done
# Keep a copy: it is sent again below, as after a lost acknowledgement.
cp "$(find "$state/spool" -name '*.json' | sort | head -n 1)" "$tmp/resend"

# Back on the same port: everything is delivered, oldest first.
start_server "127.0.0.1:$port"
expect_status 0 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
[ "$(spooled)" -eq 0 ] || fail "spool not emptied once the server is back"
# 1 before the outage + 2 spooled + 1 of this cycle.
[ "$(scans)" -eq 4 ] || fail "expected 4 scans, got $(scans)"

# A resent report (acknowledgement lost) is no duplicate.
cp "$tmp/resend" "$state/spool/"
expect_status 0 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
[ "$(spooled)" -eq 0 ] || fail "resent report not removed"
[ "$(scans)" -eq 5 ] || fail "a resent report was stored twice"

# Sections by reference: the server acknowledged the big members, the
# agent remembers them (and sends references from then on).
jq -e '.acked | length >= 4' "$state/sections.json" >/dev/null ||
	fail "no acknowledged sections in sections.json"
# The server lost them (a store restored without its sections): it
# answers 409 to the references, the agent sends the report again in
# full, nothing is lost.
stop_server
sqlite3 "$db" "DELETE FROM sections" || fail "cannot empty sections"
start_server "127.0.0.1:$port"
expect_status 0 "$vigie" agent run --once -v --state-dir "$state" \
	--root "$tmp/clean"
grep -q 'sections in full' "$tmp/err" || fail "no full resend after a 409"
[ "$(spooled)" -eq 0 ] || fail "report left in the spool after a 409"
[ "$(scans)" -eq 6 ] || fail "the report answered 409 was lost"
[ "$(sqlite3 "$db" "SELECT count(*) FROM sections")" -ge 4 ] ||
	fail "the sections sent again were not stored"

# A report the server refuses for good goes to rejected/, the spool
# moves on, and --once says so.
bad=$state/spool/100-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa.json
printf '{"uuid":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","facts":{"x":1}}' \
	>"$bad"
expect_status 1 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
grep -q 'refused' "$tmp/err" || fail "refused report: not reported"
[ -f "$state/rejected/${bad##*/}" ] || fail "refused report not set aside"
[ "$(spooled)" -eq 0 ] || fail "spool not emptied past a refused report"
[ "$(scans)" -eq 7 ] || fail "the report after a refused one was lost"

# As a service: a stop signal ends it promptly and cleanly.
"$vigie" agent run --interval 1h --state-dir "$state" --root "$tmp/clean" \
	2>"$tmp/daemon.err" &
agent_pid=$!
sleep 0.5
# A second agent on the same state directory is refused.
expect_status 1 "$vigie" agent run --once --state-dir "$state" \
	--root "$tmp/clean"
grep -q 'another agent' "$tmp/err" || fail "second agent not refused"
kill -TERM "$agent_pid"
set +e
wait "$agent_pid"
got=$?
set -e
[ "$got" -eq 0 ] || fail "agent stopped by SIGTERM exited $got"

stop_server
finish
