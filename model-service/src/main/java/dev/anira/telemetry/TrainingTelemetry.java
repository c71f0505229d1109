package dev.anira.telemetry;

import dev.anira.cli.KafkaClientSettings;
import dev.anira.evaluation.Evaluation;
import dev.anira.model.Anira;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Split;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.service.ContinuousBatcher;
import dev.anira.service.OutputSink;
import dev.anira.service.ServedModel;
import dev.anira.service.ServiceConfig;
import dev.anira.service.ServiceMetrics;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.training.Trainer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a training run's periodic evaluations into the analytics: after each evaluation, the
 * held-out instances (train and extrapolation sizes) run step by step through the model being
 * trained, and their traces, step records and results go to the usual topics under the model id
 * {@code <task>-<mechanism>@<run>}, each result carrying its update in {@code trainingUpdate}. To
 * the analytics job and the dashboard a training run is one more model whose reports change over
 * time.
 *
 * <p>The step-by-step pass runs on the training thread (the weights must not change under it);
 * sending runs on a thread of its own, one Kafka transaction per evaluation, so an evaluation is
 * published whole or not at all. All records of an evaluation share one event time: the wall clock
 * when it is sent, at least {@code spacing} after the previous evaluation's, so with a spacing of
 * at least the analytics window every window holds at most one evaluation (one report per
 * evaluation and key), and event time never runs ahead of the clock, so live models' records are
 * never made late by it. Instances are not published to {@code anira.tasks}: a model service
 * reading that topic would run them through its own models too.
 */
