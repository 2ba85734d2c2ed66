#!/usr/bin/env python3
"""Times the report pages of a running motcua server one request at a time (issue 6: under one second on 2 cores
over a million dossiers, with no precomputed cache), next to two floors measured in the same run.

  reports-requests.py BASE DB --user lanhdao --password PW [--runs 5] [--today YYYY-MM-DD]

BASE is the server (plain HTTP), DB its SQLite file (opened read-only for the floor). Signs in through
`POST /api/v1/auth/login` (bearer token for the JSON report) and through the `/staff/login` form (session cookie for
the pages), then requests each URL once to warm it and `--runs` times measured, sequentially, and prints a Markdown
table: request, HTTP status, size, min / median / max milliseconds. The floors: `GET /healthz` (the server's HTTP
stack) and `SELECT count(*), sum(channel), sum(received_at < '9') FROM dossiers` through Python's sqlite3 (one pass
over every dossier row: no report over all of them can be cheaper).

Standard library only.
"""

import argparse
import json
import re
import sqlite3
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta


def quarter_start(d):
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("db")
    ap.add_argument("--user", default="lanhdao")
    ap.add_argument("--password", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--today", default=date.today().isoformat())
    a = ap.parse_args()
    base = a.base.rstrip("/")
    today = date.fromisoformat(a.today)

    # API token.
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"username": a.user, "password": a.password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.load(urllib.request.urlopen(req))["token"]

    # Session cookie through the sign-in form. The cookies are __Host- and Secure, which urllib's cookie jar does
    # not send over plain HTTP, so they are carried by hand.
    def cookies_of(resp):
        return {c.split("=", 1)[0]: c.split("=", 1)[1].split(";", 1)[0] for c in resp.headers.get_all("Set-Cookie") or []}

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    resp = opener.open(base + "/staff/login")
    pre = cookies_of(resp)
    page = resp.read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": a.user, "password": a.password, "csrf": csrf, "next": "/staff"})
    login = urllib.request.Request(
        base + "/staff/login",
        data=form.encode(),
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in pre.items())},
    )
    try:
        resp = opener.open(login)
    except urllib.error.HTTPError as e:
        if e.code not in (302, 303):
            raise
        resp = e
    session = {k: v for k, v in cookies_of(resp).items() if v}
    if not session:
        sys.exit("signing in through the form gave no session cookie")
    cookie = "; ".join(f"{k}={v}" for k, v in session.items())

    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    q = quarter_start(today)
    year = date(today.year, 1, 1)
    five = date(today.year - 5, 1, 1)
    prev_q = quarter_start(q - timedelta(days=1))
    q_key = f"{prev_q.year}-Q{(prev_q.month - 1) // 3 + 1}"

    def report(first, last, extra=""):
        return f"from={first.isoformat()}&to={last.isoformat()}{extra}"

    targets = [
        ("floor: GET /healthz", "/healthz", None),
        ("API report, last month", "/api/v1/reports/processing?" + report(last_month, last_month_end), "bearer"),
        ("API report, this quarter", "/api/v1/reports/processing?" + report(q, today), "bearer"),
        ("API report, this year", "/api/v1/reports/processing?" + report(year, today), "bearer"),
        ("API report, five years and this", "/api/v1/reports/processing?" + report(five, today), "bearer"),
        ("API report, this year, channel 2", "/api/v1/reports/processing?" + report(year, today, "&channel=2"), "bearer"),
        ("page /staff/bao-cao, this year", "/staff/bao-cao?" + report(year, today), "cookie"),
        ("XLSX export, this year", "/staff/bao-cao.xlsx?" + report(year, today), "cookie"),
        ("dashboard /staff/tong-quan", "/staff/tong-quan", "cookie"),
        ("public statistics /thong-ke", "/thong-ke", None),
        (f"evaluation /staff/danh-gia?ky={q_key}", f"/staff/danh-gia?ky={q_key}", "cookie"),
    ]

    def fetch(path, auth):
        headers = {}
        if auth == "bearer":
            headers["Authorization"] = f"Bearer {token}"
        elif auth == "cookie":
            headers["Cookie"] = cookie
        r = urllib.request.Request(base + path, headers=headers)
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(r) as resp:
                body = resp.read()
                status = resp.status
        except urllib.error.HTTPError as e:
            body = e.read()
            status = e.code
        return status, len(body), (time.perf_counter() - t0) * 1000

    print("| request | status | bytes | min ms | median ms | max ms |")
    print("|---|---|---|---|---|---|")
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    times = []
    for _ in range(a.runs + 1):
        t0 = time.perf_counter()
        con.execute("SELECT count(*), sum(channel), sum(received_at < '9') FROM dossiers").fetchone()
        times.append((time.perf_counter() - t0) * 1000)
    times = times[1:]
    print(f"| floor: one pass over every dossier (sqlite3 {sqlite3.sqlite_version}) | – | – | {min(times):.0f} | "
          f"{statistics.median(times):.0f} | {max(times):.0f} |")
    bad = 0
    for label, path, auth in targets:
        status, size, _ = fetch(path, auth)  # warm
        ms = []
        for _ in range(a.runs):
            status, size, t = fetch(path, auth)
            ms.append(t)
        if status != 200:
            bad += 1
        print(f"| {label} | {status} | {size} | {min(ms):.0f} | {statistics.median(ms):.0f} | {max(ms):.0f} |")
        sys.stdout.flush()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
