# Sourced by ./anira and the benchmarks: exports the settings of deploy/runtime.env that the
# environment does not set already. The allocator it preloads (LD_PRELOAD) is skipped where that
# library is not installed: the JVM then runs on glibc's malloc, tuned by the MALLOC_* settings.
# shellcheck shell=bash
while IFS='=' read -r key value; do
  [[ "$key" =~ ^[A-Z_]+$ && -z "${!key:-}" ]] || continue
  if [[ "$key" == LD_PRELOAD && ! -e "$value" ]]; then
    continue
  fi
  export "$key=$value"
done <"$(dirname "${BASH_SOURCE[0]}")/runtime.env"
