#!/usr/bin/env python3
"""Request lists for scripts/bench/dossiers.sh (read by scripts/bench/requests.lua).

  dossier-requests.py BASE KIND OUT [--db DB] [--codes FILE] [--bodies FILE] [--desks N] [--check N]

Signs in the staff a kind needs (fresh sessions for every load run: staff sessions end after 15 idle minutes),
writes OUT with one request per line (METHOD <TAB> PATH <TAB> CREDENTIAL <TAB> BODY; the credential is a bearer
token, or `cookie:NAME=VALUE` for the back-office pages), then sends the first --check distinct requests, and more
from the list up to --repeat requests one after the other, and fails unless each answers as the load run expects
(200 with a full first page for queues, 200 for a dossier, 201 for a receipt). Prints the timings to stderr. The password is MOTCUA_DEMO_PASSWORD.

Kinds (who asks in brackets):
  api-queue-mine      GET /api/v1/dossiers?assignee=me         (kinhte.chuyenvien, a specialist)
  api-queue-unit      GET /api/v1/dossiers?unit=H40.12.4       (kinhte.truong, head of that unit)
  api-queue-received  GET /api/v1/dossiers?status=2            (motcua.canbo1, one-stop officer)
  api-queue-overdue   GET /api/v1/dossiers?overdue=true        (motcua.canbo1)
  api-dossier         GET /api/v1/dossiers/{code}              (the three officers; codes from --codes)
  api-receipt         POST /api/v1/dossiers, counter + receive (thutai.motcua01 … the --desks intake desks)
  html-queue-mine     GET /staff/dossiers?queue=mine           (kinhte.chuyenvien, signed in through the form)
  html-queue-unit     GET /staff/dossiers?queue=unit           (kinhte.truong)
  html-queue-received GET /staff/dossiers?queue=received       (motcua.canbo1)
  html-queue-overdue  GET /staff/dossiers?queue=overdue        (motcua.canbo1)
  html-dossier        GET /staff/dossiers/{code}               (the three officers)
  baseline-receipt    POST /rows with the receipt bodies       (no credential: the bare baseline server)

  dossier-requests.py --make-codes DB OUT N      samples N codes: half from active dossiers, half from all
  dossier-requests.py --make-bodies DB OUT N     N receipt bodies over the procedures offered at the counter

Standard library only.
"""

import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import sys
import time
import urllib.parse

PASSWORD = os.environ.get("MOTCUA_DEMO_PASSWORD", "")
OFFICERS = ["motcua.canbo1", "motcua.canbo2", "motcua.truong"]


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.base = base.rstrip("/")
        self.host, self.port = u.hostname, u.port or 80

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        h = dict(headers or {})
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        payload = r.read()
        cookies = r.headers.get_all("Set-Cookie") or []
        conn.close()
        return r.status, payload, cookies, r.headers


def api_login(c, username):
    status, body, _, _ = c.request(
        "POST", "/api/v1/auth/login",
        json.dumps({"username": username, "password": PASSWORD}),
        {"Content-Type": "application/json"})
    if status != 200:
        sys.exit(f"API sign-in of {username} failed: {status} {body[:200]!r}")
    return json.loads(body)["token"]


def cookie_value(set_cookies, name):
    for line in set_cookies:
        first = line.split(";", 1)[0]
        if first.startswith(name + "="):
            return first[len(name) + 1:]
    return None


def form_login(c, username):
    """Signs in through /staff/login like a browser (pre-session cookie, CSRF field, Origin); returns the
    session cookie as `NAME=VALUE`. The cookies are Secure: a browser would not send them over plain HTTP, so
    they are handled here by hand."""
    status, body, cookies, _ = c.request("GET", "/staff/login")
    if status != 200:
        sys.exit(f"GET /staff/login: {status}")
    pre = cookie_value(cookies, "__Host-motcua_pre")
    m = re.search(rb'name="csrf" value="([^"]+)"', body)
    if not pre or not m:
        sys.exit("the sign-in form has no pre-session cookie or CSRF field")
    form = urllib.parse.urlencode({"csrf": m.group(1).decode(), "next": "/staff", "username": username,
                                   "password": PASSWORD})
    status, body, cookies, _ = c.request("POST", "/staff/login", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"__Host-motcua_pre={pre}",
        "Origin": c.base,
    })
    session = cookie_value(cookies, "__Host-motcua_session")
    if status not in (302, 303) or not session:
        sys.exit(f"form sign-in of {username} failed: {status} {body[:300]!r}")
    return f"cookie:__Host-motcua_session={session}"


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def make_codes(db, out, n):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    rng = random.Random(4)
    lo, hi = c.execute("SELECT min(id), max(id) FROM dossiers").fetchone()
    active = [r[0] for r in c.execute("SELECT code FROM dossiers WHERE active = 1 AND code IS NOT NULL")]
    codes = rng.sample(active, min(n // 2, len(active)))
    seen = set(codes)
    while len(codes) < n:
        row = c.execute("SELECT code FROM dossiers WHERE id = ?", (rng.randint(lo, hi),)).fetchone()
        if row and row[0] and row[0] not in seen:
            seen.add(row[0])
            codes.append(row[0])
    rng.shuffle(codes)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(codes) + "\n")
    print(f"{len(codes)} codes ({min(n // 2, len(active))} of active dossiers)", file=sys.stderr)


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hương", "Lan", "Linh", "Minh", "Nam", "Phong",
         "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến"]


