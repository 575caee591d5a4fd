#!/usr/bin/env bash
# System test: the x64 release installed by deploy/install.sh into a real systemd (PID 1 of a systemd-nspawn
# container booted from a cached Debian 12 root) and run by systemd/siampain.service, unchanged:
#   - install.sh refuses bad input without leaving anything behind (incomplete release, wrong architecture,
#     a failure half-way, a config readable by others) and fixes a service user without GPIO rights;
#   - with the shipped template on a board without camera the service fails at start with a clear message;
#   - with a working config the unit is active only after READY, runs as siampain in the gpio and video groups
#     with the hardening in effect; install.sh again is a no-op update; `systemd-analyze verify` is clean;
#   - a frame loop that hangs (the camera process stalls forever) stops the watchdog pings and systemd kills and
#     restarts the service ("Failed with result 'watchdog'");
#   - `systemctl stop` is clean; --uninstall leaves no unit and no binaries but keeps the data; --purge removes it.
# Usage: tests/deploy/systemd-container.sh [RELEASE_DIR]   (default: publishes linux-x64 into a temp folder)
# Needs root and the network to the Debian mirror on first use (debootstrap); installs its own packages.
set -euo pipefail
TEST_NAME=systemd
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/container.sh"
root_dir=$(repo_root)
[ "$(id -u)" -eq 0 ] || die "needs root (systemd-nspawn, debootstrap)"
t0=$(date +%s)

work=$(mktemp -d /var/tmp/siampain-systemd-test.XXXXXX)
cleanup() { container_stop; rm -rf "$work"; }
trap cleanup EXIT

with_ci_lock ensure_packages systemd-container debootstrap util-linux || die "apt failed"
rootfs=$(with_ci_lock ensure_rootfs) || die "debootstrap failed"

release=${1:-}
if [ -z "$release" ]; then
  log "publishing linux-x64"
  with_ci_lock "$root_dir/deploy/publish.sh" --out "$work/release" --no-tar linux-x64 >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; die "publish failed"; }
  release="$work/release/siampain-linux-x64"
fi
[ -x "$release/app/siampain" ] || die "no release at $release"

log "systemd-analyze security (offline): $(systemd-analyze security --offline=true "$root_dir/systemd/siampain.service" 2>&1 | tail -1)"

container_boot "$rootfs" || die "the container did not boot"
ic() { in_container "$@"; }
R=$CONTAINER_ROOT

# Releases inside the container: the real one, and broken copies for the bad-input cases.
cp -a "$release" "$R/root/release"
if [ ! -f "$R/root/release/siampain.example.json" ]; then
  # An older release without the template: the test writes the shape the template has (rpicam camera, GPIO door).
  printf '{ "Camera": { "Kind": "Rpicam" }, "Door": { "Output": "Gpio" } }\n' >"$R/root/release/siampain.example.json"
fi
cp -a "$R/root/release" "$R/root/no-models" && rm -rf "$R/root/no-models/app/models"
cp -a "$R/root/release" "$R/root/wrong-arch" && printf '\xb7\x00' | dd of="$R/root/wrong-arch/app/siampain" bs=1 seek=18 conv=notrunc status=none

nothing_installed() {
  ic test ! -e /opt/siampain || die "$1: /opt/siampain was left behind"
  ic test ! -e /etc/systemd/system/siampain.service || die "$1: the unit was left behind"
  ! ic getent passwd siampain >/dev/null || die "$1: the user was left behind"
  ! ic getent group gpio >/dev/null || die "$1: the gpio group was left behind"
  [ -z "$(ls "$R/opt")" ] || die "$1: left in /opt: $(ls "$R/opt")"
}
expect_fail() { # NAME EXPECTED_TEXT CMD... : the command fails and says EXPECTED_TEXT
  local name=$1 text=$2 out; shift 2
  if out=$(ic "$@" 2>&1); then die "$name: succeeded but should have failed: $out"; fi
  grep -qF -- "$text" <<<"$out" || die "$name: the message does not say '$text': $out"
  log "$name: refused: $(grep -F -- "$text" <<<"$out" | head -1 | cut -c1-160)"
}

