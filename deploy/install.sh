#!/usr/bin/env bash
# Installs (or updates) the Siampain terminal on a board, in one idempotent command, from a release folder made
# by deploy/publish.sh (this script sits in it):
#   sudo ./install.sh [--release DIR] [--no-start]
#   sudo ./install.sh --uninstall [--purge]
# Install: the siampain user (groups gpio, video), /opt/siampain (binaries and models), /etc/siampain/siampain.json
# (from siampain.example.json, only if absent: an existing config is never overwritten), /var/lib/siampain, the
# systemd unit; then enables and (re)starts the service. Everything is checked before anything is changed, and a
# failure while changing rolls back what this run did.
# Uninstall: stops the service, removes the unit and /opt/siampain; keeps the config, the database and the user
# unless --purge. See docs/operations.md.
set -euo pipefail

PREFIX=/opt/siampain
UNIT_FILE=/etc/systemd/system/siampain.service
DROPIN_DIR=/etc/systemd/system/siampain.service.d
CONF_DIR=/etc/siampain
CONF_FILE=$CONF_DIR/siampain.json
STATE_DIR=/var/lib/siampain
SERVICE_USER=siampain
START_WAIT=${SIAMPAIN_START_WAIT:-60}

say() { printf 'install: %s\n' "$*"; }
warn() { printf 'install: WARNING: %s\n' "$*" >&2; }
fail() { printf 'install: ERROR: %s\n' "$*" >&2; exit 1; }

release=$(cd "$(dirname "$0")" && pwd)
mode=install
purge=0
start=1
while [ $# -gt 0 ]; do
  case "$1" in
    --release) [ $# -ge 2 ] || fail "--release needs a folder"; release=$(cd "$2" 2>/dev/null && pwd) || fail "release folder '$2' does not exist"; shift 2 ;;
    --uninstall) mode=uninstall; shift ;;
    --purge) purge=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) fail "unknown argument '$1' (expected --release DIR, --no-start, --uninstall, --purge)" ;;
  esac
done
[ "$purge" = 0 ] || [ "$mode" = uninstall ] || fail "--purge only goes with --uninstall"

[ "$(id -u)" -eq 0 ] || fail "run as root: sudo $0 $*"
[ -d /run/systemd/system ] || fail "systemd is not running on this machine; the terminal runs as a systemd service"

# ---------------------------------------------------------------------------------------------------- uninstall
if [ "$mode" = uninstall ]; then
  removed=0
  if [ -f "$UNIT_FILE" ] || systemctl cat siampain.service >/dev/null 2>&1; then
    systemctl disable --now siampain.service >/dev/null 2>&1 || true
    rm -f "$UNIT_FILE"
    rm -rf "$DROPIN_DIR"
    systemctl daemon-reload
    systemctl reset-failed siampain.service >/dev/null 2>&1 || true
    say "stopped and removed the siampain service"
    removed=1
  fi
  if [ -e "$PREFIX" ]; then
    rm -rf "$PREFIX"
    say "removed $PREFIX"
    removed=1
  fi
  if [ "$purge" = 1 ]; then
    for d in "$CONF_DIR" "$STATE_DIR"; do
      [ -e "$d" ] && rm -rf "$d" && say "purged $d" && removed=1
    done
    if id "$SERVICE_USER" >/dev/null 2>&1; then
      userdel "$SERVICE_USER" && say "removed user $SERVICE_USER" && removed=1
    fi
    getent group "$SERVICE_USER" >/dev/null && groupdel "$SERVICE_USER" 2>/dev/null || true
  else
    kept=()
    for d in "$CONF_DIR" "$STATE_DIR"; do [ -e "$d" ] && kept+=("$d"); done
    [ ${#kept[@]} -eq 0 ] || say "kept ${kept[*]} and user $SERVICE_USER (add --purge to remove them)"
  fi
  [ "$removed" = 1 ] || say "nothing to remove: siampain is not installed"
  exit 0
fi

# ------------------------------------------------------------------------------ install: check, change nothing
app="$release/app"
[ -x "$app/siampain" ] || fail "no executable at $app/siampain: pass the release folder made by deploy/publish.sh (--release DIR)"
[ -f "$app/models/manifest.json" ] || fail "the release in $release has no models ($app/models/manifest.json is missing): publish it again"
[ -f "$release/siampain.service" ] || fail "the release in $release has no siampain.service: publish it again"

# The release must match this board: an arm64 build on x86 fails later with an unhelpful "Exec format error".
elf_machine=$(od -An -tx1 -j18 -N2 "$app/siampain" | tr -d ' \n')
case "$elf_machine" in
  b700) built=aarch64 ;;
  3e00) built=x86_64 ;;
  2800) built=armv7l ;;
  *) built="unknown ($elf_machine)" ;;
