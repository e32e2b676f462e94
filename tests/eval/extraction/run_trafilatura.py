#!/usr/bin/env python3
"""Runs trafilatura on pages for evaluate.py, in the Python that has trafilatura installed.

Reads a JSON list of [key, path, url] on stdin (path may be .gz) and writes one JSON object
{key: {"text": body or "", "date": "YYYY-MM-DD" or null}} to stdout. The body is
trafilatura.extract(html, include_comments=False), exactly as the scrapinghub benchmark's own
extractors/run_trafilatura.py calls it; the date comes from the same call's metadata.
"""
import gzip
import json
import sys
from importlib.metadata import version

import trafilatura


def read(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def main():
    out = {"version": version("trafilatura"), "output": {}}
    for key, path, _url in json.load(sys.stdin):
        raw = read(path)
        if path.endswith(".gz"):
            raw = raw.decode("utf8")  # the benchmark reads its pages as UTF-8 text
        meta = trafilatura.extract(raw, include_comments=False, output_format="json", with_metadata=True)
        data = json.loads(meta) if meta else {}
        out["output"][key] = {"text": data.get("text") or "", "date": data.get("date")}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
