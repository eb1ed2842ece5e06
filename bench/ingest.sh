#!/bin/sh
# Benchmark the server's ingestion: AGENTS enrolled agents post REPORTS
# reports of this host's facts (`vigie facts`, ~900 packages here), each
# under a new UUID, over HTTPS with keep-alive, to `vigie serve` on a
# loopback port with its SQLite store: reports/s, p50/p99 latency,
# errors (target: >= 1,000 reports/s on 2 cores), twice: full reports
# (an agent's first contact, or an older agent), then the steady state
# (the big sections sent by reference, as an agent sends its hourly
# report once the server acknowledged them). Then the agent's CPU
# time and peak memory per cycle (`vigie agent run --once`) next to
# one Lynis run on the same host.
#   bench/ingest.sh            (after `make`; as root for a full Lynis run)
# Environment: REPORTS (5000), AGENTS (50), THREADS (server threads,
# default one per CPU), CYCLES (agent cycles timed, 20), FACTS (a facts
# file instead of this host's), LYNIS (1; 0 skips Lynis), PERF (0; 1
# records the server with perf, reports in build/perf-ingest-full.txt
# and build/perf-ingest-refs.txt;
# PERF_ARGS, default -g, and PERF_REPORT, default --no-children, are
# passed to perf record and perf report, e.g. PERF_ARGS="--call-graph
# dwarf" PERF_REPORT="--children --sort sym -g none").
set -eu
cd "$(dirname "$0")/.."
vigie=./build/vigie
loadgen=./build/bench/loadgen
reports=${REPORTS:-5000}
agents=${AGENTS:-50}
lynis=${LYNIS:-1}
perf=${PERF:-0}
tmp=$(mktemp -d)
server_pid=
stop_server() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

for tool in jq curl /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: $tool missing: run scripts/install-deps --bench" >&2
		exit 1
	}
done
[ -x "$vigie" ] || { echo "bench: build first (make)" >&2; exit 1; }
meson compile -C build loadgen >/dev/null

echo "host: $(hostname), $(nproc) cores, $(dpkg-query -W 2>/dev/null |
	wc -l) packages installed"

# The server, on a free loopback port, over TLS.
"$vigie" serve --listen 127.0.0.1:0 --db "$tmp/vigie.db" \
	--state-dir "$tmp/server" ${THREADS:+--threads "$THREADS"} \
	>"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
i=0
while ! grep -q '^vigie: serving' "$tmp/serve.out"; do
	i=$((i + 1))
	if [ "$i" -gt 200 ] || ! kill -0 "$server_pid" 2>/dev/null; then
		cat "$tmp/serve.err" >&2
		echo "bench: vigie serve did not start" >&2
		exit 1
	fi
	sleep 0.05
done
url=$(sed -n 's/^vigie: serving \([^ ]*\).*/\1/p' "$tmp/serve.out")
pin=$(sed -n 's/.*(pin \(sha256\/\/[^)]*\))$/\1/p' "$tmp/serve.out")

# The agents: one through `vigie agent enroll` (for the cycle measured
# below), the others straight through the API.
token() {
	"$vigie" token create --site Bench --db "$tmp/vigie.db" 2>/dev/null
}
"$vigie" agent enroll --server "$url" --token "$(token)" \
	--fingerprint "$pin" --state-dir "$tmp/agent" >/dev/null
jq -r '.agent_id + ":" + .secret' "$tmp/agent/agent.json" >"$tmp/creds"
n=1
while [ "$n" -lt "$agents" ]; do
	curl -sS -k --pinnedpubkey "$pin" -d \
		"{\"token\":\"$(token)\",\"hostname\":\"bench-$n\"}" \
		"$url/api/v1/enroll" | jq -r '.agent_id + ":" + .secret' \
		>>"$tmp/creds"
	n=$((n + 1))
done

if [ -n "${FACTS:-}" ]; then
	cp "$FACTS" "$tmp/facts.json"
else
	"$vigie" facts >"$tmp/facts.json" 2>/dev/null
fi
packages=$(jq '.packages | length' "$tmp/facts.json")

