package dev.anira.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.schemas.Alert;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Split;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.WindowScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, kept up to date from the topics: the reports as the analytics job wrote
 * them, depth × complexity counts and the latest instances from the halting events, and the alerts.
 * All methods are synchronized: one consumer thread writes, HTTP threads read.
 */
public final class MonitorState {

  static final int MAX_POINTS = 360;
  static final int MAX_INSTANCES = 500;
  static final int MAX_ALERTS = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A model's identity as the filters see it. */
  record Model(String modelId, String task, String mechanism) {}

  private final Map<String, Model> models = new TreeMap<>();

  /** modelId|bucket|split → [windowEnd, ρ over correct tokens (null when undefined)]. */
  private final Map<String, Deque<Object[]>> rho = new TreeMap<>();

  private final Map<String, AlignmentReport> alignment = new TreeMap<>();
  private final Map<String, TimingReport> timing = new TreeMap<>();
  private final Map<String, GeneralizationReport> generalization = new TreeMap<>();

  /** modelId → depth → complexity → tokens. */
  private final Map<String, TreeMap<Integer, TreeMap<Integer, Long>>> heatmap = new TreeMap<>();

  private final LinkedHashMap<String, List<HaltingEvent>> instances = new LinkedHashMap<>();
  private final Deque<Alert> alerts = new ArrayDeque<>();
  private final Map<String, Long> deadLetters = new TreeMap<>();

  /**
   * One evaluation of a training run (telemetry): per split, tokens, correct tokens, depth sum and
   * tokens per depth, from its halting events; and the event time its records share.
   */
  private static final class Evaluation {
    long eventTime;
    final Map<Split, long[]> totals = new java.util.EnumMap<>(Split.class);
    final Map<Split, TreeMap<Integer, Long>> depths = new java.util.EnumMap<>(Split.class);
  }

  /** Training run model id → update → its evaluation. */
  private final Map<String, TreeMap<Integer, Evaluation>> runs = new TreeMap<>();

  /** Training run model id → its window alignment reports, oldest first (ρ per evaluation). */
  private final Map<String, Deque<AlignmentReport>> runWindows = new TreeMap<>();

  /** Arrival times (ms, wall clock) of model runs of instances seen in the last minute. */
  private final Deque<Long> runArrivals = new ArrayDeque<>();

  private long lag;
  private long version;

  public synchronized void add(AlignmentReport r) {
    model(r.getModelId(), r.getTask(), r.getMechanism().name());
    String key = r.getModelId() + "|" + r.getSizeBucket() + "|" + r.getSplit();
    if (r.getScope() == WindowScope.WINDOW && isTrainingRun(r.getModelId())) {
      Deque<AlignmentReport> windows =
          runWindows.computeIfAbsent(r.getModelId(), k -> new ArrayDeque<>());
      windows.addLast(r);
      while (windows.size() > MAX_POINTS) {
        windows.removeFirst();
      }
    }
    if (r.getScope() == WindowScope.WINDOW) {
      Deque<Object[]> points = rho.computeIfAbsent(key, k -> new ArrayDeque<>());
      points.addLast(new Object[] {r.getWindowEnd().toEpochMilli(), r.getSpearmanCorrect()});
      while (points.size() > MAX_POINTS) {
        points.removeFirst();
      }
    } else {
      alignment.put(key, r);
    }
    version++;
  }

  public synchronized void add(TimingReport r) {
    model(r.getModelId(), r.getTask(), r.getMechanism().name());
    if (r.getScope() == WindowScope.CUMULATIVE) {
      timing.put(r.getModelId() + "|" + r.getSizeBucket() + "|" + r.getSplit(), r);
      version++;
    }
  }

  public synchronized void add(GeneralizationReport r) {
    model(r.getModelId(), r.getTask(), r.getMechanism().name());
    if (r.getScope() == WindowScope.CUMULATIVE) {
      generalization.put(
          r.getModelId() + "|" + String.format("%06d", r.getSize()) + "|" + r.getSplit(), r);
      version++;
    }
  }

