#!/bin/sh
# vigie serve end to end: the real server on a free loopback port, over
# TLS with the generated certificate pinned; enrolment, reports,
# duplicates, malformed and oversize bodies, bad credentials, signals;
# and the admin commands (user, token, apikey).
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
prepare_roots
db=$tmp/store/vigie.db
state=$tmp/state

# --help and usage errors (exit 2, nothing started).
for cmd in serve "user add" "token create" "apikey create"; do
	# shellcheck disable=SC2086 # two words on purpose
	expect_status 0 "$vigie" $cmd --help
	grep -q "usage: vigie $cmd" "$tmp/out" || fail "no usage for $cmd"
done
expect_status 2 "$vigie" serve --no-tls --listen 0.0.0.0:0 --db "$db"
grep -q "loopback" "$tmp/err" || fail "--no-tls refusal not explained"
expect_status 2 "$vigie" serve --no-tls --listen :0 --db "$db"
expect_status 2 "$vigie" serve --listen bogus --db "$db"
grep -q "bad listen address 'bogus'" "$tmp/err" || fail "bad listen not named"
expect_status 2 "$vigie" serve --threads 0 --db "$db"
expect_status 2 "$vigie" serve --cert "$tmp/x.crt" --db "$db"
expect_status 2 "$vigie" serve extra --db "$db"
expect_status 2 "$vigie" serve --bogus
expect_status 2 "$vigie" token create --db "$db"
expect_status 2 "$vigie" token create --site S --expires 366d --db "$db"
expect_status 2 "$vigie" token create --site S --expires 7x --db "$db"
expect_status 2 "$vigie" token create --site S --expires 0d --db "$db"
expect_status 2 "$vigie" token frob
expect_status 2 "$vigie" user add bob --role root --db "$db"
grep -q "unknown role 'root'" "$tmp/err" || fail "bad role not named"
expect_status 2 "$vigie" user add --role admin --db "$db"
expect_status 2 "$vigie" apikey create --db "$db"
expect_status 2 "$vigie" user

# Without libmicrohttpd (opened only by serve: hidden here in a mount
# namespace, where one can be made) the server names the library it
# cannot load and makes nothing, not even its certificate.
mhd=$(PATH=$PATH:/sbin:/usr/sbin ldconfig -p 2>/dev/null |
	sed -n 's/^[[:space:]]*libmicrohttpd\.so\.12 .*=> //p' | head -n 1)
if [ -n "$mhd" ] && unshare -rm true 2>/dev/null; then
	# shellcheck disable=SC2016 # expanded by the inner shell
	expect_status 1 unshare -rm sh -c \
		'mount --bind /dev/null "$1" && exec "$2" serve --db "$3" \
		--state-dir "$4" --listen 127.0.0.1:0' \
		sh "$mhd" "$vigie" "$db" "$tmp/nolib"
	grep -q '^vigie: error: cannot load libmicrohttpd\.so\.12: ' \
		"$tmp/err" || fail "a missing libmicrohttpd is not named"
	[ ! -e "$tmp/nolib" ] || fail "a certificate made without a server"
else
	echo "no mount namespace: serve without libmicrohttpd not checked"
fi

# Users: a given password (stdin) or a generated one printed once.
printf 'short\n' >"$tmp/pw"
expect_status 1 "$vigie" user add alice --role admin --password-stdin \
	--db "$db" <"$tmp/pw"
printf 'correct horse battery staple\n' >"$tmp/pw"
expect_status 0 "$vigie" user add alice --role admin --password-stdin \
	--db "$db" <"$tmp/pw"
[ -s "$tmp/out" ] && fail "a password read from stdin was printed"
expect_status 1 "$vigie" user add alice --role rssi --password-stdin \
	--db "$db" <"$tmp/pw"
grep -q "already exists" "$tmp/err" || fail "duplicate user not explained"
expect_status 0 "$vigie" user add bob --role auditeur --db "$db"
grep -Eqx '[A-Za-z0-9]{20}' "$tmp/out" || fail "no generated password"
expect_status 0 "$vigie" apikey create --role auditeur --db "$db"
grep -Eqx '[0-9a-f-]{36}:[0-9a-f]{64}' "$tmp/out" || fail "no API key"
expect_status 0 "$vigie" token create --site "Hôpital Nord" --expires 1h \
	--db "$db"
grep -Eqx '[0-9a-f]{64}' "$tmp/out" || fail "no token printed"
token=$(cat "$tmp/out")

