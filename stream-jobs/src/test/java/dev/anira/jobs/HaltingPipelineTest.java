package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.analytics.HaltingEvents;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The join on a Flink MiniCluster, inputs shuffled, against the oracle: {@link HaltingEvents#join}
 * called directly on the same records.
 */
class HaltingPipelineTest {

  private static final int MAX_DEPTH = 6;

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void emitsExactlyTheOraclesEventsAndRoutesOrphansToTheSideOutput(int parallelism)
      throws Exception {
    Data data = data(parallelism);
    List<JoinInput> inputs = new ArrayList<>(data.inputs());
    List<String> expected = data.expected().stream().map(e -> "E " + e).toList();
    int orphanRecords = data.orphanRecords();
    Collections.shuffle(inputs, new java.util.Random(parallelism));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(local());
    env.setParallelism(parallelism);
    DataStream<JoinInput> source = env.fromData(inputs);
    SingleOutputStreamOperator<HaltingEvent> events =
        HaltingPipeline.join(
            source,
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofSeconds(30),
            "stream-jobs");
    DataStream<String> both =
        events
            .map(e -> "E " + e)
            .returns(Types.STRING)
            .union(
                events
                    .getSideOutput(HaltingJoin.UNMATCHED)
                    .map(u -> "U " + u)
                    .returns(Types.STRING));
    List<String> out = new ArrayList<>();
    try (CloseableIterator<String> it = both.executeAndCollect()) {
      it.forEachRemaining(out::add);
    }
    List<String> got = out.stream().filter(s -> s.startsWith("E ")).sorted().toList();
    assertThat(got).isEqualTo(expected.stream().sorted().toList());
    assertThat(out.stream().filter(s -> s.startsWith("U ")))
        .hasSize(orphanRecords)
        .allMatch(s -> s.endsWith(" i-7"));
  }

  /** 40 instances of parity and addition with made-up model runs; instance i-7 loses its trace. */
  record Data(List<JoinInput> inputs, List<HaltingEvent> expected, int orphanRecords) {}

  static Data data(long seed) {
    List<JoinInput> inputs = new ArrayList<>();
    List<HaltingEvent> expected = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    Task parity = Tasks.byName("parity");
    Task addition = Tasks.byName("addition");
    int orphanRecords = 0;
    for (int i = 0; i < 40; i++) {
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
              Instant.ofEpochMilli(1_000L * i));
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

  /** A MiniCluster on loopback only (STACK.md). */
  static Configuration local() {
    Configuration conf = new Configuration();
    for (String key :
        new String[] {
          "rest.bind-address",
          "rest.address",
          "jobmanager.bind-host",
          "jobmanager.rpc.address",
          "taskmanager.bind-host",
          "taskmanager.host"
        }) {
      conf.setString(key, "127.0.0.1");
    }
    conf.setString("rest.bind-port", "0");
    return conf;
  }
}
