#!/usr/bin/env python3
"""Storage benchmark (docs/BENCHMARKS.md, "Storage"): the sink against its limit and its peer, and
trend-query latency at 10 million documents. Runs against the shared services of
scripts/services.sh, in databases and topics of its own that it drops afterwards.

  sink     : `yuqing sink --drain` over M enriched documents on a fresh topic
  limit    : the same rows as one bare RowBinary HTTP INSERT (exported from the sink's table), and
             as RowBinary batches of the sink's batch size - what ClickHouse can take at best
  peer     : ClickHouse's own Kafka table engine reading the same topic into the same table
  queries  : `yuqing query ...` over 10,000,000 synthetic documents made with INSERT ... SELECT
             FROM numbers() (the rollups fill through the same materialised views)

usage: tests/bench/storage_bench.py BUILD_DIR [--documents M] [--big N] [--skip-big]
Needs confluent-kafka (installed on first use into $YUQING_CACHE/chdb-venv next to chDB).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import base64
import hashlib
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from venv_reexec import run_inside  # noqa: E402

BROKERS = os.environ.get("YUQING_KAFKA_BROKERS", "127.0.0.1:19092")
CH_URL = os.environ.get("YUQING_CLICKHOUSE_URL", "http://127.0.0.1:18123")
PASSWORD = os.environ.get("YUQING_CLICKHOUSE_PASSWORD") or open(os.path.join(ROOT, "var/secrets/clickhouse.password")).read().strip()


def ch(sql, data=None, database="default", raw=False, headers=None):
    url = f"{CH_URL}/?database={database}"
    if data is not None:
        url += "&query=" + urllib.parse.quote(sql)
        body = data
    else:
        body = sql.encode()
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("Authorization", "Basic " + base64.b64encode(f"yuqing:{PASSWORD}".encode()).decode())
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=3600) as r:
            out = r.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"ClickHouse: {e.read().decode()[:500]}\n{sql[:300]}")
    return out if raw else out.decode().strip()


def config_file(path, database, topic_prefix, group):
    """The shipped config with this run's database, topics and groups."""
    text = open(os.path.join(ROOT, "configs/pipeline.yaml")).read()

    def value(key, old, new):
        # The shipped file comments each key on its line: replace the value, keep the comment.
        nonlocal text
        text, n = re.subn(rf"^(\s*{key}: ){re.escape(old)}(?=\s|$)", lambda m: m.group(1) + new, text, flags=re.M)
        assert n == 1, f"configs/pipeline.yaml: {key}: {old} not found once"

    value("database", "yuqing", database)
    for name, key in (("raw", "raw_topic"), ("enriched", "enriched_topic"), ("dead-letter", "dead_letter_topic")):
        value(key, f"yuqing.{name}", f"{topic_prefix}.{name}")
    value("group", "yuqing-sink", group)
    text = text.replace("password_file: var/secrets", f"password_file: {ROOT}/var/secrets")
    text = text.replace("sources_file: configs/", f"sources_file: {ROOT}/configs/")
    text = text.replace("rules_dir: configs", f"rules_dir: {ROOT}/configs")
    text = text.replace("scenario: configs/", f"scenario: {ROOT}/configs/")
    with open(path, "w") as f:
        f.write(text)
    return path


def document(i):
    issues = ["老旧小区与棚户区改造", "教育", "就业创业", "养老服务", "社会救助", "保障性住房"]
    places = ["运河街道", "邳庄镇", "张山子镇", "泥沟镇", "涧头集镇", "马兰屯镇"]
    t = 1794758400 + (i * 37) % (30 * 86400)
    iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))
    return {
        "schema": "yuqing.enriched/1", "id": f"{i:032x}", "kind": "post", "url": f"http://bench/{i}",
        "site": f"site{i % 12}", "title": f"关于{issues[i % 6]}的问题 {i}",
        "text": ("小区加装电梯的进度怎么样了，业主们都很关心。" * 8) + str(i),
        "published_at": iso, "fetched_at": iso,
        "tags": {"category": {"level1": "城乡建设", "level2": "", "score": 1},
                 "issues": [{"name": issues[i % 6], "departments": ["区住房城乡建设局"], "score": 1, "evidence": []}],
                 "sentiment": {"label": ["negative", "neutral", "positive"][i % 3], "score": 0, "evidence": []},
                 "intent": "complaint", "places": [places[i % 6]], "keywords": ["加装电梯", "物业"],
                 "content_hash": f"h{i % 5000}"},
        "processed_at": iso,
    }


