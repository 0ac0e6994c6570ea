#!/usr/bin/env bash
# Usage: tests/emulator/watchdog.sh SECONDS CMD [ARGS...]
#
# Runs CMD in its own process group and exits with its status. If CMD is still running after
# SECONDS, first prints what every process of the group is doing (state, kernel wait channel, TCP
# sockets) and has each Node.js process write a diagnostic report (JS stack, libuv handles, native
# stack) into $WATCHDOG_REPORTS (default target/test-artifacts/emulator-node), then kills the
# group and exits 124. Node tests stalled once for 14 min where no JS timeout could see it (before
# the first test of a file); this turns a recurrence into a failure that says where it stood.
set -uo pipefail

limit=$1
shift
reports=${WATCHDOG_REPORTS:-target/test-artifacts/emulator-node}
mkdir -p "$reports"
reports=$(cd "$reports" && pwd)
# SIGUSR2 makes a Node.js process write a report (every node in the group inherits this).
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--report-on-signal --report-signal=SIGUSR2 --report-directory=$reports"

marker=$(mktemp)
setsid "$@" &
pid=$!
# The group has no terminal: pass an interrupt on to it.
trap 'kill -TERM -- "-$pid" 2>/dev/null; rm -f "$marker"; exit 130' INT TERM HUP

for ((waited = 0; waited < limit; waited++)); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if ! kill -0 "$pid" 2>/dev/null; then
  wait "$pid"
  status=$?
  rm -f "$marker"
  exit "$status"
fi

# Written to a file first: if the stall is a full output pipe, the file still has it.
describe() {
  echo "=== watchdog: still running after ${limit} s: $*"
  pids=$(ps -o pid= -g "$pid" | tr -s ' \n' ' ')
  ps -o pid,ppid,stat,wchan:24,etime,args -g "$pid"
  for p in $pids; do
    [ -d "/proc/$p" ] || continue
    echo "--- pid $p threads (tid state wchan):"
    for task in /proc/"$p"/task/*; do
      printf '  %s %s %s\n' "${task##*/}" "$(awk '{print $3}' "$task/stat" 2>/dev/null)" "$(cat "$task/wchan" 2>/dev/null)"
    done
    sed 's/^/  main thread kernel stack: /' "/proc/$p/stack" 2>/dev/null
    # A main thread asleep outside epoll (a lock, a condition variable) cannot write a Node.js
    # report: take the native stacks of all its threads instead, when gdb is there.
    if ! grep -q epoll "/proc/$p/wchan" 2>/dev/null && command -v gdb > /dev/null; then
      timeout 60 gdb -p "$p" -batch -ex 'thread apply all bt 40' > "$reports/gdb.$p.txt" 2>&1
      echo "  native stacks: $reports/gdb.$p.txt"
    fi
  done
  echo "--- TCP sockets of the group:"
  ss -tanp 2>/dev/null | grep -E "pid=($(echo "$pids" | tr ' ' '|' | sed 's/^|//; s/|$//'))," || echo "  none"
  for p in $pids; do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = node ]; then kill -USR2 "$p" 2>/dev/null; fi
  done
  sleep 3
  echo "--- Node.js reports (a process whose main thread is blocked writes none):"
  find "$reports" -name 'report.*.json' -newer "$marker" | sed 's/^/  /'
}
log="$reports/watchdog.$(date +%Y%m%d.%H%M%S).txt"
describe "$@" > "$log" 2>&1
cat "$log"
echo "(also in $log)"
rm -f "$marker"
kill -TERM -- "-$pid" 2>/dev/null
sleep 5
kill -KILL -- "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit 124