# --- bad input on a fresh board: refused before any change -------------------------------------------------
expect_fail "incomplete release" "has no models" /root/no-models/install.sh
nothing_installed "incomplete release"
expect_fail "wrong architecture" "built for aarch64 but this machine is x86_64" /root/wrong-arch/install.sh
nothing_installed "wrong architecture"
# A failure half-way (the config folder cannot be made: a file is in the way) rolls back user, groups, binaries.
ic touch /etc/siampain
expect_fail "failure half-way" "undoing this run's changes" /root/release/install.sh
nothing_installed "failure half-way"
ic rm /etc/siampain

# --- the shipped template on a board without camera: clear message, no restart loop -------------------------
out=$(ic /root/release/install.sh 2>&1) && die "install with no camera should report that the service did not start: $out"
grep -qF "no camera found" <<<"$out" || die "install did not warn about the missing camera: $out"
grep -qF "no GPIO chips" <<<"$out" || die "install did not warn about the missing GPIO chips: $out"
grep -qE "configuration error|camera error|door signal error" <<<"$out" || die "install did not show the service's start error: $out"
log "template as shipped: $(grep -E -A1 'configuration error|camera error|door signal error' <<<"$out" | tr '\n' ' ' | cut -c1-200)"
[ "$(ic systemctl show -p ActiveEnterTimestampMonotonic --value siampain)" = 0 ] || die "the unit became active without READY"
[ "$(ic systemctl show -p NRestarts --value siampain)" = 0 ] || die "a configuration error (exit 78) was restarted"
# The template's broker credentials filled in (here: none, plain TCP on loopback): what is left is the camera.
ic sed -i -E '/"(Username|PasswordFile|CaFile)"/d; s/"Tls": true/"Tls": false/; s/"Host": "[^"]*"/"Host": "127.0.0.1"/; s/"Port": 8883/"Port": 1883/' \
  /etc/siampain/siampain.json
ic systemctl restart siampain 2>/dev/null && die "the service started without a camera"
camera=$(ic journalctl -u siampain -o cat --no-pager | grep -E 'camera error' | tail -1)
[ -n "$camera" ] || die "no camera error in the journal: $(ic journalctl -u siampain -o cat --no-pager | tail -10)"
[ "$(ic systemctl show -p ExecMainStatus --value siampain)" = 78 ] || die "a missing camera did not exit with 78"
log "no camera: exit 78, $camera"
ic test -x /opt/siampain/siampain || die "a failing service must not undo the installation"

# --- a working terminal ---------------------------------------------------------------------------------------
# Camera: a command writing raw 320x240 frames 5 times a second until /var/lib/siampain/stall exists; then it hangs
# without writing, like a camera process stuck in its driver (restarts of it hang too).
head -c $((320 * 240 * 3)) /dev/zero >"$R/var/lib/siampain/frame.raw"
cat >"$R/etc/siampain/siampain.json" <<'EOF'
{
  "Camera": {
    "Kind": "Command", "Command": "/bin/sh", "PixelFormat": "Bgr24", "Width": 320, "Height": 240, "FrameRate": 5,
    "Arguments": [ "-c", "while :; do [ -e /var/lib/siampain/stall ] && exec sleep 3600; cat /var/lib/siampain/frame.raw; sleep 0.2; done" ]
  },
  "Door": { "Output": "Console" },
  "Mqtt": { "Host": "127.0.0.1", "Port": 1883, "DeviceId": "door-ci" }
}
EOF
ic chown root:siampain /etc/siampain/siampain.json
ic chmod 0640 /etc/siampain/siampain.json

# Watch ActiveState from the moment of the start: it must be "activating" until READY, then "active".
( for _ in $(seq 1 600); do ic systemctl show -p ActiveState --value siampain; sleep 0.1; done ) >"$work/states" 2>/dev/null &
watcher=$!
out=$(ic /root/release/install.sh 2>&1) || die "install failed: $out"
kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true
grep -qF "kept the existing /etc/siampain/siampain.json" <<<"$out" || die "install did not keep the config: $out"
[ "$(ic systemctl is-active siampain)" = active ] || die "not active after install: $(ic systemctl status siampain --no-pager)"
states=$(uniq "$work/states" | tr '\n' ' ')
log "ActiveState during start: $states"
grep -q 'activating active' <<<"$states" || die "the unit did not go activating -> active: $states"

