#!/usr/bin/env bash
# A real standalone Flink 2.2.1 cluster on 127.0.0.1: one JobManager and N TaskManagers, each its
# own JVM, assembled from Flink's module jars on Maven Central (flink-cluster/pom.xml) into a
# folder of their own (flink-dist is not served there).
#
#   flink-cluster.sh start [--taskmanagers N] [--slots S] [--port P] [--dir DIR]
#       [--checkpoints URI] [--savepoints URI]
#   flink-cluster.sh start-application --jar JAR [--class CLASS] [--from-savepoint PATH]
#       [--checkpoints URI] [--savepoints URI] [--taskmanagers N] [--slots S] [--port P]
#       [--dir DIR] [-- JOB_ARGS...]
#   flink-cluster.sh add-taskmanager [--dir DIR]
#   flink-cluster.sh status [--dir DIR]
#   flink-cluster.sh stop [--dir DIR]
#   flink-cluster.sh flink [--dir DIR] FLINK_CLI_ARGS...   (Flink's own CLI, e.g. run -c CLASS JAR ...)
#
# N defaults to 1, S (slots per TaskManager) to 2, P (web UI and REST) to 8081, the JobManager's
# RPC port is P+1. DIR (default out/flink-cluster under the repository) holds conf/, the logs, one
# PID file per process, checkpoints/ and savepoints/ (or where --checkpoints and --savepoints say,
# e.g. file:///mnt/bucket/checkpoints standing for object storage).
# start-application starts an application cluster instead of a session cluster, as the Flink
# Kubernetes Operator does in application mode: Flink's StandaloneApplicationClusterEntryPoint runs
# CLASS's main (default dev.triad.jobs.cli.TriadApplication) from JAR with JOB_ARGS inside the
# JobManager; --from-savepoint PATH sets execution.state-recovery.path (what the operator sets on an
# upgrade). As under the operator, the JobManager stays after the job ends until stop. start returns when the REST API counts the
# TaskManagers and their slots, add-taskmanager when the new one's log says it registered (also
# right after a kill -9 of another, which the REST API counts until it is known lost); a new
# TaskManager never takes a killed one's number, so each log stays whole. start prints the web
# UI's address. flink runs Flink's own command line (org.apache.flink.client.cli.CliFrontend, what
# a distribution's bin/flink runs) against the cluster's conf/, e.g.
# flink run -c dev.triad.jobs.cli.TriadCli triad-jobs-*-job.jar run ...
# Exit codes: 0 done; 1 not running (status) or a process failed to come up (see DIR/log); 2 usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=deploy/local/flink-opens.sh
source "$ROOT/deploy/local/flink-opens.sh"
# shellcheck source=deploy/local/processes.sh
source "$ROOT/deploy/local/processes.sh"
FLINK_VERSION=2.2.1
LIB="${TRIAD_FLINK_LIB:-$ROOT/out/flink-lib-$FLINK_VERSION}"
READY_SECONDS="${TRIAD_FLINK_READY_SECONDS:-120}"

usage() {
  sed -n '6,14p' "${BASH_SOURCE[0]}" | sed 's/^#   //' >&2
  exit 2
}

command="${1:-}"
[[ -z "$command" ]] && usage
shift
taskmanagers=1
slots=2
port=8081
dir="$ROOT/out/flink-cluster"
flink_args=()
job_args=()
application=""
jar=""
job_class="dev.triad.jobs.cli.TriadApplication"
from_savepoint=""
checkpoints=""
savepoints=""
if [[ "$command" == flink ]]; then
  # Everything after the optional --dir is Flink's: its options must not be read as ours.
  if [[ "${1:-}" == --dir ]]; then
    [[ $# -ge 2 ]] || { echo "flink-cluster: --dir needs a folder" >&2; exit 2; }
    dir="$2"
    shift 2
  fi
  flink_args=("$@")
  set --
fi
number() { [[ "$2" =~ ^[0-9]+$ && "$2" -ge "$3" && "$2" -le "$4" ]] || {
  echo "flink-cluster: $1 needs a whole number from $3 to $4, was '$2'" >&2
  exit 2
}; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --taskmanagers) number "$1" "${2:-}" 1 16; taskmanagers="$2"; shift 2 ;;
    --slots) number "$1" "${2:-}" 1 64; slots="$2"; shift 2 ;;
    --port) number "$1" "${2:-}" 1 65534; port="$2"; shift 2 ;;
    --dir) [[ $# -ge 2 ]] || { echo "flink-cluster: --dir needs a folder" >&2; exit 2; }
      dir="$2"; shift 2 ;;
    --jar | --class | --from-savepoint | --checkpoints | --savepoints)
      [[ "$command" == start-application || "$1" == --checkpoints || "$1" == --savepoints ]] \
        || { echo "flink-cluster: $1 is for start-application" >&2; exit 2; }
      [[ $# -ge 2 && -n "$2" ]] || { echo "flink-cluster: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --jar) jar="$2" ;;
        --class) job_class="$2" ;;
        --from-savepoint) from_savepoint="$2" ;;
        --checkpoints) checkpoints="$2" ;;
        --savepoints) savepoints="$2" ;;
      esac
      shift 2 ;;
    --) [[ "$command" == start-application ]] \
        || { echo "flink-cluster: job arguments are for start-application" >&2; exit 2; }
      shift; job_args=("$@"); set -- ;;
    -h | --help) usage ;;
    *) echo "flink-cluster: unknown option '$1'" >&2; usage ;;
  esac
