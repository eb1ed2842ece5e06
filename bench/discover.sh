#!/bin/sh
# Benchmark passive discovery: a capture of >= 1 million packets (the
# discover fixtures, made by dcmtk, an MLLP sender, dnsmasq/dhclient and
# the synthetic writer, appended to background traffic from
# bench/gen-traffic.py) read from the page cache by `vigie discover -r`
# and by `tshark -r ... -Y "dicom || hl7 || dhcp"` extracting the same
# identity fields (AE titles, implementation UID, HL7 applications and
# message type, DHCP host name and vendor class). Prints packets/s for
# both, the ratio (target >= 20x), vigie's packets/s on one core
# (target >= 2 million) and its peak memory.
#   bench/discover.sh        (after `make`; scripts/install-deps --bench)
# Environment: PACKETS (1000000 background packets), RUNS (5 vigie
# runs; tshark runs once: it takes minutes), KEEP (1 keeps the capture
# in build/bench-discover/ for the next run; default 1).
set -eu
cd "$(dirname "$0")/.."
vigie=./build/vigie
packets=${PACKETS:-1000000}
runs=${RUNS:-5}
dir=build/bench-discover
fixtures=tests/fixtures/discover

for tool in hyperfine tshark mergecap capinfos python3 /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: $tool missing: run scripts/install-deps --bench" >&2
		exit 1
	}
done
[ -x "$vigie" ] || { echo "bench: build first (make)" >&2; exit 1; }
mkdir -p "$dir"
cap=$dir/capture-$packets.pcap
if [ ! -s "$cap" ]; then
	echo "bench: writing $packets packets of background traffic..."
	python3 bench/gen-traffic.py "$dir/background.pcap" "$packets" \
		>/dev/null
	# The fixtures 20 times over, then the background: mergecap -a
	# appends in order (no timestamp sort needed for either tool).
	set --
	i=0
	while [ "$i" -lt 20 ]; do
		set -- "$@" "$fixtures"/dicom.pcap "$fixtures"/hl7.pcap \
			"$fixtures"/dhcp.pcap "$fixtures"/modbus.pcap \
			"$fixtures"/synthetic.pcap
		i=$((i + 1))
	done
	mergecap -F pcap -a -w "$cap" "$@" "$dir/background.pcap"
	rm -f "$dir/background.pcap"
fi
total=$(capinfos -M -c "$cap" | awk -F': *' '/Number of packets/ { print $2 }')
echo "capture: $cap, $total packets, $(du -m "$cap" | cut -f1) MB"
cat "$cap" >/dev/null # into the page cache

tshark_cmd="tshark -r $cap -o dicom.heuristic:TRUE -d tcp.port==2575,hl7 \
-Y 'dicom || hl7 || dhcp' -T fields -e ip.src -e dicom.assoc.ae.calling \
-e dicom.assoc.ae.called -e dicom.userinfo.uid -e hl7.message.type \
-e hl7.raw.segment -e dhcp.option.hostname -e dhcp.option.vendor_class_id"
vigie_cmd="$vigie discover --no-store -r $cap --format json"

hyperfine --warmup 1 --runs "$runs" --export-json "$dir/vigie.json" \
	"$vigie_cmd >/dev/null" >/dev/null
hyperfine --runs 1 --export-json "$dir/tshark.json" \
	"$tshark_cmd >/dev/null 2>&1" >/dev/null
/usr/bin/time -f '%M' -o "$dir/vigie.rss" $vigie_cmd >"$dir/devices.json"
devices=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["devices"]))' \
	"$dir/devices.json")

median() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
}
v=$(median "$dir/vigie.json")
t=$(median "$dir/tshark.json")
awk -v n="$total" -v v="$v" -v t="$t" -v rss="$(cat "$dir/vigie.rss")" \
	-v d="$devices" 'BEGIN {
	printf "\n%-30s %14s %14s %8s\n", "", "vigie discover", "tshark", "ratio"
	printf "%-30s %14.3f %14.3f %7.1fx\n", "median wall time (s)", v, t, t / v
	printf "%-30s %14.0f %14.0f\n", "packets/s", n / v, n / t
	printf "\n%-30s %14.0f  (target >= 2,000,000 on one core)\n",
		"vigie packets/s", n / v
	printf "%-30s %14.1f  (target: ratio >= 20x)\n", "ratio", t / v
	printf "%-30s %14.1f MB\n", "vigie peak memory (max RSS)", rss / 1024
	printf "%-30s %14d\n", "devices found", d
}'
