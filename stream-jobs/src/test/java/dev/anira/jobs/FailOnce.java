package dev.anira.jobs;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Failure injection: passes records through, slowly enough for checkpoints to complete between
 * them, and throws once, on the first record after a checkpoint has completed, so the job must
 * restore from that checkpoint. The flag is static: the MiniCluster runs in the test's JVM.
 */
final class FailOnce<T> implements MapFunction<T, T>, CheckpointListener {

  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicInteger CHECKPOINTS = new AtomicInteger();

  private final long pauseMillis;

  FailOnce(long pauseMillis) {
    this.pauseMillis = pauseMillis;
  }

  static void reset() {
    FAILED.set(false);
    CHECKPOINTS.set(0);
  }

  @Override
  public T map(T value) throws Exception {
    Thread.sleep(pauseMillis);
    if (CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
      throw new IllegalStateException("injected failure after checkpoint " + CHECKPOINTS.get());
    }
    return value;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    CHECKPOINTS.incrementAndGet();
  }
}