done
[[ "$command" == start || "$command" == start-application ]] && mkdir -p "$dir"
[[ -d "$dir" ]] && dir="$(cd "$dir" && pwd)"
conf="$dir/conf"
log="$dir/log"
pids="$dir/pids"

rest_port() { cat "$dir/rest-port"; }

write_config() {
  mkdir -p "$conf" "$log" "$pids" "$dir/checkpoints" "$dir/savepoints" "$dir/tmp"
  cat > "$conf/config.yaml" <<EOF
jobmanager:
  bind-host: 127.0.0.1
  rpc: {address: 127.0.0.1, port: $((port + 1))}
  memory: {process: {size: 1024m}}
taskmanager:
  bind-host: 127.0.0.1
  host: 127.0.0.1
  numberOfTaskSlots: $slots
  memory: {process: {size: 1536m}}
  # Model calls are slow, so a Triad job is often backpressured: buffer debloating keeps about a
  # second of records in flight between tasks, so checkpoint and savepoint barriers (savepoints
  # are always aligned) do not queue behind minutes of questions.
  network: {memory: {buffer-debloat: {enabled: true}}}
rest: {address: 127.0.0.1, bind-address: 127.0.0.1, port: $port}
execution:
  checkpointing: {dir: "${checkpoints:-file://$dir/checkpoints}", savepoint-dir: "${savepoints:-file://$dir/savepoints}"}$(
  [[ -n "$from_savepoint" ]] && printf '\n  state-recovery: {path: "%s"}' "$from_savepoint"
  # As the Flink Kubernetes Operator sets it: the JobManager stays when the job has ended, so the
  # REST API tells how it ended (and where a stop-with-savepoint put the savepoint); stop ends it.
  [[ -n "$application" ]] && printf '\n  shutdown-on-application-finish: false')
restart-strategy: {type: fixed-delay, fixed-delay: {attempts: 10, delay: 2 s}}
# A TaskManager that is gone (its heartbeat RPCs fail) is declared lost after two failed heartbeats:
# one a second makes a lost TaskManager known in about 2 s instead of 4-6 s.
heartbeat: {interval: 1000, timeout: 10000}
# triad run --jobmanager draws progress from the REST API's metrics: refresh them every second.
metrics: {fetcher: {update-interval: 1 s}}
io: {tmp: {dirs: "$dir/tmp"}}
# The REST API serves a job's state from a cache this old at most (3 s by default).
web: {tmpdir: "$dir/tmp", refresh-interval: 1000}
env: {java: {opts: {all: "-Doffline=true"}}}
EOF
  cat > "$conf/log4j.properties" <<EOF
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=\${sys:log.file}
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=%d %-5p %c{1} - %m%n
EOF
  echo "$port" > "$dir/rest-port"
}

# Starts one Flink process in the background; $1 = name (log and PID file), $2 = BashJavaUtils
# resource command, $3 = main class, then the main class's own arguments.
launch() {
  local name="$1" resources="$2" main="$3" params jvm dynamic
  shift 3
  params="$(java -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$resources" \
    --configDir "$conf" 2> "$log/$name.params.err" | grep -E '^BASH_JAVA_UTILS_EXEC_RESULT:' \
    | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')" || true
  jvm="$(sed -n 1p <<< "$params")"
  dynamic="$(sed -n 2p <<< "$params")"
  if [[ -z "$jvm" ]]; then
    echo "flink-cluster: could not work out $name's memory settings; see $log/$name.params.err" >&2
    exit 1
  fi
  # shellcheck disable=SC2086 # jvm and dynamic are lists of flags
  OPT_OUT_TRACKING=true nohup java $jvm "${FLINK_OPENS[@]}" -Doffline=true \
    -Dlog.file="$log/$name.log" -Dlog4j.configurationFile="file://$conf/log4j.properties" \
    -cp "$LIB/*" "$main" --configDir "$conf" $dynamic "$@" > "$log/$name.out" 2>&1 &
  echo $! > "$pids/$name.pid"
}

