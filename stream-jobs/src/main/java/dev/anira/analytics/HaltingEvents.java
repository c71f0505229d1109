package dev.anira.analytics;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.RecurrenceStep;
import java.time.Instant;
import java.util.List;

/**
 * The join at the heart of the analyzer, as a plain function: a model's result for an instance and
 * the instance's ground-truth trace give one {@link HaltingEvent} per answer token. The streaming
 * join and the batch oracle both call it, so they cannot disagree on what an event is.
 */
public final class HaltingEvents {

  private HaltingEvents() {}

  /** What the Avro builder writes when the field is not set. */
  private static final int SCHEMA_VERSION =
      (Integer) HaltingEvent.getClassSchema().getField("schemaVersion").defaultVal();

  /**
   * The events of one model's run of one instance, as Avro records ({@link #instance}'s, one per
   * answer token).
   *
   * @throws IllegalArgumentException as {@link #instance} does
   */
  public static List<HaltingEvent> join(
      InstanceResult result, AlgorithmTrace trace, List<RecurrenceStep> steps, String producerId) {
    return instance(result, trace, steps, producerId).toEvents();
  }

  /**
   * The events of one model's run of one instance, in columns. Their event time is the latest of
   * the joined records' (result, trace, steps): the streaming join completes an instance when its
   * last record arrives, so an event stamped this way is behind the watermark only if one of its
   * records was.
   *
   * @param steps the model's step records for this instance, in any order; empty when they are not
   *     at hand, which records λ as NaN and no per-step λ
   * @throws IllegalArgumentException when the records contradict each other ({@link
   *     InvalidStepException} for impossible step values)
   */
  public static InstanceEvents instance(
      InstanceResult result, AlgorithmTrace trace, List<RecurrenceStep> steps, String producerId) {
    if (!result.getInstanceId().equals(trace.getInstanceId())) {
      throw new IllegalArgumentException(
          "result " + result.getInstanceId() + " joined with trace " + trace.getInstanceId());
    }
    List<Integer> positions = trace.getAnswerPositions();
    if (!positions.equals(result.getAnswerPositions())) {
      throw new IllegalArgumentException(
          result.getInstanceId() + ": result and trace disagree on the answer positions");
    }
    if (trace.getComplexities().isEmpty()) {
      throw new IllegalArgumentException(result.getInstanceId() + ": the trace has no complexity");
    }
    Complexity primary = trace.getComplexities().get(0);
    // The step records indexed by step k (0 is the prelude); all null when not at hand.
    RecurrenceStep[] byStep = byStep(result, steps);
    Instant eventTime = latest(result.getEventTime(), trace.getEventTime());
    for (RecurrenceStep step : steps) {
      eventTime = latest(eventTime, step.getEventTime());
    }
    InstanceEvents x = new InstanceEvents(positions.size());
    x.instanceId = result.getInstanceId();
    x.modelId = result.getModelId();
    x.mechanism = result.getMechanism();
    x.task = result.getTask();
    x.size = result.getSize();
    x.split = result.getSplit();
    x.maxDepth = result.getMaxDepth();
    x.complexityAlgorithm = primary.getAlgorithm();
    x.eventTime = eventTime.toEpochMilli();
    x.producerId = producerId;
    x.schemaVersion = SCHEMA_VERSION;
    x.staticNames = names(trace.getStaticFeatures());
    // Never the state at step = depth: every step-indexed feature would then be a function of the
    // depth it is meant to explain.
    x.algorithmNames = names(trace.getAlgorithmFeatures());
    for (int i = 0; i < positions.size(); i++) {
      int position = positions.get(i);
      int depth = result.getDepths().get(position);
      x.position[i] = position;
      x.answerIndex[i] = i;
      x.depth[i] = depth;
      x.complexity[i] = primary.getValues().get(i);
      x.lag[i] = depth - x.complexity[i];
      x.prediction[i] = result.getPredictions().get(position);
      x.target[i] = trace.getTargets().get(i);
      x.correct[i] = x.prediction[i] == x.target[i];
      x.haltProbability[i] =
          steps.isEmpty()
              ? Float.NaN
              : probability(byStep[depth].getHaltProbability().get(position));
      x.stepHaltProbabilities[i] = trajectory(byStep, position, depth);
      x.convergenceStep[i] = steps.isEmpty() ? -1 : convergenceStep(byStep, position, depth);
      x.rightBeforeHalting[i] =
          !steps.isEmpty() && rightBefore(byStep, position, depth, x.target[i]);
      x.staticValues[i] = at(trace.getStaticFeatures(), i);
      x.algorithmValues[i] = at(trace.getAlgorithmFeatures(), i);
    }
    return x;
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static RecurrenceStep[] byStep(InstanceResult result, List<RecurrenceStep> steps) {
    RecurrenceStep[] byStep = new RecurrenceStep[result.getStepsRun() + 1];
    for (RecurrenceStep step : steps) {
      if (!step.getInstanceId().equals(result.getInstanceId())
          || !step.getModelId().equals(result.getModelId())) {
        throw new IllegalArgumentException(
            "step of "
                + step.getInstanceId()
                + "/"
                + step.getModelId()
                + " joined with the result of "
                + result.getInstanceId()
                + "/"
                + result.getModelId());
      }
      if (step.getStep() < 0 || step.getStep() > result.getStepsRun()) {
        throw new IllegalArgumentException(
            result.getInstanceId()
                + ": step "
                + step.getStep()
                + " outside 0.."
                + result.getStepsRun());
      }
      validate(step, result.getDepths().size());
      byStep[step.getStep()] = step;
    }
    if (!steps.isEmpty()) {
      for (int k = 0; k < byStep.length; k++) {
        if (byStep[k] == null) {
          throw new IllegalArgumentException(result.getInstanceId() + ": step " + k + " missing");
        }
      }
    }
    return byStep;
  }

  /** A step record whose values no model can produce: the whole model's records are refused. */
  public static final class InvalidStepException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidStepException(String message) {
      super(message);
    }
  }

