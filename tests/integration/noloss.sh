#!/bin/sh
# No report lost, none stored twice, with real agents and the real server
# on a loopback port:
#  (a) ten agents, each with 100 reports waiting in its spool, deliver
#      them all at once; the server is killed with SIGKILL mid-burst.
#      Every report an agent saw acknowledged is in the store after the
#      crash; once the server is back on the same port and database, the
#      agents deliver the rest; 0 lost, 0 duplicated, every spool empty.
#  (b) the server is stopped for a while: the agents' reports wait in
#      their spools and all arrive once it returns, exactly once.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C

for cmd in agent serve token; do
	if ! "$vigie" "$cmd" --help >/dev/null 2>&1; then
		echo "vigie $cmd is not available yet: skipped"
		exit 77
	fi
done
for tool in sqlite3 jq; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$tool missing (scripts/install-deps): skipped"
		exit 77
	}
done
prepare_roots

agents=10
per_agent=100 # reports pre-spooled per agent: 1,000 in the burst
db=$tmp/server/vigie.db
server_pid=
mkdir -p "$tmp/server"

stop_server() {
	if [ -n "$server_pid" ]; then
		kill "-$1" "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
trap 'stop_server KILL; rm -rf "$tmp"' EXIT INT TERM

# start_server LISTEN: start `vigie serve`, wait for its URL and pin.
start_server() {
	: >"$tmp/serve.out"
	"$vigie" serve --listen "$1" --db "$db" --state-dir "$tmp/server" \
		>"$tmp/serve.out" 2>>"$tmp/serve.err" &
	server_pid=$!
	i=0
	while ! grep -q '^vigie: serving' "$tmp/serve.out"; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			sed 's/^/  serve: /' "$tmp/serve.err" >&2
			echo "FAIL: vigie serve did not start" >&2
			exit 1
		fi
		sleep 0.05
	done
	url=$(sed -n 's/^vigie: serving \([^ ]*\).*/\1/p' "$tmp/serve.out")
	pin=$(sed -n 's/.*(pin \(sha256\/\/[^)]*\))$/\1/p' "$tmp/serve.out")
}

# sql QUERY: one value from the store (the server may be writing it).
sql() {
	sqlite3 -cmd '.timeout 5000' "$db" "$1"
}

spooled() {
	find "$tmp"/agent*/spool -name '*.json' | wc -l
}

# run_agents TAG: one `agent run --once` per agent, all at once; each
# collects one report of its own, then delivers its spool oldest first.
# Acknowledged reports are logged (-v) to $tmp/TAG.N.err.
runs=0
run_agents() {
	agent_pids=
	n=1
	while [ "$n" -le "$agents" ]; do
		"$vigie" agent run --once -v --state-dir "$tmp/agent$n" \
			--root "$tmp/clean" 2>"$tmp/$1.$n.err" &
		agent_pids="$agent_pids $!"
		n=$((n + 1))
	done
	runs=$((runs + 1))
}

# wait_agents: wait for them all; $agents_failed counts exit status != 0.
wait_agents() {
	agents_failed=0
	for p in $agent_pids; do
		wait "$p" || agents_failed=$((agents_failed + 1))
	done
}

# The report ids an agent logged as delivered, from its logs TAG.*.
acknowledged() {
	cat "$tmp/$1".*.err |
		sed -n 's/.*report [0-9]*-\([0-9a-f-]\{36\}\)\.json delivered.*/\1/p' |
		sort
}

start_server 127.0.0.1:0
port=${url##*:}

# Enrol the agents, one token each.
n=1
while [ "$n" -le "$agents" ]; do
	token=$("$vigie" token create --site "Hôpital Nord" --db "$db" \
		2>/dev/null)
	expect_status 0 "$vigie" agent enroll --server "$url" \
		--token "$token" --fingerprint "$pin" --state-dir "$tmp/agent$n"
	n=$((n + 1))
done
[ "$failures" -eq 0 ] || finish

# Fill each spool the way the agent does ("<time>-<uuid>.json", 0600,
# {"uuid", "facts"}), each agent with its own hostname: a hundred
# `agent run --once` against a stopped server would take minutes.
"$vigie" facts --root "$tmp/clean" >"$tmp/facts.json"
t0=$(($(date +%s) - 100000))
umask 077
n=1
while [ "$n" -le "$agents" ]; do
	facts=$(jq -c --arg h "srv-$n" '.os.hostname = $h' "$tmp/facts.json")
	mkdir -p "$tmp/agent$n/spool"
	i=1
	while [ "$i" -le "$per_agent" ]; do
		uuid=$(printf '%08x-0000-4000-8000-%012x' "$n" "$i")
		echo "$uuid" >>"$tmp/prefilled"
		printf '{"uuid":"%s","facts":%s}' "$uuid" "$facts" \
			>"$tmp/agent$n/spool/$((t0 + i))-$uuid.json"
		i=$((i + 1))
	done
	n=$((n + 1))
done
umask 022
sort -o "$tmp/prefilled" "$tmp/prefilled"
[ "$(spooled)" -eq $((agents * per_agent)) ] || fail "spools not filled"

# (a) The burst, and SIGKILL once about 300 reports are stored.
run_agents burst
killed_at=0
i=0
while [ "$i" -lt 600 ]; do
	killed_at=$(sql 'SELECT count(*) FROM reports')
	[ "$killed_at" -lt 300 ] || break
	i=$((i + 1))
	sleep 0.02
done
stop_server KILL
wait_agents
stored=$(sql 'SELECT count(*) FROM reports')
echo "killed at $killed_at stored reports; $stored after the crash"
[ "$stored" -ge 300 ] || fail "the burst stored only $stored reports"
[ "$stored" -lt $((agents * per_agent)) ] ||
	fail "the burst ended before the kill: nothing was proven"

# Every acknowledged report survived the crash.
acknowledged burst >"$tmp/acked"
sql 'SELECT uuid FROM reports ORDER BY uuid' >"$tmp/stored"
[ -s "$tmp/acked" ] || fail "no agent saw an acknowledgement"
lost=$(comm -23 "$tmp/acked" "$tmp/stored" | wc -l)
[ "$lost" -eq 0 ] || fail "$lost acknowledged reports lost in the crash"
echo "$(wc -l <"$tmp/acked") acknowledged before the crash, $lost lost," \
	"$(comm -13 "$tmp/acked" "$tmp/stored" | wc -l) stored unacknowledged"
[ "$(spooled)" -gt 0 ] || fail "the crash left nothing to deliver"

# Back on the same port and database: the agents deliver the rest.
start_server "127.0.0.1:$port"
round=0
while [ "$(spooled)" -gt 0 ] && [ "$round" -lt 5 ]; do
	run_agents again$round
	wait_agents
	round=$((round + 1))
done
[ "$(spooled)" -eq 0 ] || fail "$(spooled) reports still spooled"
grep -h 'refused' "$tmp"/*.err >&2 && fail "a report was refused"
[ -z "$(find "$tmp"/agent*/rejected -type f)" ] || fail "reports rejected"

# check_store: every report once, each with its scan.
check_store() {
	want=$((agents * per_agent + agents * runs))
	got=$(sql 'SELECT count(*) FROM reports')
	[ "$got" -eq "$want" ] || fail "$1: $got reports stored, expected $want"
	got=$(sql 'SELECT count(*) FROM scans')
	[ "$got" -eq "$want" ] || fail "$1: $got scans stored, expected $want"
	got=$(sql 'SELECT count(DISTINCT uuid) FROM reports
		WHERE scan_id IN (SELECT id FROM scans)')
	[ "$got" -eq "$want" ] || fail "$1: $got reports with a scan"
	sql 'SELECT uuid FROM reports ORDER BY uuid' >"$tmp/stored"
	missing=$(comm -23 "$tmp/prefilled" "$tmp/stored" | wc -l)
	[ "$missing" -eq 0 ] || fail "$1: $missing pre-spooled reports lost"
	# Each agent's reports, and only those, under its own id.
	got=$(sql "SELECT count(*) FROM (SELECT agent_id FROM reports
		GROUP BY agent_id HAVING count(*) = $((per_agent + runs)))")
	[ "$got" -eq "$agents" ] || fail "$1: $got agents with every report"
	echo "$1: $(sql 'SELECT count(*) FROM reports') reports stored," \
		"expected $want"
}
check_store "crash"

# (b) The server is down for a while: two cycles wait in each spool.
stop_server TERM
run_agents down1
wait_agents
run_agents down2
wait_agents
[ "$agents_failed" -eq "$agents" ] || fail "an agent said all was delivered"
[ "$(spooled)" -eq $((2 * agents)) ] ||
	fail "expected $((2 * agents)) spooled reports, got $(spooled)"
grep -q 'unreachable' "$tmp/down2.1.err" || fail "down server not reported"
start_server "127.0.0.1:$port"
run_agents back
wait_agents
[ "$agents_failed" -eq 0 ] || fail "$agents_failed agents failed"
[ "$(spooled)" -eq 0 ] || fail "spool not emptied once the server is back"
check_store "outage"

stop_server TERM
grep -qi 'error' "$tmp/serve.err" && {
	sed 's/^/  serve: /' "$tmp/serve.err" >&2
	fail "the server logged an error"
}
finish
