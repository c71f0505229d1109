package dev.anira.jobs;

import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AvroFlinkSerializationSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka as the jobs' source and sinks. */
public final class KafkaIO {

  private KafkaIO() {}

  /**
   * Raw messages of the given topics, committed transactions only (the model service and the
   * producer write transactionally). A new consumer group starts at the earliest offset.
   *
   * @param bounded stop at the offsets that are latest when the job starts (for tests and
   *     benchmarks); otherwise run forever
   */
  public static KafkaSource<RawRecord> source(
      String bootstrap, String groupId, List<Topic> topics, boolean bounded, Properties extra) {
    KafkaSourceBuilder<RawRecord> builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setGroupId(groupId)
            .setTopics(topics.stream().map(Topic::topicName).toList())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new Raw())
            .setProperty("isolation.level", "read_committed")
            .setProperty("commit.offsets.on.checkpoint", "true");
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    } else {
      builder.setProperty("partition.discovery.interval.ms", "30000");
    }
    extra.forEach((k, v) -> builder.setProperty((String) k, (String) v));
    return builder.build();
  }

  /**
   * Exactly-once Kafka sinks: each output topic's records commit with the job's checkpoints, so
   * {@code read_committed} consumers see every report once, across failures and restarts. The
   * halting events are written straight from their columns ({@link HaltingEventWriter}).
   */
  public static Sinks sinks(
      String bootstrap,
      String transactionalIdPrefix,
      DeliveryGuarantee guarantee,
      Properties extra) {
    return new Sinks() {
      @Override
      public <T extends SpecificRecordBase> void write(Topic topic, DataStream<T> records) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) topic.recordType();
        sink(records, topic, new WriteTimeRecords<>(topic.topicName(), type));
      }

      @Override
      public void writeHalting(DataStream<InstanceEvents> instances) {
        sink(
            instances
                .flatMap(new HaltingEventWriter.PerToken(), TypeInformation.of(KeyedBytes.class))
                .name("halting-events"),
            Topic.HALTING,
            new WriteTimeBytes(Topic.HALTING.topicName()));
      }

      private <T> void sink(
          DataStream<T> records, Topic topic, KafkaRecordSerializationSchema<T> serializer) {
        Properties props = new Properties();
        // The broker caps transactions at 15 minutes; the client default of 1 hour is refused.
        props.setProperty("transaction.timeout.ms", "900000");
        // Fewer, larger produce requests: the broker's work is per request as much as per byte. A
        // checkpoint flushes the producer, so with transactions the linger delays no report.
        props.setProperty("linger.ms", "100");
        props.setProperty("batch.size", String.valueOf(256 * 1024));
        props.putAll(extra);
        records
            .sinkTo(
                KafkaSink.<T>builder()
                    .setBootstrapServers(bootstrap)
                    .setKafkaProducerConfig(props)
                    .setDeliveryGuarantee(guarantee)
                    .setTransactionalIdPrefix(transactionalIdPrefix + "-" + topic.topicName())
                    .setRecordSerializer(serializer)
                    .build())
            .name(topic.topicName())
            .uid("sink-" + topic.topicName());
      }
    };
  }

  /**
   * The message key of a record: the instance for per-instance records, so one instance stays on
   * one partition; model and task for reports; none for dead letters.
   */
  public static byte[] keyOf(GenericRecord record) {
    Schema schema = record.getSchema();
    String key;
    if (schema.getField("instanceId") != null) {
      key = String.valueOf(record.get("instanceId"));
    } else if (schema.getField("modelId") != null) {
      key = record.get("modelId") + "/" + record.get("task");
    } else {
      return null;
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An output record keyed by {@link #keyOf}, with no Kafka timestamp, so the producer stamps it
   * with the time it is written. Flink's default would stamp it with the event time, and a topic's
   * retention ({@code retention.ms}, 7 days by default) counts from the record timestamps: the
   * reports of a replayed recording older than that would be deleted by the broker's next retention
   * check (every 5 minutes by default), committed or not. Event time travels in each record's own
   * {@code eventTime} field.
   */
  static final class WriteTimeRecords<T extends SpecificRecordBase>
      implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final AvroFlinkSerializationSchema<T> value;

    WriteTimeRecords(String topic, Class<T> type) {
      this.topic = topic;
      this.value = new AvroFlinkSerializationSchema<>(type);
    }

    @Override
    public void open(
        SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
        throws Exception {
      value.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        T record, KafkaSinkContext context, Long eventTimestamp) {
      return new ProducerRecord<>(topic, null, null, keyOf(record), value.serialize(record));
    }
  }

  /** Messages already encoded, written as {@link WriteTimeRecords} writes records. */
  static final class WriteTimeBytes implements KafkaRecordSerializationSchema<KeyedBytes> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    WriteTimeBytes(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        KeyedBytes record, KafkaSinkContext context, Long eventTimestamp) {
      return new ProducerRecord<>(topic, null, null, record.key, record.value);
    }
  }

  /** Keeps each message as it travelled, with its provenance. */
  private static final class Raw implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    static {
      // Kafka's network code loads Selector$CloseMode only when it closes a connection. On a
      // cluster the source's admin client (on the JobManager) closes after Flink has closed the
      // job's class loader, so each job end logged NoClassDefFoundError and left the connection
      // open. Loaded here, wherever the source is deserialized, it is already there then.
      try {
        Class.forName(
            "org.apache.kafka.common.network.Selector$CloseMode", true, Raw.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out)
        throws IOException {
      out.collect(
          new RawRecord(
              record.topic(), record.partition(), record.offset(), record.key(), record.value()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
      return TypeInformation.of(RawRecord.class);
    }
  }
}
