#!/usr/bin/env bash
# The main job: install what is missing, build, start Kafka + ClickHouse + the mail sink, and run
# the whole pipeline on the built-in sandbox web (yuqing demo). Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh yuqing  # the binary only: the tests build in scripts/test.sh
bash scripts/services.sh start
build/bin/yuqing demo "$@"

# The dashboard stays up after the demo, so the analyst's last step is opening its URL.
# scripts/services.sh stop stops it with the services.
mkdir -p var/run var/log
if ! { [[ -f var/run/dashboard.pid ]] && kill -0 "$(cat var/run/dashboard.pid)" 2>/dev/null; }; then
  setsid build/bin/yuqing serve >>var/log/dashboard.log 2>&1 </dev/null &
  echo $! >var/run/dashboard.pid
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null http://127.0.0.1:18090/ && break
    sleep 0.2
  done
fi
echo
echo "Dashboard: http://127.0.0.1:18090/  (user demo, password: $(cat var/secrets/dashboard.password 2>/dev/null || echo 'see var/secrets/dashboard.password'))"
echo "Stop everything with: scripts/services.sh stop"
