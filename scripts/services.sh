#!/usr/bin/env bash
# The local services yuqing runs against, all on loopback, all data under var/:
#   Kafka       single-node KRaft broker+controller   127.0.0.1:${YUQING_KAFKA_PORT:-19092}
#   ClickHouse  Debian's clickhouse-server (HTTP)     127.0.0.1:${YUQING_CLICKHOUSE_HTTP_PORT:-18123}
#   mail sink   aiosmtpd writing a Maildir            127.0.0.1:${YUQING_SMTP_PORT:-12525}  -> var/mail
#
#   scripts/services.sh start [SERVICE...]    start what is not running; wait until each answers
#   scripts/services.sh stop [SERVICE...]     stop what this script started (PID files), nothing else
#   scripts/services.sh status                what runs and where
# SERVICE is kafka, clickhouse or smtp (default: all three).
#
# ClickHouse's user is `yuqing`; its password is $YUQING_CLICKHOUSE_PASSWORD, else the one generated
# once into var/secrets/clickhouse.password (which configs/pipeline.yaml reads).
#
# $YUQING_VAR moves everything (data, logs, PID files) out of var/: with other ports it gives a
# second, private set of services, e.g. the ClickHouse a test stops and restarts
# (tests/integration/exactly_counted_test.cc) or the one a benchmark fills. $YUQING_CLICKHOUSE_PROFILE
# adds XML settings to ClickHouse's default profile.
#
# One node of a cluster (scripts/cluster.sh starts three brokers and two ClickHouse shards this way):
# $YUQING_KAFKA_NODE_ID, $YUQING_KAFKA_VOTERS (controller.quorum.voters), $YUQING_KAFKA_CLUSTER_ID
# (the same for every node), $YUQING_KAFKA_REPLICATION (internal topics' replication factor; with
# 3, min.insync.replicas is 2) and $YUQING_CLICKHOUSE_EXTRA_CONFIG (XML put into ClickHouse's
# config, e.g. <remote_servers>).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=${YUQING_VAR:-$root/var}
cache=${YUQING_CACHE:-$HOME/.cache/yuqing}
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/scripts/kafka/pom.xml")
kafka_libs="$cache/kafka-$kafka_version/libs"
kafka_port=${YUQING_KAFKA_PORT:-19092}
controller_port=${YUQING_KAFKA_CONTROLLER_PORT:-19093}
ch_http_port=${YUQING_CLICKHOUSE_HTTP_PORT:-18123}
ch_tcp_port=${YUQING_CLICKHOUSE_TCP_PORT:-19000}
kafka_replication=${YUQING_KAFKA_REPLICATION:-1}
kafka_min_isr=$(( kafka_replication > 1 ? 2 : 1 ))
smtp_port=${YUQING_SMTP_PORT:-12525}
ready_timeout=${YUQING_READY_TIMEOUT:-120}

log() { echo "services: $*"; }
die() { echo "services: error: $*" >&2; exit 1; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for NAME PIDFILE LOGFILE CHECK...: polls CHECK until it succeeds, the process dies, or time runs out.
wait_for() {
  local name=$1 pidfile=$2 logfile=$3; shift 3
  local deadline=$((SECONDS + ready_timeout))
  until "$@"; do
    if ! pid_alive "$pidfile"; then
      echo "services: $name exited during start-up; last lines of $logfile:" >&2
      tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    ((SECONDS < deadline)) || die "$name not ready after ${ready_timeout}s (see $logfile)"
    sleep 0.2
  done
}

# Starts "$@" in its own session (so stop can end the whole process group) with output to LOG.
launch() {
  local pidfile=$1 logfile=$2; shift 2
  setsid "$@" >>"$logfile" 2>&1 < /dev/null &
  echo $! >"$pidfile"
}

clickhouse_password() {
  if [[ -n ${YUQING_CLICKHOUSE_PASSWORD:-} ]]; then
    printf '%s' "$YUQING_CLICKHOUSE_PASSWORD"
    return
  fi
  local file="$var/secrets/clickhouse.password"
  if [[ ! -s $file ]]; then
    mkdir -p "$var/secrets"
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$file")
  fi
  tr -d '\n' <"$file"
}

start_kafka() {
  local dir="$var/kafka" pidfile="$var/run/kafka.pid" logfile="$var/log/kafka.log"
  if pid_alive "$pidfile"; then log "Kafka already running (pid $(cat "$pidfile"))"; return; fi
  [[ -f "$kafka_libs/.complete" ]] || die "Kafka jars missing in $kafka_libs: run scripts/setup.sh"
  port_open "$kafka_port" && die "port $kafka_port is taken by another process; set YUQING_KAFKA_PORT"
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=${YUQING_KAFKA_NODE_ID:-1}
controller.quorum.voters=${YUQING_KAFKA_VOTERS:-1@127.0.0.1:$controller_port}
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=$kafka_replication
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$kafka_replication
transaction.state.log.min.isr=$kafka_min_isr
min.insync.replicas=$kafka_min_isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$var/log/kafka-server.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
  local java_opts=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
                   "-Dlog4j.configuration=file:$dir/log4j.properties" -cp "$kafka_libs/*")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    java "${java_opts[@]}" kafka.tools.StorageTool format --ignore-formatted \
      -t "${YUQING_KAFKA_CLUSTER_ID:-$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid)}" -c "$dir/server.properties" >>"$logfile" 2>&1 \
      || die "formatting Kafka storage failed (see $logfile)"
  fi
  : >"$var/log/kafka-server.log"
  launch "$pidfile" "$logfile" java "${java_opts[@]}" kafka.Kafka "$dir/server.properties"
  kafka_ready() { port_open "$kafka_port" && grep -q "Kafka Server started" "$var/log/kafka-server.log"; }
  wait_for Kafka "$pidfile" "$var/log/kafka-server.log" kafka_ready
  log "Kafka $kafka_version ready at 127.0.0.1:$kafka_port (KRaft, data in ${var#"$root/"}/kafka)"
}

