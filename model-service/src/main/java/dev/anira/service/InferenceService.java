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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-transform-produce, exactly once, with the model kept busy. Instances are read while fewer
 * than twice {@code --max-poll-records} are in flight; every model's batcher takes one recurrence
 * step per turn; every {@code --commit-interval}, and at once when the models run out of work, the
 * outputs of finished instances commit in one short Kafka transaction together with the input
 * offsets, sent and committed on a thread of its own while the model keeps stepping.
 *
 * <p>An instance's outputs (its steps and results for every model, or its dead letter) go out in
 * the first transaction after it finishes, whether or not the instances read before it from the
 * same partition have finished. The transaction commits, per partition, the offset of the oldest
 * record not yet done, and in that offset's metadata the records past it that are ({@link
 * CompletedAhead}). So a committed offset never passes an instance whose outputs are not committed,
 * and every instance whose outputs are committed is either below the committed offset or named in
 * its metadata: a crash, a stop or a rebalance loses only uncommitted work, which whoever takes the
 * partition over redoes, skipping what the metadata names, and {@code read_committed} readers never
 * see a half. Before this, a finished instance waited for every older one of its partition, which
 * was most of its latency at a steady load (issue 19). A transaction stays open only while its
 * outputs are sent, so no input, however large, can outlast the transaction timeout.
 */
