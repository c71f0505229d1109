package dev.anira.jobs;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.Split;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;

/**
 * Reads the body of an {@code anira.traces} record written with this build's schema into an {@link
 * AlgorithmTrace} without its per-step algorithm states: they are skipped, field by field, and
 * {@code states} is empty. No part of the join reads them (they serve the per-step tracking, from
 * the recordings), yet decoding them made a trace's decode most of the join's Avro time: a boxed
 * value per answer token per feature per algorithm step, decoded once where the source reads the
 * event time and again where the join emits (JFR, issue 20). Skipping reads every length and count
 * as a full decode does, so a message cut short or with a broken length is refused as before. The
 * fields are read in the order of the schema's {@link #LAYOUT}, checked when the class loads.
 */
final class TraceReader implements SingleObjectCodec.BodyReader<AlgorithmTrace> {

  /**
   * The fields of {@code AlgorithmTrace.avsc} in writing order, as {@link AvroLayout} spells them.
   */
  static final List<String> LAYOUT =
      List.of(
          "instanceId:string",
          "task:string",
          "size:int",
          "split:enum",
          "answerPositions:array<int>",
          "targets:array<int>",
          "staticFeatures:array<NamedSeries{name:string,values:array<double>}>",
          "complexities:array<Complexity{algorithm:string,values:array<int>}>",
          "states:array<AlgorithmState{step:int,"
              + "features:array<NamedSeries{name:string,values:array<double>}>}>",
          "eventTime:long(timestamp-millis)",
          "producerId:string",
          "schemaVersion:int",
          "algorithmFeatures:array<NamedSeries{name:string,values:array<double>}>");

  static final TraceReader INSTANCE = new TraceReader(AlgorithmTrace.getClassSchema());

  private static final Split[] SPLITS = Split.values();

  /**
   * @throws IllegalStateException if the schema's fields differ from {@link #LAYOUT}
   */
  TraceReader(Schema schema) {
    AvroLayout.require(schema, LAYOUT, "TraceReader");
  }

  /**
   * A trace decoded in full (written with an archived schema version) as this reader gives it:
   * without its algorithm states.
   */
  static AlgorithmTrace withoutStates(AlgorithmTrace trace) {
    trace.setStates(List.of());
    return trace;
  }

  @Override
  public AlgorithmTrace read(Decoder in) throws IOException {
    AlgorithmTrace trace = new AlgorithmTrace();
    trace.setInstanceId(in.readString());
    trace.setTask(in.readString());
    trace.setSize(in.readInt());
    // Generated enums declare their constants in the schema's symbol order.
    trace.setSplit(SPLITS[AvroFields.enumIndex(in, SPLITS.length, "split")]);
    trace.setAnswerPositions(ints(in));
    trace.setTargets(ints(in));
    trace.setStaticFeatures(series(in));
    trace.setComplexities(complexities(in));
    skipStates(in);
    trace.setStates(List.of());
    trace.setEventTime(Instant.ofEpochMilli(in.readLong()));
    trace.setProducerId(in.readString());
    trace.setSchemaVersion(in.readInt());
    trace.setAlgorithmFeatures(series(in));
    return trace;
  }

  private static void skipStates(Decoder in) throws IOException {
    for (long block = in.readArrayStart(); block > 0; block = in.arrayNext()) {
      for (long i = 0; i < block; i++) {
        in.readInt(); // step
        for (long f = in.readArrayStart(); f > 0; f = in.arrayNext()) {
          for (long j = 0; j < f; j++) {
            in.skipString(); // name
            AvroFields.skipFixedWidth(in, Double.BYTES); // values
          }
        }
      }
    }
  }

  /** An array, each item read by {@code item}. */
  private static <T> List<T> array(Decoder in, SingleObjectCodec.BodyReader<T> item)
      throws IOException {
    List<T> out = new ArrayList<>();
    for (long block = in.readArrayStart(); block > 0; block = in.arrayNext()) {
      for (long i = 0; i < block; i++) {
        out.add(item.read(in));
      }
    }
    return out;
  }

  private static List<Integer> ints(Decoder in) throws IOException {
    return array(in, Decoder::readInt);
  }

  private static List<NamedSeries> series(Decoder in) throws IOException {
    // Arguments are evaluated in order: the name, then the values, as they were written.
    return array(in, d -> new NamedSeries(d.readString(), array(d, Decoder::readDouble)));
  }

  private static List<Complexity> complexities(Decoder in) throws IOException {
    return array(in, d -> new Complexity(d.readString(), ints(d)));
  }
}
