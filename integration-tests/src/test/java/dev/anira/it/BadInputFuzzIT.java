package dev.anira.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.analytics.AlertRules;
import dev.anira.jobs.AnalyticsConfig;
import dev.anira.jobs.AnalyticsJob;
import dev.anira.jobs.KafkaIO;
import dev.anira.jobs.LocalFlink;
import dev.anira.jobs.SourceEventTime;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.modelservice.cli.ServeCommand;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Split;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Bad input on every input topic, ten thousand messages of it, while good instances flow: the model
 * service and the analytics job run on, every bad message lands in anira.dlq exactly once with a
 * reason, and every good instance still gets its results and halting events.
 */
class BadInputFuzzIT {

  private static final int BAD = 10_000;
  private static final int GOOD = 20;
  private static final List<Topic> INPUTS =
      List.of(Topic.TASKS, Topic.TRACES, Topic.STEPS, Topic.RESULTS);

  @Test
  void tenThousandBadMessagesEndInTheDeadLetterTopicAndGoodInstancesStillFlow() throws Exception {
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Map<String, Integer> topics = new HashMap<>();
      for (Topic t : Topic.values()) {
        topics.put(t.topicName(), 2);
      }
      kafka.createTopics(topics, Duration.ofSeconds(30));
      String bootstrap = kafka.bootstrapServers();

      ServeCommand serve = new ServeCommand();
      Thread serving =
          new Thread(
              () ->
                  new CommandLine(serve)
                      .execute(
                          "--bootstrap", bootstrap,
                          "--mechanisms", "online",
                          "--device", "cpu",
                          "--metrics-port", "-1",
                          "--group-id", "fuzz-serve"),
              "model-service");
      serving.start();
      JobClient job = startAnalytics(bootstrap);

      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      List<String> good = goodInstances(records);
      Map<String, Long> badPerTopic = badMessages(records, new SplittableRandom(7));
      java.util.Collections.shuffle(records, new java.util.Random(7));
      send(bootstrap, records);

      List<DeadLetter> dead =
          kafka.readCommitted(Topic.DEAD_LETTERS, DeadLetter.class, BAD, Duration.ofSeconds(180));
      List<InstanceResult> results =
          kafka.readCommitted(
              Topic.RESULTS, InstanceResult.class, GOOD, Duration.ofSeconds(120), true);
      List<HaltingEvent> events =
          kafka.readCommitted(Topic.HALTING, HaltingEvent.class, GOOD, Duration.ofSeconds(60));

      // Nothing crashed: the service still polls and the job still runs.
      assertThat(serving.isAlive()).isTrue();
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      serve.requestStop();
      serving.join(30_000);
      job.cancel().get();

      assertThat(dead).hasSize(BAD);
      assertThat(
              dead.stream()
                  .collect(
                      Collectors.groupingBy(DeadLetter::getSourceTopic, Collectors.counting())))
          .isEqualTo(badPerTopic);
      assertThat(dead).allSatisfy(d -> assertThat(d.getReason()).isNotBlank());
      assertThat(dead.stream().map(DeadLetter::getErrorType).distinct())
          .contains(
              "BAD_HEADER",
              "UNKNOWN_SCHEMA",
              "WRONG_RECORD_TYPE",
              "CORRUPT_BODY",
              "EMPTY_VALUE",
              "UNKNOWN_MODEL");
      assertThat(results.stream().map(InstanceResult::getInstanceId).distinct().sorted().toList())
          .isEqualTo(good.stream().sorted().toList());
      assertThat(events.stream().map(HaltingEvent::getInstanceId).distinct().sorted().toList())
          .isEqualTo(good.stream().sorted().toList());
    }
  }

  private static JobClient startAnalytics(String bootstrap) throws Exception {
    AnalyticsConfig config =
        new AnalyticsConfig(
            2,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            null,
            AlertRules.Config.defaults(),
            "fuzz");
    StreamExecutionEnvironment env = AnalyticsJob.environment(config, LocalFlink.configuration());
    AnalyticsJob.build(
        env.fromSource(
            KafkaIO.source(
                bootstrap, "fuzz-analytics", AnalyticsJob.INPUTS, false, new Properties()),
            SourceEventTime.watermarks(config),
            "kafka"),
        config,
        KafkaIO.sinks(bootstrap, "fuzz", DeliveryGuarantee.EXACTLY_ONCE, new Properties()));
    return env.executeAsync("fuzz");
  }

  /** Small parity and addition instances with their traces; returns their ids. */
  private static List<String> goodInstances(List<ProducerRecord<byte[], byte[]>> records) {
    SingleObjectCodec<ProblemInstance> tasks = SingleObjectCodec.of(ProblemInstance.class);
    SingleObjectCodec<AlgorithmTrace> traces = SingleObjectCodec.of(AlgorithmTrace.class);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      Task task = Tasks.byName(i % 2 == 0 ? "parity" : "addition");
      Params params = Params.of(task, Map.of(i % 2 == 0 ? "length" : "digits", 4 + i % 4));
      GeneratedInstance g =
          TaskGenerator.generate(task, params, Split.TRAIN, i, "good-" + i, "fuzz", Instant.now());
      byte[] key = g.instance().getInstanceId().getBytes(StandardCharsets.UTF_8);
      records.add(new ProducerRecord<>(Topic.TASKS.topicName(), key, tasks.encode(g.instance())));
      records.add(new ProducerRecord<>(Topic.TRACES.topicName(), key, traces.encode(g.trace())));
      ids.add(g.instance().getInstanceId());
    }
    return ids;
  }

  /**
   * {@link #BAD} messages spread over the four input topics: random bytes, empty messages, an
   * unknown schema fingerprint, another topic's record, truncated records, oversize bodies, and (on
   * anira.tasks) instances of a task no model serves. Returns how many went to each topic.
   */
  private static Map<String, Long> badMessages(
      List<ProducerRecord<byte[], byte[]>> records, SplittableRandom random) {
    SingleObjectCodec<ProblemInstance> tasks = SingleObjectCodec.of(ProblemInstance.class);
    SingleObjectCodec<AlgorithmTrace> traces = SingleObjectCodec.of(AlgorithmTrace.class);
    GeneratedInstance sample =
        TaskGenerator.generate(
            Tasks.byName("parity"),
            Params.of(Tasks.byName("parity"), Map.of("length", 6)),
            Split.TRAIN,
            99,
            "sample",
            "fuzz",
            Instant.now());
    byte[] instance = tasks.encode(sample.instance());
    byte[] trace = traces.encode(sample.trace());
    Map<String, Long> perTopic = new HashMap<>();
    for (int i = 0; i < BAD; i++) {
      Topic topic = INPUTS.get(i % INPUTS.size());
      int kind = (i / INPUTS.size()) % 7;
      byte[] value =
          switch (kind) {
            case 0 -> bytes(random, random.nextInt(1, 200));
            case 1 -> new byte[0];
            case 2 -> withHeader(random.nextLong(), bytes(random, random.nextInt(0, 100)));
            // a record of another topic: a trace where it is not one, else an instance
            case 3 -> topic == Topic.TRACES ? instance : trace;
            case 4 ->
                Arrays.copyOf(topic == Topic.TASKS ? instance : trace, 10 + random.nextInt(20));
            case 5 ->
                i % 50 == 5
                    ? withHeader(fingerprint(topic), bytes(random, 300_000))
                    : bytes(random, random.nextInt(1, 50));
            default ->
                topic == Topic.TASKS
                    ? tasks.encode(
                        ProblemInstance.newBuilder(sample.instance())
                            .setTask("chess")
                            .setInstanceId("chess-" + i)
                            .build())
                    : bytes(random, random.nextInt(1, 50));
          };
      records.add(new ProducerRecord<>(topic.topicName(), null, value));
      perTopic.merge(topic.topicName(), 1L, Long::sum);
    }
    return perTopic;
  }

  private static long fingerprint(Topic topic) {
    return dev.anira.schemas.serde.SchemaHistory.fingerprint(
        SingleObjectCodec.of(topic.recordType()).schema());
  }

  private static byte[] withHeader(long fingerprint, byte[] body) {
    byte[] out = new byte[10 + body.length];
    out[0] = (byte) 0xC3;
    out[1] = (byte) 0x01;
    for (int b = 0; b < 8; b++) {
      out[2 + b] = (byte) (fingerprint >>> (8 * b));
    }
    System.arraycopy(body, 0, out, 10, body.length);
    return out;
  }

  private static byte[] bytes(SplittableRandom random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private static void send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<?>> sent = new ArrayList<>();
      records.forEach(r -> sent.add(producer.send(r)));
      for (Future<?> s : sent) {
        s.get(); // a record the producer gave up on is a fixture failure, not a lost record
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the fuzz input was not produced", e.getCause());
    }
  }
}
