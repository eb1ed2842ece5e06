#!/bin/sh
# The console in a real browser: Debian's chromium, driven by
# playwright-core (tests/browser/), against `vigie serve` on a free
# loopback port over TLS. A store holding the dirty fixture's scan, an
# rssi and a direction user; tests/browser/console.test.mjs logs in,
# follows the host, accepts a finding and checks what direction sees.
# Screenshots are kept in $SCREENSHOT_DIR (default: the build's
# meson-logs/screenshots/) as the test's artifacts. Until the server has
# its console (GET /login answers 404) the test is skipped (77).
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C
browser=$(cd "$here/../browser" && pwd)
pid=
# Stop our own server (by its PID) whatever happens.
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# scripts/install-deps installs these: missing means a broken machine, not
# a reason to skip.
for prog in /usr/bin/chromium node npm; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		echo "FAIL: $prog is missing (run scripts/install-deps)" >&2
		exit 1
	fi
done
if ! "$vigie" serve --help >/dev/null 2>&1; then
	echo "SKIP: vigie has no serve command"
	exit 77
fi

# playwright-core, as the lock pins it (the npm registry is reachable).
if [ ! -d "$browser/node_modules/playwright-core" ]; then
	if ! npm ci --prefix "$browser" --no-audit --no-fund \
		>"$tmp/npm.log" 2>&1; then
		cat "$tmp/npm.log" >&2
		echo "FAIL: npm ci in $browser failed" >&2
		exit 1
	fi
fi

# meson test does not say where its build is: vigie was built there.
build=${MESON_BUILD_ROOT:-$(dirname "$vigie")}
shots=${SCREENSHOT_DIR:-$build/meson-logs/screenshots}
mkdir -p "$shots"
# Only this run's pictures: none left from an earlier one.
rm -f "$shots"/0[0-9]-*.png "$shots"/failed-*.png

# The store: one scanned host with findings, and the two users.
prepare_roots
db=$tmp/store/vigie.db
state=$tmp/state
mkdir -p "$tmp/store"
expect_status 0 "$vigie" scan --root "$tmp/dirty" --db "$db" --format json
rssi_pw='rssi correct horse battery'
dir_pw='direction staple battery'
printf '%s\n' "$rssi_pw" >"$tmp/pw"
expect_status 0 "$vigie" user add claire --role rssi --password-stdin \
	--db "$db" <"$tmp/pw"
printf '%s\n' "$dir_pw" >"$tmp/pw"
expect_status 0 "$vigie" user add didier --role direction --password-stdin \
	--db "$db" <"$tmp/pw"
rm -f "$tmp/pw"
[ "$failures" -eq 0 ] || finish

# The server, as serve.sh starts it: wait for its "serving" line.
"$vigie" serve --listen 127.0.0.1:0 --db "$db" --state-dir "$state" \
	>"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
i=0
while ! grep -q '^vigie: serving' "$tmp/serve.out"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$tmp/serve.err" >&2
		fail "server did not start"
		finish
	fi
	sleep 0.1
done
url=$(sed -n 's/^vigie: serving \([^ ]*\).*/\1/p' "$tmp/serve.out")
pin=$(sed -n 's/.*(pin \(sha256\/\/[^)]*\))$/\1/p' "$tmp/serve.out")
case $url in
https://127.0.0.1:*) ;;
*)
	fail "bad URL '$url'"
	finish
	;;
esac

# The console lands after the API: a server without its pages is skipped
# (said loudly), anything else than 200 or 404 is a failure.
code=$(curl -sS -k --pinnedpubkey "$pin" -o /dev/null -w '%{http_code}' \
	"$url/login") || code=000
case $code in
200) ;;
404)
	echo "SKIP: the server has no console yet (GET /login: 404)"
	exit 77
	;;
*)
	fail "GET /login: $code"
	finish
	;;
esac

# The browser test; its own output says what it checked.
if ! VIGIE_URL=$url VIGIE_HOST=srv-dirty \
	VIGIE_RSSI_USER=claire VIGIE_RSSI_PASSWORD=$rssi_pw \
	VIGIE_DIRECTION_USER=didier VIGIE_DIRECTION_PASSWORD=$dir_pw \
	SCREENSHOT_DIR=$shots CHROMIUM=/usr/bin/chromium \
	node --test --test-reporter=spec "$browser/console.test.mjs"; then
	fail "browser test (screenshots in $shots)"
fi
echo "screenshots: $shots"

# SIGTERM: the server must stop cleanly, and have logged no error.
kill -TERM "$pid"
set +e
wait "$pid"
st=$?
set -e
pid=
[ "$st" -eq 0 ] || fail "server exited $st after SIGTERM"
if grep -qi 'error' "$tmp/serve.err"; then
	sed 's/^/  serve: /' "$tmp/serve.err" >&2
	fail "server logged an error"
fi
finish
