#!/usr/bin/env bash
# A single-node Kafka broker (KRaft: broker and controller in one JVM) on 127.0.0.1, for tests and
# for trying Triad with Kafka. Its jars come from Maven Central (kafka-broker/pom.xml) into a
# folder of their own, never onto the job's classpath.
#
#   kafka.sh start  [--port P] [--dir DIR]   start it; prints the bootstrap address when it answers
#   kafka.sh stop   [--dir DIR]              stop the broker started with that DIR (by its PID)
#   kafka.sh status [--dir DIR]              running or not, with its PID and address
#
# DIR (default out/kafka under the repository) holds server.properties, the log (data/),
# broker.log and broker.pid. P defaults to 9092; the controller listens on P+1.
# Exit codes: 0 done; 1 not running (status) or it failed to start (see DIR/broker.log); 2 usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KAFKA_VERSION=4.2.0
LIB="${TRIAD_KAFKA_LIB:-$ROOT/out/kafka-lib-$KAFKA_VERSION}"
READY_SECONDS="${TRIAD_KAFKA_READY_SECONDS:-90}"
# shellcheck source=deploy/local/processes.sh
source "$ROOT/deploy/local/processes.sh"

usage() {
  sed -n '6,8p' "${BASH_SOURCE[0]}" | sed 's/^#  *//' >&2
  exit 2
}

command="${1:-}"
[[ -z "$command" ]] && usage
shift
port=9092
dir="$ROOT/out/kafka"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -gt 0 && "$2" -lt 65535 ]] || {
        echo "kafka: --port needs a port number from 1 to 65534, was '${2:-}'" >&2
        exit 2
      }
      port="$2"
      shift 2
      ;;
    --dir)
      [[ $# -ge 2 ]] || { echo "kafka: --dir needs a folder" >&2; exit 2; }
      dir="$2"
      shift 2
      ;;
    -h | --help) usage ;;
    *) echo "kafka: unknown option '$1'" >&2; usage ;;
  esac
done
[[ "$command" == start ]] && mkdir -p "$dir"
[[ -d "$dir" ]] && dir="$(cd "$dir" && pwd)"
pid_file="$dir/broker.pid"
address_file="$dir/bootstrap"

running_pid() { alive "$pid_file" "$dir" && cat "$pid_file"; }

broker_java() {
  java -Doffline=true -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$LIB/*" "$@"
}

write_config() {
  local controller=$((port + 1))
  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=2000
auto.create.topics.enable=true
EOF
  cat > "$dir/log4j2.properties" <<EOF
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=out
appender.out.type=Console
appender.out.name=out
appender.out.target=SYSTEM_ERR
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
EOF
}

ready() {
  broker_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" --list \
    > /dev/null 2>&1
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "kafka: already running (PID $pid) at $(cat "$address_file" 2>/dev/null); stop it first" >&2
    exit 2
  fi
  command -v java > /dev/null || { echo "kafka: java is not on the PATH; install a JDK 17" >&2; exit 2; }
  fetch_jars "$ROOT/deploy/local/kafka-broker/pom.xml" "$LIB" "Kafka $KAFKA_VERSION broker"
  write_config
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(broker_java kafka.tools.StorageTool random-uuid 2> /dev/null | tail -1)"
    broker_java kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
      > "$dir/format.log" 2>&1
  fi
  # Started directly (not in a subshell), so $! is the broker's own PID.
  nohup java -Xms256m -Xmx1g -Doffline=true -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$LIB/*" kafka.Kafka "$dir/server.properties" >> "$dir/broker.log" 2>&1 &
  pid=$!
  echo "$pid" > "$pid_file"
  echo "127.0.0.1:$port" > "$address_file"
  local waited=0
  until ready; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "kafka: the broker exited while starting; see $dir/broker.log" >&2
      tail -20 "$dir/broker.log" >&2
      rm -f "$pid_file"
      exit 1
    fi
    if ((waited >= READY_SECONDS)); then
      echo "kafka: the broker (PID $pid) did not answer within ${READY_SECONDS}s; stopping it." \
        "See $dir/broker.log" >&2
      stop
      exit 1
    fi
    sleep 1 # waiting for another process to come up: there is no event to wait on
    waited=$((waited + 1))
  done
  echo "kafka: broker running (PID $pid), bootstrap 127.0.0.1:$port, folder $dir" >&2
  echo "127.0.0.1:$port"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "kafka: not running (folder $dir)" >&2
    rm -f "$pid_file"
    return 0
  fi
  stop_pid_file "$pid_file" "$dir"
  echo "kafka: stopped (PID $pid)" >&2
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running: PID $pid, bootstrap $(cat "$address_file"), folder $dir"
  else
    echo "not running (folder $dir)"
    exit 1
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h | --help | help) usage ;;
  *) echo "kafka: unknown command '$command'" >&2; usage ;;
esac
