package dev.anira.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a command ends on SIGTERM or Ctrl-C: the way its own code ends a run, not by the JVM tearing
 * it down mid-write. One JVM shutdown hook stops the registered parts in the order they were
 * registered (e.g. the producer before the service that reads it), then waits until the command
 * says its run is over ({@link #close}, after its summary is out): at most {@code timeout} in all,
 * unless a part's own stop takes longer (each part bounds its own). Closed without a signal, the
 * hook is removed and nothing runs.
 *
 * <p>One process, one hook: a command started inside another (the demo runs the producer and the
 * model service in its own JVM) installs none while the outer one's is installed, so the outer
 * command alone decides the order of a stop instead of every command racing on the signal.
 *
 * <pre>{@code
 * try (GracefulStop stop = GracefulStop.install("anira serve", Duration.ofSeconds(30))) {
 *   stop.onStop("service", service::stop);
 *   service.run();
 *   printSummary();
 * }
 * }</pre>
 */
public final class GracefulStop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

  /** A part's stop: may block (e.g. until a savepoint is written). */
  @FunctionalInterface
  public interface Part {
    void stop() throws Exception;
  }

  private final String name;
  private final Duration timeout;

  private record Named(String name, Part part) {}

  private final List<Named> parts = new ArrayList<>();
  private final CountDownLatch over = new CountDownLatch(1);
  private static final AtomicReference<GracefulStop> INSTALLED = new AtomicReference<>();

  private final Thread hook;
  private boolean signalled; // guarded by this

  private GracefulStop(String name, Duration timeout) {
    this.name = name;
    this.timeout = timeout;
    this.hook = new Thread(this::stopFromSignal, name + " stop");
  }

  /**
   * Installs the hook of a command.
   *
   * @param timeout how long a signal may take in all: every part's stop, then the end of the run
   */
  public static GracefulStop install(String name, Duration timeout) {
    GracefulStop stop = new GracefulStop(name, timeout);
    if (INSTALLED.compareAndSet(null, stop)) {
      Runtime.getRuntime().addShutdownHook(stop.hook);
    }
    return stop;
  }

  /**
   * Adds a part to stop on a signal, after those added before it. A part added after the signal
   * (while the command was still starting it) is stopped at once.
   */
  public GracefulStop onStop(String partName, Part part) throws Exception {
    synchronized (this) {
      if (!signalled) {
        parts.add(new Named(partName, part));
        return this;
      }
    }
    part.stop();
    return this;
  }

  private void stopFromSignal() {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Named> toStop;
    synchronized (this) {
      signalled = true;
      toStop = List.copyOf(parts);
    }
    for (Named p : toStop) {
      try {
        p.part().stop();
      } catch (Exception e) {
        LOG.warn("{}: stopping {} failed: {}", name, p.name(), e.toString());
      }
    }
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!over.await(left, TimeUnit.NANOSECONDS)) {
        LOG.warn("{}: did not finish within {} of the stop signal", name, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The run is over: a signal's hook may now let the JVM exit; without a signal, no hook runs. */
  @Override
  public void close() {
    over.countDown();
    if (!INSTALLED.compareAndSet(this, null)) {
      return; // a command inside another: it installed no hook
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The signal is what ended the run: its hook is running and has just been released.
    }
  }
}
