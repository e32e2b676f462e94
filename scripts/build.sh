#!/usr/bin/env bash
# Configures and builds yuqing into build/ (CMake + Ninja); the CLI lands at build/bin/yuqing.
# Warnings are errors unless YUQING_WERROR=OFF. Extra arguments go to ninja (e.g. a target name).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# ccache, when installed, makes rebuilds of unchanged sources (a fresh clone, a second build dir) instant.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYUQING_WERROR="${YUQING_WERROR:-ON}"
fi
echo "build: compiling (first build takes a few minutes on 2 cores)"
cmake --build "$build" --parallel "$(nproc)" -- "$@"
