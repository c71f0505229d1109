package dev.anira.analytics;

import dev.anira.schemas.RecurrenceStep;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the join reads of one step record: its step k, event time, and per input position λ^k and
 * the prediction. A step record is cut down to this where it enters the job, once validated, so the
 * join neither keeps nor decodes the rest.
 *
 * @param eventTime epoch milliseconds
 * @param haltProbability [positions] λ^k, validated to lie in [0, 1] up to float rounding
 * @param prediction [positions] argmax of the readout after step k
 */
public record StepView(
    String instanceId,
    String modelId,
    int step,
    long eventTime,
    float[] haltProbability,
    int[] prediction) {

  /**
   * How far a probability may stray outside [0, 1] by float rounding: a model's cumulative halt
   * mass is a float sum of per-step masses, and the bundled EARLY models' reach 1.0000008.
   */
  static final float ROUNDING = 1e-5f;

  /**
   * Validates a step record and cuts it down (see {@link #of(String, String, int, long, float[],
   * float[], float[], int[])}).
   *
   * @throws HaltingEvents.InvalidStepException for values no model can produce, or per-position
   *     arrays of different lengths
   */
  public static StepView of(RecurrenceStep step) {
    int[] prediction = new int[step.getPrediction().size()];
    for (int t = 0; t < prediction.length; t++) {
      prediction[t] = step.getPrediction().get(t);
    }
    return of(
        step.getInstanceId(),
        step.getModelId(),
        step.getStep(),
        step.getEventTime().toEpochMilli(),
        floats(step.getHaltProbability()),
        floats(step.getCumulativeHalt()),
        floats(step.getStateDelta()),
        prediction);
  }

  /**
   * Validates a step record's columns and cuts them down. λ and the cumulative halt mass are
   * probabilities, the state change a norm: a NaN, an infinity or a value outside [0, 1] would
   * silently bend every statistic it enters.
   *
   * @param haltProbability [positions] λ^k; the returned view holds a copy, rounding taken off
   * @param cumulativeHalt [positions] halting mass spent after step k
   * @param stateDelta [positions] ‖h^k − h^{k−1}‖
   * @param prediction [positions]; the returned view holds this array
   * @throws HaltingEvents.InvalidStepException for values no model can produce, or per-position
   *     arrays of different lengths
   */
  public static StepView of(
      String instanceId,
      String modelId,
      int step,
      long eventTime,
      float[] haltProbability,
      float[] cumulativeHalt,
      float[] stateDelta,
      int[] prediction) {
    Supplier<String> where = () -> instanceId + "/" + modelId + " step " + step;
    int positions = haltProbability.length;
    for (int length : new int[] {cumulativeHalt.length, stateDelta.length, prediction.length}) {
      if (length != positions) {
        throw new HaltingEvents.InvalidStepException(
            where.get()
                + ": per-position arrays of different lengths ("
                + length
                + " and "
                + positions
                + " haltProbability values)");
      }
    }
    float[] lambda = probabilities(haltProbability, "haltProbability", where);
    probabilities(cumulativeHalt, "cumulativeHalt", where);
    for (int t = 0; t < stateDelta.length; t++) {
      if (!Float.isFinite(stateDelta[t]) || stateDelta[t] < 0) {
        throw new HaltingEvents.InvalidStepException(
            where.get()
                + ": stateDelta "
                + stateDelta[t]
                + " at position "
                + t
                + " is not a finite norm");
      }
    }
    return new StepView(instanceId, modelId, step, eventTime, lambda, prediction);
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int t = 0; t < out.length; t++) {
      out[t] = values.get(t);
    }
    return out;
  }

  /** Validated probabilities, their float rounding past 0 or 1 taken off. */
  private static float[] probabilities(float[] values, String name, Supplier<String> where) {
    float[] clamped = new float[values.length];
    for (int t = 0; t < clamped.length; t++) {
      float v = values[t];
      if (!(v >= -ROUNDING && v <= 1 + ROUNDING)) {
        throw new HaltingEvents.InvalidStepException(
            where.get() + ": " + name + " " + v + " at position " + t + " is outside [0, 1]");
      }
      clamped[t] = Math.max(0f, Math.min(1f, v));
    }
    return clamped;
  }
}
