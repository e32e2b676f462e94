#!/usr/bin/env python3
"""Speed of `yuqing analyze` side by side with Python peers that do less, on the same input.

Input: weibo_senti_100k dev + ChnSentiCorp dev (13,199 documents) as JSON lines {"id", "text"},
written to a scratch file outside the repo. Each contender reads it on stdin and writes one JSON line
per document to /dev/null, pinned to one core (`taskset -c CORE`) and measured as a whole process
by `/usr/bin/time -v` (user + sys CPU seconds, wall seconds, peak RSS). Start-up (loading
dictionaries and models) is measured by the same command on an empty input and reported apart.

Contenders:
  yuqing          normalise, segment, stories, places, category, issues, sentiment (n-gram model +
                  lexicon rules), intent, keywords — everything `yuqing process` does per document
  jieba           jieba.cut alone (Debian's python3-jieba under /usr/bin/python3 when installed, else
                  the venv's): segmentation only, the floor of any Python pipeline
  jieba+lexicon   jieba.lcut (default mode, HMM on) + a polarity lexicon sentiment (DUTIR affective
                  ontology, negators from the shared 否定词典, sign flipped within 3 tokens)
  snownlp         SnowNLP(text).sentiments (its own segmenter + naive Bayes); only the first
                  --snownlp-docs documents, it is slow

Peers run from a venv (default ~/.cache/yuqing/bench-venv, created with `python3 -m venv` and
`pip install jieba snownlp` when missing). docs/s = documents / CPU seconds of the whole process;
"steady" subtracts the start-up run's CPU seconds. MB/s counts the UTF-8 bytes of the texts.

usage: tests/bench/analyze_bench.py [--bin build/bin/yuqing] [--core 1] [--snownlp-docs 2000]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

PEER = r'''
import json, sys, time
mode = sys.argv[1]
if mode == "jieba-cut":
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    for line in sys.stdin:
        doc = json.loads(line)
        sys.stdout.write(json.dumps({"id": doc["id"], "tokens": list(jieba.cut(doc["text"]))}, ensure_ascii=False) + "\n")
elif mode == "jieba":
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    lexicon = {}
    with open(sys.argv[2], encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split(",")
            if len(cols) > 6 and cols[6] in ("1", "2"):
                lexicon[cols[0]] = (1 if cols[6] == "1" else -1) * int(cols[5] or 1)
    with open(sys.argv[3], encoding="utf-8") as f:
        negators = {l.strip() for l in f if l.strip()}
    for line in sys.stdin:
        doc = json.loads(line)
        words = jieba.lcut(doc["text"])
        score, flip = 0, -10
        for i, w in enumerate(words):
            if w in negators:
                flip = i
            elif w in lexicon:
                score += lexicon[w] * (-1 if i - flip <= 3 else 1)
        label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
        sys.stdout.write(json.dumps({"id": doc["id"], "tokens": words, "sentiment": {"label": label, "score": score}},
                                    ensure_ascii=False) + "\n")
else:
    from snownlp import SnowNLP
    SnowNLP("预热").sentiments  # loads the models, as jieba.initialize() does
    for line in sys.stdin:
        doc = json.loads(line)
        s = SnowNLP(doc["text"])
        sys.stdout.write(json.dumps({"id": doc["id"], "tokens": s.words, "sentiment": {"score": s.sentiments}},
                                    ensure_ascii=False) + "\n")
'''


def ensure_venv(venv):
    python = os.path.join(venv, "bin/python")
    if not os.path.exists(python):
        subprocess.run(["python3", "-m", "venv", venv], check=True)
    if subprocess.run([python, "-c", "import jieba, snownlp"], capture_output=True).returncode:
        subprocess.run([python, "-m", "pip", "install", "-q", "jieba", "snownlp"], check=True)
    return python


def documents(data):
    docs = []
    with open(os.path.join(data, "sentiment/weibo_senti_100k/dev.tsv"), encoding="utf-8") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            if label in ("0", "1") and text:
                docs.append(text)
    with open(os.path.join(data, "sentiment/chnsenticorp/dev.tsv"), encoding="utf-8") as f:
        for line in f:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if label in ("positive", "negative") and text:
                docs.append(text)
    return docs


def measure(cmd, input_path, core, cwd):
    """Runs cmd pinned to `core` under /usr/bin/time -v; returns (cpu s, wall s, peak RSS MB)."""
    with open(input_path, "rb") as inp:
        r = subprocess.run(["taskset", "-c", str(core), "/usr/bin/time", "-v"] + cmd, stdin=inp,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    err = r.stderr.decode(errors="replace")
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{err[-2000:]}")

    def field(name):
        return re.search(re.escape(name) + r":\s*(\S+)", err).group(1)

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall_s = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return cpu, wall_s, int(field("Maximum resident set size (kbytes)")) / 1024


def write_jsonl(path, texts):
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--data", default=os.environ.get("YUQING_SHARED_DATA", os.path.join(root, "../shared/data")))
    ap.add_argument("--venv", default=os.path.expanduser("~/.cache/yuqing/bench-venv"))
    ap.add_argument("--config", help="pipeline.yaml for yuqing (default: its own search)")
    ap.add_argument("--core", type=int, default=1)
    ap.add_argument("--snownlp-docs", type=int, default=2000, help="0 skips SnowNLP")
    args = ap.parse_args()

    python = ensure_venv(args.venv)
    texts = documents(args.data)
    lexicon = os.path.join(args.data, "lexicons/dutir_affective_lexicon_ontology.csv")
    negators = os.path.join(args.data, "lexicons/否定词典/否定.txt")
    with tempfile.TemporaryDirectory(prefix="analyze-bench-") as tmp:
        peer = os.path.join(tmp, "peer.py")
        with open(peer, "w", encoding="utf-8") as f:
            f.write(PEER)
        full, few, empty = (os.path.join(tmp, n) for n in ("all.jsonl", "few.jsonl", "empty.jsonl"))
        write_jsonl(full, texts)
        write_jsonl(few, texts[:args.snownlp_docs])
        write_jsonl(empty, [])
        debian = subprocess.run(["/usr/bin/python3", "-c", "import jieba"], capture_output=True).returncode == 0
        contenders = [("yuqing", [args.bin] + (["--config", args.config] if args.config else []) + ["analyze"], full, len(texts)),
                      ("jieba", ["/usr/bin/python3" if debian else python, peer, "jieba-cut"], full, len(texts)),
                      ("jieba+lexicon", [python, peer, "jieba", lexicon, negators], full, len(texts))]
        if args.snownlp_docs:
            contenders.append(("snownlp", [python, peer, "snownlp"], few, min(args.snownlp_docs, len(texts))))
        load = os.getloadavg()
        print(f"core {args.core}; load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"{'contender':14} {'docs':>6} {'MB':>5} {'CPU s':>7} {'wall s':>7} {'start s':>7} {'docs/s':>8} "
              f"{'steady':>8} {'MB/s':>6} {'RSS MB':>7}")
        rates = {}
        for name, cmd, path, n in contenders:
            mb = sum(len(t.encode()) for t in texts[:n]) / 1e6
            start_cpu, _, _ = measure(cmd, empty, args.core, root)
            cpu, wall, rss = measure(cmd, path, args.core, root)
            rates[name] = n / cpu
            steady = n / max(cpu - start_cpu, 1e-9)
            print(f"{name:14} {n:6d} {mb:5.2f} {cpu:7.2f} {wall:7.2f} {start_cpu:7.2f} {n / cpu:8.0f} {steady:8.0f} "
                  f"{mb / cpu:6.2f} {rss:7.0f}")
        load = os.getloadavg()
        print(f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for name in rates:
            if name != "yuqing":
                print(f"yuqing / {name}: {rates['yuqing'] / rates[name]:.1f}x docs/s (whole process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
