#!/usr/bin/env python3
"""Weekly report timing: `yuqing report weekly` over N synthetic documents (docs/BENCHMARKS.md).

The documents are the storage benchmark's (tests/bench/storage_bench.py: INSERT ... SELECT FROM
numbers(), 90 days from 2026-10-17, 40 sites, 10 issues, 6 places, 2 million stories; the rollups
fill through the same materialised views), plus message-board items: every 50th document is a
message and the next one its reply. They go into a database of their own in the ClickHouse of
scripts/services.sh, dropped afterwards. The report of 2026-W48 is generated 3 times as HTML +
Markdown (the queries and rendering) and once more with the PDF; the whole process is timed.

usage: tests/bench/report_bench.py BUILD_DIR [--documents N]   (default 10,000,000)
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic import ch, drop, fill, private_database  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--documents", type=int, default=10_000_000)
    a = ap.parse_args()
    yuqing = os.path.join(a.build, "bin", "yuqing")
    db, home, cfg = private_database(yuqing, "bench_report")
    n = a.documents
    try:
        load = fill(db, n)
        in_week = ch("SELECT uniqExact(id) FROM documents WHERE event_time >= toDateTime('2026-11-23 00:00:00', 'Asia/Shanghai') "
                     "AND event_time < toDateTime('2026-11-30 00:00:00', 'Asia/Shanghai')", database=db)
        print(f"{n:,} synthetic documents inserted in {load:.0f} s; {int(in_week):,} in 2026-W48")
        out = os.path.join(home, "out")
        times = []
        for _ in range(3):
            t = time.monotonic()
            r = subprocess.run([yuqing, "--config", cfg, "report", "weekly", "--week", "2026-W48", "--format", "html,md", "--out", out],
                               capture_output=True, text=True)
            times.append(time.monotonic() - t)
            if r.returncode != 0:
                sys.exit(f"report failed: {r.stderr[-2000:]}")
        t = time.monotonic()
        r = subprocess.run([yuqing, "--config", cfg, "report", "weekly", "--week", "2026-W48", "--format", "html,pdf,md", "--out", out],
                           capture_output=True, text=True)
        with_pdf = time.monotonic() - t
        if r.returncode != 0:
            sys.exit(f"report with PDF failed: {r.stderr[-2000:]}")
        print(f"report weekly 2026-W48, HTML + Markdown: median {statistics.median(times):.1f} s, min {min(times):.1f} s (3 runs)")
        print(f"report weekly 2026-W48, HTML + PDF + Markdown: {with_pdf:.1f} s")
    finally:
        drop(db)


if __name__ == "__main__":
    main()
