#!/usr/bin/env bash
# A private ClickHouse server for tests that must stop and restart the database (the shared one of
# scripts/services.sh is never stopped by a test). Same user and password as the shared server,
# its own ports and data directory.
#
#   private_clickhouse.sh start DIR HTTP_PORT TCP_PORT   start (or restart on the same data); wait until it answers
#   private_clickhouse.sh stop DIR                       stop it (SIGTERM, then SIGKILL after 30 s)
#
# The password is $YUQING_CLICKHOUSE_PASSWORD. $YUQING_PRIVATE_CLICKHOUSE_PROFILE may add settings
# (XML elements) to the default profile, e.g. for the Kafka-engine benchmark.
set -euo pipefail

cmd=${1:?usage: private_clickhouse.sh start DIR HTTP_PORT TCP_PORT | stop DIR}
dir=${2:?data directory}
pidfile="$dir/clickhouse.pid"

case $cmd in
  start)
    http_port=${3:?http port}
    tcp_port=${4:?tcp port}
    password=${YUQING_CLICKHOUSE_PASSWORD:?set YUQING_CLICKHOUSE_PASSWORD}
    mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
    hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
    cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
</yandex>
XML
    (umask 077 && cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage>${YUQING_PRIVATE_CLICKHOUSE_PROFILE:-}</default></profiles>
  <users>
    <yuqing>
      <password_sha256_hex>$hash</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </yuqing>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
    )
    setsid /usr/sbin/clickhouse-server --config-file="$dir/config.xml" >>"$dir/log/stdout.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 1 300); do
      if [[ $(curl -s -u "yuqing:$password" --data-binary 'SELECT 1' "http://127.0.0.1:$http_port/" 2>/dev/null) == 1 ]]; then
        exit 0
      fi
      kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 20 "$dir/log/server.err.log" >&2 || true; exit 1; }
      sleep 0.2
    done
    echo "private ClickHouse on port $http_port not ready after 60 s" >&2
    exit 1
    ;;
  stop)
    [[ -f $pidfile ]] || exit 0
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: private_clickhouse.sh start DIR HTTP_PORT TCP_PORT | stop DIR" >&2
    exit 2
    ;;
esac
