#!/usr/bin/env bash
# Builds the root filesystem the service images run on when no base image can be pulled: a jlinked
# Java runtime at the path Eclipse Temurin images use (/opt/java/openjdk), the shared libraries it
# and libtorch load, a non-root user and the services' logging configuration. Jib lays it over
# `scratch` (see the root pom's `images` profile). A runtime built from the same inputs is kept.
#
# usage: deploy/images/runtime.sh OUT_DIR
set -euo pipefail

out=${1:?usage: runtime.sh OUT_DIR}
here=$(dirname "$0")
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# The allocator the JVM preloads (deploy/runtime.env), which the image must carry.
preload=$(sed -n 's/^LD_PRELOAD=//p' "$here/../runtime.env")
inputs=$(cat "$here/runtime.sh" "$here/log4j2.xml" "$here/../runtime.env" "$here/../mkl-cpu-dispatch/mkl_cpu_dispatch.c" \
  "$here/../mkl-cpu-dispatch/build.sh" \
  "$java_home/release" | sha256sum | cut -d' ' -f1)
if [[ "$(cat "$out/.inputs" 2>/dev/null)" == "$inputs" ]]; then
  exit 0
fi
if [[ ! -d "$java_home/jmods" ]]; then
  echo "runtime.sh: $java_home has no jmods; install a full JDK 17 (Debian: openjdk-17-jdk-headless)" >&2
  exit 1
fi

if [[ -n "$preload" && ! -e "$preload" ]]; then
  echo "runtime.sh: $preload (deploy/runtime.env's LD_PRELOAD) is missing; install it (Debian: libtcmalloc-minimal4)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out/opt/java" "$out/etc" "$out/tmp" "$out/home/anira"
# What the services use: Kafka clients (SASL, GSS, JMX), the JDK HTTP server, DJL (Unsafe),
# Log4j (java.beans, in java.desktop).
"$java_home/bin/jlink" \
  --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$out/opt/java/openjdk"

# Every library the runtime and the preloaded allocator link against, plus libtorch's C++ runtime
# (loaded later by DJL).
libs=$(
  {
    find "$out/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \;
    [[ -z "$preload" ]] || ldd "$preload"
  } 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' | sort -u
)
extra=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 |libgcc_s\.so\.1 |libgomp\.so\.1 /{print $NF}' | sort -u)
for lib in $libs $extra $preload /lib64/ld-linux-x86-64.so.2; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

# MKL's kernels by the CPU's instruction sets on AMD hosts, as ./anira gives them there
# (deploy/mkl-cpu-dispatch/mkl_cpu_dispatch.c); on Intel's the answer is MKL's own. The root pom's
# Jib <environment> preloads it from /usr/lib/anira (ImagesIT checks).
"$here/../mkl-cpu-dispatch/build.sh" "$out/usr/lib/anira" >/dev/null

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
anira:x:10001:10001:anira:/home/anira:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
anira:x:10001:
GROUP
echo "hosts: files dns" > "$out/etc/nsswitch.conf"
mkdir -p "$out/etc/anira"
cp "$here/log4j2.xml" "$out/etc/anira/log4j2.xml"
echo "$inputs" > "$out/.inputs"
echo "runtime.sh: $(du -sh "$out" | cut -f1) in $out"
