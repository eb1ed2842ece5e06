#!/bin/sh
# The vulnerability pages end to end (issue 5): the repository's tiny
# debsecan feed, a small KEV catalogue and the EPSS sample imported with
# `vigie vuln update`; three bullseye hosts scanned into the store
# against them (two vulnerable, one up to date); then the real server on
# loopback: GET /api/v1/vulnerabilities by CVE, package and host, its
# filters, paging and errors, one CVE's detail, 404 for an unknown one,
# the roles (direction refused, auditeur and technicien allowed); and the
# console pages with sessions: /vulnerabilities and its tabs, a CVE's
# page, the dashboard's counts (no link for direction).
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"
export LANG=C LC_ALL=C
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

if ! "$vigie" vuln --help >/dev/null 2>&1 ||
	! "$vigie" serve --help >/dev/null 2>&1; then
	echo "SKIP: vigie has no vuln or serve command"
	exit 77
fi
for tool in curl jq; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: no $tool"
		exit 77
	fi
done
prepare_roots
db=$tmp/store/vigie.db
state=$tmp/state
mkdir -p "$tmp/store"

# The feeds: tiny debsecan (apache2, openssl, tiff, apache-log4j2), a
# KEV catalogue of two, the EPSS sample.
cat >"$tmp/kev.json" <<'EOF'
{"title": "CISA Catalog of Known Exploited Vulnerabilities",
 "catalogVersion": "2025.01.01", "count": 2,
 "vulnerabilities": [
  {"cveID": "CVE-2021-44228", "vendorProject": "Apache",
   "product": "Log4j2", "vulnerabilityName": "Apache Log4j2 RCE",
   "dateAdded": "2021-12-10", "shortDescription": "JNDI",
   "requiredAction": "Apply updates.", "dueDate": "2021-12-24",
   "knownRansomwareCampaignUse": "Known", "notes": ""},
  {"cveID": "CVE-2021-34798", "vendorProject": "Apache",
   "product": "HTTP Server", "vulnerabilityName": "Apache <NULL> deref",
   "dateAdded": "2022-01-10", "shortDescription": "x",
   "requiredAction": "Apply updates.", "dueDate": "2022-01-24",
   "knownRansomwareCampaignUse": "Unknown", "notes": ""}]}
EOF
expect_status 0 "$vigie" vuln update --db "$db" \
	--debsecan "$fixtures/vuln/debsecan-tiny.z" --release bullseye \
	--kev "$tmp/kev.json" --epss "$fixtures/vuln/epss-sample.csv"

# host ROOT HOSTNAME PACKAGES: a bullseye root holding those
# "name version" packages.
host() {
	r=$tmp/$1
	cp -a "$tmp/clean" "$r"
	rm -f "$r/etc/vigie/vigie.conf"
	printf '%s\n' "$2" >"$r/etc/hostname"
	cat >"$r/etc/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
NAME="Debian GNU/Linux"
VERSION_ID="11"
VERSION="11 (bullseye)"
VERSION_CODENAME=bullseye
ID=debian
EOF
	: >"$r/var/lib/dpkg/status"
	echo "$3" | tr ',' '\n' | while read -r name version; do
		cat >>"$r/var/lib/dpkg/status" <<EOF
Package: $name
Status: install ok installed
Architecture: amd64
Version: $version
Description: $name

EOF
	done
}
# alpha: log4j (KEV, ransomware), apache2 (two CVEs, one in KEV),
# openssl; beta: openssl, tiff (no fix); gamma: up to date.
host h1 alpha "apache-log4j2 2.13.3-1,apache2 2.4.48-3.1,openssl 1.1.1k-1"
host h2 beta "openssl 1.1.1k-1,tiff 4.2.0-1"
host h3 gamma "apache2 2.4.51-1~deb11u1,openssl 1.1.1k-1+deb11u1"
for h in h1 h2 h3; do
	expect_status 0 "$vigie" scan --root "$tmp/$h" --db "$db" \
		--format json
	jq -e '[.findings[] | select(.check == "updates.vulnerable_package")]
		| length >= 0' "$tmp/out" >/dev/null ||
		fail "$h: no report"
done
for role in auditeur technicien direction; do
	expect_status 0 "$vigie" apikey create --role "$role" --db "$db"
	eval "key_$role=\$(tail -n 1 \"\$tmp/out\")"
done
for u in tom:technicien didier:direction; do
	printf '%s\n' "pw of ${u%%:*} correct horse" >"$tmp/pw"
	expect_status 0 "$vigie" user add "${u%%:*}" --role "${u#*:}" \
		--password-stdin --db "$db" <"$tmp/pw"
