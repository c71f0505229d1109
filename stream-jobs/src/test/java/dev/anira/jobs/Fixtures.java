package dev.anira.jobs;

import dev.anira.analytics.AlertRules;
import dev.anira.analytics.HaltingEvents;
import dev.anira.kafka.KafkaCluster;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The test data of the stream jobs: made-up model runs over generated instances, what the oracle
 * expects of them, and how they reach a real broker.
 */
public final class Fixtures {

  static final int MAX_DEPTH = 6;

  /** Sensitive enough that the fixture's random model raises alerts. */
  public static final AlertRules.Config ALERTS =
      new AlertRules.Config(1, 1, 2, null, 0.05, null, 0.02, null, 0.02);

  /** The report window the oracle's expected reports are cut by. */
  public static final Duration WINDOW = Duration.ofMillis(AnalyticsPipelineTest.WINDOW);

  private Fixtures() {}

  /**
   * The configuration a user gets, with the fixture's alert thresholds and checkpoints every 200 ms
   * so a test ends in seconds; neither bounds event time.
   */
  public static AnalyticsConfig config() {
    AnalyticsConfig d = AnalyticsConfig.defaults();
    return new AnalyticsConfig(
        d.parallelism(),
        WINDOW,
        d.outOfOrderness(),
        d.joinTimeout(),
        d.idleness(),
        Duration.ofMillis(200),
        null,
        ALERTS,
        d.producerId());
  }

  /** Every output topic's records the oracle expects, as sorted strings. */
  public static Map<Topic, List<String>> expectedReports(Data data) {
    Map<Topic, List<String>> expected = new EnumMap<>(Topic.class);
    expected.put(Topic.HALTING, data.expected().stream().map(Object::toString).sorted().toList());
    expected.put(
        Topic.ALIGNMENT, AnalyticsPipelineTest.batch(data.expected(), AnalyticsPipeline.ALIGNMENT));
    expected.put(
        Topic.TIMING, AnalyticsPipelineTest.batch(data.expected(), AnalyticsPipeline.TIMING));
    expected.put(
        Topic.GENERALIZATION,
        AnalyticsPipelineTest.batch(data.expected(), AnalyticsPipeline.GENERALIZATION));
    expected.put(Topic.ALERTS, AnalyticsPipelineTest.alerts(data.expected()));
    return expected;
  }

  /** 40 instances of parity and addition with made-up model runs; instance i-7 loses its trace. */
  public record Data(List<JoinInput> inputs, List<HaltingEvent> expected, int orphanRecords) {}

  public static Data data(long seed) {
    return data(seed, 40, 1_000);
  }

  /**
   * {@code instances} instances whose event times are {@code spacingMillis} apart, from 0; instance
   * i-7 loses its trace.
   */
  public static Data data(long seed, int instances, long spacingMillis) {
    List<JoinInput> inputs = new ArrayList<>();
    List<HaltingEvent> expected = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    Task parity = Tasks.byName("parity");
    Task addition = Tasks.byName("addition");
    int orphanRecords = 0;
    for (int i = 0; i < instances; i++) {
      Task task = i % 2 == 0 ? parity : addition;
      Params params = Params.of(task, Map.of(i % 2 == 0 ? "length" : "digits", 3 + i % 6));
      GeneratedInstance generated =
          TaskGenerator.generate(
              task,
              params,
              dev.anira.schemas.Split.TRAIN,
              i,
              "i-" + i,
              "test",
              Instant.ofEpochMilli(spacingMillis * i));
      ProblemInstance instance = generated.instance();
      AlgorithmTrace trace = generated.trace();
      Model m = model(instance, trace, random);
      boolean orphan = i == 7; // its trace never arrives
      if (!orphan) {
        inputs.add(JoinInput.of(trace));
        for (HaltingEvent e : HaltingEvents.join(m.result, trace, m.steps, "stream-jobs")) {
          expected.add(e);
        }
      } else {
        orphanRecords = 1 + m.steps.size();
      }
      inputs.add(JoinInput.of(m.result));
      m.steps.forEach(s -> inputs.add(JoinInput.of(s)));
    }
    return new Data(inputs, expected, orphanRecords);
  }

  private record Model(InstanceResult result, List<RecurrenceStep> steps) {}