# A technician's typo over SSH gets one line naming what is missing, never a stack trace.
expect_fail "eval without its data set" "error: /root/no-lfw/pairs.txt: LFW's pairs.txt is missing" /opt/siampain/siampain eval lfw /root/no-lfw
expect_fail "bench with a wrong models folder" "error: /root/no-models-here/manifest.json: does not exist" /opt/siampain/siampain bench fps --models /root/no-models-here
ready_line=$(ic journalctl -u siampain -o cat --no-pager | grep -n 'Started siampain.service' | tail -1 | cut -d: -f1)
models_line=$(ic journalctl -u siampain -o cat --no-pager | grep -n 'Models loaded' | tail -1 | cut -d: -f1)
[ -n "$ready_line" ] && [ -n "$models_line" ] && [ "$models_line" -lt "$ready_line" ] \
  || die "systemd reported Started before the models were loaded: $(ic journalctl -u siampain -o cat --no-pager | tail -20)"
log "READY: 'Models loaded' is journal line $models_line, systemd's 'Started' line $ready_line"

pid=$(ic systemctl show -p MainPID --value siampain)
status=$(ic cat "/proc/$pid/status")
uid=$(awk '/^Uid:/ {print $2}' <<<"$status")
[ "$uid" = "$(ic id -u siampain)" ] || die "runs as uid $uid, not siampain"
for g in gpio video; do
  grep -qw "$(ic getent group $g | cut -d: -f3)" <<<"$(grep '^Groups:' <<<"$status")" || die "not in group $g: $(grep '^Groups:' <<<"$status")"
done
grep -q '^NoNewPrivs:[[:space:]]*1' <<<"$status" || die "NoNewPrivileges is not in effect"
grep -q '^Seccomp:[[:space:]]*2' <<<"$status" || die "the system call filter is not in effect"
grep -q '^CapEff:[[:space:]]*0000000000000000' <<<"$status" || die "the service has capabilities"
ic nsenter -t "$pid" -m sh -c '! touch /opt/siampain/x 2>/dev/null && ! touch /etc/siampain/x 2>/dev/null && touch /var/lib/siampain/.rw && rm /var/lib/siampain/.rw' \
  || die "ProtectSystem=strict is not in effect (or the state folder is not writable): $(ic nsenter -t "$pid" -m sh -c "touch /etc/siampain/x; grep -E \" /(etc|opt|var/lib/siampain|etc/siampain) \" /proc/self/mountinfo" 2>&1)"
log "running as siampain (groups gpio, video), no capabilities, NoNewPrivs, seccomp, read-only system"

verify=$(ic systemd-analyze verify /etc/systemd/system/siampain.service 2>&1) || die "systemd-analyze verify failed: $verify"
[ -z "$verify" ] || die "systemd-analyze verify is not clean: $verify"
log "systemd-analyze verify: clean"

# --- install again: an update, nothing else changes ------------------------------------------------------------
out=$(ic /root/release/install.sh 2>&1) || die "second install failed: $out"
grep -qF "the systemd unit is up to date" <<<"$out" || die "second install replaced the unit: $out"
[ "$(ic systemctl is-active siampain)" = active ] || die "not active after the second install"
log "install again: $(grep -v WARNING <<<"$out" | tr '\n' ' ' | cut -c1-240)"

# --- bad input on an installed board ---------------------------------------------------------------------------
ic chmod 0644 /etc/siampain/siampain.json
inode=$(ic stat -c %i /opt/siampain)
expect_fail "config readable by others" "chmod 0640 /etc/siampain/siampain.json" /root/release/install.sh
[ "$(ic stat -c %i /opt/siampain)" = "$inode" ] || die "the refused install changed /opt/siampain"
ic chmod 0640 /etc/siampain/siampain.json
ic gpasswd -d siampain gpio >/dev/null
out=$(ic /root/release/install.sh 2>&1) || die "install failed: $out"
grep -qF "was not in group gpio" <<<"$out" || die "install did not report the missing GPIO rights: $out"
ic id -nG siampain | grep -qw gpio || die "install did not add siampain to gpio"
log "user without GPIO rights: $(grep -F 'was not in group gpio' <<<"$out")"

