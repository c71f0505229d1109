package dev.anira.tasks;

import dev.anira.schemas.AlgorithmState;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what a task generates: tokens, answer positions with targets, named static features,
 * complexities and the reference algorithm's states, then builds the two records. Every per-token
 * array is indexed by answer (in answer-position order).
 *
 * <p>Conventions every task follows, and tests check: each state has the features {@value
 * #RESOLVED} (1 once the algorithm has determined the answer) and {@value #ANSWER} (the value the
 * algorithm holds, -1 while unresolved); the first complexity is the step at which {@value
 * #RESOLVED} first becomes 1.
 */
public final class TraceBuilder {

  public static final String RESOLVED = "resolved";
  public static final String ANSWER = "answer";

  private int[] tokens = new int[64];
  private int tokenCount;
  private int[] answerPositions = new int[32];
  private int[] targets = new int[32];
  private int answerCount;
  private final Map<String, double[]> staticFeatures = new LinkedHashMap<>();
  private final List<Complexity> complexities = new ArrayList<>();
  private final List<AlgorithmState> states = new ArrayList<>();
  private final Map<String, double[]> algorithmFeatures = new LinkedHashMap<>();

  /** Appends a token; returns its position. */
  public int token(int id) {
    if (tokenCount == tokens.length) {
      tokens = Arrays.copyOf(tokens, tokenCount * 2);
    }
    tokens[tokenCount] = id;
    return tokenCount++;
  }

  /** Appends a token whose output is scored; returns its answer index. */
  public int answer(int id, int target) {
    int position = token(id);
    if (answerCount == answerPositions.length) {
      answerPositions = Arrays.copyOf(answerPositions, answerCount * 2);
      targets = Arrays.copyOf(targets, answerCount * 2);
    }
    answerPositions[answerCount] = position;
    targets[answerCount] = target;
    return answerCount++;
  }

  public int tokenCount() {
    return tokenCount;
  }

  public int answerCount() {
    return answerCount;
  }

  /** Changes the target of an answer already appended (for answers known only later). */
  public void setTarget(int answerIndex, int target) {
    targets[answerIndex] = target;
  }

  public void staticFeature(String name, double[] perAnswer) {
    staticFeatures.put(name, checked(name, perAnswer));
  }

  public void complexity(String algorithm, int[] perAnswer) {
    if (perAnswer.length != answerCount) {
      throw new IllegalStateException(
          algorithm + ": " + perAnswer.length + " values for " + answerCount + " answers");
    }
    complexities.add(new Complexity(algorithm, PrimitiveLists.ofInts(perAnswer)));
  }

  /**
   * A per-answer property of the reference execution that does not depend on any model's depth, for
   * decision timing (docs/design.md §5): e.g. the size of the BFS round that reached the node.
   */
  public void algorithmFeature(String name, double[] perAnswer) {
    algorithmFeatures.put(name, checked(name, perAnswer));
  }

  /**
   * Adds, for each named state feature, its value at each answer's own resolution step (the step of
   * the primary complexity): the state the reference execution was in when it determined that
   * answer. Call after the states and the complexities.
   */
  public void featuresAtResolution(String... names) {
    int[] resolution =
        complexities.get(0).getValues().stream().mapToInt(Integer::intValue).toArray();
    // Every state lists its features in the same order.
    List<String> stateFeatures =
        states.get(0).getFeatures().stream().map(NamedSeries::getName).toList();
    for (String name : names) {
      int feature = stateFeatures.indexOf(name);
      if (feature < 0) {
        throw new IllegalStateException("no state feature " + name);
      }
      double[] values = new double[answerCount];
      for (int i = 0; i < answerCount; i++) {
        AlgorithmState state = states.get(Math.min(resolution[i], states.size()) - 1);
        values[i] = state.getFeatures().get(feature).getValues().get(i);
      }
      algorithmFeature(name, values);
    }
  }

  /** Appends the state after the next step (steps count from 1). */
  public void state(Map<String, double[]> features) {
    List<NamedSeries> series = new ArrayList<>(features.size());
    features.forEach(
        (name, values) ->
            series.add(new NamedSeries(name, PrimitiveLists.ofDoubles(checked(name, values)))));
    states.add(new AlgorithmState(states.size() + 1, series));
  }

  private double[] checked(String name, double[] perAnswer) {
    if (perAnswer.length != answerCount) {
      throw new IllegalStateException(
          name + ": " + perAnswer.length + " values for " + answerCount + " answers");
    }
    return perAnswer;
  }

  GeneratedInstance build(
      Task task,
      Params params,
      Split split,
      long seed,
      String instanceId,
      String producerId,
      Instant eventTime) {
    int size = params.getInt(task.sizeKnob());
    List<Integer> answers = PrimitiveLists.ofInts(Arrays.copyOf(answerPositions, answerCount));
    ProblemInstance instance =
        ProblemInstance.newBuilder()
            .setInstanceId(instanceId)
            .setTask(task.name())
            .setSize(size)
            .setSplit(split)
            .setSeed(seed)
            .setDifficulty(params.asNamedValues())
            .setVocabSize(task.vocabSize())
            .setTokens(PrimitiveLists.ofInts(Arrays.copyOf(tokens, tokenCount)))
            .setAnswerPositions(answers)
            .setEventTime(eventTime)
            .setProducerId(producerId)
            .build();
    List<NamedSeries> statics = series(staticFeatures);
    // A feature of the whole trace: how many steps the reference execution took.
    algorithmFeatures.put("traceSteps", Steps.constant(answerCount, states.size()));
    List<NamedSeries> algorithmic = series(algorithmFeatures);
    AlgorithmTrace trace =
        AlgorithmTrace.newBuilder()
            .setInstanceId(instanceId)
            .setTask(task.name())
            .setSize(size)
            .setSplit(split)
            .setAnswerPositions(answers)
            .setTargets(PrimitiveLists.ofInts(Arrays.copyOf(targets, answerCount)))
            .setStaticFeatures(statics)
            .setComplexities(List.copyOf(complexities))
            .setStates(List.copyOf(states))
            .setAlgorithmFeatures(algorithmic)
            .setEventTime(eventTime)
            .setProducerId(producerId)
            .build();
    return new GeneratedInstance(instance, trace);
  }

  private static List<NamedSeries> series(Map<String, double[]> features) {
    List<NamedSeries> out = new ArrayList<>(features.size());
    features.forEach(
        (name, values) -> out.add(new NamedSeries(name, PrimitiveLists.ofDoubles(values))));
    return out;
  }
}
