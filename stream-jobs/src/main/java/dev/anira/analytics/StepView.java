package dev.anira.analytics;

import dev.anira.schemas.RecurrenceStep;
import java.util.List;

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
   * Validates a step record and cuts it down. λ and the cumulative halt mass are probabilities, the
   * state change a norm: a NaN, an infinity or a value outside [0, 1] would silently bend every
   * statistic it enters.
   *
   * @throws HaltingEvents.InvalidStepException for values no model can produce, or per-position
   *     arrays of different lengths
   */
  public static StepView of(RecurrenceStep step) {
    String where = step.getInstanceId() + "/" + step.getModelId() + " step " + step.getStep();
    int positions = step.getHaltProbability().size();
    for (List<?> values :
        List.of(step.getCumulativeHalt(), step.getStateDelta(), step.getPrediction())) {
      if (values.size() != positions) {
        throw new HaltingEvents.InvalidStepException(
            where
                + ": per-position arrays of different lengths ("
                + values.size()
                + " and "
                + positions
                + " haltProbability values)");
      }
    }
    float[] lambda = probabilities(step.getHaltProbability(), "haltProbability", where);
    probabilities(step.getCumulativeHalt(), "cumulativeHalt", where);
    List<Float> delta = step.getStateDelta();
    for (int t = 0; t < delta.size(); t++) {
      if (!Float.isFinite(delta.get(t)) || delta.get(t) < 0) {
        throw new HaltingEvents.InvalidStepException(
            where + ": stateDelta " + delta.get(t) + " at position " + t + " is not a finite norm");
      }
    }
    int[] prediction = new int[positions];
    for (int t = 0; t < positions; t++) {
      prediction[t] = step.getPrediction().get(t);
    }
    return new StepView(
        step.getInstanceId(),
        step.getModelId(),
        step.getStep(),
        step.getEventTime().toEpochMilli(),
        lambda,
        prediction);
  }

  /** Validated probabilities, their float rounding past 0 or 1 taken off. */
  private static float[] probabilities(List<Float> values, String name, String where) {
    float[] clamped = new float[values.size()];
    for (int t = 0; t < clamped.length; t++) {
      float v = values.get(t);
      if (!(v >= -ROUNDING && v <= 1 + ROUNDING)) {
        throw new HaltingEvents.InvalidStepException(
            where + ": " + name + " " + v + " at position " + t + " is outside [0, 1]");
      }
      clamped[t] = Math.max(0f, Math.min(1f, v));
    }
    return clamped;
  }
}
