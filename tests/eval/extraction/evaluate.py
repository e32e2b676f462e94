#!/usr/bin/env python3
"""Extraction accuracy of `yuqing extract` on the shared benchmark pages.

1. scrapinghub/article-extraction-benchmark (181 mostly English pages): runs the binary on every
   html/*.html.gz, writes output/yuqing.json in the benchmark's format into a scratch directory
   next to a link to its ground-truth.json, and runs the benchmark's own evaluate.py there,
   unchanged (so nothing is written into the shared data).
2. Chinese pages:
   - mozilla/readability's Chinese cases (qq, gmw, youth, pixnet): gold body = the text of
     expected.html; per-character F1 of the body.
   - GeneralNewsExtractor's 62 test pages: result.txt holds GNE's own output for 20 of them (a
     reference, not a gold standard); we report per-character F1 against it and whether our
     publish date (the day, China time) equals GNE's. For all 62 we report the share of pages
     where any publish time was found.
   Per-character F1: multiset overlap of non-space characters between our body and the reference.

Usage (from the repo root):
  python3 tests/eval/extraction/evaluate.py [--binary build/bin/yuqing] [--data ../shared/data]
      [--jobs 2] [--only scrapinghub|chinese] [--dump DIR]
The shared data directory defaults to $YUQING_SHARED_DATA, else <repo>/../shared/data.
"""
import argparse
import collections
import concurrent.futures
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
READABILITY_CHINESE = ["qq", "gmw", "youth", "pixnet"]


def run_extract(binary, path, url=""):
    cmd = [binary, "extract", str(path)]
    if url:
        cmd += ["--url", url]
    out = subprocess.run(cmd, capture_output=True, check=True, timeout=120)
    return json.loads(out.stdout)


def run_all(binary, jobs, items):
    """items: list of (key, path, url) -> {key: extraction}."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {key: pool.submit(run_extract, binary, path, url) for key, path, url in items}
        return {key: f.result() for key, f in futures.items()}


def scrapinghub(binary, data, jobs, dump):
    bench = data / "extraction" / "scrapinghub"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf8"))
    items = [(key, bench / "html" / f"{key}.html.gz", truth[key].get("url", "")) for key in truth]
    results = run_all(binary, jobs, items)
    with tempfile.TemporaryDirectory(prefix="yuqing-extract-eval-") as tmp:
        work = Path(tmp)
        (work / "ground-truth.json").symlink_to(bench / "ground-truth.json")
        (work / "output").mkdir()
        prediction = {"version": "yuqing", "output": {k: {"articleBody": r["text"]} for k, r in results.items()}}
        (work / "output" / "yuqing.json").write_text(json.dumps(prediction, ensure_ascii=False), encoding="utf8")
        if dump:
            Path(dump).mkdir(parents=True, exist_ok=True)
            (Path(dump) / "scrapinghub.json").write_text(json.dumps(prediction, ensure_ascii=False, indent=1), encoding="utf8")
        out = subprocess.run([sys.executable, str(bench / "evaluate.py"), "--output", str(work / "metrics.json")],
                             cwd=work, capture_output=True, text=True, check=True)
        print("scrapinghub benchmark (its evaluate.py, unchanged):")
        print(out.stdout.rstrip())
        metrics = json.loads((work / "metrics.json").read_text())["yuqing"]
    return metrics["f1"]


class TextOf(html.parser.HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
              "blockquote", "pre", "ul", "ol", "dd", "dt", "figcaption"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(markup):
    p = TextOf()
    p.feed(markup)
    return "".join(p.parts)


def char_f1(pred, gold):
    p = collections.Counter(c for c in pred if not c.isspace())
    g = collections.Counter(c for c in gold if not c.isspace())
    tp = sum((p & g).values())
    if not p or not g:
        return 1.0 if p == g else 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)


def gne_reference(path):
    """result.txt: '>>>...>>>tests/x/y.html>>>...' then a JSON object then '<<<...'."""
    text = path.read_text(encoding="utf8")
    refs = {}
    for m in re.finditer(r">{5,}(tests/[^>]+?)>{5,}\n(.*?)\n<{5,}", text, re.S):
        refs[m.group(1)] = json.loads(m.group(2))
    return refs


def reference_day(value):
    m = re.search(r"(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})", value or "")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def chinese(binary, data, jobs, dump):
    readability = data / "extraction" / "readability" / "test-pages"
    gne = data / "extraction" / "gne"
    items = [(f"readability/{name}", readability / name / "source.html", "") for name in READABILITY_CHINESE]
    gne_pages = sorted((gne / "tests").glob("*/*.html"))
    items += [(f"gne/{p.relative_to(gne)}", p, "") for p in gne_pages]
    results = run_all(binary, jobs, items)
    if dump:
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / "chinese.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf8")

    print("\nChinese pages, per-character F1 of the body:")
    f1s = []
    for name in READABILITY_CHINESE:
        gold = html_text((readability / name / "expected.html").read_text(encoding="utf8"))
        f1 = char_f1(results[f"readability/{name}"]["text"], gold)
        f1s.append(f1)
        print(f"  readability/{name:<20} {f1:.3f}")
    print(f"  mean over readability's Chinese cases (gold): {sum(f1s) / len(f1s):.3f}  (n={len(f1s)})")

    refs = gne_reference(gne / "result.txt")
    gf1s, dated, right_day, comparable = [], 0, 0, 0
    for rel, ref in sorted(refs.items()):
        r = results.get(f"gne/{rel}")
        if r is None:
            continue
        f1 = char_f1(r["text"], ref.get("content", ""))
        gf1s.append(f1)
        want = reference_day(ref.get("publish_time"))
        got = (r["published_at"] or "")[:10] or None
        if want:
            comparable += 1
            right_day += int(got == want)
        print(f"  gne/{rel:<28} F1 {f1:.3f}  date ours {got or '-':<10} GNE {ref.get('publish_time') or '-'}")
    print(f"  mean over the {len(gf1s)} GNE pages with GNE's own output as reference: {sum(gf1s) / len(gf1s):.3f}")
    print(f"  publish day equal to GNE's: {right_day}/{comparable} = {right_day / comparable:.3f}")
    for key, r in results.items():
        if key.startswith("gne/"):
            dated += int(r["published_at"] is not None)
    print(f"  GNE test pages with a publish time found: {dated}/{len(gne_pages)} = {dated / len(gne_pages):.3f}")
    return sum(f1s) / len(f1s)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(REPO / "build" / "bin" / "yuqing"))
    parser.add_argument("--data", default=os.environ.get("YUQING_SHARED_DATA", str(REPO.parent / "shared" / "data")))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=["scrapinghub", "chinese"])
    parser.add_argument("--dump", help="also write our raw outputs into this directory")
    args = parser.parse_args()
    data = Path(args.data).resolve()
    if args.only in (None, "scrapinghub"):
        scrapinghub(args.binary, data, args.jobs, args.dump)
    if args.only in (None, "chinese"):
        chinese(args.binary, data, args.jobs, args.dump)


if __name__ == "__main__":
    main()
