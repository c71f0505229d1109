package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.Split;
import dev.anira.schemas.TimingReport;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimingAccumulatorTest {

  @Test
  void depthDrivenByTheAlgorithmsStateIsExplainedByItNotByStructure() {
    SplittableRandom random = new SplittableRandom(3);
    TimingAccumulator whole = new TimingAccumulator();
    TimingAccumulator a = new TimingAccumulator();
    TimingAccumulator b = new TimingAccumulator();
    for (int i = 0; i < 400; i++) {
      double position = random.nextInt(16);
      double frontier = random.nextInt(5);
      int depth = (int) (1 + 2 * frontier); // depth follows the algorithm, not the position
      HaltingEvent e = event(depth, position, frontier);
      whole.add(e);
      (i % 3 == 0 ? a : b).add(e);
    }
    a.merge(b);
    TimingReport report = whole.fill(skeleton()).build();
    TimingReport merged = a.fill(skeleton()).build();
    assertThat(report.getR2Algorithm()).isCloseTo(1.0, within(1e-9));
    assertThat(report.getR2Static()).isLessThan(0.05);
    assertThat(report.getR2Full()).isCloseTo(1.0, within(1e-9));
    assertThat(report.getUniqueAlgorithm()).isGreaterThan(0.95);
    assertThat(report.getStaticFeatureNames()).containsExactly("position");
    assertThat(report.getAlgorithmFeatureNames()).containsExactly("frontierSize");
    assertThat(merged.getR2Static()).isCloseTo(report.getR2Static(), within(1e-9));
    assertThat(merged.getR2Full()).isCloseTo(report.getR2Full(), within(1e-9));
    assertThat(merged.getTokens()).isEqualTo(400);
  }

  private static HaltingEvent event(int depth, double position, double frontier) {
    return HaltingEvent.newBuilder()
        .setInstanceId("x")
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSize(8)
        .setSplit(Split.TRAIN)
        .setPosition((int) position)
        .setAnswerIndex(0)
        .setDepth(depth)
        .setMaxDepth(12)
        .setComplexity(depth)
        .setComplexityAlgorithm("bfs-layer")
        .setLag(0)
        .setPrediction(0)
        .setTarget(0)
        .setCorrect(true)
        .setHaltProbability(0.5f)
        .setStaticFeatures(List.of(new NamedValue("position", position)))
        .setAlgorithmFeatures(List.of(new NamedValue("frontierSize", frontier)))
        .setEventTime(Instant.EPOCH)
        .setProducerId("t")
        .build();
  }

  private static TimingReport.Builder skeleton() {
    return TimingReport.newBuilder()
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSizeBucket("8-15")
        .setSplit(Split.TRAIN)
        .setScope(dev.anira.schemas.WindowScope.WINDOW)
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH)
        .setTracking(List.of())
        .setEventTime(Instant.EPOCH)
        .setProducerId("t");
  }
}
