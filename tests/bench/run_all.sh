#!/usr/bin/env bash
# Every speed and memory figure of docs/BENCHMARKS.md from one run, each beside its peer in the same
# run: build time, analysis (vs jieba, jieba + lexicon, SnowNLP), extraction (vs trafilatura),
# crawl, sink (vs ClickHouse's Kafka engine and bare inserts), end-to-end latency, and the 10-million
# document trend queries, API and weekly report. Accuracy figures come from tests/eval/ (listed at
# the end); they do not depend on the machine's load.
#
#   tests/bench/run_all.sh [--quick]
#
# --quick leaves out the three 10-million-document runs (about 40 minutes of loading on 2 cores)
# and shortens the latency runs; about 17 minutes on an idle 2-core machine. Needs the services (scripts/services.sh start), ../shared/data for
# the corpora, and network access to PyPI the first time (the peers' venv). Output: one log per
# benchmark under var/bench/<time>/, and their tails on the terminal.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
out="var/bench/$(date -u +%Y%m%dT%H%M)"
mkdir -p "$out"
bash scripts/services.sh start >/dev/null

run() {  # name, command...
  local name=$1
  shift
  echo "== $name: $*"
  local t=$SECONDS
  if "$@" >"$out/$name.log" 2>&1; then
    tail -n 25 "$out/$name.log"
  else
    echo "!! $name failed (exit $?); see $out/$name.log"
    tail -n 10 "$out/$name.log"
  fi
  echo "   ($((SECONDS - t)) s)"
}

# Build time: a clean build of the binary in a scratch folder, ccache off, 2 jobs (the 2-core
# machine) — what a fresh clone costs; then the same with a warm ccache.
build_time() {
  local dir
  dir=$(mktemp -d)
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local t0=$SECONDS
  CCACHE_DISABLE=1 ninja -C "$dir" -j2 yuqing >/dev/null
  echo "clean build of bin/yuqing, 2 jobs, no ccache: $((SECONDS - t0)) s"
  rm -rf "$dir"
}

bash scripts/build.sh >/dev/null
run build-time build_time
run analyze python3 tests/bench/analyze_bench.py --bin build/bin/yuqing --snownlp-docs 1000
run extract-speed bash -c "cmake --build build --target bench_extract >/dev/null && build/tests/bench_extract --benchmark_min_time=1"
run crawl bash tests/bench/crawl_bench.sh build/bin/yuqing 18300
if ((quick)); then
  run storage python3 tests/bench/storage_bench.py build --skip-big
  # Rising load up to past saturation (a stage saturates between 107 and 322 documents/s).
  run latency python3 tests/bench/latency_bench.py --bin build/bin/yuqing --speeds 20,6,2,0.5 --duration 60
  run latency-alerts python3 tests/bench/latency_bench.py --alerts --bin build/bin/yuqing --duration 120 --warmup 45
else
  run storage python3 tests/bench/storage_bench.py build
  run latency python3 tests/bench/latency_bench.py --bin build/bin/yuqing
  run latency-alerts python3 tests/bench/latency_bench.py --alerts --bin build/bin/yuqing --duration 300
  run api python3 tests/bench/api_bench.py build
  run report python3 tests/bench/report_bench.py build
fi
echo
echo "Logs: $out"
echo "Accuracy (machine-independent): tests/eval/extraction/evaluate.py, sentiment_eval.py, category_eval.py,"
echo "message_category_eval.py, neutral_band_eval.py, sandbox_tags_eval.py; alert backtests: yuqing alert backtest."
