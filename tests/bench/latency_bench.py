#!/usr/bin/env python3
"""End-to-end latency (docs/BENCHMARKS.md, "End-to-end latency"): the whole pipeline, as separate
processes, on the sandbox web releasing its timeline in real time, measured per document from the
moment it appears on its site to the moment its row can be queried in ClickHouse.

For each --speeds value W (wall seconds per simulated week; smaller = more documents per second) it
starts, on the shared services of scripts/services.sh but in a database, topics, consumer groups and
crawl state of its own:

  yuqing sandbox --speed W --truth T     the five sites; a document appears at
                                         t0 + (published_at - scenario start) / week * W
  yuqing crawl                           lists, feeds and comment pages polled every --poll seconds
  yuqing process                         tagging
  yuqing sink                            Kafka -> ClickHouse (batch_ms as configured)

and polls `SELECT id FROM documents` every 0.2 s for --duration seconds (or until the timeline
ends, if sooner), then --drain seconds more. Latency = first seen queryable - appeared, over the
documents that appeared in that first span; one still missing at the end counts as not stored.
Reported: p50/p95/p99 per kind and over all, documents/s offered,
CPU seconds and peak RSS per stage process (/proc), ClickHouse bytes per stored document.

Publication -> alert: `yuqing alert run` evaluates every interval_minutes over stored data, so an
alert leaves at most one interval plus one evaluation after its documents are queryable. The
evaluation is timed here as a replay of the last released hour over the stored data (`alert run --from H --to H+1h
--no-mail`) and added to the queryable latency: a composed figure, not a per-alert measurement.

Politeness is opened up for the sandbox (Crawl-delay 0, 50 requests/s per host): loopback sites of
our own; a real deployment keeps the defaults and is bounded by them.

usage: tests/bench/latency_bench.py [--bin build/bin/yuqing] [--speeds 60,20,6,2,0.5] [--duration 90]
                                    [--drain 20] [--poll 1]
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CH_URL = os.environ.get("YUQING_CLICKHOUSE_URL", "http://127.0.0.1:18123")
WEEK = 7 * 86400


def password():
    return os.environ.get("YUQING_CLICKHOUSE_PASSWORD") or open(os.path.join(ROOT, "var/secrets/clickhouse.password")).read().strip()


def ch(sql, database="default"):
    req = urllib.request.Request(f"{CH_URL}/?database={database}", data=sql.encode())
    req.add_header("Authorization", "Basic " + base64.b64encode(f"yuqing:{password()}".encode()).decode())
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read().decode()


def workspace(tmp, port, tag, poll_s):
    """A configs/ folder of the repo's files with this run's database, topics, groups, ports and
    polling; models and secrets linked from the repo."""
    configs = os.path.join(tmp, "configs")
    os.makedirs(configs)
    for name in os.listdir(os.path.join(ROOT, "configs")):
        if name not in ("pipeline.yaml", "sources.yaml"):
            os.symlink(os.path.join(ROOT, "configs", name), os.path.join(configs, name))
    os.symlink(os.path.join(ROOT, "models"), os.path.join(tmp, "models"))
    os.makedirs(os.path.join(tmp, "var"))
    os.symlink(os.path.join(ROOT, "var/secrets"), os.path.join(tmp, "var/secrets"))
    text = open(os.path.join(ROOT, "configs/pipeline.yaml"), encoding="utf-8").read()
    for old, new in [(r"(raw_topic: )yuqing\.raw", rf"\1yuqing.{tag}.raw"),
                     (r"(enriched_topic: )yuqing\.enriched", rf"\1yuqing.{tag}.enriched"),
                     (r"(dead_letter_topic: )yuqing\.dead-letter", rf"\1yuqing.{tag}.dead-letter"),
                     (r"(\n  database: )yuqing\b", rf"\1yuqing_{tag}"),
                     (r"(group: )yuqing-processors", rf"\1yuqing-{tag}-processors"),
                     (r"(group: )yuqing-sink", rf"\1yuqing-{tag}-sink"),
                     (r"(\n  port: )18080", rf"\g<1>{port}"),
                     (r"(\n  max_crawl_delay_s: )\d+", r"\g<1>0"),
                     (r"(\n  per_host_rate: )\d+", r"\g<1>50"),
                     (r"(\n  per_host_burst: )\d+", r"\g<1>50"),
                     (r"(\n  state_dir: )\S+", rf"\1{tmp}/var/crawl")]:
        text, n = re.subn(old, new, text)
        assert n == 1, f"pipeline.yaml: no match for {old}"
    open(os.path.join(configs, "pipeline.yaml"), "w", encoding="utf-8").write(text)
    sources = open(os.path.join(ROOT, "configs/sources.yaml"), encoding="utf-8").read()
    for k in range(5):
        sources = sources.replace(f"127.0.0.1:{18080 + k}", f"127.0.0.1:{port + k}")
    sources = re.sub(r"recrawl_minutes: [\d.]+", f"recrawl_minutes: {poll_s / 60:.4f}", sources)
    open(os.path.join(configs, "sources.yaml"), "w", encoding="utf-8").write(sources)
    return os.path.join(configs, "pipeline.yaml")


def scenario_start(config):
    """The scenario's first local midnight, as UTC seconds (the sandbox's simulated clock starts there)."""
    text = open(os.path.join(ROOT, "configs/scenarios/default.yaml"), encoding="utf-8").read()
    day = re.search(r"^start:\s*(\d{4}-\d{2}-\d{2})", text, re.M).group(1)
    offset = int(re.search(r"utc_offset_minutes:\s*(-?\d+)", open(config, encoding="utf-8").read()).group(1))
    local = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone(timedelta(minutes=offset)))
    return local.timestamp()


def proc_usage(pid):
    """(CPU seconds, peak RSS MB) of a live process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    with open(f"/proc/{pid}/status") as f:
        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    return cpu, hwm / 1024


