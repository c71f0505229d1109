# Sourced by ./anira and the benchmarks: exports the settings of deploy/runtime.env that the
# environment does not set already; a variable set, even to nothing, wins (`LD_PRELOAD= ./anira`
# runs on glibc's malloc). The allocator it preloads (LD_PRELOAD) is skipped where that library is
# not installed: the JVM then runs on glibc's malloc, tuned by the MALLOC_* settings.
# shellcheck shell=bash
while IFS='=' read -r key value || [[ -n "$key" ]]; do
  [[ "$key" =~ ^[A-Z_]+$ && -z "${!key+set}" ]] || continue
  if [[ "$key" == LD_PRELOAD && ! -e "$value" ]]; then
    continue
  fi
  export "$key=$value"
done <"$(dirname "${BASH_SOURCE[0]}")/runtime.env"
