package dev.anira.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns of the service's loop: one recurrence step of every model that has work, several models
 * side by side. Each model's step uses {@code --threads} intra-op threads, so the cores over that
 * many models step at once. At a light load each model's batch is small and its step costs little
 * more than its native calls, so one thread stepping a dozen models one after another made most of
 * the service's latency (issue 19). The models are independent; what an instance's models share
 * (its {@link OutputSink}) is synchronized.
 */
public final class ModelTurns implements AutoCloseable {

  /** Null when one model steps at a time. */
  private final ExecutorService pool;

  /**
   * @param models how many models there are
   * @param threads intra-op threads of each model's step ({@code --threads})
   */
  public ModelTurns(int models, int threads) {
    this(Math.min(models, Runtime.getRuntime().availableProcessors() / threads));
  }

  /** Turns of {@code sideBySide} models at once (one when below 2). */
  ModelTurns(int sideBySide) {
    this.pool =
        sideBySide < 2
            ? null
            : Executors.newFixedThreadPool(
                sideBySide,
                r -> {
                  Thread t = new Thread(r, "anira-service-step");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * One step of every batcher that has work; false if none had.
   *
   * @throws IllegalStateException if a model's step failed, or this thread was interrupted
   */
  public boolean step(Collection<ContinuousBatcher> batchers) {
    List<ContinuousBatcher> busy = new ArrayList<>();
    for (ContinuousBatcher batcher : batchers) {
      if (!batcher.idle()) {
        busy.add(batcher);
      }
    }
    if (pool == null || busy.size() < 2) {
      busy.forEach(ContinuousBatcher::step);
      return !busy.isEmpty();
    }
    List<Future<?>> steps = new ArrayList<>();
    for (ContinuousBatcher batcher : busy) {
      steps.add(pool.submit(batcher::step));
    }
    for (Future<?> step : steps) {
      try {
        step.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the models were stepping", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a model's step failed: " + e.getCause(), e.getCause());
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
