package dev.anira.analytics;

import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The halting events of one model's run of one instance, in columns: what the instance's events
 * share (model, task, size, split, event time, feature names) once, and one array entry per answer
 * token. It is what travels from the join to the analyses, one record per instance instead of one
 * Avro {@link HaltingEvent} per token: Flink's POJO serializer copies its primitive arrays in bulk,
 * and the feature names cross the network once per instance. {@link #toEvents} gives the Avro
 * events back, field for field ({@link #of} is its inverse).
 *
 * <p>Public fields and a no-argument constructor make it a Flink POJO. Arrays are indexed by token
 * i (the i-th answer token, in answer order); feature values are [tokens][features].
 */
public final class InstanceEvents {

  public String instanceId;
  public String modelId;
  public Mechanism mechanism;
  public String task;
  public int size;
  public Split split;
  public int maxDepth;
  public String complexityAlgorithm;

  /** Epoch milliseconds: the latest of the joined records' event times. */
  public long eventTime;

  public String producerId;
  public int schemaVersion;

  /** The training update of a training run's evaluation (telemetry); null for a served model. */
  public Integer trainingUpdate;

  public String[] staticNames;
  public String[] algorithmNames;

  public int[] position;
  public int[] answerIndex;
  public int[] depth;
  public int[] complexity;
  public int[] lag;
  public int[] prediction;
  public int[] target;
  public boolean[] correct;
  public float[] haltProbability;

  /** Per token, λ^1..λ^depth; empty rows when the steps were not at hand. */
  public float[][] stepHaltProbabilities;

  public int[] convergenceStep;
  public boolean[] rightBeforeHalting;
  public double[][] staticValues;
  public double[][] algorithmValues;

  /** For Flink's POJO serializer. */
  public InstanceEvents() {}

  /** Columns for {@code tokens} answer tokens, every value still zero. */
  InstanceEvents(int tokens) {
    position = new int[tokens];
    answerIndex = new int[tokens];
    depth = new int[tokens];
    complexity = new int[tokens];
    lag = new int[tokens];
    prediction = new int[tokens];
    target = new int[tokens];
    correct = new boolean[tokens];
    haltProbability = new float[tokens];
    stepHaltProbabilities = new float[tokens][];
    convergenceStep = new int[tokens];
    rightBeforeHalting = new boolean[tokens];
    staticValues = new double[tokens][];
    algorithmValues = new double[tokens][];
  }

  /** Answer tokens in this record. */
  public int tokens() {
    return depth.length;
  }

  /**
   * The events of one model's run of one instance, in columns.
   *
   * @param events one or more events of the same instance and model, with the same feature names
   * @throws IllegalArgumentException if they are empty, belong to different instances or models, or
   *     name different features
   */
  public static InstanceEvents of(List<HaltingEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("no events");
    }
    HaltingEvent first = events.get(0);
    InstanceEvents x = new InstanceEvents(events.size());
    x.instanceId = first.getInstanceId();
    x.modelId = first.getModelId();
    x.mechanism = first.getMechanism();
    x.task = first.getTask();
    x.size = first.getSize();
    x.split = first.getSplit();
    x.maxDepth = first.getMaxDepth();
    x.complexityAlgorithm = first.getComplexityAlgorithm();
    x.eventTime = first.getEventTime().toEpochMilli();
    x.producerId = first.getProducerId();
    x.schemaVersion = first.getSchemaVersion();
    x.trainingUpdate = first.getTrainingUpdate();
    x.staticNames = names(first.getStaticFeatures());
    x.algorithmNames = names(first.getAlgorithmFeatures());
    for (int i = 0; i < events.size(); i++) {
      HaltingEvent e = events.get(i);
      if (!e.getInstanceId().equals(x.instanceId) || !e.getModelId().equals(x.modelId)) {
        throw new IllegalArgumentException(
            "events of "
                + e.getInstanceId()
                + "/"
                + e.getModelId()
                + " and "
                + x.instanceId
                + "/"
                + x.modelId
                + " in one record");
      }
      x.position[i] = e.getPosition();
      x.answerIndex[i] = e.getAnswerIndex();
      x.depth[i] = e.getDepth();
      x.complexity[i] = e.getComplexity();
      x.lag[i] = e.getLag();
      x.prediction[i] = e.getPrediction();
      x.target[i] = e.getTarget();
      x.correct[i] = e.getCorrect();
      x.haltProbability[i] = e.getHaltProbability();
      List<Float> lambda = e.getStepHaltProbabilities();
      x.stepHaltProbabilities[i] = new float[lambda.size()];
      for (int k = 0; k < lambda.size(); k++) {
        x.stepHaltProbabilities[i][k] = lambda.get(k);
      }
      x.convergenceStep[i] = e.getConvergenceStep();
      x.rightBeforeHalting[i] = e.getRightBeforeHalting();
      if (!Arrays.equals(names(e.getStaticFeatures()), x.staticNames)
          || !Arrays.equals(names(e.getAlgorithmFeatures()), x.algorithmNames)) {
        throw new IllegalArgumentException(
            x.instanceId + ": features differ between the events of one instance");
      }
      x.staticValues[i] = values(e.getStaticFeatures());
      x.algorithmValues[i] = values(e.getAlgorithmFeatures());
    }
    return x;
  }

  /** One Avro event per answer token, as written to {@code anira.halting}. */
  public List<HaltingEvent> toEvents() {
    List<HaltingEvent> events = new ArrayList<>(tokens());
    Instant time = Instant.ofEpochMilli(eventTime);
    for (int i = 0; i < tokens(); i++) {
      List<Float> lambda = new ArrayList<>(stepHaltProbabilities[i].length);
      for (float v : stepHaltProbabilities[i]) {
        lambda.add(v);
      }
      events.add(
          HaltingEvent.newBuilder()
              .setInstanceId(instanceId)
              .setModelId(modelId)
              .setMechanism(mechanism)
              .setTask(task)
              .setSize(size)
              .setSplit(split)
              .setPosition(position[i])
              .setAnswerIndex(answerIndex[i])
              .setDepth(depth[i])
              .setMaxDepth(maxDepth)
              .setComplexity(complexity[i])
              .setComplexityAlgorithm(complexityAlgorithm)
              .setLag(lag[i])
              .setPrediction(prediction[i])
              .setTarget(target[i])
              .setCorrect(correct[i])
              .setHaltProbability(haltProbability[i])
              .setStepHaltProbabilities(lambda)
              .setConvergenceStep(convergenceStep[i])
              .setRightBeforeHalting(rightBeforeHalting[i])
              .setStaticFeatures(named(staticNames, staticValues[i]))
              .setAlgorithmFeatures(named(algorithmNames, algorithmValues[i]))
              .setEventTime(time)
              .setProducerId(producerId)
              .setSchemaVersion(schemaVersion)
              .setTrainingUpdate(trainingUpdate)
              .build());
    }
    return events;
  }

  private static String[] names(List<NamedValue> values) {
    return values.stream().map(NamedValue::getName).toArray(String[]::new);
  }

  private static double[] values(List<NamedValue> values) {
    return values.stream().mapToDouble(NamedValue::getValue).toArray();
  }

  private static List<NamedValue> named(String[] names, double[] values) {
    List<NamedValue> named = new ArrayList<>(names.length);
    for (int j = 0; j < names.length; j++) {
      named.add(new NamedValue(names[j], values[j]));
    }
    return named;
  }

  @Override
  public String toString() {
    return "InstanceEvents[" + instanceId + "/" + modelId + ", " + tokens() + " tokens]";
  }
}