def produce(topic, count):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": BROKERS})
    admin.create_topics([NewTopic(topic, 3, 1)])[topic].result()
    p = Producer({"bootstrap.servers": BROKERS, "enable.idempotence": True, "linger.ms": 20})
    size = 0
    for i in range(count):
        v = json.dumps(document(i), ensure_ascii=False).encode()
        size += len(v)
        while True:
            try:
                p.produce(topic, key=f"{i:032x}", value=v)
                break
            except BufferError:
                p.poll(0.1)
    p.flush(120)
    return size


def delete_topics(topics):
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": BROKERS})
    existing = admin.list_topics(timeout=10).topics
    for f in admin.delete_topics([t for t in topics if t in existing]).values():
        f.result()


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def bench_ingest(build, m):
    """On a private ClickHouse (same version as the shared one) whose default profile skips unknown
    JSON fields, which the Kafka-engine peer needs to read the enriched documents."""
    global CH_URL
    yuqing = os.path.join(build, "bin", "yuqing")
    stamp = str(os.getpid())
    home = f"/tmp/bench_clickhouse_{stamp}"
    http_port = free_port()
    services = os.path.join(ROOT, "scripts/services.sh")
    env = dict(os.environ, YUQING_VAR=home, YUQING_CLICKHOUSE_PASSWORD=PASSWORD,
               YUQING_CLICKHOUSE_HTTP_PORT=str(http_port), YUQING_CLICKHOUSE_TCP_PORT=str(free_port()),
               YUQING_CLICKHOUSE_PROFILE="<input_format_skip_unknown_fields>1</input_format_skip_unknown_fields>")
    subprocess.run([services, "start", "clickhouse"], check=True, env=env)
    shared_url, CH_URL = CH_URL, f"http://127.0.0.1:{http_port}"
    os.environ["YUQING_CLICKHOUSE_URL"] = CH_URL
    try:
        run_ingest(yuqing, m, stamp)
    finally:
        subprocess.run([services, "stop", "clickhouse"], env=env)
        subprocess.run(["rm", "-rf", home])
        CH_URL = shared_url
        del os.environ["YUQING_CLICKHOUSE_URL"]