  /** A made-up model run: random depths, some wrong answers, consistent step records. */
  private static Model model(ProblemInstance instance, AlgorithmTrace trace, SplittableRandom r) {
    int length = instance.getTokens().size();
    int[] depth = new int[length];
    int[] prediction = new int[length];
    int stepsRun = 0;
    for (int t = 0; t < length; t++) {
      depth[t] = r.nextInt(1, MAX_DEPTH + 1);
      stepsRun = Math.max(stepsRun, depth[t]);
    }
    List<Integer> positions = instance.getAnswerPositions();
    for (int i = 0; i < positions.size(); i++) {
      int target = trace.getTargets().get(i);
      prediction[positions.get(i)] = r.nextDouble() < 0.8 ? target : target + 1;
    }
    List<RecurrenceStep> steps = new ArrayList<>();
    for (int k = 0; k <= stepsRun; k++) {
      List<Boolean> halted = new ArrayList<>();
      List<Float> halt = new ArrayList<>();
      for (int t = 0; t < length; t++) {
        boolean now = k > 0 && depth[t] == k;
        // Coarse values, so λ ties across tokens as real heads often do.
        float value = k == 0 ? 0f : r.nextInt(0, 21) / 20f;
        halted.add(now);
        halt.add(value);
      }
      steps.add(
          RecurrenceStep.newBuilder()
              .setInstanceId(instance.getInstanceId())
              .setModelId("m-online")
              .setMechanism(Mechanism.ONLINE)
              .setTask(instance.getTask())
              .setStep(k)
              .setMaxDepth(MAX_DEPTH)
              .setAnswerPositions(positions)
              .setHaltProbability(halt)
              .setCumulativeHalt(halt)
              .setActive(halted)
              .setHalted(halted)
              .setStateDelta(halt)
              .setPrediction(ints(prediction))
              .setConfidence(halt)
              .setEventTime(instance.getEventTime().plusMillis(k))
              .setProducerId("model")
              .build());
    }
    InstanceResult result =
        InstanceResult.newBuilder()
            .setInstanceId(instance.getInstanceId())
            .setModelId("m-online")
            .setMechanism(Mechanism.ONLINE)
            .setTask(instance.getTask())
            .setSize(instance.getSize())
            .setSplit(instance.getSplit())
            .setMaxDepth(MAX_DEPTH)
            .setStepsRun(stepsRun)
            .setAnswerPositions(positions)
            .setDepths(ints(depth))
            .setPredictions(ints(prediction))
            .setConfidence(List.of())
            .setDevice("cpu")
            .setLatencyMicros(1)
            .setEventTime(instance.getEventTime().plusMillis(stepsRun))
            .setProducerId("model")
            .build();
    return new Model(result, steps);
  }

  private static List<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  /** Every topic, two partitions each. */
  public static void createTopics(KafkaCluster kafka) {
    Map<String, Integer> topics = new HashMap<>();
    for (Topic t : Topic.values()) {
      topics.put(t.topicName(), 2);
    }
    kafka.createTopics(topics, Duration.ofSeconds(30));
  }

  /**
   * The fixture's records in shuffled order, and with {@code withBad} seven bad ones; returns how
   * many bad.
   */
  public static int send(KafkaCluster kafka, Data data, boolean withBad) {
    List<ProducerRecord<byte[], byte[]>> records = records(data);
    if (!withBad) {
      produce(kafka, records);
      return 0;
    }
    byte[] noise = new byte[40];
    new Random(1).nextBytes(noise);
    records.add(new ProducerRecord<>(Topic.STEPS.topicName(), null, noise));
    JoinInput aStep =
        data.inputs().stream().filter(i -> i.kind == JoinInput.Kind.STEP).findFirst().orElseThrow();
    records.add(new ProducerRecord<>(Topic.TRACES.topicName(), null, aStep.payload));
    records.add(new ProducerRecord<>(Topic.RESULTS.topicName(), null, new byte[0]));
    // A model whose result contradicts the trace's answer positions: result and step rejected.
    InstanceResult some =
        data.inputs().stream()
            .filter(i -> i.kind == JoinInput.Kind.RESULT && !i.instanceId.equals("i-7"))
            .map(i -> JoinInput.RESULTS.decode(i.payload))
            .findFirst()
            .orElseThrow();
    InstanceResult bad =
        InstanceResult.newBuilder(some)
            .setModelId("m-bad")
            .setStepsRun(0)
            .setAnswerPositions(List.of(0))
            .build();
    RecurrenceStep badStep =
        RecurrenceStep.newBuilder(JoinInput.STEPS.decode(aStep.payload))
            .setInstanceId(bad.getInstanceId())
            .setModelId("m-bad")
            .setStep(0)
            .build();
    records.add(
        new ProducerRecord<>(Topic.RESULTS.topicName(), null, JoinInput.RESULTS.encode(bad)));
    records.add(
        new ProducerRecord<>(Topic.STEPS.topicName(), null, JoinInput.STEPS.encode(badStep)));
    // A model consistent with the trace but whose step holds a NaN λ: both go as INVALID_STEP.
    InstanceResult invalid =
        InstanceResult.newBuilder(some).setModelId("m-nan").setStepsRun(0).build();
    RecurrenceStep ownStep =
        data.inputs().stream()
            .filter(i -> i.kind == JoinInput.Kind.STEP && i.instanceId.equals(some.getInstanceId()))
            .map(i -> JoinInput.STEPS.decode(i.payload))
            .findFirst()
            .orElseThrow();
    List<Float> lambda = new ArrayList<>(ownStep.getHaltProbability());
    lambda.set(0, Float.NaN);
    RecurrenceStep nanStep =
        RecurrenceStep.newBuilder(ownStep)
            .setModelId("m-nan")
            .setStep(0)
            .setHaltProbability(lambda)
            .build();
    records.add(
        new ProducerRecord<>(Topic.RESULTS.topicName(), null, JoinInput.RESULTS.encode(invalid)));
    records.add(
        new ProducerRecord<>(Topic.STEPS.topicName(), null, JoinInput.STEPS.encode(nanStep)));
    produce(kafka, records);
    return 7;
  }

