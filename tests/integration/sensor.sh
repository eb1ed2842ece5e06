#!/bin/sh
# vigie discover as a sensor against the real server on a loopback port,
# over TLS with a pinned key: enrolled like an agent, it sends the
# devices of a capture to POST /api/v1/devices; the server judges who
# manages them from its own store (the pump declared there is managed).
# No loss: with the server down the report waits in the spool, and the
# next run delivers it first, with no duplicate device.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C
fx=$fixtures/discover

for cmd in discover agent serve token apikey assets; do
	if ! "$vigie" "$cmd" --help >/dev/null 2>&1; then
		echo "vigie $cmd is not available yet: skipped"
		exit 77
	fi
done
if ! "$vigie" discover --help 2>/dev/null | grep -q -- '--server'; then
	echo "vigie discover --server is not available yet: skipped"
	exit 77
fi
for tool in curl jq sqlite3; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$tool missing (scripts/install-deps): skipped"
		exit 77
	}
done

db=$tmp/server/vigie.db
state=$tmp/sensor
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

spooled() {
	find "$state/spool" -name '*.json' | wc -l
}

# get PATH: GET with the admin key, the answer in $tmp/body.
get() {
	curl -sS -k --pinnedpubkey "$pin" -o "$tmp/body" -w '%{http_code}' \
		-H "Authorization: Bearer $key" "$url$1" >"$tmp/code" ||
		echo 000 >"$tmp/code"
	[ "$(cat "$tmp/code")" = 200 ] ||
		fail "GET $1: HTTP $(cat "$tmp/code"): $(head -c 300 "$tmp/body")"
}

# scans_of HOST: scans the server recorded for HOST (`vigie history`
# lists hosts only, not devices).
scans_of() {
	sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM scans s
		JOIN hosts h ON h.id = s.host_id WHERE h.hostname = '$1'"
}

pump=00:09:5c:00:00:07

# Usage errors, before any server is involved.
expect_status 2 "$vigie" discover -r "$fx/synthetic.pcap" \
	--server https://127.0.0.1:1 --db "$tmp/x.db"
grep -q 'excludes' "$tmp/err" || fail "--server --db: no clear error"
expect_status 2 "$vigie" discover -r "$fx/synthetic.pcap" \
	--server https://127.0.0.1:1 --no-store
expect_status 2 "$vigie" discover -r "$fx/synthetic.pcap" \
	--state-dir "$state"
expect_status 2 "$vigie" discover -r "$fx/synthetic.pcap" \
	--server https://127.0.0.1:1 --state-dir "$state"
grep -q 'not enrolled' "$tmp/err" || fail "not enrolled: no clear error"
grep -q 'vigie agent enroll' "$tmp/err" || fail "not enrolled: no remedy"

