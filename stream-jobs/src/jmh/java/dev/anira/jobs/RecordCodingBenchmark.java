package dev.anira.jobs;

import dev.anira.analytics.InstanceEvents;
import dev.anira.analytics.StepView;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The analytics job's per-record coding, the way each was done before issue 20's eighth session and
 * the way it is done now, on the test fixture's records (answer positions and traces of real
 * tasks): a step record's decode into the join's columns, a trace's decode, and one instance's
 * {@code anira.halting} records. Per operation: every step record or trace of the fixture, or every
 * instance.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecordCodingBenchmark {

  private static final SingleObjectCodec<HaltingEvent> HALTING =
      SingleObjectCodec.of(HaltingEvent.class);

  private List<byte[]> steps;
  private List<byte[]> traces;
  private List<InstanceEvents> instances;

  @Setup
  public void setUp() {
    Fixtures.Data data = Fixtures.data(20, 200, 500);
    steps = new ArrayList<>();
    traces = new ArrayList<>();
    for (JoinInput input : data.inputs()) {
      if (input.kind == JoinInput.Kind.STEP) {
        steps.add(input.payload);
      } else if (input.kind == JoinInput.Kind.TRACE) {
        traces.add(input.payload);
      }
    }
    Map<String, List<HaltingEvent>> byRun = new LinkedHashMap<>();
    for (HaltingEvent e : data.expected()) {
      byRun.computeIfAbsent(e.getInstanceId() + "/" + e.getModelId(), k -> new ArrayList<>()).add(e);
    }
    instances = byRun.values().stream().map(InstanceEvents::of).toList();
  }

  /** Before: the full Avro decode, then the cut-down view. */
  @Benchmark
  public void stepsDecodedInFull(Blackhole out) {
    for (byte[] step : steps) {
      out.consume(StepView.of(JoinInput.STEPS.decode(step)));
    }
  }

  /** Now: straight into the columns ({@link StepRecordReader}). */
  @Benchmark
  public void stepsReadIntoColumns(Blackhole out) {
    for (byte[] step : steps) {
      out.consume(JoinInput.decode("anira.steps", step));
    }
  }

  /** Before the eleventh session: a trace decoded in full, its algorithm states included. */
  @Benchmark
  public void tracesDecodedInFull(Blackhole out) {
    for (byte[] trace : traces) {
      out.consume(JoinInput.TRACES.decode(trace));
    }
  }

  /** Now: without the algorithm states, which no part of the join reads ({@link TraceReader}). */
  @Benchmark
  public void tracesReadWithoutStates(Blackhole out) {
    for (byte[] trace : traces) {
      out.consume(JoinInput.trace(trace));
    }
  }

  /** Before: Avro events built from the columns, then Avro-encoded. */
  @Benchmark
  public void haltingEventsThroughAvroObjects(Blackhole out) {
    for (InstanceEvents x : instances) {
      for (HaltingEvent e : x.toEvents()) {
        out.consume(HALTING.encode(e));
      }
    }
  }

  /** Now: encoded straight from the columns ({@link HaltingEventWriter}). */
  @Benchmark
  public void haltingEventsFromColumns(Blackhole out) {
    for (InstanceEvents x : instances) {
      for (int i = 0; i < x.tokens(); i++) {
        out.consume(HaltingEventWriter.encode(x, i));
      }
    }
  }
}
