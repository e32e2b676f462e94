#!/usr/bin/env python3
"""Sentiment accuracy of `yuqing analyze` on held-out data the model never saw.

Held-out sets (same slicing as processors/train.h; the committed model never saw them):
  weibo2018-heldout         weibo2018 train rows whose id hashes (FNV-1a 32) to 0 mod 10
  chnsenticorp-dev          ChnSentiCorp dev
  weibo_senti_100k-heldout  weibo_senti_100k rows whose text hashes to 0 mod 10 (only its dev split
                            is shipped: the model trains on the other 90% of it)
With --validation it scores the validation slices instead (training-pool rows whose
"validation:" + text hashes to 0 mod 10, minus copies of held-out texts): use them with a model from
`yuqing train sentiment --validate` (and --configs pointing at a cues.yaml that names it) to choose
hyper-parameters and the model/lexicon mix without looking at the held-out sets.
The data sets are binary, so a document counts as predicted positive when its score > 0 (the label
"neutral" only widens the band around 0). Prints accuracy and negative-class F1 per set.

usage: tests/eval/sentiment_eval.py [--bin build/bin/yuqing] [--data ../shared/data]
                                    [--validation] [--configs DIR]
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


def dedup_key(text):
    return "".join(c for c in text if c not in " \t\r\n\v\f\u3000")


def load(data, validation=False):
    heldout = {"weibo2018-heldout": [], "chnsenticorp-dev": [], "weibo_senti_100k-heldout": []}
    pool = []  # (corpus, label, text)
    with open(os.path.join(data, "sentiment/weibo2018/train.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(",", 2)
            if len(parts) == 3 and parts[1] in ("0", "1"):
                row = (int(parts[1]), parts[2])
                if fnv1a(parts[0]) % 10 == 0:
                    heldout["weibo2018-heldout"].append(row)
                else:
                    pool.append(("weibo2018",) + row)
    for name, target in (("train", pool), ("dev", heldout["chnsenticorp-dev"])):
        with open(os.path.join(data, f"sentiment/chnsenticorp/{name}.tsv"), encoding="utf-8") as f:
            for line in f:
                text, _, label = line.rstrip("\n").rpartition("\t")
                if label in ("positive", "negative"):
                    row = (int(label == "positive"), text)
                    target.append(("chnsenticorp",) + row if target is pool else row)
    with open(os.path.join(data, "sentiment/weibo_senti_100k/dev.tsv"), encoding="utf-8") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            if label in ("0", "1"):
                if fnv1a(text) % 10 == 0:
                    heldout["weibo_senti_100k-heldout"].append((int(label), text))
                else:
                    pool.append(("weibo_senti_100k", int(label), text))
    if not validation:
        return heldout
    with open(os.path.join(data, "sentiment/online_shopping/online_shopping_10_cats.csv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(",", 2)
            if len(parts) == 3 and parts[1] in ("0", "1") and parts[2]:
                pool.append(("online_shopping", int(parts[1]), parts[2]))
    seen = {dedup_key(t) for rows in heldout.values() for _, t in rows}
    sets = {}
    for corpus, label, text in pool:
        if dedup_key(text) not in seen and fnv1a("validation:" + text) % 10 == 0:
            sets.setdefault(corpus + "-validation", []).append((label, text))
    return dict(sorted(sets.items()))


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
    ap.add_argument("--validation", action="store_true", help="score the validation slices, not the held-out sets")
    ap.add_argument("--configs", help="rules folder passed to `yuqing analyze --configs`")
    args = ap.parse_args()
    command = [args.bin, "analyze"] + (["--configs", args.configs] if args.configs else [])
    print(f"{'set':26} {'n':>6} {'accuracy':>9} {'neg-F1':>7}")
    for name, rows in load(args.data, args.validation).items():
        inp = "".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n" for i, (_, t) in enumerate(rows))
        out = subprocess.run(command, input=inp.encode(), stdout=subprocess.PIPE, check=True, cwd=root).stdout
        results = [json.loads(l) for l in out.decode().splitlines()]
        assert len(results) == len(rows), (len(results), len(rows))
        pred = [int(r["sentiment"]["score"] > 0) for r in results]
        n, acc, f1 = figures([g for g, _ in rows], pred)
        print(f"{name:26} {n:6d} {acc:9.4f} {f1:7.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
