package dev.anira.jobs;

import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Writes the {@code anira.halting} records of one model's run of an instance straight from its
 * columns ({@link InstanceEvents}): per answer token, the bytes that {@code
 * SingleObjectCodec.of(HaltingEvent.class).encode(instance.toEvents().get(i))} gives, without
 * building the Avro events. Building and encoding them was about a quarter of the join thread's
 * time (JFR, issue 20). The fields are written in the order of {@link #LAYOUT}, checked against the
 * schema when the class loads.
 */
final class HaltingEventWriter {

  /**
   * The fields of {@code HaltingEvent.avsc} in writing order, as {@link AvroLayout} spells them.
   */
  static final List<String> LAYOUT =
      List.of(
          "instanceId:string",
          "modelId:string",
          "mechanism:enum",
          "task:string",
          "size:int",
          "split:enum",
          "position:int",
          "answerIndex:int",
          "depth:int",
          "maxDepth:int",
          "complexity:int",
          "complexityAlgorithm:string",
          "lag:int",
          "prediction:int",
          "target:int",
          "correct:boolean",
          "haltProbability:float",
          "stepHaltProbabilities:array<float>",
          "staticFeatures:array<NamedValue{name:string,value:double}>",
          "algorithmFeatures:array<NamedValue{name:string,value:double}>",
          "eventTime:long(timestamp-millis)",
          "producerId:string",
          "schemaVersion:int",
          "convergenceStep:int",
          "rightBeforeHalting:boolean",
          "trainingUpdate:union<null,int>");

  private static final SingleObjectCodec<HaltingEvent> CODEC =
      SingleObjectCodec.of(HaltingEvent.class);

  static {
    requireLayout(HaltingEvent.getClassSchema());
  }

  /**
   * @throws IllegalStateException if {@code schema}'s fields differ from {@link #LAYOUT}
   */
  static void requireLayout(Schema schema) {
    AvroLayout.require(schema, LAYOUT, "HaltingEventWriter");
  }

  private HaltingEventWriter() {}

  /** Token {@code i}'s record, single-object encoded. */
  static byte[] encode(InstanceEvents x, int i) {
    return CODEC.encode(out -> write(x, i, out), () -> x + " token " + i);
  }

  /**
   * Every token's record, keyed by the instance as {@link KafkaIO#keyOf} keys a {@code
   * HaltingEvent}.
   */
  static final class PerToken implements FlatMapFunction<InstanceEvents, KeyedBytes> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(InstanceEvents x, Collector<KeyedBytes> out) {
      byte[] key = x.instanceId.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < x.tokens(); i++) {
        out.collect(new KeyedBytes(key, encode(x, i)));
      }
    }
  }

  private static void write(InstanceEvents x, int i, Encoder out) throws IOException {
    out.writeString(x.instanceId);
    out.writeString(x.modelId);
    // Generated enums declare their constants in the schema's symbol order.
    out.writeEnum(x.mechanism.ordinal());
    out.writeString(x.task);
    out.writeInt(x.size);
    out.writeEnum(x.split.ordinal());
    out.writeInt(x.position[i]);
    out.writeInt(x.answerIndex[i]);
    out.writeInt(x.depth[i]);
    out.writeInt(x.maxDepth);
    out.writeInt(x.complexity[i]);
    out.writeString(x.complexityAlgorithm);
    out.writeInt(x.lag[i]);
    out.writeInt(x.prediction[i]);
    out.writeInt(x.target[i]);
    out.writeBoolean(x.correct[i]);
    out.writeFloat(x.haltProbability[i]);
    float[] lambda = x.stepHaltProbabilities[i];
    out.writeArrayStart();
    out.setItemCount(lambda.length);
    for (float v : lambda) {
      out.startItem();
      out.writeFloat(v);
    }
    out.writeArrayEnd();
    writeNamed(x.staticNames, x.staticValues[i], out);
    writeNamed(x.algorithmNames, x.algorithmValues[i], out);
    out.writeLong(x.eventTime);
    out.writeString(x.producerId);
    out.writeInt(x.schemaVersion);
    out.writeInt(x.convergenceStep[i]);
    out.writeBoolean(x.rightBeforeHalting[i]);
    if (x.trainingUpdate == null) {
      out.writeIndex(0);
      out.writeNull();
    } else {
      out.writeIndex(1);
      out.writeInt(x.trainingUpdate);
    }
  }

  private static void writeNamed(String[] names, double[] values, Encoder out) throws IOException {
    out.writeArrayStart();
    out.setItemCount(names.length);
    for (int j = 0; j < names.length; j++) {
      out.startItem();
      out.writeString(names[j]);
      out.writeDouble(values[j]);
    }
    out.writeArrayEnd();
  }
}
