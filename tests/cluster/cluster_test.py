#!/usr/bin/env python3
"""Issue 15's scale-out run on the real distributed engines, on loopback (ctest -L cluster).

scripts/cluster.sh starts a fresh cluster in a temporary folder: three Kafka brokers in one KRaft
quorum (replication factor 3, min.insync.replicas 2) and a ClickHouse cluster of two shards
(Distributed tables in `yuqing` over each shard's `yuqing_local`, documents sharded by id). On six-
partition topics run 2 crawlers (the sandbox's five sites split between them), 3 processors and
2 sinks, while the sandbox web releases its timeline. Mid-stream, one broker is SIGKILLed (and
brought back later), and one crawler, one processor and one sink are SIGKILLed and restarted.
Afterwards, exactly:
  - every document the sandbox served is stored once: distinct ids == count() FINAL == the truth,
    no id missing or foreign, and the two shards hold disjoint ids that add up to it;
  - the rollups agree: rollup_hourly and stories count the truth, and per issue rollup_hourly
    counts what documents FINAL counts.
No stage may exit by itself; SIGTERM ends each with exit code 0.

usage: tests/cluster/cluster_test.py --bin build/bin/yuqing   (about 4 minutes; needs ~5 GB of RAM)
"""
import argparse
import copy
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

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX_PORT = 18350          # five sites: 18350..18354
WEEK_SECONDS = 15             # the sandbox releases one simulated week every 15 s


class Cluster:
    def __init__(self, home):
        self.env = dict(os.environ, YUQING_CLUSTER_VAR=os.path.join(home, "cluster"))
        self.home = home

    def run(self, *args):
        r = subprocess.run(["bash", os.path.join(ROOT, "scripts/cluster.sh"), *args], env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"scripts/cluster.sh {' '.join(args)} failed:\n{r.stdout[-4000:]}")
        return r.stdout

    def password(self):
        with open(os.path.join(self.home, "cluster/secrets/clickhouse.password")) as f:
            return f.read().strip()

    def kill_broker(self, k):
        """SIGKILL broker k's whole process group (services.sh starts it with setsid)."""
        with open(os.path.join(self.home, f"cluster/kafka-{k}/run/kafka.pid")) as f:
            pid = int(f.read())
        os.killpg(pid, signal.SIGKILL)
        for _ in range(200):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


class ClickHouse:
    def __init__(self, port, password):
        self.url = f"http://127.0.0.1:{port}/"
        self.auth = "Basic " + __import__("base64").b64encode(f"yuqing:{password}".encode()).decode()

    def query(self, sql):
        req = urllib.request.Request(self.url, data=(sql + " FORMAT TabSeparated").encode(),
                                     headers={"Authorization": self.auth})
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read().decode()

    def scalar(self, sql):
        try:
            return int(self.query(sql).strip() or 0)
        except Exception:  # noqa: BLE001 — a shard restarting answers nothing for a moment
            return -1


