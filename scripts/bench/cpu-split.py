#!/usr/bin/env python3
"""CPU accounting for scripts/bench/search.sh on a machine the benchmark shares.

  cpu-split.py --pid PID -- COMMAND ARGS...
      Runs COMMAND (its output passes through), then prints one line
      `BENCH_CPU server=S client=C other=O steal=T` in cores (1.00 = one core busy for the whole run): the process
      PID (the server), COMMAND and its children (the load generator), and everything else on the machine.
      PID 0 means no server (COMMAND alone, e.g. an import).

  cpu-split.py --wait-quiet --pid PID [--max-other 0.10] [--window 5] [--timeout 1200]
      Waits until everything but PID has used less than --max-other cores over --window seconds (compilers and
      test runs of other people skew a benchmark badly on 2 cores). Exit status 0 when quiet, 1 on timeout.
      A line goes to stderr when quiet and, while waiting, once a minute.

Linux only (/proc). Standard library only.
"""

import argparse
import os
import resource
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def machine():
    """(busy, steal) ticks of all cores since boot: busy excludes idle, iowait and steal."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq, steal


def process(pid):
    """utime + stime ticks of a process, all its threads included; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            after_name = f.read().rsplit(")", 1)[1].split()
        return int(after_name[11]) + int(after_name[12])
    except (OSError, IndexError, ValueError):
        return 0


def children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wait_quiet(pid, max_other, window, timeout):
    deadline = time.monotonic() + timeout
    said = None
    while time.monotonic() < deadline:
        busy0, _ = machine()
        srv0 = process(pid)
        time.sleep(window)
        busy1, _ = machine()
        srv1 = process(pid)
        other = ((busy1 - busy0) - (srv1 - srv0)) / TICKS / window
        if other < max_other:
            print(f"machine quiet: {other:.2f} cores busy outside the server over {window} s", file=sys.stderr)
            return 0
        if said is None or time.monotonic() - said >= 60:
            print(f"waiting for a quiet machine: {other:.2f} cores busy outside the server", file=sys.stderr)
            said = time.monotonic()
    return 1


def run(pid, command):
    busy0, steal0 = machine()
    srv0 = process(pid)
    ch0 = children()
    t0 = time.monotonic()
    status = subprocess.call(command)
    elapsed = time.monotonic() - t0
    busy1, steal1 = machine()
    srv1 = process(pid)
    ch1 = children()
    server = (srv1 - srv0) / TICKS / elapsed
    client = (ch1 - ch0) / elapsed
    total = (busy1 - busy0) / TICKS / elapsed
    other = max(0.0, total - server - client)
    steal = (steal1 - steal0) / TICKS / elapsed
    print(f"BENCH_CPU server={server:.2f} client={client:.2f} other={other:.2f} steal={steal:.2f}", flush=True)
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--wait-quiet", action="store_true")
    ap.add_argument("--max-other", type=float, default=0.10)
    ap.add_argument("--window", type=float, default=5)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("command", nargs="*")
    args = ap.parse_args()
    if args.wait_quiet:
        sys.exit(wait_quiet(args.pid, args.max_other, args.window, args.timeout))
    if not args.command:
        ap.error("a command is required")
    sys.exit(run(args.pid, args.command))


if __name__ == "__main__":
    main()
