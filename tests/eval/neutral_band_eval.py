#!/usr/bin/env python3
"""How the neutral bands trade objective texts labelled neutral against polar texts kept polar.

No three-class data set is shipped, so two real proxies stand in: 3,000 THUCNews headlines
(news: mostly objective; the share labelled neutral should be high) and the held-out polar sets of
tests/eval/sentiment_eval.py (the share labelled with the right polarity should stay high). For
each candidate `neutral_band_without_cues` (the band for texts where no lexicon cue fired; texts
with a cue keep `neutral_band`, 0.2) it prints both shares, from one `yuqing analyze` run: labels
are recomputed from the scores and whether any non-model evidence fired. The binary accuracies of
sentiment_eval.py do not depend on the bands (they read the score's sign).

Then the analyzer's own labels, which also depend on the document kind: official kinds (government
replies, articles: configs/cues.yaml `official`) are polar only with an opinion cue. The headlines are
tagged as articles (what they are); the polar sets as what they are — Weibo posts as `post`,
ChnSentiCorp reviews as `comment` — and, for comparison, as `article` (`yuqing analyze`'s default).

usage: tests/eval/neutral_band_eval.py [--bin build/bin/yuqing] [--data ../shared/data]
"""
import argparse
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentiment_eval  # noqa: E402


def run(binary, texts, cwd, kind="article"):
    inp = "".join(json.dumps({"id": str(i), "kind": kind, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    out = subprocess.run([binary, "analyze"], input=inp.encode(), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, cwd=cwd, check=True).stdout.decode().splitlines()
    return [json.loads(line)["sentiment"] for line in out]


def analyze(binary, texts, cwd):
    # A cue is any evidence but the model's and courtesy formulas (which are left out of the score).
    return [(s["score"], any(not e.startswith(("model:", "courtesy:")) for e in s["evidence"]))
            for s in run(binary, texts, cwd)]


def label(score, has_cue, band_with_cue, band_without):
    band = band_with_cue if has_cue else band_without
    return 1 if score >= band else 0 if score <= -band else None


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--data", default=os.environ.get("YUQING_SHARED_DATA", os.path.join(root, "../shared/data")))
    args = ap.parse_args()
    with open(os.path.join(args.data, "topics/thucnews_titles/dev.txt"), encoding="utf-8") as f:
        headlines = [line.split("\t")[0] for line in f if line.strip()]
    random.Random(1).shuffle(headlines)
    news = analyze(args.bin, headlines[:3000], root)
    polar = {name: (analyze(args.bin, [t for _, t in rows], root), [g for g, _ in rows])
             for name, rows in sentiment_eval.load(args.data).items()}
    print("share of texts without any cue: THUCNews " +
          f"{sum(not c for _, c in news) / len(news):.3f}, " +
          ", ".join(f"{n} {sum(not c for _, c in r) / len(r):.3f}" for n, (r, _) in polar.items()))
    print(f"{'band without cues':>18} {'THUCNews neutral':>17} " + " ".join(f"{n + ' right':>28}" for n in polar))
    for band in (0.2, 0.3, 0.4, 0.5, 0.6):
        row = f"{band:>18.1f} {sum(label(s, c, 0.2, band) is None for s, c in news) / len(news):>17.3f} "
        for results, gold in polar.values():
            row += f"{sum(label(s, c, 0.2, band) == g for (s, c), g in zip(results, gold)) / len(gold):>28.3f} "
        print(row)

    print("\nthe analyzer's own labels:")
    news_labels = [s["label"] for s in run(args.bin, headlines[:3000], root, "article")]
    print(f"  3,000 THUCNews headlines as article: neutral {news_labels.count('neutral') / len(news_labels):.3f}")
    polar_kind = {"weibo2018-heldout": "post", "weibo_senti_100k-heldout": "post", "chnsenticorp-dev": "comment"}
    for name, rows in sentiment_eval.load(args.data).items():
        gold = [g for g, _ in rows]
        for kind in (polar_kind.get(name, "post"), "article"):
            labels = [s["label"] for s in run(args.bin, [t for _, t in rows], root, kind)]
            right = sum((l == "positive" and g == 1) or (l == "negative" and g == 0) for l, g in zip(labels, gold))
            print(f"  {name} as {kind}: right polarity {right / len(gold):.3f}, neutral {labels.count('neutral') / len(labels):.3f}")


if __name__ == "__main__":
    main()
