package dev.anira.analytics;

import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generalization (docs/design.md §5) of one model on one task: accuracy and compute by exact input
 * size, train versus extrapolation sizes, with the "more compute, still wrong" flag for sizes where
 * the model thinks longer than on its train sizes and is still less accurate.
 *
 * <p>Instance accuracy needs all of an instance's answer tokens. They always arrive together: the
 * join emits them at once with one event time, so they share a window. The accumulator holds a
 * window's instances open and folds them into counts on {@link #merge} and {@link #reports}, so
 * cumulative state stays bounded.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class GeneralizationAccumulator
    implements MergeableAccumulator<GeneralizationAccumulator> {

  private static final long serialVersionUID = 1L;

  /** Counts of one (size, split). */
  public static final class Cell implements Serializable {
    private static final long serialVersionUID = 1L;
    public long instances;
    public long instancesCorrect;
    public long tokens;
    public long correct;
    public long depthSum;
    public long depthSumCorrect;
    public long complexitySum;

    void merge(Cell o) {
      instances += o.instances;
      instancesCorrect += o.instancesCorrect;
      tokens += o.tokens;
      correct += o.correct;
      depthSum += o.depthSum;
      depthSumCorrect += o.depthSumCorrect;
      complexitySum += o.complexitySum;
    }

    double accuracy() {
      return (double) correct / tokens;
    }

    double meanDepth() {
      return (double) depthSum / tokens;
    }
  }

  /** Size and split of a cell: size × 2 + (extrapolation ? 1 : 0), so cells sort by size. */
  public Map<Integer, Cell> cells = new HashMap<>();

  /** An instance whose tokens are still being added. */
  public static final class OpenInstance implements Serializable {
    private static final long serialVersionUID = 1L;
    public int cell;
    public boolean allCorrect = true;
  }

  public Map<String, OpenInstance> open = new HashMap<>();

  public void add(InstanceEvents x) {
    int key = cellKey(x.size, x.split);
    Cell cell = cells.computeIfAbsent(key, k -> new Cell());
    OpenInstance instance = open.computeIfAbsent(x.instanceId, id -> new OpenInstance());
    instance.cell = key;
    for (int i = 0; i < x.tokens(); i++) {
      cell.tokens++;
      cell.depthSum += x.depth[i];
      cell.complexitySum += x.complexity[i];
      if (x.correct[i]) {
        cell.correct++;
        cell.depthSumCorrect += x.depth[i];
      }
      instance.allCorrect &= x.correct[i];
    }
  }

  public GeneralizationAccumulator merge(GeneralizationAccumulator other) {
    fold();
    other.fold();
    other.cells.forEach((k, c) -> cells.computeIfAbsent(k, x -> new Cell()).merge(c));
    return this;
  }

  private void fold() {
    for (OpenInstance instance : open.values()) {
      Cell cell = cells.get(instance.cell);
      cell.instances++;
      if (instance.allCorrect) {
        cell.instancesCorrect++;
      }
    }
    open.clear();
  }

  public List<GeneralizationReport> reports(
      String modelId,
      Mechanism mechanism,
      String task,
      WindowScope scope,
      long windowStart,
      long windowEnd,
      String producerId) {
    fold();
    Cell train = new Cell();
    cells.forEach(
        (k, c) -> {
          if (splitOf(k) == Split.TRAIN) {
            train.merge(c);
          }
        });
    List<GeneralizationReport> out = new ArrayList<>(cells.size());
    for (Map.Entry<Integer, Cell> e : new TreeMap<>(cells).entrySet()) {
      Cell c = e.getValue();
      Split split = splitOf(e.getKey());
      long wrong = c.tokens - c.correct;
      boolean moreComputeStillWrong =
          split == Split.EXTRAPOLATION
              && train.tokens > 0
              && c.meanDepth() > train.meanDepth()
              && c.accuracy() < train.accuracy();
      out.add(
          GeneralizationReport.newBuilder()
              .setModelId(modelId)
              .setMechanism(mechanism)
              .setTask(task)
              .setSize(e.getKey() >> 1)
              .setSplit(split)
              .setScope(scope)
              .setWindowStart(Instant.ofEpochMilli(windowStart))
              .setWindowEnd(Instant.ofEpochMilli(windowEnd))
              .setInstances(c.instances)
              .setTokens(c.tokens)
              .setAccuracy(c.accuracy())
              .setInstanceAccuracy((double) c.instancesCorrect / c.instances)
              .setMeanDepth(c.meanDepth())
              .setMeanDepthCorrect(c.correct == 0 ? null : (double) c.depthSumCorrect / c.correct)
              .setMeanDepthWrong(
                  wrong == 0 ? null : (double) (c.depthSum - c.depthSumCorrect) / wrong)
              .setMeanComplexity((double) c.complexitySum / c.tokens)
              .setMoreComputeStillWrong(moreComputeStillWrong)
              .setEventTime(Instant.ofEpochMilli(windowEnd))
              .setProducerId(producerId)
              .build());
    }
    return out;
  }

  private static int cellKey(int size, Split split) {
    return size * 2 + (split == Split.EXTRAPOLATION ? 1 : 0);
  }

  private static Split splitOf(int cellKey) {
    return (cellKey & 1) == 1 ? Split.EXTRAPOLATION : Split.TRAIN;
  }
}
