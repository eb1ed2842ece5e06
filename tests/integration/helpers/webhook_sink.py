#!/usr/bin/env python3
"""An HTTP receiver for the webhook tests (standard library only).

Each POST body is written to DIR/N.json with DIR/N.headers; the first
--fail N requests are answered 500 (to test retries), the others 204.
Every request, failed or not, is counted in DIR/requests (one line
each). The port it listens on is written to --port-file once ready.
"""
import argparse
import http.server
import os
import sys
import threading

MAX_BODY = 16 << 20


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        srv = self.server
        n = int(self.headers.get("Content-Length", "0"))
        if n < 0 or n > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(n)
        with srv.lock:
            srv.count += 1
            k = srv.count
            with open(os.path.join(srv.cfg.dir, "requests"), "a") as f:
                f.write("%s %s\n" % (self.command, self.path))
        if k <= srv.cfg.fail:
            self.send_response(500)
            self.end_headers()
            return
        base = os.path.join(srv.cfg.dir, "%d" % k)
        with open(base + ".headers", "w") as f:
            f.write("path: %s\n" % self.path)
            for h, v in self.headers.items():
                f.write("%s: %s\n" % (h.lower(), v))
        with open(base + ".json.tmp", "wb") as f:
            f.write(body)
        os.rename(base + ".json.tmp", base + ".json")
        self.send_response(204)
        self.end_headers()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fail", type=int, default=0)
    cfg = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.cfg = cfg
    srv.lock = threading.Lock()
    srv.count = 0
    with open(cfg.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(cfg.port_file + ".tmp", cfg.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
