package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.Alert;
import dev.anira.schemas.AlertKind;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Severity;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

  private int window;

  @Test
  void accuracyBelowTheLearnedBaselineForKWindowsRaisesOneAlert() {
    AlertRules rules = new AlertRules(AlertRules.Config.defaults());
    List<Alert> alerts = new ArrayList<>();
    for (double accuracy : new double[] {0.95, 0.93, 0.97, 0.80, 0.80, 0.95, 0.70, 0.70, 0.70}) {
      alerts.addAll(rules.observe(report(100, accuracy, 0.6, 10), "t"));
    }
    // Baseline 0.95 from the first three; two low windows then a good one reset the streak.
    assertThat(alerts)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getKind()).isEqualTo(AlertKind.ACCURACY_DRIFT);
              assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL); // 0.70 < 0.95 - 2 × 0.1
              assertThat(a.getBaseline())
                  .isEqualTo(0.95, org.assertj.core.api.Assertions.within(1e-12));
              assertThat(a.getObserved()).isEqualTo(0.70);
              assertThat(a.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(9_000));
              assertThat(a.getMessage()).contains("m/ONLINE/parity/4-7/TRAIN").contains("accuracy");
            });
  }

  @Test
  void aConfiguredBaselineAppliesFromTheFirstWindowAndSmallWindowsAreSkipped() {
    AlertRules rules =
        new AlertRules(new AlertRules.Config(3, 2, 20, 0.5, 0.2, null, 0.1, null, 0.2));
    assertThat(rules.observe(report(100, 0.9, 0.1, 10), "t")).isEmpty();
    assertThat(rules.observe(report(5, 0.9, 0.1, 1), "t")).isEmpty(); // too few tokens
    assertThat(rules.observe(report(100, 0.9, 0.2, 10), "t"))
        .extracting(Alert::getKind)
        .containsExactly(AlertKind.ALIGNMENT_DRIFT);
  }

  @Test
  void aPrematureSpikeAlertsInItsOwnWindow() {
    AlertRules rules = new AlertRules(AlertRules.Config.defaults());
    for (int i = 0; i < 3; i++) {
      assertThat(rules.observe(report(100, 0.9, 0.6, 10), "t")).isEmpty();
    }
    assertThat(rules.observe(report(100, 0.9, 0.6, 35), "t"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getKind()).isEqualTo(AlertKind.PREMATURE_HALT_SPIKE);
              assertThat(a.getSeverity()).isEqualTo(Severity.WARNING);
              assertThat(a.getObserved()).isEqualTo(0.35);
            });
  }

  @Test
  void oneDepthAboveNinetyPercentForKWindowsIsACollapseRaisedOncePerEpisode() {
    AlertRules rules = new AlertRules(AlertRules.Config.defaults());
    List<Alert> alerts = new ArrayList<>();
    // Shares of the most common depth: 0.9 is not a collapse, three windows above are.
    for (long top : new long[] {50, 90, 95, 95, 95, 100, 100, 60, 91, 91, 91}) {
      alerts.addAll(
          rules.observe(withDepths(report(100, 0.9, 0.6, 10), List.of(top, 100 - top)), "t"));
    }
    assertThat(alerts)
        .filteredOn(a -> a.getKind() == AlertKind.DEPTH_COLLAPSE)
        .hasSize(2)
        .first()
        .satisfies(
            a -> {
              assertThat(a.getObserved()).isEqualTo(0.95);
              assertThat(a.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(5_000));
              assertThat(a.getMessage()).contains("depth 1 took 95% of tokens for 3 windows");
            });
  }

  /** The report with depth 1 taking counts[0] tokens, depth 2 counts[1]. */
  private static AlignmentReport withDepths(AlignmentReport r, List<Long> counts) {
    r.setDepthHistogram(
        List.of(
            new dev.anira.schemas.LagBin(1, counts.get(0)),
            new dev.anira.schemas.LagBin(2, counts.get(1))));
    return r;
  }

  @Test
  void nonsenseThresholdsAreRefused() {
    assertThatThrownBy(() -> new AlertRules.Config(0, 3, 20, null, 0.2, null, 0.1, null, 0.2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlertRules.Config(3, 3, 20, null, -0.2, null, 0.1, null, 0.2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private AlignmentReport report(long tokens, double accuracy, double spearman, long premature) {
    window++;
    return AlignmentReport.newBuilder()
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask("parity")
        .setSizeBucket("4-7")
        .setSplit(Split.TRAIN)
        .setScope(WindowScope.WINDOW)
        .setWindowStart(Instant.ofEpochMilli((window - 1) * 1_000L))
        .setWindowEnd(Instant.ofEpochMilli(window * 1_000L))
        .setMaxDepth(12)
        .setTokens(tokens)
        .setCorrectTokens(Math.round(tokens * accuracy))
        .setAccuracy(accuracy)
        .setMeanDepth(3)
        .setMeanComplexity(3)
        .setComputeSaved(0.75)
        .setSpearmanCorrect(spearman)
        .setPearsonCorrect(spearman)
        .setSpearmanAll(spearman)
        .setPearsonAll(spearman)
        .setPremature(premature)
        .setOnTime(tokens - premature)
        .setLate(0)
        .setLagHistogram(List.of())
        .setEventTime(Instant.ofEpochMilli(window * 1_000L))
        .setProducerId("t")
        .build();
  }
}
