#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, address + undefined sanitizers) into build-fuzz and runs
# each for a bounded time, starting from its checked-in seeds (tests/fuzz/corpus/<target>/, which
# also hold the regression cases of past findings: each is replayed first). The corpus a run grows
# stays in build-fuzz/corpus/. Exits 1 when any target crashes, leaks, times out or breaks a
# contract; the input is saved as build-fuzz/artifacts/<target>-crash-... (replay it with
# build-fuzz/fuzz/fuzz_<target> FILE). docs/RELIABILITY.md has the figures.
#
#   bash tests/fuzz/run.sh [seconds per target, default 30] [target ...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$root/build-fuzz"
seconds=${1:-30}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(html_extract charset robots datetime config document sink_row mail)

command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (bash scripts/setup.sh installs clang)" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DYUQING_FUZZ=ON -DYUQING_SANITIZE=address,undefined -DYUQING_WERROR=OFF >/dev/null
fi
echo "fuzz: building ${#targets[@]} target(s) in $build (clang, libFuzzer + ASan + UBSan)"
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"

mkdir -p "$build/artifacts" "$build/logs"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  log="$build/logs/$t.log"
  # The extractor's unit-test pages seed its target too (read from where they live, not copied).
  seeds=("$root/tests/fuzz/corpus/$t")
  [[ $t == html_extract ]] && seeds+=("$root/tests/fixtures/extract")
  # -timeout: one input taking more than 10 s is a finding (a parser must not hang on a page);
  # -rss_limit_mb: so is growing past 2 GB. The first corpus folder receives new inputs.
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
       "$build/corpus/$t" "${seeds[@]}" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  printf 'fuzz: %-13s %-6s %s runs in %ss, %s, corpus %s files\n' "$t" "$status" "${execs:-?}" "$seconds" "${cov:-cov: ?}" \
    "$(ls "$build/corpus/$t" | wc -l)"
  if [[ $status == FAILED ]]; then
    grep -m1 -A25 -E 'ERROR: |fuzz contract broken|runtime error|==[0-9]+==' "$log" >&2 || tail -30 "$log" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (logs in $build/logs, inputs in $build/artifacts)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding"
