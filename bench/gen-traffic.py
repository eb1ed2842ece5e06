#!/usr/bin/env python3
"""Background traffic for bench/discover.sh: a classic pcap (Ethernet,
microsecond timestamps) of N packets between H hosts: TCP connections
(handshake, data both ways, FIN) on ports 443, 445, 80 and 3389 with
opaque payloads, DNS-like UDP, ARP. Deterministic (seeded).

Usage: gen-traffic.py OUT.pcap [PACKETS] [HOSTS]
"""
import random
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                      64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def eth(src, dst, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    hosts = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    rnd = random.Random(4711)
    macs = [bytes([0x02, 0x42, 0, 0, h >> 8, h & 255]) for h in range(hosts)]
    ips = [bytes([10, 200, h >> 8, h & 255]) for h in range(hosts)]
    blobs = [bytes(rnd.getrandbits(8) for _ in range(1400)) for _ in range(8)]
    t = 1796000000.0
    count = 0
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

        def put(frame):
            nonlocal t, count
            t += 0.00001
            sec = int(t)
            f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6),
                                len(frame), len(frame)))
            f.write(frame)
            count += 1

        while count < n:
            a, b = rnd.randrange(hosts), rnd.randrange(hosts)
            if a == b:
                continue
            kind = rnd.random()
            if kind < 0.05:
                arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1,
                                  macs[a], ips[a], b"\0" * 6, ips[b])
                put(eth(macs[a], b"\xff" * 6, 0x0806, arp))
                continue
            if kind < 0.25:
                q = struct.pack("!HHHHHH", rnd.getrandbits(16), 0x0100, 1, 0,
                                0, 0) + b"\x03www\x07example\x03org\0\0\1\0\1"
                udp = struct.pack("!HHHH", 40000 + a, 53, 8 + len(q), 0) + q
                put(eth(macs[a], macs[b], 0x0800, ipv4(ips[a], ips[b], 17, udp)))
                continue
            sport, dport = 32768 + rnd.randrange(28000), rnd.choice(
                (443, 445, 80, 3389))
            seq_c, seq_s = rnd.getrandbits(32), rnd.getrandbits(32)

            def seg(fr, to, sp, dp, seq, ack, flags, data=b""):
                tcp = struct.pack("!HHIIBBHHH", sp, dp, seq & 0xFFFFFFFF,
                                  ack & 0xFFFFFFFF, 0x50, flags, 65535, 0,
                                  0) + data
                put(eth(macs[fr], macs[to], 0x0800,
                        ipv4(ips[fr], ips[to], 6, tcp)))

            seg(a, b, sport, dport, seq_c, 0, 0x02)
            seg(b, a, dport, sport, seq_s, seq_c + 1, 0x12)
            seq_c += 1
            seq_s += 1
            seg(a, b, sport, dport, seq_c, seq_s, 0x10)
            for _ in range(rnd.randrange(2, 12)):
                size = rnd.choice((64, 200, 536, 1400))
                data = blobs[rnd.randrange(8)][:size]
                if rnd.random() < 0.5:
                    seg(a, b, sport, dport, seq_c, seq_s, 0x18, data)
                    seq_c += size
                else:
                    seg(b, a, dport, sport, seq_s, seq_c, 0x18, data)
                    seq_s += size
            seg(a, b, sport, dport, seq_c, seq_s, 0x11)
            seg(b, a, dport, sport, seq_s, seq_c + 1, 0x11)
    print(count)


if __name__ == "__main__":
    main()
