# Helpers shared by the local scripts (kafka.sh, flink-cluster.sh): jars from Maven Central into a
# folder of their own, and processes tracked by PID files. Sourced, not run.

# fetch_jars POM LIB WHAT: resolves POM's runtime dependencies into LIB, once per version of POM
# (LIB/.complete holds the checksum of the POM it was fetched for, so an added jar is fetched too).
fetch_jars() {
  local pom="$1" lib="$2" what="$3" sum
  sum="$(cksum < "$pom")"
  [[ -f "$lib/.complete" && "$(cat "$lib/.complete")" == "$sum" ]] && return 0
  echo "fetching the $what jars into $lib (once)" >&2
  rm -rf "$lib"
  mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$lib" >&2
  echo "$sum" > "$lib/.complete"
}

# alive PIDFILE [MARK]: whether the process a PID file names is running and, given MARK, its
# command line contains MARK. PIDs are reused (pid_max is often 32768), so the PID file of a
# process that was killed a while ago may name another, unrelated process by now.
alive() {
  [[ -f "$1" ]] || return 1
  local pid
  pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -z "${2:-}" || ! -r "/proc/$pid/cmdline" ]] && return 0 # no /proc (macOS): trust the PID
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$2"
}

# stop_pid_file PIDFILE [MARK]: ends the process it names (SIGTERM, SIGKILL after 30 s), then
# removes it; with MARK only if its command line contains MARK (see alive).
stop_pid_file() {
  local f="$1" pid waited=0
  alive "$f" "${2:-}" || { rm -f "$f"; return 0; }
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited == 30)); then
      echo "PID $pid did not stop within 30s; killing it" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
    sleep 1 # waiting for another process to end: there is no event to wait on
    waited=$((waited + 1))
  done
  rm -f "$f"
}
