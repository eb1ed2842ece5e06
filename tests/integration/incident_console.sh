#!/bin/sh
# The incident pages of the console, browser-less: the real server on a
# free loopback port (TLS, its key pinned), sessions and CSRF tokens as a
# browser has them (curl with a cookie jar). An rssi opens an incident
# through the form, sees it listed, adds a note, changes its status and
# downloads the drafts; a technicien adds a note but may not change the
# status; a direction user sees the list and its deadlines, not an
# incident's page nor its drafts; forms without the token are refused.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

if ! "$vigie" serve --help >/dev/null 2>&1; then
	echo "SKIP: vigie has no serve command"
	exit 77
fi
for prog in curl jq; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		echo "FAIL: $prog is missing (run scripts/install-deps)" >&2
		exit 1
	fi
done

# The store: one scanned host, three users; the establishment declared.
prepare_roots
db=$tmp/store/vigie.db
state=$tmp/state
mkdir -p "$tmp/store"
expect_status 0 "$vigie" scan --root "$tmp/dirty" --db "$db" --format json
host=$(jq -r '[.. | objects | .hostname? | strings] | first // empty' \
	"$tmp/out")
[ -n "$host" ] || fail "no host name in the scan"
for u in claire:rssi tom:technicien didier:direction; do
	printf '%s\n' "pw of ${u%%:*} correct horse" >"$tmp/pw"
	expect_status 0 "$vigie" user add "${u%%:*}" --role "${u#*:}" \
		--password-stdin --db "$db" <"$tmp/pw"
done
rm -f "$tmp/pw"
cat >"$tmp/vigie.conf" <<'EOF'
[establishment]
name = Centre hospitalier de Test
finess_ej = 750000001
finess_et = 750000019
category = ES public
region = Ile-de-France
declarant = Jeanne Martin
declarant_function = directrice
declarant_email = jeanne.martin@ch-test.fr
declarant_phone = 01 23 45 67 89
dpo_email = dpo@ch-test.fr
EOF
[ "$failures" -eq 0 ] || finish

"$vigie" serve --listen 127.0.0.1:0 --db "$db" --state-dir "$state" \
	--config "$tmp/vigie.conf" >"$tmp/serve.out" 2>"$tmp/serve.err" &
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

# req USER METHOD PATH [curl args...]: status in $code, body in
# $tmp/body, Location in $loc; USER's cookies in $tmp/USER.jar.
req() {
	u=$1
	m=$2
	p=$3
	shift 3
	code=$(curl -sS -k --pinnedpubkey "$pin" -X "$m" -o "$tmp/body" \
		-D "$tmp/headers" -b "$tmp/$u.jar" -c "$tmp/$u.jar" \
		-w '%{http_code}' "$@" "$url$p") || code=000
	loc=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' \
		"$tmp/headers")
}

# login USER: a session, and its CSRF token in $csrf.
login() {
	: >"$tmp/$1.jar"
	req "$1" POST /login --data-urlencode "user=$1" \
		--data-urlencode "password=pw of $1 correct horse"
	[ "$code" = 303 ] || fail "login $1: $code"
	req "$1" GET /incidents
	csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' \
		"$tmp/body" | head -n 1)
	[ -n "$csrf" ] || fail "no csrf token for $1"
}

# The rssi opens an incident through the form.
login claire
grep -q 'id="incident-open"' "$tmp/body" || fail "rssi has no open form"
grep -q 'href="/incidents"' "$tmp/body" || fail "no nav link to incidents"
req claire POST /incidents --data-urlencode "csrf=$csrf" \
	--data-urlencode "title=Rançongiciel sur le DPI" \
	--data-urlencode "type=ransomware" --data-urlencode "care=potential" \
	--data-urlencode "health_data=on" --data-urlencode "persons=1200" \
	--data-urlencode "availability=on" \
	--data-urlencode "perimeter=DPI, site principal" \
	--data-urlencode "assets=$host"
[ "$code" = 303 ] || { fail "open: $code"; cat "$tmp/body" >&2; }
id=$(printf '%s' "$loc" | sed -n 's|.*/incidents/\([0-9][0-9]*\)$|\1|p')
[ -n "$id" ] || fail "open did not lead to the incident's page ($loc)"
# Without the token: refused, nothing opened.
req claire POST /incidents --data-urlencode "title=forged" \
	--data-urlencode "type=other"
[ "$code" = 403 ] || fail "open without csrf: $code"
# An unknown host is the user's to fix.
req claire POST /incidents --data-urlencode "csrf=$csrf" \
	--data-urlencode "title=x" --data-urlencode "assets=no-such-host"
[ "$code" = 400 ] || fail "open naming an unknown host: $code"

req claire GET /incidents
[ "$code" = 200 ] || fail "list: $code"
grep -q 'Rançongiciel sur le DPI' "$tmp/body" || fail "not listed"
grep -q "href=\"/incidents/$id\"" "$tmp/body" || fail "no link for rssi"
grep -q "$host" "$tmp/body" || fail "host not listed"
grep -q 'forged' "$tmp/body" && fail "a forged form opened an incident"