class Stage:
    def __init__(self, name, binary, config, args, log):
        self.name, self.argv, self.log, self.proc = name, [binary, "--config", config, *args], log, None

    def start(self):
        with open(self.log, "a") as out:
            out.write(f"==== test: start {self.name}\n")
        self.proc = subprocess.Popen(self.argv, stdout=open(self.log, "a"), stderr=subprocess.STDOUT, cwd=ROOT)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig, seconds=60):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def tail(self):
        with open(self.log, errors="replace") as f:
            return f.read()[-3000:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/bin/yuqing"))
    ap.add_argument("--keep", action="store_true", help="keep the cluster and logs afterwards")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    for var in ("YUQING_KAFKA_BROKERS", "YUQING_CLICKHOUSE_URL", "YUQING_CLICKHOUSE_PASSWORD"):
        os.environ.pop(var, None)  # the stages take their addresses from the config files
    home = tempfile.mkdtemp(prefix="yuqing-cluster-")
    cluster = Cluster(home)
    failures = []
    stages = []
    sandbox = None
    began = time.monotonic()

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            failures.append(what)

    try:
        print(cluster.run("start").strip().splitlines()[-1], flush=True)
        ch = ClickHouse(18223, cluster.password())
        shards = [ch, ClickHouse(18224, cluster.password())]

        # The sandbox web, released gradually, and its truth.
        truth_file = os.path.join(home, "truth.jsonl")
        sandbox = subprocess.Popen([binary, "sandbox", "--port", str(SANDBOX_PORT), "--speed", str(WEEK_SECONDS),
                                    "--truth", truth_file], cwd=ROOT, stdout=open(os.path.join(home, "sandbox.log"), "w"),
                                   stderr=subprocess.STDOUT)
        for _ in range(300):
            if os.path.exists(truth_file) and os.path.getsize(truth_file) > 0:
                break
            time.sleep(0.1)
        time.sleep(1)
        truth = set()
        with open(truth_file) as f:
            for line in f:
                if line.strip():
                    truth.add(json.loads(line)["id"])
        check(len(truth) >= 2000, f"the sandbox serves {len(truth)} documents")

        # Configs: the project's, pointed at the cluster, 6 partitions, replication 3, absolute paths.
        with open(os.path.join(ROOT, "configs/pipeline.yaml")) as f:
            base = yaml.safe_load(f)
        cluster_cfg = yaml.safe_load(cluster.run("config"))
        base["kafka"].update(cluster_cfg["kafka"])
        base["kafka"]["client"] = {"session.timeout.ms": "6000"}
        base["clickhouse"].update(cluster_cfg["clickhouse"])
        base["clickhouse"]["password_file"] = os.path.join(home, "cluster/secrets/clickhouse.password")
        base["processor"]["rules_dir"] = os.path.join(ROOT, "configs")
        base["sandbox"]["scenario"] = os.path.join(ROOT, base["sandbox"]["scenario"])
        base["sink"]["max_retry_ms"] = 5000
        base["crawler"].update({"max_crawl_delay_s": 0, "per_host_rate": 1000, "per_host_burst": 100,
                                "per_host_connections": 8, "retry_base_ms": 200})
        with open(os.path.join(ROOT, "configs/sources.yaml")) as f:
            sources_text = f.read()
        for k in range(5):
            sources_text = sources_text.replace(f"http://127.0.0.1:{18080 + k}", f"http://127.0.0.1:{SANDBOX_PORT + k}")
        sources_text = re.sub(r"recrawl_minutes: \d+", "recrawl_minutes: 0.05", sources_text)
        sources_text = re.sub(r"recrawl_days: \d+", "recrawl_days: 0.01", sources_text)
        # Split as text (the file's own YAML, not re-serialised): crawler 1 gets the portal, the local
        # news and the news portal; crawler 2 the message board and the forum.
        starts = [m.start() for m in re.finditer(r"^  - name: ", sources_text, re.M)]
        blocks = [sources_text[a:b] for a, b in zip(starts, starts[1:] + [len(sources_text)])]
        halves = [blocks[:3], blocks[3:]]
        configs = {}
        for name, part in (("crawl-1", halves[0]), ("crawl-2", halves[1]), ("stages", None)):
            cfg = copy.deepcopy(base)
            if part is not None:
                src = os.path.join(home, f"{name}-sources.yaml")
                with open(src, "w") as f:
                    f.write("sources:\n" + "".join(part))
                cfg["crawler"]["sources_file"] = src
                cfg["crawler"]["state_dir"] = os.path.join(home, name + "-state")
            os.makedirs(os.path.join(home, "configs"), exist_ok=True)
            configs[name] = os.path.join(home, "configs", name + ".yaml")
            with open(configs[name], "w") as f:
                yaml.safe_dump(cfg, f, allow_unicode=True)
        subprocess.run([binary, "--config", configs["stages"], "migrate"], check=False, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # topics (ClickHouse is laid out)

        logs = os.path.join(home, "logs")
        os.makedirs(logs)
        for name in ("crawl-1", "crawl-2"):
            stages.append(Stage(name, binary, configs[name], ["crawl"], os.path.join(logs, name + ".log")))
        for k in (1, 2, 3):
            stages.append(Stage(f"process-{k}", binary, configs["stages"], ["process"], os.path.join(logs, f"process-{k}.log")))
        for k in (1, 2):
            stages.append(Stage(f"sink-{k}", binary, configs["stages"], ["sink", "--instance", f"sink-{k}"],
                                os.path.join(logs, f"sink-{k}.log")))
        by_name = {s.name: s for s in stages}
        for s in stages:
            s.start()
        stored = lambda: ch.scalar("SELECT uniqExact(id) FROM yuqing.documents")  # noqa: E731
        t0 = time.monotonic()

        def exited():
            return [s.name for s in stages if not s.running()]

        def wait_until(done, seconds):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if done():
                    return True
                if exited():
                    return False
                time.sleep(0.5)
            return done()

        def note(what):
            print(f"  {time.monotonic() - t0:6.1f} s: {what} (stored {stored()} of {len(truth)})", flush=True)

        check(wait_until(lambda: stored() >= 200, 180), "documents flow through the cluster")
        before = stored()
        note("SIGKILL broker 2")
        cluster.kill_broker(2)
        check(wait_until(lambda: stored() >= before + 200, 180), "storing goes on with two brokers")
        for name in ("process-2", "sink-1", "crawl-2"):
            before = stored()
            check(before < len(truth), f"{name} is SIGKILLed mid-stream ({before} of {len(truth)} stored)")
            note(f"SIGKILL {name}")
            by_name[name].stop(signal.SIGKILL)
            by_name[name].start()
            check(wait_until(lambda: stored() >= before + 150, 180), f"storing goes on after {name} restarted")
        note("start broker 2 again")
        cluster.run("start-kafka", "2")
        complete = wait_until(lambda: stored() >= len(truth), 300)
        note("every document stored" if complete else "gave up waiting")
        check(not exited(), "no stage exited by itself: " + ", ".join(exited()))
        for s in stages:
            if s.running():
                code = s.stop(signal.SIGTERM)
                check(code == 0, f"{s.name} ends with exit code 0 on SIGTERM (got {code})")

        # Exact counts.
        ids = set(ch.query("SELECT DISTINCT id FROM yuqing.documents").split())
        check(not (truth - ids), f"no document lost ({len(truth - ids)} missing)")
        check(not (ids - truth), f"no foreign document ({len(ids - truth)})")
        final_rows = ch.scalar("SELECT count() FROM yuqing.documents FINAL")
        check(final_rows == len(truth), f"count() FINAL {final_rows} == truth {len(truth)}")
        per_shard = [s.scalar("SELECT uniqExact(id) FROM yuqing_local.documents") for s in shards]
        check(all(n > 0 for n in per_shard) and sum(per_shard) == len(truth),
              f"the shards hold disjoint parts: {per_shard[0]} + {per_shard[1]} == {len(truth)}")
        hourly = ch.scalar("SELECT uniqExactMerge(ids_state) FROM yuqing.rollup_hourly")
        stories = ch.scalar("SELECT uniqExactMerge(ids_state) FROM yuqing.stories")
        check(hourly == len(truth), f"rollup_hourly counts {hourly}")
        check(stories == len(truth), f"stories counts {stories}")
        by_issue_rollup = ch.query("SELECT issue, uniqExactMerge(ids_state) FROM yuqing.rollup_hourly GROUP BY issue ORDER BY issue")
        by_issue_docs = ch.query("SELECT issue, count() FROM (SELECT arrayJoin(if(empty(issues), [''], issues)) AS issue "
                                 "FROM yuqing.documents FINAL) GROUP BY issue ORDER BY issue")
        check(by_issue_rollup == by_issue_docs and by_issue_docs.count("\n") >= 10,
              f"rollup_hourly per issue == documents FINAL per issue ({by_issue_docs.count(chr(10))} issues)")
        raw = ch.scalar("SELECT count() FROM yuqing.documents")
        print(f"truth {len(truth)}; distinct {len(ids)}, FINAL {final_rows}, before merging {raw}; shards {per_shard}; "
              f"wall time {time.monotonic() - began:.0f} s", flush=True)
    except Exception as e:  # noqa: BLE001
        failures.append(f"{type(e).__name__}: {e}")
        print("FAIL", failures[-1], flush=True)
    finally:
        for s in stages:
            if s.running():
                s.proc.kill()
        if sandbox:
            sandbox.kill()
        if failures:
            for s in stages:
                print(f"---- {s.name} log tail:\n{s.tail()}")
        if not args.keep:
            try:
                cluster.run("stop")
            except RuntimeError as e:
                print(e)
            if not failures:
                shutil.rmtree(home, ignore_errors=True)
        print(f"cluster home: {home}" if (failures or args.keep) else "cluster stopped")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
