#!/bin/sh
# vigie discover on captures made by real software (dcmtk, an MLLP
# sender, dnsmasq with isc-dhcp-client and udhcpc, see
# tests/fixtures/discover/gen_*.sh) and on the synthetic capture: the
# devices and their evidence, no patient datum or password in any
# output, truncated and hostile captures, usage errors; as root, a live
# capture in a network namespace that must not transmit a single packet
# and must decode as an unprivileged user.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
fx=$fixtures/discover

if ! "$vigie" discover --help >/dev/null 2>&1; then
	echo "vigie discover is not available yet: skipped"
	exit 77
fi

# discover FILE NAME: the JSON and the text output of FILE, kept.
discover() {
	expect_status 0 "$vigie" discover --no-store -r "$1" --format json
	cp "$tmp/out" "$tmp/$2.json"
	cp "$tmp/err" "$tmp/$2.err"
	expect_status 0 "$vigie" discover --no-store -r "$1"
	cp "$tmp/out" "$tmp/$2.txt"
}

# check NAME JQ-FILTER WHAT: the filter must print true on NAME.json.
check() {
	if [ "$(jq -r "$2" "$tmp/$1.json")" != true ]; then
		fail "$1: $3"
	fi
}

# dev MAC: the jq expression of the device with that MAC.
dev() {
	printf '(.devices[] | select(.mac == "%s"))' "$1"
}

# --- DICOM, from dcmtk between two namespaces.
discover "$fx/dicom.pcap" dicom
check dicom '.schema == "vigie.devices/1"' "schema"
check dicom '[.devices[] | select(.ips | index("10.77.0.2"))
	| .dicom.ae_titles | index("CT_SCANNER_1")] | any' \
	"the modality's AE title"
check dicom '[.devices[] | select(.ips | index("10.77.0.2"))
	| (.dicom.roles | index("modality")) and .category == "biomedical"]
	| any' "the modality's role and category"
check dicom '[.devices[] | select(.ips | index("10.77.0.1"))
	| (.dicom.roles | index("archive")) and (.dicom.roles |
	index("worklist")) and (.services | index("dicom/11112"))] | any' \
	"the PACS's roles and service"
check dicom '[.devices[].dicom.implementation.class_uid]
	| index("1.2.276.0.7230010.3.0.3.6.7") != null' \
	"dcmtk's implementation UID"

# --- HL7 over MLLP and Modbus/TCP.
discover "$fx/hl7.pcap" hl7
check hl7 '[.devices[].hl7.applications[]? | select(.application ==
	"CARDIO_MONITOR" and .facility == "ICU_2")
	| (.messages | index("ADT^A01")) and (.messages | index("ORU^R01"))]
	| any' "the sending application and its messages"
check hl7 '[.devices[] | select(.ips | index("10.78.0.1"))
	| .services | index("hl7/2575")] | any' "the receiver's service"
discover "$fx/modbus.pcap" modbus
check modbus '[.devices[] | .modbus.vendor == "Schneider Electric" and
	.category == "building-management"] | any' "the Modbus identity"

# --- DHCP from dnsmasq, dhclient and udhcpc.
discover "$fx/dhcp.pcap" dhcp
check dhcp "$(dev 00:09:fb:12:34:56) | .dhcp.hostname == \"MX800-ICU-07\"
	and .dhcp.vendor_class == \"PhilipsIntelliVue\"
	and (.ips | length > 0)" "dhclient's device"
