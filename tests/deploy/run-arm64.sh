#!/usr/bin/env bash
# Runs an arm64 program under qemu-user with an ARM /proc/cpuinfo:  tests/deploy/run-arm64.sh PROGRAM [ARGS...]
# ONNX Runtime reads /proc/cpuinfo at load to pick its kernels and crashes on the host's x86 text, so the program
# runs in a private mount namespace where cpuinfo-arm64.txt (a 4-core Cortex-A72, as on a Raspberry Pi 4) is
# bind-mounted over /proc/cpuinfo; the host's own /proc/cpuinfo is untouched. Needs root, qemu-user-static
# and the arm64 C/C++ runtime libraries (tests/deploy/arm64-emulation.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARGS...]" >&2; exit 2; }
qemu=$(command -v qemu-aarch64-static) || { echo "run-arm64: qemu-aarch64-static is not installed" >&2; exit 1; }
# QEMU_LD_PREFIX is not needed: the arm64 libraries are installed multiarch, where the arm64 loader looks.
exec unshare --mount --propagation private -- sh -c 'mount --bind "$1" /proc/cpuinfo && shift && exec "$@"' \
  sh "$here/cpuinfo-arm64.txt" "$qemu" "$@"
