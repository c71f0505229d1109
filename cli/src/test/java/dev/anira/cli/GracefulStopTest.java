package dev.anira.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real process, a real SIGTERM: what a user's Ctrl-C or a pod's termination does. */
class GracefulStopTest {

  @TempDir Path dir;

  @Test
  void aSignalStopsThePartsInOrderAndTheJvmWaitsForTheSummary() throws Exception {
    String out = terminate(Run.class);
    assertThat(out).containsSubsequence("running", "stop producer", "stop service", "summary");
    // The command inside installed no hook: its part never ran.
    assertThat(out).doesNotContain("stop inner");
  }

  @Test
  void withoutASignalNothingRunsAtTheEnd() throws Exception {
    Path out = dir.resolve("finish.out");
    Process p = start(Finish.class, out);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(out)).contains("summary").doesNotContain("stop producer");
  }

  private String terminate(Class<?> main) throws Exception {
    Path out = dir.resolve("run.out");
    Process p = start(main, out);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(out).contains("running") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Files.readString(out);
  }

  private static Process start(Class<?> main, Path out) throws Exception {
    return new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()))
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
  }

  /** Runs until a signal; its parts say when they stop, its summary comes after. */
  public static final class Run {
    public static void main(String[] args) throws Exception {
      CountDownLatch stopped = new CountDownLatch(1);
      try (GracefulStop stop = GracefulStop.install("test", Duration.ofSeconds(20))) {
        stop.onStop("producer", () -> say("stop producer"));
        stop.onStop("service", stopped::countDown);
        stop.onStop("log", () -> say("stop service"));
        try (GracefulStop inner = GracefulStop.install("inner", Duration.ofSeconds(1))) {
          inner.onStop("inner", () -> say("stop inner"));
        }
        try (GracefulStop inner = GracefulStop.install("inner", Duration.ofSeconds(1))) {
          inner.onStop("inner", () -> say("stop inner"));
          say("running");
          stopped.await();
        }
        Thread.sleep(500); // a slow summary still gets out
        say("summary");
      }
    }
  }

  /** Ends by itself. */
  public static final class Finish {
    public static void main(String[] args) throws Exception {
      try (GracefulStop stop = GracefulStop.install("test", Duration.ofSeconds(5))) {
        stop.onStop("producer", () -> say("stop producer"));
        say("summary");
      }
    }
  }

  private static void say(String line) {
    System.out.print(line);
    System.out.println();
    System.out.flush();
  }
}
