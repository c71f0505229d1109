package dev.anira.streamjobs.cli;

import dev.anira.cli.KafkaClientSettings;
import dev.anira.cli.KafkaConnection;
import dev.anira.recording.Recording;
import dev.anira.schemas.Topic;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code anira replay}: a recording back onto Kafka, in event-time order. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-publish a recording to Kafka in event-time order, at the original pace times --speed"
          + " (or as fast as possible with --speed max). Records are sent as they were recorded,"
          + " so 'anira analyze' on the replayed topics gives the reports of the live run.",
      "Damaged files are reported (file and byte offset) and skipped; the rest still replays.",
      "Exit status: 0 all replayed; 3 damaged parts skipped; 4 records Kafka did not take (whether"
          + " or not parts were skipped).",
      "Example: anira replay recordings/today --to-kafka --speed 10"
    })
public final class ReplayCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The recording.")
  Path dir;

  @Option(names = "--to-kafka", required = true, description = "Publish to Kafka (at --bootstrap).")
  boolean toKafka;

  @Mixin KafkaConnection kafka;

  @Option(
      names = "--topics",
      split = ",",
      paramLabel = "TOPIC",
      defaultValue = "anira.traces,anira.steps,anira.results",
      description =
          "Which recorded topics to publish. Default: ${DEFAULT-VALUE} (what the analytics job reads; add"
              + " the report topics to feed a monitor without Flink)")
  List<String> topics;

  @Option(
      names = "--speed",
      defaultValue = "1",
      description = "Pace relative to the recording, or 'max'. Default: ${DEFAULT-VALUE}")
  String speed;

  @Override
  public Integer call() throws Exception {
    double factor = speed();
    List<Topic> chosen;
    try {
      chosen = topics.stream().map(Topic::byName).toList();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--topics: " + e.getMessage());
    }
    if (!Files.isDirectory(dir)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "no recording at " + dir);
    }
    PrintWriter err = spec.commandLine().getErr();
    Properties props = KafkaClientSettings.fromEnvironment();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    Pacer pacer = new Pacer(factor, err);
    List<String> problems;
    // A send the producer gives up on (delivery.timeout.ms, a record over the broker's size limit)
    // fails only in its callback: counted, so the replay never reports records it lost as sent.
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      problems =
          Recording.read(
              new org.apache.flink.core.fs.Path(dir.toAbsolutePath().toUri()),
              chosen,
              r -> {
                pacer.await(r.eventTime());
                producer.send(
                    new ProducerRecord<>(r.topic(), r.key(), r.value()),
                    (metadata, e) -> {
                      if (e != null) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                      }
                    });
              });
      producer.flush();
    }
    problems.forEach(p -> err.println("anira replay: " + p));
    if (failed.get() > 0) {
      err.printf(
          "anira replay: %d of %d records were not written to %s%s; first error: %s%n",
          failed.get(),
          pacer.sent,
          kafka.bootstrap,
          problems.isEmpty() ? "" : " (and " + problems.size() + " damaged parts skipped)",
          firstFailure.get());
      err.flush();
      return 4;
    }
    err.printf(
        "anira replay: %d records from %s to %s%s%n",
        pacer.sent,
        dir,
        kafka.bootstrap,
        problems.isEmpty() ? "" : " (" + problems.size() + " damaged parts skipped)");
    err.flush();
    return problems.isEmpty() ? 0 : 3;
  }

  private double speed() {
    if ("max".equalsIgnoreCase(speed)) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double value = Double.parseDouble(speed);
      if (value > 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(), "--speed must be a positive number or 'max', got " + speed);
  }

  /** Holds each record back until its event time, scaled, has passed since the first one. */
  private static final class Pacer {
    private final double speed;
    private final PrintWriter progress;
    private long firstEventTime = Long.MIN_VALUE;
    private long startNanos;
    private long lastReport;
    long sent;

    Pacer(double speed, PrintWriter progress) {
      this.speed = speed;
      this.progress = progress;
    }

    void await(long eventTime) {
      long now = System.nanoTime();
      if (firstEventTime == Long.MIN_VALUE) {
        firstEventTime = eventTime;
        startNanos = now;
        lastReport = now;
      }
      if (Double.isFinite(speed)) {
        long due =
            startNanos + (long) (TimeUnit.MILLISECONDS.toNanos(eventTime - firstEventTime) / speed);
        long wait = due - now;
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
          }
        }
      }
      sent++;
      if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
        lastReport = System.nanoTime();
        progress.printf(
            "anira replay: %d records, at event time %s%n", sent, Instant.ofEpochMilli(eventTime));
        progress.flush();
      }
    }
  }
}
