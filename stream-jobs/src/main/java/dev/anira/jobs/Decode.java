package dev.anira.jobs;

import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.serde.DeadLetters;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw messages. A message that is empty, or that the decoder refuses (another topic's
 * record, bad bytes, an unknown schema), goes to {@link #DEAD_LETTERS} with the reason, and the job
 * carries on.
 */
public final class Decode<T> extends ProcessFunction<RawRecord, T> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  /** Turns one topic's message (never empty) into a record, or throws why it cannot. */
  @FunctionalInterface
  public interface Decoder<T> extends Serializable {
    T decode(RawRecord raw);
  }

  private final Decoder<T> decoder;
  private final String producerId;
  private transient Counter rejected;

  public Decode(Decoder<T> decoder, String producerId) {
    this.decoder = decoder;
    this.producerId = producerId;
  }

  @Override
  public void open(OpenContext context) {
    rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
    boolean empty = raw.value == null || raw.value.length == 0;
    try {
      if (empty) {
        throw new IllegalArgumentException("empty message");
      }
      out.collect(decoder.decode(raw));
    } catch (RuntimeException e) {
      rejected.inc();
      ctx.output(
          DEAD_LETTERS,
          DeadLetters.of(
              raw.topic,
              raw.partition < 0 ? null : raw.partition,
              raw.offset < 0 ? null : raw.offset,
              raw.key,
              raw.value,
              e,
              empty ? "EMPTY_VALUE" : "INVALID_RECORD",
              producerId));
    }
  }
}