  /**
   * λ and the cumulative halt mass are probabilities, the state change a norm: a NaN, an infinity
   * or a value outside [0, 1] would silently bend every statistic it enters.
   */
  private static void validate(RecurrenceStep step, int positions) {
    String where = step.getInstanceId() + "/" + step.getModelId() + " step " + step.getStep();
    for (List<?> values :
        List.of(
            step.getHaltProbability(),
            step.getCumulativeHalt(),
            step.getStateDelta(),
            step.getPrediction())) {
      if (values.size() != positions) {
        throw new InvalidStepException(
            where + ": " + values.size() + " values per step for " + positions + " positions");
      }
    }
    checkProbabilities(step.getHaltProbability(), "haltProbability", where);
    checkProbabilities(step.getCumulativeHalt(), "cumulativeHalt", where);
    List<Float> delta = step.getStateDelta();
    for (int t = 0; t < delta.size(); t++) {
      if (!Float.isFinite(delta.get(t)) || delta.get(t) < 0) {
        throw new InvalidStepException(
            where + ": stateDelta " + delta.get(t) + " at position " + t + " is not a finite norm");
      }
    }
  }

  /**
   * How far a probability may stray outside [0, 1] by float rounding: a model's cumulative halt
   * mass is a float sum of per-step masses, and the bundled EARLY models' reach 1.0000008.
   */
  static final float ROUNDING = 1e-5f;

  /** A validated probability, its float rounding past 0 or 1 taken off. */
  private static float probability(float value) {
    return Math.max(0f, Math.min(1f, value));
  }

  private static void checkProbabilities(List<Float> values, String name, String where) {
    for (int t = 0; t < values.size(); t++) {
      float v = values.get(t);
      if (!(v >= -ROUNDING && v <= 1 + ROUNDING)) {
        throw new InvalidStepException(
            where + ": " + name + " " + v + " at position " + t + " is outside [0, 1]");
      }
    }
  }

  /** λ^1..λ^depth of one position; empty when the steps were not at hand. */
  private static float[] trajectory(RecurrenceStep[] byStep, int position, int depth) {
    float[] values = new float[depth];
    for (int k = 1; k <= depth; k++) {
      if (byStep[k] == null) {
        return new float[0];
      }
      values[k - 1] = probability(byStep[k].getHaltProbability().get(position));
    }
    return values;
  }

  /**
   * The first step k (0 = the prelude's readout) from which the position's prediction stays at its
   * value at the halting step through that step.
   */
  static int convergenceStep(RecurrenceStep[] byStep, int position, int depth) {
    int last = byStep[depth].getPrediction().get(position);
    int k = depth;
    while (k > 0 && byStep[k - 1].getPrediction().get(position) == last) {
      k--;
    }
    return k;
  }

  /** Whether the prediction was right at some step before the halting step. */
  private static boolean rightBefore(RecurrenceStep[] byStep, int position, int depth, int target) {
    for (int k = 0; k < depth; k++) {
      if (byStep[k].getPrediction().get(position) == target) {
        return true;
      }
    }
    return false;
  }

  private static double[] at(List<NamedSeries> series, int i) {
    double[] values = new double[series.size()];
    for (int j = 0; j < values.length; j++) {
      values[j] = series.get(j).getValues().get(i);
    }
    return values;
  }

  private static String[] names(List<NamedSeries> series) {
    return series.stream().map(NamedSeries::getName).toArray(String[]::new);
  }
}
