# Network namespaces for the isolation test and bench (sourced after
# lib.sh): a switch namespace with a bridge, and three machines on it:
# "host" (runs the agent), "server" (runs vigie serve) and "third".
# Needs root and iproute2; ns_skip_unless_possible exits 77 otherwise.

ns_tag=vgi$$
ns_sw=${ns_tag}sw
ns_host=${ns_tag}h
ns_srv=${ns_tag}s
ns_third=${ns_tag}t
ip_host=10.77.0.1
ip_srv=10.77.0.2
ip_third=10.77.0.3
py=$(command -v python3 || true)
ns_bg_pids=""

ns_skip_unless_possible() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "not root: skipped"
		exit 77
	fi
	for c in ip nft; do
		if ! command -v "$c" >/dev/null 2>&1 &&
			! [ -x "/usr/sbin/$c" ]; then
			echo "$c is not installed: skipped"
			exit 77
		fi
	done
	if [ -z "$py" ]; then
		echo "python3 is not installed: skipped"
		exit 77
	fi
	if ! ip netns add "${ns_tag}probe" 2>/dev/null; then
		echo "no network namespaces here: skipped"
		exit 77
	fi
	ip netns del "${ns_tag}probe"
}

ns_up() {
	ip netns add "$ns_sw"
	ip netns exec "$ns_sw" ip link add br0 type bridge
	ip netns exec "$ns_sw" ip link set br0 up
	for pair in "$ns_host:$ip_host" "$ns_srv:$ip_srv" "$ns_third:$ip_third"; do
		ns=${pair%%:*}
		addr=${pair#*:}
		ip netns add "$ns"
		ip link add eth0 netns "$ns" type veth peer name "p$ns" \
			netns "$ns_sw"
		ip netns exec "$ns_sw" ip link set "p$ns" master br0 up
		ip netns exec "$ns" ip addr add "$addr/24" dev eth0
		ip netns exec "$ns" ip link set eth0 up
		ip netns exec "$ns" ip link set lo up
	done
}

ns_down() {
	for p in $ns_bg_pids; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $ns_bg_pids; do
		wait "$p" 2>/dev/null || true
	done
	for ns in "$ns_host" "$ns_srv" "$ns_third" "$ns_sw"; do
		# Processes left in a namespace would keep it alive.
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
}

# A TCP listener (accepting and closing) on port 8000 of each machine.
ns_listeners() {
	for ns in "$ns_host" "$ns_srv" "$ns_third"; do
		ip netns exec "$ns" "$py" -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8000))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
' >/dev/null 2>&1 &
		ns_bg_pids="$ns_bg_pids $!"
	done
	sleep 0.3
}

# tcp_ok NS ADDR PORT: a TCP connection from NS to ADDR:PORT opens
# within a second.
tcp_ok() {
	ip netns exec "$1" "$py" -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()
except OSError:
    sys.exit(1)
' "$2" "$3" >/dev/null 2>&1
}

# icmp_ok NS ADDR: an ICMP echo from NS to ADDR is answered within a
# second (a raw socket: no ping needed).
icmp_ok() {
	ip netns exec "$1" "$py" -c '
import os, socket, struct, sys, time
dst = sys.argv[1]
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
ident = os.getpid() & 0xffff
body = b"vigie-ping"
hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + body), ident, 1) + body
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(1)
    s.sendto(pkt, (dst, 0))
    end = time.time() + 1
    while time.time() < end:
        data, addr = s.recvfrom(2048)
        ihl = (data[0] & 15) * 4
        if addr[0] == dst and data[ihl] == 0:
            sys.exit(0)
except OSError:
    pass
sys.exit(1)
' "$2" >/dev/null 2>&1
}

# table_in NS: the isolation table exists in NS.
table_in() {
	ip netns exec "$1" nft list table inet vigie_isolation >/dev/null 2>&1
}

# ns_serve: vigie serve in the server namespace (TLS, pinned key):
# sets url, pin and server_pid.
ns_serve() {
	mkdir -p "$tmp/server"
	ip netns exec "$ns_srv" "$vigie" serve --listen "$ip_srv:8443" \
		--db "$db" --state-dir "$tmp/server" \
		>"$tmp/serve.out" 2>"$tmp/serve.err" &
	server_pid=$!
	ns_bg_pids="$ns_bg_pids $server_pid"
	i=0
	while ! grep -q 'sha256//' "$tmp/serve.out" "$tmp/serve.err" \
		2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 300 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			sed 's/^/  serve: /' "$tmp/serve.err" >&2
			echo "FAIL: vigie serve did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	url=https://$ip_srv:8443
	pin=$(grep -ohE 'sha256//[A-Za-z0-9+/=]+' "$tmp/serve.out" \
		"$tmp/serve.err" | head -n 1)
}

# ns_enroll: enrol the host's agent and deliver one report (the asset
# srv-clean then exists on the server).
ns_enroll() {
	"$vigie" token create --site "Hôpital Nord" --db "$db" \
		>"$tmp/token.out" 2>"$tmp/token.err" || {
		cat "$tmp/token.err" >&2
		echo "FAIL: vigie token create failed" >&2
		exit 1
	}
	token=$(grep -oE '[0-9a-f]{64}' "$tmp/token.out" | head -n 1)
	ip netns exec "$ns_host" "$vigie" agent enroll --server "$url" \
		--token "$token" --fingerprint "$pin" --state-dir "$state" \
		>/dev/null 2>"$tmp/enroll.err" || {
		cat "$tmp/enroll.err" >&2
		echo "FAIL: agent enroll failed" >&2
		exit 1
	}
	ip netns exec "$ns_host" "$vigie" agent run --once --state-dir "$state" \
		--root "$tmp/clean" >/dev/null 2>"$tmp/once.err" || {
		cat "$tmp/once.err" >&2
		echo "FAIL: agent run --once failed" >&2
		exit 1
	}
}

# ns_agent_start: the agent as a service in the host namespace; sets
# agent_pid. Its log goes to $tmp/agent.log (appended).
ns_agent_start() {
	touch "$tmp/agent.log"
	ip netns exec "$ns_host" "$vigie" agent run --state-dir "$state" \
		--root "$tmp/clean" --interval 1h -v >>"$tmp/agent.log" 2>&1 &
	agent_pid=$!
	ns_bg_pids="$ns_bg_pids $agent_pid"
	# Its task watcher has polled once when the server saw it.
	i=0
	while ! grep -q 'task watcher started' "$tmp/agent.log" &&
		[ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
}
