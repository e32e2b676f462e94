#!/usr/bin/env bash
# The test suite: install what is missing, build with warnings as errors, start the real services,
# run the unit, integration and e2e tests through CTest, then each fuzz target for 30 s
# (YUQING_FUZZ_SECONDS), and stop the services this run started —
# also when a test fails. Extra arguments go to ctest instead of the default label selection
# (e.g. -L unit, -R Kafka, -R ExactlyCounted).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh

# Leave running what was running before (a developer's demo); stop what this run starts.
if bash scripts/services.sh status | grep -q stopped; then
  trap 'bash "$root/scripts/services.sh" stop' EXIT
fi
bash scripts/services.sh start

cd build
if (($#)); then
  ctest --output-on-failure --no-tests=error -j2 "$@"
else
  ctest --output-on-failure --no-tests=error -j2 -L 'unit|integration|e2e'
  # The libFuzzer targets (tests/fuzz: HTML extractor, charset, robots.txt, dates, config, Kafka
  # documents, e-mail), each for a bounded time in their own clang build (build-fuzz, ~6 minutes
  # in all on 2 cores); a crash or a broken contract fails the run.
  bash "$root/tests/fuzz/run.sh" "${YUQING_FUZZ_SECONDS:-30}"
fi
