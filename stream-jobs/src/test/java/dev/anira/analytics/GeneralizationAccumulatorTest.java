package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneralizationAccumulatorTest {

  /** Train sizes 4..6, extrapolation 8..9: deeper and less accurate beyond the train range. */
  private static List<HaltingEvent> events() {
    SplittableRandom random = new SplittableRandom(5);
    List<HaltingEvent> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean extrapolation = i % 4 == 0;
      int size = extrapolation ? 8 + i / 4 % 2 : 4 + i % 3;
      for (int t = 0; t < 3; t++) {
        int depth = random.nextInt(1, size);
        boolean correct = random.nextDouble() < (extrapolation ? 0.5 : 0.9);
        events.add(event("i-" + i, size, extrapolation, depth, correct));
      }
    }
    return events;
  }

  @Test
  void perSizeCountsMatchADirectComputationAndSplitsMerge() {
    List<HaltingEvent> events = events();
    GeneralizationAccumulator whole = new GeneralizationAccumulator();
    GeneralizationAccumulator first = new GeneralizationAccumulator();
    GeneralizationAccumulator second = new GeneralizationAccumulator();
    for (int i = 0; i < events.size(); i++) {
      whole.add(events.get(i));
      // Split between instances, as windows split them.
      (i < 300 ? first : second).add(events.get(i));
    }
    List<GeneralizationReport> reports = reports(whole);
    assertThat(reports).extracting(GeneralizationReport::getSize).containsExactly(4, 5, 6, 8, 9);
    for (GeneralizationReport r : reports) {
      List<HaltingEvent> cell = events.stream().filter(e -> e.getSize() == r.getSize()).toList();
      long correct = cell.stream().filter(HaltingEvent::getCorrect).count();
      List<String> ids = cell.stream().map(HaltingEvent::getInstanceId).distinct().toList();
      long instancesRight =
          ids.stream()
              .filter(
                  id ->
                      cell.stream()
                          .filter(e -> e.getInstanceId().equals(id))
                          .allMatch(HaltingEvent::getCorrect))
              .count();
      assertThat(r.getTokens()).isEqualTo(cell.size());
      assertThat(r.getInstances()).isEqualTo(ids.size());
      assertThat(r.getAccuracy()).isCloseTo((double) correct / cell.size(), within(1e-12));
      assertThat(r.getInstanceAccuracy())
          .isCloseTo((double) instancesRight / ids.size(), within(1e-12));
      assertThat(r.getMeanDepth())
          .isCloseTo(
              cell.stream().mapToInt(HaltingEvent::getDepth).average().orElseThrow(),
              within(1e-12));
      assertThat(r.getMeanDepthWrong())
          .isCloseTo(
              cell.stream()
                  .filter(e -> !e.getCorrect())
                  .mapToInt(HaltingEvent::getDepth)
                  .average()
                  .orElseThrow(),
              within(1e-12));
      assertThat(r.getSplit()).isEqualTo(r.getSize() >= 8 ? Split.EXTRAPOLATION : Split.TRAIN);
      // Beyond the train sizes it thinks longer and is less accurate.
      assertThat(r.getMoreComputeStillWrong()).isEqualTo(r.getSize() >= 8);
    }
    assertThat(reports(first.merge(second)).toString()).isEqualTo(reports.toString());
  }

  @Test
  void moreComputeStillWrongNeedsTrainSizesToCompareWith() {
    GeneralizationAccumulator acc = new GeneralizationAccumulator();
    acc.add(event("x", 9, true, 11, false));
    assertThat(reports(acc))
        .singleElement()
        .satisfies(r -> assertThat(r.getMoreComputeStillWrong()).isFalse());
  }

  private static List<GeneralizationReport> reports(GeneralizationAccumulator acc) {
    return acc.reports("m", Mechanism.ONLINE, "addition", WindowScope.WINDOW, 0, 1, "t");
  }

  private static HaltingEvent event(
      String instance, int size, boolean extrapolation, int depth, boolean correct) {
    return HaltingEvent.newBuilder()
        .setInstanceId(instance)
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask("addition")
        .setSize(size)
        .setSplit(extrapolation ? Split.EXTRAPOLATION : Split.TRAIN)
        .setPosition(0)
        .setAnswerIndex(0)
        .setDepth(depth)
        .setMaxDepth(12)
        .setComplexity(2)
        .setComplexityAlgorithm("ripple")
        .setLag(depth - 2)
        .setPrediction(correct ? 1 : 0)
        .setTarget(1)
        .setCorrect(correct)
        .setHaltProbability(0.5f)
        .setStaticFeatures(List.of())
        .setAlgorithmFeatures(List.of())
        .setEventTime(Instant.EPOCH)
        .setProducerId("t")
        .build();
  }
}
