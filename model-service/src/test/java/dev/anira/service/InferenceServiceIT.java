package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.cli.Durations;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InferenceServiceIT {

  private static ServiceConfig config(KafkaCluster kafka, String transactionalId) {
    return new ServiceConfig(
        kafka.bootstrapServers(),
        ModelRegistry.BUNDLED, // the registry is built in the test; this only passes validation
        EnumSet.allOf(Mechanism.class),
        "cpu",
        1,
        "service-it",
        transactionalId,
        64,
        64,
        7,
        Durations.parse(ServiceConfig.DEFAULT_COMMIT_INTERVAL),
        Durations.parse(ServiceConfig.DEFAULT_TRANSACTION_TIMEOUT),
        "127.0.0.1",
        -1,
        "service-it");
  }

  @Test
  void everyInstanceGetsOneResultAndItsStepsMatchTheModelsOwnRun() throws Exception {
    List<ProblemInstance> instances = ServiceFixture.instances(30);
    try (KafkaCluster kafka = KafkaClusters.start();
        ModelRegistry registry = ServiceFixture.models();
        ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      ServiceFixture.createTopics(kafka);
      ServiceFixture.send(kafka, instances);
      InferenceService service = new InferenceService(config(kafka, "it-1"), registry, metrics);
      Thread loop = new Thread(service::run);
      loop.start();
      List<InstanceResult> results =
          kafka.readCommitted(
              Topic.RESULTS, InstanceResult.class, instances.size(), Duration.ofSeconds(90));
      List<RecurrenceStep> steps = ServiceFixture.stepsOf(kafka, results, Duration.ofSeconds(90));
      service.stop();
      loop.join(30_000);
      service.close();

      ServiceFixture.assertExactlyTheModelsOwnRuns(instances, results, steps, registry);
      // An output's event time is when its transaction sent it, so all of an instance's records,
      // of both models, share one: none waits for the other model and lands behind the records
      // committed meanwhile (the analytics job would drop its halting events as late).
      Map<String, Set<Instant>> eventTimes = new HashMap<>();
      results.forEach(
          r ->
              eventTimes
                  .computeIfAbsent(r.getInstanceId(), id -> new HashSet<>())
                  .add(r.getEventTime()));
      steps.forEach(
          step ->
              eventTimes
                  .computeIfAbsent(step.getInstanceId(), id -> new HashSet<>())
                  .add(step.getEventTime()));
      assertThat(eventTimes)
          .hasSize(instances.size())
          .allSatisfy((id, times) -> assertThat(times).as(id).hasSize(1));
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
        ModelRegistry registry = ServiceFixture.models();
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

  /**
   * A restart or a rebalance resumes from the committed offset and skips the records its metadata
   * names as served (outputs are committed as instances finish, not in offset order).
   */
  @Test
  void recordsTheCommittedOffsetNamesAsServedAreNotServedAgain() throws Exception {
    List<ProblemInstance> instances = ServiceFixture.instances(10);
    TopicPartition tasks = new TopicPartition(Topic.TASKS.topicName(), 0);
    try (KafkaCluster kafka = KafkaClusters.start();
        ModelRegistry registry = ServiceFixture.models();
        ServiceMetrics metrics = new ServiceMetrics("cpu");
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      ServiceFixture.createTopics(kafka, 1);
      ServiceFixture.send(kafka, instances); // offsets 0..9 of one partition
      admin
          .alterConsumerGroupOffsets(
              "service-it", Map.of(tasks, CompletedAhead.offset(2, List.of(2L, 4L, 5L))))
          .all()
          .get();
      InferenceService service = new InferenceService(config(kafka, "it-3"), registry, metrics);
      Thread loop = new Thread(service::run);
      loop.start();
      List<InstanceResult> results =
          kafka.readCommitted(Topic.RESULTS, InstanceResult.class, 5, Duration.ofSeconds(60));
      service.stop();
      loop.join(30_000);
      service.close();

      assertThat(results)
          .extracting(InstanceResult::getInstanceId)
          .containsExactlyInAnyOrder(
              IntStream.of(3, 6, 7, 8, 9)
                  .mapToObj(i -> instances.get(i).getInstanceId())
                  .toArray(String[]::new));
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets("service-it")
              .partitionsToOffsetAndMetadata()
              .get()
              .get(tasks);
      assertThat(committed.offset()).isEqualTo(10);
      assertThat(CompletedAhead.of(committed)).isEmpty();
    }
  }
}
