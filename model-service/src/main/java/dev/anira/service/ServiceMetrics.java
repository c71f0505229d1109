package dev.anira.service;

import dev.anira.cli.MetricsEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * The service's Prometheus metrics: throughput, batch occupancy, active tokens per step, consumer
 * lag, per-instance latency, and token-steps executed against what FIXED at D_max would have run.
 */
public final class ServiceMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong occupancyPermille = new AtomicLong();
  private MetricsEndpoint endpoint;

  public ServiceMetrics(String device) {
    Gauge.builder("anira_service_device_info", () -> 1)
        .tag("device", device)
        .description("The device the models run on")
        .register(registry);
    Gauge.builder("anira_service_batch_occupancy", () -> occupancyPermille.get() / 1000.0)
        .description("Tokens in the running batch over the token budget")
        .register(registry);
  }

  /** Registers a gauge read on every scrape (consumer lag). */
  public void gauge(String name, String description, DoubleSupplier value) {
    Gauge.builder(name, value::getAsDouble).description(description).register(registry);
  }

  void stepTaken(ServedModel served, long activeTokens, int tokensInBatch, int budget) {
    Counter.builder("anira_service_steps_total")
        .tag("model", served.modelId())
        .description("Recurrence steps taken by batches")
        .register(registry)
        .increment();
    DistributionSummary.builder("anira_service_active_tokens")
        .tag("model", served.modelId())
        .description("Tokens the core updated per step")
        .register(registry)
        .record(activeTokens);
    Counter.builder("anira_service_token_steps_total")
        .tag("model", served.modelId())
        .tag("kind", "executed")
        .description("Token-steps: executed, and what FIXED at D_max would have executed")
        .register(registry)
        .increment(activeTokens);
    occupancyPermille.set(budget == 0 ? 0 : 1000L * tokensInBatch / budget);
  }

  void instanceDone(ServedModel served, int tokens, long latencyMicros) {
    Counter.builder("anira_service_instances_total")
        .tag("model", served.modelId())
        .description("Instances with a result")
        .register(registry)
        .increment();
    Counter.builder("anira_service_token_steps_total")
        .tag("model", served.modelId())
        .tag("kind", "fixed_at_max_depth")
        .register(registry)
        .increment((double) tokens * served.model().config().maxDepth());
    Timer.builder("anira_service_instance_latency")
        .tag("model", served.modelId())
        .description("From the instance entering the model to its last token halting")
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(latencyMicros, TimeUnit.MICROSECONDS);
  }

  void deadLetter(String errorType) {
    Counter.builder("anira_service_dead_letters_total")
        .tag("error", errorType)
        .description("Inputs sent to anira.dlq")
        .register(registry)
        .increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Serves {@code /metrics}; returns the bound port (0 picks a free one). */
  public int serve(String host, int port) throws IOException {
    endpoint = MetricsEndpoint.serve(host, port, this::scrape);
    return endpoint.port();
  }

  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
    }
    registry.close();
  }
}
