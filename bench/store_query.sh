#!/bin/sh
# Read-side benchmark (issue 3: console and API p99 < 50 ms with 20,000
# assets and 2 million finding rows).
#
#   bench/store_query.sh [VIGIE] [ASSETS] [FINDINGS_PER_SCAN] [RUNS]
#
# Creates a store with `vigie apikey create` (schema up to date), fills
# it with the sqlite3 CLI (two scans per asset, FINDINGS_PER_SCAN
# findings each: 5 fixed and 5 new between them, real check ids with
# synthetic rules and severities, 200 acceptances),
# with the derived columns put_scan maintains (latest/previous scan,
# scan summaries, finding states and first_seen), then starts
# `vigie serve --no-tls` on loopback and times each API query RUNS
# times with curl. Prints p50 and p99 per query, in milliseconds.
set -eu

VIGIE=${1:-build/vigie}
ASSETS=${2:-20000}
PER_SCAN=${3:-50}
RUNS=${4:-50}
PORT=${PORT:-18473}

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

key=$("$VIGIE" apikey create --role admin --db "$db" | tail -n 1)
now=$(date +%s)
t1=$((now - 2 * 86400))
t2=$((now - 86400))

echo "generating $ASSETS assets x 2 scans x $PER_SCAN findings..." >&2
start=$(date +%s)
sqlite3 "$db" <<EOF
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c
  WHERE i < max($ASSETS, $PER_SCAN + 10) - 1)
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
  remediation, host_id, sev, state, first_seen)
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
      ELSE $t1 + q.host_id END
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
INSERT INTO acceptances(host_id, check_id, subject, reason, until, by, at)
  SELECT f.host_id, f.check_id, f.subject, 'bench', $now + 30 * 86400,
    'bench', $now FROM findings f WHERE f.state = 1 AND f.id % 9973 = 0
  LIMIT 200;
COMMIT;
EOF
echo "generated in $(( $(date +%s) - start )) s:" \
	"$(sqlite3 "$db" 'SELECT count(*) FROM findings') finding rows" >&2

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
