#!/bin/sh
# Alerts (rule R10) on the real program: `vigie incident open` and
# `status` tell a config's two contacts, by e-mail through a small SMTP
# server on loopback (helpers/smtp_sink.py: AUTH PLAIN, STARTTLS) and by
# webhook to a local HTTP receiver (helpers/webhook_sink.py, answering
# 500 once to test the retry). The message's headers, subject and body
# (the title, the deadline) are checked, the webhook's JSON, and the
# "alert" entries of the timeline; a dead SMTP port, a refused
# STARTTLS, an untrusted certificate and a world-readable password file
# are failed deliveries recorded while the command still succeeds,
# quickly.
set -eu
vigie=$1
here=$(dirname "$0")
. "$here/lib.sh"
# Times in the messages are local: UTC makes them predictable.
export TZ=UTC

if ! "$vigie" incident --help >/dev/null 2>&1; then
	echo "SKIP: vigie has no incident command"
	exit 77
fi
for tool in python3 jq; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool is needed (run scripts/install-deps)"
		exit 1
	fi
done

db=$tmp/vigie.db
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# start NAME SCRIPT ARGS...: run a sink in the background (its output
# to a file, so that no pipe waits on it) and wait for its port, left in
# $port.
start() {
	name=$1
	script=$2
	shift 2
	mkdir -p "$tmp/$name"
	python3 "$here/helpers/$script" --dir "$tmp/$name" \
		--port-file "$tmp/$name.port" "$@" >"$tmp/$name.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$name.port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			echo "FAIL: $name did not start" >&2
			cat "$tmp/$name.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	port=$(cat "$tmp/$name.port")
}

# A loopback port nobody listens on.
dead_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# eq WHAT GOT WANT
eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: got '$2', want '$3'"
	fi
}

# has WHAT FILE TEXT: FILE holds TEXT.
has() {
	if ! grep -qF -- "$3" "$2"; then
		fail "$1: '$3' not in $2"
		sed 's/^/  | /' "$2" | head -n 40 >&2
	fi
}

# wait_file FILE: the sinks write after answering; give them a moment.
wait_file() {
	i=0
	while [ ! -e "$1" ] && [ "$i" -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
}

# The id printed by `incident open` ("incident N opened").
incident_id() {
	sed -n 's/^incident \([0-9][0-9]*\) .*/\1/p' "$tmp/out" | head -n 1
}

# alerts ID: the detail of the incident's "alert" entries, one JSON a
# line.
alerts() {
	"$vigie" incident show "$1" --db "$db" --format json |
		jq -c '.timeline[] | select(.kind == "alert") |
			{actor} + .detail'
}

start smtp smtp_sink.py --auth 'vigie:s3cr3t pass'
smtp_port=$port
start hook webhook_sink.py --fail 1
hook_port=$port
printf 's3cr3t pass\nsecond line ignored\n' >"$tmp/smtp.pass"
chmod 600 "$tmp/smtp.pass"

conf=$tmp/vigie.conf
cat >"$conf" <<CONF
[policy]
incident_report_hours = 24

[contact "Hélène Durand"]
role = rssi
email = rssi@chu-exemple.fr

[contact "Astreinte informatique"]
role = oncall
webhook = http://127.0.0.1:$hook_port/hooks/s3cr3t-token

[smtp]
url = smtp://127.0.0.1:$smtp_port
from = vigie@chu-exemple.fr
user = vigie
password_file = $tmp/smtp.pass
starttls = optional

[establishment]
name = CHU d'Exemple
finess_ej = 010003820
CONF

detected=$((now - 3600))
detected_iso=$(date -u -d "@$detected" +%Y-%m-%dT%H:%M:%SZ)
deadline=$(date -u -d "@$((detected + 24 * 3600))" '+%Y-%m-%d %H:%M')
title='Rançongiciel au bloc opératoire'

# --- open: both contacts told, the webhook after one 500 ---------------
expect_status 0 "$vigie" incident open --db "$db" --config "$conf" \
	--title "$title" --type ransomware --care proven \
	--detected "$detected_iso" --health-data
id=$(incident_id)
has "open output" "$tmp/out" "alerts: 2 sent, 0 failed"
cp "$tmp/err" "$tmp/open.err"

mail=$tmp/smtp/1.eml
wait_file "$mail"
if [ ! -s "$mail" ]; then
	fail "no e-mail arrived"
else
	has envelope "$tmp/smtp/1.env" "MAIL FROM <vigie@chu-exemple.fr>"
	has envelope "$tmp/smtp/1.env" "RCPT TO <rssi@chu-exemple.fr>"
	has envelope "$tmp/smtp/1.env" "AUTH vigie"
	# Headers as a mail reader decodes them, and the body.
	python3 - "$mail" >"$tmp/mail.txt" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                             policy=email.policy.default)
