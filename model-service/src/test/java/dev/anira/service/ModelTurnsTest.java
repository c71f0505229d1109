package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.model.TinyModels;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTurnsTest {

  /**
   * Six models stepped four at a time write, model by model, exactly the records they write stepped
   * one after another (event times and latencies aside, which are clock readings).
   */
  @Test
  void modelsSteppedSideBySideWriteTheRecordsTheyWriteOneAtATime() {
    List<ProblemInstance> instances =
        ServiceFixture.instances(40).stream().filter(i -> i.getTask().equals("parity")).toList();
    List<ServedModel> models = new ArrayList<>();
    for (int seed = 1; seed <= 6; seed++) {
      Mechanism mechanism = seed % 2 == 0 ? Mechanism.EARLY : Mechanism.ONLINE;
      models.add(
          new ServedModel(
              "parity-" + seed, "parity", mechanism, TinyModels.create(2, mechanism, seed)));
    }
    try (ServiceMetrics metrics = new ServiceMetrics("cpu")) {
      Map<String, List<String>> oneAtATime = run(new ModelTurns(1), models, instances, metrics);
      Map<String, List<String>> sideBySide = run(new ModelTurns(4), models, instances, metrics);
      assertThat(oneAtATime.values()).allSatisfy(records -> assertThat(records).isNotEmpty());
      assertThat(sideBySide).isEqualTo(oneAtATime);
    } finally {
      models.forEach(m -> m.model().close());
    }
  }

  /** Every model's records, in the order it wrote them. */
  private static Map<String, List<String>> run(
      ModelTurns turns,
      List<ServedModel> models,
      List<ProblemInstance> instances,
      ServiceMetrics metrics) {
    Map<String, List<String>> written = new LinkedHashMap<>();
    List<ContinuousBatcher> batchers = new ArrayList<>();
    try (turns) {
      for (ServedModel served : models) {
        List<String> records = new ArrayList<>();
        written.put(served.modelId(), records);
        OutputSink sink =
            new OutputSink() {
              @Override
              public void step(RecurrenceStep step) {
                records.add(
                    RecurrenceStep.newBuilder(step).setEventTime(Instant.EPOCH).build().toString());
              }

              @Override
              public void result(InstanceResult result) {
                records.add(
                    InstanceResult.newBuilder(result)
                        .setEventTime(Instant.EPOCH)
                        .setLatencyMicros(0)
                        .build()
                        .toString());
              }
            };
        ContinuousBatcher batcher =
            new ContinuousBatcher(
                served, 64, ContinuousBatcher.Admission.CONTINUOUS, "test", metrics);
        instances.forEach(instance -> batcher.submit(instance, sink));
        batchers.add(batcher);
      }
      while (turns.step(batchers)) {
        // every model that has work takes one step per turn
      }
    } finally {
      batchers.forEach(ContinuousBatcher::close);
    }
    return written;
  }
}
