#!/bin/sh
# Read-side benchmark (issue 3: console and API p99 < 50 ms with 20,000
# assets and 2 million finding rows).
#
#   bench/store_query.sh [VIGIE] [ASSETS] [FINDINGS_PER_SCAN] [RUNS]
#
# HISTORY_DAYS (90) and SCANS_PER_DAY (2): each asset also has that many
# older scans a day over that many days before the two above (summaries
# only, no findings), so `scores` has a real 90-day history to build.
#
# Creates a store with `vigie apikey create` (schema up to date), fills
# it with the sqlite3 CLI (two scans per asset, FINDINGS_PER_SCAN
# findings each: 5 fixed and 5 new between them, real check ids with
# synthetic rules and severities, 200 acceptances),
# with the derived columns put_scan maintains (latest/previous scan,
# scan summaries, finding states and first_seen, the findings' hostname
# and site of schema 6, the per-site sums of schema 5, and the hosts'
# latest site, owner and category of schema 6), then starts
# `vigie serve --no-tls` on loopback and times each API query RUNS
# times with curl. Prints p50 and p99 per query, in milliseconds.
#
# KEEP_DB=path keeps the generated store at that path, or reuses it
# when it already exists (generation takes about 100 s): iterate on
# queries without rebuilding. Delete it after a schema change.
set -eu

VIGIE=${1:-build/vigie}
ASSETS=${2:-20000}
PER_SCAN=${3:-50}
RUNS=${4:-50}
PORT=${PORT:-18473}
HISTORY_DAYS=${HISTORY_DAYS:-90}
SCANS_PER_DAY=${SCANS_PER_DAY:-2}

command -v sqlite3 >/dev/null || { echo "needs sqlite3" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
[ -x "$VIGIE" ] || { echo "no $VIGIE (build first)" >&2; exit 1; }

dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
db=$dir/bench.db
reuse=
if [ -n "${KEEP_DB:-}" ]; then
	db=$KEEP_DB
	[ -s "$db" ] && reuse=1
fi

# A reused store gets a fresh key; opening it also runs any migration.
key=$("$VIGIE" apikey create --role admin --db "$db" | tail -n 1)
now=$(date +%s)
t1=$((now - 2 * 86400))
t2=$((now - 86400))

if [ -z "$reuse" ]; then
echo "generating $ASSETS assets x 2 scans x $PER_SCAN findings..." >&2
# site_sums' weights and weighted scores: a score counts when an integer
# 0-100, as the read side and the triggers count it.
site_w= site_ws=
for c in overall s1 s2 s3 s4 s5 s6 s7 s8 s9 s10; do
	ok="typeof($c) = 'integer' AND $c BETWEEN 0 AND 100"
	site_w="$site_w, sum(iif($ok, w, 0))"
	site_ws="$site_ws, sum(iif($ok, w * $c, 0))"
done
start=$(date +%s)
sqlite3 "$db" <<EOF
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c
  WHERE i < max($ASSETS, $PER_SCAN + 10, $HISTORY_DAYS) - 1)
INSERT INTO n SELECT i FROM c;
INSERT INTO hosts(id, hostname) SELECT i + 1, printf('host-%05d', i)
  FROM n WHERE i < $ASSETS;
-- Scan 1 of host h is 2h-1, scan 2 is 2h.
INSERT INTO scans(id, host_id, collected_at, facts, overall, scores)
  SELECT 2 * h.id - 1 + s.i, h.id, CASE s.i WHEN 0 THEN $t1 ELSE $t2 END
    + h.id, '{"asset":{"site":"site-' || (h.id % 40) || '"}}',
    40 + (h.id * 7 + s.i) % 61, '{}'
  FROM hosts h, n s WHERE s.i < 2;
