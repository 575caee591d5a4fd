#!/usr/bin/env bash
# Installs what a development or CI machine needs (Debian 12): the MQTT broker and ffmpeg used by the tests
# and the demo, Debian's PyTorch for the training tool, then restores NuGet packages and warms the model-package
# cache. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || need+=(iptables)   # the black-hole broker test
# The offline training tool (src/Siampain.Training) and its tests: Debian's python3 with torch, numpy, PIL and onnx
# (onnx: distillation reads and writes the embedder graph).
/usr/bin/python3 -c 'import torch, numpy, PIL, onnx' >/dev/null 2>&1 || need+=(python3-torch python3-numpy python3-pil python3-onnx)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
dotnet restore Siampain.sln --verbosity quiet