esac
board=$(uname -m)
case "$board" in
  aarch64) wanted="copy the siampain-linux-arm64 release instead" ;;
  x86_64) wanted="copy the siampain-linux-x64 release instead" ;;
  *) wanted="there is no release for $board (32-bit ARM: install the 64-bit OS, see operations.md)" ;;
esac
[ "$built" = "$board" ] || fail "this release is built for $built but this machine is $board: $wanted"

# An existing config may hold the broker password: it must not be readable or writable by other users.
if [ -e "$CONF_FILE" ]; then
  [ -f "$CONF_FILE" ] || fail "$CONF_FILE exists but is not a regular file"
  read -r conf_mode conf_owner conf_group < <(stat -c '%a %U %G' "$CONF_FILE")
  if [ "$conf_owner" != root ] || { [ "$conf_group" != root ] && [ "$conf_group" != "$SERVICE_USER" ]; } \
     || [ $((8#$conf_mode & 8#027)) -ne 0 ]; then
    fail "$CONF_FILE has owner $conf_owner:$conf_group and mode $conf_mode; it may hold the broker password, so it must be owned by root, group $SERVICE_USER, and not writable by the group nor readable by others. Fix: chown root:$SERVICE_USER $CONF_FILE && chmod 0640 $CONF_FILE   (nothing was changed)"
  fi
elif [ ! -f "$release/siampain.example.json" ]; then
  fail "there is no $CONF_FILE and the release has no siampain.example.json to make one from (nothing was changed)"
fi
if [ -e "$UNIT_FILE" ] && [ ! -f "$UNIT_FILE" ]; then
  fail "$UNIT_FILE exists but is not a regular file (nothing was changed)"
fi

# The hardware: warnings only, the technician may plug it in later and the service keeps retrying.
if ! compgen -G '/dev/video*' >/dev/null && ! compgen -G '/dev/media*' >/dev/null; then
  warn "no camera found (no /dev/video* or /dev/media*). Connect it (Pi: ribbon cable, then 'rpicam-hello --list-cameras'; USB: 'ls /dev/video*'); until then the service reports 'camera' errors and retries."
fi
chips=$(compgen -G '/dev/gpiochip*' || true)
if [ -z "$chips" ]; then
  warn "no GPIO chips (/dev/gpiochip*): the door LED and buzzer cannot work here; set \"Door\": { \"Output\": \"Console\" } or \"None\" in $CONF_FILE if the board has none."
else
  for chip in $chips; do
    read -r chip_group chip_mode < <(stat -c '%G %a' "$chip")
    if [ "$chip_group" != gpio ] || [ $((8#$chip_mode & 8#060)) -ne 8#060 ]; then
      warn "$chip is group $chip_group mode $chip_mode, so the gpio group cannot use it. Add the udev rule from docs/operations.md (SUBSYSTEM==\"gpio\", KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\") and run 'udevadm trigger'."
    fi
  done
fi

# ------------------------------------------------------------------------ install: change, roll back on failure
undo=()
rollback() {
  local i
  warn "install failed; undoing this run's changes"
  for ((i = ${#undo[@]} - 1; i >= 0; i--)); do eval "${undo[$i]}" || true; done
  systemctl daemon-reload >/dev/null 2>&1 || true
}
trap 'status=$?; [ $status -ne 0 ] && rollback; exit $status' EXIT

for group in gpio video; do
  if ! getent group "$group" >/dev/null; then
    groupadd --system "$group"
    undo+=("groupdel $group")
    say "created group $group"
  fi
done
if ! id "$SERVICE_USER" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir "$STATE_DIR" --shell /usr/sbin/nologin \
    --groups gpio,video --comment "Siampain attendance terminal" "$SERVICE_USER"
  undo+=("userdel $SERVICE_USER; groupdel $SERVICE_USER 2>/dev/null")
  say "created user $SERVICE_USER (groups gpio, video)"
else
  for group in gpio video; do
    if ! id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx "$group"; then
      usermod -aG "$group" "$SERVICE_USER"
      undo+=("gpasswd -d $SERVICE_USER $group >/dev/null")
      say "user $SERVICE_USER was not in group $group (no $( [ $group = gpio ] && echo GPIO || echo camera) rights): added"
    fi
  done
fi

# Binaries: copied beside the old ones and swapped in with renames, so a failed copy leaves the old release whole.
staging="$PREFIX.new.$$"
undo+=("rm -rf $staging")
cp -a "$app" "$staging"
[ -f "$release/operations.md" ] && cp "$release/operations.md" "$staging/operations.md"
chown -R root:root "$staging"
chmod -R u=rwX,go=rX "$staging"
new_version=$(cat "$staging/VERSION" 2>/dev/null || echo unknown)
if [ -d "$PREFIX" ]; then
  old_version=$(cat "$PREFIX/VERSION" 2>/dev/null || echo unknown)
  mv "$PREFIX" "$PREFIX.old.$$"
  undo+=("rm -rf $PREFIX; mv $PREFIX.old.$$ $PREFIX")
  mv "$staging" "$PREFIX"
  say "updated $PREFIX ($old_version -> $new_version)"
else
  mv "$staging" "$PREFIX"
  undo+=("rm -rf $PREFIX")
  say "installed $PREFIX ($new_version)"
fi

if [ ! -d "$CONF_DIR" ]; then
  install -d -m 0750 -o root -g "$SERVICE_USER" "$CONF_DIR"
  undo+=("rmdir $CONF_DIR")
fi
if [ ! -e "$CONF_FILE" ]; then
  install -m 0640 -o root -g "$SERVICE_USER" "$release/siampain.example.json" "$CONF_FILE"
  undo+=("rm -f $CONF_FILE")
  say "created $CONF_FILE from the template: edit it (camera, pins, broker), then: systemctl restart siampain"
else
  say "kept the existing $CONF_FILE"
fi
if [ ! -d "$STATE_DIR" ]; then
  install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE_DIR"
  undo+=("rmdir $STATE_DIR")
fi

if [ -f "$UNIT_FILE" ] && cmp -s "$release/siampain.service" "$UNIT_FILE"; then
  say "the systemd unit is up to date"
else
  if [ -f "$UNIT_FILE" ]; then
    cp -p "$UNIT_FILE" "$UNIT_FILE.old.$$"
    undo+=("mv $UNIT_FILE.old.$$ $UNIT_FILE")
  else
    undo+=("rm -f $UNIT_FILE")
  fi
  install -m 0644 -o root -g root "$release/siampain.service" "$UNIT_FILE"
  say "installed $UNIT_FILE"
fi
systemctl daemon-reload
systemctl enable siampain.service >/dev/null 2>&1
undo+=("systemctl disable siampain.service >/dev/null 2>&1")

# From here on the installation is complete: whether the service runs is the service's business, not a reason
# to take the installation apart again.
trap - EXIT
rm -rf "$PREFIX.old.$$" "$UNIT_FILE.old.$$"

if [ "$start" = 0 ]; then
  say "done; the service is enabled but not started (--no-start): systemctl start siampain"
  exit 0
fi
# restart, not start: an update must replace the running old binaries. No blocking: READY comes only after the
# first frame, and a missing camera should not hang the installer.
systemctl restart --no-block siampain.service
waited=0
while :; do
  state=$(systemctl is-active siampain.service || true)
  # Right after the restart request the old instance may still be active or stopping.
  case "$state" in
    activating|deactivating|reloading) ;;
    inactive|active) [ "$waited" -ge 2 ] && break ;;
    *) break ;;
  esac
  [ "$waited" -ge "$START_WAIT" ] && break
  sleep 1
  waited=$((waited + 1))
done
case "$state" in
  active) say "done; siampain is running (journalctl -u siampain -f to watch it)" ;;
  activating)
    warn "siampain is still starting after ${START_WAIT} s (it is ready only once frames flow: check the camera). Watch it: journalctl -u siampain -f"
    ;;
  *)
    warn "siampain did not start ($state). Its last log lines:"
    journalctl -u siampain.service -n 15 --no-pager -o cat >&2 || true
    warn "fix the cause (siampain doctor lists the usual ones), then: systemctl restart siampain"
    exit 3
    ;;
esac
