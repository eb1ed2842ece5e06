#!/bin/sh
# Benchmark the isolation of a host (issue 6): in network namespaces (a
# host running `vigie agent run`, a server running `vigie serve`, on one
# bridge), the wall time from `vigie incident isolate --wait` to the
# confirmed isolation (evidence snapshot sent, ruleset applied, result
# recorded), over N isolate/release rounds: median, min, max, and the
# ratio of the median to the 2 s target. Also the agent service's peak
# memory (VmHWM, target <= 10 MB) and its task watcher's.
#   bench/isolate.sh           (as root, after `make`)
# Environment: RUNS (10), VIGIE (./build/vigie).
set -eu
cd "$(dirname "$0")/.."
vigie=$(realpath "${VIGIE:-./build/vigie}")
fixtures=$(realpath tests/fixtures)
runs=${RUNS:-10}
target_ms=2000
. tests/integration/lib.sh
. tests/integration/isolation_lib.sh
ns_skip_unless_possible
prepare_roots
db=$tmp/server/vigie.db
state=$tmp/agent
trap 'ns_down; rm -rf "$tmp"' EXIT INT TERM
ns_up
ns_serve
ns_enroll
ns_agent_start
"$vigie" incident open --title "bench isolation" --type ransomware \
	--asset srv-clean --db "$db" >"$tmp/open.out"
incident=$(grep -oE '[0-9]+' "$tmp/open.out" | head -n 1)

ms() { echo $(($(date +%s%N) / 1000000)); }

: >"$tmp/times"
i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(ms)
	if ! "$vigie" incident isolate "$incident" --asset srv-clean \
		--db "$db" --wait 10 >"$tmp/iso.out" 2>&1; then
		cat "$tmp/iso.out" >&2
		echo "bench: isolation $i not confirmed" >&2
		exit 1
	fi
	echo $(($(ms) - t0)) >>"$tmp/times"
	# Peak memory while isolated, after the watcher took its snapshot.
	if [ "$i" -eq 0 ]; then
		watcher=$(grep -oE 'task watcher started \(process [0-9]+' \
			"$tmp/agent.log" | tail -n 1 | grep -oE '[0-9]+$')
		w_hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$watcher/status" \
			2>/dev/null || echo "?")
	fi
	"$vigie" incident release "$incident" --asset srv-clean --db "$db" \
		--wait 10 >"$tmp/rel.out" 2>&1 || {
		cat "$tmp/rel.out" >&2
		echo "bench: release $i not confirmed" >&2
		exit 1
	}
	i=$((i + 1))
done
svc_hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$agent_pid/status")

sort -n "$tmp/times" >"$tmp/sorted"
n=$(wc -l <"$tmp/sorted")
min=$(head -n 1 "$tmp/sorted")
max=$(tail -n 1 "$tmp/sorted")
if [ $((n % 2)) -eq 1 ]; then
	median=$(sed -n "$((n / 2 + 1))p" "$tmp/sorted")
else
	a=$(sed -n "$((n / 2))p" "$tmp/sorted")
	b=$(sed -n "$((n / 2 + 1))p" "$tmp/sorted")
	median=$(((a + b) / 2))
fi
printf 'isolate -> confirmed over %d runs: median %d ms, min %d ms, max %d ms\n' \
	"$n" "$median" "$min" "$max"
awk -v m="$median" -v t="$target_ms" 'BEGIN {
	printf "target < %d ms: median/target = %.2f (%s)\n", t, m / t,
		m < t ? "met" : "MISSED" }'
printf 'agent service VmHWM %s kB (target <= 10240), task watcher VmHWM %s kB\n' \
	"$svc_hwm" "$w_hwm"
