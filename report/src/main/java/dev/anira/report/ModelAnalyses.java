package dev.anira.report;

import dev.anira.analytics.AlignmentAccumulator;
import dev.anira.analytics.GeneralizationAccumulator;
import dev.anira.analytics.InstanceEvents;
import dev.anira.analytics.TimingAccumulator;
import dev.anira.recording.Recording;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.Topic;
import dev.anira.schemas.WindowScope;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The analyses of one model over a whole recording, computed from its halting events with the
 * analytics job's own accumulators (so every number is the job's definition, docs/design.md §5):
 * per split, alignment and decision timing over all input sizes; generalization per input size; and
 * the mean depth per complexity, for the depth-vs-complexity figure.
 *
 * @param alignment per split present, its alignment report over every size (sizeBucket "all")
 * @param timing per split present, decision timing and online tracking over every size
 * @param generalization per split and input size, as the job's cumulative reports
 * @param depthByComplexity per split, complexity → {tokens, depth sum}
 */
public record ModelAnalyses(
    String modelId,
    String task,
    Mechanism mechanism,
    Map<Split, AlignmentReport> alignment,
    Map<Split, TimingReport> timing,
    List<GeneralizationReport> generalization,
    Map<Split, SortedMap<Integer, long[]>> depthByComplexity) {

  /** The bucket name of reports over every input size of a split. */
  public static final String ALL_SIZES = "all";

  private static final String PRODUCER = "anira-report";

  /**
   * Reads a recording's {@code anira.halting} and analyzes each model of each task, in task then
   * model-id order.
   *
   * @param problems receives what was damaged in the recording and skipped (file, byte offset)
   * @throws IOException if the recording cannot be listed
   */
  public static List<ModelAnalyses> of(Path recording, List<String> problems) throws IOException {
    SingleObjectCodec<HaltingEvent> codec = SingleObjectCodec.of(HaltingEvent.class);
    // task|model → instance → its events: the accumulators take one model's run of an instance at
    // once, and a model's analyses are per task.
    Map<String, Map<String, List<HaltingEvent>>> runs = new TreeMap<>();
    long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
    problems.addAll(
        Recording.read(
            new org.apache.flink.core.fs.Path(recording.toAbsolutePath().toUri()),
            List.of(Topic.HALTING),
            r -> {
              HaltingEvent e = codec.decode(r.value());
              runs.computeIfAbsent(e.getTask() + "|" + e.getModelId(), m -> new LinkedHashMap<>())
                  .computeIfAbsent(e.getInstanceId(), i -> new ArrayList<>())
                  .add(e);
              span[0] = Math.min(span[0], r.eventTime());
              span[1] = Math.max(span[1], r.eventTime());
            }));
    List<ModelAnalyses> out = new ArrayList<>();
    runs.forEach(
        (key, instances) ->
            out.add(analyze(key.substring(key.indexOf('|') + 1), instances.values(), span)));
    return out;
  }

  private static ModelAnalyses analyze(
      String modelId, Iterable<List<HaltingEvent>> instances, long[] span) {
    Map<Split, AlignmentAccumulator> alignment = new EnumMap<>(Split.class);
    Map<Split, TimingAccumulator> timing = new EnumMap<>(Split.class);
    Map<Split, SortedMap<Integer, long[]>> depth = new EnumMap<>(Split.class);
    GeneralizationAccumulator generalization = new GeneralizationAccumulator();
    HaltingEvent first = null;
    for (List<HaltingEvent> run : instances) {
      first = first == null ? run.get(0) : first;
      Split split = run.get(0).getSplit();
      InstanceEvents x = InstanceEvents.of(run);
      alignment.computeIfAbsent(split, s -> new AlignmentAccumulator()).add(x);
      timing.computeIfAbsent(split, s -> new TimingAccumulator()).add(x);
      generalization.add(x);
      SortedMap<Integer, long[]> cells = depth.computeIfAbsent(split, s -> new TreeMap<>());
      for (HaltingEvent e : run) {
        long[] cell = cells.computeIfAbsent(e.getComplexity(), c -> new long[2]);
        cell[0]++;
        cell[1] += e.getDepth();
      }
    }
    String task = first.getTask();
    Mechanism mechanism = first.getMechanism();
    Map<Split, AlignmentReport> alignmentReports = new EnumMap<>(Split.class);
    alignment.forEach(
        (split, acc) ->
            alignmentReports.put(
                split,
                acc.report(
                    modelId,
                    mechanism,
                    task,
                    ALL_SIZES,
                    split,
                    WindowScope.CUMULATIVE,
                    span[0],
                    span[1],
                    PRODUCER)));
    Map<Split, TimingReport> timingReports = new EnumMap<>(Split.class);
    timing.forEach(
        (split, acc) ->
            timingReports.put(
                split,
                acc.fill(
                        TimingReport.newBuilder()
                            .setModelId(modelId)
                            .setMechanism(mechanism)
                            .setTask(task)
                            .setSizeBucket(ALL_SIZES)
                            .setSplit(split)
                            .setScope(WindowScope.CUMULATIVE)
                            .setWindowStart(java.time.Instant.ofEpochMilli(span[0]))
                            .setWindowEnd(java.time.Instant.ofEpochMilli(span[1]))
                            .setEventTime(java.time.Instant.ofEpochMilli(span[1]))
                            .setProducerId(PRODUCER))
                    .build()));
    List<GeneralizationReport> bySize =
        generalization.reports(
            modelId, mechanism, task, WindowScope.CUMULATIVE, span[0], span[1], PRODUCER);
    return new ModelAnalyses(
        modelId, task, mechanism, alignmentReports, timingReports, bySize, depth);
  }
}
