package dev.anira.launcher;

import ai.djl.Device;
import dev.anira.cli.Durations;
import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.service.InferenceService;
import dev.anira.service.ModelRegistry;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole service path on this machine: an in-process broker, the bundled ONLINE and EARLY
 * checkpoints, instances of every task published as fast as possible, results read back with {@code
 * read_committed}. Latency is from publishing an instance to reading its last result.
 */
final class KafkaThroughput {

  record Result(
      int instances, double instancesPerSec, double tokenStepsPerSec, double p50Ms, double p99Ms) {}

  private KafkaThroughput() {}

  static Result measure(int count, long seed, PrintWriter err) throws Exception {
    Set<Mechanism> mechanisms = EnumSet.of(Mechanism.ONLINE, Mechanism.EARLY);
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
        ModelRegistry registry =
            ModelRegistry.load(ModelRegistry.BUNDLED, mechanisms, Device.cpu());
        ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      kafka.createTopics(
          Map.of(
              Topic.TASKS.topicName(), 4,
              Topic.STEPS.topicName(), 8,
              Topic.RESULTS.topicName(), 4,
              Topic.DEAD_LETTERS.topicName(), 1),
          Duration.ofSeconds(30));
      ServiceConfig config =
          new ServiceConfig(
              kafka.bootstrapServers(),
              ModelRegistry.BUNDLED,
              mechanisms,
              "cpu",
              "bench",
              "bench",
              4096,
              1024,
              256,
              Durations.parse(ServiceConfig.DEFAULT_COMMIT_INTERVAL),
              Durations.parse(ServiceConfig.DEFAULT_TRANSACTION_TIMEOUT),
              "127.0.0.1",
              -1,
              "bench");
      List<TaskMix> mix = new ArrayList<>();
      Tasks.all()
          .forEach(
              task -> {
                if (!registry.forTask(task.name()).isEmpty()) {
                  mix.add(TaskMix.withDefaults(task, 1));
                }
              });
      InstanceSampler sampler = new InstanceSampler(mix, seed, "bench");
      int expected = 0;
      Map<String, Long> published = new HashMap<>();
      List<ProblemInstance> instances = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ProblemInstance instance = sampler.next().instance();
        instances.add(instance);
        expected += registry.forTask(instance.getTask()).size();
      }
      try (InferenceService service = new InferenceService(config, registry, metrics)) {
        Thread loop = new Thread(service::run, "bench-service");
        loop.start();
        long start = System.nanoTime();
        try (KafkaProducer<String, SpecificRecordBase> producer =
            new KafkaProducer<>(
                producerProps(kafka), new StringSerializer(), new AnyRecordSerializer())) {
          for (ProblemInstance instance : instances) {
            published.put(instance.getInstanceId(), System.nanoTime());
            producer.send(
                new ProducerRecord<>(Topic.TASKS.topicName(), instance.getInstanceId(), instance));
          }
        }
        List<Double> latencies = new ArrayList<>();
        long tokenSteps = 0;
        int received = 0;
        long last = start;
        SingleObjectCodec<InstanceResult> codec = SingleObjectCodec.of(InstanceResult.class);
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          consumer.subscribe(List.of(Topic.RESULTS.topicName()));
          long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
          long progress = System.nanoTime();
          while (received < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
              InstanceResult result = codec.decode(r.value());
              last = System.nanoTime();
              latencies.add((last - published.get(result.getInstanceId())) / 1e6);
              tokenSteps += result.getDepths().stream().mapToLong(Integer::longValue).sum();
              received++;
            }
            if (System.nanoTime() - progress > 5_000_000_000L) {
              err.printf("  %d of %d results%n", received, expected);
              err.flush();
              progress = System.nanoTime();
            }
          }
        }
        service.stop();
        loop.join(30_000);
        double seconds = (last - start) / 1e9;
        Collections.sort(latencies);
        return new Result(
            count,
            count / seconds,
            tokenSteps / seconds,
            percentile(latencies, 0.50),
            percentile(latencies, 0.99));
      }
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
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }
}
