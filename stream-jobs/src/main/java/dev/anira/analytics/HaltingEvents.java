package dev.anira.analytics;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.RecurrenceStep;
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
    return instance(result, trace, steps.stream().map(StepView::of).toList(), producerId)
        .toEvents();
  }

  /**
   * The events of one model's run of one instance, in columns. Their event time is the latest of
   * the joined records' (result, trace, steps): the streaming join completes an instance when its
   * last record arrives, so an event stamped this way is behind the watermark only if one of its
   * records was.
   *
   * @param steps the model's step records for this instance ({@link StepView#of}), in any order;
   *     empty when they are not at hand, which records λ as NaN and no per-step λ
   * @throws IllegalArgumentException when the records contradict each other ({@link
   *     InvalidStepException} for steps with more or fewer positions than the result)
   */
  public static InstanceEvents instance(
      InstanceResult result, AlgorithmTrace trace, List<StepView> steps, String producerId) {
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
    StepView[] byStep = byStep(result, steps);
    long eventTime =
        Math.max(result.getEventTime().toEpochMilli(), trace.getEventTime().toEpochMilli());
    for (StepView step : steps) {
      eventTime = Math.max(eventTime, step.eventTime());
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
    x.eventTime = eventTime;
    x.producerId = producerId;
    x.schemaVersion = SCHEMA_VERSION;
    x.trainingUpdate = result.getTrainingUpdate();
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
          steps.isEmpty() ? Float.NaN : byStep[depth].haltProbability()[position];
      x.stepHaltProbabilities[i] = trajectory(byStep, position, depth);
      x.convergenceStep[i] = steps.isEmpty() ? -1 : convergenceStep(byStep, position, depth);
      x.rightBeforeHalting[i] =
          !steps.isEmpty() && rightBefore(byStep, position, depth, x.target[i]);
      x.staticValues[i] = at(trace.getStaticFeatures(), i);
      x.algorithmValues[i] = at(trace.getAlgorithmFeatures(), i);
    }
    return x;
  }

  private static StepView[] byStep(InstanceResult result, List<StepView> steps) {
    StepView[] byStep = new StepView[result.getStepsRun() + 1];
    int positions = result.getDepths().size();
    for (StepView step : steps) {
      if (!step.instanceId().equals(result.getInstanceId())
          || !step.modelId().equals(result.getModelId())) {
        throw new IllegalArgumentException(
            "step of "
                + step.instanceId()
                + "/"
                + step.modelId()
                + " joined with the result of "
                + result.getInstanceId()
                + "/"
                + result.getModelId());
      }
      if (step.step() < 0 || step.step() > result.getStepsRun()) {
        throw new IllegalArgumentException(
            result.getInstanceId()
                + ": step "
                + step.step()
                + " outside 0.."
                + result.getStepsRun());
      }
      if (step.haltProbability().length != positions) {
        throw new InvalidStepException(
            step.instanceId()
                + "/"
                + step.modelId()
                + " step "
                + step.step()
                + ": "
                + step.haltProbability().length
                + " values per step for "
                + positions
                + " positions");
      }
      byStep[step.step()] = step;
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

    public InvalidStepException(String message) {
      super(message);
    }
  }

  /** λ^1..λ^depth of one position; empty when the steps were not at hand. */
  private static float[] trajectory(StepView[] byStep, int position, int depth) {
    float[] values = new float[depth];
    for (int k = 1; k <= depth; k++) {
      if (byStep[k] == null) {
        return new float[0];
      }
      values[k - 1] = byStep[k].haltProbability()[position];
    }
    return values;
  }

  /**
   * The first step k (0 = the prelude's readout) from which the position's prediction stays at its
   * value at the halting step through that step.
   */
  static int convergenceStep(StepView[] byStep, int position, int depth) {
    int last = byStep[depth].prediction()[position];
    int k = depth;
    while (k > 0 && byStep[k - 1].prediction()[position] == last) {
      k--;
    }
    return k;
  }

  /** Whether the prediction was right at some step before the halting step. */
  private static boolean rightBefore(StepView[] byStep, int position, int depth, int target) {
    for (int k = 0; k < depth; k++) {
      if (byStep[k].prediction()[position] == target) {
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
