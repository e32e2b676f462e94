#!/usr/bin/env python3
"""Category macro-F1 of `yuqing analyze` on news headlines mapped to the level-1 government classes.

The category tagger (processors/category.h, configs/taxonomy.yaml) assigns one of the 15 level-1
classes of the standard government-message classification. No public labelled set of citizen
messages in that scheme is at hand, so this script borrows two public headline sets and keeps only
the classes whose meaning carries over to a level-1 class without doubt (MAPPING below). Every other
class is left out, documents and all: sports, culture, entertainment, games, military, world news,
cars, stories, society and politics either have no government counterpart or straddle several
(sports and culture are 教育文体 level-2s in name, but Toutiao's match reports and celebrity news
are not what the taxonomy means by them).

Scoring: only documents of a mapped class are tagged. A document counts as right when the predicted
level-1 equals its mapped class; any other prediction (including no class, level1 "", for a headline
without evidence of any class) is a miss for its class and a false positive for the predicted one
when that is one of the mapped classes. Per-class P/R/F1 over the mapped level-1 classes, and
macro-F1 as their unweighted mean. Headlines are short (median 23 characters in TNEWS dev, 19 in
THUCNews test): few terms per document, so recall is the hard part.

Splits: report on TNEWS dev and THUCNews test; the taxonomy terms were written looking only at TNEWS
train and THUCNews dev (`--sets tnews-train,thucnews-dev` prints the same figures on those).

usage: tests/eval/category_eval.py [--bin build/bin/yuqing] [--data ../shared/data]
                                   [--sets tnews-dev,thucnews-test] [--configs DIR] [--errors N]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

# Source class -> level-1 class. Only classes that map cleanly (see the module docstring).
MAPPING = {
    "tnews": {
        "news_house": "城乡建设",         # housing market, property, urban construction
        "news_edu": "教育文体",           # schools, exams, teachers
        "news_agriculture": "农村农业",   # farming, rural areas, farmers' incomes
        "news_travel": "商贸旅游",        # tourism (level-2 旅游管理)
        "news_tech": "科技与信息产业",    # internet, phones, telecom, science and technology
        "news_finance": "经济管理",       # economy, banking, tax (level-2 金融财税)
        "news_stock": "经济管理",         # stock market (level-2 保险证券期货)
    },
    "thucnews": {
        "realty": "城乡建设",
        "education": "教育文体",
        "science": "科技与信息产业",
        "finance": "经济管理",
        "stocks": "经济管理",
    },
}

THUCNEWS_CLASSES = ["finance", "realty", "stocks", "education", "science", "society", "politics", "sports", "game",
                    "entertainment"]  # class.txt order: the files give the index


def load(data, name):
    corpus, split = name.split("-")
    rows = []
    if corpus == "tnews":
        path = os.path.join(data, "topics/tnews", f"{split}.tsv")
        with open(path, encoding="utf-8") as f:
            for line in f:
                text, _, label = line.rstrip("\n").rpartition("\t")
                if label in MAPPING["tnews"]:
                    rows.append((MAPPING["tnews"][label], text))
    elif corpus == "thucnews":
        path = os.path.join(data, "topics/thucnews_titles", f"{split}.txt")
        with open(os.path.join(data, "topics/thucnews_titles/class.txt"), encoding="utf-8") as f:
            assert [l.strip() for l in f if l.strip()] == THUCNEWS_CLASSES
        with open(path, encoding="utf-8") as f:
            for line in f:
                text, _, index = line.rstrip("\n").rpartition("\t")
                label = THUCNEWS_CLASSES[int(index)]
                if label in MAPPING["thucnews"]:
                    rows.append((MAPPING["thucnews"][label], text))
    else:
        raise SystemExit(f"unknown set {name}")
    return rows


def analyze(binary, root, texts, configs=None):
    inp = "".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    out = subprocess.run([binary, "analyze"] + (["--configs", configs] if configs else []), input=inp.encode(), stdout=subprocess.PIPE, check=True, cwd=root).stdout
    results = [json.loads(l) for l in out.decode().splitlines()]
    assert len(results) == len(texts), (len(results), len(texts))
    return [r["category"]["level1"] for r in results]


def report(name, gold, pred):
    classes = sorted(set(gold))
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fn[g] += 1
            if p in classes:
                fp[p] += 1
    print(f"\n{name}: {len(gold)} documents of mapped classes")
    print(f"  {'level-1':16} {'n':>5} {'P':>6} {'R':>6} {'F1':>6}")
    f1s = []
    for c in classes:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"  {c:16} {tp[c] + fn[c]:5d} {p:6.3f} {r:6.3f} {f1:6.3f}")
    confusions = collections.Counter((g, p) for g, p in zip(gold, pred) if g != p)
    for c in classes:
        top = [f"{p} {k}" for (g, p), k in confusions.most_common() if g == c][:3]
        print(f"  {c} mostly missed as: {', '.join(top)}")
    accuracy = sum(tp.values()) / len(gold)
    macro = sum(f1s) / len(f1s)
    print(f"  macro-F1 {macro:.3f}   accuracy {accuracy:.3f}")
    return macro


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--data", default=os.environ.get("YUQING_SHARED_DATA", os.path.join(root, "../shared/data")))
    ap.add_argument("--sets", default="tnews-dev,thucnews-test")
    ap.add_argument("--configs", help="rules folder for `yuqing analyze --configs` (default: the config's)")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses per class (use on the tuning sets)")
    args = ap.parse_args()
    print("mapping:")
    for corpus, m in MAPPING.items():
        print(f"  {corpus}: " + ", ".join(f"{k}->{v}" for k, v in m.items()))
    for name in args.sets.split(","):
        rows = load(args.data, name)
        pred = analyze(args.bin, root, [t for _, t in rows], args.configs)
        gold = [g for g, _ in rows]
        report(name, gold, pred)
        if args.errors:
            shown = collections.Counter()
            for (g, t), p in zip(rows, pred):
                if g != p and shown[g] < args.errors:
                    shown[g] += 1
                    print(f"    miss {g} -> {p}: {t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
