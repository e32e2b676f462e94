#!/usr/bin/env bash
# A small distributed deployment on loopback, for the cluster test (tests/cluster/) and for trying
# what docs/DEPLOY.md describes: three Kafka brokers in one KRaft quorum (every node broker and
# controller, replication factor 3, min.insync.replicas 2) and a ClickHouse cluster `yuqing` of two
# shards. Each node is a scripts/services.sh instance with its own folder under $YUQING_CLUSTER_VAR
# (default var/cluster) and its own ports.
#
#   scripts/cluster.sh start     start the five servers (in parallel: a KRaft node waits for its quorum)
#                                and lay out the tables: the migrations on each shard (database
#                                yuqing_local), Distributed tables of the same names over them in
#                                database `yuqing` on both nodes (documents and alerts sharded by id)
#   scripts/cluster.sh stop      stop them
#   scripts/cluster.sh status    what runs
#   scripts/cluster.sh config    print the pipeline.yaml settings that point yuqing at the cluster
#
# Ports: brokers 127.0.0.1:19192/19194/19196 (controllers +1), ClickHouse HTTP 18223/18224, TCP
# 19200/19201. Kafka node k (1-3) and shard k (1-2) can be stopped and started alone:
#   scripts/cluster.sh stop-kafka K | start-kafka K | stop-clickhouse K | start-clickhouse K
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=${YUQING_CLUSTER_VAR:-$root/var/cluster}
services="$root/scripts/services.sh"
kafka_port() { echo $((19190 + 2 * $1)); }
controller_port() { echo $((19191 + 2 * $1)); }
ch_http_port() { echo $((18222 + $1)); }
ch_tcp_port() { echo $((19199 + $1)); }
brokers="127.0.0.1:$(kafka_port 1),127.0.0.1:$(kafka_port 2),127.0.0.1:$(kafka_port 3)"
voters="1@127.0.0.1:$(controller_port 1),2@127.0.0.1:$(controller_port 2),3@127.0.0.1:$(controller_port 3)"

log() { echo "cluster: $*"; }

# Every node shares the one password of the cluster folder (the Distributed engine logs in to the
# other shard with it).
password() {
  local file="$var/secrets/clickhouse.password"
  if [[ ! -s $file ]]; then
    mkdir -p "$var/secrets"
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$file")
  fi
  tr -d '\n' <"$file"
}

cluster_id() {
  local file="$var/kafka-cluster-id"
  if [[ ! -s $file ]]; then
    mkdir -p "$var"
    # KRaft wants 16 bytes, base64url without padding.
    head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' >"$file"
  fi
  cat "$file"
}

kafka_node() {  # start|stop K
  YUQING_VAR="$var/kafka-$2" YUQING_KAFKA_PORT=$(kafka_port "$2") YUQING_KAFKA_CONTROLLER_PORT=$(controller_port "$2") \
    YUQING_KAFKA_NODE_ID=$2 YUQING_KAFKA_VOTERS=$voters YUQING_KAFKA_CLUSTER_ID=$(cluster_id) YUQING_KAFKA_REPLICATION=3 \
    bash "$services" "$1" kafka
}

clickhouse_node() {  # start|stop K
  local remote
  remote="<remote_servers><yuqing>
    <shard><replica><host>127.0.0.1</host><port>$(ch_tcp_port 1)</port><user>yuqing</user><password>$(password)</password></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>$(ch_tcp_port 2)</port><user>yuqing</user><password>$(password)</password></replica></shard>
  </yuqing></remote_servers>"
  YUQING_VAR="$var/clickhouse-$2" YUQING_CLICKHOUSE_HTTP_PORT=$(ch_http_port "$2") YUQING_CLICKHOUSE_TCP_PORT=$(ch_tcp_port "$2") \
    YUQING_CLICKHOUSE_PASSWORD=$(password) YUQING_CLICKHOUSE_EXTRA_CONFIG="$remote" bash "$services" "$1" clickhouse
}

