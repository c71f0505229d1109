package dev.anira.jobs;

import dev.anira.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Sinks that keep every output record's {@code toString} in this JVM (the MiniCluster runs here),
 * per topic. Stateless, so a savepoint holds nothing of them and any job may restore it with them.
 */
final class CollectingSinks implements Sinks {

  private static final Map<Topic, Queue<String>> OUT = new ConcurrentHashMap<>();

  static void clear() {
    OUT.clear();
  }

  /** What the job wrote to a topic so far, in arrival order. */
  static List<String> of(Topic topic) {
    return new ArrayList<>(OUT.getOrDefault(topic, new ConcurrentLinkedQueue<>()));
  }

  @Override
  public <T extends SpecificRecordBase> void write(Topic topic, DataStream<T> records) {
    records
        .map(Object::toString, Types.STRING)
        .name("to-string-" + topic.topicName())
        .uid("to-string-" + topic.topicName())
        .sinkTo(new Collect(topic))
        .name(topic.topicName())
        .uid("sink-" + topic.topicName());
  }

  private record Collect(Topic topic) implements Sink<String> {
    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
      Queue<String> queue = OUT.computeIfAbsent(topic, t -> new ConcurrentLinkedQueue<>());
      return new SinkWriter<>() {
        @Override
        public void write(String element, Context context) {
          queue.add(element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
