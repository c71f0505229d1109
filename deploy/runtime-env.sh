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

# On an AMD CPU, MKL (inside libtorch) runs its generic kernels unless told the CPU is Intel's:
# half the speed of its AVX-512 ones on this project's Zen 5 (model-service README). The library
# of deploy/mkl-cpu-dispatch answers that check; it is built here the first time (with cc) and
# preloaded before whatever LD_PRELOAD holds, also when LD_PRELOAD was set (even empty) by the
# caller. ANIRA_MKL_CPU_DISPATCH=off leaves MKL's choice alone. See mkl_cpu_dispatch.c.
if [[ "${ANIRA_MKL_CPU_DISPATCH:-auto}" != off ]] && grep -q -m1 '^vendor_id.*AuthenticAMD' /proc/cpuinfo 2>/dev/null; then
  # build.sh says on stderr why it could not build (no compiler, a read-only checkout, ...).
  if mkl_cpu_dispatch=$("$(dirname "${BASH_SOURCE[0]}")/mkl-cpu-dispatch/build.sh"); then
    if [[ "$mkl_cpu_dispatch" == *[[:space:]:]* ]]; then
      # ld.so splits LD_PRELOAD at spaces and colons.
      echo "anira: not preloading $mkl_cpu_dispatch: its path has a space or a colon" >&2
    elif [[ " ${LD_PRELOAD:-} " != *" $mkl_cpu_dispatch "* ]]; then
      export LD_PRELOAD="$mkl_cpu_dispatch${LD_PRELOAD:+ $LD_PRELOAD}"
    fi
  else
    echo "anira: so MKL runs its generic kernels on this AMD CPU (about 2x slower products on Zen 5)" >&2
  fi
  unset mkl_cpu_dispatch
fi
