#!/usr/bin/env bash
# Installs the Debian packages Bufferscope needs, only those missing. Safe to run again.
# Python: the embedded interpreter (/usr/bin/python3 with its shared libpython) and the real
# consumers the tests use (numpy, PIL); _testbuffer ships with Debian's python3.11. A C compiler
# and libc's headers: the build compiles the kernels' fault router (src/Core/Native/fault_router.c).
set -euo pipefail

# Extra packages come as arguments (the tests add chromium, which Playwright drives).
packages=(python3 libpython3.11 python3-numpy python3-pil gcc libc6-dev "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bufferscope: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "bufferscope: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
