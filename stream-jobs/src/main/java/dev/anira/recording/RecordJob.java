package dev.anira.recording;

import dev.anira.jobs.Decode;
import dev.anira.jobs.RawRecord;
import dev.anira.jobs.Sinks;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The recorder: every topic's messages, decoded, into the sinks (a {@link Recording}). A message
 * that does not decode is kept as a dead letter in the recording's dead-letter directory, so
 * nothing read is lost.
 */
public final class RecordJob {

  private RecordJob() {}

  public static void build(
      DataStream<RawRecord> raw, List<Topic> topics, Sinks sinks, String producerId) {
    DataStream<DeadLetter> rejected = null;
    DataStream<DeadLetter> recordedDeadLetters = null;
    for (Topic topic : topics) {
      SingleOutputStreamOperator<? extends SpecificRecordBase> decoded =
          decode(raw, topic, producerId);
      if (topic == Topic.DEAD_LETTERS) {
        @SuppressWarnings("unchecked")
        DataStream<DeadLetter> letters = (DataStream<DeadLetter>) decoded;
        recordedDeadLetters = letters;
      } else {
        sinks.write(topic, decoded);
      }
      DataStream<DeadLetter> bad = decoded.getSideOutput(Decode.DEAD_LETTERS);
      rejected = rejected == null ? bad : rejected.union(bad);
    }
    DataStream<DeadLetter> letters =
        recordedDeadLetters == null ? rejected : recordedDeadLetters.union(rejected);
    if (letters != null) {
      sinks.write(Topic.DEAD_LETTERS, letters);
    }
  }

  private static <T extends SpecificRecordBase> SingleOutputStreamOperator<T> decode(
      DataStream<RawRecord> raw, Topic topic, String producerId) {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) topic.recordType();
    String name = topic.topicName();
    return raw.filter(r -> name.equals(r.topic))
        .name("only-" + name)
        .process(
            new Decode<T>(message -> SingleObjectCodec.of(type).decode(message.value), producerId),
            new AvroTypeInfo<>(type))
        .name("decode-" + name)
        .uid("decode-" + name);
  }
}