# The number of TaskManagers the REST API lists, or nothing when it does not answer.
registered() {
  curl -sf "http://127.0.0.1:$(rest_port)/overview" 2>/dev/null \
    | grep -o '"taskmanagers":[0-9]*' | cut -d: -f2
}

# The number of task slots the REST API counts (a TaskManager's come a moment after it registers).
slots_total() {
  curl -sf "http://127.0.0.1:$(rest_port)/overview" 2>/dev/null \
    | grep -o '"slots-total":[0-9]*' | cut -d: -f2
}

slots_per_taskmanager() { grep -o 'numberOfTaskSlots: [0-9]*' "$conf/config.yaml" | cut -d' ' -f2; }

# Waits until the REST API lists $1 TaskManagers and their slots.
await_taskmanagers() {
  local want="$1" waited=0 n s
  while true; do
    n="$(registered || true)"
    s="$(slots_total || true)"
    [[ -n "$n" && "$n" -ge "$want" && -n "$s" && "$s" -ge $((want * $(slots_per_taskmanager))) ]] \
      && return 0
    if ! alive "$pids/jobmanager.pid" "$conf"; then
      echo "flink-cluster: the JobManager exited; see $log/jobmanager.log and .out" >&2
      exit 1
    fi
    if ((waited >= READY_SECONDS)); then
      echo "flink-cluster: $want TaskManager(s) did not register within ${READY_SECONDS}s;" \
        "see $log" >&2
      exit 1
    fi
    sleep 1 # waiting for other processes to come up: there is no event to wait on
    waited=$((waited + 1))
  done
}

# Starts a TaskManager under a number no other of this cluster used (a killed one's PID file stays,
# and its log is not mixed with the new one's); prints the number.
start_taskmanager() {
  local i=1
  while [[ -e "$pids/taskmanager-$i.pid" ]]; do
    i=$((i + 1))
  done
  launch "taskmanager-$i" GET_TM_RESOURCE_PARAMS \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner
  echo "$i"
}

running_count() {
  local n=0 f
  for f in "$pids"/taskmanager-*.pid; do
    [[ -e "$f" ]] && alive "$f" "$conf" && n=$((n + 1))
  done
  echo "$n"
}

start() {
  if alive "$pids/jobmanager.pid" "$conf"; then
    echo "flink-cluster: already running at http://127.0.0.1:$(rest_port) (folder $dir);" \
      "stop it first" >&2
    exit 2
  fi
  command -v java > /dev/null || { echo "flink-cluster: java is not on the PATH" >&2; exit 2; }
  fetch_jars "$ROOT/deploy/local/flink-cluster/pom.xml" "$LIB" "Flink $FLINK_VERSION"
  rm -rf "$pids"
  write_config
  if [[ -n "$application" ]]; then
    # The job's arguments come after '--', so that none is read as the entry point's own (its
    # parser would take --config for a prefix of --configDir).
    launch jobmanager GET_JM_RESOURCE_PARAMS \
      org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint \
      --jars "local://$jar" --job-classname "$job_class" -- "${job_args[@]}"
  else
    launch jobmanager GET_JM_RESOURCE_PARAMS \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
  fi
  local i
  for ((i = 1; i <= taskmanagers; i++)); do
    start_taskmanager > /dev/null
  done
  await_taskmanagers "$taskmanagers"
  echo "flink-cluster: JobManager and $taskmanagers TaskManager(s) x $slots slots running;" \
    "folder $dir" >&2
  echo "http://127.0.0.1:$port"
}

# The registrations at the ResourceManager TaskManager $1's log tells of.
registrations() {
  local n
  n="$(grep -cs 'Successful registration at resource manager' "$log/taskmanager-$1.log")" || true
  echo "${n:-0}"
}

