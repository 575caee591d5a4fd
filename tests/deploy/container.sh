# Boots the cached Debian root (lib.sh: ensure_rootfs) with a real systemd as PID 1 in a container and runs
# commands in it. Sourced by the systemd tests after lib.sh.
#   container_boot ROOTFS     copies the cached root to a scratch folder and boots it (waits for multi-user)
#   in_container CMD...       runs CMD inside (all namespaces of the container's PID 1)
#   container_stop            powers it off (kills it if it hangs) and removes the scratch copy

SIAMPAIN_MACHINE=${SIAMPAIN_MACHINE:-siampain-ci-$$}
CONTAINER_PID=
CONTAINER_NSPAWN=
CONTAINER_SCRIPT=
CONTAINER_HOLD=
CONTAINER_DIR=

container_boot() {
  local cached="$1" i state
  CONTAINER_DIR=$(mktemp -d /var/tmp/siampain-nspawn.XXXXXX)
  CONTAINER_ROOT="$CONTAINER_DIR/root"
  # A throw-away copy: every run starts from the same clean system, and the cache stays pristine.
  cp -a "$cached" "$CONTAINER_ROOT"
  CONTAINER_CONSOLE="$CONTAINER_DIR/console.log"
  # systemd-nspawn wants a terminal; `script` gives it a pty. Its input is a FIFO held open by a sleeping writer:
  # at end of input nspawn would see a hang-up and stop the container.
  mkfifo "$CONTAINER_DIR/stdin"
  sleep infinity >"$CONTAINER_DIR/stdin" &
  CONTAINER_HOLD=$!
  script -qfec "systemd-nspawn --quiet --register=no --keep-unit --private-network --machine=$SIAMPAIN_MACHINE -D $CONTAINER_ROOT -b" \
    "$CONTAINER_CONSOLE" <"$CONTAINER_DIR/stdin" >/dev/null 2>&1 &
  CONTAINER_SCRIPT=$!
  for i in $(seq 1 120); do
    kill -0 "$CONTAINER_SCRIPT" 2>/dev/null || break
    [ -n "$CONTAINER_NSPAWN" ] || CONTAINER_NSPAWN=$(container_nspawn_pid || true)
    [ -n "$CONTAINER_NSPAWN" ] && [ -z "$CONTAINER_PID" ] && CONTAINER_PID=$(container_init_pid || true)
    if [ -n "$CONTAINER_PID" ]; then
      state=$(in_container systemctl is-system-running 2>"$CONTAINER_DIR/probe.err" || true)
      [ "$state" = running ] || [ "$state" = degraded ] && break
    fi
    sleep 1
  done
  if [ -z "$CONTAINER_PID" ] || [ "${state:-}" != running ] && [ "${state:-}" != degraded ]; then
    log "container did not boot (state '${state:-}', nspawn pid '${CONTAINER_NSPAWN}', init pid '${CONTAINER_PID}'); its console:"
    cat "$CONTAINER_CONSOLE" >&2
    log "last probe's errors: $(cat "$CONTAINER_DIR/probe.err" 2>/dev/null)"
    log "processes under the console: $(ps -o pid=,ppid=,comm= --ppid "$CONTAINER_SCRIPT" 2>&1 | tr '\n' ';') $( [ -n "$CONTAINER_NSPAWN" ] && ps -o pid=,ppid=,comm= --ppid "$CONTAINER_NSPAWN" 2>&1 | tr '\n' ';')"
    [ -n "$CONTAINER_PID" ] && log "init status: $(grep -E '^(NSpid|State)' "/proc/$CONTAINER_PID/status" | tr '\n' ' ')"
    return 1
  fi
  log "container booted (its PID 1 is host pid $CONTAINER_PID; system $state)"
}

# True when process $1 has $2 among its ancestors.
descends_from() {
  local p=$1
  while [ -n "$p" ] && [ "$p" -gt 1 ]; do
    p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || return 1
    [ "$p" = "$2" ] && return 0
  done
  return 1
}

# PID 1 of a pid namespace below ours: more than one NSpid entry, the innermost being 1 (however deep our own
# namespace is nested).
is_namespace_init() {
  grep -Eq '^NSpid:([[:space:]]+[0-9]+)+[[:space:]]+1$' "/proc/$1/status" 2>/dev/null
}

# Both found by ancestry, not as direct children: whether the shell that `script` starts execs nspawn, and how
# nspawn forks the container's init, differ between machines and versions.
container_nspawn_pid() {
  local p
  for p in $(pgrep -x systemd-nspawn); do
    descends_from "$p" "$CONTAINER_SCRIPT" && { echo "$p"; return 0; }
  done
  return 1
}

container_init_pid() {
  local p
  for p in $(ls /proc | grep -E '^[0-9]+$'); do
    is_namespace_init "$p" && descends_from "$p" "$CONTAINER_NSPAWN" && { echo "$p"; return 0; }
  done
  return 1
}

in_container() {
  # Never fall through to the host: the target must be PID 1 of another pid namespace.
  if [ -z "$CONTAINER_PID" ] || ! is_namespace_init "$CONTAINER_PID"; then
    echo "in_container: the container is not running" >&2
    return 99
  fi
  # env -C /: nsenter keeps the host's working folder, which does not exist in the container.
  nsenter --target "$CONTAINER_PID" --mount --uts --ipc --net --pid --root \
    env -C / -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER= SYSTEMD_COLORS=0 TERM=dumb "$@"
}

container_stop() {
  local i
  if [ -n "$CONTAINER_PID" ]; then
    in_container systemctl poweroff --no-block >/dev/null 2>&1 || true
    for i in $(seq 1 20); do
      kill -0 "$CONTAINER_NSPAWN" 2>/dev/null || break
      sleep 1
    done
    # Killing a pid namespace's init kills everything in it.
    kill -0 "$CONTAINER_NSPAWN" 2>/dev/null && kill -KILL "$CONTAINER_PID" 2>/dev/null || true
  fi
  for i in $(seq 1 10); do
    [ -n "$CONTAINER_NSPAWN" ] && kill -0 "$CONTAINER_NSPAWN" 2>/dev/null || break
    sleep 1
  done
  # Each step on its own: a process that is already gone must not end the cleanup (set -e) before the rest.
  [ -n "$CONTAINER_NSPAWN" ] && kill -KILL "$CONTAINER_NSPAWN" 2>/dev/null || true
  [ -n "$CONTAINER_SCRIPT" ] && kill "$CONTAINER_SCRIPT" 2>/dev/null || true
  [ -n "$CONTAINER_HOLD" ] && kill "$CONTAINER_HOLD" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$CONTAINER_DIR" ] && rm -rf "$CONTAINER_DIR"
  CONTAINER_PID= CONTAINER_NSPAWN= CONTAINER_SCRIPT= CONTAINER_HOLD= CONTAINER_DIR=
}