start_server 127.0.0.1:0
port=${url##*:}

# The server's store declares the pump; the sensor knows nothing of it.
printf 'name,mac,category,owner,site,criticality\nPompe 7,00:09:5C:00:00:07,biomedical,Biomed,Nord,4\n' \
	>"$tmp/assets.csv"
expect_status 0 "$vigie" assets import "$tmp/assets.csv" --db "$db"
expect_status 0 "$vigie" apikey create --role admin --db "$db"
key=$(cat "$tmp/out")
expect_status 0 "$vigie" token create --site "Hôpital Nord" --db "$db"
token=$(grep -oE '[0-9a-f]{64}' "$tmp/out" | head -n 1)

# Enrolled once, like an agent, into the sensor's own state directory.
expect_status 0 "$vigie" agent enroll --server "$url" --token "$token" \
	--fingerprint "$pin" --state-dir "$state"

# Its credentials are for that server only.
expect_status 2 "$vigie" discover -r "$fx/synthetic.pcap" \
	--server https://127.0.0.2:9 --state-dir "$state"
grep -q "https://127.0.0.2:9" "$tmp/err" && grep -q "$url" "$tmp/err" ||
	fail "another server: the error does not name both"

# One run: every device sent, nothing left in the spool.
set +e
"$vigie" discover -r "$fx/synthetic.pcap" --server "$url/" \
	--state-dir "$state" >"$tmp/out" 2>"$tmp/err"
got=$?
set -e
if [ "$got" -eq 1 ] && grep -q 'HTTP 404' "$tmp/err"; then
	echo "POST /api/v1/devices is not served yet: skipped"
	exit 77
fi
[ "$got" -eq 0 ] || fail "sensor run exited $got: $(cat "$tmp/err")"
grep -q "25 devices sent to $url" "$tmp/err" ||
	fail "no summary: $(cat "$tmp/err")"
[ "$(spooled)" -eq 0 ] || fail "report left in the spool after delivery"
[ "$(stat -c %a "$state")" = 700 ] || fail "state dir is not mode 0700"

# The server's view: 25 devices, 24 unmanaged, the declared pump not.
get '/api/v1/assets?kind=device&limit=100'
jq -e '.total == 25' "$tmp/body" >/dev/null ||
	fail "devices: expected 25, got $(jq .total "$tmp/body")"
get '/api/v1/assets?kind=device&unmanaged=1&limit=100'
jq -e '.total == 24 and (.assets | length) == 24' "$tmp/body" >/dev/null ||
	fail "unmanaged devices: expected 24, got $(jq .total "$tmp/body")"
jq -e --arg m "$pump" '[.assets[] | select(.hostname == $m)] | length == 0' \
	"$tmp/body" >/dev/null || fail "the declared pump is called unmanaged"
# The server, not the sensor, names the site: its enrolment token's.
jq -e '[.assets[] | .site == "Hôpital Nord"] | all' "$tmp/body" \
	>/dev/null || fail "devices: not at the sensor's site"
[ "$(scans_of "$pump")" -eq 1 ] || fail "the pump has no scan"

# The server goes away: the report waits in the spool, exit status 1.
stop_server
expect_status 1 "$vigie" discover -r "$fx/synthetic.pcap" --server "$url" \
	--state-dir "$state"
grep -q '25 devices spooled, delivery failed' "$tmp/err" ||
	fail "down server: no summary: $(cat "$tmp/err")"
grep -q 'unreachable' "$tmp/err" || fail "down server: reason not given"
[ "$(spooled)" -eq 1 ] || fail "expected 1 spooled report, got $(spooled)"
for f in "$state"/spool/*.json; do
	[ "$(stat -c %a "$f")" = 600 ] || fail "spooled report not 0600"
	jq -e '(.uuid | test("^[0-9a-f-]{36}$")) and (.devices | length) == 25' \
		"$f" >/dev/null || fail "spooled report: not {uuid, devices}"
done
cp "$(find "$state/spool" -name '*.json' | head -n 1)" "$tmp/resend"

# Back on the same port: the waiting report goes first, then this one.
start_server "127.0.0.1:$port"
expect_status 0 "$vigie" discover -r "$fx/synthetic.pcap" --server "$url" \
	--state-dir "$state"
[ "$(spooled)" -eq 0 ] || fail "spool not emptied once the server is back"
[ "$(scans_of "$pump")" -eq 3 ] ||
	fail "expected 3 scans of the pump, got $(scans_of "$pump")"
get '/api/v1/assets?kind=device&limit=100'
jq -e '.total == 25' "$tmp/body" >/dev/null ||
	fail "devices duplicated: $(jq .total "$tmp/body")"

# A report sent again (acknowledgement lost) changes nothing.
cp "$tmp/resend" "$state/spool/"
expect_status 0 "$vigie" discover -r "$fx/synthetic.pcap" --server "$url" \
	--state-dir "$state"
[ "$(spooled)" -eq 0 ] || fail "resent report not removed"
[ "$(scans_of "$pump")" -eq 4 ] ||
	fail "a resent report was stored twice: $(scans_of "$pump") scans"

stop_server
finish
