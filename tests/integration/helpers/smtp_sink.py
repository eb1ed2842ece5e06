#!/usr/bin/env python3
"""A small SMTP server for the alert tests (standard library only:
smtpd and asyncore are gone from Python 3.12).

Speaks EHLO/HELO, optionally STARTTLS (--cert/--key) and AUTH PLAIN
(--auth USER:PASSWORD, then required before MAIL), MAIL, RCPT, DATA,
RSET, NOOP, QUIT. Each message is written to DIR/N.eml (dot-unstuffed,
as received) with DIR/N.env holding "MAIL FROM", "RCPT TO" and "AUTH"
lines. The port it listens on is written to --port-file once ready.
"""
import argparse
import base64
import os
import socket
import socketserver
import ssl
import sys
import threading

MAX_MESSAGE = 10 << 20


def strip_prefix(arg, word):
    """"FROM:<a@b> SIZE=1" -> "<a@b>"."""
    if arg.upper().startswith(word):
        arg = arg[len(word):].strip()
    return arg.split(" ", 1)[0]


class Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def send(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(65536)
        if not line:
            raise EOFError
        return line.rstrip(b"\r\n").decode("utf-8", "replace")

    def handle(self):
        cfg = self.server.cfg
        self.tls = False
        self.authed = None
        self.reset()
        self.send("220 sink ESMTP ready")
        try:
            while True:
                line = self.readline()
                verb = line.split(" ", 1)[0].upper()
                arg = line[len(verb):].strip()
                if verb in ("EHLO", "HELO"):
                    self.ehlo(verb)
                elif verb == "STARTTLS" and cfg.cert and not self.tls:
                    self.send("220 go ahead")
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    ctx.load_cert_chain(cfg.cert, cfg.key)
                    try:
                        conn = ctx.wrap_socket(self.connection,
                                               server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                    self.connection = conn
                    self.rfile = conn.makefile("rb")
                    self.wfile = conn.makefile("wb")
                    self.tls = True
                    self.reset()
                elif verb == "AUTH" and cfg.auth:
                    self.auth(arg)
                elif verb == "MAIL":
                    if cfg.auth and self.authed is None:
                        self.send("530 authentication required")
                        continue
                    self.mail_from = strip_prefix(arg, "FROM:")
                    self.send("250 ok")
                elif verb == "RCPT":
                    self.rcpt.append(strip_prefix(arg, "TO:"))
                    self.send("250 ok")
                elif verb == "DATA":
                    if not self.rcpt:
                        self.send("503 no recipients")
                        continue
                    self.send("354 end with .")
                    self.data()
                elif verb == "RSET":
                    self.reset()
                    self.send("250 ok")
                elif verb == "NOOP":
                    self.send("250 ok")
                elif verb == "QUIT":
                    self.send("221 bye")
                    return
                else:
                    self.send("502 not implemented")
        except (EOFError, ConnectionError, socket.timeout, ssl.SSLError):
            return

    def reset(self):
        self.mail_from = None
        self.rcpt = []

    def ehlo(self, verb):
        cfg = self.server.cfg
        if verb == "HELO":
            self.send("250 sink")
            return
        caps = ["sink", "8BITMIME", "SIZE %d" % MAX_MESSAGE]
        if cfg.cert and not self.tls:
            caps.append("STARTTLS")
        if cfg.auth:
            caps.append("AUTH PLAIN")
        for i, c in enumerate(caps):
            self.send("250%s%s" % ("-" if i < len(caps) - 1 else " ", c))

    def auth(self, arg):
        parts = arg.split(" ", 1)
        if parts[0].upper() != "PLAIN":
            self.send("504 unrecognised mechanism")
            return
        if len(parts) == 2:
            blob = parts[1]
        else:
            self.send("334 ")
            blob = self.readline()
        try:
            _, user, pw = base64.b64decode(blob).decode().split("\0")
        except (ValueError, UnicodeDecodeError):
            self.send("501 bad PLAIN")
            return
        if "%s:%s" % (user, pw) == self.server.cfg.auth:
            self.authed = user
            self.send("235 ok")
        else:
            self.send("535 bad credentials")

    def data(self):
        lines = []
        size = 0
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                raise EOFError
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b"."):
                raw = raw[1:]
            size += len(raw)
            if size > MAX_MESSAGE:
                raise EOFError
            lines.append(raw)
        with self.server.lock:
            self.server.count += 1
            n = self.server.count
        base = os.path.join(self.server.cfg.dir, "%d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(b"".join(lines))
        with open(base + ".env", "w") as f:
            f.write("MAIL FROM %s\n" % self.mail_from)
            for r in self.rcpt:
                f.write("RCPT TO %s\n" % r)
            f.write("AUTH %s\n" % (self.authed or "-"))
            f.write("TLS %s\n" % ("yes" if self.tls else "no"))
        os.rename(base + ".eml.tmp", base + ".eml")
        self.reset()
        self.send("250 queued as %d" % n)


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--auth", help="USER:PASSWORD")
    cfg = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
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