def percentile(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def run_speed(yuqing, week_s, duration, drain, poll_s, port):
    tag = f"lat{int(time.time())}"
    tmp = tempfile.mkdtemp(prefix="latency-bench-")
    config = workspace(tmp, port, tag, poll_s)
    database = f"yuqing_{tag}"
    base = [yuqing, "--config", config, "--log-level", "warn"]
    subprocess.run(base + ["migrate"], check=True, stdout=subprocess.DEVNULL)
    truth_path = os.path.join(tmp, "truth.jsonl")
    procs = {}
    try:
        sandbox = subprocess.Popen([yuqing, "--config", config, "sandbox", "--speed", str(week_s), "--truth", truth_path],
                                   stderr=subprocess.PIPE, text=True)
        procs["sandbox"] = sandbox
        for line in sandbox.stderr:  # t0: the sandbox says it serves, with the clock at the timeline's start
            if "releasing one simulated week" in line:
                t0 = time.time()
                break
        start = scenario_start(config)
        truth = [json.loads(line) for line in open(truth_path, encoding="utf-8")]
        appear = {}
        for d in truth:
            t = datetime.fromisoformat(d["published_at"].replace("Z", "+00:00")).timestamp()
            appear[d["id"]] = (t0 + (t - start) / WEEK * week_s, d["kind"])
        # The timeline may end before --duration (fast speeds): measure over what is released.
        duration = min(duration, max(t for t, _ in appear.values()) - t0)
        for stage, args in [("crawl", ["crawl", "--no-health"]), ("process", ["process"]), ("sink", ["sink"])]:
            procs[stage] = subprocess.Popen(base + args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, stage + ".log"), "w"))
        seen = {}
        end = t0 + duration + drain
        while time.time() < end:
            now = time.time()
            for row in ch("SELECT id FROM documents", database).split():
                seen.setdefault(row, now)
            time.sleep(0.2)
        usage = {stage: proc_usage(p.pid) for stage, p in procs.items() if stage != "sandbox"}
        # The alert tick: the last released hour evaluated over everything before it, as `alert run`
        # does each interval (in the district's local time, which the replay bounds are read in).
        last = ch("SELECT toStartOfHour(toTimeZone(max(published_at), 'Asia/Shanghai')) FROM documents", database).strip()
        hour = datetime.strptime(last, "%Y-%m-%d %H:%M:%S") - timedelta(hours=1)
        t = time.time()
        subprocess.run(base + ["alert", "run", "--no-mail", "--from", (hour + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                               "--to", (hour + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tick_s = time.time() - t
        stored = int(ch("SELECT uniqExact(id) FROM documents", database))  # a re-crawled document may sit twice until merged
        size = ch(f"SELECT sum(bytes) FROM system.parts WHERE database = '{database}' AND active", database).strip()
        doc_bytes = ch(f"SELECT sum(bytes) FROM system.parts WHERE database = '{database}' AND table = 'documents' AND active",
                       database).strip()
    finally:
        for p in procs.values():
            p.send_signal(signal.SIGINT)
        for p in procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        try:
            ch(f"DROP DATABASE IF EXISTS {database}")
        except Exception:  # noqa: BLE001 - best effort clean-up
            pass
        shutil.rmtree(tmp, ignore_errors=True)

    cutoff = t0 + duration
    offered = [i for i, (t, _) in appear.items() if t0 <= t <= cutoff]
    lat = {i: seen[i] - appear[i][0] for i in offered if i in seen}
    kinds = sorted({appear[i][1] for i in offered})
    rows = []
    for kind in kinds + ["all"]:
        ids = [i for i in offered if kind == "all" or appear[i][1] == kind]
        values = [lat[i] for i in ids if i in lat]
        rows.append((kind, len(ids), len(values), percentile(values, 50), percentile(values, 95), percentile(values, 99)))
    return {"week_s": week_s, "offered_per_s": len(offered) / duration, "rows": rows, "usage": usage, "tick_s": tick_s,
            "stored": stored, "bytes_all": int(size or 0), "bytes_documents": int(doc_bytes or 0)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/bin/yuqing"))
    ap.add_argument("--speeds", default="60,20,6,2,0.5", help="wall seconds per simulated week, one run each")
    ap.add_argument("--duration", type=float, default=90, help="seconds of the timeline released per run")
    ap.add_argument("--drain", type=float, default=20, help="seconds the pipeline gets after that to catch up")
    ap.add_argument("--poll", type=float, default=1, help="seconds between polls of a list, feed or comment page")
    ap.add_argument("--port", type=int, default=18380)
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {load[0]:.1f}; poll {args.poll} s; "
          f"{args.duration:.0f} s released + {args.drain:.0f} s drain per run")
    for w in [float(x) for x in args.speeds.split(",")]:
        r = run_speed(args.bin, w, args.duration, args.drain, args.poll, args.port)
        print(f"\n## one simulated week per {w:g} s: {r['offered_per_s']:.1f} documents/s offered, {r['stored']} stored")
        print(f"{'kind':10} {'offered':>8} {'stored':>7} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7}")
        for kind, n, m, p50, p95, p99 in r["rows"]:
            print(f"{kind:10} {n:8d} {m:7d} {p50:7.2f} {p95:7.2f} {p99:7.2f}")
        print("stage      CPU s  peak RSS MB")
        for stage, (cpu, rss) in r["usage"].items():
            print(f"{stage:9} {cpu:6.1f} {rss:8.0f}")
        per_doc = r["bytes_documents"] / max(r["stored"], 1)
        print(f"ClickHouse: {per_doc:.0f} bytes per document in documents, {r['bytes_all'] / max(r['stored'], 1):.0f} with rollups")
        print(f"alert tick (one hour of stored data evaluated): {r['tick_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
