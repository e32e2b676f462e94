#!/usr/bin/env python3
"""Dashboard API latency at scale (issue 14, docs/BENCHMARKS.md): p50/p95/max of trend, top-issues
and docs through `yuqing serve` over N synthetic documents, with 10 concurrent clients (and 1 as a
baseline).

Fills a private database in the ClickHouse of scripts/services.sh with the synthetic documents of
tests/bench/synthetic.py (90 days from 2026-10-16), starts `yuqing serve` on a free loopback port
with a random bearer token and a server.yaml of its own, runs tests/bench/api_bench.mjs (node) with
the dates of that data (6 weeks 2026-10-19..2026-11-30, week 2026-W48), prints its tables, then
stops the server and drops the database.

usage: tests/bench/api_bench.py BUILD_DIR [--documents N] [--requests R] [--page-clients P] [--baseline-requests B]
       (defaults: 10,000,000 documents; 10 clients with R = 100 requests per query, except "docs
       (page 5 of all)" with P = 4 clients and R / 2 requests: at 10 million documents each of those
       sorts the 4.7 million documents of the 6 weeks with their text, up to 2.4 GB in ClickHouse,
       and 10 at once took 22 of the machine's 24 GB; then 1 client with B = 20 requests per query
       as the baseline, B = 0 skips it)
"""
import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic import ROOT, ch, drop, fill, private_database  # noqa: E402

DATES = {"API_BENCH_SINCE": "2026-10-19", "API_BENCH_UNTIL": "2026-11-30", "API_BENCH_WEEK": "2026-W48",
         "API_BENCH_WEEK_SINCE": "2026-11-23", "API_BENCH_WEEK_UNTIL": "2026-11-30"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, token, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"yuqing serve exited with {server.returncode}")
        try:
            req = urllib.request.Request(url + "/api/top-issues?week=2026-W48", headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=30) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("yuqing serve did not answer in time")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--documents", type=int, default=10_000_000)
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--page-clients", type=int, default=4)
    ap.add_argument("--baseline-requests", type=int, default=20)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # still stop the server, drop the database
    yuqing = os.path.abspath(os.path.join(a.build, "bin", "yuqing"))
    db, home, cfg = private_database(yuqing, "bench_api")
    server = None
    try:
        load = fill(db, a.documents)
        stored = int(ch("SELECT count() FROM documents", database=db))
        in_range = int(ch("SELECT count() FROM documents WHERE event_time >= toDateTime('2026-10-19 00:00:00', 'Asia/Shanghai') "
                          "AND event_time < toDateTime('2026-11-30 00:00:00', 'Asia/Shanghai')", database=db))
        print(f"{stored:,} synthetic documents inserted in {load:.0f} s; {in_range:,} in 2026-10-19..2026-11-30")
        with open(os.path.join(home, "configs", "server.yaml"), "w") as f:
            f.write(f"server:\n  host: 127.0.0.1\n  web_dir: {os.path.join(ROOT, 'server/web')}\n"
                    f"  demo_user: demo\n  demo_password_file: {os.path.join(home, 'dashboard.password')}\n"
                    f"  token_file: ''\n  users: []\n")
        token = secrets.token_hex(24)
        port = free_port()
        env = dict(os.environ, YUQING_API_TOKEN=token)
        log = open(os.path.join(home, "serve.log"), "w")
        server = subprocess.Popen([yuqing, "--config", cfg, "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, token, server)
        print(f"yuqing serve pid {server.pid} on {url}; load average {os.getloadavg()[0]:.1f}")
        page = "docs (page 5"
        runs = [(10, a.requests, {"API_BENCH_SKIP": page}), (a.page_clients, a.requests // 2, {"API_BENCH_ONLY": page}),
                (1, a.baseline_requests, {})]
        for clients, requests, which in runs:
            if requests <= 0 or clients <= 0:
                continue
            subprocess.run(["node", os.path.join(ROOT, "tests/bench/api_bench.mjs"), url, str(clients), str(requests)],
                           env=dict(env, **DATES, **which), check=True)
            print(f"(load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        drop(db)


if __name__ == "__main__":
    main()
