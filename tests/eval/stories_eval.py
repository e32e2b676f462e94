#!/usr/bin/env python3
"""How well stories group copies, against the sandbox truth's `duplicate_of`.

`yuqing sandbox --documents` writes the sandbox's documents as a crawl delivers them and
`yuqing analyze` tags them in publish order — the `process` code path (one story index, as one
processor) without Kafka. Each document's story id is compared with the truth: two documents are
copies when they share a `duplicate_of` root (a document without one is its own root).

Pair counting over all documents:
  precision = pairs in one story that are copies / all pairs in one story
  recall    = pairs in one story that are copies / all pairs of copies
and the issue's two counts: reposts that share a story with their original, and stories of more
than one document that hold anything but copies of one document.

With --stories FILE it scores a given assignment instead of running analyze (JSON lines
{"id", "story"}; e.g. read back from the enriched topic after a run with several processors).

usage: tests/eval/stories_eval.py [--bin build/bin/yuqing] [--config FILE] [--scenario YAML]
                                  [--seed N] [--tagger BIN [--tagger-config FILE]] [--stories FILE]
                                  [--show N] [--json]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile


def pairs(n):
    return n * (n - 1) // 2


def score(truth, story_of):
    """truth: id -> truth row (publish order); story_of: id -> story id. Returns a dict of figures."""
    def root(i):
        seen = set()
        while truth[i].get("duplicate_of") and truth[i]["duplicate_of"] in truth and i not in seen:
            seen.add(i)
            i = truth[i]["duplicate_of"]
        return i

    roots = {i: root(i) for i in truth}
    ids = [i for i in truth if i in story_of]
    by_story = collections.defaultdict(list)
    by_root = collections.defaultdict(list)
    by_both = collections.Counter()
    for i in ids:
        by_story[story_of[i]].append(i)
        by_root[roots[i]].append(i)
        by_both[(story_of[i], roots[i])] += 1
    same_story = sum(pairs(len(v)) for v in by_story.values())
    same_root = sum(pairs(len(v)) for v in by_root.values())
    both = sum(pairs(n) for n in by_both.values())
    reposts = [i for i in ids if truth[i].get("duplicate_of") in story_of]
    joined = [i for i in reposts if story_of[i] == story_of[truth[i]["duplicate_of"]]]
    multi = [v for v in by_story.values() if len(v) > 1]
    mixed = [v for v in multi if len({roots[i] for i in v}) > 1]
    return {
        "documents": len(ids),
        "stories": len(by_story),
        "pairs_same_story": same_story,
        "pairs_copies": same_root,
        "pairs_both": both,
        "precision": both / same_story if same_story else 1.0,
        "recall": both / same_root if same_root else 1.0,
        "reposts": len(reposts),
        "reposts_with_original": len(joined),
        "multi_document_stories": len(multi),
        "stories_not_copies": len(mixed),
        "_missed": [i for i in reposts if i not in set(joined)],
        "_mixed": mixed,
    }


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(root, "build/bin/yuqing"))
    ap.add_argument("--config", help="passed to yuqing --config (default: the project's)")
    ap.add_argument("--scenario", help="sandbox scenario YAML (default: sandbox.scenario of the config)")
    ap.add_argument("--seed", type=int, help="sandbox seed (default: sandbox.seed of the config)")
    ap.add_argument("--tagger", help="binary (and --tagger-config) that runs analyze, when not --bin: to tag one "
                    "generator's documents with another version's matcher")
    ap.add_argument("--tagger-config", help="yuqing --config for --tagger")
    ap.add_argument("--stories", help="score this assignment (JSON lines {id, story}) instead of running analyze")
    ap.add_argument("--show", type=int, default=0, help="print up to N missed reposts and N mixed stories")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    base = [args.bin] + (["--config", args.config] if args.config else [])
    gen = (["--scenario", args.scenario] if args.scenario else []) + (["--seed", str(args.seed)] if args.seed is not None else [])

    with tempfile.TemporaryDirectory() as tmp:
        truth_file = os.path.join(tmp, "truth.jsonl")
        docs_file = os.path.join(tmp, "documents.jsonl")
        subprocess.run(base + ["sandbox", "--truth", truth_file, "--documents", docs_file, "--no-serve"] + gen,
                       check=True, cwd=root, stderr=subprocess.DEVNULL)
        with open(truth_file, encoding="utf-8") as f:
            truth = {d["id"]: d for d in map(json.loads, f)}
        with open(docs_file, encoding="utf-8") as f:
            docs = {d["id"]: d for d in map(json.loads, f)}
        story_of = {}
        if args.stories:
            with open(args.stories, encoding="utf-8") as f:
                for row in map(json.loads, f):
                    story_of[row["id"]] = row["story"]
        else:
            with open(docs_file, "rb") as f:
                tagger = ([args.tagger] + (["--config", args.tagger_config] if args.tagger_config else [])) if args.tagger else base
                out = subprocess.run(tagger + ["analyze"], stdin=f, check=True, cwd=root, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL).stdout
            for line in out.decode().splitlines():
                t = json.loads(line)
                story_of[t["id"]] = t["story"]["id"]

    r = score(truth, story_of)
    if args.json:
        print(json.dumps({k: v for k, v in r.items() if not k.startswith("_")}))
    else:
        print(f"documents {r['documents']}, stories {r['stories']}")
        print(f"pairs: same story {r['pairs_same_story']}, copies {r['pairs_copies']}, both {r['pairs_both']}")
        print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}")
        print(f"reposts sharing their original's story: {r['reposts_with_original']} of {r['reposts']}")
        print(f"stories of more than one document holding non-copies: {r['stories_not_copies']} of {r['multi_document_stories']}")
    for i in r["_missed"][:args.show]:
        o = truth[i]["duplicate_of"]
        print(f"\nMISSED {truth[i]['site']}/{truth[i]['kind']} <- {truth[o]['site']}/{truth[o]['kind']}")
        print("  copy:    ", docs.get(i, {}).get("text", "")[:160].replace("\n", " | "))
        print("  original:", docs.get(o, {}).get("text", "")[:160].replace("\n", " | "))
    for v in sorted(r["_mixed"], key=len, reverse=True)[:args.show]:
        kinds = collections.Counter(truth[i]["kind"] for i in v)
        print(f"\nMIXED story of {len(v)} ({dict(kinds)}):")
        for i in v[:4]:
            print(f"  {truth[i]['site']}/{truth[i]['kind']}:", docs.get(i, {}).get("text", "")[:120].replace("\n", " | "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
