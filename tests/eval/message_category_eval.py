#!/usr/bin/env python3
"""Level-1 category of `yuqing analyze` on real citizen messages the category model never saw.

Data: ../shared/data/topics/gov_messages/messages_raw.csv (`level1,text`: 2,575 messages to a city's
message board, subject and body joined; 7 of the 15 level-1 classes). The split is the one
`yuqing train category` uses (processors/training/train.h):
  test        the messages whose text hashes (FNV-1a 32) to 0 mod 5 — never trained on, and neither
              is any row of messages_segmented.csv that copies one of them;
  validation  the other messages whose "validation:" + text hashes to 0 mod 5 (--validation): for
              choosing settings with a model from `yuqing train category --validate` (and --configs
              pointing at a taxonomy.yaml that names it), never the test split.
Each message is tagged as a `message` document. A prediction of any other level-1 (one of the 8 the
data lacks, or none: level1 "") is a miss for its class; per-class precision counts only
predictions of the 7 classes. Macro-F1 is the unweighted mean of the 7 per-class F1.

usage: tests/eval/message_category_eval.py [--bin build/bin/yuqing] [--data ../shared/data]
                                           [--validation] [--configs DIR] [--errors N]
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys


def fnv1a(s: str) -> int:
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def load(data, validation=False):
    rows = []
    with open(os.path.join(data, "topics/gov_messages/messages_raw.csv"), encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for level1, text in reader:
            test = fnv1a(text) % 5 == 0
            if (not test and fnv1a("validation:" + text) % 5 == 0) if validation else test:
                rows.append((level1, text))
    return rows


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--data", default=os.environ.get("YUQING_SHARED_DATA", os.path.join(root, "../shared/data")))
    ap.add_argument("--validation", action="store_true", help="score the validation slice, not the test split")
    ap.add_argument("--configs", help="rules folder passed to `yuqing analyze --configs`")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses per class (use on the validation slice)")
    args = ap.parse_args()
    rows = load(args.data, args.validation)
    inp = "".join(json.dumps({"id": str(i), "kind": "message", "text": t}, ensure_ascii=False) + "\n"
                  for i, (_, t) in enumerate(rows))
    command = [args.bin, "analyze"] + (["--configs", args.configs] if args.configs else [])
    out = subprocess.run(command, input=inp.encode(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True, cwd=root).stdout
    results = [json.loads(line)["category"] for line in out.decode().splitlines()]
    assert len(results) == len(rows), (len(results), len(rows))
    gold = [g for g, _ in rows]
    pred = [r["level1"] for r in results]
    classes = sorted(set(gold))
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fn[g] += 1
            if p in classes:
                fp[p] += 1
    print(f"{'validation slice' if args.validation else 'test split'}: {len(rows)} messages")
    print(f"  {'level-1':16} {'n':>5} {'P':>6} {'R':>6} {'F1':>6}")
    f1s = []
    for c in classes:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"  {c:16} {tp[c] + fn[c]:5d} {p:6.3f} {r:6.3f} {f1:6.3f}")
    others = collections.Counter(p or "(none)" for p in pred if p not in classes)
    print(f"  predicted outside the 7 classes: {sum(others.values())} ({', '.join(f'{k} {v}' for k, v in others.most_common())})")
    print(f"  macro-F1 {sum(f1s) / len(f1s):.4f}   accuracy {sum(tp.values()) / len(gold):.4f}")
    if args.errors:
        shown = collections.Counter()
        for (g, t), p in zip(rows, pred):
            if g != p and shown[g] < args.errors:
                shown[g] += 1
                print(f"    miss {g} -> {p or '(none)'}: {t[:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
