package dev.anira.analytics;

import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.LagBin;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alignment of depth with complexity (docs/design.md §5) over a set of halting events, exact and
 * mergeable: counts, sums and {@link RankTable}s only, so any union of windows or subtasks gives
 * the batch numbers. Also prediction convergence against halting: per token, {@code depth −
 * convergenceStep}, the steps spent after its prediction had settled ("overthinking").
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class AlignmentAccumulator implements MergeableAccumulator<AlignmentAccumulator> {

  private static final long serialVersionUID = 1L;

  public RankTable all = new RankTable();
  public RankTable correct = new RankTable();
  public Map<Integer, Long> lags = new HashMap<>();

  /** depth on [complexity, position, input size] over correct tokens, for the partial r. */
  public OlsAccumulator controlled = new OlsAccumulator(3);

  public Map<Integer, Long> overthinking = new HashMap<>();
  public long converged;
  public long overthinkingSum;
  public long settledAtHalt;
  public long rightThenWrong;

  public long tokens;
  public long correctTokens;
  public long depthSum;
  public long complexitySum;
  public int maxDepth;

  public void add(InstanceEvents x) {
    for (int i = 0; i < x.tokens(); i++) {
      int depth = x.depth[i];
      int complexity = x.complexity[i];
      all.add(depth, complexity);
      if (x.correct[i]) {
        correct.add(depth, complexity);
        controlled.add(new double[] {complexity, x.position[i], x.size}, depth);
        correctTokens++;
      }
      lags.merge(x.lag[i], 1L, Long::sum);
      if (x.convergenceStep[i] >= 0) {
        int after = depth - x.convergenceStep[i];
        overthinking.merge(after, 1L, Long::sum);
        overthinkingSum += after;
        converged++;
        settledAtHalt += after == 0 && depth > 0 ? 1 : 0;
        rightThenWrong += x.rightBeforeHalting[i] && !x.correct[i] ? 1 : 0;
      }
      tokens++;
      depthSum += depth;
      complexitySum += complexity;
      maxDepth = Math.max(maxDepth, x.maxDepth);
    }
  }

  public AlignmentAccumulator merge(AlignmentAccumulator other) {
    all.merge(other.all);
    correct.merge(other.correct);
    controlled.merge(other.controlled);
    other.lags.forEach((lag, n) -> lags.merge(lag, n, Long::sum));
    other.overthinking.forEach((k, n) -> overthinking.merge(k, n, Long::sum));
    converged += other.converged;
    overthinkingSum += other.overthinkingSum;
    settledAtHalt += other.settledAtHalt;
    rightThenWrong += other.rightThenWrong;
    tokens += other.tokens;
    correctTokens += other.correctTokens;
    depthSum += other.depthSum;
    complexitySum += other.complexitySum;
    maxDepth = Math.max(maxDepth, other.maxDepth);
    return this;
  }

  public long tokens() {
    return tokens;
  }

  public AlignmentReport report(
      String modelId,
      Mechanism mechanism,
      String task,
      String sizeBucket,
      Split split,
      WindowScope scope,
      long windowStart,
      long windowEnd,
      String producerId) {
    double meanDepth = (double) depthSum / tokens;
    List<LagBin> histogram = new ArrayList<>();
    long premature = 0;
    long onTime = 0;
    long late = 0;
    for (var bin : new TreeMap<>(lags).entrySet()) {
      histogram.add(new LagBin(bin.getKey(), bin.getValue()));
      if (bin.getKey() < 0) {
        premature += bin.getValue();
      } else if (bin.getKey() == 0) {
        onTime += bin.getValue();
      } else {
        late += bin.getValue();
      }
    }
    return AlignmentReport.newBuilder()
        .setModelId(modelId)
        .setMechanism(mechanism)
        .setTask(task)
        .setSizeBucket(sizeBucket)
        .setSplit(split)
        .setScope(scope)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setMaxDepth(maxDepth)
        .setTokens(tokens)
        .setCorrectTokens(correctTokens)
        .setAccuracy((double) correctTokens / tokens)
        .setMeanDepth(meanDepth)
        .setMeanComplexity((double) complexitySum / tokens)
        .setComputeSaved(1 - meanDepth / maxDepth)
        .setSpearmanCorrect(Reported.orNull(correct.spearman()))
        .setPearsonCorrect(Reported.orNull(correct.pearson()))
        .setSpearmanAll(Reported.orNull(all.spearman()))
        .setPearsonAll(Reported.orNull(all.pearson()))
        .setPartialPearsonCorrect(Reported.orNull(controlled.partialCorrelation(0)))
        .setConvergedTokens(converged)
        .setMeanOverthinking(Reported.orNull((double) overthinkingSum / converged))
        .setOverthinkingHistogram(
            new TreeMap<>(overthinking)
                .entrySet().stream().map(b -> new LagBin(b.getKey(), b.getValue())).toList())
        .setSettledAtHaltShare(Reported.orNull((double) settledAtHalt / converged))
        .setRightThenWrongShare(Reported.orNull((double) rightThenWrong / converged))
        .setPremature(premature)
        .setOnTime(onTime)
        .setLate(late)
        .setLagHistogram(histogram)
        // From the (depth, complexity) pairs already kept: no new state, so restored windows
        // report it exactly too.
        .setDepthHistogram(
            all.countsByX().entrySet().stream()
                .map(b -> new LagBin(b.getKey(), b.getValue()))
                .toList())
        .setEventTime(Instant.ofEpochMilli(windowEnd))
        .setProducerId(producerId)
        .build();
  }

  /** Sizes group by powers of two: 1-1, 2-3, 4-7, 8-15, 16-31, ... */
  public static String sizeBucket(int size) {
    if (size < 1) {
      return size + "-" + size;
    }
    int low = Integer.highestOneBit(size);
    return low + "-" + (2 * low - 1);
  }
}