check dhcp "$(dev 00:1a:fa:00:00:12) | (.hostnames |
	index(\"CONNEX-VSM-12\")) and .category == \"biomedical\"" \
	"udhcpc's device"
check dhcp '[.devices[] | select(.services | index("dhcp-server/67"))]
	| length == 1' "the DHCP server"

# --- Everything else, synthetic.
discover "$fx/synthetic.pcap" synthetic
check synthetic "$(dev 00:09:5c:00:00:07) | (.ips | index(\"10.1.3.57\"))
	and .dhcp.vendor_class == \"BBraun-Space\"
	and .category == \"biomedical\"" "the infusion pump"
check synthetic "$(dev 00:10:8d:02:60:01) | .bacnet.device_instance ==
	\"260001\" and .category == \"building-management\"" "BACnet"
check synthetic "$(dev 9c:7b:ef:40:40:04) | .category == \"printer\"" \
	"the printer"
check synthetic "$(dev 00:1e:be:11:22:33) | (.hostnames |
	index(\"SW-ICU-001\")) and .category == \"network\"" "CDP"
check synthetic "$(dev c8:f7:50:00:02:30) | .hostnames |
	index(\"PACS-WS-02\") != null" "NetBIOS"
check synthetic '[.devices[].cleartext_logins[]? | select(.protocol ==
	"telnet" and .user == "biomed")] | length == 1' "the telnet login"
check synthetic '.stats.malformed_frames > 0' "malformed frames counted"
grep -q "INFUSION-PUMP-07" "$tmp/synthetic.txt" ||
	fail "text output: the pump's name"

# --- Recorded in a store: each device an asset judged by the rules; the
# declared pump is managed, the others are not; cleartext logins are R4
# findings of the devices that accepted them.
printf 'name,mac,category,owner,site,criticality\nPompe 7,00:09:5C:00:00:07,biomedical,Biomed,Nord,4\n' \
	>"$tmp/assets.csv"
expect_status 0 "$vigie" assets import "$tmp/assets.csv" --db "$tmp/v.db"
expect_status 0 "$vigie" discover -r "$fx/synthetic.pcap" --db "$tmp/v.db"
cp "$tmp/out" "$tmp/recorded.txt"
cp "$tmp/err" "$tmp/recorded.err"
grep -q "25 devices recorded" "$tmp/err" ||
	fail "recording: $(cat "$tmp/err")"
q() { sqlite3 "$tmp/v.db" "$1"; }
[ "$(q "SELECT count(*) FROM hosts WHERE kind = 'device'")" = 25 ] ||
	fail "recording: devices are not assets of kind device"
[ "$(q "SELECT count(DISTINCT host_id) FROM findings WHERE state = 1
	AND check_id = 'inventory.unmanaged_device'")" = 24 ] ||
	fail "recording: unmanaged devices"
[ "$(q "SELECT count(*) FROM findings f JOIN hosts h ON h.id = f.host_id
	WHERE f.check_id = 'inventory.unmanaged_device'
	AND h.hostname = '00:09:5c:00:00:07'")" = 0 ] ||
	fail "recording: the declared pump is called unmanaged"
[ "$(q "SELECT group_concat(h.hostname || ' ' || f.subject, ';') FROM
	findings f JOIN hosts h ON h.id = f.host_id WHERE f.state = 1 AND
	f.check_id = 'password.cleartext_protocol' ORDER BY 1")" != "" ] ||
	fail "recording: no cleartext login finding"
# A second run of the same capture updates, it does not duplicate.
expect_status 0 "$vigie" discover -r "$fx/synthetic.pcap" --db "$tmp/v.db"
[ "$(q "SELECT count(*) FROM hosts WHERE kind = 'device'")" = 25 ] ||
	fail "recording twice duplicated devices"
expect_status 2 "$vigie" discover -r "$fx/dhcp.pcap" --db x --no-store

# --- Merged over time (issue 4): the patient monitor heard in the
# synthetic capture (twice above) then in the DHCP one is one device
# whose stored facts hold both captures' evidence, first seen in the
# earlier, last seen in the later.
mon=00:09:fb:12:34:56
# stored_facts KEY: the facts of KEY's latest scan, in $tmp/stored.json.
stored_facts() {
	q "SELECT writefile('$tmp/stored.zst', s.facts_zstd) FROM scans s
		JOIN hosts h ON h.id = s.host_id WHERE h.hostname = '$1'
		AND h.kind = 'device' ORDER BY s.collected_at DESC, s.id DESC
		LIMIT 1" >/dev/null
	zstd -q -d -f "$tmp/stored.zst" -o "$tmp/stored.json"
}
# merged JQ-FILTER WHAT: the filter must print true on the stored facts.
merged() {
	if [ "$(jq -r "$1" "$tmp/stored.json")" != true ]; then
		fail "merged: $2: $(jq -c .device "$tmp/stored.json")"
	fi
}
if command -v zstd >/dev/null; then
	stored_facts $mon
	merged '[.device.evidence[] | select(.attribute == "hostname")]
		| .[0].count == 2 and length == 1' "twice the same capture"
	merged '.device.first_seen == "2023-11-14T22:13:20Z"' \
		"the synthetic capture's first sighting"
	expect_status 0 "$vigie" discover -r "$fx/dhcp.pcap" --db "$tmp/v.db"
	[ "$(q "SELECT count(*) FROM hosts WHERE kind = 'device'
		AND hostname = '$mon'")" = 1 ] ||
		fail "merged: the monitor is not one device"
	stored_facts $mon
	last=$(jq -r "$(dev $mon) | .last_seen" "$tmp/dhcp.json")
	merged '.device.first_seen == "2023-11-14T22:13:20Z"' \
		"first seen is the earlier capture's"
	merged ".device.last_seen == \"$last\"" \
		"last seen is the later capture's"
	merged '.device.ips == "10.250.0.66"' "the DHCP capture's address"
	merged '.device.name == "MX800-ICU-07"' "the name"
	# Synthetic only, DHCP only, and both (its counts summed).
	merged '[.device.evidence[] | select(.attribute == "client_id" and
		.value == "010009fb123456")] | length == 1' "synthetic's only"
	merged '[.device.evidence[] | select(.attribute ==
		"dhcp_fingerprint" and .value == "53,12,55,60")] | length == 1' \
		"the DHCP capture's only"
	merged '[.device.evidence[] | select(.attribute == "hostname")]
		| length == 1 and .[0].count == 4 and
		.[0].first_seen == "2023-11-14T22:13:20Z"' "both, summed"
	merged '.device.evidence | length == 6' "the union"
