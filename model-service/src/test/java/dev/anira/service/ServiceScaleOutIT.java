package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service scaled out: {@code anira serve} processes in one consumer group share an 8-partition
 * {@code anira.tasks}, each with its own transactional id. One is killed (SIGKILL) mid-stream and a
 * new one joins under a new id, as a replacement pod would: read_committed readers see exactly what
 * one service gives (each instance's records equal the model's own run of it), with no (instance,
 * model, step) twice and none missing.
 */
class ServiceScaleOutIT {

  private static final int N = 300;

  @TempDir Path dir;

  @Test
  void servicesKilledAndJoiningInOneGroupServeEveryInstanceOnce() throws Exception {
    ServiceFixture.saveModels(dir);
    List<ProblemInstance> instances = ServiceFixture.instances(N);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      ServiceFixture.createTopics(kafka, 8);
      ServiceFixture.send(kafka, instances);

      Process a = serve(kafka, "a");
      Process b = serve(kafka, "b");
      Process c = null;
      try {
        int seen = ServiceFixture.killAfterResults(kafka, a, 20);
        assertThat(seen).as("results committed before the kill").isBetween(20, N - 1);
        c = serve(kafka, "c");
        // The killed service's open transaction holds back read_committed readers until the
        // broker aborts it (the service's transaction timeout, 60 s).
        List<InstanceResult> results =
            kafka.readCommitted(Topic.RESULTS, InstanceResult.class, N, Duration.ofSeconds(180));
        List<RecurrenceStep> steps =
            ServiceFixture.stepsOf(kafka, results, Duration.ofSeconds(180));
        try (ModelRegistry registry = ServiceFixture.models()) {
          ServiceFixture.assertExactlyTheModelsOwnRuns(instances, results, steps, registry);
        }
        // Both survivors end cleanly on SIGTERM, with their summaries.
        for (Process p : List.of(b, c)) {
          p.destroy();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (String name : List.of("b", "c")) {
          assertThat(Files.readString(dir.resolve(name + ".log")))
              .containsPattern("served [0-9,]+ instances");
        }
      } finally {
        for (Process p : new Process[] {a, b, c}) {
          if (p != null) {
            p.destroyForcibly().waitFor();
          }
        }
      }
    }
  }

  private Process serve(KafkaCluster kafka, String name) throws Exception {
    return ServiceFixture.serve(
        kafka, dir, "scale-out-it", "scale-out-it-" + name, dir.resolve(name + ".log"));
  }
}