for h in ("From", "To", "Subject", "MIME-Version", "Content-Type",
          "Content-Transfer-Encoding", "Date", "Message-ID"):
    print("%s: %s" % (h, m[h]))
print("defects: %d" % len(m.defects))
print(m.get_content())
PY
	has "mail" "$tmp/mail.txt" "From: vigie <vigie@chu-exemple.fr>"
	has "mail" "$tmp/mail.txt" "To: Hélène Durand <rssi@chu-exemple.fr>"
	has "mail" "$tmp/mail.txt" "MIME-Version: 1.0"
	has "mail" "$mail" "Content-Type: text/plain; charset=UTF-8"
	has "mail" "$mail" "Content-Transfer-Encoding: 8bit"
	has "mail" "$tmp/mail.txt" "Message-ID: <vigie.incident-$id."
	has "mail" "$tmp/mail.txt" "defects: 0"
	has "mail body" "$tmp/mail.txt" "$title"
	has "mail body" "$tmp/mail.txt" "$deadline (UTC+00:00)"
	# French when the catalogue has the alert's texts (po/fr.po).
	if grep -q "Impact on care:" "${VIGIE_LOCALEDIR:-/nonexistent}/fr/LC_MESSAGES/vigie.mo" 2>/dev/null; then
		has "mail subject" "$tmp/mail.txt" "Subject: [vigie] Incident $id ouvert : $title"
		has "mail body" "$tmp/mail.txt" "Impact sur les soins"
	else
		echo "note: no French catalogue for the alerts, English checked"
		has "mail subject" "$tmp/mail.txt" "Subject: [vigie] Incident $id opened: $title"
		has "mail body" "$tmp/mail.txt" "Impact on care: proven"
	fi
	# RFC 5322: CRLF line ends only, no 8-bit byte in the headers.
	python3 - "$mail" <<'PY' || fail "raw message is not clean RFC 5322"
import sys
raw = open(sys.argv[1], "rb").read()
head = raw.split(b"\r\n\r\n", 1)[0]
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
assert all(b < 0x80 for b in head), "8-bit header"
assert all(len(l) <= 78 for l in head.split(b"\r\n")), "long header line"
PY
fi

wait_file "$tmp/hook/2.json"
eq "webhook requests" "$(wc -l <"$tmp/hook/requests" | tr -d ' ')" 2
if [ -s "$tmp/hook/2.json" ]; then
	j=$tmp/hook/2.json
	eq "webhook event" "$(jq -r .event "$j")" opened
	eq "webhook id" "$(jq -r .incident.id "$j")" "$id"
	eq "webhook title" "$(jq -r .incident.title "$j")" "$title"
	eq "webhook timeline" "$(jq -r '.incident | has("timeline")' "$j")" false
	eq "webhook finess" "$(jq -r .establishment.finess_ej "$j")" 010003820
	eq "webhook deadline" "$(jq -r .deadlines.ans "$j")" \
		$((detected + 24 * 3600))
	has "webhook headers" "$tmp/hook/2.headers" \
		"content-type: application/json"
	has "webhook headers" "$tmp/hook/2.headers" "path: /hooks/s3cr3t-token"
else
	fail "the webhook got no body"
fi

alerts "$id" >"$tmp/alerts"
eq "alert entries" "$(wc -l <"$tmp/alerts" | tr -d ' ')" 2
eq "email entry" "$(jq -sc '.[0] | [.actor, .contact, .role, .channel,
	.to, .state, .attempts]' "$tmp/alerts")" \
	'["vigie","Hélène Durand","rssi","email","rssi@chu-exemple.fr","sent",1]'
