# Boots the cached Debian root (lib.sh: ensure_rootfs) with a real systemd as PID 1 in a container and runs
# commands in it. Sourced by the systemd tests after lib.sh.
#   container_boot ROOTFS     copies the cached root to a scratch folder and boots it (waits for multi-user)
#   in_container CMD...       runs CMD inside (all namespaces of the container's PID 1)
#   container_stop            powers it off and removes the scratch copy

SIAMPAIN_MACHINE=${SIAMPAIN_MACHINE:-siampain-ci-$$}

container_boot() {
  local cached="$1"
  CONTAINER_DIR=$(mktemp -d /var/tmp/siampain-nspawn.XXXXXX)
  CONTAINER_ROOT="$CONTAINER_DIR/root"
  # A throw-away copy: every run starts from the same clean system, and the cache stays pristine.
  cp -a "$cached" "$CONTAINER_ROOT"
  CONTAINER_CONSOLE="$CONTAINER_DIR/console.log"
  # systemd-nspawn wants a terminal on stdin; `script` gives it a pty, and the never-ending pipe keeps that pty's
  # input open (at end of input nspawn would see a hang-up and stop the container).
  (tail -f /dev/null | script -qfec "systemd-nspawn --quiet --register=no --keep-unit --private-network \
      --machine=$SIAMPAIN_MACHINE -D $CONTAINER_ROOT -b" "$CONTAINER_CONSOLE" >/dev/null 2>&1) &
  CONTAINER_SHELL=$!
  local i
  CONTAINER_PID=
  for i in $(seq 1 120); do
    kill -0 "$CONTAINER_SHELL" 2>/dev/null || break
    CONTAINER_PID=$(container_init_pid) && [ -n "$CONTAINER_PID" ] \
      && state=$(in_container systemctl is-system-running 2>/dev/null) \
      && { [ "$state" = running ] || [ "$state" = degraded ]; } && break
    sleep 1
  done
  [ -n "$CONTAINER_PID" ] || { log "container did not boot; its console:"; cat "$CONTAINER_CONSOLE" >&2; return 1; }
  log "container booted (PID 1 = host pid $CONTAINER_PID, system $(in_container systemctl is-system-running 2>/dev/null))"
}

# The host pid of the container's systemd: the process under our nspawn whose pid in its own namespace is 1.
container_init_pid() {
  local todo=("$CONTAINER_SHELL") p c
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}; todo=("${todo[@]:1}")
    if grep -q '^NSpid:[[:space:]]*[0-9]*[[:space:]]*1$' "/proc/$p/status" 2>/dev/null; then echo "$p"; return 0; fi
    for c in $(pgrep -P "$p"); do todo+=("$c"); done
  done
  return 1
}

in_container() {
  nsenter --target "$CONTAINER_PID" --mount --uts --ipc --net --pid --root --wd=/ \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER= SYSTEMD_COLORS=0 TERM=dumb "$@"
}

container_stop() {
  [ -n "${CONTAINER_PID:-}" ] && in_container systemctl poweroff >/dev/null 2>&1 || true
  local i
  for i in $(seq 1 30); do
    kill -0 "${CONTAINER_SHELL:-0}" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "${CONTAINER_SHELL:-0}" 2>/dev/null; then
    [ -n "${CONTAINER_PID:-}" ] && kill -KILL "$CONTAINER_PID" 2>/dev/null
    kill "$CONTAINER_SHELL" 2>/dev/null
  fi
  wait "${CONTAINER_SHELL:-0}" 2>/dev/null || true
  [ -n "${CONTAINER_DIR:-}" ] && rm -rf "$CONTAINER_DIR"
  CONTAINER_PID= CONTAINER_DIR=
}
