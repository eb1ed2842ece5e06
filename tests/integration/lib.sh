# Shared by the integration scripts: a scratch directory, assertions, and
# fixture roots made ready for "now" (logins, list and backup ages are
# relative to the day the test runs).

# Messages are checked in English, whatever the machine's locale.
export LANG=C LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-it.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_status WANT CMD...: run CMD, compare its exit status.
expect_status() {
	want=$1
	shift
	set +e
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		fail "'$*' exited $got, expected $want"
		sed 's/^/  stderr: /' "$tmp/err" | head -n 20 >&2
	fi
}

# Four bytes, little-endian, of $1.
le32() {
	v=$1
	# %b, not the format string: a byte may be '%' or '\\'.
	printf '%b' "$(printf '\\0%03o\\0%03o\\0%03o\\0%03o' $((v & 255)) \
		$((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)))"
}

# lastlog_set FILE UID TIME: the classic lastlog record (292 bytes on
# 64-bit Linux) of UID says it logged in at TIME.
lastlog_set() {
	{
		le32 "$3"
		head -c 288 /dev/zero
	} | dd of="$1" bs=292 seek="$2" conv=notrunc status=none
}

now=$(date +%s)
day=86400

# prepare_roots: copies of the fixture roots under $tmp, dated for now.
prepare_roots() {
	cp -a "$fixtures/roots/dirty" "$fixtures/roots/clean" "$tmp/"

	d=$tmp/dirty
	# git keeps no empty directory: make the ones the fixtures need.
	mkdir -p "$d/var/log" "$tmp/clean/var/log" "$tmp/clean/etc/vigie"
	ll=$d/var/log/lastlog
	: >"$ll"
	for uid in 0 1000 1001 1002 1003 1004 1006 1007; do
		lastlog_set "$ll" "$uid" $((now - 2 * day))
	done
	lastlog_set "$ll" 1005 $((now - 200 * day)) # olduser: dormant
	touch -d "@$((now - 30 * day))" "$d"/var/lib/apt/lists/*

	c=$tmp/clean
	ll=$c/var/log/lastlog
	: >"$ll"
	lastlog_set "$ll" 1000 $((now - day))
	touch -d "@$((now - day))" "$c"/var/lib/apt/lists/*
	touch -d "@$((now - 3600))" "$c"/srv/backup/app/app-latest.tar
	cat >"$c/etc/vigie/vigie.conf" <<CONF
[policy]
org_domains = chu-exemple.fr

[asset]
name = srv-clean
site = Hôpital Nord
owner = DSI systèmes
category = server
criticality = 4

[contact "Astreinte informatique"]
role = oncall
webhook = https://alertes.chu-exemple.fr/vigie

[backup "app"]
path = /srv/backup/app
offline = yes
restore_tested = $(date -u -d "@$((now - 30 * day))" +%Y-%m-%d)
CONF
}

finish() {
	if [ "$failures" -gt 0 ]; then
		echo "$failures failed" >&2
		exit 1
	fi
	echo "all passed"
}