  /**
   * How far out of event-time order the fixture's records are sent: less than the default
   * out-of-orderness, as a live producer's would be.
   */
  static final long JITTER_MILLIS = 3_000;

  /**
   * The fixture's good records, keyed by instance, in event-time order up to a fixed random jitter
   * of {@link #JITTER_MILLIS}.
   */
  public static List<ProducerRecord<byte[], byte[]>> records(Data data) {
    return records(data.inputs(), new Random(3));
  }

  static List<ProducerRecord<byte[], byte[]>> records(List<JoinInput> inputs, Random random) {
    List<JoinInput> ordered = jittered(inputs, random);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (JoinInput input : ordered) {
      records.add(
          new ProducerRecord<>(
              JoinInput.topicOf(input.kind).topicName(),
              input.instanceId.getBytes(StandardCharsets.UTF_8),
              input.payload));
    }
    return records;
  }

  /** The inputs sorted by event time plus a random delay below {@link #JITTER_MILLIS}. */
  static List<JoinInput> jittered(List<JoinInput> inputs, Random random) {
    Map<JoinInput, Long> sendAt = new IdentityHashMap<>();
    for (JoinInput input : inputs) {
      sendAt.put(input, input.eventTime + (long) (random.nextDouble() * JITTER_MILLIS));
    }
    List<JoinInput> ordered = new ArrayList<>(inputs);
    ordered.sort(Comparator.comparingLong(sendAt::get));
    return ordered;
  }

  /** How many records each instance has, by their keys (the instance id, as the fixture sends). */
  public static Map<String, Long> perInstance(List<byte[]> keys) {
    Map<String, Long> counts = new HashMap<>();
    for (byte[] key : keys) {
      counts.merge(new String(key, StandardCharsets.UTF_8), 1L, Long::sum);
    }
    return counts;
  }

  /** How many halting events the instances all of whose records are among {@code sent} yield. */
  public static int haltingOfCompleteInstances(
      Data data, List<ProducerRecord<byte[], byte[]>> sent) {
    Map<String, Long> sentPerInstance =
        perInstance(sent.stream().map(ProducerRecord::key).toList());
    Map<String, Long> allPerInstance =
        perInstance(records(data).stream().map(ProducerRecord::key).toList());
    return (int)
        data.expected().stream()
            .filter(
                e ->
                    sentPerInstance
                        .getOrDefault(e.getInstanceId(), 0L)
                        .equals(allPerInstance.get(e.getInstanceId())))
            .count();
  }

  public static void produce(KafkaCluster kafka, List<ProducerRecord<byte[], byte[]>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      // Every send is checked: a record the producer gave up on would otherwise show up minutes
      // later as a report missing from the job's output.
      List<Future<?>> sent = new ArrayList<>();
      records.forEach(r -> sent.add(producer.send(r)));
      for (Future<?> s : sent) {
        s.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing the fixture", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the fixture's input was not produced", e.getCause());
    }
  }

  /** Sorted toString of every committed record of a topic, so duplicates and gaps both show. */
  public static <T extends SpecificRecordBase> List<String> committed(
      KafkaCluster kafka, Topic topic, Class<T> type, int expected) {
    return kafka.readCommitted(topic, type, expected, Duration.ofSeconds(60)).stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }
}