# --- a hung frame loop: the watchdog restarts the service -----------------------------------------------------
pid=$(ic systemctl show -p MainPID --value siampain)
restarts=$(ic systemctl show -p NRestarts --value siampain)
since=$(ic date '+%Y-%m-%d %H:%M:%S')
ic touch /var/lib/siampain/stall
t_stall=$(date +%s)
unhealthy=
for _ in $(seq 1 90); do
  text=$(ic systemctl show -p StatusText --value siampain)
  [ -z "$unhealthy" ] && grep -q unhealthy <<<"$text" && unhealthy=$text
  ic journalctl -u siampain --since "$since" -o cat --no-pager | grep -qF "Failed with result 'watchdog'" && break
  sleep 1
done
ic journalctl -u siampain --since "$since" -o cat --no-pager | grep -qF "Failed with result 'watchdog'" \
  || die "no watchdog failure within 90 s of the stall: $(ic journalctl -u siampain --since "$since" -o cat --no-pager | tail -20)"
log "stall -> watchdog kill after $(( $(date +%s) - t_stall )) s; status while withheld: '${unhealthy:-not seen}'"
ic rm -f /var/lib/siampain/stall
for _ in $(seq 1 60); do
  [ "$(ic systemctl is-active siampain)" = active ] && [ "$(ic systemctl show -p MainPID --value siampain)" != "$pid" ] && break
  sleep 1
done
[ "$(ic systemctl is-active siampain)" = active ] || die "not active again after the watchdog restart"
[ "$(ic systemctl show -p NRestarts --value siampain)" -gt "$restarts" ] || die "NRestarts did not grow"
log "restarted by systemd: $(ic journalctl -u siampain --since "$since" -o cat --no-pager | grep -E '^siampain.service: (Watchdog timeout|Killing|Failed with result|Scheduled restart)' | tr '\n' '|' | cut -c1-300)"

# --- systemctl stop is clean -------------------------------------------------------------------------------------
since=$(ic date '+%Y-%m-%d %H:%M:%S')
t_stop=$(date +%s%N)
ic systemctl stop siampain
took_ms=$(( ($(date +%s%N) - t_stop) / 1000000 ))
[ "$(ic systemctl show -p Result --value siampain)" = success ] || die "stop result: $(ic systemctl show -p Result --value siampain)"
code=$(ic systemctl show -p ExecMainStatus --value siampain)
[ "$code" = 0 ] || die "the service exited with $code on stop"
left=$(ic sh -c 'for p in /proc/[0-9]*; do [ "$(stat -c %u $p)" = "$(id -u siampain)" ] && cat $p/comm; done' 2>/dev/null || true)
[ -z "$left" ] || die "processes left after stop: $left"
ic journalctl -u siampain --since "$since" -o cat --no-pager | grep -qE 'Deactivated successfully|Stopped siampain' || die "no clean stop in the journal"
log "systemctl stop: exit 0, result success, no process left (${took_ms} ms)"

# --- uninstall keeps the data; purge removes it ------------------------------------------------------------------
ic test -f /var/lib/siampain/siampain.db || die "the service wrote no database"
out=$(ic /root/release/install.sh --uninstall 2>&1) || die "uninstall failed: $out"
ic test ! -e /etc/systemd/system/siampain.service || die "the unit is still there"
ic test ! -e /opt/siampain || die "the binaries are still there"
! ic systemctl cat siampain.service >/dev/null 2>&1 || die "systemd still knows the unit"
ic test -f /var/lib/siampain/siampain.db || die "uninstall removed the database"
ic test -f /etc/siampain/siampain.json || die "uninstall removed the config"
out=$(ic /root/release/install.sh --uninstall 2>&1) || die "second uninstall failed: $out"
grep -qF "nothing to remove" <<<"$out" || die "second uninstall: $out"
ic /root/release/install.sh --uninstall --purge >/dev/null 2>&1 || die "purge failed"
ic test ! -e /var/lib/siampain || die "purge kept /var/lib/siampain"
! ic getent passwd siampain >/dev/null || die "purge kept the user"
log "uninstall: no unit, no binaries, data kept; purge: data and user gone"

log "PASS in $(( $(date +%s) - t0 )) s"
