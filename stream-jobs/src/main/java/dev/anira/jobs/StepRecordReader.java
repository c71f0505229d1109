package dev.anira.jobs;

import dev.anira.analytics.StepView;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;

/**
 * Reads the body of an {@code anira.steps} record written with this build's schema straight into a
 * {@link JoinInput}: the columns the join reads into primitive arrays, every other field skipped
 * (fixed-width arrays and strings by their byte length). A full Avro decode builds a {@link
 * RecurrenceStep} with a boxed value per position in each of its nine arrays, which made decoding
 * the largest cost of the job's source thread (JFR, issue 20). The fields are read in the order of
 * the schema's {@link #LAYOUT}, checked when the class loads, so a schema change fails every use at
 * once instead of misreading records.
 */
final class StepRecordReader implements SingleObjectCodec.BodyReader<JoinInput> {

  /**
   * The fields of {@code RecurrenceStep.avsc} in writing order, as {@link AvroLayout} spells them.
   */
  static final List<String> LAYOUT =
      List.of(
          "instanceId:string",
          "modelId:string",
          "mechanism:enum",
          "task:string",
          "step:int",
          "maxDepth:int",
          "answerPositions:array<int>",
          "haltProbability:array<float>",
          "cumulativeHalt:array<float>",
          "active:array<boolean>",
          "halted:array<boolean>",
          "stateDelta:array<float>",
          "prediction:array<int>",
          "confidence:array<float>",
          "plannedDepth:array<int>",
          "eventTime:long(timestamp-millis)",
          "producerId:string",
          "schemaVersion:int");

  static final StepRecordReader INSTANCE = new StepRecordReader(RecurrenceStep.getClassSchema());

  private static final float[] NO_FLOATS = new float[0];
  private static final int[] NO_INTS = new int[0];

  private final int mechanisms;

  /**
   * @throws IllegalStateException if the schema's fields differ from {@link #LAYOUT}
   */
  StepRecordReader(Schema schema) {
    AvroLayout.require(schema, LAYOUT, "StepRecordReader");
    this.mechanisms = schema.getField("mechanism").schema().getEnumSymbols().size();
  }

  @Override
  public JoinInput read(Decoder in) throws IOException {
    JoinInput input = new JoinInput();
    input.kind = JoinInput.Kind.STEP;
    input.instanceId = in.readString();
    input.modelId = in.readString();
    AvroFields.enumIndex(in, mechanisms, "mechanism");
    in.skipString(); // task
    int step = in.readInt();
    in.readInt(); // maxDepth
    skipInts(in); // answerPositions
    float[] haltProbability = floats(in);
    float[] cumulativeHalt = floats(in);
    AvroFields.skipFixedWidth(in, 1); // active
    AvroFields.skipFixedWidth(in, 1); // halted
    float[] stateDelta = floats(in);
    int[] prediction = ints(in);
    AvroFields.skipFixedWidth(in, Float.BYTES); // confidence
    skipInts(in); // plannedDepth
    input.eventTime = in.readLong();
    in.skipString(); // producerId
    in.readInt(); // schemaVersion
    input.cutDown(
        () ->
            StepView.of(
                input.instanceId,
                input.modelId,
                step,
                input.eventTime,
                haltProbability,
                cumulativeHalt,
                stateDelta,
                prediction));
    return input;
  }

  /** Skips an array of ints (variable-length: each is read, none is kept). */
  private static void skipInts(Decoder in) throws IOException {
    for (long block = in.readArrayStart(); block > 0; block = in.arrayNext()) {
      for (long i = 0; i < block; i++) {
        in.readInt();
      }
    }
  }

  // Arrays grow by doubling, as Avro's own do: a message may split an array into many blocks of
  // one item each, and growing by each block would copy quadratically on the source thread.
  private static float[] floats(Decoder in) throws IOException {
    float[] out = NO_FLOATS;
    int n = 0;
    for (long block = in.readArrayStart(); block > 0; block = in.arrayNext()) {
      if (n + block > out.length) {
        out = Arrays.copyOf(out, Math.toIntExact(Math.max(n + block, 2L * out.length)));
      }
      for (long i = 0; i < block; i++) {
        out[n++] = in.readFloat();
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static int[] ints(Decoder in) throws IOException {
    int[] out = NO_INTS;
    int n = 0;
    for (long block = in.readArrayStart(); block > 0; block = in.arrayNext()) {
      if (n + block > out.length) {
        out = Arrays.copyOf(out, Math.toIntExact(Math.max(n + block, 2L * out.length)));
      }
      for (long i = 0; i < block; i++) {
        out[n++] = in.readInt();
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