INSERT INTO scan_sums(scan_id, host_id, collected_at, site, owner,
  category, criticality, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10,
  overall)
  SELECT id, host_id, collected_at, 'site-' || (host_id % 40), 'dsi',
    CASE WHEN host_id % 3 THEN 'workstation' ELSE 'server' END,
    1 + host_id % 4, 40 + (host_id + 1) % 61, 40 + (host_id + 2) % 61,
    40 + (host_id + 3) % 61, 40 + (host_id + 4) % 61,
    40 + (host_id + 5) % 61, 40 + (host_id + 6) % 61,
    40 + (host_id + 7) % 61, 40 + (host_id + 8) % 61,
    40 + (host_id + 9) % 61, 40 + (host_id + 10) % 61, overall
  FROM scans;
-- Finding k of scan 1: k in 0..PER_SCAN-1; of scan 2: k+5, the last 5
-- new. Severity, rule and check follow k.
INSERT INTO findings(scan_id, rule, check_id, severity, subject, evidence,
  remediation, host_id, sev, state, first_seen, hostname, site)
  SELECT q.id, 1 + k % 10,
    CASE k % 8 WHEN 0 THEN 'access.cleartext_remote'
      WHEN 1 THEN 'accounts.dormant' WHEN 2 THEN 'accounts.generic'
      WHEN 3 THEN 'accounts.system_shell' WHEN 4 THEN 'admin.excess'
      WHEN 5 THEN 'admin.nopasswd_all' WHEN 6 THEN 'admin.ssh_root_login'
      ELSE 'admin.uid0_duplicate' END,
    CASE k % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high'
      ELSE 'critical' END,
    'subject-' || k, '{"k":' || k || '}', 'fix', q.host_id, 3 - k % 4,
    CASE WHEN q.id % 2 = 0 THEN 1 WHEN k < 5 THEN 2 ELSE 0 END,
    CASE WHEN q.id % 2 = 0 AND k >= $PER_SCAN THEN q.collected_at
      ELSE $t1 + q.host_id END,
    printf('host-%05d', q.host_id - 1), 'site-' || (q.host_id % 40)
  FROM (SELECT s.id, s.host_id, s.collected_at,
      x.i + CASE WHEN s.id % 2 = 0 THEN 5 ELSE 0 END AS k
    FROM scans s, n x WHERE x.i < $PER_SCAN) q;
UPDATE scan_sums SET
  n_critical = (SELECT count(*) FROM findings f
    WHERE f.scan_id = scan_sums.scan_id AND f.sev = 0),
  n_high = (SELECT count(*) FROM findings f
    WHERE f.scan_id = scan_sums.scan_id AND f.sev = 1),
  n_medium = (SELECT count(*) FROM findings f
    WHERE f.scan_id = scan_sums.scan_id AND f.sev = 2),
  n_low = (SELECT count(*) FROM findings f
    WHERE f.scan_id = scan_sums.scan_id AND f.sev = 3);
