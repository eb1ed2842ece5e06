#!/bin/sh
# The agent refuses a malformed task and logs it (issue "Incident
# response": a malformed task is refused and logged): against a fake
# server that hands out a task of an unknown kind, tasks without an id
# and junk, `vigie agent run --once` answers the one it can name with
# "failed" and a reason, applies nothing, and says what it ignored.
set -eu
vigie=$1
fixtures=$2
here=$(dirname "$0")
. "$here/lib.sh"

py=$(command -v python3) || { echo "no python3: skipped"; exit 77; }
mkdir -p "$tmp/agent" "$tmp/out"
cat >"$tmp/tasks.json" <<'JSON'
{"tasks": [
 {"id": 5, "kind": "format_disk", "incident_id": 1, "payload": {}},
 {"kind": "isolate", "incident_id": 1, "payload": {}},
 {"id": "six", "kind": "release"},
 "junk"
]}
JSON
"$py" "$here/helpers/task_server.py" "$tmp/tasks.json" "$tmp/out" \
	>"$tmp/port" 2>"$tmp/server.err" &
srv=$!
trap 'kill "$srv" 2>/dev/null || true; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$tmp/port")
[ -n "$port" ] || fail "the fake server did not start"
cat >"$tmp/agent/agent.json" <<JSON
{"server": "http://127.0.0.1:$port", "agent_id":
 "6f1c2e0a-1b2c-4d3e-8f90-a1b2c3d4e5f6",
 "secret": "0123456789abcdef0123456789abcdef0123456789abcdef"}
JSON
chmod 600 "$tmp/agent/agent.json"

"$vigie" agent run --once --state-dir "$tmp/agent" --root "$fixtures/roots/clean" \
	>"$tmp/agent.out" 2>"$tmp/agent.err" || true

result=$tmp/out/api_v1_tasks_5_result
[ -s "$result" ] || {
	cat "$tmp/agent.err" >&2
	fail "the task of an unknown kind got no answer"
}
jq -e '.state == "failed" and (.detail | test("unknown task kind"))' \
	"$result" >/dev/null || fail "unexpected answer: $(cat "$result")"
# Nothing else answered, no evidence sent, nothing isolated.
n=$(find "$tmp/out" -type f | wc -l)
[ "$n" -eq 1 ] || fail "$n answers, expected 1: $(ls "$tmp/out")"
[ ! -e "$tmp/agent/isolation.json" ] || fail "an isolation was recorded"
grep -q "unknown kind" "$tmp/agent.err" ||
	fail "the refused task is not logged"
grep -q "malformed task ignored" "$tmp/agent.err" ||
	fail "the malformed tasks are not logged"
finish