def make_bodies(db, out, n):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    procs = []
    for code, body in c.execute(
            "SELECT procedure_code, body FROM procedure_versions WHERE state = 'published' ORDER BY procedure_code"):
        p = json.loads(body)
        if p.get("channels", {}).get("counter"):
            procs.append((code, len(p.get("components", []))))
    if not procs:
        sys.exit("no procedure offered at the counter")
    rng = random.Random(7)
    lines = []
    for i in range(n):
        code, components = procs[i % len(procs)]
        body = {
            "procedure": code,
            "channel": 1,
            "applicant": {
                "kind": "person",
                "name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "id_number": "027" + "".join(rng.choice("0123456789") for _ in range(9)),
                "phone": "09" + "".join(rng.choice("0123456789") for _ in range(8)),
            },
            "components": list(range(1, components + 1)),
            "then": {"action": "receive"},
        }
        lines.append(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{n} receipt bodies over {len(procs)} procedures offered at the counter", file=sys.stderr)


QUEUES = {
    "mine": ("kinhte.chuyenvien", "assignee=me", "mine"),
    "unit": ("kinhte.truong", "unit=H40.12.4", "unit"),
    "received": ("motcua.canbo1", "status=2", "received"),
    "overdue": ("motcua.canbo1", "overdue=true", "overdue"),
}


def build(c, kind, args):
    """(requests, expected status) for a kind."""
    if kind.startswith("api-queue-") or kind.startswith("html-queue-"):
        user, api_query, html_key = QUEUES[kind.rsplit("-", 1)[1]]
        if kind.startswith("api-"):
            return [("GET", f"/api/v1/dossiers?{api_query}", api_login(c, user), "")], 200
        return [("GET", f"/staff/dossiers?queue={html_key}", form_login(c, user), "")], 200
    if kind in ("api-dossier", "html-dossier"):
        codes = read_lines(args.codes)
        if kind == "api-dossier":
            creds = [api_login(c, u) for u in OFFICERS]
            prefix = "/api/v1/dossiers/"
        else:
            creds = [form_login(c, u) for u in OFFICERS]
            prefix = "/staff/dossiers/"
        return [("GET", prefix + urllib.parse.quote(code), creds[i % len(creds)], "")
                for i, code in enumerate(codes)], 200
    if kind == "api-receipt":
        bodies = read_lines(args.bodies)
        creds = [api_login(c, f"thutai.motcua{i:02d}") for i in range(1, args.desks + 1)]
        if not creds:
            sys.exit("api-receipt needs --desks")
        return [("POST", "/api/v1/dossiers", creds[i % len(creds)], b)
                for i, b in enumerate(bodies)], 201
    if kind == "baseline-receipt":
        return [("POST", "/rows", "", b) for b in read_lines(args.bodies)], 201
    sys.exit(f"unknown kind {kind}")


def check(c, kind, requests, expect, n, repeat):
    distinct = []
    seen = set()
    for r in requests:
        key = (r[0], r[1], json.loads(r[3])["procedure"] if r[3] and kind == "api-receipt" else r[3])
        if key not in seen:
            seen.add(key)
            distinct.append(r)
        if len(distinct) >= n:
            break
    timed = []
    for method, path, cred, body in distinct + [requests[i % len(requests)] for i in range(len(distinct), repeat)]:
        headers = {}
        if cred.startswith("cookie:"):
            headers["Cookie"] = cred[len("cookie:"):]
        elif cred:
            headers["Authorization"] = f"Bearer {cred}"
        if body:
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        status, payload, _, _ = c.request(method, path, body or None, headers)
        timed.append((time.perf_counter() - t0) * 1000)
        if status != expect:
            sys.exit(f"{kind}: {method} {path} answered {status}, expected {expect}: {payload[:300]!r}")
        if kind.startswith("api-queue-"):
            items = json.loads(payload)["items"]
            if len(items) != 50:
                sys.exit(f"{kind}: the first page holds {len(items)} dossiers, expected a full page of 50")
        if kind.startswith("html-queue-") and payload.count(b"/staff/dossiers/H") < 50:
            sys.exit(f"{kind}: the page links fewer than 50 dossiers")
    timed.sort()
    print(f"{kind}: {len(distinct)} distinct requests checked; {len(timed)} requests one after the other: median "
          f"{timed[len(timed) // 2]:.1f} ms, max {timed[-1]:.1f} ms (new connection each, idle server)", file=sys.stderr)


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("--make-codes", "--make-bodies"):
        db, out, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        (make_codes if sys.argv[1] == "--make-codes" else make_bodies)(db, out, n)
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base")
    ap.add_argument("kind")
    ap.add_argument("out")
    ap.add_argument("--codes")
    ap.add_argument("--bodies")
    ap.add_argument("--desks", type=int, default=0)
    ap.add_argument("--check", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=15, help="requests timed one after the other in the check")
    args = ap.parse_args()
    c = Client(args.base)
    requests, expect = build(c, args.kind, args)
    with open(args.out, "w", encoding="utf-8") as f:
        for r in requests:
            f.write("\t".join(r) + "\n")
    if args.check > 0 and args.kind != "baseline-receipt":
        check(c, args.kind, requests, expect, args.check, args.repeat)
    print(expect)


if __name__ == "__main__":
    main()