# start_server ARGS...: start it, wait for its "serving" line.
start_server() {
	# A stale line of the previous run must not be read as this one's.
	rm -f "$tmp/serve.out"
	: >"$tmp/serve.out"
	"$vigie" serve --db "$db" --state-dir "$state" "$@" \
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
}

# stop_server SIGNAL: it must exit 0.
stop_server() {
	kill "-$1" "$pid"
	set +e
	wait "$pid"
	st=$?
	set -e
	pid=
	[ "$st" -eq 0 ] || fail "server exited $st after SIG$1"
}

# api METHOD PATH [curl args...]: status in $code, body in $tmp/body.
api() {
	m=$1
	p=$2
	shift 2
	code=$(curl -sS -k --pinnedpubkey "$pin" -X "$m" -o "$tmp/body" \
		-w '%{http_code}' "$@" "$url$p") || code=000
}

: >"$tmp/policy.conf"
start_server --listen 127.0.0.1:0 --config "$tmp/policy.conf"
case $url in https://127.0.0.1:*) ;; *) fail "bad URL '$url'" ;; esac
[ "$(stat -c %a "$state/server.key")" = 600 ] || fail "key not 0600"
[ "$(stat -c %a "$state/server.crt")" = 644 ] || fail "cert not 0644"
want=$(openssl x509 -in "$state/server.crt" -pubkey -noout |
	openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
	base64)
[ "$pin" = "sha256//$want" ] || fail "pin '$pin' is not sha256//$want"
openssl x509 -in "$state/server.crt" -noout -text >"$tmp/cert.txt"
grep -q 'DNS:localhost' "$tmp/cert.txt" || fail "no SAN localhost"
grep -q 'IP Address:127.0.0.1' "$tmp/cert.txt" || fail "no SAN 127.0.0.1"
grep -q 'prime256v1\|P-256' "$tmp/cert.txt" || fail "key is not P-256"

api GET /api/v1/health
[ "$code" = 200 ] || fail "health: $code"
jq -e '.status == "ok"' "$tmp/body" >/dev/null || fail "health body"
curl -sS -k -D "$tmp/headers" -o /dev/null --pinnedpubkey "$pin" \
	"$url/api/v1/health"
grep -qi '^content-type: application/json' "$tmp/headers" ||
	fail "no JSON content type"
grep -qi '^x-content-type-options: nosniff' "$tmp/headers" ||
	fail "no nosniff"
grep -qi '^cache-control: no-store' "$tmp/headers" || fail "no no-store"
# Another key than the pinned one: curl refuses to talk.
if curl -sS -k -o /dev/null --pinnedpubkey \
	'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' \
	"$url/api/v1/health" 2>/dev/null; then
	fail "a wrong pin was accepted"
fi
api GET /api/v1/nothing
[ "$code" = 404 ] || fail "unknown path: $code"
api DELETE /api/v1/health
[ "$code" = 405 ] || fail "bad method: $code"

# Enrolment: once per token.
api POST /api/v1/enroll \
	-d "{\"token\":\"$token\",\"hostname\":\"srv-dirty\"}"
[ "$code" = 201 ] || fail "enroll: $code $(cat "$tmp/body")"
agent=$(jq -r .agent_id "$tmp/body")
secret=$(jq -r .secret "$tmp/body")
jq -e '.site == "Hôpital Nord"' "$tmp/body" >/dev/null ||
	fail "enroll names no site"
api POST /api/v1/enroll \
	-d "{\"token\":\"$token\",\"hostname\":\"srv-dirty\"}"
[ "$code" = 401 ] || fail "reused token: $code"
api POST /api/v1/enroll -d '{"token":42}'
[ "$code" = 400 ] || fail "bad enroll body: $code"
grep -q 'token' "$tmp/body" || fail "bad enroll body names no field"

# Reports: stored, then a harmless duplicate; history shows the scan.
expect_status 0 "$vigie" facts --root "$tmp/dirty"
jq -c '{uuid: "3b0d4c1a-9e2f-4a6b-8c7d-5e4f3a2b1c0d", facts: .}' \
	"$tmp/out" >"$tmp/report.json"
