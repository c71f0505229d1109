package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.KafkaClusters;
import dev.anira.model.Anira;
import dev.anira.model.TinyModels;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.training.Checkpoint;
import dev.anira.training.PonderLoss;
import dev.anira.training.TrainingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the service process with SIGKILL mid-stream and starts another: read_committed readers
 * still see exactly one result per instance and no step twice.
 */
class ServiceCrashIT {

  private static final int N = 200;

  @TempDir Path dir;

  @Test
  void aKilledServiceLosesAndDuplicatesNothing() throws Exception {
    saveModel("parity-tiny", "parity", 2, Mechanism.ONLINE, 1);
    saveModel("addition-tiny", "addition", 11, Mechanism.EARLY, 2);
    List<ProblemInstance> instances = ServiceFixture.instances(N);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      ServiceFixture.createTopics(kafka);
      ServiceFixture.send(kafka, instances);

      Process first = serve(kafka, "first");
      int seen = 0;
      // One reader for the whole wait, so the kill follows the tenth result closely.
      try (KafkaConsumer<byte[], byte[]> reader = resultsReader(kafka)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (seen < 10 && System.nanoTime() < deadline && first.isAlive()) {
          seen += reader.poll(Duration.ofMillis(50)).count();
        }
        first.destroyForcibly().waitFor();
      }
      assertThat(seen).as("results committed before the kill").isBetween(10, N - 1);

      Process second = serve(kafka, "second");
      try {
        List<InstanceResult> results =
            kafka.readCommitted(Topic.RESULTS, InstanceResult.class, N, Duration.ofSeconds(180));
        List<RecurrenceStep> steps =
            kafka.readCommitted(
                Topic.STEPS, RecurrenceStep.class, Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(results).hasSize(N);
        assertThat(results.stream().map(InstanceResult::getInstanceId).distinct()).hasSize(N);
        Map<String, Long> perStep =
            steps.stream()
                .collect(
                    Collectors.groupingBy(
                        s -> s.getInstanceId() + "/" + s.getModelId() + "/" + s.getStep(),
                        Collectors.counting()));
        assertThat(perStep.values()).containsOnly(1L);
        int expectedSteps = results.stream().mapToInt(r -> r.getStepsRun() + 1).sum();
        assertThat(steps).hasSize(expectedSteps);
        // SIGTERM: the service finishes or aborts its transaction and prints its summary.
        second.destroy();
        assertThat(second.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(java.nio.file.Files.readString(dir.resolve("second.log")))
            .contains("serving 2 model(s) on cpu")
            .containsPattern("served [0-9,]+ instances");
      } finally {
        second.destroyForcibly().waitFor();
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> resultsReader(KafkaCluster kafka) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-watch");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topic.RESULTS.topicName()));
    return consumer;
  }

  private Process serve(KafkaCluster kafka, String name) throws Exception {
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
            dir.toString(),
            "--mechanisms",
            "online,early",
            "--device",
            "cpu",
            "--group-id",
            "crash-it",
            "--transactional-id",
            "crash-it",
            "--max-poll-records",
            "2",
            "--token-budget",
            "64",
            "--max-instance-tokens",
            "64",
            "--metrics-port",
            "-1"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private void saveModel(String name, String task, int vocab, Mechanism mechanism, long seed)
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
}
