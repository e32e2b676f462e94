#!/usr/bin/env python3
"""Sentiment accuracy of `yuqing analyze` on held-out data the model never saw.

Sets (same slicing as processors/train.cc):
  weibo2018-heldout     weibo2018 train rows whose id hashes (FNV-1a 32) to 0 mod 10
  chnsenticorp-dev      ChnSentiCorp dev
  weibo_senti_100k-dev  weibo_senti_100k dev
The data sets are binary, so a document counts as predicted positive when its score > 0 (the label
"neutral" only widens the band around 0). Prints accuracy and negative-class F1 per set.

usage: tests/eval/sentiment_eval.py [--bin build/bin/yuqing] [--data ../shared/data]
"""
import argparse
import json
import os
import subprocess
import sys


def fnv1a(s: str) -> int:
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def load(data):
    sets = {"weibo2018-heldout": [], "chnsenticorp-dev": [], "weibo_senti_100k-dev": []}
    with open(os.path.join(data, "sentiment/weibo2018/train.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(",", 2)
            if len(parts) == 3 and parts[1] in ("0", "1") and fnv1a(parts[0]) % 10 == 0:
                sets["weibo2018-heldout"].append((int(parts[1]), parts[2]))
    with open(os.path.join(data, "sentiment/chnsenticorp/dev.tsv"), encoding="utf-8") as f:
        for line in f:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if label in ("positive", "negative"):
                sets["chnsenticorp-dev"].append((int(label == "positive"), text))
    with open(os.path.join(data, "sentiment/weibo_senti_100k/dev.tsv"), encoding="utf-8") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            if label in ("0", "1"):
                sets["weibo_senti_100k-dev"].append((int(label), text))
    return sets


def figures(gold, pred):
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / n
    tp = sum(g == 0 and p == 0 for g, p in zip(gold, pred))
    fp = sum(g == 1 and p == 0 for g, p in zip(gold, pred))
    fn = sum(g == 0 and p == 1 for g, p in zip(gold, pred))
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return n, acc, f1


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--data", default=os.environ.get("YUQING_SHARED_DATA", os.path.join(root, "../shared/data")))
    args = ap.parse_args()
    print(f"{'set':22} {'n':>6} {'accuracy':>9} {'neg-F1':>7}")
    for name, rows in load(args.data).items():
        inp = "".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n" for i, (_, t) in enumerate(rows))
        out = subprocess.run([args.bin, "analyze"], input=inp.encode(), stdout=subprocess.PIPE, check=True, cwd=root).stdout
        results = [json.loads(l) for l in out.decode().splitlines()]
        assert len(results) == len(rows), (len(results), len(rows))
        pred = [int(r["sentiment"]["score"] > 0) for r in results]
        n, acc, f1 = figures([g for g, _ in rows], pred)
        print(f"{name:22} {n:6d} {acc:9.4f} {f1:7.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