eq "webhook entry" "$(jq -sc '.[1] | [.contact, .role, .channel, .to,
	.state, .attempts]' "$tmp/alerts")" \
	"[\"Astreinte informatique\",\"oncall\",\"webhook\",\"http://127.0.0.1:$hook_port\",\"sent\",2]"
if grep -q s3cr3t-token "$tmp/alerts"; then
	fail "the webhook's secret path was recorded in the timeline"
fi
if grep -q 's3cr3t pass' "$tmp/open.err" "$tmp/alerts"; then
	fail "the SMTP password leaked"
fi
expect_status 0 "$vigie" incident verify "$id" --db "$db"

# --- status change: both told again, "changed" -------------------------
expect_status 0 "$vigie" incident status "$id" --status contained \
	--db "$db" --config "$conf"
has "status output" "$tmp/out" "alerts: 2 sent, 0 failed"
wait_file "$tmp/smtp/2.eml"
wait_file "$tmp/hook/3.json"
if [ -s "$tmp/hook/3.json" ]; then
	eq "changed event" "$(jq -r .event "$tmp/hook/3.json")" changed
	eq "changed status" "$(jq -r .incident.status "$tmp/hook/3.json")" \
		contained
else
	fail "no webhook for the status change"
fi
if [ -s "$tmp/smtp/2.eml" ]; then
	has "changed mail" "$tmp/smtp/2.eml" "X-Vigie-Incident: $id"
else
	fail "no e-mail for the status change"
fi
eq "alert entries after status" "$(alerts "$id" | wc -l | tr -d ' ')" 4

# --- failures: recorded, the command succeeds, bounded -----------------
# fail_case NAME URL STARTTLS PASSFILE WANT_ATTEMPTS ERROR_TEXT
fail_case() {
	cat >"$tmp/$1.conf" <<CONF
[contact "RSSI"]
role = rssi
email = rssi@chu-exemple.fr
[smtp]
url = $2
from = vigie@chu-exemple.fr
user = vigie
password_file = $4
starttls = $3
CONF
	t0=$(date +%s)
	expect_status 0 "$vigie" incident open --db "$db" \
		--config "$tmp/$1.conf" --title "Test $1" --type other
	t1=$(date +%s)
	if [ $((t1 - t0)) -gt 20 ]; then
		fail "$1: took $((t1 - t0)) s"
	fi
	has "$1 output" "$tmp/out" "alerts: 0 sent, 1 failed"
	cp "$tmp/err" "$tmp/$1.err"
	fid=$(incident_id)
	alerts "$fid" >"$tmp/$1.alerts"
	eq "$1 entry" "$(jq -sc '.[0] | [.state, .attempts]' "$tmp/$1.alerts")" \
		"[\"failed\",$5]"
	if ! jq -r '.error' "$tmp/$1.alerts" | grep -qi -- "$6"; then
		fail "$1: error '$(jq -r .error "$tmp/$1.alerts")' lacks '$6'"
	fi
}

fail_case dead "smtp://127.0.0.1:$(dead_port)" required "$tmp/smtp.pass" 3 \
	"connect"
# A server without STARTTLS when it is required: never in clear.
fail_case notls "smtp://127.0.0.1:$smtp_port" required "$tmp/smtp.pass" 3 \
	"ssl\|tls"
# A password file others can read is not used: the server refuses.
cp "$tmp/smtp.pass" "$tmp/open.pass"
chmod 644 "$tmp/open.pass"
fail_case worldpass "smtp://127.0.0.1:$smtp_port" optional "$tmp/open.pass" 3 \
	"530\|denied\|auth"
has "worldpass warning" "$tmp/worldpass.err" "password_file"

# STARTTLS with a certificate no CA vouches for: refused by vigie.
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
	start tls smtp_sink.py --cert "$tmp/cert.pem" --key "$tmp/key.pem"
	tls_port=$port
	fail_case badcert "smtp://127.0.0.1:$tls_port" required \
		"$tmp/smtp.pass" 3 "certificate\|ssl\|tls"
	if ls "$tmp/tls"/*.eml >/dev/null 2>&1; then
		fail "a message went to the untrusted STARTTLS server"
	fi
fi

finish
