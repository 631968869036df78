#!/usr/bin/env bash
# Installs what is missing, then starts the dashboard on http://127.0.0.1:5080; each session gets a kernel process embedding Python.
# Extra arguments go to the server, e.g. ./run.sh --urls http://127.0.0.1:6000
# ./run.sh check ... runs one check from the command line instead, no server (./run.sh check --help).
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")"
if [ "${1-}" = check ]; then
  # Everything but the check writes to stderr, so stdout is the summary alone; a step that fails
  # exits 2, as a check that cannot run does (1 would read as "findings").
  scripts/ensure-deps.sh >&2 || exit 2
  # The build's log only when it fails (even quiet, a successful build prints a summary).
  if ! log=$(dotnet build src/Dashboard -c Release -v q --nologo 2>&1); then
    printf '%s\n' "$log" >&2
    echo "bufferscope: the build failed" >&2
    exit 2
  fi
  dll=$PWD/src/Dashboard/bin/Release/net10.0/Bufferscope.Dashboard.dll
  # The caller's directory: relative paths (--python .venv/bin/python, --junit out.xml) and the module to import are there.
  cd "$caller"
  exec dotnet "$dll" "$@"
fi
scripts/ensure-deps.sh
exec dotnet run -c Release --project src/Dashboard -- "$@"
