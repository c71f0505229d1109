package dev.anira.recording;

import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Split;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.Topic;
import dev.anira.schemas.WindowScope;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.core.fs.Path;

/**
 * The terminal summary of an analysis: per model × split × size bucket, the latest cumulative
 * alignment and timing, then the alert and dead-letter counts.
 */
public final class Summary {

  private Summary() {}

  public static void print(java.nio.file.Path outputs, PrintWriter out) throws IOException {
    Path dir = new Path(outputs.toUri());
    Map<Row, AlignmentReport> alignment = new TreeMap<>(Row.ORDER);
    Map<Row, TimingReport> timing = new TreeMap<>(Row.ORDER);
    long[] haltingEvents = {0};
    Set<List<String>> runs = new HashSet<>();
    long[] alerts = {0};
    Map<String, Long> deadLetters = new TreeMap<>();
    SingleObjectCodec<AlignmentReport> a = SingleObjectCodec.of(AlignmentReport.class);
    SingleObjectCodec<TimingReport> t = SingleObjectCodec.of(TimingReport.class);
    SingleObjectCodec<DeadLetter> d = SingleObjectCodec.of(DeadLetter.class);
    SingleObjectCodec<HaltingEvent> h = SingleObjectCodec.of(HaltingEvent.class);
    Recording.read(
        dir,
        List.of(Topic.HALTING, Topic.ALIGNMENT, Topic.TIMING, Topic.ALERTS, Topic.DEAD_LETTERS),
        r -> {
          switch (Topic.byName(r.topic())) {
            case HALTING -> {
              HaltingEvent event = h.decode(r.value());
              haltingEvents[0]++;
              runs.add(List.of(event.getInstanceId(), event.getModelId()));
            }
            case ALIGNMENT -> {
              AlignmentReport report = a.decode(r.value());
              if (report.getScope() == WindowScope.CUMULATIVE) {
                alignment.put(
                    Row.of(report.getModelId(), report.getSplit(), report.getSizeBucket()), report);
              }
            }
            case TIMING -> {
              TimingReport report = t.decode(r.value());
              if (report.getScope() == WindowScope.CUMULATIVE) {
                timing.put(
                    Row.of(report.getModelId(), report.getSplit(), report.getSizeBucket()), report);
              }
            }
            case ALERTS -> alerts[0]++;
            case DEAD_LETTERS ->
                deadLetters.merge(d.decode(r.value()).getErrorType(), 1L, Long::sum);
            default -> {}
          }
        });
    out.printf(
        Locale.ROOT,
        "%-22s %-13s %-7s %7s %6s %6s %6s %7s %7s%n",
        "model",
        "split",
        "sizes",
        "tokens",
        "acc",
        "depth",
        "rho",
        "adjR2st",
        "adjR2al");
    for (Map.Entry<Row, AlignmentReport> e : alignment.entrySet()) {
      AlignmentReport r = e.getValue();
      TimingReport tr = timing.get(e.getKey());
      out.printf(
          Locale.ROOT,
          "%-22s %-13s %-7s %7d %5.1f%% %6.2f %6s %7s %7s%n",
          r.getModelId(),
          r.getSplit(),
          r.getSizeBucket(),
          r.getTokens(),
          100 * r.getAccuracy(),
          r.getMeanDepth(),
          number(r.getSpearmanCorrect()),
          number(tr == null ? null : tr.getAdjustedR2Static()),
          number(tr == null ? null : tr.getAdjustedR2Algorithm()));
    }
    List<String> letters = new ArrayList<>();
    deadLetters.forEach((type, n) -> letters.add(type + " " + n));
    out.printf(
        Locale.ROOT,
        "%,d halting events from %,d model runs; %d alerts; dead letters: %s%n",
        haltingEvents[0],
        runs.size(),
        alerts[0],
        letters.isEmpty() ? "none" : String.join(", ", letters));
    out.flush();
  }

  /** A row of the table: model, split, then size buckets by their lower bound. */
  private record Row(String model, Split split, int low) {
    static final Comparator<Row> ORDER =
        Comparator.comparing(Row::model).thenComparing(Row::split).thenComparingInt(Row::low);

    static Row of(String model, Split split, String bucket) {
      return new Row(model, split, Integer.parseInt(bucket.substring(0, bucket.indexOf('-'))));
    }
  }

  private static String number(Double value) {
    return value == null ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
  }
}