  /** Every dead letter on the topic, by reason: what the analyses never saw, and why. */
  public synchronized void add(DeadLetter d) {
    deadLetters.merge(d.getErrorType(), 1L, Long::sum);
    version++;
  }

  public synchronized Map<String, Long> deadLettersByReason() {
    return new TreeMap<>(deadLetters);
  }

  public synchronized void add(Alert a) {
    alerts.addFirst(a);
    while (alerts.size() > MAX_ALERTS) {
      alerts.removeLast();
    }
    version++;
  }

  public synchronized void add(HaltingEvent e) {
    model(e.getModelId(), e.getTask(), e.getMechanism().name());
    heatmap
        .computeIfAbsent(e.getModelId(), m -> new TreeMap<>())
        .computeIfAbsent(e.getDepth(), d -> new TreeMap<>())
        .merge(e.getComplexity(), 1L, Long::sum);
    String key = e.getInstanceId();
    List<HaltingEvent> events = instances.remove(key);
    if (events == null) {
      events = new ArrayList<>();
    }
    if (e.getAnswerIndex() == 0) {
      arrived(System.currentTimeMillis());
    }
    if (e.getTrainingUpdate() != null) {
      Evaluation evaluation =
          runs.computeIfAbsent(e.getModelId(), m -> new TreeMap<>())
              .computeIfAbsent(e.getTrainingUpdate(), u -> new Evaluation());
      evaluation.eventTime = Math.max(evaluation.eventTime, e.getEventTime().toEpochMilli());
      long[] t = evaluation.totals.computeIfAbsent(e.getSplit(), s -> new long[3]);
      t[0]++;
      t[1] += e.getCorrect() ? 1 : 0;
      t[2] += e.getDepth();
      evaluation
          .depths
          .computeIfAbsent(e.getSplit(), s -> new TreeMap<>())
          .merge(e.getDepth(), 1L, Long::sum);
    }
    events.add(e);
    instances.put(key, events); // most recent last
    while (instances.size() > MAX_INSTANCES) {
      instances.remove(instances.keySet().iterator().next());
    }
    version++;
  }

  /** A model's run of an instance arrived at {@code millis}; keeps the last minute. */
  private void arrived(long millis) {
    runArrivals.addLast(millis);
    while (!runArrivals.isEmpty() && runArrivals.peekFirst() < millis - 60_000) {
      runArrivals.removeFirst();
    }
  }

  /** Records the monitor's consumer is behind the end of its topics, summed over partitions. */
  public synchronized void lag(long records) {
    if (records != lag) {
      lag = records;
      version++;
    }
  }

  private void model(String modelId, String task, String mechanism) {
    models.putIfAbsent(modelId, new Model(modelId, task, mechanism));
  }

  /** Changes so far; the page polls cheaply and fetches only when this moved. */
  public synchronized long version() {
    return version;
  }

  /**
   * One row per model for the terminal, what the demo prints every few seconds, read from the job's
   * cumulative reports (the monitor recomputes nothing): instances over all sizes (generalization),
   * the rest from the alignment and timing reports of the model's largest train-size bucket.
   */
  public record Row(
      String task,
      String mechanism,
      String modelId,
      long instances,
      Double accuracy,
      Double meanDepth,
      Double rho,
      Double adjustedR2Static,
      Double adjustedR2Algorithm,
      Double meanOverthinking,
      long alerts) {}

  public synchronized List<Row> summary() {
    List<Row> rows = new ArrayList<>();
    for (Model m : models.values()) {
      long instances =
          generalization.values().stream()
              .filter(r -> r.getModelId().equals(m.modelId()))
              .mapToLong(GeneralizationReport::getInstances)
              .sum();
      // ρ and R² of the model's largest train-size bucket so far.
      AlignmentReport best = largestTrainBucket(m.modelId());
      TimingReport timed =
          best == null
              ? null
              : timing.get(best.getModelId() + "|" + best.getSizeBucket() + "|" + best.getSplit());
      if (best == null && instances == 0) {
        continue;
      }
      long raised = alerts.stream().filter(a -> a.getModelId().equals(m.modelId())).count();
      rows.add(
          new Row(
              m.task(),
              m.mechanism(),
              m.modelId(),
              instances,
              best == null ? null : best.getAccuracy(),
              best == null ? null : best.getMeanDepth(),
              best == null ? null : best.getSpearmanCorrect(),
              timed == null ? null : timed.getAdjustedR2Static(),
              timed == null ? null : timed.getAdjustedR2Algorithm(),
              best == null ? null : best.getMeanOverthinking(),
              raised));
    }
    rows.sort(
        java.util.Comparator.comparing(Row::task)
            .thenComparing(Row::mechanism)
            .thenComparing(Row::modelId));
    return rows;
  }

