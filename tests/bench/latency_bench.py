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

Each speed run also times one full-hour evaluation of the alerts over the stored data (`alert run
--from H --to H+1h --no-mail`, the "alert tick").

Publication -> alert (--alerts): the same four stages plus `yuqing alert run` running continuously
beside them (its immediate detectors evaluate the hour in progress every immediate_interval_seconds
of configs/alerts.yaml, or --immediate), on tests/bench/latency-alerts.yaml: busy sites and an
incident event whose top-level titles name 重大 watch-list terms (塌陷, 爆炸). The sandbox runs in
real time with its clock at the wall clock's now (`--speed 604800 --from-now`; the bench first
rewrites the scenario's week, day and hours to the present), so a document appears at its
published_at. Per alert: from the appearance of its first document to its first entry in the outbox
(var/outbox/pending/*.json, `enqueued_at`), over the watch-term documents that appeared after
--warmup (the backlog of the hour's earlier documents is crawled first) within --duration.

Politeness is opened up for the sandbox (Crawl-delay 0, 50 requests/s per host): loopback sites of
our own; a real deployment keeps the defaults and is bounded by them.

usage: tests/bench/latency_bench.py [--bin build/bin/yuqing] [--speeds 60,20,6,2,0.5] [--duration 90]
                                    [--drain 20] [--poll 1]
       tests/bench/latency_bench.py --alerts [--bin ...] [--duration 300] [--warmup 60] [--immediate 10] [--load 1]
"""
import argparse
import base64
import email
import email.policy
import glob
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


def present_scenario(path, out, load=1.0):
    """tests/bench/latency-alerts.yaml moved to the present: this week's Monday, today and tomorrow,
    the current local hour and the next (China time, as the sandbox's timeline); the sites' per_day
    times `load` (the incidents stay as they are)."""
    local = datetime.now(timezone(timedelta(hours=8)))
    monday = local.date() - timedelta(days=local.weekday())
    today = local.weekday()
    weekday = [1 if d in (today, today + 1) else 0 for d in range(7)]
    hours = [1 if h in (local.hour, (local.hour + 1) % 24) else 0 for h in range(24)]
    text = open(path, encoding="utf-8").read()
    for old, new in [(r"(?m)^start: \S+", f"start: {monday:%Y-%m-%d}"),
                     (r"(?m)^  weekday: \[.*\]", f"  weekday: {weekday}"),
                     (r"(?m)^  hours: \[.*\]", f"  hours: {hours}"),
                     (r"(?m)^    start_day: \d+", f"    start_day: {today}"),
                     (r"(?m)^    days: \d+", f"    days: {min(2, 7 - today)}")]:
        text, n = re.subn(old, new, text)
        assert n == 1, f"latency-alerts.yaml: no match for {old}"
    text, n = re.subn(r"(?m)^(  [a-z-]+: \{per_day: )(\d+)", lambda m: f"{m.group(1)}{int(int(m.group(2)) * load)}", text)
    assert n == 5, "latency-alerts.yaml: five sites"
    open(out, "w", encoding="utf-8").write(text)


def outbox_first_entries(outbox):
    """alert id -> earliest enqueued_at (s) over its outbox entries (the id is in the mail's text part)."""
    first = {}
    for path in glob.glob(os.path.join(outbox, "*", "*.json")):
        try:
            entry = json.load(open(path, encoding="utf-8"))
        except (OSError, ValueError):
            continue  # being written
        msg = email.message_from_string(entry["mime"], policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        m = re.search(r"yuqing alert show ([0-9a-f]{32})", part.get_content() if part else "")
        if m:
            t = entry["enqueued_at"] / 1000
            first[m.group(1)] = min(first.get(m.group(1), t), t)
    return first


def run_alerts(yuqing, duration, warmup, drain, poll_s, port, immediate, load):
    tag = f"alat{int(time.time())}"
    tmp = tempfile.mkdtemp(prefix="latency-alerts-")
    config = workspace(tmp, port, tag, poll_s)
    scenario = os.path.join(tmp, "latency-alerts.yaml")
    present_scenario(os.path.join(ROOT, "tests/bench/latency-alerts.yaml"), scenario, load)
    alerts_yaml = os.path.join(tmp, "alerts.yaml")
    text = open(os.path.join(ROOT, "configs/alerts.yaml"), encoding="utf-8").read()
    if immediate is not None:
        text, n = re.subn(r"(?m)^immediate_interval_seconds: \d+", f"immediate_interval_seconds: {immediate}", text)
        assert n == 1
    interval = int(re.search(r"(?m)^immediate_interval_seconds: (\d+)", text).group(1))
    open(alerts_yaml, "w", encoding="utf-8").write(text)
    database = f"yuqing_{tag}"
    base = [yuqing, "--config", config, "--log-level", "warn"]
    subprocess.run(base + ["migrate"], check=True, stdout=subprocess.DEVNULL)
    truth_path = os.path.join(tmp, "truth.jsonl")
    procs = {}
    try:
        sandbox = subprocess.Popen([yuqing, "--config", config, "sandbox", "--scenario", scenario, "--speed", "604800", "--from-now",
                                    "--truth", truth_path], stderr=subprocess.PIPE, text=True)
        procs["sandbox"] = sandbox
        for line in sandbox.stderr:
            if "releasing one simulated week" in line:
                t0 = time.time()
                break
        truth = [json.loads(line) for line in open(truth_path, encoding="utf-8")]
        appear = {d["id"]: datetime.fromisoformat(d["published_at"].replace("Z", "+00:00")).timestamp() for d in truth}
        incidents = {d["id"] for d in truth if d.get("event_id") == "incidents" and d.get("parent") is None}
        for stage, args in [("crawl", ["crawl", "--no-health"]), ("process", ["process"]), ("sink", ["sink"]),
                            ("alert", ["alert", "--alerts", alerts_yaml, "run"])]:
            procs[stage] = subprocess.Popen(base + args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, stage + ".log"), "w"))
        seen = {}
        end = t0 + warmup + duration + drain
        while time.time() < end:
            now = time.time()
            for row in ch("SELECT id FROM documents", database).split():
                seen.setdefault(row, now)
            time.sleep(0.2)
        usage = {stage: proc_usage(p.pid) for stage, p in procs.items() if stage != "sandbox"}
        alerts = [json.loads(line) for line in ch("SELECT id, document_ids, toUnixTimestamp(fired_at) AS fired FROM alerts FINAL "
                                                  "WHERE detector = 'watch_term' FORMAT JSONEachRow", database).splitlines()]
        mailed = outbox_first_entries(os.path.join(tmp, "var", "outbox"))
        hourly = int(ch("SELECT count() FROM alerts FINAL WHERE detector = 'watch_term' AND toMinute(fired_at) = 0 "
                        "AND toSecond(fired_at) = 0", database))
        stored = int(ch("SELECT uniqExact(id) FROM documents", database))
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

    lo, hi = t0 + warmup, t0 + warmup + duration
    offered = [i for i, t in appear.items() if lo <= t <= hi]
    window = sorted(i for i in incidents if lo <= appear[i] <= hi)
    # Each alert is timed from its first incident document; a later document of the same story
    # joins an alert that was mailed already.
    to_alert, queryable, alert_lat = {}, [], []
    for a in alerts:
        docs = sorted((appear[d], d) for d in a["document_ids"] if d in incidents)
        if docs:
            to_alert[docs[0][1]] = a["id"]
    in_some_alert = {d for a in alerts for d in a["document_ids"]}
    joined = missed = 0  # an incident document whose story was alerted already / in no alert at all
    for i in window:
        if i in seen:
            queryable.append(seen[i] - appear[i])
        if i in to_alert and to_alert[i] in mailed:
            alert_lat.append(mailed[to_alert[i]] - appear[i])
        elif i in in_some_alert and i not in to_alert:
            joined += 1
        else:
            missed += 1
    return {"offered_per_s": len(offered) / duration, "incidents": len(window), "mailed": len(alert_lat),
            "stored_incidents": len(queryable), "queryable": queryable, "alert": alert_lat, "usage": usage,
            "alerts": len(alerts), "hourly": hourly, "stored": stored, "interval": interval, "joined": joined, "missed": missed}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/bin/yuqing"))
    ap.add_argument("--speeds", default="60,20,6,2,0.5", help="wall seconds per simulated week, one run each")
    ap.add_argument("--duration", type=float, default=90, help="seconds of the timeline released per run (measured, with --alerts)")
    ap.add_argument("--drain", type=float, default=20, help="seconds the pipeline gets after that to catch up")
    ap.add_argument("--poll", type=float, default=1, help="seconds between polls of a list, feed or comment page")
    ap.add_argument("--port", type=int, default=18380)
    ap.add_argument("--alerts", action="store_true", help="publication -> alert instead (real time, see above)")
    ap.add_argument("--warmup", type=float, default=60, help="--alerts: seconds before measuring (the backlog is crawled)")
    ap.add_argument("--load", type=float, default=1, help="--alerts: the sites' per_day times this (the incidents stay)")
    ap.add_argument("--immediate", type=int, help="--alerts: immediate_interval_seconds (default: configs/alerts.yaml)")
    args = ap.parse_args()
    load = os.getloadavg()
    if args.alerts:
        print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {load[0]:.1f}; poll {args.poll} s; "
              f"{args.warmup:.0f} s warm-up + {args.duration:.0f} s measured + {args.drain:.0f} s drain")
        r = run_alerts(args.bin, args.duration, args.warmup, args.drain, args.poll, args.port, args.immediate, args.load)
        print(f"\n## publication -> alert, immediate_interval_seconds {r['interval']}, load x{args.load:g}: {r['offered_per_s']:.1f} documents/s offered, "
              f"{r['stored']} stored; {r['incidents']} watch-term documents, {r['stored_incidents']} queryable, "
              f"{r['mailed']} with their alert in the outbox, {r['joined']} joined an alert of their story mailed before, "
              f"{r['missed']} without alert or mail")
        print(f"{'':22} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'max s':>7}")
        for name, v in [("appeared -> queryable", r["queryable"]), ("appeared -> outbox", r["alert"])]:
            print(f"{name:22} {len(v):4d} {percentile(v, 50):7.2f} {percentile(v, 95):7.2f} {percentile(v, 99):7.2f} "
                  f"{max(v) if v else float('nan'):7.2f}")
        print(f"watch-term alerts stored: {r['alerts']} ({r['hourly']} fired on an hour boundary, i.e. by a full-hour evaluation)")
        print("stage      CPU s  peak RSS MB")
        for stage, (cpu, rss) in r["usage"].items():
            print(f"{stage:9} {cpu:6.1f} {rss:8.0f}")
        return 0
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
