package dev.anira.launcher;

import ai.djl.Device;
import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.model.Devices;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.service.ContinuousBatcher;
import dev.anira.service.InferenceService;
import dev.anira.service.ModelRegistry;
import dev.anira.service.ModelTurns;
import dev.anira.service.OutputSink;
import dev.anira.service.ServedModel;
import dev.anira.service.ServiceConfig;
import dev.anira.service.ServiceMetrics;
import dev.anira.tasks.InstanceSampler;
import dev.anira.tasks.TaskMix;
import dev.anira.tasks.Tasks;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The model service's throughput on this machine, side by side on the same bundled ONLINE and EARLY
 * checkpoints and the same instance mix (every task, default sizes): in process (the service's
 * batchers taking the service's turns, no Kafka) and through Kafka (an in-process broker, the
 * service with its defaults, exactly once, results read with {@code read_committed}), alternating
 * for {@link #ROUNDS} rounds; then through Kafka at half the burst rate, for the latency a steady
 * load sees. A latency is from publishing an instance to reading one of its results (one per model
 * of its task); the percentiles are over results.
 *
 * <p>Both paths are measured after a warm-up, as a service that has run for a while is: {@link
 * #WARM_UP_ROUNDS} untimed rounds of {@link #WARM_UP_INSTANCES} instances each way come first, then
 * {@link #ROUNDS} timed ones. Cold, the path through Kafka ran at 220 instances/s in its first
 * 400-instance burst and climbed to about 1,000/s only after some 15 bursts, while the JIT compiled
 * Kafka's broker and client code on the same two cores the model steps on; the in-process path,
 * which runs only the batchers' code, climbed from 310 to about 1,300/s in the same rounds. The JIT
 * never quite finishes here (each round starts a new service, producer and consumer: C2 still took
 * 17-23% of the CPU 40-50 s in), but the rates level off. Timing the first two rounds, the quick
 * run's {@code kafkaVsInProcess} read 0.48-0.69 in six runs, where rounds 15-45 of a 45-round run
 * read a median of 0.76 (issue 19).
 *
 * <p>The steady load is measured once it is steady: the paced run starts with {@link
 * #PACED_WARM_UP} at the same rate, whose latencies are reported apart. Its first seconds are not:
 * the JIT compiles the code paths a light load takes (the bursts took others) on the same two
 * cores, and in a first 2.4 s paced run the compiler threads used 0.7 of a core (issue 19).
 */
final class KafkaThroughput {

  /**
   * @param instances per timed run (warm-up runs have {@link #WARM_UP_INSTANCES})
   * @param rounds timed rounds, each in process then through Kafka
   * @param inProcessPerSec median instances/s in process
   * @param instancesPerSec median instances/s through Kafka, a burst of {@code instances}
   * @param tokenStepsPerSec token-steps/s of that burst (median round)
   * @param p50Ms latency of the burst, median round
   * @param p99Ms likewise
   * @param halfRate instances/s published in the paced run
   * @param p50MsAtHalfRate latency at that rate
   * @param p99MsAtHalfRate likewise
   * @param p99MsDuringWarmUp latency at that rate during the warm-up before it
   */
  record Result(
      int instances,
      int rounds,
      double inProcessPerSec,
      double instancesPerSec,
      double tokenStepsPerSec,
      double p50Ms,
      double p99Ms,
      double halfRate,
      double p50MsAtHalfRate,
      double p99MsAtHalfRate,
      double p99MsDuringWarmUp) {}

  /** Untimed rounds (in process, then through Kafka) before the timed ones. */
  static final int WARM_UP_ROUNDS = 15;

  /** Instances per warm-up round, whatever the timed rounds' size. */
  static final int WARM_UP_INSTANCES = 400;

  /** Timed rounds, each in process then through Kafka; the figures are their medians. */
  static final int ROUNDS = 5;

  /** How long the paced run runs at its rate before its latencies count. */
  static final Duration PACED_WARM_UP = Duration.ofSeconds(5);

  /** One run through Kafka; {@code warmUpP99Ms} is NaN without a warm-up. */
  private record Run(
      double instancesPerSec,
      double tokenStepsPerSec,
      double p50Ms,
      double p99Ms,
      double warmUpP99Ms) {}

  private KafkaThroughput() {}

  /**
   * @param count instances per timed round
   * @param seed instance seed
   * @param err where progress goes
   * @throws IllegalStateException if a run's results are not all read within 10 minutes
   */
  static Result measure(int count, long seed, PrintWriter err) throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
        ModelRegistry registry =
            ModelRegistry.load(
                ModelRegistry.BUNDLED,
                EnumSet.of(Mechanism.ONLINE, Mechanism.EARLY),
                Device.cpu());
        ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      kafka.createTopics(
          Map.of(
              Topic.TASKS.topicName(), 4,
              Topic.STEPS.topicName(), 8,
              Topic.RESULTS.topicName(), 4,
              Topic.DEAD_LETTERS.topicName(), 1),
          Duration.ofSeconds(30));
      err.printf(
          "  warming up: %d untimed rounds of %d instances, in process and through Kafka ...%n",
          WARM_UP_ROUNDS, WARM_UP_INSTANCES);
      err.flush();
      for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
        round(kafka, registry, metrics, WARM_UP_INSTANCES, seed, "warm-" + round);
      }
      List<Double> inProcess = new ArrayList<>();
      List<Run> burst = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        err.printf("  round %d of %d: in process, then through Kafka ...%n", round, ROUNDS);
        err.flush();
        Round timed = round(kafka, registry, metrics, count, seed, String.valueOf(round));
        inProcess.add(timed.inProcessPerSec());
        burst.add(timed.throughKafka());
      }
      burst.sort(java.util.Comparator.comparingDouble(Run::instancesPerSec));
      Run median = burst.get(burst.size() / 2);
      double half = median.instancesPerSec() / 2;
      err.printf(
          "  through Kafka at half that rate (%.0f instances/s), after %d s at that rate ...%n",
          half, PACED_WARM_UP.toSeconds());
      err.flush();
      List<ProblemInstance> warmUp =
          instances(registry, (int) (half * PACED_WARM_UP.toSeconds()), seed + 1, "warm-up");
      Run paced =
          throughKafka(
              kafka, registry, metrics, warmUp, instances(registry, count, seed, "paced"), half);
      return new Result(
          count,
          ROUNDS,
          ServiceBenchCommand.median(inProcess),
          median.instancesPerSec(),
          median.tokenStepsPerSec(),
          median.p50Ms(),
          median.p99Ms(),
          half,
          paced.p50Ms(),
          paced.p99Ms(),
          paced.warmUpP99Ms());
    }
  }

  /** One round: instances/s in process, then a burst through Kafka. */
  private record Round(double inProcessPerSec, Run throughKafka) {}

  /**
   * Runs {@code count} instances in process, then as many (other ids, same content) through Kafka;
   * {@code name} makes the round's instance ids unique.
   */
  private static Round round(
      EmbeddedKafkaBroker kafka,
      ModelRegistry registry,
      ServiceMetrics metrics,
      int count,
      long seed,
      String name)
      throws Exception {
    double inProcess = inProcess(registry, instances(registry, count, seed, "inproc-" + name));
    Run burst =
        throughKafka(
            kafka,
            registry,
            metrics,
            List.of(),
            instances(registry, count, seed, "kafka-" + name),
            0);
    return new Round(inProcess, burst);
  }

  /** The same seed gives the same instances; {@code producerId} makes their ids unique. */
  private static List<ProblemInstance> instances(
      ModelRegistry registry, int count, long seed, String producerId) {
    List<TaskMix> mix = new ArrayList<>();
    Tasks.all()
        .forEach(
            task -> {
              if (!registry.forTask(task.name()).isEmpty()) {
                mix.add(TaskMix.withDefaults(task, 1));
              }
            });
    InstanceSampler sampler = new InstanceSampler(mix, seed, producerId);
    List<ProblemInstance> instances = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      instances.add(sampler.next().instance());
    }
    return instances;
  }

  /** Instances/s of the service's batchers alone, taking the service's turns until all is done. */
  private static double inProcess(ModelRegistry registry, List<ProblemInstance> instances) {
    OutputSink discard =
        new OutputSink() {
          @Override
          public void step(RecurrenceStep step) {}

          @Override
          public void result(InstanceResult result) {}
        };
    List<ContinuousBatcher> batchers = new ArrayList<>();
    try (ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      Map<String, ContinuousBatcher> byModel = new java.util.LinkedHashMap<>();
      for (ServedModel served : registry.all()) {
        ContinuousBatcher batcher =
            new ContinuousBatcher(
                served,
                Integer.parseInt(ServiceConfig.DEFAULT_TOKEN_BUDGET),
                ContinuousBatcher.Admission.CONTINUOUS,
                "bench",
                metrics);
        byModel.put(served.modelId(), batcher);
        batchers.add(batcher);
      }
      long start = System.nanoTime();
      for (ProblemInstance instance : instances) {
        for (ServedModel served : registry.forTask(instance.getTask())) {
          byModel.get(served.modelId()).submit(instance, discard);
        }
      }
      // Turns as the service takes them: its models side by side.
      try (ModelTurns turns = new ModelTurns(batchers.size(), Devices.defaultThreads())) {
        while (turns.step(batchers)) {}
      }
      return instances.size() / ((System.nanoTime() - start) / 1e9);
    } finally {
      batchers.forEach(ContinuousBatcher::close);
    }
  }

  /**
   * Publishes {@code warmUp}, then {@code instances}, at {@code rate} per second (0: as fast as
   * possible) while a service with the defaults serves them; reads every result. The figures are
   * those of {@code instances}; of {@code warmUp}, only its p99 latency.
   */
  private static Run throughKafka(
      EmbeddedKafkaBroker kafka,
      ModelRegistry registry,
      ServiceMetrics metrics,
      List<ProblemInstance> warmUp,
      List<ProblemInstance> instances,
      double rate)
      throws Exception {
    ProblemInstance first = instances.get(0);
    List<ProblemInstance> timed = instances.subList(1, instances.size());
    int expected = results(registry, warmUp) + results(registry, timed);
    Map<String, Long> published = new ConcurrentHashMap<>();
    ServiceConfig config = ServiceConfig.defaults(kafka.bootstrapServers(), "cpu", -1);
    try (InferenceService service = new InferenceService(config, registry, metrics);
        KafkaProducer<String, SpecificRecordBase> producer =
            new KafkaProducer<>(
                producerProps(kafka), new StringSerializer(), new AnyRecordSerializer());
        KafkaConsumer<byte[], byte[]> reader =
            new KafkaConsumer<>(
                consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      // Only this run's results: from the end of the topic as it is now.
      List<TopicPartition> partitions = new ArrayList<>();
      reader
          .partitionsFor(Topic.RESULTS.topicName())
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      reader.assign(partitions);
      reader.seekToEnd(partitions);
      partitions.forEach(reader::position);
      Thread loop = new Thread(service::run, "bench-service");
      loop.start();
      // Timed from a running service: the first instance waits until it has joined its group.
      publish(producer, List.of(first), 0, published);
      read(reader, results(registry, List.of(first)), published, Set.of());
      List<ProblemInstance> all = new ArrayList<>(warmUp);
      all.addAll(timed);
      Set<String> warmUpIds = new HashSet<>();
      warmUp.forEach(i -> warmUpIds.add(i.getInstanceId()));
      Thread publisher = new Thread(() -> publish(producer, all, rate, published), "publisher");
      publisher.start();
      Read read = read(reader, expected, published, warmUpIds);
      publisher.join();
      service.stop();
      loop.join(30_000);
      // Timed from the first timed instance's publishing, as in a burst.
      long start = published.get(timed.get(0).getInstanceId());
      double seconds = (read.last() - start) / 1e9;
      return new Run(
          timed.size() / seconds,
          read.tokenSteps() / seconds,
          percentile(read.latencies(), 0.50),
          percentile(read.latencies(), 0.99),
          percentile(read.warmUpLatencies(), 0.99));
    }
  }

  /** Results {@code instances} give: one per model of its task. */
  private static int results(ModelRegistry registry, List<ProblemInstance> instances) {
    return instances.stream().mapToInt(i -> registry.forTask(i.getTask()).size()).sum();
  }

  /**
   * Latencies (ms, sorted) and token-steps of the results read, those of warm-up instances apart
   * (latencies only), and when the last arrived.
   */
  private record Read(
      List<Double> latencies, List<Double> warmUpLatencies, long tokenSteps, long last) {}

  /**
   * Reads {@code expected} results; those of {@code warmUp} instances count apart.
   *
   * @throws IllegalStateException if they are not all there within 10 minutes
   */
  private static Read read(
      KafkaConsumer<byte[], byte[]> reader,
      int expected,
      Map<String, Long> published,
      Set<String> warmUp) {
    SingleObjectCodec<InstanceResult> codec = SingleObjectCodec.of(InstanceResult.class);
    List<Double> latencies = new ArrayList<>();
    List<Double> warmUpLatencies = new ArrayList<>();
    long tokenSteps = 0;
    long last = System.nanoTime();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (latencies.size() + warmUpLatencies.size() < expected && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(50))) {
        InstanceResult result = codec.decode(r.value());
        last = System.nanoTime();
        double ms = (last - published.get(result.getInstanceId())) / 1e6;
        if (warmUp.contains(result.getInstanceId())) {
          warmUpLatencies.add(ms);
        } else {
          latencies.add(ms);
          tokenSteps += result.getDepths().stream().mapToLong(Integer::longValue).sum();
        }
      }
    }
    int read = latencies.size() + warmUpLatencies.size();
    if (read < expected) {
      throw new IllegalStateException(
          "only " + read + " of " + expected + " results within 10 minutes");
    }
    Collections.sort(latencies);
    Collections.sort(warmUpLatencies);
    return new Read(latencies, warmUpLatencies, tokenSteps, last);
  }

  private static void publish(
      KafkaProducer<String, SpecificRecordBase> producer,
      List<ProblemInstance> instances,
      double rate,
      Map<String, Long> published) {
    long start = System.nanoTime();
    try {
      for (int i = 0; i < instances.size(); i++) {
        if (rate > 0) {
          long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        ProblemInstance instance = instances.get(i);
        published.put(instance.getInstanceId(), System.nanoTime());
        producer.send(
            new ProducerRecord<>(Topic.TASKS.topicName(), instance.getInstanceId(), instance));
        if (rate > 0) {
          producer.flush(); // a steady load: each instance leaves when it is due
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static Properties producerProps(EmbeddedKafkaBroker kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return p;
  }

  private static Properties consumerProps(EmbeddedKafkaBroker kafka) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }
}