  /** Everything the page draws, as JSON. */
  public synchronized ObjectNode snapshot() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", version);
    ArrayNode modelList = root.putArray("models");
    models
        .values()
        .forEach(
            m ->
                modelList
                    .addObject()
                    .put("modelId", m.modelId())
                    .put("task", m.task())
                    .put("mechanism", m.mechanism()));
    ObjectNode series = root.putObject("rho");
    rho.forEach(
        (key, points) -> {
          ArrayNode line = series.putArray(key);
          for (Object[] p : points) {
            ArrayNode point = line.addArray().add((Long) p[0]);
            if (p[1] == null) {
              point.addNull();
            } else {
              point.add((Double) p[1]);
            }
          }
        });
    ArrayNode timingRows = root.putArray("timing");
    timing
        .values()
        .forEach(
            r ->
                timingRows
                    .addObject()
                    .put("modelId", r.getModelId())
                    .put("sizeBucket", r.getSizeBucket())
                    .put("split", r.getSplit().name())
                    .put("tokens", r.getTokens())
                    .put("r2Static", r.getR2Static())
                    .put("r2Algorithm", r.getR2Algorithm())
                    .put("r2Full", r.getR2Full())
                    .put("adjustedR2Static", r.getAdjustedR2Static())
                    .put("adjustedR2Algorithm", r.getAdjustedR2Algorithm())
                    .<ObjectNode>set("tracking", tracking(r))
                    .set("featureShares", featureShares(r)));
    ArrayNode convergenceRows = root.putArray("convergence");
    alignment
        .values()
        .forEach(
            r -> {
              ObjectNode row =
                  convergenceRows
                      .addObject()
                      .put("modelId", r.getModelId())
                      .put("sizeBucket", r.getSizeBucket())
                      .put("split", r.getSplit().name())
                      .put("tokens", r.getConvergedTokens())
                      .put("meanOverthinking", r.getMeanOverthinking())
                      .put("settledAtHaltShare", r.getSettledAtHaltShare())
                      .put("rightThenWrongShare", r.getRightThenWrongShare());
              ArrayNode bins = row.putArray("histogram");
              r.getOverthinkingHistogram()
                  .forEach(b -> bins.addArray().add(b.getLag()).add(b.getCount()));
            });
    ArrayNode generalizationRows = root.putArray("generalization");
    generalization
        .values()
        .forEach(
            r ->
                generalizationRows
                    .addObject()
                    .put("modelId", r.getModelId())
                    .put("size", r.getSize())
                    .put("split", r.getSplit().name())
                    .put("tokens", r.getTokens())
                    .put("accuracy", r.getAccuracy())
                    .put("meanDepth", r.getMeanDepth())
                    .put("moreComputeStillWrong", r.getMoreComputeStillWrong()));
    ObjectNode maps = root.putObject("heatmap");
    heatmap.forEach(
        (model, byDepth) -> {
          ArrayNode cells = maps.putArray(model);
          byDepth.forEach(
              (depth, byComplexity) ->
                  byComplexity.forEach(
                      (complexity, n) -> cells.addArray().add(complexity).add(depth).add(n)));
        });
    ObjectNode letters = root.putObject("deadLetters");
    deadLetters.forEach(letters::put);
    ArrayNode alertRows = root.putArray("alerts");
    alerts.forEach(
        a ->
            alertRows
                .addObject()
                .put("kind", a.getKind().name())
                .put("severity", a.getSeverity().name())
                .put("modelId", a.getModelId())
                .put("task", a.getTask())
                .put("windowEnd", a.getWindowEnd().toEpochMilli())
                .put("message", a.getMessage()));
    root.set("operator", operator());
    root.set("overview", overview());
    root.set("runs", trainingRuns());
    ArrayNode recent = root.putArray("instances");
    ObjectNode taskOf = root.putObject("instanceTasks");
    List<String> ids = new ArrayList<>(instances.keySet());
    for (int i = ids.size() - 1; i >= Math.max(0, ids.size() - 50); i--) {
      recent.add(ids.get(i));
      taskOf.put(ids.get(i), instances.get(ids.get(i)).get(0).getTask());
    }
    return root;
  }

  /**
   * The operator strip: model runs analyzed per second (last 10 s of arrivals), the monitor's lag
   * behind its topics, dead letters, and the alerts of the last three windows.
   */
  private ObjectNode operator() {
    long now = System.currentTimeMillis();
    long recent = runArrivals.stream().filter(t -> t >= now - 10_000).count();
    long latestEnd = 0;
    long window = 0;
    for (Deque<Object[]> points : rho.values()) {
      if (!points.isEmpty()) {
        latestEnd = Math.max(latestEnd, (Long) points.peekLast()[0]);
      }
    }
    for (AlignmentReport r : alignment.values()) {
      window =
          Math.max(window, r.getWindowEnd().toEpochMilli() - r.getWindowStart().toEpochMilli());
    }
    long since = latestEnd - 3 * window;
    long active =
        window == 0
            ? alerts.size()
            : alerts.stream().filter(a -> a.getWindowEnd().toEpochMilli() > since).count();
    return JSON.createObjectNode()
        .put("runsPerSecond", recent / 10.0)
        .put("lag", lag)
        .put("deadLetters", deadLetters.values().stream().mapToLong(Long::longValue).sum())
        .put("activeAlerts", active);
  }

  /**
   * Per model, what the overview compares: ρ and partial r of its largest train-size bucket, and
   * token accuracy and mean depth on train and extrapolation sizes (the generalization reports'
   * tokens, summed).
   */
  private ArrayNode overview() {
    ArrayNode rows = JSON.createArrayNode();
    for (Model m : models.values()) {
      if (isTrainingRun(m.modelId())) {
        continue; // shown with the training runs
      }
      ObjectNode row =
          rows.addObject()
              .put("modelId", m.modelId())
              .put("task", m.task())
              .put("mechanism", m.mechanism());
      AlignmentReport best = largestTrainBucket(m.modelId());
      if (best != null) {
        row.put("bucket", best.getSizeBucket())
            .put("rho", best.getSpearmanCorrect())
            .put("partial", best.getPartialPearsonCorrect());
      }
      for (Split split : Split.values()) {
        long tokens = 0;
        double correct = 0;
        double depth = 0;
        for (GeneralizationReport g : generalization.values()) {
          if (g.getModelId().equals(m.modelId()) && g.getSplit() == split) {
            tokens += g.getTokens();
            correct += g.getAccuracy() * g.getTokens();
            depth += g.getMeanDepth() * g.getTokens();
          }
        }
        String name = split == Split.TRAIN ? "Train" : "Extrapolation";
        if (tokens > 0) {
          row.put("accuracy" + name, correct / tokens).put("depth" + name, depth / tokens);
        }
      }
    }
    return rows;
  }

  /** [[feature, unique R² share], ...]: what the full fit loses without each feature. */
  private static ArrayNode featureShares(TimingReport r) {
    ArrayNode shares = JSON.createArrayNode();
    r.getFeatureUniqueShares().forEach(f -> shares.addArray().add(f.getName()).add(f.getValue()));
    return shares;
  }

  /** The cumulative alignment report of the model's train-size bucket with the most tokens. */
  private AlignmentReport largestTrainBucket(String modelId) {
    return largestTrainBucket(alignment.values(), r -> r.getModelId().equals(modelId));
  }

  /** Of the train-size {@code reports} that {@code which} accepts, the one with the most tokens. */
  private static AlignmentReport largestTrainBucket(
      Iterable<AlignmentReport> reports, java.util.function.Predicate<AlignmentReport> which) {
    AlignmentReport best = null;
    for (AlignmentReport r : reports) {
      if (which.test(r)
          && r.getSplit() == Split.TRAIN
          && (best == null || r.getTokens() > best.getTokens())) {
        best = r;
      }
    }
    return best;
  }

  /** A training run's model id names its run: {@code TASK-MECHANISM@RUN} (anira train). */
  public static boolean isTrainingRun(String modelId) {
    return modelId.contains("@");
  }

  /**
   * Per training run, per evaluation (update): accuracy, mean depth, depth entropy (bits), distinct
   * depths and the most common depth's share per split, from its halting events; and ρ and partial
   * r of the largest train-size bucket of the report window holding the evaluation (each evaluation
   * has a window of its own, see anira train --telemetry-spacing).
   */
  private ArrayNode trainingRuns() {
    ArrayNode out = JSON.createArrayNode();
    runs.forEach(
        (modelId, evaluations) -> {
          Model m = models.get(modelId);
          ObjectNode run =
              out.addObject()
                  .put("modelId", modelId)
                  .put("task", m.task())
                  .put("mechanism", m.mechanism());
          ArrayNode points = run.putArray("evaluations");
          evaluations.forEach(
              (update, e) -> {
                ObjectNode p =
                    points.addObject().put("update", update).put("eventTime", e.eventTime);
                e.totals.forEach(
                    (split, t) -> {
                      TreeMap<Integer, Long> depths = e.depths.get(split);
                      double entropy = 0;
                      long top = 0;
                      for (long n : depths.values()) {
                        double q = (double) n / t[0];
                        entropy -= q * Math.log(q) / Math.log(2);
                        top = Math.max(top, n);
                      }
                      p.putObject(split == Split.TRAIN ? "train" : "extrapolation")
                          .put("tokens", t[0])
                          .put("accuracy", (double) t[1] / t[0])
                          .put("meanDepth", (double) t[2] / t[0])
                          .put("depthEntropy", entropy)
                          .put("distinctDepths", depths.size())
                          .put("dominantDepthShare", (double) top / t[0]);
                    });
                AlignmentReport best =
                    largestTrainBucket(
                        runWindows.getOrDefault(modelId, new ArrayDeque<>()),
                        w ->
                            w.getWindowStart().toEpochMilli() <= e.eventTime
                                && e.eventTime < w.getWindowEnd().toEpochMilli());
                if (best != null) {
                  p.put("rho", best.getSpearmanCorrect())
                      .put("partial", best.getPartialPearsonCorrect());
                }
              });
        });
    return out;
  }

  private static ArrayNode tracking(TimingReport r) {
    ArrayNode steps = JSON.createArrayNode();
    r.getTracking().forEach(t -> steps.addObject().put("step", t.getStep()).put("auc", t.getAuc()));
    return steps;
  }

  /**
   * One instance's halting timeline: per model, per answer token, λ at each step it ran, its depth
   * and the algorithm's resolution step; null when the instance is not among the latest.
   */
  public synchronized ObjectNode instance(String instanceId) {
    List<HaltingEvent> events = instances.get(instanceId);
    if (events == null) {
      return null;
    }
    ObjectNode root = JSON.createObjectNode().put("instanceId", instanceId);
    ArrayNode tokens = root.putArray("tokens");
    for (HaltingEvent e : events) {
      ObjectNode t =
          tokens
              .addObject()
              .put("modelId", e.getModelId())
              .put("task", e.getTask())
              .put("mechanism", e.getMechanism().name())
              .put("answerIndex", e.getAnswerIndex())
              .put("position", e.getPosition())
              .put("depth", e.getDepth())
              .put("maxDepth", e.getMaxDepth())
              .put("complexity", e.getComplexity())
              .put("correct", e.getCorrect());
      ArrayNode lambda = t.putArray("lambda");
      e.getStepHaltProbabilities().forEach(lambda::add);
    }
    return root;
  }
}