def run_ingest(yuqing, m, stamp):
    db, prefix = f"bench_sink_{stamp}", f"bench.{stamp}"
    cfg = config_file(f"/tmp/{db}.yaml", db, prefix, f"{prefix}.sink")
    subprocess.run([yuqing, "--config", cfg, "migrate", "--no-kafka"], check=True, capture_output=True)
    topic = f"{prefix}.enriched"
    size = produce(topic, m)
    print(f"produced {m} documents, {size / 1e6:.1f} MB of JSON, to {topic}", flush=True)
    results = {}

    t = time.monotonic()
    subprocess.run([yuqing, "--config", cfg, "sink", "--drain"], check=True, capture_output=True)
    results["sink"] = time.monotonic() - t
    stored = int(ch("SELECT uniqExact(id) FROM documents", database=db))
    assert stored == m, f"sink stored {stored} of {m}"
    # What the sink stored, to compare builds by: every column of every row (one per id), in id order.
    digest = hashlib.md5(ch("SELECT * FROM documents FINAL ORDER BY id FORMAT RowBinary", database=db, raw=True))
    print(f"sink stored {stored} rows, md5 of SELECT * ... FINAL ORDER BY id FORMAT RowBinary: {digest.hexdigest()}",
          flush=True)

    rows = ch("SELECT * FROM documents FORMAT RowBinary", database=db, raw=True)
    lim = f"bench_limit_{stamp}"
    cfg2 = config_file(f"/tmp/{lim}.yaml", lim, prefix, "unused")
    subprocess.run([yuqing, "--config", cfg2, "migrate", "--no-kafka"], check=True, capture_output=True)
    t = time.monotonic()
    ch("INSERT INTO documents FORMAT RowBinary", data=rows, database=lim)
    results["limit_one_insert"] = time.monotonic() - t
    assert int(ch("SELECT uniqExact(id) FROM documents", database=lim)) == m
    # The sink's batch size in RowBinary (its format), and in JSONEachRow: what the wire format
    # costs ClickHouse by itself.
    # The sink's batch is sink.batch_rows (20,000); 5,000 rows (its former default) shows what
    # smaller inserts cost ClickHouse.
    for fmt, rows_per, key in (("RowBinary", 20000, "limit_batches"), ("RowBinary", 5000, "limit_small_batches"),
                               ("JSONEachRow", 20000, "limit_json_batches")):
        batches = [ch(f"SELECT * FROM documents ORDER BY id LIMIT {k}, {rows_per} FORMAT {fmt}", database=db, raw=True)
                   for k in range(0, m, rows_per)]
        ch("TRUNCATE TABLE documents", database=lim)
        t = time.monotonic()
        for b in batches:
            ch(f"INSERT INTO documents FORMAT {fmt}", data=b, database=lim)
        results[key] = time.monotonic() - t
    del batches

    # The peer: ClickHouse's Kafka engine (the version of the server) reading the same topic.
    peer = f"bench_peer_{stamp}"
    cfg3 = config_file(f"/tmp/{peer}.yaml", peer, prefix, "unused")
    subprocess.run([yuqing, "--config", cfg3, "migrate", "--no-kafka"], check=True, capture_output=True)
    # A new group starts at the end of the topic (the engine's default); commit offset 0 for the
    # group first, so that the peer, like the sink, reads the whole topic that is already there.
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": BROKERS, "group.id": f"{prefix}.peer", "enable.auto.commit": False})
    c.commit(offsets=[TopicPartition(topic, p, 0) for p in range(3)], asynchronous=False)
    c.close()
    ch(f"""CREATE TABLE queue (id String, kind String, url String, site String, title String, text String)
           ENGINE = Kafka('{BROKERS}', '{topic}', '{prefix}.peer', 'JSONEachRow')
           """, database=peer)
    ch("""CREATE MATERIALIZED VIEW queue_mv TO documents AS
          SELECT id, kind, '' AS parent_id, url, site, title, text, '' AS author, '' AS source_name,
                 CAST(NULL AS Nullable(DateTime('UTC'))) AS published_at, now() AS event_time, now() AS fetched_at,
                 now() AS processed_at, '' AS category_l1, '' AS category_l2, CAST([] AS Array(String)) AS issues,
                 CAST([] AS Array(String)) AS departments, '' AS sentiment_label, toFloat32(0) AS sentiment_score,
                 '' AS intent, CAST([] AS Array(String)) AS places, CAST([] AS Array(String)) AS keywords,
                 '' AS content_hash, '' AS tags_json, toUInt64(1) AS version, '' AS story_id
          FROM queue""", database=peer)
    t = time.monotonic()
    peer_count, deadline = 0, t + max(120, 10 * results["sink"])
    while time.monotonic() < deadline:
        peer_count = int(ch("SELECT count() FROM documents", database=peer))
        if peer_count >= m:
            break
        time.sleep(0.2)
    results["peer"] = time.monotonic() - t if peer_count >= m else None
    results["peer_count"] = peer_count
    ch("DROP TABLE queue_mv", database=peer)
    ch("DROP TABLE queue", database=peer)

    for d in (db, lim, peer):
        ch(f"DROP DATABASE IF EXISTS {d}")
    delete_topics([f"{prefix}.raw", topic, f"{prefix}.dead-letter"])
    for c in (cfg, cfg2, cfg3):
        os.remove(c)
    mb = size / 1e6
    print("\n| path | rows | seconds | rows/s | MB/s of JSON |")
    print("|---|---:|---:|---:|---:|")
    for name, key in (("yuqing sink (Kafka → parse → RowBinary, HTTP, gzip off on loopback; insert overlapped with the next batch; commit after insert)", "sink"),
                      ("limit: one bare RowBinary HTTP INSERT of the same rows", "limit_one_insert"),
                      ("limit: bare RowBinary HTTP INSERTs of 20000 rows (the sink's batch and format)", "limit_batches"),
                      ("limit: bare RowBinary HTTP INSERTs of 5000 rows", "limit_small_batches"),
                      ("limit: bare JSONEachRow HTTP INSERTs of 20000 rows", "limit_json_batches"),
                      ("peer: ClickHouse 18.16 Kafka engine → MV → documents", "peer")):
        s = results[key]
        if s is None:
            print(f"| {name} | {results['peer_count']} of {m} | did not finish | - | - |")
        else:
            print(f"| {name} | {m} | {s:.2f} | {m / s:,.0f} | {mb / s:.1f} |")