sql() {  # K STATEMENT
  local out
  out=$(curl -sS -u "yuqing:$(password)" --data-binary "$2" "http://127.0.0.1:$(ch_http_port "$1")/") || return 1
  if [[ $out == *"DB::Exception"* ]]; then echo "cluster: shard $1: $out" >&2; return 1; fi
  printf '%s' "$out"
}

# The migrations on each shard into yuqing_local (the binary applies them, as `yuqing migrate`
# does for one server), then on both nodes the Distributed layer in `yuqing`: the names the sink,
# the queries and the alert runner use.
lay_out_tables() {
  local yuqing="$root/build/bin/yuqing"
  [[ -x $yuqing ]] || { echo "cluster: $yuqing missing: run scripts/build.sh" >&2; exit 1; }
  for k in 1 2; do
    printf 'clickhouse:\n  url: http://127.0.0.1:%s\n  database: yuqing_local\n' "$(ch_http_port "$k")" >"$var/shard-$k.yaml"
    YUQING_CLICKHOUSE_PASSWORD=$(password) "$yuqing" --config "$var/shard-$k.yaml" migrate --no-kafka >>"$var/migrate.log" 2>&1 \
      || { echo "cluster: migrating shard $k failed; see $var/migrate.log" >&2; exit 1; }
  done
  local tables
  tables=$(sql 1 "SELECT name FROM system.tables WHERE database = 'yuqing_local' AND engine NOT IN ('MaterializedView') AND name != 'schema_migrations' ORDER BY name")
  for k in 1 2; do
    sql "$k" "CREATE DATABASE IF NOT EXISTS yuqing" >/dev/null
    for t in $tables; do
      # All versions of a document (and of an alert) must meet on one shard for ReplacingMergeTree
      # and the rollups' id sets to stay exact; the rollups are filled by each shard's views.
      local key="rand()"
      [[ $t == documents || $t == alerts ]] && key="sipHash64(id)"
      sql "$k" "CREATE TABLE IF NOT EXISTS yuqing.$t AS yuqing_local.$t ENGINE = Distributed(yuqing, yuqing_local, $t, $key)" >/dev/null
    done
  done
  log "tables: $(echo "$tables" | tr '\n' ' ')on shards 1-2 (yuqing_local), Distributed in yuqing"
}

config() {
  cat <<YAML
kafka:
  brokers: $brokers
  replication: 3
  partitions: 6
clickhouse:
  url: http://127.0.0.1:$(ch_http_port 1)     # either node; a load balancer over both in production
  database: yuqing
  password_file: ${var#"$root/"}/secrets/clickhouse.password
  settings: {insert_distributed_sync: "1"}   # an INSERT returns once the shards stored it
YAML
}

case "${1:-}" in
  start)
    mkdir -p "$var"
    cluster_id >/dev/null && password >/dev/null  # made once, before the nodes start in parallel
    pids=()
    for k in 1 2 3; do kafka_node start "$k" & pids+=($!); done
    for k in 1 2; do clickhouse_node start "$k" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p"; done
    lay_out_tables
    log "Kafka brokers $brokers; ClickHouse shards http://127.0.0.1:$(ch_http_port 1), http://127.0.0.1:$(ch_http_port 2)"
    ;;
  stop)
    for k in 1 2 3; do kafka_node stop "$k" & done
    for k in 1 2; do clickhouse_node stop "$k" & done
    wait
    ;;
  status)
    for k in 1 2 3; do YUQING_VAR="$var/kafka-$k" YUQING_KAFKA_PORT=$(kafka_port "$k") bash "$services" status | grep kafka; done
    for k in 1 2; do YUQING_VAR="$var/clickhouse-$k" YUQING_CLICKHOUSE_HTTP_PORT=$(ch_http_port "$k") bash "$services" status | grep clickhouse; done
    ;;
  config) config ;;
  start-kafka | stop-kafka) kafka_node "${1%-kafka}" "${2:?broker 1-3}" ;;
  start-clickhouse | stop-clickhouse) clickhouse_node "${1%-clickhouse}" "${2:?shard 1-2}" ;;
  *) echo "usage: scripts/cluster.sh start|stop|status|config | start-kafka|stop-kafka K | start-clickhouse|stop-clickhouse K" >&2; exit 2 ;;
esac
