#!/usr/bin/env python3
"""Portability: every schema statement and every analysts' query of yuqing runs on a current
ClickHouse (chDB, ClickHouse as a Python library), not only on the 18.16 server of scripts/services.sh.

The statements come from the yuqing binary itself (`yuqing migrate --sql`, `yuqing query ... --sql`),
so this checks exactly what ships. A small data set is inserted twice (a replay) and the queries must
give the same exact counts as tests/integration/queries_test.cc asserts on 18.16.

usage: chdb_portability.py YUQING_BINARY
chDB is installed on first use into a virtualenv under $YUQING_CACHE (default ~/.cache/yuqing).
"""
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from venv_reexec import run_inside  # noqa: E402

CHDB_VERSION = "4.4.0"


def yuqing(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAIL: yuqing {' '.join(args)} exited {out.returncode}: {out.stderr}")
    return out.stdout


def statements(text):
    """The binary prints one statement per ';' at a line end."""
    parts, current = [], []
    for line in text.splitlines():
        if line.rstrip().endswith(";"):
            current.append(line.rstrip()[:-1])
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    return [p for p in parts if p.strip()]


CST = dt.timezone(dt.timedelta(hours=8))
WEEK47 = int(dt.datetime(2026, 11, 16, tzinfo=CST).timestamp())
ISSUE = "老旧小区与棚户区改造"


def utc(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def row(i, at, issue, place, sentiment):
    """The same documents as tests/integration/queries_test.cc, in the sink's JSONEachRow form."""
    return json.dumps({
        "id": hashlib.sha1(f"http://q/{i}".encode()).hexdigest()[:32],
        "kind": "article", "parent_id": "", "url": f"http://q/{i}", "site": "forum" if i % 2 else "news",
        "title": f"标题 {i}", "text": f"文本 {i}", "author": "", "source_name": "",
        "published_at": utc(at), "event_time": utc(at), "fetched_at": utc(at + 60), "processed_at": utc(at + 120),
        "category_l1": "", "category_l2": "", "issues": [issue] if issue else [],
        "departments": ["区住房城乡建设局"] if issue else [], "sentiment_label": sentiment, "sentiment_score": 0,
        "intent": "news", "places": [place] if place else [], "keywords": ["加装电梯", "物业" if i % 3 else "停车"],
        "content_hash": f"story{i % 3}", "tags_json": "{}", "version": at + 120,
    }, ensure_ascii=False)


def dataset():
    rows, n = [], 0
    for i in range(4):
        rows.append(row(n, WEEK47 + 86400 * i, ISSUE, "邳庄镇", "negative" if i % 2 else "neutral")); n += 1
    rows.append(row(n, WEEK47 + 3600, "教育", "", "positive")); n += 1
    for i in range(10):
        rows.append(row(n, WEEK47 + 7 * 86400 + 3600 * i, ISSUE, "运河街道" if i < 8 else "",
                        "negative" if i % 2 else "neutral")); n += 1
    for i in range(2):
        rows.append(row(n, WEEK47 + 8 * 86400, "教育", "运河街道", "neutral")); n += 1
    return "\n".join(rows) + "\n"


def main():
    run_inside("chdb", f"chdb=={CHDB_VERSION}")
    from chdb import session  # noqa: E402 (inside the virtualenv)

    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="yuqing-chdb-") as path:
        s = session.Session(path)
        version = s.query("SELECT version()", "TabSeparated").bytes().decode().strip()
        s.query("CREATE DATABASE IF NOT EXISTS yuqing")
        s.query("USE yuqing")
        ddl = statements(yuqing(binary, "migrate", "--sql"))
        for sql in ddl:
            try:
                s.query(sql)
            except Exception as e:  # chdb raises its own error type
                failures.append(f"DDL failed on ClickHouse {version}:\n{sql}\n{e}")
        if failures:
            sys.exit("\n\n".join(failures))
        data = dataset()
        for _ in range(2):  # a replay inserts every row again
            s.query("INSERT INTO documents FORMAT JSONEachRow\n" + data)

        week48 = ["--since", "2026-11-23", "--until", "2026-11-30", "--exact"]
        cases = [
            (["query", "count"], [["17"]]),
            (["query", "summary"], None),
            (["query", "trend", "--issue", ISSUE, "--by", "week", *week48], [["2026-11-23", "10", "5", "0.5"]]),
            (["query", "trend", "--issue", ISSUE, "--place", "运河街道", "--by", "day", *week48], [["2026-11-23", "8", "4", "0.5"]]),
            (["query", "trend", "--by", "hour", "--split", "place", *week48], None),
            (["query", "trend", "--by", "month", "--split", "issue", "--since", "2026-11-16", "--until", "2026-11-30"],
             [["2026-11-01", ISSUE, "14", "7", "0.5"], ["2026-11-01", "教育", "3", "0", "0"]]),
            (["query", "trend", "--site", "news", "--intent", "news", "--category", "x", "--sentiment", "negative",
              "--tz", "UTC", "--since", "90d", "--exact"], []),
            (["query", "top-issues", "--week", "2026-W48"],
             [[ISSUE, "10", "4", "6", "2.2", "0.5"], ["教育", "2", "1", "1", "1.5", "0"]]),
            (["query", "top-issues", "--week", "2026-W48", "--place", "运河街道", "--exact"], None),
            (["query", "keywords", "--since", "2026-11-01", "--until", "2026-12-01", "--limit", "1"], [["加装电梯", "17"]]),
            (["query", "keywords", "--emerging", "--until", "2026-11-29", "--recent", "7", "--baseline", "7"], None),
            (["query", "stories", "--since", "2026-11-01", "--order", "size"], None),
            (["query", "stories", "--since", "2026-11-01", "--until", "2026-12-01", "--order", "spread",
              "--issue", ISSUE, "--place", "运河街道", "--exact"], None),
            (["query", "docs", "--issue", ISSUE, "--sentiment", "negative", "--limit", "100", *week48], 5),
        ]
        for args, expected in cases:
            sql = statements(yuqing(binary, *args, "--sql"))[0]
            try:
                got = s.query(sql, "TabSeparated").bytes().decode()
            except Exception as e:
                failures.append(f"query failed on ClickHouse {version}: yuqing {' '.join(args)}\n{sql}\n{e}")
                continue
            rows = [line.split("\t") for line in got.splitlines()]
            if isinstance(expected, int):
                ok = len(rows) == expected
            elif expected is not None:
                ok = [r[:len(expected[0])] for r in rows] == expected if expected else rows == []
            else:
                ok = True
            if not ok:
                failures.append(f"yuqing {' '.join(args)}: expected {expected}, got {rows}\n{sql}")
        # The weekly report's statements (`yuqing report weekly --sql`): each must run; the figures
        # themselves are checked on 18.16 by tests/integration/report_test.cc.
        report_sql = statements(yuqing(binary, "report", "weekly", "--week", "2026-W48", "--sql"))
        for sql in report_sql:
            try:
                s.query(sql, "TabSeparated")
            except Exception as e:
                failures.append(f"report query failed on ClickHouse {version}:\n{sql}\n{e}")
        print(f"chDB {version}: {len(ddl)} schema statements, {len(cases)} queries and {len(report_sql)} report statements checked")
    if failures:
        sys.exit("FAIL:\n" + "\n\n".join(failures))
    print("ok")


if __name__ == "__main__":
    main()
