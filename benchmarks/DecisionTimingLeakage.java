import dev.anira.analytics.OlsAccumulator;
import dev.anira.recording.Recording;
import dev.anira.schemas.AlgorithmState;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.Split;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.core.fs.Path;

/**
 * Decision timing on a recording, before and after the leak-free features: per model, the R² of
 * depth (train sizes) on the static features, on the old regressors (the trace's state at step
 * min(depth, last step), what the join read before) and on the trace's depth-free algorithmic
 * features; and the same with the depth replaced by a uniform random one (the null baseline).
 * Usage: benchmarks/decision-timing-leakage.sh RECORDING_DIR
 */
public final class DecisionTimingLeakage {

  public static void main(String[] args) throws Exception {
    Map<String, AlgorithmTrace> traces = new HashMap<>();
    List<HaltingEvent> events = new ArrayList<>();
    SingleObjectCodec<AlgorithmTrace> traceCodec = SingleObjectCodec.of(AlgorithmTrace.class);
    SingleObjectCodec<HaltingEvent> eventCodec = SingleObjectCodec.of(HaltingEvent.class);
    Recording.read(
        new Path(args[0]),
        List.of(Topic.TRACES, Topic.HALTING),
        r -> {
          if (r.topic().equals(Topic.TRACES.topicName())) {
            AlgorithmTrace t = traceCodec.decode(r.value());
            traces.put(t.getInstanceId(), t);
          } else {
            events.add(eventCodec.decode(r.value()));
          }
        });
    SplittableRandom random = new SplittableRandom(1);
    Map<String, Fits> byModel = new TreeMap<>();
    for (HaltingEvent e : events) {
      AlgorithmTrace trace = traces.get(e.getInstanceId());
      if (trace == null || e.getSplit() != Split.TRAIN || trace.getStates().isEmpty()) {
        continue;
      }
      double[] statics = values(e.getStaticFeatures());
      int step = Math.min(e.getDepth(), trace.getStates().size());
      double[] old = at(trace.getStates().get(step - 1), e.getAnswerIndex());
      double[] now = values(e.getAlgorithmFeatures());
      int nullDepth = random.nextInt(1, e.getMaxDepth() + 1);
      int nullStep = Math.min(nullDepth, trace.getStates().size());
      double[] oldNull = at(trace.getStates().get(nullStep - 1), e.getAnswerIndex());
      byModel
          .computeIfAbsent(
              e.getModelId() + " " + e.getMechanism(),
              k -> new Fits(statics.length, old.length, now.length))
          .add(e.getDepth(), nullDepth, statics, old, oldNull, now);
    }
    System.out.printf(
        "%-18s %-7s %7s | %8s %8s %8s | %8s %8s %8s%n",
        "model",
        "mech",
        "tokens",
        "R2stat",
        "R2old",
        "R2new",
        "null:st",
        "null:old",
        "null:new");
    byModel.forEach(
        (key, f) -> {
          String[] parts = key.split(" ");
          System.out.printf(
              "%-18s %-7s %7d | %8s %8s %8s | %8s %8s %8s%n",
              parts[0],
              parts[1],
              f.statics.count(),
              n(f.statics.rSquared()),
              n(f.old.rSquared()),
              n(f.now.rSquared()),
              n(f.nullStatics.rSquared()),
              n(f.nullOld.rSquared()),
              n(f.nullNow.rSquared()));
        });
  }

  private static final class Fits {
    final OlsAccumulator statics;
    final OlsAccumulator old;
    final OlsAccumulator now;
    final OlsAccumulator nullStatics;
    final OlsAccumulator nullOld;
    final OlsAccumulator nullNow;

    Fits(int s, int o, int a) {
      statics = new OlsAccumulator(s);
      old = new OlsAccumulator(o);
      now = new OlsAccumulator(a);
      nullStatics = new OlsAccumulator(s);
      nullOld = new OlsAccumulator(o);
      nullNow = new OlsAccumulator(a);
    }

    void add(
        int depth, int nullDepth, double[] s, double[] o, double[] oNull, double[] a) {
      statics.add(s, depth);
      old.add(o, depth);
      now.add(a, depth);
      nullStatics.add(s, nullDepth);
      nullOld.add(oNull, nullDepth);
      nullNow.add(a, nullDepth);
    }
  }

  private static double[] values(List<NamedValue> values) {
    return values.stream().mapToDouble(NamedValue::getValue).toArray();
  }

  private static double[] at(AlgorithmState state, int answer) {
    return state.getFeatures().stream().mapToDouble(s -> s.getValues().get(answer)).toArray();
  }

  private static String n(double v) {
    return Double.isFinite(v) ? String.format("%.3f", v) : "n/a";
  }
}
