package dev.anira.jobs;

import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.DeadLetters;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes the joined topics' messages into {@link JoinInput}s. A message that is empty, from
 * another topic or not a valid record of its topic goes to {@link #DEAD_LETTERS} with the reason,
 * and the job carries on.
 */
public final class Decode extends ProcessFunction<RawRecord, JoinInput> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("decode-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  private final String producerId;

  public Decode(String producerId) {
    this.producerId = producerId;
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<JoinInput> out) {
    try {
      if (raw.value == null || raw.value.length == 0) {
        throw new IllegalArgumentException("empty message");
      }
      Topic topic = Topic.byName(raw.topic);
      switch (topic) {
        case TRACES -> out.collect(JoinInput.of(JoinInput.TRACES.decode(raw.value)));
        case STEPS -> out.collect(JoinInput.of(JoinInput.STEPS.decode(raw.value)));
        case RESULTS -> out.collect(JoinInput.of(JoinInput.RESULTS.decode(raw.value)));
        default -> throw new IllegalArgumentException(raw.topic + " is not an input of this job");
      }
    } catch (RuntimeException e) {
      ctx.output(
          DEAD_LETTERS,
          DeadLetters.of(
              raw.topic,
              raw.partition < 0 ? null : raw.partition,
              raw.offset < 0 ? null : raw.offset,
              raw.key,
              raw.value,
              e,
              raw.value == null || raw.value.length == 0 ? "EMPTY_VALUE" : "INVALID_RECORD",
              producerId));
    }
  }
}
