#!/usr/bin/env bash
# Builds deploy/mkl-cpu-dispatch's shared library (see mkl_cpu_dispatch.c: why) into OUT_DIR
# (default: its target/ folder) unless an up-to-date one is there, and prints its path.
# Exits 1 with one line on stderr when no C compiler (cc) is installed.
#
# usage: deploy/mkl-cpu-dispatch/build.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/target}
lib=$out/libmkl_cpu_dispatch.so
if [[ ! -e "$lib" || "$here/mkl_cpu_dispatch.c" -nt "$lib" || "$here/build.sh" -nt "$lib" ]]; then
  if ! command -v cc >/dev/null 2>&1; then
    echo "mkl-cpu-dispatch: no C compiler (cc) to build it; install one (Debian: gcc)" >&2
    exit 1
  fi
  mkdir -p "$out"
  # Built beside and renamed: another process may be preloading the old one.
  trap 'rm -f "$lib.$$"' EXIT
  cc -shared -fPIC -O2 -o "$lib.$$" "$here/mkl_cpu_dispatch.c"
  mv -f "$lib.$$" "$lib"
fi
echo "$lib"
