#!/bin/sh
# Benchmark `vigie scan` against the tool a security officer would run
# instead, Debian's lynis (`lynis audit system --quick`), on this machine;
# then vigie's CPU time and peak memory, and a generated large root.
#   bench/scan.sh            (as root, after `make`; `make bench` does both)
# Environment: LYNIS_RUNS (3), VIGIE_RUNS (30).
set -eu
cd "$(dirname "$0")/.."
vigie=./build/vigie
lynis_runs=${LYNIS_RUNS:-3}
vigie_runs=${VIGIE_RUNS:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in hyperfine jq lynis /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: $tool missing: run scripts/install-deps --bench" >&2
		exit 1
	}
done
[ -x "$vigie" ] || { echo "bench: build first (make)" >&2; exit 1; }

packages=$(dpkg-query -W 2>/dev/null | wc -l)
echo "host: $(hostname), $(nproc) cores, $packages packages installed"

median() { jq -r ".results[$1].median" "$tmp/h.json"; }

hyperfine --style basic --warmup 3 --runs "$vigie_runs" \
	--export-json "$tmp/h.json" "$vigie scan --no-store" >/dev/null
vigie_median=$(median 0)
# Cold: no apt index (the first scan after each `apt update`).
hyperfine --style basic --warmup 1 --runs "$vigie_runs" \
	--export-json "$tmp/h.json" \
	"env VIGIE_NO_CACHE=1 $vigie scan --no-store" >/dev/null
cold_median=$(median 0)
VIGIE_NO_CACHE=1 /usr/bin/time -f '%U %S %M' -o "$tmp/tc" "$vigie" scan \
	--no-store >/dev/null
read -r cuser csys crss <"$tmp/tc"
hyperfine --style basic --runs "$lynis_runs" --export-json "$tmp/h.json" \
	"lynis audit system --quick --no-colour --no-log --cronjob" \
	>/dev/null 2>&1
lynis_median=$(median 0)

/usr/bin/time -f '%U %S %M' -o "$tmp/t" "$vigie" scan --no-store >/dev/null
read -r user sys rss <"$tmp/t"

./bench/gen-root.sh "$tmp/root" 10000 5000 1000 >/dev/null
hyperfine --style basic --warmup 1 --runs 10 --export-json "$tmp/h.json" \
	"$vigie scan --no-store --root $tmp/root" >/dev/null
big_median=$(median 0)
/usr/bin/time -f '%M' -o "$tmp/t2" "$vigie" scan --no-store \
	--root "$tmp/root" >/dev/null
big_rss=$(cat "$tmp/t2")

awk -v v="$vigie_median" -v l="$lynis_median" -v u="$user" -v s="$sys" \
	-v m="$rss" -v b="$big_median" -v bm="$big_rss" -v c="$cold_median" \
	-v cu="$cuser" -v cs="$csys" -v cm="$crss" 'BEGIN {
	printf "\n%-44s %12s\n", "", "median"
	printf "%-44s %10.1f ms\n", "vigie scan --no-store", v * 1000
	printf "%-44s %10.1f ms\n", "lynis audit system --quick", l * 1000
	printf "%-44s %10.0fx  (target >= 100x)\n", "ratio lynis / vigie", l / v
	printf "%-44s %10.1f ms  (target < 50 ms)\n", "vigie CPU time (user + sys)", (u + s) * 1000
	printf "%-44s %10.1f MB  (target < 20 MB)\n", "vigie peak memory (max RSS)", m / 1024
	printf "%-44s %10.1f ms\n", "vigie scan, cold (VIGIE_NO_CACHE=1)", c * 1000
	printf "%-44s %10.1f ms, %.1f MB\n", "  cold CPU time, peak memory", (cu + cs) * 1000, cm / 1024
	printf "%-44s %10.1f ms  (target < 1000 ms)\n", "vigie, 10k accounts/5k pkgs/1k sudo rules", b * 1000
	printf "%-44s %10.1f MB\n", "  peak memory", bm / 1024
}'
