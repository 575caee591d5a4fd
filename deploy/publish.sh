#!/usr/bin/env bash
# Builds self-contained single-folder releases of the `siampain` executable with the models, one per runtime:
#   deploy/publish.sh [--out DIR] [--no-tar] [RID ...]      (default RIDs: linux-arm64 linux-x64)
# Each release is DIR/siampain-RID/ (default DIR: artifacts/release) holding
#   app/                 what install.sh copies to /opt/siampain: the executable, the .NET runtime, models/
#   install.sh           the one-command install on the board (see docs/operations.md)
#   siampain.service     the systemd unit
#   siampain.example.json  the documented configuration template
# plus DIR/siampain-RID.tar.gz to copy to the board. Sizes are printed at the end.
# Not trimmed: LiteDB's mapper, the options binder and System.CommandLine reflect over types that the trimmer
# would remove, and a trimmed build that fails only on the board is worse than 30 MB more on an SD card.
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/release
tar=1
rids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --no-tar) tar=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    linux-arm64|linux-x64) rids+=("$1"); shift ;;
    linux-arm)
      echo "publish: linux-arm (32-bit Raspberry Pi OS) is not built here; docs/operations.md says what it needs." >&2
      exit 2 ;;
    *) echo "publish: unknown argument '$1' (expected --out DIR, --no-tar, linux-arm64, linux-x64)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-arm64 linux-x64)
command -v dotnet >/dev/null || { echo "publish: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

for rid in "${rids[@]}"; do
  release="$out/siampain-$rid"
  rm -rf "$release" "$release.tar.gz"
  mkdir -p "$release"
  start=$(date +%s)
  dotnet publish src/Siampain/Siampain.csproj -c Release -r "$rid" --self-contained true \
    -p:PublishSingleFile=false -p:PublishTrimmed=false -p:DebugType=none -p:GenerateDocumentationFile=false \
    -o "$release/app" --nologo --verbosity quiet
  [ -x "$release/app/siampain" ] || { echo "publish: $rid: no executable in $release/app" >&2; exit 1; }
  [ -f "$release/app/models/manifest.json" ] || { echo "publish: $rid: models missing from $release/app/models" >&2; exit 1; }
  cp deploy/install.sh "$release/install.sh"
  cp systemd/siampain.service "$release/siampain.service"
  if [ -f deploy/siampain.example.json ]; then
    cp deploy/siampain.example.json "$release/siampain.example.json"
  else
    echo "publish: warning: deploy/siampain.example.json is missing; install.sh will refuse to create a config" >&2
  fi
  cp docs/operations.md "$release/operations.md" 2>/dev/null || true
  git rev-parse --short HEAD > "$release/app/VERSION" 2>/dev/null || echo unknown > "$release/app/VERSION"
  if [ "$tar" = 1 ]; then
    tar -C "$out" -czf "$release.tar.gz" "siampain-$rid"
  fi
  printf 'publish: %-12s %4d s  folder %s  models %s%s\n' "$rid" $(($(date +%s) - start)) \
    "$(du -sh "$release" | cut -f1)" "$(du -sh "$release/app/models" | cut -f1)" \
    "$([ "$tar" = 1 ] && echo "  tar.gz $(du -sh "$release.tar.gz" | cut -f1)")"
done
