#!/usr/bin/env bash
# The main job: install what is missing, build, start Kafka + ClickHouse + the mail sink, and run
# the whole pipeline on the built-in sandbox web (yuqing demo). Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh
bash scripts/services.sh start
exec build/bin/yuqing demo "$@"