# Waits until TaskManager $1's own log says it registered ($2 lines before) at the ResourceManager. (Counting the
# TaskManagers the REST API lists does not do: one killed a moment ago still counts there until its
# heartbeat times out.)
await_registration() {
  local i="$1" before="$2" waited=0
  # The log may hold an earlier cluster's lines (start keeps old logs): count the new ones.
  until (($(registrations "$i") > before)); do
    if ! alive "$pids/taskmanager-$i.pid" "$conf"; then
      echo "flink-cluster: taskmanager-$i exited; see $log/taskmanager-$i.log and .out" >&2
      exit 1
    fi
    if ((waited >= READY_SECONDS * 5)); then
      echo "flink-cluster: taskmanager-$i did not register within ${READY_SECONDS}s; see $log" >&2
      exit 1
    fi
    sleep 0.2 # waiting for another process's log line: there is no event to wait on
    waited=$((waited + 1))
  done
}

# Waits until every TaskManager the REST API lists has reported its slots (they come a moment
# after a registration; one killed a moment ago may still be listed, with its slots).
await_slots() {
  local waited=0 n s
  while true; do
    n="$(registered || true)"
    s="$(slots_total || true)"
    [[ -n "$n" && -n "$s" && "$s" -ge $((n * $(slots_per_taskmanager))) ]] && return 0
    if ((waited >= READY_SECONDS * 5)); then
      echo "flink-cluster: the TaskManagers' slots did not show within ${READY_SECONDS}s;" \
        "see $log" >&2
      exit 1
    fi
    sleep 0.2 # waiting for the REST API to show them: there is no event to wait on
    waited=$((waited + 1))
  done
}

add_taskmanager() {
  alive "$pids/jobmanager.pid" "$conf" || { echo "flink-cluster: not running (folder $dir)" >&2; exit 1; }
  local i=1 before
  fetch_jars "$ROOT/deploy/local/flink-cluster/pom.xml" "$LIB" "Flink $FLINK_VERSION"
  while [[ -e "$pids/taskmanager-$i.pid" ]]; do
    i=$((i + 1))
  done
  before="$(registrations "$i")"
  [[ "$(start_taskmanager)" == "$i" ]] || {
    echo "flink-cluster: could not start taskmanager-$i; see $log" >&2
    exit 1
  }
  await_registration "$i" "$before"
  await_slots
  echo "flink-cluster: taskmanager-$i running (PID $(cat "$pids/taskmanager-$i.pid"))" >&2
}

status() {
  if ! alive "$pids/jobmanager.pid" "$conf"; then
    echo "not running (folder $dir)"
    exit 1
  fi
  echo "running: web UI and REST http://127.0.0.1:$(rest_port), folder $dir"
  local f name
  for f in "$pids"/*.pid; do
    name="$(basename "$f" .pid)"
    if alive "$f" "$conf"; then
      echo "  $name PID $(cat "$f")"
    else
      echo "  $name PID $(cat "$f") (exited)"
    fi
  done
  echo "  TaskManagers registered: $(registered || echo '?')"
}

stop() {
  if [[ ! -d "$pids" ]] || [[ -z "$(ls "$pids" 2>/dev/null)" ]]; then
    echo "flink-cluster: not running (folder $dir)" >&2
    return 0
  fi
  local f
  for f in "$pids"/taskmanager-*.pid "$pids"/jobmanager.pid; do
    [[ -e "$f" ]] && stop_pid_file "$f" "$conf"
  done
  echo "flink-cluster: stopped (folder $dir)" >&2
}

# Flink's CLI with the cluster's configuration (REST address and port): bin/flink without a
# distribution. Its exit code is the command's.
flink_cli() {
  alive "$pids/jobmanager.pid" "$conf" || { echo "flink-cluster: not running (folder $dir)" >&2; exit 1; }
  FLINK_CONF_DIR="$conf" OPT_OUT_TRACKING=true exec java "${FLINK_OPENS[@]}" -Doffline=true \
    -Dlog.file="$log/flink-cli.log" -Dlog4j.configurationFile="file://$conf/log4j.properties" \
    -cp "$LIB/*" org.apache.flink.client.cli.CliFrontend "${flink_args[@]}"
}

start_application() {
  [[ -n "$jar" ]] || { echo "flink-cluster: start-application needs --jar JAR" >&2; exit 2; }
  [[ -f "$jar" ]] || { echo "flink-cluster: --jar $jar: no such file" >&2; exit 2; }
  jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  application=yes
  start
}

case "$command" in
  start) start ;;
  start-application) start_application ;;
  flink) flink_cli ;;
  add-taskmanager) add_taskmanager ;;
  status) status ;;
  stop) stop ;;
  -h | --help | help) usage ;;
  *) echo "flink-cluster: unknown command '$command'" >&2; usage ;;
esac