done
rm -f "$tmp/pw"
[ "$failures" -eq 0 ] || finish

: >"$tmp/serve.out"
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

# as ROLE PATH: GET with ROLE's API key; status in $code, body in
# $tmp/body.
as() {
	eval "k=\$key_$1"
	code=$(curl -sS -k --pinnedpubkey "$pin" -o "$tmp/body" \
		-H "Authorization: Bearer $k" -w '%{http_code}' \
		"$url$2") || code=000
}
want() {
	[ "$code" = "$1" ] || fail "$2: $code, expected $1:" \
		"$(head -c 300 "$tmp/body")"
}
body_has() {
	jq -e "$1" "$tmp/body" >/dev/null 2>&1 ||
		fail "$2: $(head -c 400 "$tmp/body")"
}

# 1. The API.
as technicien /api/v1/vulnerabilities
want 200 "by cve"
cp "$tmp/body" "$tmp/by-cve.json"
body_has '.group == "cve" and .total == 5 and (.as_of | type) == "string"' \
	"by cve: five ids"
# KEV first (by EPSS), then the rest by EPSS, CVSS, hosts, id.
body_has '[.items[].cve] == ["CVE-2021-44228", "CVE-2021-34798",
	"CVE-2021-3712", "CVE-2021-33193", "TEMP-0000000-1A2B3C"]' \
	"by cve: in order"
body_has '.items[0] | .kev and .ransomware and .epss > 0.94 and
	.hosts == 1 and .packages == ["apache-log4j2"] and .fix_available' \
	"log4j's row"
body_has '(.items[] | select(.cve == "CVE-2021-3712")) | .hosts == 2
	and (.kev | not) and .epss == null' "openssl's CVE on two hosts"
as auditeur '/api/v1/vulnerabilities?group=package'
want 200 "by package (auditeur)"
body_has '.total == 4 and ([.items[].package] | sort) ==
	["apache-log4j2", "apache2", "openssl", "tiff"]' "four packages"
body_has '(.items[] | select(.package == "tiff")) | .fixed_hosts == 0
	and .fixed_versions == []' "tiff has no fix"
body_has '(.items[] | select(.package == "openssl")) | .hosts == 2
	and .versions == ["1.1.1k-1"]' "openssl on two hosts"
as technicien '/api/v1/vulnerabilities?group=host'
want 200 "by host"
body_has '[.items[].hostname] == ["alpha", "beta"]' "alpha, then beta"
body_has '.items[0] | .kev == 2 and .packages == 3 and .cves == 4' \
	"alpha's counts"
alpha=$(jq -r '.items[0].asset_id' "$tmp/body")
beta=$(jq -r '.items[1].asset_id' "$tmp/body")
as technicien '/api/v1/vulnerabilities?kev=1'
body_has '.total == 2 and all(.items[]; .kev)' "kev=1"
as technicien '/api/v1/vulnerabilities?search=SSL&group=host'
body_has '[.items[].hostname] == ["alpha", "beta"]' "search a package"
as technicien "/api/v1/vulnerabilities?asset=$beta"
body_has '[.items[].cve] == ["CVE-2021-3712", "TEMP-0000000-1A2B3C"]' \
	"beta's CVEs"
as technicien '/api/v1/vulnerabilities?group=host&cve=cve-2021-44228'
body_has '[.items[].hostname] == ["alpha"]' "a CVE's hosts (any case)"
as technicien '/api/v1/vulnerabilities?group=package&package=apache2'
body_has '.total == 1 and .items[0].cves == 2 and .items[0].kev == 1' \
	"one package"
as technicien '/api/v1/vulnerabilities?limit=1&offset=1'
body_has '.total == 5 and .offset == 1 and .limit == 1 and
	[.items[].cve] == ["CVE-2021-34798"]' "paging"
as technicien '/api/v1/vulnerabilities?offset=99'
body_has '.total == 5 and .items == []' "past the end"
for bad in 'group=cves' 'kev=2' 'limit=0' 'limit=501' 'asset=x' \
	'cve=CVE%27--' 'colour=red' 'group=cve&group=host' 'search=%01'; do
	as technicien "/api/v1/vulnerabilities?$bad"
	want 400 "$bad"
	body_has '.error | type == "string"' "$bad: a JSON error"
done
as direction /api/v1/vulnerabilities
want 403 "direction lists vulnerabilities"
as direction /api/v1/vulnerabilities/CVE-2021-44228
want 403 "direction reads a CVE"
as technicien /api/v1/vulnerabilities/CVE-2021-44228
want 200 "a CVE"
body_has '.cve == "CVE-2021-44228" and .total == 1 and
	.kev.date_added == "2021-12-10" and .kev.due_date == "2021-12-24" and
	.kev.ransomware and .epss.epss > 0.94 and
	(.description | startswith("Apache Log4j2"))' "log4j's detail"
