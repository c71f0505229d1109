package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Split;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The largest instances the service accepts, served with every default (the bundled checkpoints,
 * ONLINE and EARLY, {@code --max-instance-tokens 1024}, a 4096-token budget, the default commit
 * interval and transaction timeout). Before, one poll of large instances outlasted the fixed 60 s
 * transaction timeout; the broker aborted it and the service read the same poll again, forever.
 */
class LargeInstancesIT {

  private static final int INSTANCES = 12;

  @Test
  void theLargestAcceptedInstancesCommitSteadilyAndExactlyOnce() throws Exception {
    List<ProblemInstance> instances = largestParityInstances(INSTANCES);
    try (KafkaCluster kafka = KafkaClusters.start();
        ModelRegistry registry =
            ModelRegistry.load(
                ServiceConfig.DEFAULT_MODELS,
                EnumSet.of(Mechanism.ONLINE, Mechanism.EARLY),
                Device.cpu());
        ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      ServiceFixture.createTopics(kafka);
      ServiceFixture.send(kafka, instances);
      ServiceConfig config = ServiceConfig.defaults(kafka.bootstrapServers(), "cpu", -1);
      int models = registry.forTask("parity").size();
      InferenceService service = new InferenceService(config, registry, metrics);
      AtomicReference<InferenceService.Totals> totals = new AtomicReference<>();
      Thread loop = new Thread(() -> totals.set(service.run()), "service");
      loop.start();
      List<Double> arrivals = new ArrayList<>();
      List<InstanceResult> results = readResults(kafka, INSTANCES * models, arrivals);
      List<RecurrenceStep> steps = ServiceFixture.stepsOf(kafka, results, Duration.ofSeconds(60));
      service.stop();
      loop.join(30_000);
      service.close();

      // Exactly once: one result per instance and model, and stepsRun + 1 steps for each.
      assertThat(results).hasSize(INSTANCES * models);
      assertThat(results.stream().map(r -> r.getInstanceId() + "/" + r.getModelId()).distinct())
          .hasSize(INSTANCES * models);
      Map<String, Long> stepsPerRun =
          steps.stream()
              .collect(
                  Collectors.groupingBy(
                      s -> s.getInstanceId() + "/" + s.getModelId(), Collectors.counting()));
      for (InstanceResult r : results) {
        assertThat(stepsPerRun.get(r.getInstanceId() + "/" + r.getModelId()))
            .as("steps of %s on %s", r.getInstanceId(), r.getModelId())
            .isEqualTo(r.getStepsRun() + 1L);
      }
      // Steadily: results commit as instances finish (a batch holds four of them), in several
      // transactions read at different times, not all in one at the end.
      assertThat(arrivals.stream().distinct().count()).isGreaterThanOrEqualTo(3);
      assertThat(totals.get().transactions).isGreaterThanOrEqualTo(3);
    }
  }

  /**
   * Parity instances of exactly 1024 tokens, the default {@code --max-instance-tokens}: the
   * generator's largest (512 bits) with its bits repeated, since the service accepts any tokens in
   * the vocabulary.
   */
  private static List<ProblemInstance> largestParityInstances(int count) {
    Task parity = Tasks.byName("parity");
    int accepted = Integer.parseInt(ServiceConfig.DEFAULT_MAX_INSTANCE_TOKENS);
    List<ProblemInstance> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ProblemInstance generated =
          TaskGenerator.generate(
                  parity,
                  Params.of(parity, Map.of("length", 512)),
                  Split.EXTRAPOLATION,
                  i,
                  "large-" + i,
                  "test",
                  Instant.now())
              .instance();
      List<Integer> tokens = new ArrayList<>(generated.getTokens());
      tokens.addAll(generated.getTokens());
      out.add(ProblemInstance.newBuilder(generated).setTokens(tokens).build());
      assertThat(tokens).hasSize(accepted);
    }
    return out;
  }

  /** Reads committed results until {@code expected}, noting the poll each arrived in (seconds). */
  private static List<InstanceResult> readResults(
      KafkaCluster kafka, int expected, List<Double> arrivals) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SingleObjectCodec<InstanceResult> codec = SingleObjectCodec.of(InstanceResult.class);
    List<InstanceResult> results = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      reader.subscribe(List.of(Topic.RESULTS.topicName()));
      while (results.size() < expected && System.nanoTime() < deadline) {
        var polled = reader.poll(Duration.ofMillis(100));
        double at = System.nanoTime() / 1e9; // one time per poll: what one poll reads came together
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          results.add(codec.decode(r.value()));
          arrivals.add(at);
        }
      }
    }
    return results;
  }
}