start_clickhouse() {
  local dir="$var/clickhouse" pidfile="$var/run/clickhouse.pid" logfile="$var/log/clickhouse.log"
  if pid_alive "$pidfile"; then log "ClickHouse already running (pid $(cat "$pidfile"))"; return; fi
  [[ -x /usr/sbin/clickhouse-server ]] || die "clickhouse-server missing: run scripts/setup.sh"
  port_open "$ch_http_port" && die "port $ch_http_port is taken by another process; set YUQING_CLICKHOUSE_HTTP_PORT"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
  local hash
  hash=$(clickhouse_password | sha256sum | cut -d' ' -f1)
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>information</level>
    <log>$var/log/clickhouse-server.log</log>
    <errorlog>$var/log/clickhouse-server.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$ch_http_port</http_port>
  <tcp_port>$ch_tcp_port</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  ${YUQING_CLICKHOUSE_EXTRA_CONFIG:-}
</yandex>
XML
  (umask 077 && cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>4000000000</max_memory_usage>${YUQING_CLICKHOUSE_PROFILE:-}</default>
  </profiles>
  <users>
    <yuqing>
      <password_sha256_hex>$hash</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </yuqing>
  </users>
  <quotas>
    <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
      <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default>
  </quotas>
</yandex>
XML
  )
  launch "$pidfile" "$logfile" /usr/sbin/clickhouse-server --config-file="$dir/config.xml"
  clickhouse_ready() {
    [[ $(curl -s -u "yuqing:$(clickhouse_password)" --data-binary 'SELECT 1' "http://127.0.0.1:$ch_http_port/" 2>/dev/null) == 1 ]]
  }
  wait_for ClickHouse "$pidfile" "$logfile" clickhouse_ready
  log "ClickHouse $(curl -s -u "yuqing:$(clickhouse_password)" --data-binary 'SELECT version()' "http://127.0.0.1:$ch_http_port/") ready at http://127.0.0.1:$ch_http_port (user yuqing, data in ${var#"$root/"}/clickhouse)"
}

start_smtp() {
  local pidfile="$var/run/smtp.pid" logfile="$var/log/smtp.log"
  if pid_alive "$pidfile"; then log "mail sink already running (pid $(cat "$pidfile"))"; return; fi
  port_open "$smtp_port" && die "port $smtp_port is taken by another process; set YUQING_SMTP_PORT"
  mkdir -p "$var/mail"
  # Debian's python3 (not a pyenv one) has python3-aiosmtpd.
  launch "$pidfile" "$logfile" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" \
    -c aiosmtpd.handlers.Mailbox "$var/mail/inbox"
  smtp_ready() { port_open "$smtp_port"; }
  wait_for "mail sink" "$pidfile" "$logfile" smtp_ready
  log "mail sink ready at smtp://127.0.0.1:$smtp_port (Maildir ${var#"$root/"}/mail/inbox)"
}

stop_one() {
  local name=$1 pidfile="$var/run/$1.pid"
  if ! [[ -f $pidfile ]]; then return; fi
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 30s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    # Children that outlived their session leader (none expected) go too.
    pkill -KILL -s "$pid" 2>/dev/null || true
    log "$name stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

status_one() {
  local name=$1 where=$2 pidfile="$var/run/$1.pid"
  if pid_alive "$pidfile"; then
    printf '%-11s running  pid %-7s %s\n' "$name" "$(cat "$pidfile")" "$where"
  else
    printf '%-11s stopped\n' "$name"
  fi
}

usage() { echo "usage: scripts/services.sh start|stop [kafka|clickhouse|smtp...] | status" >&2; exit 2; }

mkdir -p "$var/run" "$var/log"
command=${1:-}
(($# > 0)) && shift
# The services named after the command (all by default), checked against the known ones.
names=("$@")
((${#names[@]} > 0)) || names=(kafka clickhouse smtp)
for name in "${names[@]}"; do
  [[ $name == kafka || $name == clickhouse || $name == smtp ]] || { echo "services: unknown service '$name'" >&2; usage; }
done
case $command in
  start)
    for name in "${names[@]}"; do "start_$name"; done
    ;;
  stop)
    # The dashboard scripts/demo.sh leaves running goes first: it reads ClickHouse.
    (($# > 0)) || stop_one dashboard
    # Stopped in reverse order of start: nothing loses its broker or database before its clients.
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do stop_one "${names[i]}"; done
    ;;
  status)
    status_one kafka "127.0.0.1:$kafka_port"
    status_one clickhouse "http://127.0.0.1:$ch_http_port"
    status_one smtp "smtp://127.0.0.1:$smtp_port -> var/mail/inbox"
    ;;
  *)
    usage
    ;;
esac
