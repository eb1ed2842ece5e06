#!/usr/bin/env python3
"""A fake vigie server for the agent's task handling: answers every
report with 201, GET /api/v1/tasks with the JSON document in TASKS_FILE,
and records each POST under /api/v1/tasks/ in OUT_DIR (one file per
request, named after the path). Prints its port on stdout once
listening.

    task_server.py TASKS_FILE OUT_DIR
"""
import http.server
import json
import os
import sys

tasks_file, out_dir = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/api/v1/tasks"):
            data = open(tasks_file, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if self.path.startswith("/api/v1/tasks/"):
            name = self.path.strip("/").replace("/", "_")
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(body)
            self.answer(200, {})
        elif self.path == "/api/v1/reports":
            uuid = json.loads(body or b"{}").get("uuid", "")
            self.answer(201, {"stored": True, "uuid": uuid})
        else:
            self.answer(404, {"error": "not found"})


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
