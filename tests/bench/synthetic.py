"""Synthetic documents for the benchmarks at scale (report_bench.py, api_bench.py).

The documents are the storage benchmark's (tests/bench/storage_bench.py: INSERT ... SELECT FROM
numbers(), 90 days from 2026-10-16 00:00 Asia/Shanghai, 40 sites, 10 issues, 6 places, 2 million
stories; the rollups fill through the same materialised views), plus message-board items: every
50th document is a message and the next one its reply. They go into a database of their own in the
ClickHouse of scripts/services.sh (`private_database`), which the caller drops with `drop`.
"""
import base64
import os
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CH_URL = os.environ.get("YUQING_CLICKHOUSE_URL", "http://127.0.0.1:18123")
PASSWORD_FILE = os.path.join(ROOT, "var/secrets/clickhouse.password")
PASSWORD = os.environ.get("YUQING_CLICKHOUSE_PASSWORD") or open(PASSWORD_FILE).read().strip()


def ch(sql, database="default"):
    req = urllib.request.Request(f"{CH_URL}/?database={database}", data=sql.encode(), method="POST")
    req.add_header("Authorization", "Basic " + base64.b64encode(f"yuqing:{PASSWORD}".encode()).decode())
    with urllib.request.urlopen(req, timeout=3600) as r:
        return r.read().decode().strip()


def private_database(yuqing, prefix):
    """A fresh migrated database `prefix_PID`; returns (database, home, pipeline config path).
    The config lives in HOME/configs/pipeline.yaml, so a server.yaml written beside it is found."""
    db = f"{prefix}_{os.getpid()}"
    home = tempfile.mkdtemp(prefix=db)
    os.makedirs(os.path.join(home, "configs"))
    cfg = os.path.join(home, "configs", "pipeline.yaml")
    with open(cfg, "w") as f:
        f.write(f"clickhouse:\n  url: {CH_URL}\n  database: {db}\n  user: yuqing\n"
                f"  password_file: {PASSWORD_FILE}\n"
                f"processor:\n  rules_dir: {os.path.join(ROOT, 'configs')}\n")
    subprocess.run([yuqing, "--config", cfg, "migrate", "--no-kafka"], check=True, capture_output=True)
    return db, home, cfg


def fill(db, n, chunk=1_000_000):
    """Insert n synthetic documents into db; returns the seconds taken."""
    t = time.monotonic()
    for start in range(0, n, chunk):
        ch(f"""INSERT INTO documents (id, kind, parent_id, url, site, title, text, event_time, fetched_at, processed_at,
                   category_l1, issues, departments, sentiment_label, intent, places, keywords, content_hash, version)
               SELECT lower(hex(MD5(toString(number)))) AS id,
                      ['post', 'message', 'reply'][if(number % 50 = 0, 2, if(number % 50 = 1, 3, 1))] AS kind,
                      if(kind = 'reply', lower(hex(MD5(toString(number - 1)))), '') AS parent,
                      concat('http://bench/', toString(number)),
                      if(kind = 'post', concat('site', toString(number % 40)), 'message-board'), concat('标题', toString(number)),
                      '小区加装电梯的进度怎么样了，业主们都很关心。',
                      toDateTime(1792080000 + intDiv(number * 7776000, {n}) + if(kind = 'reply', 86400 * (number % 20), 0), 'UTC') AS t, t, t,
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
    return time.monotonic() - t


def drop(db):
    ch(f"DROP DATABASE IF EXISTS {db}")