auth="Authorization: Bearer $agent:$secret"
api POST /api/v1/reports -H "$auth" --data-binary "@$tmp/report.json"
[ "$code" = 201 ] || fail "report: $code $(cat "$tmp/body")"
jq -e '.stored == true' "$tmp/body" >/dev/null || fail "report not stored"
api POST /api/v1/reports -H "$auth" --data-binary "@$tmp/report.json"
[ "$code" = 200 ] || fail "resent report: $code"
jq -e '.duplicate == true' "$tmp/body" >/dev/null || fail "no duplicate"
expect_status 0 "$vigie" history --db "$db" --format json
jq -e '.scans | length == 1 and .[0].host == "srv-dirty"' "$tmp/out" \
	>/dev/null || fail "history does not list the agent's scan"

# Malformed, oversize, unauthenticated.
printf '{"uuid":"3b0d4c1a-9e2f-4a6b-8c7d-5e4f3a2b1c0e","facts":%s}' \
	'{"schema":"vigie.facts/1","accounts":[{"name":"a","uid":"zero"}]}' \
	>"$tmp/bad.json"
api POST /api/v1/reports -H "$auth" --data-binary "@$tmp/bad.json"
[ "$code" = 400 ] || fail "bad facts: $code"
grep -q 'accounts\[0\].uid' "$tmp/body" || fail "400 names no field"
api POST /api/v1/reports -H "$auth" -d '{"uuid":"nope","facts":{}}'
[ "$code" = 400 ] || fail "bad uuid: $code"
grep -q 'uuid' "$tmp/body" || fail "bad uuid not named"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero >"$tmp/big"
api POST /api/v1/reports -H "$auth" --data-binary "@$tmp/big"
[ "$code" = 413 ] || fail "oversize report: $code"
head -c $((64 * 1024 + 1)) /dev/zero >"$tmp/big"
api POST /api/v1/enroll --data-binary "@$tmp/big"
[ "$code" = 413 ] || fail "oversize enrolment: $code"
api POST /api/v1/reports -H "Authorization: Bearer $agent:00$secret" \
	--data-binary "@$tmp/report.json"
[ "$code" = 401 ] || fail "bad secret: $code"
api POST /api/v1/reports --data-binary "@$tmp/report.json"
[ "$code" = 401 ] || fail "no credentials: $code"
# Refused on its headers: no body is read before the credentials pass.
head -c $((2 * 1024 * 1024)) /dev/zero >"$tmp/big"
api POST /api/v1/reports -H "Authorization: Bearer $agent:bad" \
	--data-binary "@$tmp/big"
[ "$code" = 401 ] || fail "bad secret with a large body: $code"

# SIGHUP reloads the policy and judges the stored facts again, without
# a new report; the server keeps serving. SIGTERM stops cleanly.
expect_status 0 "$vigie" findings --db "$db" --format json
jq -e '[.findings[] | select(.check == "admin.uid0_duplicate")][0]
	.severity == "critical"' "$tmp/out" >/dev/null ||
	fail "uid0 finding is not critical before the reload"
printf '[severity]\nadmin.uid0_duplicate = low\n' >"$tmp/policy.conf"
kill -HUP "$pid"
i=0
until grep -q 'judged again' "$tmp/serve.err" || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q '1 assets judged again' "$tmp/serve.err" ||
	fail "SIGHUP did not judge the stored scan again"
expect_status 0 "$vigie" findings --db "$db" --format json
jq -e '[.findings[] | select(.check == "admin.uid0_duplicate")][0]
	.severity == "low"' "$tmp/out" >/dev/null ||
	fail "the reloaded policy did not re-score the stored scan"
api GET /api/v1/health
[ "$code" = 200 ] || fail "health after SIGHUP: $code"
stop_server TERM
grep -q 'error' "$tmp/serve.err" && fail "server logged an error"

# A restart keeps the certificate (same pin); SIGINT stops too.
old=$pin
start_server --listen '[::1]:0' --threads 2
[ "$pin" = "$old" ] || fail "certificate changed across restarts"
case $url in https://\[::1\]:*) ;; *) fail "bad IPv6 URL '$url'" ;; esac
api GET /api/v1/health
[ "$code" = 200 ] || fail "health over IPv6: $code"
stop_server INT

# Plain HTTP on loopback.
start_server --listen 127.0.0.1:0 --no-tls
case $url in http://127.0.0.1:*) ;; *) fail "bad URL '$url'" ;; esac
code=$(curl -sS -o /dev/null -w '%{http_code}' "$url/api/v1/health")
[ "$code" = 200 ] || fail "health without TLS: $code"
stop_server TERM

finish
