package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.kafka.KafkaCluster;
import dev.anira.model.Anira;
import dev.anira.model.Run;
import dev.anira.model.StepRecord;
import dev.anira.model.TinyModels;
import dev.anira.modelservice.cli.ServeCommand;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import dev.anira.training.Checkpoint;
import dev.anira.training.PonderLoss;
import dev.anira.training.TrainingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, input instances and read_committed readers for the service's tests. */
final class ServiceFixture {

  private ServiceFixture() {}

  static void createTopics(KafkaCluster kafka) throws Exception {
    createTopics(kafka, 2);
  }

  static void createTopics(KafkaCluster kafka, int taskPartitions) throws Exception {
    kafka.createTopics(
        Map.of(
            Topic.TASKS.topicName(), taskPartitions,
            Topic.STEPS.topicName(), 2,
            Topic.RESULTS.topicName(), 2,
            Topic.DEAD_LETTERS.topicName(), 1),
        Duration.ofSeconds(30));
  }

  /** {@code count} instances alternating parity and addition, small sizes. */
  static List<ProblemInstance> instances(int count) {
    Task parity = Tasks.byName("parity");
    Task addition = Tasks.byName("addition");
    List<ProblemInstance> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean even = i % 2 == 0;
      Task task = even ? parity : addition;
      Params params =
          Params.of(task, Map.of(even ? "length" : "digits", even ? 3 + i % 9 : 2 + i % 5));
      out.add(
          TaskGenerator.generate(
                  task,
                  params,
                  dev.anira.schemas.Split.TRAIN,
                  i,
                  task.name() + "-" + i,
                  "test",
                  Instant.now())
              .instance());
    }
    return out;
  }

  static void send(KafkaCluster kafka, List<ProblemInstance> instances) {
    try (KafkaProducer<String, SpecificRecordBase> producer =
        new KafkaProducer<>(props(kafka), new StringSerializer(), new AnyRecordSerializer())) {
      for (ProblemInstance instance : instances) {
        producer.send(
            new ProducerRecord<>(Topic.TASKS.topicName(), instance.getInstanceId(), instance));
      }
    }
  }

  static void sendRaw(KafkaCluster kafka, byte[] value) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props(kafka), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topic.TASKS.topicName(), "raw".getBytes(), value));
    }
  }

  private static Properties props(KafkaCluster kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  /** The tests' two models: a tiny ONLINE parity model and a tiny EARLY addition model. */
  static ModelRegistry models() {
    return ModelRegistry.of(
        List.of(
            new ServedModel(
                "parity-tiny",
                "parity",
                Mechanism.ONLINE,
                TinyModels.create(2, Mechanism.ONLINE, 1)),
            new ServedModel(
                "addition-tiny",
                "addition",
                Mechanism.EARLY,
                TinyModels.create(11, Mechanism.EARLY, 2))));
  }

  /** The same two models as checkpoints in {@code dir}, for an {@code anira serve} process. */
  static void saveModels(Path dir) throws Exception {
    saveModel(dir, "parity-tiny", "parity", 2, Mechanism.ONLINE, 1);
    saveModel(dir, "addition-tiny", "addition", 11, Mechanism.EARLY, 2);
  }

  private static void saveModel(
      Path dir, String name, String task, int vocab, Mechanism mechanism, long seed)
      throws Exception {
    TrainingConfig training =
        new TrainingConfig(
            task,
            "2..4",
            "5..6",
            Map.of(),
            null,
            1,
            1,
            seed,
            1e-3,
            0,
            TrainingConfig.Schedule.COSINE,
            0.01,
            0.0,
            PonderLoss.Regulariser.STEPS,
            0.2,
            1,
            1,
            1,
            PonderLoss.DepthSupervision.EXPECTED,
            PonderLoss.RegulariserTokens.ALL,
            0);
    try (Anira model = TinyModels.create(vocab, mechanism, seed)) {
      Checkpoint.save(dir, name, model, training, "test", Map.of(), 0);
    }
  }

  /**
   * Starts {@code anira serve} as its own process on the models in {@code models}, small polls so
   * that a run spans many transactions; its output goes to {@code log}.
   */
  static Process serve(
      KafkaCluster kafka, Path models, String groupId, String transactionalId, Path log)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ServeCommand.class.getName());
    command.addAll(
        List.of(
            "--bootstrap",
            kafka.bootstrapServers(),
            "--models",
            models.toString(),
            "--mechanisms",
            "online,early",
            "--device",
            "cpu",
            "--group-id",
            groupId,
            "--transactional-id",
            transactionalId,
            "--max-poll-records",
            "2",
            "--token-budget",
            "64",
            "--max-instance-tokens",
            "64",
            "--metrics-port",
            "0"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Kills {@code service} with SIGKILL once a read_committed reader has seen {@code results}
   * results (one reader for the whole wait, so the kill follows closely); how many it had seen.
   */
  static int killAfterResults(KafkaCluster kafka, Process service, int results)
      throws InterruptedException {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "watch-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    int seen = 0;
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      reader.subscribe(List.of(Topic.RESULTS.topicName()));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (seen < results && System.nanoTime() < deadline && service.isAlive()) {
        seen += reader.poll(Duration.ofMillis(50)).count();
      }
      service.destroyForcibly().waitFor();
    }
    return seen;
  }

  /**
   * The committed step records of {@code results}: read until there are as many as the results
   * announce ({@code stepsRun + 1} each), then a second more, so a duplicate shows too. A killed
   * service's open transaction can hold back a steps partition until the broker aborts it, after
   * its results are already readable.
   */
  static List<RecurrenceStep> stepsOf(
      KafkaCluster kafka, List<InstanceResult> results, Duration timeout) {
    int expected = results.stream().mapToInt(r -> r.getStepsRun() + 1).sum();
    return kafka.readCommitted(Topic.STEPS, RecurrenceStep.class, expected, timeout);
  }

  /**
   * Exactly one result per instance, and per (instance, model) exactly {@code stepsRun + 1} step
   * records, numbered 0.., whose values are the model's own whole-sequence run of that instance
   * alone: halting decisions and predictions equal, λ and state deltas within 1e-4 (batching
   * changes the floating-point summation order).
   */
  static void assertExactlyTheModelsOwnRuns(
      List<ProblemInstance> instances,
      List<InstanceResult> results,
      List<RecurrenceStep> steps,
      ModelRegistry registry) {
    assertThat(results).hasSize(instances.size());
    assertThat(results.stream().map(InstanceResult::getInstanceId).distinct())
        .hasSize(instances.size());
    Map<String, ProblemInstance> byId =
        instances.stream().collect(Collectors.toMap(ProblemInstance::getInstanceId, i -> i));
    Map<String, List<RecurrenceStep>> byInstance =
        steps.stream().collect(Collectors.groupingBy(RecurrenceStep::getInstanceId));
    assertThat(steps).hasSize(results.stream().mapToInt(r -> r.getStepsRun() + 1).sum());
    for (InstanceResult result : results) {
      List<RecurrenceStep> own = new ArrayList<>(byInstance.get(result.getInstanceId()));
      own.sort(Comparator.comparingInt(RecurrenceStep::getStep));
      // Step 0 (the prelude) plus one record per step until the deepest token halted.
      assertThat(own.stream().map(RecurrenceStep::getStep).toList())
          .isEqualTo(IntStream.rangeClosed(0, result.getStepsRun()).boxed().toList());
      ServedModel served = registry.forTask(result.getTask()).get(0);
      int[] tokens =
          byId.get(result.getInstanceId()).getTokens().stream()
              .mapToInt(Integer::intValue)
              .toArray();
      Run alone = served.model().run(new int[][] {tokens});
      assertThat(alone.steps()).hasSize(result.getStepsRun());
      assertThat(result.getDepths()).isEqualTo(Records.ints(alone.depths()[0]));
      assertThat(result.getPredictions()).isEqualTo(Records.ints(alone.predictions()[0]));
      for (StepRecord expected : alone.steps()) {
        RecurrenceStep got = own.get(expected.step());
        assertThat(got.getActive()).isEqualTo(Records.booleans(expected.active()[0]));
        assertThat(got.getHalted()).isEqualTo(Records.booleans(expected.halted()[0]));
        assertThat(got.getPrediction()).isEqualTo(Records.ints(expected.prediction()[0]));
        for (int t = 0; t < tokens.length; t++) {
          assertThat(got.getStateDelta().get(t))
              .isCloseTo(expected.stateDelta()[0][t], within(1e-4f));
          assertThat(got.getHaltProbability().get(t))
              .isCloseTo(expected.haltProbability()[0][t], within(1e-4f));
        }
      }
    }
  }
}
