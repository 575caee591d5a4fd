#!/usr/bin/env bash
# The main job on a fresh machine: set up, build, and run the Siampain demo on real faces.
set -euo pipefail
cd "$(dirname "$0")"
deploy/dev/setup.sh
dotnet build src/Siampain -c Release --nologo --verbosity quiet
exec dotnet src/Siampain/bin/Release/net10.0/siampain.dll demo "$@"
