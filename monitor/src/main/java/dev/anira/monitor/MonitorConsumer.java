package dev.anira.monitor;

import dev.anira.cli.KafkaClientSettings;
import dev.anira.schemas.Alert;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.schemas.serde.DeadLetters;
import dev.anira.schemas.serde.SingleObjectCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link MonitorState} from the report and halting topics (committed records only, from the
 * beginning, in a group of its own so every monitor sees everything). A record that does not decode
 * goes to the dead-letter topic with the reason; the monitor keeps reading.
 */
public final class MonitorConsumer implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorConsumer.class);

  static final List<Topic> TOPICS =
      List.of(
          Topic.ALIGNMENT,
          Topic.TIMING,
          Topic.GENERALIZATION,
          Topic.ALERTS,
          Topic.HALTING,
          Topic.DEAD_LETTERS);

  private final MonitorState state;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<String, SpecificRecordBase> deadLetters;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong rejected = new AtomicLong();
  private final MeterRegistry metrics;
  // Set by awaitEnd; the polling thread answers it, since only it may touch the consumer.
  private final AtomicReference<CountDownLatch> endRequested = new AtomicReference<>();
  private Map<TopicPartition, Long> endOffsets;

  public MonitorConsumer(String bootstrap, MonitorState state, MeterRegistry metrics) {
    this.state = state;
    this.metrics = metrics;
    metrics.gauge("anira_monitor_rejected", rejected);
    Properties c = KafkaClientSettings.fromEnvironment();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "anira-monitor-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Properties p = KafkaClientSettings.fromEnvironment();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    deadLetters = new KafkaProducer<>(p, new StringSerializer(), new AnyRecordSerializer());
  }

  @Override
  public void run() {
    consumer.subscribe(TOPICS.stream().map(Topic::topicName).toList());
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          accept(r);
        }
        state.lag(lag());
        answerEndRequest();
      }
    } catch (WakeupException stopping) {
      // close() woke the poll
    } finally {
      consumer.close(Duration.ofSeconds(5));
      deadLetters.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Waits until this monitor has read every record committed to its topics when the call was made,
   * e.g. the last reports of a job that has just stopped.
   *
   * @return false if the timeout passed first
   */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    endRequested.set(done);
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records behind the end of the assigned partitions, as far as the last fetch knows. */
  private long lag() {
    long behind = 0;
    for (TopicPartition tp : consumer.assignment()) {
      behind += consumer.currentLag(tp).orElse(0);
    }
    return behind;
  }

  private void answerEndRequest() {
    CountDownLatch request = endRequested.get();
    if (request == null) {
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return;
    }
    if (endOffsets == null) {
      endOffsets = consumer.endOffsets(assigned);
    }
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      // A read_committed position steps over transaction markers, so it reaches the end offset.
      if (assigned.contains(end.getKey()) && consumer.position(end.getKey()) < end.getValue()) {
        return;
      }
    }
    endOffsets = null;
    endRequested.compareAndSet(request, null);
    request.countDown();
  }

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    try {
      if (r.value() == null) {
        throw new IllegalArgumentException("empty message");
      }
      switch (Topic.byName(r.topic())) {
        case ALIGNMENT -> state.add(codec(AlignmentReport.class).decode(r.value()));
        case TIMING -> state.add(codec(TimingReport.class).decode(r.value()));
        case GENERALIZATION -> state.add(codec(GeneralizationReport.class).decode(r.value()));
        case ALERTS -> state.add(codec(Alert.class).decode(r.value()));
        case HALTING -> state.add(codec(HaltingEvent.class).decode(r.value()));
        case DEAD_LETTERS -> state.add(codec(DeadLetter.class).decode(r.value()));
        default -> throw new IllegalArgumentException("not a topic the monitor reads");
      }
      metrics.counter("anira_monitor_records", "topic", r.topic()).increment();
    } catch (RuntimeException e) {
      rejected.incrementAndGet();
      LOG.warn("{}[{}@{}] rejected: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      if (Topic.byName(r.topic()) == Topic.DEAD_LETTERS) {
        return; // counted; writing it back to the topic it came from would loop
      }
      deadLetters.send(
          new ProducerRecord<>(
              Topic.DEAD_LETTERS.topicName(),
              DeadLetters.of(
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  r.key(),
                  r.value(),
                  e,
                  r.value() == null ? "EMPTY_VALUE" : "INVALID_RECORD",
                  "monitor")));
    }
  }

  private static <T extends SpecificRecordBase> SingleObjectCodec<T> codec(Class<T> type) {
    return SingleObjectCodec.of(type);
  }

  /** Records that did not decode (each sent to the dead-letter topic). */
  public long rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}
