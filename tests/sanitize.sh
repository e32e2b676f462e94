#!/usr/bin/env bash
# The test suites under AddressSanitizer and UndefinedBehaviorSanitizer (docs/RELIABILITY.md):
# configures build-asan with YUQING_SANITIZE=address,undefined (gcc, like the normal build), builds
# the unit tests and runs them through CTest. Any sanitizer report aborts its test, so it fails.
#
#   bash tests/sanitize.sh                 unit tests (no services needed)
#   bash tests/sanitize.sh --integration   unit and integration tests (builds everything; the
#                                          services must run: bash scripts/services.sh start)
#   YUQING_SANITIZE=address ...            another sanitizer list; YUQING_JOBS=1 for a loaded machine
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-asan"
labels=unit
[[ ${1:-} == --integration ]] && labels='unit|integration'
jobs=${YUQING_JOBS:-$(nproc)}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DYUQING_SANITIZE="${YUQING_SANITIZE:-address,undefined}" -DYUQING_WERROR=OFF >/dev/null

if [[ $labels == unit ]]; then
  mapfile -t targets < <(sed -n 's/^yuqing_test(\(unit_[a-z_]*\) LABEL unit.*/\1/p' "$root/tests/CMakeLists.txt")
  echo "sanitize: building ${#targets[@]} unit test binaries in $build"
  cmake --build "$build" --parallel "$jobs" --target "${targets[@]}"
else
  echo "sanitize: building everything in $build"
  cmake --build "$build" --parallel "$jobs"
fi

# halt_on_error: the first report ends the process; a leak (LeakSanitizer, part of address) too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
ctest --output-on-failure --no-tests=error -j2 -L "$labels"
