package dev.anira.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DevicesTest {

  /** deploy/runtime.env's LD_PRELOAD (Debian's libtcmalloc-minimal4). */
  private static final Path TCMALLOC =
      Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4");

  @Test
  void theAllocatorIsTheMallocLibraryMappedIntoTheProcess() {
    String libc =
        "7f1a2b000000-7f1a2b028000 r--p 00000000 fe:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6";
    String tcmalloc =
        "7f1a2c000000-7f1a2c010000 r-xp 00000000 fe:01 5678"
            + " /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10";
    String heap = "55d0c0000000-55d0c0021000 rw-p 00000000 00:00 0 [heap]";

    assertThat(Devices.allocator(Stream.of(heap, libc, tcmalloc))).isEqualTo("tcmalloc");
    assertThat(Devices.allocator(Stream.of(heap, libc))).isEqualTo("glibc");
  }

  @Test
  void aJvmThatPreloadsTcmallocReportsIt() throws IOException, InterruptedException {
    assumeTrue(Files.exists(TCMALLOC), "libtcmalloc-minimal4 is not installed");
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PrintAllocator.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    child.environment().put("LD_PRELOAD", TCMALLOC.toString());
    Process process = child.start();
    try {
      String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(printed.strip()).isEqualTo("tcmalloc");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void theMklCpuDispatchLibraryIsFoundAmongTheMappedLibraries() {
    String torch =
        "7f1a2d000000-7f1a2e000000 r-xp 00000000 fe:01 91 /opt/djl/pytorch/2.7.1/libtorch_cpu.so";
    String shim =
        "7f1a2c000000-7f1a2c001000 r-xp 00000000 fe:01 92"
            + " /home/u/anira/deploy/mkl-cpu-dispatch/target/libmkl_cpu_dispatch.so";

    assertThat(Devices.mklCpuDispatch(Stream.of(torch, shim))).isTrue();
    assertThat(Devices.mklCpuDispatch(Stream.of(torch))).isFalse();
  }

  /**
   * Run twice: by the default execution, and with the library preloaded where a C compiler is
   * installed (model-service pom, profile mkl-cpu-dispatch).
   */
  @Test
  void thisJvmReportsTheMklCpuDispatchLibraryExactlyWhenItIsPreloaded() {
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");

    assertThat(Devices.mklCpuDispatch()).isEqualTo(preload.contains("libmkl_cpu_dispatch.so"));
  }

  /** Prints what {@link Devices#allocator()} finds in its own process. */
  static final class PrintAllocator {
    public static void main(String[] args) {
      System.out.println(Devices.allocator());
    }
  }
}