UPDATE hosts SET latest_scan_id = 2 * id, prev_scan_id = 2 * id - 1;
-- What the triggers of a writing vigie keep (TEMP since schema 17, so
-- not this session's): the hosts' copies of their latest summary
-- (schemas 5 and 6), the per-site sums (5) and counts by severity (6).
UPDATE hosts SET (latest_overall, latest_site, latest_owner,
  latest_category) = (SELECT overall, site, owner, category
  FROM scan_sums WHERE scan_id = hosts.latest_scan_id);
INSERT INTO site_sums(kind, site, n, w0, w1, w2, w3, w4, w5, w6, w7, w8,
  w9, w10, ws0, ws1, ws2, ws3, ws4, ws5, ws6, ws7, ws8, ws9, ws10)
  SELECT kind, site, count(*)$site_w$site_ws
  FROM (SELECT iif(k.k = 0, 0, iif(s.site IS NULL, 1, 2)) AS kind,
      iif(k.k = 0 OR s.site IS NULL, '', s.site) AS site,
      iif(s.criticality BETWEEN 1 AND 4, s.criticality, 1) AS w, s.*
    FROM hosts h JOIN scan_sums s ON s.scan_id = h.latest_scan_id,
      (SELECT 0 AS k UNION ALL SELECT 1) k)
  GROUP BY kind, site;
INSERT INTO sev_sums(kind, site, n0, n1, n2, n3)
  SELECT iif(k.k = 0, 0, iif(s.site IS NULL, 1, 2)),
    iif(k.k = 0 OR s.site IS NULL, '', s.site), sum(s.n_critical),
    sum(s.n_high), sum(s.n_medium), sum(s.n_low)
  FROM hosts h JOIN scan_sums s ON s.scan_id = h.latest_scan_id,
    (SELECT 0 AS k UNION ALL SELECT 1) k
  GROUP BY 1, 2;
-- Schema 13: each scan holds its own rows.
UPDATE hosts SET findings_scan_id = latest_scan_id,
  prev_findings_scan_id = prev_scan_id;
-- Older scans: SCANS_PER_DAY a day for HISTORY_DAYS days before t1.
INSERT INTO scans(id, host_id, collected_at, facts, overall, scores)
  SELECT 2 * $ASSETS + (d.i * $SCANS_PER_DAY + k.i) * $ASSETS + h.id, h.id,
    $t1 - (d.i + 1) * 86400 + k.i * 3600 + h.id % 3000,
    '{}', 30 + (h.id * 3 + d.i + k.i) % 71, '{}'
  FROM hosts h, n d, n k
  WHERE d.i < $HISTORY_DAYS AND k.i < $SCANS_PER_DAY;
INSERT INTO scan_sums(scan_id, host_id, collected_at, site, owner,
  category, criticality, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10,
  overall)
  SELECT s.id, s.host_id, s.collected_at, 'site-' || (s.host_id % 40),
    'dsi', 'server', 1 + s.host_id % 4, s.overall, s.overall, s.overall,
    s.overall, s.overall, s.overall, s.overall, s.overall, s.overall,
    s.overall, s.overall
  FROM scans s WHERE s.id > 2 * $ASSETS;
-- The daily roll-up put_scan maintains (migration 4's SQL).
INSERT INTO host_days(host_id, day, scan_id, collected_at, weight,
  s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, overall)
  SELECT host_id, day, scan_id, collected_at,
    CASE WHEN criticality BETWEEN 1 AND 4 THEN criticality ELSE 1 END,
    s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, overall
  FROM (SELECT *, row_number() OVER (PARTITION BY host_id, day
      ORDER BY collected_at DESC, scan_id DESC) AS rn
    FROM (SELECT *, collected_at / 86400 AS day FROM scan_sums))
  WHERE rn = 1;
INSERT INTO score_days SELECT day,
  sum(iif(overall IS NULL, 0, weight) - iif(p0 IS NULL, 0, pw)),
  sum(iif(s1 IS NULL, 0, weight) - iif(p1 IS NULL, 0, pw)),
  sum(iif(s2 IS NULL, 0, weight) - iif(p2 IS NULL, 0, pw)),
  sum(iif(s3 IS NULL, 0, weight) - iif(p3 IS NULL, 0, pw)),
  sum(iif(s4 IS NULL, 0, weight) - iif(p4 IS NULL, 0, pw)),
  sum(iif(s5 IS NULL, 0, weight) - iif(p5 IS NULL, 0, pw)),
  sum(iif(s6 IS NULL, 0, weight) - iif(p6 IS NULL, 0, pw)),
  sum(iif(s7 IS NULL, 0, weight) - iif(p7 IS NULL, 0, pw)),
  sum(iif(s8 IS NULL, 0, weight) - iif(p8 IS NULL, 0, pw)),
  sum(iif(s9 IS NULL, 0, weight) - iif(p9 IS NULL, 0, pw)),
  sum(iif(s10 IS NULL, 0, weight) - iif(p10 IS NULL, 0, pw)),
  sum(coalesce(weight * overall, 0) - coalesce(pw * p0, 0)),
  sum(coalesce(weight * s1, 0) - coalesce(pw * p1, 0)),
  sum(coalesce(weight * s2, 0) - coalesce(pw * p2, 0)),
  sum(coalesce(weight * s3, 0) - coalesce(pw * p3, 0)),
  sum(coalesce(weight * s4, 0) - coalesce(pw * p4, 0)),
  sum(coalesce(weight * s5, 0) - coalesce(pw * p5, 0)),
  sum(coalesce(weight * s6, 0) - coalesce(pw * p6, 0)),
  sum(coalesce(weight * s7, 0) - coalesce(pw * p7, 0)),
  sum(coalesce(weight * s8, 0) - coalesce(pw * p8, 0)),
  sum(coalesce(weight * s9, 0) - coalesce(pw * p9, 0)),
  sum(coalesce(weight * s10, 0) - coalesce(pw * p10, 0))
  FROM (SELECT *, lag(weight) OVER w AS pw, lag(overall) OVER w AS p0,
      lag(s1) OVER w AS p1, lag(s2) OVER w AS p2, lag(s3) OVER w AS p3,
      lag(s4) OVER w AS p4, lag(s5) OVER w AS p5, lag(s6) OVER w AS p6,
      lag(s7) OVER w AS p7, lag(s8) OVER w AS p8, lag(s9) OVER w AS p9,
      lag(s10) OVER w AS p10
    FROM host_days WINDOW w AS (PARTITION BY host_id ORDER BY day))
  GROUP BY day;
INSERT INTO acceptances(host_id, check_id, subject, reason, until, by, at)
  SELECT f.host_id, f.check_id, f.subject, 'bench', $now + 30 * 86400,
    'bench', $now FROM findings f WHERE f.state = 1 AND f.id % 9973 = 0
  LIMIT 200;
COMMIT;
EOF
echo "generated in $(( $(date +%s) - start )) s:" \
	"$(sqlite3 "$db" 'SELECT count(*) FROM findings') finding rows" >&2
fi

"$VIGIE" serve --no-tls --listen "127.0.0.1:$PORT" --db "$db" \
	--state-dir "$dir" >"$dir/serve.log" 2>&1 &
pid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/health"; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$dir/serve.log" >&2; exit 1; }
	sleep 0.1
done

# p50 and p99 of RUNS requests to one path, in milliseconds.
bench() {
	name=$1
	path=$2
	n=0
	: >"$dir/t"
	while [ $n -lt "$RUNS" ]; do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
			-H "Authorization: Bearer $key" \
			"http://127.0.0.1:$PORT$path" >>"$dir/t"
		n=$((n + 1))
	done
	code=$(awk '$1 != 200 { print $1; exit }' "$dir/t")
	awk '{ print $2 * 1000 }' "$dir/t" | sort -n | awk -v name="$name" \
		-v bad="${code:-}" '{ v[NR] = $1 } END {
		p50 = v[int((NR + 1) / 2)]; p99 = v[int(NR * 0.99 + 0.999)]
		printf "%-34s p50 %8.2f ms  p99 %8.2f ms%s\n", name, p50, p99,
			bad != "" ? "  (HTTP " bad ")" : "" }'
}

bench "assets" "/api/v1/assets"
bench "assets site" "/api/v1/assets?site=site-7"
bench "assets search" "/api/v1/assets?search=host-1234"
bench "assets score range" "/api/v1/assets?min_score=50&max_score=60"
bench "assets last page" "/api/v1/assets?offset=$((ASSETS - 50))"
bench "asset" "/api/v1/assets/4321"
bench "findings" "/api/v1/findings"
bench "findings critical" "/api/v1/findings?severity=critical"
bench "findings rule" "/api/v1/findings?rule=3"
bench "findings check" "/api/v1/findings?check=admin.excess"
bench "findings open" "/api/v1/findings?status=open"
bench "findings accepted" "/api/v1/findings?status=accepted"
bench "findings fixed" "/api/v1/findings?status=fixed"
bench "findings site" "/api/v1/findings?site=site-7"
bench "findings asset" "/api/v1/findings?asset=4321"
bench "findings offset 10000" "/api/v1/findings?offset=10000"
bench "scores" "/api/v1/scores"
bench "scores 90 days" "/api/v1/scores?days=90"
