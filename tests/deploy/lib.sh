# Shared helpers for the deploy system tests (sourced, not run).
# Every test installs what it needs itself: CI machines start as a fresh Debian 12 with root and the package
# registries only.

log() { printf '[%s %s] %s\n' "$(date -u +%H:%M:%S)" "${TEST_NAME:-deploy}" "$*"; }
die() { log "FAIL: $*"; exit 1; }

# apt-installs the packages (name[:arch]) that dpkg does not list as installed; idempotent.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt: installing ${missing[*]}"
  if [ "${_SIAMPAIN_APT_UPDATED:-0}" != 1 ]; then
    # A third-party list that cannot be fetched makes update fail although the Debian lists are fine.
    apt-get update -qq || log "apt-get update reported errors; installing from the lists it has"
    _SIAMPAIN_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Adds a foreign dpkg architecture once (the next ensure_packages refreshes the lists).
ensure_architecture() {
  dpkg --print-foreign-architectures | grep -qx "$1" && return 0
  log "dpkg: adding architecture $1"
  dpkg --add-architecture "$1"
  _SIAMPAIN_APT_UPDATED=0
}

repo_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd); }

# The Debian mirror this machine's apt uses (a CI machine may only reach that one).
debian_mirror() {
  local m
  m=$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
         grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
       | grep -E '/debian/?$' | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

# A minimal Debian 12 root with systemd for booting in a container, cached outside the repository: debootstrap
# downloads about 50 s of packages, so it is made once per machine and reused. Prints its path.
SIAMPAIN_CI_CACHE=${SIAMPAIN_CI_CACHE:-/var/cache/siampain-ci}
ensure_rootfs() {
  local root="$SIAMPAIN_CI_CACHE/bookworm-systemd"
  if [ ! -f "$root/.complete" ]; then
    ensure_packages debootstrap systemd-container >&2 || return 1
    rm -rf "$root" && mkdir -p "$SIAMPAIN_CI_CACHE"
    local mirror
    mirror=$(debian_mirror)
    log "debootstrap: bookworm minbase + systemd from $mirror into $root" >&2
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$root" \
      "$mirror" >"$SIAMPAIN_CI_CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$SIAMPAIN_CI_CACHE/debootstrap.log" >&2; return 1; }
    # No login prompt on the container's console: it would hold the pty nobody reads.
    ln -sf /dev/null "$root/etc/systemd/system/console-getty.service"
    ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
    touch "$root/.complete"
  fi
  echo "$root"
}

# Runs a command (or function) holding the machine-wide CI lock: apt, dpkg and the rootfs cache are shared by
# every test run on the machine.
with_ci_lock() {
  mkdir -p /var/lock
  {
    flock 9
    "$@"
  } 9>/var/lock/siampain-ci.lock
}
