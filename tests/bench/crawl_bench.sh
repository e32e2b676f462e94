#!/usr/bin/env bash
# Crawl throughput on loopback: fetch + decode + parse + extract + produce to Kafka, over the whole
# sandbox web, with politeness opened up (Crawl-delay capped to 0, 1000 requests/s and 8
# connections per host) so the crawler, not the politeness rules, is what is measured.
# Needs the services (scripts/services.sh start) and a built binary.
#   tests/bench/crawl_bench.sh [build/bin/yuqing] [base port]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/bin/yuqing}
port=${2:-18300}
work=$(mktemp -d)
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/configs"
sed "s/^  max_crawl_delay_s: .*/  max_crawl_delay_s: 0/; s/^  per_host_rate: .*/  per_host_rate: 1000/; s/^  per_host_burst: .*/  per_host_burst: 100/; s/^  per_host_connections: .*/  per_host_connections: 8/; s/^  port: 18080/  port: $port/; s/raw_topic: yuqing.raw/raw_topic: yuqing.bench.raw/; s/enriched_topic: yuqing.enriched/enriched_topic: yuqing.bench.enriched/; s/dead_letter_topic: yuqing.dead-letter/dead_letter_topic: yuqing.bench.dead-letter/; s/^  database: yuqing$/  database: yuqing_bench/" \
  "$here/configs/pipeline.yaml" > "$work/configs/pipeline.yaml"
for k in 0 1 2 3 4; do echo "s/127.0.0.1:1808$k/127.0.0.1:$((port + k))/g"; done > "$work/ports.sed"
sed -f "$work/ports.sed" "$here/configs/sources.yaml" > "$work/configs/sources.yaml"
for f in "$here"/configs/*.yaml "$here"/configs/*.ini; do [ -e "$work/configs/$(basename "$f")" ] || ln -s "$f" "$work/configs/"; done
ln -s "$here/configs/scenarios" "$work/configs/scenarios" 2>/dev/null || true
mkdir -p "$work/var"; ln -s "$here/var/secrets" "$work/var/secrets"
"$bin" --config "$work/configs/pipeline.yaml" migrate >/dev/null 2>&1  # the bench's own topics and database
"$bin" --config "$work/configs/pipeline.yaml" sandbox --port "$port" 2>"$work/sandbox.log" &
sandbox_pid=$!
sleep 2
start=$(date +%s.%N)
"$bin" --config "$work/configs/pipeline.yaml" crawl --once --no-state --no-health 2>"$work/crawl.log"
end=$(date +%s.%N)
summary=$(grep -o '[0-9]* pages fetched.*' "$work/crawl.log" | tail -1)
pages=$(echo "$summary" | grep -o '^[0-9]*')
echo "$summary"
awk -v p="$pages" -v s="$start" -v e="$end" 'BEGIN { printf "%d pages in %.2f s = %.0f pages/s\n", p, e - s, p / (e - s) }'