# The steady state's facts: the sections the server acknowledged (the
# "sections" of its answer to a full report) sent by reference.
printf '{"uuid":"%s","facts":' "$(cat /proc/sys/kernel/random/uuid)" \
	>"$tmp/one.json"
cat "$tmp/facts.json" >>"$tmp/one.json"
printf '}' >>"$tmp/one.json"
curl -sS -k --pinnedpubkey "$pin" -H "Authorization: Bearer $(head -n 1 \
	"$tmp/creds")" --data-binary "@$tmp/one.json" "$url/api/v1/reports" \
	>"$tmp/answer.json"
jq --slurpfile a "$tmp/answer.json" 'reduce ($a[0].sections // {} |
	to_entries[]) as $e (.; .[$e.key] = {"$ref": $e.value})' \
	"$tmp/facts.json" >"$tmp/facts-ref.json"

# The server's CPU time (user + sys, in clock ticks) around a run: per
# report, it does not depend on what else the cores are doing.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# The bytes it wrote (the WAL, mostly) and its fsyncs are not CPU time:
# what group commit saves shows here.
io_bytes() { awk '/^wchar/ { print $2 }' "/proc/$server_pid/io"; }
# run NAME FACTS: a warm-up (TLS, page cache, SQLite's first pages),
# then REPORTS reports of FACTS; the load generator's figures in
# $tmp/lg-NAME.out, the server's CPU ticks in $tmp/cpu-NAME.
run() {
	"$loadgen" "$url" "$pin" "$tmp/creds" "$2" $((agents * 4)) \
		"$agents" >/dev/null
	if [ "$perf" = 1 ]; then
		perf record ${PERF_ARGS:--g} -o "$tmp/perf-$1.data" \
			-p "$server_pid" >/dev/null 2>"$tmp/perf.err" &
		perf_pid=$!
		sleep 0.5
	fi
	cpu0=$(cpu_ticks)
	io0=$(io_bytes)
	/usr/bin/time -f '%U %S' -o "$tmp/lg-$1.time" "$loadgen" "$url" \
		"$pin" "$tmp/creds" "$2" "$reports" "$agents" \
		>"$tmp/lg-$1.out" ||
		echo "bench: the load generator saw errors ($1)" >&2
	echo $(($(cpu_ticks) - cpu0)) >"$tmp/cpu-$1"
	echo $(($(io_bytes) - io0)) >"$tmp/io-$1"
	if [ "$perf" = 1 ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
		perf report -i "$tmp/perf-$1.data" \
			${PERF_REPORT:---no-children} --percent-limit 1 \
			--stdio 2>/dev/null | grep -v '^$' | head -n 200 \
			>"build/perf-ingest-$1.txt"
		echo "bench: server profile in build/perf-ingest-$1.txt"
	fi
}
run full "$tmp/facts.json"
run refs "$tmp/facts-ref.json"
stored=$(curl -sS -k --pinnedpubkey "$pin" -o /dev/null -w '%{http_code}' \
	"$url/api/v1/health")
[ "$stored" = 200 ] || echo "bench: server unhealthy after the run" >&2
get() { sed -n "s/^$1 //p" "$tmp/lg-$2.out"; }

# Agent cycles (collect this host, spool, deliver), CYCLES of them timed
# together: one takes less than the 10 ms that time(1) resolves.
cycles=${CYCLES:-20}
# shellcheck disable=SC2016 # expanded by the inner shell
/usr/bin/time -f '%e %U %S %M' -o "$tmp/agent.time" sh -c '
	i=0
	while [ "$i" -lt "$1" ]; do
		"$2" agent run --once --state-dir "$3" || exit 1
		i=$((i + 1))
	done' sh "$cycles" "$vigie" "$tmp/agent" 2>"$tmp/agent.err" ||
	{ cat "$tmp/agent.err" >&2; echo "bench: agent cycle failed" >&2; }
read -r a_wall a_user a_sys a_rss <"$tmp/agent.time"

# The agent as a service: its peak memory (VmHWM) once a cycle (run in
# a child process) has delivered and it idles until the next one.
"$vigie" agent run --interval 1h --state-dir "$tmp/agent" -v \
	2>"$tmp/service.err" &
svc_pid=$!
i=0
while ! grep -q 'delivered' "$tmp/service.err" && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
idle_hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$svc_pid/status")
kill -TERM "$svc_pid" 2>/dev/null || true
wait "$svc_pid" 2>/dev/null || true
stop_server

if [ "$lynis" != 0 ] && command -v lynis >/dev/null 2>&1; then
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/lynis.time" \
		lynis audit system --quick --no-colour --no-log --cronjob \
		>/dev/null 2>&1 || true
	# Lynis is a shell script: %M is its largest process, not the sum.
	read -r l_wall l_user l_sys l_rss <"$tmp/lynis.time"
else
	l_wall=0 l_user=0 l_sys=0 l_rss=0
fi

# phase NAME TITLE: one run's figures.
phase() {
	read -r lg_user lg_sys <"$tmp/lg-$1.time"
	awk -v title="$2" -v n="$(get requests "$1")" -v a="$agents" \
		-v p="$packages" -v b="$(get body_bytes "$1")" \
		-v s="$(get seconds "$1")" -v r="$(get reports_per_s "$1")" \
		-v p50="$(get p50_ms "$1")" -v p90="$(get p90_ms "$1")" \
		-v p99="$(get p99_ms "$1")" -v mx="$(get max_ms "$1")" \
		-v e="$(get errors "$1")" -v c="$(get connections "$1")" \
		-v lu="$lg_user" -v ls="$lg_sys" -v hz="$(getconf CLK_TCK)" \
		-v sc="$(cat "$tmp/cpu-$1")" -v cores="$(nproc)" \
		-v io="$(cat "$tmp/io-$1")" 'BEGIN {
	printf "\ningest, %s: %d reports, %d agents, %d packages each" \
		" (%.0f KB)\n", title, n, a, p, b / 1024
	printf "%-36s %10.0f  (target >= 1000: %.2fx)\n", "reports/s", r,
		r / 1000
	printf "%-36s %10.2f ms\n", "latency p50", p50
	printf "%-36s %10.2f ms\n", "latency p90", p90
	printf "%-36s %10.2f ms\n", "latency p99", p99
	printf "%-36s %10.2f ms\n", "latency max", mx
	printf "%-36s %10d\n", "errors", e
	printf "%-36s %10d\n", "TLS connections opened", c
	cpu = sc / hz * 1000 / n
	printf "%-36s %10.2f ms  (target <= 2: %.2fx)\n",
		"server CPU per report", cpu, (cpu > 0) ? 2 / cpu : 0
	printf "%-36s %10.0f  (all %d cores, server alone)\n",
		"  so at most, reports/s", (sc > 0) ? cores * n * hz / sc : 0, cores
	printf "%-36s %10.1f KB\n", "server writes per report", io / n / 1024
	printf "%-36s %10.2f s  (of %.2f s wall)\n",
		"load generator CPU (shares the cores)", lu + ls, s
}'
}
phase full "full reports (first contact)"
phase refs "steady state (sections by reference)"

awk -v aw="$a_wall" -v au="$a_user" -v as="$a_sys" -v am="$a_rss" \
	-v cy="$cycles" -v ih="$idle_hwm" \
	-v lw="$l_wall" -v luu="$l_user" -v lss="$l_sys" -v lm="$l_rss" 'BEGIN {
	# Per cycle: for the agent, the mean of cy cycles.
	aw /= cy; au /= cy; as /= cy
	printf "\n%-28s %12s %12s %10s\n", "one cycle", "vigie agent", "lynis",
		"ratio"
	ratio = ((au + as) > 0) ? (luu + lss) / (au + as) : 0
	printf "%-28s %12.2f %12.1f %9.0fx\n", "wall time (s)", aw, lw,
		(aw > 0) ? lw / aw : 0
	printf "%-28s %12.3f %12.1f %9.0fx\n", "CPU time, user+sys (s)",
		au + as, luu + lss, ratio
	printf "%-28s %12.1f %12.1f %9.1fx\n", "peak memory, max RSS (MB)",
		am / 1024, lm / 1024, (am > 0) ? lm / am : 0
	printf "%-28s %12.1f  (target <= 10)\n",
		"service idle peak (MB)", ih / 1024
}'