else
	echo "zstd not installed: stored facts not checked"
fi

# --- Nothing private in any output.
for secret in ZZTEST PID-SECRET-4711 SECRET-PW-99 s3cret; do
	if grep -l "$secret" "$tmp"/*.json "$tmp"/*.txt "$tmp"/*.err \
		2>/dev/null; then
		fail "'$secret' appears in an output"
	fi
done

# --- Bad input.
head -c 3000 "$fx/synthetic.pcap" >"$tmp/cut.pcap"
expect_status 0 "$vigie" discover --no-store -r "$tmp/cut.pcap" --format json
grep -q "truncated" "$tmp/err" || fail "truncated capture: no warning"
jq -e '.stats.packets > 0' "$tmp/out" >/dev/null ||
	fail "truncated capture: packets before the cut are lost"
printf 'not a capture' >"$tmp/junk.pcap"
expect_status 1 "$vigie" discover --no-store -r "$tmp/junk.pcap"
grep -q "junk.pcap" "$tmp/err" || fail "junk capture: file not named"
expect_status 1 "$vigie" discover --no-store -r "$tmp/missing.pcap"
expect_status 2 "$vigie" discover
expect_status 2 "$vigie" discover -r "$fx/dhcp.pcap" -i lo
expect_status 2 "$vigie" discover -r "$fx/dhcp.pcap" --duration 10s
expect_status 2 "$vigie" discover -i lo --duration soon
expect_status 2 "$vigie" discover -r "$fx/dhcp.pcap" --format xml

# --- Listen only: the program cannot send with libpcap. libpcap is
# opened at run time and its functions looked up by name: neither the
# link nor any name in the program may reach one that sends...
if nm -D --undefined-only "$vigie" | grep -E 'pcap_'; then
	fail "vigie links libpcap at build time"
fi
if grep -aqE 'pcap_(inject|sendpacket)' "$vigie"; then
	fail "vigie names a libpcap function that sends"
fi
grep -aq 'pcap_dispatch' "$vigie" ||
	fail "the name check sees no libpcap name at all"

# ... and a live capture in a namespace transmits nothing, decoding as
# an unprivileged user (root only: namespaces and capture).
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "not root: live capture test skipped"
else
	ns=vgdsc-$$
	cleanup_ns() { ip netns del "$ns" 2>/dev/null || true; }
	trap 'cleanup_ns; rm -rf "$tmp"' EXIT INT TERM
	ip netns add "$ns"
	ip link add vgd0 type veth peer name vgd1 netns "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	sysctl -qw net.ipv6.conf.vgd0.disable_ipv6=1
	ip netns exec "$ns" ip link set vgd1 up
	ip link set vgd0 address 00:1a:fa:00:00:99 up
	before=$(ip netns exec "$ns" cat /sys/class/net/vgd1/statistics/tx_packets)
	ip netns exec "$ns" "$vigie" discover --no-store -i vgd1 --duration 4s \
		--format json >"$tmp/live.json" 2>"$tmp/live.err" &
	pid=$!
	sleep 1.5
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo)
	capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status" 2>/dev/null ||
		echo)
	# A DHCP request from the other end: the capture must see it.
	python3 - <<'PY' || fail "could not send the test frame"
import socket, struct
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("vgd0", 0))
mac = bytes.fromhex("001afa000099")
opts = bytes([53, 1, 1, 12, 9]) + b"LIVE-PUMP" + bytes([255])
bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x1234, 0, 0,
                    bytes(4), bytes(4), bytes(4), bytes(4), mac, bytes(64),
                    bytes(128)) + b"\x63\x82\x53\x63" + opts
udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                 bytes(4), b"\xff\xff\xff\xff") + udp
s.send(b"\xff" * 6 + mac + b"\x08\x00" + ip)
PY
	wait "$pid" || fail "live capture failed: $(cat "$tmp/live.err")"
	after=$(ip netns exec "$ns" cat /sys/class/net/vgd1/statistics/tx_packets)
	[ "$before" = "$after" ] ||
		fail "the capture interface sent $((after - before)) packets"
	[ -n "$uid" ] && [ "$uid" != 0 ] ||
		fail "packets were decoded as uid '$uid', not an unprivileged user"
	[ "$capeff" = 0000000000000000 ] ||
		fail "capabilities left while decoding: $capeff"
	jq -e '[.devices[] | select(.mac == "00:1a:fa:00:00:99")
		| .hostnames | index("LIVE-PUMP")] | any' "$tmp/live.json" \
		>/dev/null || fail "the live capture did not see the test frame"
	cleanup_ns
fi

[ "$failures" -eq 0 ]
