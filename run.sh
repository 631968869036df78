#!/usr/bin/env bash
# Installs what is missing, then starts the dashboard on http://127.0.0.1:5080; each session gets a kernel process embedding Python.
# Extra arguments go to the server, e.g. ./run.sh --urls http://127.0.0.1:6000
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-deps.sh
exec dotnet run -c Release --project src/Dashboard -- "$@"