def bench_queries(build, n):
    yuqing = os.path.join(build, "bin", "yuqing")
    db = f"bench_q_{os.getpid()}"
    cfg = config_file(f"/tmp/{db}.yaml", db, "unused", "unused")
    subprocess.run([yuqing, "--config", cfg, "migrate", "--no-kafka"], check=True, capture_output=True)
    chunk = 1_000_000
    t = time.monotonic()
    for start in range(0, n, chunk):
        ch(f"""INSERT INTO documents (id, kind, url, site, title, text, event_time, fetched_at, processed_at,
                   category_l1, issues, departments, sentiment_label, intent, places, keywords, content_hash, version)
               SELECT lower(hex(MD5(toString(number)))) AS id, 'post', concat('http://bench/', toString(number)),
                      concat('site', toString(number % 40)), concat('标题', toString(number)),
                      '小区加装电梯的进度怎么样了，业主们都很关心。',
                      toDateTime(1792080000 + intDiv(number * 7776000, {n}), 'UTC') AS t, t, t,
                      ['城乡建设', '教育文体', '劳动和社会保障', '民政'][number % 4 + 1],
                      [['老旧小区与棚户区改造', '教育', '就业创业', '养老服务', '社会救助', '保障性住房',
                        '疫情防控', '减税降费', '房地产市场监管', '营商环境与政务服务'][number % 10 + 1]],
                      ['区住房城乡建设局'],
                      ['negative', 'neutral', 'neutral', 'positive'][number % 4 + 1],
                      ['complaint', 'inquiry', 'suggestion', 'praise', 'news'][number % 5 + 1],
                      [['运河街道', '邳庄镇', '张山子镇', '泥沟镇', '涧头集镇', '马兰屯镇'][intDiv(number, 7) % 6 + 1]],
                      [concat('词', toString(number % 5000)), concat('词', toString(number % 97))],
                      toString(number % 2000000), 1
               FROM numbers({start}, {min(chunk, n - start)})""", database=db)
    load = time.monotonic() - t
    stored = int(ch("SELECT uniqExact(id) FROM documents", database=db))
    rollup_rows = int(ch("SELECT count() FROM rollup_hourly", database=db))
    print(f"\n{stored:,} synthetic documents inserted in {load:.0f} s (rollup_hourly: {rollup_rows:,} rows)")
    # Data spans 2026-10-17 .. 2027-01-15 (90 days); "now" for relative windows is the real clock,
    # so the windows below are explicit dates.
    cases = [
        ("trend, one issue and place, 30 days by day",
         ["trend", "--issue", "老旧小区与棚户区改造", "--place", "运河街道", "--since", "2026-11-01", "--until", "2026-12-01", "--by", "day", "--exact"]),
        ("trend, all documents, 90 days by week, split by issue",
         ["trend", "--since", "2026-10-17", "--until", "2027-01-16", "--by", "week", "--split", "issue"]),
        ("top-issues, week over week", ["top-issues", "--week", "2026-W48"]),
        ("keywords, top 20 over 30 days", ["keywords", "--since", "2026-11-01", "--until", "2026-12-01"]),
        ("keywords, emerging (7 vs 28 days)", ["keywords", "--emerging", "--until", "2026-12-01"]),
        ("stories, top 20 by size, 30 days", ["stories", "--since", "2026-11-01", "--until", "2026-12-01"]),
        ("docs, 20 negative ones behind a trend number",
         ["docs", "--issue", "老旧小区与棚户区改造", "--place", "运河街道", "--sentiment", "negative",
          "--since", "2026-11-20", "--until", "2026-11-21", "--exact"]),
    ]
    print("\n| query (`yuqing query ...`) | median of 5, ms | min ms |")
    print("|---|---:|---:|")
    for name, args in cases:
        times = []
        for _ in range(5):
            t = time.monotonic()
            out = subprocess.run([yuqing, "--config", cfg, "query", *args, "--format", "csv"], capture_output=True, text=True)
            times.append((time.monotonic() - t) * 1000)
            if out.returncode != 0:
                sys.exit(f"yuqing query {' '.join(args)} failed: {out.stderr}")
        print(f"| {name} | {statistics.median(times):.0f} | {min(times):.0f} |", flush=True)
    ch(f"DROP DATABASE IF EXISTS {db}")
    os.remove(cfg)


def main():
    run_inside("confluent_kafka", "confluent-kafka")
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--documents", type=int, default=200_000)
    ap.add_argument("--big", type=int, default=10_000_000)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    a = ap.parse_args()
    print("ClickHouse", ch("SELECT version()"))
    if not a.skip_ingest:
        bench_ingest(a.build, a.documents)
    if not a.skip_big:
        bench_queries(a.build, a.big)


if __name__ == "__main__":
    main()