public final class InferenceService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
  private static final SingleObjectCodec<ProblemInstance> INSTANCES =
      SingleObjectCodec.of(ProblemInstance.class);

  /** How long a stop may spend finishing the instances already read. */
  private static final Duration FINISH_ON_STOP = Duration.ofSeconds(10);

  private final ServiceConfig config;
  private final ModelRegistry registry;
  private final ServiceMetrics metrics;
  private final Map<String, ContinuousBatcher> batchers = new LinkedHashMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<String, SpecificRecordBase> producer;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Totals totals = new Totals();

  /**
   * Per partition, in offset order, the records read from the oldest one not yet committed on:
   * those committed past it stay until the committed offset passes them.
   */
  private final Map<TopicPartition, ArrayDeque<InFlight>> inFlight = new LinkedHashMap<>();

  /** Records read and not yet committed. */
  private int inFlightCount;

  /**
   * Per assigned partition, the offsets not read yet that its committed offset's metadata names as
   * done: they are skipped when read, and named again in every commit until then.
   */
  private final Map<TopicPartition, Set<Long>> completedAhead = new HashMap<>();

  /**
   * Sends and commits transactions, so that serializing the outputs and waiting for the broker
   * overlap the model's steps (they took about 40% of the loop's time when done in it, JFR, issue
   * 19). Only this thread uses the producer once transactions are initialised.
   */
  private final ExecutorService committer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "anira-service-commit");
            t.setDaemon(true);
            return t;
          });

  /** Steps the models, several side by side. */
  private final ModelTurns turns;

  /** The transaction on the commit thread, or null. */
  private Transaction pending;

  /** Counts for the summary line. */
  public static final class Totals {
    public long instances;
    public long results;
    public long steps;
    public long deadLetters;
    public long transactions;
  }

  /**
   * One input record until the committed offset passes it: its outputs, held until it finishes, how
   * many of its models are still running it, and whether its outputs are committed. Discarded when
   * its partition is revoked: whoever takes it over redoes it. Synchronized: the models of one
   * instance may step on different threads.
   */
  private static final class InFlight implements OutputSink {
    final TopicPartition partition;
    final long offset;
    final List<ProducerRecord<String, SpecificRecordBase>> outputs = new ArrayList<>();
    int modelsRunning;
    boolean discarded;
    boolean committed;

    InFlight(TopicPartition partition, long offset) {
      this.partition = partition;
      this.offset = offset;
    }

    synchronized boolean finished() {
      return modelsRunning == 0;
    }

    @Override
    public synchronized void step(RecurrenceStep step) {
      if (!discarded) {
        outputs.add(new ProducerRecord<>(Topic.STEPS.topicName(), step.getInstanceId(), step));
      }
    }

    @Override
    public synchronized boolean wanted() {
      return !discarded;
    }

    @Override
    public synchronized void result(InstanceResult result) {
      modelsRunning--;
      if (!discarded) {
        outputs.add(
            new ProducerRecord<>(Topic.RESULTS.topicName(), result.getInstanceId(), result));
      }
    }
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
    this.turns = new ModelTurns(batchers.size(), config.threads());
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
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Every batch allocates LZ4's two 64 KiB block buffers: with the default 16 KiB batches that
    // was a quarter of this service's Java time (JFR, issue 19).
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new AnyRecordSerializer());
    metrics.gauge(
        "anira_service_consumer_lag",
        "Records behind the end of anira.tasks (largest partition)",
        this::lag);
  }

  /**
   * Runs until {@link #stop}, then finishes what it has read (for up to 10 s) and commits it;
   * returns the totals.
   *
   * @throws IllegalStateException if another instance with the same transactional id fenced this
   *     one, or the producer failed beyond recovery
   */
  public Totals run() {
    producer.initTransactions();
    consumer.subscribe(List.of(Topic.TASKS.topicName()), new CommitBeforeRevoke());
    long lastCommit = System.nanoTime();
    while (!stopping.get()) {
      try {
        read();
      } catch (WakeupException e) {
        break;
      }
      stepEveryBatcher();
      if (idle()) {
        // Nothing left to overlap the commit with, and the next read may block for 200 ms:
        // what just finished commits now, not after that wait.
        commitFinished(true);
        lastCommit = System.nanoTime();
      } else if (System.nanoTime() - lastCommit >= config.commitInterval().toNanos()
          && commitFinished(false)) {
        lastCommit = System.nanoTime();
      }
    }
    finishInFlight();
    return totals;
  }

  /**
   * Reads more instances while fewer than twice a poll are in flight: without waiting while the
   * batchers have work, else for up to 200 ms.
   */
  private void read() {
    boolean full = inFlightCount >= 2 * config.maxPollRecords();
    if (full) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
    // Polling while paused still keeps this consumer in its group.
    for (ConsumerRecord<byte[], byte[]> record :
        consumer.poll(idle() ? Duration.ofMillis(200) : Duration.ZERO)) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      InFlight entry = new InFlight(partition, record.offset());
      ArrayDeque<InFlight> queue = inFlight.computeIfAbsent(partition, tp -> new ArrayDeque<>());
      queue.add(entry);
      Set<Long> done = completedAhead.get(partition);
      if (done != null && done.remove(record.offset())) {
        entry.committed = true; // served before a restart or a rebalance: it only moves the offset
        continue;
      }
      inFlightCount++;
      route(record, entry);
    }
  }

  /** Forgets the committed records at the front of a partition's queue: the offset is past them. */
  private static void dropCommittedHead(ArrayDeque<InFlight> queue) {
    while (!queue.isEmpty() && queue.peek().committed) {
      queue.poll();
    }
  }

  /** Whether no model has an instance queued or running. */
  private boolean idle() {
    for (ContinuousBatcher batcher : batchers.values()) {
      if (!batcher.idle()) {
        return false;
      }
    }
    return true;
  }

  /** One recurrence step of every model that has work; false if none had. */
  private boolean stepEveryBatcher() {
    return turns.step(batchers.values());
  }

  /**
   * Commits every finished instance whose outputs are not committed yet: their outputs and, per
   * partition, the offset of the oldest record not done with the done ones past it in its metadata
   * ({@link CompletedAhead}), in one transaction on the commit thread, while the model keeps
   * stepping. One transaction is in progress at a time; its instances count as committed only once
   * it has committed, so what is not finished, or was in a transaction that failed, is committed by
   * a later one.
   *
   * @param wait whether to wait for the transaction in progress and for this one (a stop, a
   *     rebalance); otherwise nothing happens while one is in progress
   * @return false if nothing happened because a transaction was still in progress
   * @throws IllegalStateException if this service was fenced or its producer failed beyond recovery
   */
  private boolean commitFinished(boolean wait) {
    if (pending != null) {
      if (!wait && !pending.result().isDone()) {
        return false;
      }
      settle(pending);
      pending = null;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    List<InFlight> done = new ArrayList<>();
    inFlight.forEach(
        (partition, queue) -> {
          OffsetAndMetadata offset = commitPosition(partition, queue, done);
          if (offset != null) {
            offsets.put(partition, offset);
          }
        });
    if (offsets.isEmpty()) {
      return true;
    }
    ConsumerGroupMetadata group = consumer.groupMetadata(); // the consumer is this thread's
    pending = new Transaction(done, committer.submit(() -> transact(done, offsets, group)));
    if (wait) {
      settle(pending);
      pending = null;
    }
    return true;
  }

  /**
   * Adds a partition's finished, uncommitted instances to {@code done} and returns the offset to
   * commit with them: the oldest record read and not done, with the done ones from it on
   * (committed, joining this transaction, or named by an earlier commit and not read yet) in its
   * metadata. Null if the partition has nothing to commit: no finished instance, and no skipped
   * record at the front for the offset to pass. An instance too far past the oldest unfinished one
   * for the metadata waits.
   */
  private OffsetAndMetadata commitPosition(
      TopicPartition partition, ArrayDeque<InFlight> queue, List<InFlight> done) {
    if (queue.isEmpty()) {
      return null;
    }
    boolean skippedFirst = queue.peek().committed;
    long position = -1;
    List<Long> ahead = new ArrayList<>();
    int joining = done.size();
    for (InFlight entry : queue) {
      boolean ready = !entry.committed && entry.finished();
      if (position < 0) {
        if (ready) {
          done.add(entry);
        } else if (!entry.committed) {
          position = entry.offset;
        }
      } else if (entry.offset - position <= CompletedAhead.MAX_DISTANCE) {
        if (ready) {
          done.add(entry);
          ahead.add(entry.offset);
        } else if (entry.committed) {
          ahead.add(entry.offset);
        }
      }
    }
    if (done.size() == joining && !skippedFirst) {
      return null;
    }
    if (position < 0) {
      position = queue.peekLast().offset + 1;
    }
    for (long offset : completedAhead.getOrDefault(partition, Set.of())) {
      if (offset >= position) {
        ahead.add(offset);
      }
    }
    return CompletedAhead.offset(position, ahead);
  }

  /** One transaction handed to the commit thread: its instances and whether it committed. */
  private record Transaction(List<InFlight> instances, Future<Boolean> result) {}

  /** On the commit thread: sends the outputs and offsets in one transaction; false if aborted. */
  private boolean transact(
      List<InFlight> done,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group) {
    try {
      producer.beginTransaction();
      Instant sent = Instant.now();
      for (InFlight entry : done) {
        for (ProducerRecord<String, SpecificRecordBase> output : entry.outputs) {
          stampEventTime(output.value(), sent);
          producer.send(output);
        }
      }
      producer.sendOffsetsToTransaction(offsets, group);
      commitRetryingTimeouts();
      return true;
    } catch (ProducerFencedException e) {
      throw new IllegalStateException(
          "fenced: another service instance started with transactional id "
              + config.transactionalId()
              + "; this one stops, and the other redoes what this one had not committed",
          e);
    } catch (KafkaException e) {
      abortAfter(e);
      return false;
    }
  }

  /**
   * An output's event time is when it leaves the service: every step and result of an instance, of
   * every model, carries the time of the transaction that sends it, so each output partition's
   * event times rise with its offsets (with several replicas writing it, out of order by at most a
   * transaction's length). Stamped when each step ran instead, the records of a model that finished
   * an instance early waited for the instance's other models and reached Kafka behind the records
   * committed meanwhile. Under load that was more than the analytics job's 5 s out-of-orderness: a
   * 5-minute demo at 200 instances/s on 2 cores lost 12,438 halting events as {@code LATE_EVENT},
   * all of bfs and dfs, whose ONLINE models run deepest.
   */
  private static void stampEventTime(SpecificRecordBase output, Instant sent) {
    if (output instanceof RecurrenceStep step) {
      step.setEventTime(sent);
    } else if (output instanceof InstanceResult result) {
      result.setEventTime(sent);
    }
  }

  /**
   * Waits for {@code transaction}; once committed, its instances count as committed (those of a
   * partition dropped meanwhile are gone already), leave the in-flight queues once the committed
   * offset has passed them, and count in the totals.
   */
  private void settle(Transaction transaction) {
    boolean committed;
    try {
      committed = transaction.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a transaction was committing", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IllegalStateException fatal
          ? fatal
          : new IllegalStateException("committing a transaction failed: " + e.getCause(), e);
    }
    if (!committed) {
      return;
    }
    totals.transactions++;
    for (InFlight entry : transaction.instances()) {
      if (!entry.discarded) {
        entry.committed = true;
        inFlightCount--;
      }
      for (ProducerRecord<String, SpecificRecordBase> output : entry.outputs) {
        String topic = output.topic();
        if (topic.equals(Topic.STEPS.topicName())) {
          totals.steps++;
        } else if (topic.equals(Topic.RESULTS.topicName())) {
          totals.results++;
        } else {
          totals.deadLetters++;
        }
      }
      // A committed instance may wait in its queue behind an unfinished one: not with its outputs.
      entry.outputs.clear();
    }
    inFlight.values().forEach(InferenceService::dropCommittedHead);
  }

  /**
   * A commit that times out may still succeed on the broker, and the producer then allows only the
   * same commit again (an abort would throw): so it is retried, a few times.
   */
  private void commitRetryingTimeouts() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (attempt == COMMIT_ATTEMPTS) {
          throw new IllegalStateException(
              "the broker did not confirm a commit in "
                  + COMMIT_ATTEMPTS
                  + " attempts; this service stops, and whoever reads anira.tasks next redoes what"
                  + " was not committed",
              e);
        }
        LOG.warn("commit timed out (attempt {} of {}), retrying: {}", attempt, COMMIT_ATTEMPTS, e);
      }
    }
  }

  private static final int COMMIT_ATTEMPTS = 5;

  /** Aborts the open transaction after {@code cause}; what it held is committed next time. */
  private void abortAfter(KafkaException cause) {
    String what =
        cause instanceof InvalidProducerEpochException
            ? "the broker aborted the transaction: it stayed open longer than"
                + " --transaction-timeout "
                + config.transactionTimeout().toMillis()
                + "ms"
            : "the transaction failed (" + cause + ")";
    LOG.warn("{}; its outputs are held and committed again with the next transaction", what);
    try {
      producer.abortTransaction();
    } catch (KafkaException fatal) {
      throw new IllegalStateException(
          what + ", and aborting it failed too; this service stops: " + fatal, fatal);
    }
  }

  /** On a stop: no more reading; steps until what was read is finished (or 10 s), commits it. */
  private void finishInFlight() {
    long deadline = System.nanoTime() + FINISH_ON_STOP.toNanos();
    long lastCommit = System.nanoTime();
    while (inFlightCount > 0 && System.nanoTime() < deadline && stepEveryBatcher()) {
      if (System.nanoTime() - lastCommit >= config.commitInterval().toNanos()
          && commitFinished(false)) {
        lastCommit = System.nanoTime();
      }
    }
    commitFinished(true);
    if (inFlightCount > 0) {
      LOG.info(
          "stopping: {} instances read but not finished are left to whoever reads anira.tasks"
              + " next",
          inFlightCount);
    }
  }

  /**
   * Commits what is finished before partitions go to another instance, then drops the rest of
   * theirs (the new owner redoes it from the committed offset); the batchers still finish the
   * dropped instances, but nothing of them is sent.
   */
  private final class CommitBeforeRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commitFinished(true);
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Only to know which of its instances left the queues; the transaction itself will fail.
      if (pending != null) {
        settle(pending);
        pending = null;
      }
      drop(partitions);
    }

    /** Learns which records past each committed offset were served already. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      consumer
          .committed(new HashSet<>(partitions))
          .forEach(
              (partition, committed) -> {
                Set<Long> done = CompletedAhead.of(committed);
                if (!done.isEmpty()) {
                  completedAhead.put(partition, done);
                  LOG.info(
                      "{}: {} record(s) past the committed offset {} were served already and are"
                          + " skipped",
                      partition,
                      done.size(),
                      committed.offset());
                }
              });
    }

    private void drop(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        completedAhead.remove(partition);
        ArrayDeque<InFlight> queue = inFlight.remove(partition);
        if (queue != null) {
          for (InFlight entry : queue) {
            entry.discarded = true;
            if (!entry.committed) {
              inFlightCount--;
            }
          }
        }
      }
    }
  }

  /** Decodes, validates and queues one input; a bad one becomes a dead letter. */
  private void route(ConsumerRecord<byte[], byte[]> record, InFlight entry) {
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
      entry.modelsRunning = models.size();
      for (ServedModel served : models) {
        batchers.get(served.modelId()).submit(instance, entry);
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
      entry.outputs.add(new ProducerRecord<>(Topic.DEAD_LETTERS.topicName(), null, letter));
      metrics.deadLetter(letter.getErrorType());
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

  private double lag() {
    return consumer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("records-lag-max"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .filter(Double::isFinite)
        .max()
        .orElse(0);
  }

  /**
   * Asks the loop to stop reading, finish and commit what it has read, and return; safe from any
   * thread.
   */
  public void stop() {
    stopping.set(true);
    consumer.wakeup();
  }

  @Override
  public void close() {
    // The consumer first: leaving the group revokes its partitions, which commits what is
    // finished through the still open producer.
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("closing the consumer: {}; what was not committed is redone by the next reader", e);
    }
    committer.shutdown();
    turns.close();
    producer.close(Duration.ofSeconds(5));
    batchers.values().forEach(ContinuousBatcher::close);
  }

  private static final class InvalidInstance extends RuntimeException {
    final String errorType;

    InvalidInstance(String errorType, String message) {
      super(message);
      this.errorType = errorType;
    }
  }
}
