#!/bin/bash
# Stops what test/services/up.sh started, by PID file, in reverse order, and waits until it is gone.
S=${REPROLAB_SERVICES:-/tmp/reprolab-services}
pids=()
stop() {
  local f=$1 p
  [ -s "$f" ] || return 0
  p=$(cat "$f")
  kill "$p" 2>/dev/null && pids+=("$p")
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
}
stop "$S/jupyter.pid"
stop "$S/slurmd.pid"
stop "$S/slurmctld.pid"
stop "$S/slurmdbd.pid"
stop "$S/mariadb.pid"
stop "$S/sshd.pid"
stop "$S/sshd-mfa.pid"
stop "$S/sshd-jump.pid"
stop "$S/munged.pid"
rm -rf /usr/local/bin/apptainer /var/lib/reprolab-standin   # the tests' stand-in, installed by up.sh
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null; done
echo "[services] stopped ${#pids[@]} processes"