# A note, then the page: the note, the host, the chain verified.
req claire POST "/incidents/$id/note" --data-urlencode "csrf=$csrf" \
	--data-urlencode "text=Serveur débranché du réseau à 10h12"
[ "$code" = 303 ] || fail "note: $code"
req claire GET "/incidents/$id"
[ "$code" = 200 ] || fail "page: $code"
grep -q 'débranché du réseau' "$tmp/body" || fail "note not shown"
grep -q 'id="timeline-check" class="verified"' "$tmp/body" ||
	fail "timeline not verified"
grep -q "data-host=\"$host\"" "$tmp/body" || fail "host not on the page"
grep -q 'action="/incidents/'"$id"'/status"' "$tmp/body" ||
	fail "rssi has no status form"

# A status change (contained), with the portal's reference.
req claire POST "/incidents/$id/status" --data-urlencode "csrf=$csrf" \
	--data-urlencode "type=ransomware" --data-urlencode "status=contained" \
	--data-urlencode "care=potential" --data-urlencode "health_data=on" \
	--data-urlencode "persons=1200" --data-urlencode "availability=on" \
	--data-urlencode "perimeter=DPI, site principal" \
	--data-urlencode "reported_ans=on" --data-urlencode "ans_ref=ANS-42"
[ "$code" = 303 ] || { fail "status: $code"; cat "$tmp/body" >&2; }
req claire GET "/incidents/$id"
grep -q 'ANS-42' "$tmp/body" || fail "reference not shown"

# The drafts.
req claire GET "/incidents/$id/export?format=signalement"
[ "$code" = 200 ] || fail "export signalement: $code"
grep -q 'FINESS EJ : 750000001' "$tmp/body" || fail "no FINESS in draft"
grep -q 'Rançongiciel sur le DPI' "$tmp/body" || fail "no title in draft"
grep -q 'ANS-42' "$tmp/body" || fail "no reference in draft"
req claire GET "/incidents/$id/export?format=json"
[ "$code" = 200 ] || fail "export json: $code"
jq -e '.establishment.finess_et == "750000019" and
	.deadlines.cnil.required == true and
	.handling.status == "contained"' "$tmp/body" >/dev/null ||
	fail "json draft"
req claire GET "/incidents/$id/export?format=md"
[ "$code" = 200 ] || fail "export md: $code"
grep -q '^| # |' "$tmp/body" || fail "no timeline table in md"
req claire GET "/incidents/$id/export?format=pdf"
[ "$code" = 400 ] || fail "export of an unknown format: $code"
req claire GET "/incidents/999999"
[ "$code" = 404 ] || fail "unknown incident: $code"

# A technicien: notes yes, status no.
login tom
req tom POST "/incidents/$id/note" --data-urlencode "csrf=$csrf" \
	--data-urlencode "text=antivirus relancé"
[ "$code" = 303 ] || fail "technicien note: $code"
req tom POST "/incidents/$id/status" --data-urlencode "csrf=$csrf" \
	--data-urlencode "status=closed"
[ "$code" = 403 ] || fail "technicien status: $code"
req tom POST "/incidents/$id/isolate" --data-urlencode "csrf=$csrf" \
	--data-urlencode "asset=$host"
[ "$code" = 403 ] || fail "technicien isolate: $code"

# Direction: the list and its deadlines, no details.
login didier
req didier GET /incidents
[ "$code" = 200 ] || fail "direction list: $code"
grep -q 'Rançongiciel sur le DPI' "$tmp/body" || fail "direction: not listed"
grep -q "href=\"/incidents/$id\"" "$tmp/body" &&
	fail "direction has a link to the incident's page"
grep -q 'id="incident-open"' "$tmp/body" && fail "direction may open"
req didier GET "/incidents/$id"
[ "$code" = 403 ] || fail "direction page: $code"
req didier GET "/incidents/$id/export?format=signalement"
[ "$code" = 403 ] || fail "direction export: $code"
req didier POST /incidents --data-urlencode "csrf=$csrf" \
	--data-urlencode "title=x"
[ "$code" = 403 ] || fail "direction open: $code"

# The command line gives the same draft, atomically into a file.
if "$vigie" incident export --help >/dev/null 2>&1; then
	expect_status 0 "$vigie" incident export "$id" --format signalement \
		--db "$db" --config "$tmp/vigie.conf" --output "$tmp/s.txt"
	grep -q 'FINESS ET : 750000019' "$tmp/s.txt" || fail "cli draft"
	expect_status 2 "$vigie" incident export "$id" --format pdf --db "$db"
	expect_status 2 "$vigie" incident export --format md --db "$db"
	expect_status 1 "$vigie" incident export 999999 --format md \
		--db "$db" --config "$tmp/vigie.conf"
	grep -q 'no incident 999999' "$tmp/err" || fail "unknown id not named"
fi

kill "$pid"
wait "$pid" || true
pid=
finish
