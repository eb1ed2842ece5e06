#!/usr/bin/env python3
"""Write a synthetic Debian security tracker JSON dump of full size.

The real dump (security-tracker.debian.org/tracker/data/json) cannot be
fetched from the benchmark machine, so bench/vuln.sh measures the import
on a document of the same shape and about the same size, built from the
real 2021 bullseye debsecan feed: every (source package, CVE) pair of
the feed, under the releases the tracker lists (bullseye, bookworm,
trixie, sid), with the tracker's members (description, scope,
debianbug, releases.{status, repositories, fixed_version, urgency,
nodsa}). COPIES repeats the pairs under suffixed package names to reach
the real dump's size (tens of MB, ~70,000 package/CVE pairs).

    gen-tracker.py FEED COPIES > tracker.json
"""
import json
import sys
import zlib

feed, copies = sys.argv[1], int(sys.argv[2])
text = zlib.decompress(open(feed, "rb").read()).decode()
vulns, pkgs = text.split("\n\n")[:2]
desc = {}
for line in vulns.split("\n")[1:]:
    if not line:
        continue
    f = line.split(",", 2)
    desc[f[0]] = f[2][:300] if len(f) > 2 else ""
pairs = []
for line in pkgs.split("\n"):
    if not line:
        continue
    pkg, idx, _, unstable, _ = line.split(",", 4)
    pairs.append((pkg, int(idx), unstable))
ids = list(desc)
urg = ["low", "medium", "high", "not yet assigned", "unimportant"]
out = {}
for c in range(copies):
    for n, (pkg, idx, fix) in enumerate(pairs):
        name = pkg if c == 0 else "%s-c%d" % (pkg, c)
        cve = ids[idx] if idx < len(ids) else "CVE-2021-%05d" % idx
        rels = {}
        for k, rel in enumerate(["bullseye", "bookworm", "trixie", "sid"]):
            if fix and (n + k) % 5:
                rels[rel] = {"status": "resolved",
                             "repositories": {rel: fix},
                             "fixed_version": fix,
                             "urgency": urg[(n + k) % len(urg)]}
            else:
                rels[rel] = {"status": "open",
                             "repositories": {rel: "1.0-1"},
                             "urgency": urg[(n + k) % len(urg)],
                             "nodsa": "Minor issue"}
        out.setdefault(name, {})[cve] = {
            "description": desc.get(cve, ""),
            "scope": "remote" if n % 3 else "local",
            "debianbug": 900000 + n,
            "releases": rels}
json.dump(out, sys.stdout, separators=(",", ":"))
