package dev.anira.launcher;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.model.Anira;
import dev.anira.model.Devices;
import dev.anira.model.ModelConfig;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.service.ContinuousBatcher;
import dev.anira.service.OutputSink;
import dev.anira.service.ServedModel;
import dev.anira.service.ServiceMetrics;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code anira bench service}: the model service's benchmarks, measured side by side in one run
 * (this machine is noisy, so ratios are what to read). In-process batching comparisons first, then
 * the whole path through Kafka ({@link KafkaThroughput}).
 */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks of the model service: continuous vs static batching (instances/s ratio, same"
          + " model and workload with skewed depths), realized compute saving of ONLINE vs FIXED"
          + " at D_max (wall-clock ratio over D_max / mean depth), and instances/s, token-steps/s"
          + " and publish-to-result latency through an in-process Kafka broker."
    })
public final class ServiceBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--quick",
      description = "Smaller workloads; finishes within 5 minutes on 2 cores")
  boolean quick;

  @Option(names = "--json", description = "Print one JSON object instead of the table")
  boolean json;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Workload seed. Default: ${DEFAULT-VALUE}")
  long seed;

  @Override
  public Integer call() throws Exception {
    Devices.useThreads(Devices.defaultThreads()); // what the service computes with
    PrintWriter err = spec.commandLine().getErr();
    int instances = quick ? 300 : 1500;
    int budget = 1024;
    List<ProblemInstance> workload = skewedWorkload(instances, seed);
    ObjectNode out = new ObjectMapper().createObjectNode();
    try (Anira online = skewedModel(Mechanism.ONLINE);
        Anira fixed = online.withMechanism(Mechanism.FIXED)) {
      ServedModel servedOnline =
          new ServedModel("bench-online", "parity", Mechanism.ONLINE, online);
      ServedModel servedFixed = new ServedModel("bench-fixed", "parity", Mechanism.FIXED, fixed);
      err.printf("warming up ...%n");
      err.flush();
      run(
          servedOnline,
          workload.subList(0, Math.min(100, instances)),
          budget,
          ContinuousBatcher.Admission.CONTINUOUS);
      int rounds = quick ? 3 : 5;
      err.printf(
          "continuous vs static batching and FIXED at D_max, %d instances, token budget %d,"
              + " %d interleaved rounds ...%n",
          instances, budget, rounds);
      err.flush();
      List<Double> continuousTimes = new ArrayList<>();
      List<Double> staticTimes = new ArrayList<>();
      List<Double> fixedTimes = new ArrayList<>();
      double meanDepth = Double.NaN;
      for (int round = 0; round < rounds; round++) {
        Measured c = run(servedOnline, workload, budget, ContinuousBatcher.Admission.CONTINUOUS);
        continuousTimes.add(c.seconds());
        meanDepth = c.meanDepth();
        staticTimes.add(
            run(servedOnline, workload, budget, ContinuousBatcher.Admission.STATIC).seconds());
        fixedTimes.add(
            run(servedFixed, workload, budget, ContinuousBatcher.Admission.CONTINUOUS).seconds());
      }
      // Medians of interleaved rounds: this machine's noise hits all three alike.
      Measured continuous = new Measured(median(continuousTimes), meanDepth);
      Measured staticBatching = new Measured(median(staticTimes), meanDepth);
      Measured fixedRun = new Measured(median(fixedTimes), Double.NaN);
      double theoretical = online.config().maxDepth() / continuous.meanDepth();
      double realized = fixedRun.seconds() / continuous.seconds();
      out.put("instances", instances);
      out.put("tokenBudget", budget);
      out.put("rounds", rounds);
      out.put("continuousInstancesPerSec", instances / continuous.seconds());
      out.put("staticInstancesPerSec", instances / staticBatching.seconds());
      out.put("continuousVsStatic", staticBatching.seconds() / continuous.seconds());
      out.put("meanDepth", continuous.meanDepth());
      out.put("theoreticalSaving", theoretical);
      out.put("wallClockSaving", realized);
      out.put("realizedSaving", realized / theoretical);
    }
    err.printf("through Kafka (in-process broker, bundled checkpoints) ...%n");
    err.flush();
    KafkaThroughput.Result kafka = KafkaThroughput.measure(quick ? 400 : 2000, seed, err);
    out.put("allocator", Devices.allocator());
    out.put("mklCpuDispatch", Devices.mklCpuDispatch());
    out.put("kafkaInstances", kafka.instances());
    out.put("kafkaRounds", kafka.rounds());
    out.put("kafkaWarmUpRounds", KafkaThroughput.WARM_UP_ROUNDS);
    out.put("kafkaWarmUpInstances", KafkaThroughput.WARM_UP_INSTANCES);
    out.put("inProcessInstancesPerSec", kafka.inProcessPerSec());
    out.put("instancesPerSec", kafka.instancesPerSec());
    out.put("kafkaVsInProcess", kafka.instancesPerSec() / kafka.inProcessPerSec());
    out.put("tokenStepsPerSec", kafka.tokenStepsPerSec());
    out.put("p50LatencyMs", kafka.p50Ms());
    out.put("p99LatencyMs", kafka.p99Ms());
    out.put("halfRateInstancesPerSec", kafka.halfRate());
    out.put("p50LatencyMsAtHalfRate", kafka.p50MsAtHalfRate());
    out.put("p99LatencyMsAtHalfRate", kafka.p99MsAtHalfRate());
    out.put("halfRateWarmUpSeconds", KafkaThroughput.PACED_WARM_UP.toSeconds());
    out.put("p99LatencyMsDuringWarmUp", kafka.p99MsDuringWarmUp());
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(out);
    } else {
      stdout.printf(
          "continuous vs static batching: %.2fx (%.1f vs %.1f instances/s)%n"
              + "realized saving: %.2f (FIXED/ONLINE wall-clock %.2fx, theoretical %.2fx = 12 / mean"
              + " depth %.2f)%n"
              + "through Kafka: %.1f instances/s (%.2fx the %.1f in process), %,.0f token-steps/s,"
              + " burst latency p50 %.0f ms, p99 %.0f ms (%d instances)%n"
              + "at half that rate (%.1f instances/s): latency p50 %.0f ms, p99 %.0f ms"
              + " (p99 %.0f ms in the %d s warm-up before)%n",
          out.get("continuousVsStatic").asDouble(),
          out.get("continuousInstancesPerSec").asDouble(),
          out.get("staticInstancesPerSec").asDouble(),
          out.get("realizedSaving").asDouble(),
          out.get("wallClockSaving").asDouble(),
          out.get("theoreticalSaving").asDouble(),
          out.get("meanDepth").asDouble(),
          kafka.instancesPerSec(),
          kafka.instancesPerSec() / kafka.inProcessPerSec(),
          kafka.inProcessPerSec(),
          kafka.tokenStepsPerSec(),
          kafka.p50Ms(),
          kafka.p99Ms(),
          kafka.instances(),
          kafka.halfRate(),
          kafka.p50MsAtHalfRate(),
          kafka.p99MsAtHalfRate(),
          kafka.p99MsDuringWarmUp(),
          KafkaThroughput.PACED_WARM_UP.toSeconds());
    }
    stdout.flush();
    return 0;
  }

  record Measured(double seconds, double meanDepth) {}

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** Runs the workload through one batcher in process; mean depth over all tokens. */
  static Measured run(
      ServedModel served,
      List<ProblemInstance> workload,
      int budget,
      ContinuousBatcher.Admission admission) {
    long[] depthSum = new long[2];
    OutputSink sink =
        new OutputSink() {
          @Override
          public void step(RecurrenceStep step) {}

          @Override
          public void result(InstanceResult result) {
            for (int d : result.getDepths()) {
              depthSum[0] += d;
              depthSum[1]++;
            }
          }
        };
    try (ServiceMetrics metrics = new ServiceMetrics("cpu");
        ContinuousBatcher batcher =
            new ContinuousBatcher(served, budget, admission, "bench", metrics)) {
      long start = System.nanoTime();
      workload.forEach(instance -> batcher.submit(instance, sink));
      batcher.drain();
      return new Measured((System.nanoTime() - start) / 1e9, (double) depthSum[0] / depthSum[1]);
    }
  }

  /**
   * Parity instances with skewed lengths (90% of 4..11 tokens, 10% of 24..47), so instances need
   * very different numbers of steps.
   */
  static List<ProblemInstance> skewedWorkload(int count, long seed) {
    Task parity = Tasks.byName("parity");
    SplittableRandom random = new SplittableRandom(seed);
    List<ProblemInstance> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = random.nextDouble() < 0.9 ? random.nextInt(4, 12) : random.nextInt(24, 48);
      out.add(
          TaskGenerator.generate(
                  parity,
                  Params.of(parity, Map.of("length", length)),
                  dev.anira.schemas.Split.TRAIN,
                  random.nextLong(),
                  "bench-" + i,
                  "bench",
                  Instant.now())
              .instance());
    }
    return out;
  }

  /**
   * A default-size ONLINE model whose halting head reads one positional feature of the state:
   * tokens in the first dozen positions halt after one step, later ones run to D_max. Instance
   * depth then follows instance length, so the skewed workload has skewed depths (trained
   * checkpoints halt too uniformly to show the effect).
   */
  static Anira skewedModel(Mechanism mechanism) {
    ModelConfig config = ModelConfig.defaults(Tasks.byName("parity").vocabSize(), mechanism);
    Anira model = Anira.create(config, Device.cpu(), 7);
    float[] w = new float[config.modelDim()];
    // After the layer norm, feature 28 (sin(position / 56) in the embedding) rises with the
    // position from about -1.4 to -0.2 over 40 tokens; λ crosses 0.5 near -0.7 (position ~15).
    w[28] = -20f;
    model.setHaltingHead(w, -24f);
    // Take the token embedding out of that feature so only the position drives it.
    float[][] table = model.tokenEmbedding();
    for (float[] row : table) {
      row[28] = 0f;
    }
    model.setTokenEmbedding(table);
    return model;
  }
}
