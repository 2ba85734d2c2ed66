#!/usr/bin/env python3
"""Checks and times each query of the benchmark mix alone, for scripts/bench/search.sh.

Usage: profile-queries.py BASE_URL QUERIES_FILE PATHS_OUT [REPEAT]

QUERIES_FILE has one query a line, `kind|q|extra query parameters`. The request paths of the mix (limit=20, as a
search page asks) are written to PATHS_OUT for wrk. Each query is then asked once to check it (HTTP 200, a total
above 0, items on the page) and REPEAT times in a row on one keep-alive connection, in three forms:

  as typed      limit=20, the path of the mix (the last word, when nothing follows it, is also a prefix)
  limit=1       the same query with a one-item page: matching, scoring, counting and facets, with a single hit
                loaded, highlighted and looked up in SQLite; the difference to "as typed" is the cost of the page
  word ended    limit=20 with a space after the text: the last word is complete, so no prefix expansion

A Markdown table of medians goes to stdout. Exit status 1 if any query of the mix failed or found nothing.
Standard library only.
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse


def main():
    base, queries_file, paths_out = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def get(path):
        t = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, body, (time.perf_counter() - t) * 1000

    def median_ms(path):
        get(path)
        return statistics.median(get(path)[2] for _ in range(repeat))

    def path_of(q, extra, limit):
        return f"/api/v1/procedures?limit={limit}&q=" + urllib.parse.quote(q, safe="") + (f"&{extra}" if extra else "")

    mix = []
    with open(queries_file, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                kind, q, extra = line.split("|")
                mix.append((kind, q, extra))
    with open(paths_out, "w") as out:
        for _, q, extra in mix:
            out.write(path_of(q, extra, 20) + "\n")

    rows, failures, typed_all = [], 0, []
    for kind, q, extra in mix:
        path = path_of(q, extra, 20)
        status, body, _ = get(path)
        data = json.loads(body) if status == 200 else {}
        total, items = data.get("total", 0), len(data.get("items", []))
        ok = status == 200 and total > 0 and items > 0
        failures += not ok
        flag = "" if ok else (" **NO RESULTS**" if status == 200 else f" **HTTP {status}**")
        typed = median_ms(path)
        typed_all.append(typed)
        one = median_ms(path_of(q, extra, 1))
        ended = median_ms(path_of(q + " ", extra, 20))
        shown = q.replace("|", "\\|") + (f" ({extra})" if extra else "")
        rows.append(f"| {kind} | `{shown}` | {status} | {total}{flag} | {typed:.1f} | {one:.1f} | {ended:.1f} |")
    for path in ("/healthz", "/api/v1/procedures?limit=20"):
        status, body, _ = get(path)
        total = json.loads(body).get("total", "") if path != "/healthz" else ""
        rows.append(f"| baseline | `{path}` | {status} | {total} | {median_ms(path):.1f} | | |")
    print(f"| kind | query | status | total hits | as typed (limit=20) ms | limit=1 ms | word ended ms |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"Mean of the per-query medians (as typed): {statistics.mean(typed_all):.1f} ms; "
          f"slowest {max(typed_all):.1f} ms, fastest {min(typed_all):.1f} ms.")
    if failures:
        print(f"{failures} queries of the mix failed or found nothing", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
