#!/bin/sh
# Isolation for real (issue 6), in network namespaces made here: a host
# running `vigie agent run`, a server running `vigie serve`, a third
# machine, all on one bridge. Before: all talk. After `vigie incident
# isolate`: only the agent and its server (TCP and ICMP from and to the
# third machine fail). After `release`: all talk again. An isolation
# survives a kill -9 and a lost ruleset (a reboot): the restarted agent
# applies it again; `vigie agent release --local` is the break-glass.
# Skipped (77) without root, nft, python3 or network namespaces.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/isolation_lib.sh"
export LANG=C LC_ALL=C

for cmd in agent serve token incident; do
	if ! "$vigie" "$cmd" --help >/dev/null 2>&1; then
		echo "vigie $cmd is not available yet: skipped"
		exit 77
	fi
done
ns_skip_unless_possible
prepare_roots
db=$tmp/server/vigie.db
state=$tmp/agent
trap 'ns_down; rm -rf "$tmp"' EXIT INT TERM
ns_up
ns_listeners

# all_talk WHEN: every machine reaches every other (TCP and ICMP).
all_talk() {
	for a in "$ns_host:$ip_host" "$ns_srv:$ip_srv" "$ns_third:$ip_third"; do
		for b in "$ip_host" "$ip_srv" "$ip_third"; do
			[ "${a#*:}" = "$b" ] && continue
			tcp_ok "${a%%:*}" "$b" 8000 ||
				fail "$1: ${a#*:} cannot open TCP to $b"
			icmp_ok "${a%%:*}" "$b" ||
				fail "$1: ${a#*:} gets no ICMP echo from $b"
		done
	done
}

# isolated WHEN: only the agent and its server talk.
isolated() {
	table_in "$ns_host" || fail "$1: no table inet vigie_isolation"
	tcp_ok "$ns_host" "$ip_srv" 8443 ||
		fail "$1: the host cannot reach its server"
	tcp_ok "$ns_third" "$ip_host" 8000 &&
		fail "$1: third -> host TCP still works"
	icmp_ok "$ns_third" "$ip_host" &&
		fail "$1: third -> host ICMP still works"
	tcp_ok "$ns_host" "$ip_third" 8000 &&
		fail "$1: host -> third TCP still works"
	icmp_ok "$ns_host" "$ip_third" &&
		fail "$1: host -> third ICMP still works"
	# The server's other ports are closed too: only vigie is let in.
	tcp_ok "$ns_srv" "$ip_host" 8000 &&
		fail "$1: server -> host port 8000 still works"
	tcp_ok "$ns_host" "$ip_srv" 8000 &&
		fail "$1: host -> server port 8000 still works"
	# The others are not isolated.
	tcp_ok "$ns_third" "$ip_srv" 8000 ||
		fail "$1: third -> server no longer works"
	return 0
}

# verb VERB: `vigie incident VERB` of the incident, confirmed in time.
verb() {
	before=$failures
	expect_status 0 "$vigie" incident "$1" "$incident" --asset srv-clean \
		--db "$db" --wait 10
	[ "$failures" -eq "$before" ] || sed 's/^/  stdout: /' "$tmp/out" >&2
	grep -q 'confirmed' "$tmp/out" || fail "$1: not confirmed"
}

all_talk "before"

ns_serve
ns_enroll
ns_agent_start

"$vigie" incident open --title "Rançongiciel aux urgences" --type ransomware \
	--asset srv-clean --db "$db" >"$tmp/open.out" 2>"$tmp/open.err" || {
	cat "$tmp/open.err" >&2
	echo "FAIL: incident open failed" >&2
	exit 1
}
incident=$(grep -oE '[0-9]+' "$tmp/open.out" | head -n 1)

# Isolate: confirmed within the wait.
verb isolate
isolated "isolated"
[ "$(stat -c %a "$state/isolation.json")" = 600 ] ||
	fail "isolation.json missing or not mode 0600"
jq -e --arg ip "$ip_srv" '.server_ip == $ip and .server_port == 8443' \
	"$state/isolation.json" >/dev/null ||
	fail "isolation.json does not name the server's address"
grep -q 'host isolated' "$tmp/agent.log" || fail "agent did not log it"
grep -q 'evidence sent' "$tmp/agent.log" ||
	fail "no evidence sent before the isolation"

# Release: every machine talks again, nothing left behind.
verb release
table_in "$ns_host" && fail "release: the table is still there"
[ ! -e "$state/isolation.json" ] || fail "release: the record is still there"
all_talk "after release"

# Isolate again, kill -9 the agent, lose the ruleset (as a reboot would):
# the restarted agent applies it again before anything else.
verb isolate
table_in "$ns_host" || fail "second isolation: no table"
kill -KILL "$agent_pid"
wait "$agent_pid" 2>/dev/null || true
sleep 0.5
ip netns exec "$ns_host" nft delete table inet vigie_isolation
tcp_ok "$ns_third" "$ip_host" 8000 || fail "the table was not deleted"
ns_agent_start
isolated "after restart"
grep -q 'applied again' "$tmp/agent.log" ||
	fail "the restarted agent does not say it re-applied the isolation"

# Break-glass at the machine: the table and the record go.
kill -TERM "$agent_pid"
wait "$agent_pid" 2>/dev/null || true
expect_status 2 ip netns exec "$ns_host" "$vigie" agent release \
	--state-dir "$state"
expect_status 0 ip netns exec "$ns_host" "$vigie" agent release --local \
	--state-dir "$state"
grep -q 'deleted the nftables table' "$tmp/out" ||
	fail "release --local does not say it deleted the table"
grep -q 'removed the isolation record' "$tmp/out" ||
	fail "release --local does not say it removed the record"
table_in "$ns_host" && fail "release --local: the table is still there"
[ ! -e "$state/isolation.json" ] ||
	fail "release --local: the record is still there"
all_talk "after release --local"
# Twice: nothing to do, still success.
expect_status 0 ip netns exec "$ns_host" "$vigie" agent release --local \
	--state-dir "$state"
grep -q 'not isolated' "$tmp/out" || fail "second release --local: unclear"

if [ "$failures" -gt 0 ]; then
	sed 's/^/  agent: /' "$tmp/agent.log" | tail -n 30 >&2
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "isolation: ok"
