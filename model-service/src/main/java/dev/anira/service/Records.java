package dev.anira.service;

import dev.anira.model.StepRecord;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the service's output records from the model's per-row step records. */
final class Records {

  private Records() {}

  static RecurrenceStep step(
      ServedModel served, ProblemInstance instance, StepRecord record, int row, String producer) {
    int length = record.active()[row].length;
    return RecurrenceStep.newBuilder()
        .setInstanceId(instance.getInstanceId())
        .setModelId(served.modelId())
        .setMechanism(served.mechanism())
        .setTask(instance.getTask())
        .setStep(record.sequenceSteps()[row])
        .setMaxDepth(served.model().config().maxDepth())
        .setAnswerPositions(instance.getAnswerPositions())
        .setHaltProbability(
            record.haltProbability() == null
                ? floats(new float[length])
                : floats(record.haltProbability()[row]))
        .setCumulativeHalt(floats(record.cumulativeHalt()[row]))
        .setActive(booleans(record.active()[row]))
        .setHalted(booleans(record.halted()[row]))
        .setStateDelta(floats(record.stateDelta()[row]))
        .setPrediction(ints(record.prediction()[row]))
        .setConfidence(floats(record.confidence()[row]))
        .setPlannedDepth(
            record.plannedDepth() == null ? List.of() : ints(record.plannedDepth()[row]))
        .setEventTime(Instant.now())
        .setProducerId(producer)
        .build();
  }

  static InstanceResult result(
      ServedModel served,
      ProblemInstance instance,
      int[] depths,
      StepRecord last,
      int row,
      String device,
      long latencyMicros,
      String producer) {
    int stepsRun = 0;
    for (int d : depths) {
      stepsRun = Math.max(stepsRun, d);
    }
    return InstanceResult.newBuilder()
        .setInstanceId(instance.getInstanceId())
        .setModelId(served.modelId())
        .setMechanism(served.mechanism())
        .setTask(instance.getTask())
        .setSize(instance.getSize())
        .setSplit(instance.getSplit())
        .setMaxDepth(served.model().config().maxDepth())
        .setStepsRun(stepsRun)
        .setAnswerPositions(instance.getAnswerPositions())
        .setDepths(ints(depths))
        .setPredictions(ints(last.prediction()[row]))
        .setConfidence(floats(last.confidence()[row]))
        .setDevice(device)
        .setLatencyMicros(latencyMicros)
        .setEventTime(Instant.now())
        .setProducerId(producer)
        .build();
  }

  static List<Float> floats(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  static List<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  static List<Boolean> booleans(boolean[] values) {
    List<Boolean> out = new ArrayList<>(values.length);
    for (boolean v : values) {
      out.add(v);
    }
    return out;
  }
}
