package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    ServiceFixture.saveModels(dir);
    List<ProblemInstance> instances = ServiceFixture.instances(N);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      ServiceFixture.createTopics(kafka);
      ServiceFixture.send(kafka, instances);

      Process first = serve(kafka, "first");
      int seen = ServiceFixture.killAfterResults(kafka, first, 10);
      assertThat(seen).as("results committed before the kill").isBetween(10, N - 1);

      Process second = serve(kafka, "second");
      try {
        List<InstanceResult> results =
            kafka.readCommitted(Topic.RESULTS, InstanceResult.class, N, Duration.ofSeconds(180));
        List<RecurrenceStep> steps =
            ServiceFixture.stepsOf(kafka, results, Duration.ofSeconds(180));
        try (ModelRegistry registry = ServiceFixture.models()) {
          ServiceFixture.assertExactlyTheModelsOwnRuns(instances, results, steps, registry);
        }
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

  private Process serve(KafkaCluster kafka, String name) throws Exception {
    return ServiceFixture.serve(kafka, dir, "crash-it", "crash-it", dir.resolve(name + ".log"));
  }
}
