#!/usr/bin/env python3
"""Sessions, request lists, checks and figures for scripts/bench/portal.sh (the citizen portal under 200 concurrent
citizens). Standard library only.

  portal-requests.py sign-in BASE CITIZENS SESSIONS [--workers 2]
      Signs every citizen of CITIZENS (written by examples/bench_seed_portal.rs: index, ID number, drafts) in the
      way a browser does: GET /dang-nhap (pre-session cookie and CSRF field), POST /dang-nhap (urlencoded id_number,
      password from MOTCUA_DEMO_PASSWORD, csrf, next, with Origin), keeps the __Host-motcua_citizen cookie, then
      reads the CSRF token of that session from the citizen's first draft's form page. Writes SESSIONS: index,
      ID number, cookie (NAME=VALUE), csrf. The cookies are Secure: a browser would not send them over plain HTTP
      to 127.0.0.1, so they are handled here by hand (as dossier-requests.py does for staff).

  portal-requests.py list KIND CITIZENS SESSIONS OUT [--connections 200] [--procedure DEMO-HT-07]
      A request file for portal-requests.lua (CONNECTION, METHOD, PATH, COOKIE, BODY); connection i is citizen i:
        procedure   GET /thu-tuc/{procedure}, with the citizen's cookie (the page does not read it)
        form        GET /ho-so-nhap/{the citizen's first draft}?buoc=to-khai
        submit      POST /ho-so-nhap/{draft}/nop (csrf) for every draft the citizen holds, in order
        healthz     GET /healthz (no cookie)
        static      GET /thu-tuc and GET /to-khai on the bare baseline server (examples/bench_baseline_pages.rs)
        rows        POST /rows with the submission's body and cookie on examples/bench_baseline.rs

  portal-requests.py check BASE CITIZENS SESSIONS OUTDIR --probe N [--procedure DEMO-HT-07] [--repeat 15]
      With citizen N (not one of the load's connections): each of the three requests alone, --repeat times one
      after the other on an idle server (new connection each), checking the answers (200 pages with the expected
      content; submission 303 to /ho-so-cua-toi/{id}?da-nop=1). Saves the two pages' bodies in OUTDIR
      (procedure.html, form.html) for the static baseline. Prints one line per request kind.

  portal-requests.py samples DIR [DIR ...] [--warmup 2]
      Figures of submission rounds from the files portal-requests.lua writes in BENCH_MODE=once (one directory
      per round). In each round the first --warmup submissions of every connection are its warm-up; the measured
      window runs from the moment every connection has finished its warm-up to the moment the first connection
      has no draft left, so all connections are busy throughout; a submission counts (throughput and latency)
      when its answer came inside the window. Prints a BENCH_RESULT line per round and one for all rounds pooled.
"""

import argparse
import concurrent.futures
import http.client
import math
import os
import re
import statistics
import sys
import time
import urllib.parse

PASSWORD = os.environ.get("MOTCUA_DEMO_PASSWORD", "")
CITIZEN_COOKIE = "__Host-motcua_citizen"
PRE_COOKIE = "__Host-motcua_pre"


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.base = base.rstrip("/")
        self.host, self.port = u.hostname, u.port or 80

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=dict(headers or {}))
        r = conn.getresponse()
        payload = r.read()
        cookies = r.headers.get_all("Set-Cookie") or []
        location = r.headers.get("Location")
        conn.close()
        return r.status, payload, cookies, location


def cookie_value(set_cookies, name):
    for line in set_cookies:
        first = line.split(";", 1)[0]
        if first.startswith(name + "="):
            return first[len(name) + 1:]
    return None


CSRF_RE = re.compile(rb'name="csrf" value="([^"]+)"')


