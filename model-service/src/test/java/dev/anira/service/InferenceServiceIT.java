package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.KafkaClusters;
import dev.anira.model.Run;
import dev.anira.model.StepRecord;
import dev.anira.model.TinyModels;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InferenceServiceIT {

  private static ModelRegistry models() {
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

  private static ServiceConfig config(KafkaCluster kafka, String transactionalId) {
    return new ServiceConfig(
        kafka.bootstrapServers(),
        ModelRegistry.BUNDLED, // the registry is built in the test; this only passes validation
        EnumSet.allOf(Mechanism.class),
        "cpu",
        "service-it",
        transactionalId,
        64,
        64,
        7,
        "127.0.0.1",
        -1,
        "service-it");
  }

  @Test
  void everyInstanceGetsOneResultAndItsStepsMatchTheModelsOwnRun() throws Exception {
    List<ProblemInstance> instances = ServiceFixture.instances(30);
    try (KafkaCluster kafka = KafkaClusters.start();
        ModelRegistry registry = models();
        ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      ServiceFixture.createTopics(kafka);
      ServiceFixture.send(kafka, instances);
      InferenceService service = new InferenceService(config(kafka, "it-1"), registry, metrics);
      Thread loop = new Thread(service::run);
      loop.start();
      List<InstanceResult> results =
          kafka.readCommitted(
              Topic.RESULTS, InstanceResult.class, instances.size(), Duration.ofSeconds(90));
      List<RecurrenceStep> steps =
          kafka.readCommitted(
              Topic.STEPS, RecurrenceStep.class, Integer.MAX_VALUE, Duration.ofSeconds(3));
      service.stop();
      loop.join(30_000);
      service.close();

      assertThat(results).hasSize(instances.size());
      assertThat(results.stream().map(InstanceResult::getInstanceId).distinct()).hasSize(30);
      Map<String, List<RecurrenceStep>> byInstance =
          steps.stream().collect(Collectors.groupingBy(RecurrenceStep::getInstanceId));
      for (InstanceResult result : results) {
        List<RecurrenceStep> own = new ArrayList<>(byInstance.get(result.getInstanceId()));
        own.sort(java.util.Comparator.comparingInt(RecurrenceStep::getStep));
        // Step 0 (the prelude) plus one record per step until the deepest token halted.
        assertThat(own).hasSize(result.getStepsRun() + 1);
        assertThat(own.stream().map(RecurrenceStep::getStep).toList())
            .isEqualTo(
                java.util.stream.IntStream.rangeClosed(0, result.getStepsRun()).boxed().toList());
        ServedModel served = registry.forTask(result.getTask()).get(0);
        ProblemInstance instance =
            instances.stream()
                .filter(i -> i.getInstanceId().equals(result.getInstanceId()))
                .findFirst()
                .orElseThrow();
        int[] tokens = instance.getTokens().stream().mapToInt(Integer::intValue).toArray();
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
      assertThat(metrics.scrape())
          .contains("anira_service_instances_total")
          .contains("anira_service_token_steps_total");
    }
  }

  @Test
  void badInputGoesToTheDeadLetterTopicAndTheNextGoodRecordIsServed() throws Exception {
    List<ProblemInstance> good = ServiceFixture.instances(2);
    ProblemInstance unknownTask =
        ProblemInstance.newBuilder(good.get(0)).setTask("chess").setInstanceId("bad-task").build();
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(i % 2);
    }
    ProblemInstance tooLong =
        ProblemInstance.newBuilder(good.get(0)).setTokens(many).setInstanceId("bad-long").build();
    List<Integer> outside = new ArrayList<>(good.get(0).getTokens());
    outside.set(0, 9);
    ProblemInstance outOfVocab =
        ProblemInstance.newBuilder(good.get(0))
            .setTokens(outside)
            .setInstanceId("bad-vocab")
            .build();
    try (KafkaCluster kafka = KafkaClusters.start();
        ModelRegistry registry = models();
        ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      ServiceFixture.createTopics(kafka);
      ServiceFixture.sendRaw(kafka, new byte[] {1, 2, 3});
      ServiceFixture.send(kafka, List.of(unknownTask, tooLong, outOfVocab));
      ServiceFixture.send(kafka, List.of(good.get(1)));
      InferenceService service = new InferenceService(config(kafka, "it-2"), registry, metrics);
      Thread loop = new Thread(service::run);
      loop.start();
      List<DeadLetter> letters =
          kafka.readCommitted(Topic.DEAD_LETTERS, DeadLetter.class, 4, Duration.ofSeconds(60));
      List<InstanceResult> results =
          kafka.readCommitted(Topic.RESULTS, InstanceResult.class, 1, Duration.ofSeconds(60));
      service.stop();
      loop.join(30_000);
      service.close();

      assertThat(letters.stream().map(DeadLetter::getErrorType))
          .containsExactlyInAnyOrder(
              "BAD_HEADER", "UNKNOWN_MODEL", "TOO_MANY_TOKENS", "TOKEN_OUT_OF_VOCABULARY");
      DeadLetter garbage =
          letters.stream().filter(l -> l.getErrorType().equals("BAD_HEADER")).findFirst().get();
      assertThat(garbage.getPayload().array()).containsExactly(1, 2, 3);
      DeadLetter vocab =
          letters.stream()
              .filter(l -> l.getErrorType().equals("TOKEN_OUT_OF_VOCABULARY"))
              .findFirst()
              .get();
      assertThat(vocab.getReason()).contains("token 9 at position 0");
      assertThat(SingleObjectCodec.of(ProblemInstance.class).decode(vocab.getPayload().array()))
          .isEqualTo(outOfVocab);
      assertThat(results)
          .extracting(InstanceResult::getInstanceId)
          .containsExactly(good.get(1).getInstanceId());
    }
  }
}
