#!/usr/bin/env bash
# Installs everything yuqing needs on Debian 12: build tools and libraries (clang and its
# compiler-rt for the libFuzzer targets of tests/fuzz), the ClickHouse server,
# Java and Maven, and Apache Kafka's broker jars (from Maven Central, into a cache folder).
# Idempotent: when everything is present it returns in seconds without touching the network.
#
#   scripts/setup.sh            install what is missing
#   YUQING_CACHE=/path ...      where the Kafka jars go (default: ~/.cache/yuqing)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${YUQING_CACHE:-$HOME/.cache/yuqing}
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
kafka_libs="$cache/kafka-$kafka_version/libs"

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  libcurl4-openssl-dev libssl-dev libgumbo-dev librdkafka-dev libicu-dev libuchardet-dev
  nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev libspdlog-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  clickhouse-server clickhouse-client
  openjdk-17-jre-headless maven
  python3-aiosmtpd python3-yaml
  friso-dict libopencc-dev libopencc-data liblinear-dev
  libsodium-dev libcsv-dev chromium fonts-noto-cjk poppler-utils
  clang libclang-rt-14-dev
)
# The dashboard's npm packages need node and npm (NodeSource's nodejs bundles npm: keep it).
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

if [[ -f "$kafka_libs/kafka_2.13-$kafka_version.jar" && -f "$kafka_libs/.complete" ]]; then
  echo "setup: Kafka $kafka_version present in $kafka_libs"
else
  echo "setup: fetching Apache Kafka $kafka_version from Maven Central into $kafka_libs"
  rm -rf "$kafka_libs"
  mkdir -p "$kafka_libs"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$kafka_libs"
  touch "$kafka_libs/.complete"
  echo "setup: $(ls "$kafka_libs" | wc -l) jars"
fi

# The dashboard's browser packages (ECharts, served by `yuqing serve`; playwright-core for the
# browser test), pinned by server/web/package-lock.json; skipped when that lock is installed.
web="$here/../server/web"
if [[ -f "$web/node_modules/.yuqing-lock" ]] && cmp -s "$web/package-lock.json" "$web/node_modules/.yuqing-lock"; then
  echo "setup: dashboard npm packages present"
else
  echo "setup: installing the dashboard's npm packages (npm ci in server/web)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$web/package-lock.json" "$web/node_modules/.yuqing-lock"
fi