def read_citizens(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                index, id_number, drafts = (line.rstrip("\n").split("\t") + [""])[:3]
                out.append((int(index), id_number, [d for d in drafts.split(",") if d]))
    return out


def read_sessions(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                index, id_number, cookie, csrf = line.rstrip("\n").split("\t")
                out[int(index)] = (id_number, cookie, csrf)
    return out


def sign_in(c, index, id_number, drafts):
    if not drafts:
        sys.exit(f"citizen {index} has no draft")
    status, body, cookies, _ = c.request("GET", "/dang-nhap")
    pre = cookie_value(cookies, PRE_COOKIE)
    m = CSRF_RE.search(body)
    if status != 200 or not pre or not m:
        sys.exit(f"GET /dang-nhap: {status}, pre-session cookie {'set' if pre else 'missing'}")
    form = urllib.parse.urlencode({"id_number": id_number, "password": PASSWORD, "csrf": m.group(1).decode(),
                                   "next": "/ho-so-cua-toi"})
    t0 = time.perf_counter()
    status, body, cookies, location = c.request("POST", "/dang-nhap", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{PRE_COOKIE}={pre}",
        "Origin": c.base,
    })
    took = time.perf_counter() - t0
    token = cookie_value(cookies, CITIZEN_COOKIE)
    if status not in (302, 303) or not token:
        sys.exit(f"sign-in of citizen {index} ({id_number}) failed: {status} {body[:300]!r}")
    cookie = f"{CITIZEN_COOKIE}={token}"
    status, body, _, _ = c.request("GET", f"/ho-so-nhap/{drafts[0]}?buoc=to-khai", headers={"Cookie": cookie})
    m = CSRF_RE.search(body)
    if status != 200 or not m:
        sys.exit(f"the form page of citizen {index}'s draft answered {status} without a CSRF field")
    return index, id_number, cookie, m.group(1).decode(), took


def cmd_sign_in(args):
    if not PASSWORD:
        sys.exit("MOTCUA_DEMO_PASSWORD is not set")
    c = Client(args.base)
    citizens = read_citizens(args.citizens)
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(lambda x: sign_in(c, *x), citizens))
    wall = time.perf_counter() - t0
    with open(args.out, "w", encoding="utf-8") as f:
        for index, id_number, cookie, csrf, _ in sorted(results):
            f.write(f"{index}\t{id_number}\t{cookie}\t{csrf}\n")
    took = sorted(r[4] for r in results)
    print(f"{len(results)} citizens signed in through /dang-nhap in {wall:.1f} s ({args.workers} at a time); "
          f"POST /dang-nhap median {1000 * statistics.median(took):.0f} ms, max {1000 * took[-1]:.0f} ms",
          file=sys.stderr)


