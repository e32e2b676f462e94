#!/usr/bin/env python3
"""How the stored tags agree with the sandbox's truth, after `scripts/demo.sh` (or `yuqing demo`).

The sandbox writes, for every document it serves, the category, sentiment, intent, issue and place it meant
(`yuqing sandbox --truth`); the demo crawls it, tags the documents and stores them in ClickHouse.
This joins the two by document id (`yuqing query docs`) and prints, per field, the share of
documents where the stored tag agrees, split by document kind, plus the sentiment confusion matrix.
It is a yardstick, not ground truth: the sandbox's texts come from the project's own templates.

With --offline it needs no demo: `yuqing sandbox --documents` writes the documents as the crawl
delivers them (same ids, kinds, titles, contexts; whitespace may differ from an extracted page) and
`yuqing analyze` tags them — the `process` code path without Kafka or ClickHouse.

usage: tests/eval/sandbox_tags_eval.py [--bin build/bin/yuqing] [--config FILE] [--offline]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--config", help="passed to yuqing --config (default: the project's)")
    ap.add_argument("--offline", action="store_true",
                    help="tag the sandbox's documents with `yuqing analyze` instead of reading a demo's stored tags")
    args = ap.parse_args()
    base = [args.bin] + (["--config", args.config] if args.config else [])

    with tempfile.TemporaryDirectory() as tmp:
        truth_file = os.path.join(tmp, "truth.jsonl")
        docs_file = os.path.join(tmp, "documents.jsonl")
        subprocess.run(base + ["sandbox", "--truth", truth_file, "--no-serve"] +
                       (["--documents", docs_file] if args.offline else []), check=True, cwd=root,
                       stderr=subprocess.DEVNULL)
        with open(truth_file, encoding="utf-8") as f:
            truth = {d["id"]: d for d in map(json.loads, f)}
        if args.offline:
            with open(docs_file, "rb") as f:
                out = subprocess.run(base + ["analyze"], stdin=f, check=True, cwd=root, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL).stdout
            rows = []
            for line in out.decode().splitlines():
                t = json.loads(line)
                rows.append({"id": t["id"], "category": t["category"]["level1"], "sentiment": t["sentiment"]["label"],
                             "intent": t["intent"], "issues": [i["name"] for i in t["issues"]], "places": t["places"]})
    if not args.offline:
        out = subprocess.run(base + ["query", "docs", "--since", "2000-01-01", "--limit", "10000",
                                     "--format", "json"], check=True, cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
        rows = json.loads(out)
        if len(rows) == 10000:
            print("warning: `query docs` returned its maximum of 10,000 rows; some documents may be missing",
                  file=sys.stderr)
    stored = {d["id"]: d for d in rows}
    ids = [i for i in truth if i in stored]
    print(f"{len(ids)} of {len(truth)} sandbox documents are stored")
    if not ids:
        print("run scripts/demo.sh first", file=sys.stderr)
        return 1

    checks = {
        "category": lambda t, s: t["category"] == s["category"],
        "sentiment": lambda t, s: t["sentiment"] == s["sentiment"],
        "intent": lambda t, s: t["intent"] == s["intent"],
        "issue": lambda t, s: (t["issue"] in s["issues"]) if t["issue"] else not s["issues"],
        "place": lambda t, s: (t["place"] in s["places"]) if t["place"] else True,
    }
    kinds = sorted({truth[i]["kind"] for i in ids})
    print(f"{'field':10} {'all':>6} " + " ".join(f"{k:>8}" for k in kinds))
    for field, agrees in checks.items():
        by_kind = collections.defaultdict(lambda: [0, 0])
        for i in ids:
            cell = by_kind[truth[i]["kind"]]
            cell[0] += agrees(truth[i], stored[i])
            cell[1] += 1
        total = sum(c[0] for c in by_kind.values()) / len(ids)
        print(f"{field:10} {total:6.3f} " + " ".join(f"{by_kind[k][0] / by_kind[k][1]:8.3f}" for k in kinds))

    labels = ["negative", "neutral", "positive"]
    confusion = collections.Counter((truth[i]["sentiment"], stored[i]["sentiment"]) for i in ids)
    print("\nsentiment: truth (rows) x stored (columns)")
    print(f"{'':10}" + "".join(f"{l:>10}" for l in labels))
    for t in labels:
        print(f"{t:10}" + "".join(f"{confusion[(t, s)]:10d}" for s in labels))

    print("\nsentiment by kind: truth -> stored (negative / neutral / positive)")
    for k in kinds:
        of_kind = [i for i in ids if truth[i]["kind"] == k]
        t = collections.Counter(truth[i]["sentiment"] for i in of_kind)
        s = collections.Counter(stored[i]["sentiment"] for i in of_kind)
        print(f"{k:8} n={len(of_kind):5d}  truth {' / '.join(str(t[l]) for l in labels):>16}  "
              f"stored {' / '.join(str(s[l]) for l in labels):>16}  stored neutral share {s['neutral'] / len(of_kind):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
