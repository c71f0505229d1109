package dev.anira.service;

import dev.anira.cli.KafkaClientSettings;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.schemas.serde.DeadLetters;
import dev.anira.schemas.serde.RecordDecodingException;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-transform-produce, exactly once: each poll of {@code anira.tasks} runs to completion
 * through the models (continuous batching inside), and its steps, results, dead letters and input
 * offsets commit in one Kafka transaction. A crash anywhere loses the open transaction, whose
 * inputs are read again by whoever takes the partitions over; {@code read_committed} readers never
 * see the aborted outputs.
 */
public final class InferenceService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
  private static final SingleObjectCodec<ProblemInstance> INSTANCES =
      SingleObjectCodec.of(ProblemInstance.class);

  private final ServiceConfig config;
  private final ModelRegistry registry;
  private final ServiceMetrics metrics;
  private final Map<String, ContinuousBatcher> batchers = new LinkedHashMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<String, SpecificRecordBase> producer;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Totals totals = new Totals();

  /** Counts for the summary line. */
  public static final class Totals {
    public long instances;
    public long results;
    public long steps;
    public long deadLetters;
    public long transactions;
  }

  public InferenceService(ServiceConfig config, ModelRegistry registry, ServiceMetrics metrics) {
    this.config = config;
    this.registry = registry;
    this.metrics = metrics;
    for (ServedModel served : registry.all()) {
      batchers.put(
          served.modelId(),
          new ContinuousBatcher(
              served,
              config.tokenBudget(),
              ContinuousBatcher.Admission.CONTINUOUS,
              config.producerId(),
              metrics));
    }
    Properties c = KafkaClientSettings.fromEnvironment();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Properties p = KafkaClientSettings.fromEnvironment();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new AnyRecordSerializer());
    metrics.gauge(
        "anira_service_consumer_lag",
        "Records behind the end of anira.tasks (largest partition)",
        this::lag);
  }

  /** Runs until {@link #stop}; returns the totals. */
  public Totals run() {
    producer.initTransactions();
    consumer.subscribe(List.of(Topic.TASKS.topicName()));
    while (!stopping.get()) {
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(Duration.ofMillis(200));
      } catch (WakeupException e) {
        break;
      }
      if (!records.isEmpty()) {
        process(records);
      }
    }
    return totals;
  }

  private void process(ConsumerRecords<byte[], byte[]> records) {
    producer.beginTransaction();
    try {
      OutputSink sink = new TransactionSink();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        route(record, sink);
      }
      for (ContinuousBatcher batcher : batchers.values()) {
        while (!batcher.idle()) {
          if (stopping.get()) {
            // Shutting down mid-poll: nothing of this transaction is kept; its inputs are read
            // again by the next instance.
            producer.abortTransaction();
            LOG.info("stopping: aborted the open transaction");
            return;
          }
          batcher.step(sink);
        }
      }
      producer.sendOffsetsToTransaction(offsets(records), consumer.groupMetadata());
      producer.commitTransaction();
      totals.transactions++;
    } catch (ProducerFencedException e) {
      throw new IllegalStateException(
          "another instance took over transactional id " + config.transactionalId(), e);
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("transaction aborted, re-reading its input: {}", e.toString());
      producer.abortTransaction();
      rewind(records);
    }
  }

  /** Decodes, validates and queues one input; a bad one becomes a dead letter. */
  private void route(ConsumerRecord<byte[], byte[]> record, OutputSink sink) {
    ProblemInstance instance;
    try {
      if (record.value() == null) {
        throw new InvalidInstance("EMPTY_VALUE", "the record has no value");
      }
      instance = INSTANCES.decode(record.value());
      List<ServedModel> models = registry.forTask(instance.getTask());
      if (models.isEmpty()) {
        throw new InvalidInstance(
            "UNKNOWN_MODEL", "no model serves task '" + instance.getTask() + "'");
      }
      validate(instance, models);
      totals.instances++;
      for (ServedModel served : models) {
        batchers.get(served.modelId()).submit(instance);
      }
    } catch (RecordDecodingException | InvalidInstance e) {
      String type = e instanceof InvalidInstance invalid ? invalid.errorType : null;
      DeadLetter letter =
          DeadLetters.of(
              record.topic(),
              record.partition(),
              record.offset(),
              record.key(),
              record.value(),
              e,
              type,
              config.producerId());
      producer.send(new ProducerRecord<>(Topic.DEAD_LETTERS.topicName(), null, letter));
      metrics.deadLetter(letter.getErrorType());
      totals.deadLetters++;
    }
  }

  private void validate(ProblemInstance instance, List<ServedModel> models) {
    int length = instance.getTokens().size();
    if (length == 0) {
      throw new InvalidInstance("INVALID_INSTANCE", "the instance has no tokens");
    }
    if (length > config.maxInstanceTokens()) {
      throw new InvalidInstance(
          "TOO_MANY_TOKENS",
          length + " tokens, more than --max-instance-tokens " + config.maxInstanceTokens());
    }
    for (int position : instance.getAnswerPositions()) {
      if (position < 0 || position >= length) {
        throw new InvalidInstance(
            "INVALID_INSTANCE", "answer position " + position + " is outside 0.." + (length - 1));
      }
    }
    for (ServedModel served : models) {
      int vocab = served.model().config().vocabSize();
      for (int t = 0; t < length; t++) {
        int token = instance.getTokens().get(t);
        if (token < 0 || token >= vocab) {
          throw new InvalidInstance(
              "TOKEN_OUT_OF_VOCABULARY",
              "token "
                  + token
                  + " at position "
                  + t
                  + " is outside the vocabulary 0.."
                  + (vocab - 1)
                  + " of "
                  + served.modelId());
        }
      }
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /** After an abort: read the same records again from the first one of the poll. */
  private void rewind(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      consumer.seek(partition, records.records(partition).get(0).offset());
    }
    batchers.values().forEach(ContinuousBatcher::close);
    batchers.replaceAll(
        (id, old) ->
            new ContinuousBatcher(
                old.served(),
                config.tokenBudget(),
                ContinuousBatcher.Admission.CONTINUOUS,
                config.producerId(),
                metrics));
  }

  private double lag() {
    return consumer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("records-lag-max"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .filter(Double::isFinite)
        .max()
        .orElse(0);
  }

  /** Asks the loop to finish its current transaction and return; safe from any thread. */
  public void stop() {
    stopping.set(true);
    consumer.wakeup();
  }

  @Override
  public void close() {
    batchers.values().forEach(ContinuousBatcher::close);
    producer.close(Duration.ofSeconds(5));
    consumer.close(Duration.ofSeconds(5));
  }

  private final class TransactionSink implements OutputSink {
    @Override
    public void step(RecurrenceStep step) {
      producer.send(new ProducerRecord<>(Topic.STEPS.topicName(), step.getInstanceId(), step));
      totals.steps++;
    }

    @Override
    public void result(InstanceResult result) {
      producer.send(
          new ProducerRecord<>(Topic.RESULTS.topicName(), result.getInstanceId(), result));
      totals.results++;
    }
  }

  private static final class InvalidInstance extends RuntimeException {
    final String errorType;

    InvalidInstance(String errorType, String message) {
      super(message);
      this.errorType = errorType;
    }
  }
}