def cmd_list(args):
    citizens = read_citizens(args.citizens)
    sessions = read_sessions(args.sessions)
    lines = []
    for index, _, drafts in citizens:
        if index > args.connections:
            continue
        _, cookie, csrf = sessions[index]
        body = urllib.parse.urlencode({"csrf": csrf})
        if args.kind == "procedure":
            lines.append((index, "GET", f"/thu-tuc/{args.procedure}", cookie, ""))
        elif args.kind == "form":
            lines.append((index, "GET", f"/ho-so-nhap/{drafts[0]}?buoc=to-khai", cookie, ""))
        elif args.kind == "submit":
            if not drafts:
                sys.exit(f"citizen {index} holds no draft")
            lines.extend((index, "POST", f"/ho-so-nhap/{d}/nop", cookie, body) for d in drafts)
        elif args.kind == "healthz":
            lines.append((index, "GET", "/healthz", "", ""))
        elif args.kind == "static":
            lines.append((index, "GET", "/thu-tuc" if args.page == "procedure" else "/to-khai", cookie, ""))
        elif args.kind == "rows":
            lines.append((index, "POST", "/rows", cookie, body))
        else:
            sys.exit(f"unknown kind {args.kind}")
    connections = {line[0] for line in lines}
    if len(connections) != args.connections:
        sys.exit(f"{len(connections)} connections have requests, expected {args.connections}")
    with open(args.out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write("\t".join(str(x) for x in line) + "\n")
    print(len(lines))


def timed(c, method, path, cookie, body=None):
    headers = {"Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = c.base
    t0 = time.perf_counter()
    status, payload, _, location = c.request(method, path, body, headers)
    return (time.perf_counter() - t0) * 1000, status, payload, location


def cmd_check(args):
    c = Client(args.base)
    citizens = {i: (n, d) for i, n, d in read_citizens(args.citizens)}
    sessions = read_sessions(args.sessions)
    _, drafts = citizens[args.probe]
    _, cookie, csrf = sessions[args.probe]
    if len(drafts) < args.repeat + 1:
        sys.exit(f"the probe citizen holds {len(drafts)} drafts, {args.repeat + 1} needed")
    report = []

    ms = []
    for _ in range(args.repeat):
        t, status, payload, _ = timed(c, "GET", f"/thu-tuc/{args.procedure}", cookie)
        if status != 200 or args.procedure.encode() not in payload:
            sys.exit(f"GET /thu-tuc/{args.procedure}: {status}")
        ms.append(t)
    with open(os.path.join(args.outdir, "procedure.html"), "wb") as f:
        f.write(payload)
    report.append(("procedure", f"GET /thu-tuc/{args.procedure}", ms, len(payload)))

    ms = []
    form_path = f"/ho-so-nhap/{drafts[-1]}?buoc=to-khai"
    for _ in range(args.repeat):
        t, status, payload, _ = timed(c, "GET", form_path, cookie)
        if status != 200 or b'action="/ho-so-nhap/' not in payload or csrf.encode() not in payload:
            sys.exit(f"GET {form_path}: {status}, or no form with this session's CSRF token")
        ms.append(t)
    with open(os.path.join(args.outdir, "form.html"), "wb") as f:
        f.write(payload)
    report.append(("form", "GET /ho-so-nhap/{id}?buoc=to-khai", ms, len(payload)))

    ms = []
    body = urllib.parse.urlencode({"csrf": csrf})
    for d in drafts[:args.repeat]:
        t, status, payload, location = timed(c, "POST", f"/ho-so-nhap/{d}/nop", cookie, body)
        if status != 303 or not location or not re.fullmatch(r"/ho-so-cua-toi/[0-9a-f-]{36}\?da-nop=1", location):
            sys.exit(f"POST /ho-so-nhap/{d}/nop: {status} {location} {payload[:300]!r}")
        ms.append(t)
    report.append(("submit", "POST /ho-so-nhap/{id}/nop", ms, 0))

    for kind, label, ms, size in report:
        ms.sort()
        extra = f", page {size:,} bytes" if size else ""
        print(f"{kind}\t{label}: {len(ms)} one after the other, median {statistics.median(ms):.1f} ms, "
              f"max {ms[-1]:.1f} ms (new connection each, idle server{extra})")


def percentile(sorted_values, p):
    """Nearest-rank percentile, as wrk reports them."""
    if not sorted_values:
        return 0
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def read_round(directory):
    conns = {}
    for name in os.listdir(directory):
        if not (name.startswith("conn-") and name.endswith(".tsv")):
            continue
        with open(os.path.join(directory, name)) as f:
            for line in f:
                conn, index, sent, done, status = (int(x) for x in line.split("\t"))
                conns.setdefault(conn, []).append((index, sent, done, status))
    for rows in conns.values():
        rows.sort()
    return conns


def round_figures(conns, warmup):
    start = max(rows[warmup - 1][2] if warmup > 0 else rows[0][1] for rows in conns.values())
    end = min(rows[-1][2] for rows in conns.values())
    inside = [r for rows in conns.values() for r in rows[warmup:] if start < r[2] <= end]
    everything = [r for rows in conns.values() for r in rows]
    return start, end, inside, everything


def result_line(label, latencies, seconds, bad, total, extra=""):
    lat = sorted(latencies)
    mean = sum(lat) / len(lat) if lat else 0
    return (f"BENCH_RESULT label={label} requests={len(lat)} duration_us={int(seconds * 1e6)} "
            f"p50={percentile(lat, 50)} p90={percentile(lat, 90)} p95={percentile(lat, 95)} "
            f"p99={percentile(lat, 99)} max={lat[-1] if lat else 0} mean={mean:.0f} errors_connect=0 "
            f"errors_read=0 errors_write=0 errors_status={bad} errors_timeout=0 answered={total}{extra}")


def cmd_samples(args):
    pooled, pooled_seconds, pooled_bad, pooled_total = [], 0.0, 0, 0
    for n, directory in enumerate(args.dirs, 1):
        conns = read_round(directory)
        if not conns:
            sys.exit(f"no samples in {directory}")
        start, end, inside, everything = round_figures(conns, args.warmup)
        if end <= start:
            sys.exit(f"round {n}: no window in which every connection was busy (too few drafts per connection?)")
        seconds = (end - start) / 1e6
        bad = sum(1 for r in everything if r[3] != args.expect)
        lat = [r[2] - r[1] for r in inside]
        print(result_line(f"round{n}", lat, seconds, bad, len(everything),
                          f" connections={len(conns)} window_s={seconds:.2f}"))
        pooled.extend(lat)
        pooled_seconds += seconds
        pooled_bad += bad
        pooled_total += len(everything)
    print(result_line("all", pooled, pooled_seconds, pooled_bad, pooled_total, f" rounds={len(args.dirs)}"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sign-in")
    p.add_argument("base")
    p.add_argument("citizens")
    p.add_argument("out")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_sign_in)
    p = sub.add_parser("list")
    p.add_argument("kind")
    p.add_argument("citizens")
    p.add_argument("sessions")
    p.add_argument("out")
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--procedure", default="DEMO-HT-07")
    p.add_argument("--page", default="procedure", help="for static: procedure or form")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("check")
    p.add_argument("base")
    p.add_argument("citizens")
    p.add_argument("sessions")
    p.add_argument("outdir")
    p.add_argument("--probe", type=int, required=True)
    p.add_argument("--procedure", default="DEMO-HT-07")
    p.add_argument("--repeat", type=int, default=15)
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("samples")
    p.add_argument("dirs", nargs="+")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--expect", type=int, default=303)
    p.set_defaults(func=cmd_samples)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