public final class TrainingTelemetry implements Trainer.Listener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingTelemetry.class);

  /** The producer id written into every record. */
  public static final String PRODUCER = "anira-train";

  /** Evaluations waiting to be sent; the training thread blocks if two are already waiting. */
  private static final int QUEUE = 2;

  private final Trainer.Listener delegate;
  private final ServedModel served;
  private final Map<String, List<GeneratedInstance>> evalSets;
  private final String runId;
  private final Duration spacing;
  private final KafkaProducer<String, SpecificRecordBase> producer;
  private final BlockingQueue<Evaluated> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread sender;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final ServiceMetrics metrics = new ServiceMetrics("training");
  private long lastEventTime = Long.MIN_VALUE;
  private int published;
  private long passNanos;
  private boolean closed;

  /** One evaluation's records, before their event time is set. */
  private record Evaluated(
      int update,
      List<AlgorithmTrace> traces,
      List<RecurrenceStep> steps,
      List<InstanceResult> results) {}

  /**
   * @param delegate receives every call first (the progress bar)
   * @param bootstrap the Kafka bootstrap servers
   * @param runId names the run in the model id, e.g. {@code run-20261130-1015}
   * @param spacing least event time between two evaluations; at least the analytics window
   * @param evalSets the held-out sets the trainer evaluates on, by name
   */
  public TrainingTelemetry(
      Trainer.Listener delegate,
      String bootstrap,
      String runId,
      Duration spacing,
      String task,
      Mechanism mechanism,
      Anira model,
      Map<String, List<GeneratedInstance>> evalSets) {
    this.delegate = delegate;
    this.runId = runId;
    this.spacing = spacing;
    this.evalSets = evalSets;
    this.served = new ServedModel(modelId(task, mechanism, runId), task, mechanism, model);
    Properties p = KafkaClientSettings.fromEnvironment();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "anira-train-" + served.modelId());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new AnyRecordSerializer());
    producer.initTransactions();
    this.sender = new Thread(this::send, "anira-telemetry");
    sender.setDaemon(true);
    sender.start();
  }

  /** {@code <prefix>-<yyyyMMdd-HHmmss>} of now: a run id, e.g. {@code run-20261130-101502}. */
  public static String runId(String prefix) {
    return prefix
        + "-"
        + java.time.LocalDateTime.now()
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  /** {@code <task>-<mechanism>@<run>}, e.g. {@code addition-online@run-20261130-1015}. */
  public static String modelId(String task, Mechanism mechanism, String runId) {
    return task + "-" + mechanism.name().toLowerCase(java.util.Locale.ROOT) + "@" + runId;
  }

  public String modelId() {
    return served.modelId();
  }

  @Override
  public void progress(Trainer.Progress progress) {
    delegate.progress(progress);
  }

  /**
   * Runs the evaluation sets step by step and queues their records for sending.
   *
   * @throws IllegalStateException if sending an earlier evaluation failed
   */
  @Override
  public void evaluated(int step, Map<String, Evaluation> evaluation) {
    delegate.evaluated(step, evaluation);
    rethrow();
    long start = System.nanoTime();
    List<AlgorithmTrace> traces = new ArrayList<>();
    List<RecurrenceStep> steps = new ArrayList<>();
    List<InstanceResult> results = new ArrayList<>();
    OutputSink sink =
        new OutputSink() {
          @Override
          public void step(RecurrenceStep record) {
            steps.add(record);
          }

          @Override
          public void result(InstanceResult result) {
            results.add(result);
          }
        };
    try (ContinuousBatcher batcher =
        new ContinuousBatcher(
            served,
            // The pass batches as the service does by default.
            Integer.parseInt(ServiceConfig.DEFAULT_TOKEN_BUDGET),
            ContinuousBatcher.Admission.CONTINUOUS,
            PRODUCER,
            metrics)) {
      for (Map.Entry<String, List<GeneratedInstance>> set : evalSets.entrySet()) {
        // Both sets are drawn as training data; the analytics tell them apart by their split.
        Split split =
            set.getKey().equals(Trainer.EXTRAPOLATION_SET) ? Split.EXTRAPOLATION : Split.TRAIN;
        for (GeneratedInstance g : set.getValue()) {
          // The sets number their instances alike: the set's name keeps the ids apart.
          String id = runId + "/u" + step + "/" + set.getKey() + "/" + g.instance().getInstanceId();
          ProblemInstance instance =
              ProblemInstance.newBuilder(g.instance()).setInstanceId(id).setSplit(split).build();
          traces.add(
              AlgorithmTrace.newBuilder(g.trace()).setInstanceId(id).setSplit(split).build());
          batcher.submit(instance, sink);
        }
      }
      batcher.drain();
    }
    passNanos += System.nanoTime() - start;
    enqueue(new Evaluated(step, traces, steps, results));
  }

  /** Waits for room in the queue, failing instead if the sender has stopped. */
  private void enqueue(Evaluated e) {
    try {
      while (!queue.offer(e, 1, TimeUnit.SECONDS)) {
        rethrow();
        if (!sender.isAlive()) {
          throw new IllegalStateException("training telemetry's sender has stopped");
        }
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while queueing an evaluation", interrupted);
    }
  }

  /** On the sender thread: each evaluation in one transaction, at its own event time. */
  private void send() {
    try {
      for (Evaluated e = queue.take(); e.update() >= 0; e = queue.take()) { // < 0: the end
        publish(e);
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException fatal) {
      failure.set(fatal);
      LOG.error("training telemetry stopped: {}", fatal.toString());
    }
  }

  private void publish(Evaluated e) throws InterruptedException {
    long due = lastEventTime == Long.MIN_VALUE ? 0 : lastEventTime + spacing.toMillis();
    long wait = due - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    Instant time = Instant.ofEpochMilli(System.currentTimeMillis());
    lastEventTime = time.toEpochMilli();
    producer.beginTransaction();
    for (AlgorithmTrace t : e.traces()) {
      t.setEventTime(time);
      producer.send(new ProducerRecord<>(Topic.TRACES.topicName(), t.getInstanceId(), t));
    }
    for (RecurrenceStep s : e.steps()) {
      s.setEventTime(time);
      producer.send(new ProducerRecord<>(Topic.STEPS.topicName(), s.getInstanceId(), s));
    }
    for (InstanceResult r : e.results()) {
      r.setEventTime(time);
      r.setTrainingUpdate(e.update());
      producer.send(new ProducerRecord<>(Topic.RESULTS.topicName(), r.getInstanceId(), r));
    }
    producer.commitTransaction();
    published++;
    LOG.info(
        "telemetry: update {} of {} published ({} results, event time {})",
        e.update(),
        served.modelId(),
        e.results().size(),
        time);
  }

  private void rethrow() {
    RuntimeException f = failure.get();
    if (f != null) {
      throw new IllegalStateException("training telemetry failed: " + f.getMessage(), f);
    }
  }

  /** Evaluations published so far (read after {@link #close}). */
  public int published() {
    return published;
  }

  /** Seconds the training thread spent on the step-by-step passes, all evaluations together. */
  public double passSeconds() {
    return passNanos / 1e9;
  }

  /**
   * Sends what is queued, then closes the producer.
   *
   * @throws IllegalStateException if sending failed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (sender.isAlive()) {
        enqueue(new Evaluated(-1, List.of(), List.of(), List.of()));
        sender.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      producer.close(Duration.ofSeconds(10));
      metrics.close();
    }
    rethrow();
  }
}
