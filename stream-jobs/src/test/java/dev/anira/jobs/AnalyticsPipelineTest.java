package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.analytics.AlertRules;
import dev.anira.analytics.InstanceEvents;
import dev.anira.analytics.MergeableAccumulator;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.WindowScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Join then every analysis on a MiniCluster, against a batch pass over the same records. */
class AnalyticsPipelineTest {

  static final long WINDOW = 10_000;

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void everyReportEqualsTheBatchComputation(int parallelism) throws Exception {
    Fixtures.Data data = Fixtures.data(11 + parallelism);
    List<JoinInput> inputs = new ArrayList<>(data.inputs());
    Collections.shuffle(inputs, new java.util.Random(parallelism));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(LocalFlink.configuration());
    env.setParallelism(parallelism);
    DataStream<InstanceEvents> events =
        HaltingPipeline.join(
            env.fromData(inputs), AnalyticsConfig.defaults().joinTimeout(), "stream-jobs");
    AnalyticsPipeline.Reports reports =
        AnalyticsPipeline.analyze(
            events, Duration.ofMillis(WINDOW), Fixtures.ALERTS, "stream-jobs");
    List<String> out = new ArrayList<>();
    try (CloseableIterator<String> it = strings(reports).executeAndCollect()) {
      it.forEachRemaining(out::add);
    }
    Map<String, List<String>> got = new TreeMap<>();
    out.forEach(
        s -> got.computeIfAbsent(s.substring(0, 2), k -> new ArrayList<>()).add(s.substring(2)));
    got.values().forEach(Collections::sort);

    assertThat(got.get("A "))
        .hasSizeGreaterThan(4)
        .isEqualTo(batch(data.expected(), AnalyticsPipeline.ALIGNMENT));
    assertThat(got.get("T "))
        .hasSizeGreaterThan(4)
        .isEqualTo(batch(data.expected(), AnalyticsPipeline.TIMING));
    assertThat(got.get("G "))
        .hasSizeGreaterThan(4)
        .isEqualTo(batch(data.expected(), AnalyticsPipeline.GENERALIZATION));
    assertThat(got.get("! ")).isNotEmpty().isEqualTo(alerts(data.expected()));
  }

  /** All report streams as one, each line tagged with its kind. */
  static DataStream<String> strings(AnalyticsPipeline.Reports reports) {
    return reports
        .alignment()
        .map(r -> "A " + r, Types.STRING)
        .union(
            reports.timing().map(r -> "T " + r, Types.STRING),
            reports.generalization().map(r -> "G " + r, Types.STRING),
            reports.alerts().map(r -> "! " + r, Types.STRING));
  }

  /**
   * The oracle: group the events by key and window in plain Java; each window's reports, and the
   * cumulative reports after it over every earlier window of the key.
   */
  static <A extends MergeableAccumulator<A>, R extends SpecificRecordBase> List<String> batch(
      List<HaltingEvent> events, AnalyticsPipeline.Analysis<A, R> analysis) {
    List<String> reports = new ArrayList<>();
    reports(events, analysis).forEach(r -> reports.add(r.toString()));
    return reports.stream().sorted().toList();
  }

  static <A extends MergeableAccumulator<A>, R extends SpecificRecordBase> List<R> reports(
      List<HaltingEvent> events, AnalyticsPipeline.Analysis<A, R> analysis) {
    // Insertion order is enough: the reports are compared as sorted strings.
    Map<AnalyticsPipeline.Key, TreeMap<Long, List<HaltingEvent>>> byKey =
        new java.util.LinkedHashMap<>();
    for (HaltingEvent e : events) {
      long start = e.getEventTime().toEpochMilli() / WINDOW * WINDOW;
      byKey
          .computeIfAbsent(analysis.key(InstanceEvents.of(List.of(e))), k -> new TreeMap<>())
          .computeIfAbsent(start, w -> new ArrayList<>())
          .add(e);
    }
    List<R> reports = new ArrayList<>();
    byKey.forEach(
        (key, windows) -> {
          AnalyticsPipeline.Key parsed = key;
          List<HaltingEvent> soFar = new ArrayList<>();
          long first = windows.firstKey();
          windows.forEach(
              (start, inWindow) -> {
                soFar.addAll(inWindow);
                reports.addAll(
                    analysis.report(
                        accumulate(analysis, inWindow),
                        parsed,
                        WindowScope.WINDOW,
                        start,
                        start + WINDOW,
                        "stream-jobs"));
                reports.addAll(
                    analysis.report(
                        accumulate(analysis, soFar),
                        parsed,
                        WindowScope.CUMULATIVE,
                        first,
                        start + WINDOW,
                        "stream-jobs"));
              });
        });
    return reports;
  }

  /** The oracle for alerts: each key's window alignment reports through the rules, in order. */
  static List<String> alerts(List<HaltingEvent> events) {
    Map<AnalyticsPipeline.Key, List<AlignmentReport>> byKey = new java.util.HashMap<>();
    for (AlignmentReport r : reports(events, AnalyticsPipeline.ALIGNMENT)) {
      if (r.getScope() == WindowScope.WINDOW) {
        byKey.computeIfAbsent(AnalyticsPipeline.Key.of(r), k -> new ArrayList<>()).add(r);
      }
    }
    List<String> alerts = new ArrayList<>();
    byKey.forEach(
        (key, windows) -> {
          AlertRules rules = new AlertRules(Fixtures.ALERTS);
          windows.stream()
              .sorted(Comparator.comparing(AlignmentReport::getWindowStart))
              .forEach(w -> rules.observe(w, "stream-jobs").forEach(a -> alerts.add(a.toString())));
        });
    return alerts.stream().sorted().toList();
  }

  private static <A extends MergeableAccumulator<A>> A accumulate(
      AnalyticsPipeline.Analysis<A, ?> analysis, List<HaltingEvent> events) {
    A acc = analysis.create();
    events.forEach(acc::add);
    return acc;
  }
}