body_has ".hosts[0] | .hostname == \"alpha\" and .asset_id == $alpha and
	.package == \"apache-log4j2\" and .version == \"2.13.3-1\" and
	.fixed_version == \"2.15.0-1\"" "log4j's host"
as technicien /api/v1/vulnerabilities/cve-2021-3712
want 200 "a CVE in lower case"
body_has '[.hosts[].hostname] == ["alpha", "beta"]' "3712's hosts"
as technicien /api/v1/vulnerabilities/CVE-2014-0160
want 200 "a CVE in EPSS only"
body_has '.total == 0 and .hosts == [] and .kev == null' "on no host"
as technicien /api/v1/vulnerabilities/CVE-1999-9999
want 404 "an unknown CVE"
as technicien '/api/v1/vulnerabilities/CVE%3Cx%3E'
[ "$code" = 400 ] || [ "$code" = 404 ] || fail "a hostile id: $code"

# 2. The console, with sessions.
# req USER PATH [curl args...]: status in $code, body in $tmp/body.
req() {
	u=$1
	p=$2
	shift 2
	code=$(curl -sS -k --pinnedpubkey "$pin" -o "$tmp/body" \
		-D "$tmp/headers" -b "$tmp/$u.jar" -c "$tmp/$u.jar" \
		-w '%{http_code}' "$@" "$url$p") || code=000
}
page_has() {
	grep -qF -- "$1" "$tmp/body" || fail "$2: no '$1'"
}
page_lacks() {
	! grep -qF -- "$1" "$tmp/body" || fail "$2: '$1' shown"
}
for u in tom didier; do
	: >"$tmp/$u.jar"
	req "$u" /login --data-urlencode "user=$u" \
		--data-urlencode "password=pw of $u correct horse"
	[ "$code" = 303 ] || fail "login $u: $code"
done
req tom '/vulnerabilities?lang=en'
want 200 "/vulnerabilities"
page_has 'id="vulns-cve"' "by CVE"
page_has 'data-cve="CVE-2021-44228"' "log4j's row"
page_has 'class="sev sev-critical kev"' "the KEV badge"
page_has 'href="/vulnerabilities/CVE-2021-44228"' "link to the CVE"
page_has 'id="filters"' "filters"
page_has 'class="muted as-of"' "as of"
page_has 'href="/vulnerabilities"' "the menu's link"
page_lacks '<script' "no script"
req tom '/vulnerabilities?group=package'
want 200 "by package page"
page_has 'id="vulns-package"' "package table"
page_has 'data-package="apache-log4j2"' "log4j's package"
req tom '/vulnerabilities?group=host&kev=1'
want 200 "by host page"
page_has "data-asset=\"$alpha\"" "alpha's row"
page_has "href=\"/assets/$alpha\"" "alpha's link"
page_lacks "data-asset=\"$beta\"" "beta without KEV"
req tom '/vulnerabilities?group=nope'
want 400 "a bad group"
req tom /vulnerabilities/CVE-2021-44228
want 200 "a CVE's page"
page_has 'class="cve"' "its title"
page_has 'class="kev-added">2021-12-10' "KEV date added"
page_has 'class="kev-due">2021-12-24' "KEV due date"
page_has "href=\"/assets/$alpha\"" "the affected host's link"
page_has '<code>2.15.0-1</code>' "fixed version"
req tom /vulnerabilities/CVE-2021-34798
page_has 'Apache &lt;NULL&gt; deref' "the KEV name, escaped"
req tom /vulnerabilities/CVE-1999-9999
want 404 "an unknown CVE's page"
req tom "/assets/$alpha"
want 200 "alpha's page"
page_has "href=\"/vulnerabilities?group=cve&amp;asset=$alpha\"" \
	"the asset's link to its vulnerabilities"
req tom '/?lang=en'
want 200 "dashboard"
page_has 'id="vulns-card"' "the vulnerabilities card"
page_has 'id="vuln-hosts" class="num">2<' "hosts affected"
page_has 'id="vuln-cves" class="num">5<' "CVEs"
page_has '<span class="sev sev-critical kev">2 KEV' "KEV count"
page_has 'href="/vulnerabilities"' "a link for technicien"
req didier /
want 200 "dashboard (direction)"
page_has 'id="vulns-card"' "direction sees the counts"
page_lacks 'href="/vulnerabilities' "direction gets no link"
req didier /vulnerabilities
want 403 "direction's /vulnerabilities"
finish
