package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.RecurrenceStep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Grouping keys are typed, end to end through a real broker: model ids and task names that a
 * string-joined key would split ({@code |}), empty ones, unicode and 1 KB ones all group exactly as
 * the oracle groups them, and no instance's bad name takes the others down with it.
 */
class KeyFuzzIT {

  private static final List<String> NAMES =
      List.of("a|b", "|", "", "ünïcödé-模型-🙂", "x".repeat(1024), "m-online");

  @Test
  void anyModelIdOrTaskNameGroupsExactlyAsTheOracle() throws Exception {
    Fixtures.Data data = renamed(Fixtures.data(5));
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      Fixtures.send(kafka, data, false);
      AnalyticsRun.start(kafka, Fixtures.config(), true, null).getJobExecutionResult().get();

      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
    }
  }

  /** Instance i's model is named NAMES[i mod 6]; odd instances' task name gains "|" + it. */
  private static Fixtures.Data renamed(Fixtures.Data data) {
    List<JoinInput> inputs = new ArrayList<>();
    for (JoinInput input : data.inputs()) {
      String model = model(input.instanceId);
      String suffix = suffix(input.instanceId);
      inputs.add(
          switch (input.kind) {
            case TRACE -> {
              AlgorithmTrace t = JoinInput.TRACES.decode(input.payload);
              yield JoinInput.of(
                  AlgorithmTrace.newBuilder(t).setTask(t.getTask() + suffix).build());
            }
            case RESULT -> {
              InstanceResult r = JoinInput.RESULTS.decode(input.payload);
              yield JoinInput.of(
                  InstanceResult.newBuilder(r)
                      .setModelId(model)
                      .setTask(r.getTask() + suffix)
                      .build());
            }
            case STEP -> {
              RecurrenceStep s = JoinInput.STEPS.decode(input.payload);
              yield JoinInput.of(
                  RecurrenceStep.newBuilder(s)
                      .setModelId(model)
                      .setTask(s.getTask() + suffix)
                      .build());
            }
          });
    }
    List<HaltingEvent> expected = new ArrayList<>();
    for (HaltingEvent e : data.expected()) {
      expected.add(
          HaltingEvent.newBuilder(e)
              .setModelId(model(e.getInstanceId()))
              .setTask(e.getTask() + suffix(e.getInstanceId()))
              .build());
    }
    return new Fixtures.Data(inputs, expected, data.orphanRecords());
  }

  private static int index(String instanceId) {
    return Integer.parseInt(instanceId.substring(2));
  }

  private static String model(String instanceId) {
    return NAMES.get(index(instanceId) % NAMES.size());
  }

  private static String suffix(String instanceId) {
    int i = index(instanceId);
    return i % 2 == 0 ? "" : "|" + model(instanceId);
  }
}
